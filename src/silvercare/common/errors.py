"""The one error model: services raise DomainError; API, forms and imports render it."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any

from django.utils.functional import Promise


@dataclass(frozen=True)
class FieldError:
    """One problem with one input field."""

    field: str
    code: str
    message: str | Promise
    params: dict[str, str] = dc_field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"field": self.field, "code": self.code, "message": str(self.message)}
        if self.params:
            out["params"] = self.params
        return out


@dataclass
class DomainError(Exception):
    """A business rule said no. ``code`` is machine-readable, ``message`` translatable."""

    code: str
    message: str | Promise
    status: int = 400
    errors: list[FieldError] = dc_field(default_factory=list)
    extra: dict[str, Any] = dc_field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


class NotFound(DomainError):
    """Missing, or not visible to the actor: the two are deliberately indistinguishable."""

    def __init__(self, message: str | Promise = "Not found.") -> None:
        super().__init__(code="not_found", message=message, status=404)


class ValidationFailed(DomainError):
    """Input failed validation; ``errors`` lists each field."""

    def __init__(self, errors: list[FieldError], message: str | Promise | None = None) -> None:
        from django.utils.translation import gettext_lazy as _

        super().__init__(
            code="validation_failed",
            message=message or _("Some fields are not valid."),
            status=422,
            errors=errors,
        )
