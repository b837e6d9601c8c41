"""How a capability's audit rows read on the audit page, in the reader's language.

A capability writes its rows with ``audit_record(message=gettext_noop("…%(serial)s…"),
params={...}, changes={...})`` and registers, from its ``AppConfig.ready()``, one
``Vocabulary`` for its entity types: what kind of record they are, a label for each change
key, and labels for the codes its parameters and changes hold. The audit app then shows
every such row as sentences without importing the capability (ADR 0010), and a new
capability needs no change here.

Amounts are stored in fen under keys ending in ``_fen`` and shown in yuan.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

# code → label: a mapping, pairs (a TextChoices' ``choices``), or a look-up function.
Codes = Mapping[str, Any] | Iterable[tuple[str, Any]] | Callable[[str], str | None]


@dataclass(frozen=True)
class Vocabulary:
    record: Promise | str
    fields: Mapping[str, Promise | str] = field(default_factory=dict)
    # key (of params or changes) → its codes' labels.
    codes: Mapping[str, Codes] = field(default_factory=dict)
    # entity_id → the record's page ("" when it has none).
    url: Callable[[str], str] | None = None
    # Keys whose values are references shown as written, never translated (serial numbers,
    # recall references): marked ``translate="no"``.
    identifiers: frozenset[str] = frozenset()

    def label(self, key: str, code: Any) -> str | None:
        table = self.codes.get(key)
        if table is None or isinstance(code, (list, dict)):
            return None
        if callable(table):
            return table(str(code))
        pairs = table.items() if isinstance(table, Mapping) else table
        for value, label in pairs:
            if str(value) == str(code):
                return str(label)
        return None


_registry: dict[str, Vocabulary] = {}


def register(entity_type: str, vocabulary: Vocabulary) -> None:
    """Use ``vocabulary`` for rows whose entity type is ``entity_type`` or starts with
    ``entity_type + "."``."""
    _registry[entity_type] = vocabulary


def vocabulary_for(entity_type: str) -> Vocabulary | None:
    name = entity_type
    while name:
        if name in _registry:
            return _registry[name]
        name = name.rpartition(".")[0]
    return None


def yuan(fen: Any) -> str:
    if isinstance(fen, bool) or not isinstance(fen, int):
        return str(fen)
    return _("%(amount)s yuan") % {"amount": f"{fen / 100:,.2f}"}


def value(vocabulary: Vocabulary | None, key: str, raw: Any, text: Callable[[Any], str]) -> str:
    """One stored value as the reader sees it: a code's label, yuan for fen, else ``text``."""
    if vocabulary is not None:
        if key in vocabulary.identifiers and raw not in (None, ""):
            return format_html('<span translate="no">{}</span>', raw)
        label = vocabulary.label(key, raw)
        if label is not None:
            return label
    if key.endswith("_fen"):
        return yuan(raw)
    return text(raw)


def sentence(
    vocabulary: Vocabulary | None,
    message: str,
    params: Mapping[str, Any],
    text: Callable[[Any], str],
    fallback: str,
) -> str:
    """The message translated, with its parameters shown like values (escaped; identifiers
    marked untranslatable); ``fallback`` (the stored English summary) if the message and its
    parameters do not fit."""
    shown = {k: conditional_escape(value(vocabulary, k, v, text)) for k, v in params.items()}
    try:
        return mark_safe(conditional_escape(_(message)) % shown)  # noqa: S308 - all parts escaped
    except (KeyError, ValueError, TypeError):
        return fallback
