"""Kinds, classes and states of the industry registries, reports and projects."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SizeClass(models.TextChoices):
    LARGE = "large", _("Large")
    MEDIUM = "medium", _("Medium")
    SMALL = "small", _("Small")
    MICRO = "micro", _("Micro")


class Sector(models.TextChoices):
    """The seeds' product and service sub-sectors of the silver economy."""

    ASSISTIVE = "assistive", _("Assistive devices")
    SMART = "smart", _("Smart eldercare products")
    FOOD = "food", _("Food for older people")
    APPAREL = "apparel", _("Clothing for older people")
    DAILY = "daily", _("Daily-living products")
    HEALTH = "health", _("Health and medical care")
    CARE = "care", _("Care services")
    ADAPTATION = "adaptation", _("Home adaptation")
    CULTURE = "culture", _("Culture, tourism and learning")
    FINANCE = "finance", _("Finance and insurance")


class Tier(models.TextChoices):
    """Recognitions of an enterprise, each granted on a date and often for a term."""

    SPECIALISED = "specialised", _("Specialised and innovative (专精特新)")
    LITTLE_GIANT = "little_giant", _("Little giant (小巨人)")
    CHAMPION = "champion", _("Single-product champion (单项冠军)")
    CHAIN_LEADER = "chain_leader", _("Chain leader (链主)")
    LEADING = "leading", _("Leading enterprise (龙头)")
    GAZELLE = "gazelle", _("Gazelle (瞪羚)")
    UNICORN = "unicorn", _("Unicorn (独角兽)")
    HIGH_TECH = "high_tech", _("High-tech enterprise (高新技术企业)")


class FacilityKind(models.TextChoices):
    INSTITUTION = "institution", _("Eldercare institution")
    DAY_CARE = "day_care", _("Day-care centre")
    STATION = "station", _("Embedded community station")
    CENTRE = "centre", _("Comprehensive town or street centre")
    CANTEEN = "canteen", _("Elder canteen")
    RENTAL_POINT = "rental_point", _("Rental point")
    EXPERIENCE = "experience", _("Elder-living experience centre")


class Ownership(models.TextChoices):
    PUBLIC = "public", _("Public")
    PUBLIC_PRIVATE = "public_private", _("Publicly built, privately run")
    PRIVATE = "private", _("Private")


class Filer(models.TextChoices):
    """Who files a report form."""

    ENTERPRISE = "enterprise", _("Enterprises")
    FACILITY = "facility", _("Facilities")


class Frequency(models.TextChoices):
    MONTH = "month", _("Monthly")
    QUARTER = "quarter", _("Quarterly")
    YEAR = "year", _("Yearly")


class FieldType(models.TextChoices):
    INTEGER = "integer", _("Whole number")
    DECIMAL = "decimal", _("Number")
    TEXT = "text", _("Text")


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    DISTRICT_APPROVED = "district_approved", _("Approved by the district")
    APPROVED = "approved", _("Approved by the city")
    RETURNED = "returned", _("Returned")


#: States in which the filer may still change the figures.
EDITABLE = frozenset({ReportStatus.DRAFT, ReportStatus.RETURNED})


class ReportStep(models.TextChoices):
    SAVE = "save", _("Saved")
    SUBMIT = "submit", _("Submitted")
    DISTRICT_APPROVE = "district_approve", _("Approved by the district")
    CITY_APPROVE = "city_approve", _("Approved by the city")
    RETURN = "return", _("Returned")
    UNLOCK = "unlock", _("Unlocked")
    UPLOAD = "upload", _("Uploaded")


class ProjectStage(models.TextChoices):
    PLANNED = "planned", _("Planned")
    APPROVED = "approved", _("Approved")
    CONSTRUCTION = "construction", _("Under construction")
    OPERATING = "operating", _("In operation")
    STOPPED = "stopped", _("Stopped")


class WhiteListAction(models.TextChoices):
    ENTER = "enter", _("Entered the white list")
    EXIT = "exit", _("Left the white list")
