"""Roll-ups: each indicator's figure per region (province to street) and month, computed from
the capabilities' facts by ``services.figures_refresh``, so a dashboard never scans raw rows."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Figure(models.Model):
    indicator = models.CharField(_("indicator"), max_length=40)
    region_code = models.CharField(_("area"), max_length=12)
    level = models.PositiveSmallIntegerField(_("level"))
    period = models.CharField(_("period"), max_length=10)  # common.periods code
    numerator = models.BigIntegerField(_("numerator"))
    denominator = models.BigIntegerField(_("denominator"), null=True, blank=True)
    value = models.FloatField(_("value"), null=True, blank=True)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("indicator figure")
        verbose_name_plural = _("indicator figures")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "region_code", "period"], name="indicators_figure_once"
            )
        ]
        indexes = [models.Index(fields=["region_code", "period"], name="indicators_fig_region")]

    def __str__(self) -> str:
        return f"{self.indicator} {self.region_code} {self.period}"


class Refresh(models.Model):
    """One computation of the roll-ups: which months, how far it got, when it finished."""

    class Kind(models.TextChoices):
        FULL = "full", _("Full")
        INCREMENTAL = "incremental", _("Incremental")

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default="queued")
    periods = models.JSONField(_("months"), default=list)
    done_periods = models.PositiveIntegerField(_("months done"), default=0)
    figures = models.PositiveIntegerField(_("figures"), default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("indicator refresh")
        verbose_name_plural = _("indicator refreshes")

    def __str__(self) -> str:
        return f"{self.kind} {self.created_at:%Y-%m-%d %H:%M}"
