"""The one error type raised by the instrument scorer.

Every problem with an input record is reported as a :class:`ScoringError` with a stable
machine code, the item code or field name it concerns, and a Chinese and an English
message. ``str(error)`` is the English message. The codes are the same for the CLI, the
API and the web forms.
"""

from __future__ import annotations

from typing import Any, Final, Literal

ErrorCode = Literal[
    "unknown_instrument",
    "missing_item",
    "unknown_item",
    "invalid_score",
    "invalid_field",
]

#: Every error code, in a stable order.
ERROR_CODES: Final[tuple[ErrorCode, ...]] = (
    "unknown_instrument",
    "missing_item",
    "unknown_item",
    "invalid_score",
    "invalid_field",
)


class ScoringError(ValueError):
    """An input record cannot be scored.

    Attributes:
        code: one of :data:`ERROR_CODES`.
        item: the item code (``"B.1.3"``, ``"bathing"``) or field name (``"coma"``,
            ``"risk_events_30d"``) the error is about, or ``None`` when it concerns the
            record as a whole.
        message_zh: the Chinese message.
        message_en: the English message (also ``str(error)``).
        index: the 0-based index of the record in a batch, set by ``score_many``;
            ``None`` for a single record.
    """

    code: ErrorCode
    item: str | None
    message_zh: str
    message_en: str
    index: int | None

    def __init__(
        self,
        code: ErrorCode,
        *,
        item: str | None,
        message_zh: str,
        message_en: str,
        index: int | None = None,
    ) -> None:
        super().__init__(message_en)
        self.code = code
        self.item = item
        self.message_zh = message_zh
        self.message_en = message_en
        self.index = index

    def __str__(self) -> str:
        return self.message_en

    def __repr__(self) -> str:
        return (
            f"ScoringError(code={self.code!r}, item={self.item!r}, "
            f"index={self.index!r}, message_en={self.message_en!r})"
        )

    def __reduce__(self) -> tuple[Any, ...]:
        # Keyword-only arguments: rebuild explicitly so the error survives pickling.
        return (_restore, (self.code, self.item, self.message_zh, self.message_en, self.index))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready description, for API error bodies and stored import logs."""
        return {
            "code": self.code,
            "item": self.item,
            "index": self.index,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
        }


def _restore(
    code: ErrorCode, item: str | None, message_zh: str, message_en: str, index: int | None
) -> ScoringError:
    return ScoringError(code, item=item, message_zh=message_zh, message_en=message_en, index=index)
