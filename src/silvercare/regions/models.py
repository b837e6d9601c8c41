"""Administrative divisions keyed by the national 12-digit statistical division code."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from silvercare.common.models import TimeStampedModel
from silvercare.regions.choices import RegionLevel, code_prefix


class Region(TimeStampedModel):
    """A province, city, county, town/street or community/village.

    The primary key is the 12-digit code, so any row that stores a region code can be
    filtered by scope with a plain ``startswith`` on that column.
    """

    code = models.CharField(_("code"), max_length=12, primary_key=True)
    name = models.CharField(_("name"), max_length=64)
    level = models.PositiveSmallIntegerField(_("level"), choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    # Centre point: for communities it anchors the 15-minute service circle.
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    is_demo = models.BooleanField(default=False, help_text="Generated for the demo city.")

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level__gte=1, level__lte=5), name="region_level_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def prefix(self) -> str:
        return code_prefix(self.code, self.level)
