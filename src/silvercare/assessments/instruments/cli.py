"""``assess_score_cli``: score the records of a JSON file (wired to ``silvercare assess-score``).

Exit status 0: the results are printed to stdout as JSON (one object for an object, a list
in the same order for a list). Exit status 2: a message on stderr naming the record index,
the item or field and the error code; nothing on stdout.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Final, TextIO

from .config import LawtonSettings, LevelChangeRules, LtcGradingConfig
from .errors import ScoringError
from .scoring import score_many

EXIT_OK: Final = 0
EXIT_INVALID: Final = 2


def format_error(error: ScoringError) -> str:
    """``record 2: item B.1.3: invalid_score: score 5 is not an option of B.1.3 (...)``."""
    parts: list[str] = []
    if error.index is not None:
        parts.append(f"record {error.index}")
    if error.item is not None:
        kind = "field" if error.code == "invalid_field" else "item"
        parts.append(f"{kind} {error.item}")
    parts.append(error.code)
    parts.append(error.message_en)
    return ": ".join(parts)


def assess_score_cli(
    path: str,
    stdout: TextIO,
    stderr: TextIO,
    *,
    rules: LevelChangeRules | None = None,
    ltc_grading: LtcGradingConfig | None = None,
    lawton: LawtonSettings | None = None,
) -> int:
    """Score ``path`` (a JSON object or a list of them); return the exit status."""
    try:
        with open(path, encoding="utf-8-sig") as handle:
            data: Any = json.load(handle)
    except OSError as error:
        stderr.write(f"error: cannot read {path}: {error.strerror or error}\n")
        return EXIT_INVALID
    except UnicodeDecodeError as error:
        stderr.write(f"error: {path} is not UTF-8 text: {error.reason}\n")
        return EXIT_INVALID
    except json.JSONDecodeError as error:
        stderr.write(
            f"error: {path} is not valid JSON: line {error.lineno} column {error.colno}: "
            f"{error.msg}\n"
        )
        return EXIT_INVALID
    single = isinstance(data, Mapping)
    if not single and not isinstance(data, list):
        stderr.write(f"error: {path} must hold a JSON object or a list of objects\n")
        return EXIT_INVALID
    records = [data] if single else data
    try:
        results = score_many(records, rules=rules, ltc_grading=ltc_grading, lawton=lawton)
    except ScoringError as error:
        stderr.write(format_error(error) + "\n")
        return EXIT_INVALID
    output = results[0] if single else results
    stdout.write(json.dumps(output, ensure_ascii=False, indent=2) + "\n")
    return EXIT_OK
