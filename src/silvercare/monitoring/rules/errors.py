"""The one error the rules package raises: a rule configuration that cannot be compiled."""

from __future__ import annotations


class RuleConfigError(ValueError):
    """A rule configuration is invalid. ``path`` names the field (``"geofence.zones[0].radius_m"``),
    ``code`` is a machine code the caller maps to its own field error."""

    def __init__(self, path: str, code: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.code = code
        self.message = message
