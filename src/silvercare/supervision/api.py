"""Endpoints under /api/v1/supervision (region-scoped like every read)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["supervision"])
