"""Qualifications (one record of who is qualified for what), courses, sessions, enrolments,
certificates, reminders and the workforce targets the city is measured against."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from silvercare.accounts.scoping import RegionScopedQuerySet
from silvercare.common.models import TimeStampedModel
from silvercare.training.choices import (
    CAREGIVER_LEVELS,
    Audience,
    EnrolmentStatus,
    Kind,
    ReminderChannel,
    ReminderRecipient,
    ReminderStage,
)


class QualificationQuerySet(RegionScopedQuerySet["Qualification"]):
    region_field = "region__code"


class Qualification(TimeStampedModel):
    """A certificate someone holds: a staff user, or a contact of an elder (a family
    caregiver). A renewal is a new row; rows are never edited, only revoked."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("qualification"), max_length=24, choices=Kind.choices)
    level = models.PositiveSmallIntegerField(_("level"), null=True, blank=True)
    issued_by = models.CharField(_("issued by"), max_length=100, blank=True)
    number = models.CharField(_("certificate number"), max_length=64)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    evidence = models.CharField(_("evidence"), max_length=200, blank=True)
    employer = models.CharField(_("employer"), max_length=100, blank=True)
    employer_email = models.EmailField(_("employer's email"), blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="qualifications",
        verbose_name=_("staff member"),
    )
    contact = models.ForeignKey(
        "elders.Contact",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("family caregiver"),
    )
    holder_name = models.CharField(_("holder"), max_length=50, blank=True)
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("area")
    )
    certificate = models.ForeignKey(
        "training.Certificate", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = QualificationQuerySet.as_manager()

    class Meta:
        ordering = ["valid_until", "number"]
        verbose_name = _("qualification")
        verbose_name_plural = _("qualifications")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "issued_by", "number"], name="qualification_number_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_until__gte=models.F("valid_from")),
                name="qualification_dates_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(user__isnull=True) | models.Q(contact__isnull=True),
                name="qualification_one_holder",
            ),
        ]
        indexes = [models.Index(fields=["kind", "valid_until"], name="qualification_expiry")]

    def __str__(self) -> str:
        return f"{self.number} ({self.kind})"

    @property
    def level_label(self) -> str:
        return str(CAREGIVER_LEVELS.get(self.level, "")) if self.level is not None else ""


class CourseQuerySet(RegionScopedQuerySet["Course"]):
    region_field = "region__code"


class Course(TimeStampedModel):
    """A course: what is taught, for how long, and the qualification it leads to."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("area")
    )
    title = models.CharField(_("title"), max_length=100)
    curriculum = models.TextField(_("curriculum"), blank=True)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1)
    audience = models.CharField(_("for"), max_length=16, choices=Audience.choices)
    leads_to = models.CharField(
        _("leads to"), max_length=24, choices=Kind.choices, blank=True, default=""
    )
    leads_to_level = models.PositiveSmallIntegerField(_("level"), null=True, blank=True)
    certificate_months = models.PositiveSmallIntegerField(
        _("certificate valid for (months)"), null=True, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    objects = CourseQuerySet.as_manager()

    class Meta:
        ordering = ["title", "id"]
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        constraints = [
            models.CheckConstraint(condition=models.Q(hours__gt=0), name="course_hours_positive")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def level_label(self) -> str:
        level = self.leads_to_level
        return str(CAREGIVER_LEVELS.get(level, "")) if level is not None else ""


class SessionQuerySet(RegionScopedQuerySet["CourseSession"]):
    region_field = "region__code"


class CourseSession(TimeStampedModel):
    """One run of a course at a place and time, with a trainer and a number of places."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="sessions")
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("area")
    )
    place = models.CharField(_("place"), max_length=100)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    trainer = models.CharField(_("trainer"), max_length=50)
    capacity = models.PositiveSmallIntegerField(_("places"))
    cancelled_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("course session")
        verbose_name_plural = _("course sessions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="session_ends_after"
            ),
            models.CheckConstraint(condition=models.Q(capacity__gte=1), name="session_capacity"),
        ]

    def __str__(self) -> str:
        return f"{self.course_id} @ {self.starts_at:%Y-%m-%d %H:%M}"


class EnrolmentQuerySet(RegionScopedQuerySet["Enrolment"]):
    region_field = "session__region__code"


class Enrolment(TimeStampedModel):
    """A person on a session: enrolled, waiting for a place, or withdrawn; then attended
    and completed."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    session = models.ForeignKey(CourseSession, on_delete=models.PROTECT, related_name="enrolments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    contact = models.ForeignKey(
        "elders.Contact", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    person_name = models.CharField(_("name"), max_length=50)
    status = models.CharField(
        _("status"), max_length=16, choices=EnrolmentStatus.choices, db_index=True
    )
    attended_at = models.DateTimeField(_("attended"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        ordering = ["session_id", "created_at", "id"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "user"],
                condition=~models.Q(status="withdrawn") & models.Q(user__isnull=False),
                name="enrolment_user_once",
            ),
            models.UniqueConstraint(
                fields=["session", "contact"],
                condition=~models.Q(status="withdrawn") & models.Q(contact__isnull=False),
                name="enrolment_contact_once",
            ),
            models.CheckConstraint(
                condition=models.Q(completed_at__isnull=True) | models.Q(attended_at__isnull=False),
                name="enrolment_completed_attended",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_name} ({self.status})"


class Certificate(TimeStampedModel):
    """The completion certificate of an enrolment, checkable by its code on a public page."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    enrolment = models.OneToOneField(
        Enrolment, on_delete=models.PROTECT, related_name="certificate"
    )
    code = models.CharField(_("verification code"), max_length=16, unique=True)
    holder_name = models.CharField(_("holder"), max_length=50)
    course_title = models.CharField(_("course"), max_length=100)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1)
    completed_on = models.DateField(_("completed on"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")

    def __str__(self) -> str:
        return self.code


class Reminder(TimeStampedModel):
    """A reminder that a qualification expires soon or has expired, recorded once per stage,
    recipient and channel (running the command twice sends nothing twice)."""

    qualification = models.ForeignKey(
        Qualification, on_delete=models.CASCADE, related_name="reminders"
    )
    stage = models.CharField(_("stage"), max_length=16, choices=ReminderStage.choices)
    recipient = models.CharField(_("reminded"), max_length=16, choices=ReminderRecipient.choices)
    channel = models.CharField(_("reminded by"), max_length=16, choices=ReminderChannel.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    address = models.CharField(max_length=254, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["qualification", "stage", "recipient", "channel"], name="reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.stage} → {self.recipient} ({self.channel})"


class WorkforceTarget(TimeStampedModel):
    """A workforce target of a region (e.g. Guangdong: 15,000 trained practitioners): how
    many people should hold a valid qualification of the listed kinds by the year."""

    region_code = models.CharField(_("area code"), max_length=12)
    name = models.CharField(_("target"), max_length=100)
    kinds = models.JSONField(default=list)
    target = models.PositiveIntegerField(_("people"))
    year = models.PositiveSmallIntegerField(_("by year"))
    source = models.CharField(_("where the target comes from"), max_length=200, blank=True)

    class Meta:
        ordering = ["region_code", "year", "id"]
        verbose_name = _("workforce target")
        verbose_name_plural = _("workforce targets")

    def __str__(self) -> str:
        return f"{self.region_code}: {self.target}"
