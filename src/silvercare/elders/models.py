"""Older people, their contacts and their consents."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from silvercare.accounts.scoping import RegionScopedQuerySet
from silvercare.common.models import TimeStampedModel
from silvercare.elders.choices import (
    ConsentPurpose,
    ElderStatus,
    HukouType,
    LivingSituation,
    Relationship,
    Sex,
)


class ElderQuerySet(RegionScopedQuerySet["Elder"]):
    region_field = "region__code"


class Elder(TimeStampedModel):
    """An older person in the registry. ID number, phone and address are stored encrypted;
    the ``*_hash`` columns are keyed hashes for exact lookup, ``*_masked`` what most users see.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # On PostgreSQL this column uses the "C" collation (migration 0003), so one index serves
    # both ``LIKE '王%'`` and ``ORDER BY name``. Re-apply it if the column is ever altered.
    name = models.CharField(_("name"), max_length=50)
    name_initials = models.CharField(max_length=50, db_index=True, blank=True)
    # The pinyin order of names (elders.name_order, ADR 0007), written with the name by
    # services.apply_to_model. "C" collation on PostgreSQL (migration 0007), so it sorts by
    # code point as on SQLite. Re-apply it if the column is ever altered.
    name_sort = models.CharField(max_length=500, blank=True, default="", editable=False)
    id_number_enc = models.TextField()
    id_number_hash = models.CharField(max_length=64, unique=True)
    id_number_masked = models.CharField(max_length=18)
    birth_date = models.DateField(_("birth date"), db_index=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    phone_enc = models.TextField(blank=True)
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True)
    phone_masked = models.CharField(max_length=20, blank=True)
    address_enc = models.TextField(blank=True)
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("community")
    )
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    # No default: facts that decide services are chosen on every entry (issue 8).
    hukou_type = models.CharField(_("hukou type"), max_length=16, choices=HukouType.choices)
    living_situation = models.CharField(
        _("living situation"), max_length=16, choices=LivingSituation.choices
    )
    is_disabled = models.BooleanField(_("disabled"), default=False)
    is_living_alone = models.BooleanField(_("living alone"), default=False)
    is_empty_nest = models.BooleanField(_("empty nest"), default=False)
    is_econ_difficult = models.BooleanField(_("economically difficult"), default=False)
    is_special_fp_family = models.BooleanField(_("special family-planning family"), default=False)
    is_rural_left_behind = models.BooleanField(_("rural left-behind"), default=False)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ElderStatus.choices,
        default=ElderStatus.ACTIVE,
        db_index=True,
    )
    status_date = models.DateField(_("status since"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The elder's own sign-in (a portal account of role elder_family), set through
    # ``services.elder_account_set``; ``selectors.elders_of_account`` reads it.
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="own_elder",
        verbose_name=_("own account"),
    )
    # Kept current by the assessment capability's events (never written by pages or forms):
    # the final level of the latest completed GB/T 42195 assessment and the next due date.
    ability_level = models.PositiveSmallIntegerField(
        _("ability level"), null=True, blank=True, db_index=True
    )
    ability_assessed_at = models.DateTimeField(null=True, blank=True)
    reassessment_due_on = models.DateField(
        _("reassessment due"), null=True, blank=True, db_index=True
    )

    objects = ElderQuerySet.as_manager()

    class Meta:
        ordering = ["name_sort", "id"]
        verbose_name = _("elder")
        verbose_name_plural = _("elders")
        indexes = [
            # The list's name order, in a community and overall (selectors.SORTS).
            models.Index(fields=["region", "name_sort", "id"], name="elder_region_name_sort"),
            models.Index(fields=["name_sort", "id"], name="elder_name_sort"),
            # Name-prefix search with any other order.
            models.Index(fields=["name"], name="elder_name"),
            models.Index(fields=["name_initials", "name", "id"], name="elder_initials_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Contact(TimeStampedModel):
    """A guardian or emergency contact of an elder."""

    elder = models.ForeignKey(Elder, on_delete=models.CASCADE, related_name="contacts")
    # On PostgreSQL this column uses the "C" collation (migration 0003), so one index serves
    # both ``LIKE '王%'`` and ``ORDER BY name``. Re-apply it if the column is ever altered.
    name = models.CharField(_("name"), max_length=50)
    relationship = models.CharField(_("relationship"), max_length=16, choices=Relationship.choices)
    phone_enc = models.TextField()
    phone_hash = models.CharField(max_length=64, db_index=True)
    phone_masked = models.CharField(max_length=20)
    priority = models.PositiveSmallIntegerField(_("priority"), default=1)
    is_guardian = models.BooleanField(_("guardian"), default=False)
    can_receive_alerts = models.BooleanField(_("receives alerts"), default=True)
    # The family member's own account (role elder_family), set through
    # ``services.contact_link_account``: what the family views read the elder through.
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("account"),
    )

    class Meta:
        ordering = ["elder_id", "priority", "id"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self) -> str:
        return f"{self.name} ({self.relationship})"


class ConsentEvent(models.Model):
    """One grant or withdrawal of consent; the latest per purpose is in force."""

    elder = models.ForeignKey(Elder, on_delete=models.CASCADE, related_name="consent_events")
    purpose = models.CharField(_("purpose"), max_length=16, choices=ConsentPurpose.choices)
    granted = models.BooleanField(_("granted"))
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["elder_id", "purpose", "-recorded_at", "-id"]
        verbose_name = _("consent event")
        verbose_name_plural = _("consent events")

    def __str__(self) -> str:
        return f"{self.purpose}={'yes' if self.granted else 'no'}"


class ImportBatch(TimeStampedModel):
    """An uploaded spreadsheet of elders: validated rows wait here until the user imports."""

    class State(models.TextChoices):
        CHECKING = "checking", _("Checking")
        VALIDATED = "validated", _("Checked")
        RUNNING = "running", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    filename = models.CharField(max_length=200)
    state = models.CharField(max_length=16, choices=State.choices, default=State.VALIDATED)
    total_rows = models.PositiveIntegerField(default=0)
    # Progress of the dry run (task worker); while checking, payload_enc holds the file.
    checked_rows = models.PositiveIntegerField(default=0)
    # Good rows, encrypted as one blob (they carry personal data); bad rows with reasons.
    payload_enc = models.TextField(blank=True)
    errors = models.JSONField(default=list, blank=True)
    good_rows = models.PositiveIntegerField(default=0)
    imported_rows = models.PositiveIntegerField(default=0)
    skipped_rows = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")

    def __str__(self) -> str:
        return f"{self.filename} ({self.state})"
