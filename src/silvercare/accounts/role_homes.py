"""What each role finds on its home page: a sentence on what the role does here, the pages it
can use today (besides the registry, which the home page shows to every role that reads it),
what is coming, and whom to ask meanwhile.

A capability that arrives fills its roles' entries: it adds a ``HomeLink`` to ``available`` and
drops the matching promise from ``upcoming``. The home page shows one section per role the user
holds, in the order of ``Role``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from silvercare.accounts.roles import Perm, Role
from silvercare.accounts.scoping import actor_has_perm


@dataclass(frozen=True)
class HomeLink:
    """A page the role can use today; shown when ``show`` says so for the user."""

    label: Promise
    url_name: str
    show: Callable[[Any], bool] = lambda _user: True


@dataclass(frozen=True)
class RoleHome:
    summary: Promise
    available: tuple[HomeLink, ...] = ()
    upcoming: tuple[Promise, ...] = ()
    contact: Promise | None = None


def _may(perm: str) -> Callable[[Any], bool]:
    return lambda user: actor_has_perm(user, perm)


_ASSESSMENTS = HomeLink(_("Assessments"), "assessments:list", _may(Perm.ASSESSMENTS_VIEW))
_DUE = HomeLink(_("Due for reassessment"), "assessments:due", _may(Perm.ASSESSMENTS_VIEW))
_AUDIT = HomeLink(_("Audit trail"), "audit:list", _may(Perm.AUDIT_VIEW))
_USERS = HomeLink(_("Users"), "accounts:users", _may(Perm.USERS_MANAGE))
_TRAINING = HomeLink(_("Training and qualifications"), "training:home", _may(Perm.TRAINING_VIEW))
_MY_QUALIFICATIONS = HomeLink(_("My qualifications"), "training:mine")
_MY_FAMILY = HomeLink(_("My family"), "monitoring:family")
_MY_INSPECTIONS = HomeLink(_("My inspections"), "supervision:mine", _may(Perm.SUPERVISION_INSPECT))
_DRAWS = HomeLink(_("Random inspections"), "supervision:draws", _may(Perm.SUPERVISION_VIEW))
_CREDIT = HomeLink(_("Credit records"), "supervision:credit", _may(Perm.SUPERVISION_VIEW))
_WARNINGS = HomeLink(_("Fraud warnings"), "supervision:warnings", _may(Perm.SUPERVISION_VIEW))
_INDUSTRY = HomeLink(_("Industry statistics"), "industry:home", _may(Perm.INDUSTRY_VIEW))
_INDUSTRY_REGISTRY = HomeLink(
    _("Enterprises and facilities"), "industry:enterprises", _may(Perm.INDUSTRY_VIEW)
)
_INDUSTRY_REPORTS = HomeLink(_("Statistical reports"), "industry:reports", _may(Perm.INDUSTRY_VIEW))
_CANTEENS = HomeLink(_("Elder canteens"), "canteens:home", _may(Perm.CARE_VIEW))
_ASK_CIVIL_AFFAIRS = _(
    "Until then, for anything you need from SilverCare, contact the civil-affairs office that "
    "gave you this account."
)

ROLE_HOMES: dict[str, RoleHome] = {
    Role.CIVIL_AFFAIRS: RoleHome(
        summary=_(
            "You oversee the registry, the assessments and the services for older people in "
            "your area."
        ),
        available=(
            _ASSESSMENTS,
            _DUE,
            _AUDIT,
            _TRAINING,
            _INDUSTRY,
            _DRAWS,
            _CREDIT,
            _WARNINGS,
        ),
    ),
    Role.COMMUNITY_WORKER: RoleHome(
        summary=_(
            "You keep the registry of older people in your street or community up to date and "
            "book their ability assessments."
        ),
        available=(_DUE, _ASSESSMENTS, _TRAINING),
    ),
    Role.ASSESSOR: RoleHome(
        summary=_("You assess older people's abilities on the assessments booked for you."),
        available=(_ASSESSMENTS, _DUE, _MY_QUALIFICATIONS),
    ),
    Role.AT_CONSULTANT: RoleHome(
        summary=_("You advise older people and their families on assistive devices."),
        upcoming=(
            _("Record a device assessment and recommend devices"),
            _("Follow the devices lent or subsidised to each elder"),
        ),
        contact=_ASK_CIVIL_AFFAIRS,
    ),
    Role.RENTAL_OPERATOR: RoleHome(
        summary=_("You lend assistive devices to older people and look after them."),
        upcoming=(
            _("Manage your stock of devices and their leases"),
            _("Record deliveries, returns, cleaning and repairs"),
        ),
        contact=_ASK_CIVIL_AFFAIRS,
    ),
    Role.CARE_PROVIDER_ADMIN: RoleHome(
        summary=_("You run a home or community care provider."),
        available=(_CANTEENS,),
        upcoming=(
            _("Plan care visits and assign caregivers"),
            _("See the visits done and report them for subsidy"),
        ),
        contact=_ASK_CIVIL_AFFAIRS,
    ),
    Role.CAREGIVER: RoleHome(
        summary=_("You visit older people at home and care for them."),
        upcoming=(
            _("See today's visits and check in and out on your phone"),
            _("Record the care given at each visit"),
        ),
        contact=_("Until then, your care provider gives you your visits."),
    ),
    Role.CALL_CENTRE: RoleHome(
        summary=_("You answer older people's calls and emergency alerts."),
        upcoming=(
            _("Take calls and alerts with the elder's record and contacts at hand"),
            _("Dispatch help and follow each alert until it is closed"),
        ),
        contact=_ASK_CIVIL_AFFAIRS,
    ),
    Role.ENTERPRISE: RoleHome(
        summary=_(
            "Companies that make or sell products and services for older people report to "
            "the city here."
        ),
        available=(_INDUSTRY, _INDUSTRY_REPORTS),
        upcoming=(_("See the results of inspections of your company and answer them"),),
        contact=_(
            "Until then, contact the civil-affairs bureau's office for the silver economy, "
            "which gave you this account."
        ),
    ),
    Role.INSPECTOR: RoleHome(
        summary=_("You supervise care providers, device lenders and companies in your area."),
        available=(_MY_INSPECTIONS, _DRAWS, _CREDIT, _INDUSTRY_REGISTRY),
        upcoming=(_("Follow each correction until it is done"),),
        contact=_ASK_CIVIL_AFFAIRS,
    ),
    Role.ELDER_FAMILY: RoleHome(
        summary=_("Older people and their families follow their own services here."),
        available=(HomeLink(_("My services"), "portal:home"), _MY_FAMILY),
        upcoming=(_("Book a home-care service yourself, without a phone call"),),
        contact=_(
            "Until then, your street or community worker answers questions and updates your "
            "record: ask at your community's service centre."
        ),
    ),
    Role.SYSTEM_ADMIN: RoleHome(
        summary=_("You manage users, their roles and the back office."),
        available=(_USERS, _AUDIT),
    ),
}


@dataclass
class HomeSection:
    role: str
    label: str
    summary: Promise
    links: list[dict[str, str]] = field(default_factory=list)
    upcoming: tuple[Promise, ...] = ()
    contact: Promise | None = None


def home_sections(user: Any, roles: Iterable[str]) -> list[HomeSection]:
    """One section per role the user holds, in the order of ``Role``."""
    held = set(roles)
    sections = []
    for role in Role:
        home = ROLE_HOMES.get(role)
        if role not in held or home is None:
            continue
        links = [
            {"label": str(link.label), "url": reverse(link.url_name)}
            for link in home.available
            if link.show(user)
        ]
        sections.append(
            HomeSection(
                role=role.value,
                label=str(role.label),
                summary=home.summary,
                links=links,
                upcoming=home.upcoming,
                contact=home.contact,
            )
        )
    return sections
