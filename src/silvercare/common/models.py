"""Base model every domain model inherits."""

from __future__ import annotations

from django.db import models


class TimeStampedModel(models.Model):
    """Adds ``created_at`` and ``updated_at`` to a model."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
