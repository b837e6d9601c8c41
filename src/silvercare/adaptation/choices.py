"""States of a home-adaptation case, checklist answers, signers and follow-up outcomes."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    ASSESSED = "assessed", _("Home assessed")
    PLANNED = "planned", _("Planned")
    APPROVED = "approved", _("Approved")
    IN_WORKS = "in_works", _("Works under way")
    ACCEPTED = "accepted", _("Accepted")
    FOLLOWED_UP = "followed_up", _("Followed up")
    CANCELLED = "cancelled", _("Cancelled")


# A case that is not finished: one per elder at a time.
OPEN_STATUSES = (
    Status.ASSESSED,
    Status.PLANNED,
    Status.APPROVED,
    Status.IN_WORKS,
    Status.ACCEPTED,
)


class Action(models.TextChoices):
    """The transitions of the state machine (``services.TRANSITIONS`` says from where)."""

    PLAN = "plan", _("Finish the plan")
    APPROVE = "approve", _("Approve the plan")
    START_WORKS = "start_works", _("Start the works")
    ACCEPT = "accept", _("Accept the works")
    FOLLOW_UP = "follow_up", _("Record the follow-up visit")
    CANCEL = "cancel", _("Cancel the case")


class Answer(models.TextChoices):
    OK = "ok", _("Safe")
    HAZARD = "hazard", _("Hazard")
    NOT_APPLICABLE = "na", _("Not applicable")


class Signer(models.TextChoices):
    ELDER = "elder", _("The elder")
    FAMILY = "family", _("A family member")


class Outcome(models.TextChoices):
    IMPROVED = "improved", _("Safer, in use")
    PARTLY = "partly", _("Partly in use")
    PROBLEM = "problem", _("A problem needs fixing")


class PhotoStage(models.TextChoices):
    CHECKLIST = "checklist", _("Checklist")
    WORKS = "works", _("Works")


FOLLOW_UP_DAYS = 30
"""Default days between acceptance and the follow-up visit."""

SUBSIDY_ITEM_CODE = "home_adaptation"
"""The subsidies item code of a plan: kind ``service`` (no item kind for adaptation yet)."""
