"""Endpoints under /api/v1/portal (region-scoped like every read)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["portal"])
