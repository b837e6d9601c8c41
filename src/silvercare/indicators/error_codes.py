"""Machine codes of the indicator errors (problem+json ``code``)."""

PERMISSION_DENIED = "permission_denied"
REFRESH_RUNNING = "refresh_running"
