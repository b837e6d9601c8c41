"""Assessment instruments for older people, as data, and the one scorer for them.

Pure Python: no Django, no database. Instruments (by code):

* ``gbt42195-2022`` — GB/T 42195-2022《老年人能力评估规范》: 26 items, total 0–90,
  preliminary level 0–4 and the C.4 level change rules (:class:`LevelChangeRules`).
* ``barthel`` — Barthel Index 0–100 with the WS/T 431 dependence bands.
* ``lawton-iadl`` — Lawton IADL, total 0–8, no bands.
* ``ltc-2021`` — 长期护理失能等级评估标准（试行）: domain totals; a grade only with an
  explicit, unverified :class:`LtcGradingConfig`.

Entry points: :func:`score_record`, :func:`score_many`, :func:`assess_score_cli`,
:func:`get_instrument`. Errors: :class:`ScoringError` with ``code`` in
:data:`ERROR_CODES`.
"""

from __future__ import annotations

from .appendix_a import APPENDIX_A, appendix_a_section, gbt42195_fields_from_form
from .barthel import BARTHEL
from .cli import assess_score_cli, format_error
from .config import (
    LTC_GRADING_STATUS,
    RISK_EVENT_KINDS,
    DomainCutoffs,
    GradeBand,
    LawtonSettings,
    LevelChangeRules,
    LtcGradingConfig,
    ScoringSettings,
)
from .errors import ERROR_CODES, ErrorCode, ScoringError
from .gbt42195 import GBT42195, preliminary_level
from .gbt42195_rules import (
    LevelChangeInputs,
    LevelChangeReason,
    apply_level_change,
    diagnosis_group,
)
from .lawton_iadl import LAWTON_IADL
from .ltc2021 import LTC2021, LTC_QUOTED_GRADING
from .registry import all_instruments, get_instrument, instrument_codes, register
from .scoring import score_many, score_record, validate_items
from .types import (
    AbilityLevel,
    Band,
    Domain,
    FieldKind,
    FieldOption,
    FormField,
    FormSection,
    Instrument,
    Item,
    Option,
    ScoreDirection,
)

__all__ = [
    "APPENDIX_A",
    "BARTHEL",
    "ERROR_CODES",
    "GBT42195",
    "LAWTON_IADL",
    "LTC2021",
    "LTC_GRADING_STATUS",
    "LTC_QUOTED_GRADING",
    "RISK_EVENT_KINDS",
    "AbilityLevel",
    "Band",
    "Domain",
    "DomainCutoffs",
    "ErrorCode",
    "FieldKind",
    "FieldOption",
    "FormField",
    "FormSection",
    "GradeBand",
    "Instrument",
    "Item",
    "LawtonSettings",
    "LevelChangeInputs",
    "LevelChangeReason",
    "LevelChangeRules",
    "LtcGradingConfig",
    "Option",
    "ScoreDirection",
    "ScoringError",
    "ScoringSettings",
    "all_instruments",
    "appendix_a_section",
    "apply_level_change",
    "assess_score_cli",
    "diagnosis_group",
    "format_error",
    "gbt42195_fields_from_form",
    "get_instrument",
    "instrument_codes",
    "preliminary_level",
    "register",
    "score_many",
    "score_record",
    "validate_items",
]
