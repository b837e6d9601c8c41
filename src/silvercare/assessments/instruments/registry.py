"""Lookup of instruments (and their rule functions) by code."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from .barthel import BARTHEL
from .common import Rule, band_rule
from .gbt42195 import GBT42195
from .gbt42195_rules import score_gbt42195
from .lawton_iadl import LAWTON_IADL, score_lawton
from .ltc2021 import LTC2021, score_ltc2021
from .types import Instrument


@dataclass(frozen=True, slots=True)
class RegisteredInstrument:
    """An instrument and the one rule function that interprets its scores."""

    instrument: Instrument
    rule: Rule


_REGISTRY: Final[dict[str, RegisteredInstrument]] = {}


def register(instrument: Instrument, rule: Rule = band_rule) -> None:
    """Add an instrument. Its code must be new."""
    if instrument.code in _REGISTRY:
        raise ValueError(f"instrument {instrument.code!r} is already registered")
    _REGISTRY[instrument.code] = RegisteredInstrument(instrument, rule)


def get_registered(code: str) -> RegisteredInstrument:
    """The instrument and its rule; ``KeyError`` for an unknown code."""
    return _REGISTRY[code]


def get_instrument(code: str) -> Instrument:
    """The instrument with this code; ``KeyError`` for an unknown code."""
    return _REGISTRY[code].instrument


def instrument_codes() -> tuple[str, ...]:
    """The registered codes, in registration order."""
    return tuple(_REGISTRY)


def all_instruments() -> tuple[Instrument, ...]:
    return tuple(entry.instrument for entry in _REGISTRY.values())


register(GBT42195, score_gbt42195)
register(BARTHEL)
register(LAWTON_IADL, score_lawton)
register(LTC2021, score_ltc2021)
