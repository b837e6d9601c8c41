"""Choices of the supervision capability."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class WarningStatus(models.TextChoices):
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class SubjectKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise")
    CAREGIVER = "caregiver", _("Caregiver")
    AT_CONSULTANT = "at_consultant", _("Assistive-technology consultant")
    RENTAL_OPERATOR = "rental_operator", _("Rental operator")


# Roles whose holders carry an individual credit record.
INDIVIDUAL_ROLES = ("caregiver", "at_consultant", "rental_operator")


class EventSource(models.TextChoices):
    INSPECTION = "inspection", _("Inspection")
    COMPLAINT = "complaint", _("Complaint")
    PENALTY = "penalty", _("Administrative penalty decision")
    COURT = "court", _("Court judgment")
    AWARD = "award", _("Award or commendation")
    REPORT = "report", _("Report from another department")
    OTHER = "other", _("Other")


class GradeReason(models.TextChoices):
    EVENT_ADDED = "event_added", _("Event recorded")
    MODEL_CHANGED = "model_changed", _("Score model changed")
    FIRST = "first", _("First grading")


class BlacklistStatus(models.TextChoices):
    LISTED = "listed", _("Listed")
    LIFTED = "lifted", _("Lifted")


class AppealStatus(models.TextChoices):
    NONE = "", _("No appeal")
    FILED = "filed", _("Appeal filed")
    UPHELD = "upheld", _("Appeal rejected, listing upheld")
    GRANTED = "granted", _("Appeal granted, listing lifted")


class DrawStatus(models.TextChoices):
    DRAWN = "drawn", _("Drawn")
    PUBLISHED = "published", _("Results published")


class InspectionStatus(models.TextChoices):
    ASSIGNED = "assigned", _("To inspect")
    DONE = "done", _("Result recorded")


class Outcome(models.TextChoices):
    COMPLIANT = "compliant", _("No problems found")
    CORRECTION = "correction", _("Correction required")
    VIOLATION = "violation", _("Violation, case opened")
    NOT_FOUND = "not_found", _("Not found at the registered address")


# The credit category an inspection outcome records on the target's credit.
OUTCOME_CATEGORY = {
    "compliant": "good_inspection",
    "correction": "correction_ordered",
    "violation": "penalty",
}
