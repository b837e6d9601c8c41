"""Stored eligibility: who a programme version lets in, with the reasons.

``EligibilitySnapshot`` holds, per elder and programme version, whether the version's rule
let the elder in when last evaluated, and points at the ``EligibilityOutcome`` that says
why. Elders with the same values of the facts a rule reads share one outcome (a rule over
the level and the categories has a few dozen outcomes however many elders there are), so a
programme can be evaluated for a million elders with one evaluation per distinct case.

An elder's *active entitlements* are their passing snapshots of the versions that apply
today (the live version of each programme of their area). Snapshots are written when a
version is published, when an elder's assessment is completed and when the registry
facts a rule may read change (category, hukou, area, status); quotes still evaluate the
rule afresh and add the limits and budgets, which a snapshot does not record.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from silvercare.accounts.scoping import RegionScopedQuerySet
from silvercare.subsidies.choices import EvaluationTrigger
from silvercare.subsidies.models.programmes import Programme, ProgrammeVersion


class EligibilityOutcome(models.Model):
    """One verdict of a version's rule for one combination of fact values."""

    version = models.ForeignKey(ProgrammeVersion, on_delete=models.CASCADE, related_name="outcomes")
    key = models.CharField(max_length=64)  # sha256 of the fact values it was decided on
    passed = models.BooleanField()
    reasons = models.JSONField(default=list)
    facts_used = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["version_id", "id"]
        verbose_name = _("eligibility outcome")
        verbose_name_plural = _("eligibility outcomes")
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="eligibility_outcome_once")
        ]

    def __str__(self) -> str:
        return f"{self.version_id} {self.passed}"


class SnapshotQuerySet(RegionScopedQuerySet["EligibilitySnapshot"]):
    region_field = "region__code"


class EligibilitySnapshot(models.Model):
    """Whether ``version`` lets ``elder`` in, as last evaluated (see the module)."""

    # A programme is evaluated for a million elders in one INSERT … SELECT; a reference
    # the database checks costs a look-up per row at commit and an index costs upkeep per
    # row. So the references are not database-checked (the service takes the elder from
    # the registry in the same statement, the version, programme and outcome are its own
    # rows; Django still deletes a snapshot with its elder or version), and there are only
    # the two indexes below (and the key): the unique (elder, version) one serves an
    # elder's look-ups, (version, passed) a version's counts.
    elder = models.ForeignKey(
        "elders.Elder",
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    version = models.ForeignKey(
        ProgrammeVersion,
        on_delete=models.CASCADE,
        related_name="snapshots",
        db_constraint=False,
        db_index=False,
    )
    outcome = models.ForeignKey(
        EligibilityOutcome,
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    # The elder's community when evaluated (region scope of the row).
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    passed = models.BooleanField()
    trigger = models.CharField(max_length=16, choices=EvaluationTrigger.choices)
    evaluated_at = models.DateTimeField()
    # When ``passed`` last changed (the first evaluation counts as a change).
    changed_at = models.DateTimeField()
    # The date of the assessment behind the level, when the rule reads the level: the
    # elder's own part of the explanation (the outcome's reasons are shared).
    level_assessed_on = models.DateField(null=True, blank=True)

    objects = SnapshotQuerySet.as_manager()

    class Meta:
        ordering = ["version_id", "elder_id"]
        verbose_name = _("eligibility snapshot")
        verbose_name_plural = _("eligibility snapshots")
        indexes = [models.Index(fields=["version", "passed"], name="snapshot_version_passed")]
        constraints = [
            models.UniqueConstraint(fields=["elder", "version"], name="snapshot_once"),
        ]

    def __str__(self) -> str:
        return f"{self.elder_id} {self.version_id} {self.passed}"
