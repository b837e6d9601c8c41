"""Endpoints under /api/v1/industry (region-scoped like every read)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["industry"])
