"""Qualification kinds, enrolment states, reminder channels."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    """The kinds of qualification one record holds (``qualification_valid`` asks by kind)."""

    ASSESSOR = "assessor", _("Ability assessor")
    AT_CONSULTANT = "at_consultant", _("Assistive-technology consultant")
    CAREGIVER = "caregiver", _("Elderly caregiver")
    NURSE = "nurse", _("Nurse")
    REHAB_THERAPIST = "rehab_therapist", _("Rehabilitation therapist")
    FAMILY_CAREGIVER = "family_caregiver", _("Family caregiver course")


# The five grades of the national occupational standard for elderly caregivers
# (养老护理员, 2019): level 5 is the entry grade, level 1 the highest.
CAREGIVER_LEVELS = {
    5: _("Level 5 (beginner)"),
    4: _("Level 4 (intermediate)"),
    3: _("Level 3 (advanced)"),
    2: _("Level 2 (technician)"),
    1: _("Level 1 (senior technician)"),
}


class Audience(models.TextChoices):
    FAMILY = "family", _("Family caregivers")
    STAFF = "staff", _("Staff")


class EnrolmentStatus(models.TextChoices):
    ENROLLED = "enrolled", _("Enrolled")
    WAITING = "waiting", _("On the waiting list")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ReminderStage(models.TextChoices):
    EXPIRING = "expiring", _("Expires soon")
    EXPIRED = "expired", _("Expired")


class ReminderRecipient(models.TextChoices):
    HOLDER = "holder", _("Holder")
    EMPLOYER = "employer", _("Employer")


class ReminderChannel(models.TextChoices):
    IN_APP = "in_app", _("In SilverCare")
    EMAIL = "email", _("Email")


EXPIRING_DAYS = 60
