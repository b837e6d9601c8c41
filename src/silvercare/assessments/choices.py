from django.db import models
from django.utils.translation import gettext_lazy as _


class Reason(models.TextChoices):
    """A.1.3 评估原因."""

    FIRST = "first", _("First assessment")
    ROUTINE = "routine", _("Routine reassessment")
    IMMEDIATE = "immediate", _("Immediate assessment (change of condition)")
    REVIEW = "review", _("Reassessment because the result is disputed")
    OTHER = "other", _("Other")


class Status(models.TextChoices):
    BOOKED = "booked", _("Booked")
    IN_PROGRESS = "in_progress", _("In progress")
    REVIEW = "review", _("Scored, awaiting signatures")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class InstrumentChoice(models.TextChoices):
    """The instruments an assessment can use, named in the active language (the codes are
    the ``instruments`` package's)."""

    GBT42195 = "gbt42195-2022", _("GB/T 42195-2022 Ability assessment of older adults")
    BARTHEL = "barthel", _("Barthel Index (activities of daily living)")
    LAWTON_IADL = "lawton-iadl", _("Lawton instrumental activities of daily living scale")
    LTC_2021 = "ltc-2021", _("Long-term care disability grading standard (trial)")


class TriggerReason(models.TextChoices):
    HOSPITAL_DISCHARGE = "hospital_discharge", _("Hospital discharge")
    FALL_CONFIRMED = "fall_confirmed", _("Confirmed fall alert")
    REQUEST = "request", _("Request by the elder or family")
    OTHER = "other", _("Other")


# GB/T 42195-2022 ability levels (0–4): labels for pages; the instrument data holds the same.
LEVEL_NAMES = {
    0: _("Intact ability"),
    1: _("Mildly impaired"),
    2: _("Moderately impaired"),
    3: _("Severely impaired"),
    4: _("Completely lost"),
}
