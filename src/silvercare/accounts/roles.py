"""Roles and what each may do. A user holds (role, region) grants; a permission applies
inside the regions of the grants whose role carries it."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CIVIL_AFFAIRS = "civil_affairs", _("Civil-affairs officer")
    COMMUNITY_WORKER = "community_worker", _("Street / community worker")
    ASSESSOR = "assessor", _("Assessor")
    AT_CONSULTANT = "at_consultant", _("Assistive-technology consultant")
    RENTAL_OPERATOR = "rental_operator", _("Rental operator")
    CARE_PROVIDER_ADMIN = "care_provider_admin", _("Care-provider admin")
    CAREGIVER = "caregiver", _("Caregiver")
    CALL_CENTRE = "call_centre", _("Call-centre operator")
    ENTERPRISE = "enterprise", _("Enterprise user")
    INSPECTOR = "inspector", _("Inspector")
    ELDER_FAMILY = "elder_family", _("Elder / family member")
    SYSTEM_ADMIN = "system_admin", _("System administrator")


class Perm:
    ELDERS_VIEW = "elders.view"
    ELDERS_EDIT = "elders.edit"
    ELDERS_IMPORT = "elders.import"
    ELDERS_EXPORT = "elders.export"
    ELDERS_VIEW_PII = "elders.view_pii"
    AUDIT_VIEW = "audit.view"
    ASSESSMENTS_VIEW = "assessments.view"
    ASSESSMENTS_BOOK = "assessments.book"
    ASSESSMENTS_PERFORM = "assessments.perform"
    ASSESSMENTS_STATS = "assessments.stats"
    TOKENS_OWN = "tokens.own"
    USERS_MANAGE = "users.manage"
    SUBSIDIES_VIEW = "subsidies.view"
    SUBSIDIES_MANAGE = "subsidies.manage"
    SUBSIDIES_QUOTE = "subsidies.quote"
    # Approve and settle the claims of a paying body of the region (not one's own claims).
    SUBSIDIES_APPROVE = "subsidies.approve"
    # Check and redeem consumption vouchers (merchants and providers).
    SUBSIDIES_REDEEM = "subsidies.redeem"
    # Devices and their readings; registering and binding devices.
    MONITORING_VIEW = "monitoring.view"
    MONITORING_MANAGE = "monitoring.manage"
    # Alerts: see them, work them in the console, set the escalation ladders, statistics.
    ALERTS_VIEW = "alerts.view"
    ALERTS_HANDLE = "alerts.handle"
    ALERTS_CONFIGURE = "alerts.configure"
    ALERTS_STATS = "alerts.stats"
    # Training: see courses and qualifications; run courses (schedule, enrol, attendance,
    # certificates); record qualifications and remind; workforce counts and targets.
    TRAINING_VIEW = "training.view"
    TRAINING_MANAGE = "training.manage"
    TRAINING_QUALIFICATIONS = "training.qualifications"
    TRAINING_STATS = "training.stats"
    # Assistive devices: the catalogue and recommendations; consulting (recommend, fit);
    # curating the catalogue and deciding admissions; enterprises applying to list products.
    ASSISTIVE_VIEW = "assistive.view"
    ASSISTIVE_CONSULT = "assistive.consult"
    ASSISTIVE_CURATE = "assistive.curate"
    ASSISTIVE_APPLY = "assistive.apply"
    # Home adaptation cases (适老化改造).
    ADAPTATION_VIEW = "adaptation.view"
    ADAPTATION_MANAGE = "adaptation.manage"
    # Rental: units, points, leases, cleaning and repair; recalls; incident reports.
    RENTAL_VIEW = "rental.view"
    RENTAL_OPERATE = "rental.operate"
    RENTAL_RECALL = "rental.recall"
    # Home and community care: see orders and visits; place orders; run a provider (caregivers,
    # planning, canteens); work one's own visits; supervise (flags, complaints, settlement).
    CARE_VIEW = "care.view"
    CARE_ORDER = "care.order"
    CARE_PROVIDE = "care.provide"
    CARE_VISIT = "care.visit"
    CARE_SUPERVISE = "care.supervise"
    # Industry statistics: the registries of enterprises and facilities, report forms and
    # periods, key projects and the white list; managing them; approving reports (a district
    # grant approves its district, a city grant the districts); filing one's own reports.
    INDUSTRY_VIEW = "industry.view"
    INDUSTRY_MANAGE = "industry.manage"
    INDUSTRY_APPROVE = "industry.approve"
    INDUSTRY_REPORT = "industry.report"
    # Supervision: credit records and grades, random inspections (双随机一公开), fraud warnings;
    # recording credit events and drawing inspections; recording inspection results;
    # publishing warnings.
    SUPERVISION_VIEW = "supervision.view"
    SUPERVISION_MANAGE = "supervision.manage"
    SUPERVISION_INSPECT = "supervision.inspect"
    SUPERVISION_WARN = "supervision.warn"
    # The elder and family portal (an elder's own record, or a verified family member's elders).
    PORTAL_USE = "portal.use"
    # Indicators against policy targets: reading the dashboards of one's areas; asking for a
    # full recomputation of the roll-ups.
    INDICATORS_VIEW = "indicators.view"
    INDICATORS_MANAGE = "indicators.manage"


_REGISTRY_READERS = {
    Role.CIVIL_AFFAIRS,
    Role.COMMUNITY_WORKER,
    Role.ASSESSOR,
    Role.AT_CONSULTANT,
    Role.RENTAL_OPERATOR,
    Role.CARE_PROVIDER_ADMIN,
    Role.CAREGIVER,
    Role.CALL_CENTRE,
    Role.SYSTEM_ADMIN,
}
_STAFF = set(Role) - {Role.ELDER_FAMILY}
_SUBSIDY_MANAGERS = {Role.CIVIL_AFFAIRS, Role.SYSTEM_ADMIN}
_SUBSIDY_QUOTERS = {
    Role.COMMUNITY_WORKER,
    Role.AT_CONSULTANT,
    Role.RENTAL_OPERATOR,
    Role.CARE_PROVIDER_ADMIN,
}
_VOUCHER_REDEEMERS = {Role.ENTERPRISE, Role.RENTAL_OPERATOR, Role.CARE_PROVIDER_ADMIN}
_MONITORS = {Role.CIVIL_AFFAIRS, Role.COMMUNITY_WORKER, Role.CALL_CENTRE, Role.SYSTEM_ADMIN}
_ALERT_HANDLERS = {Role.COMMUNITY_WORKER, Role.CALL_CENTRE}

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    role.value: frozenset(perms)
    for role, perms in {
        role: {
            *({Perm.ELDERS_VIEW} if role in _REGISTRY_READERS else set()),
            *(
                {Perm.ELDERS_EDIT, Perm.ELDERS_IMPORT, Perm.ELDERS_EXPORT, Perm.AUDIT_VIEW}
                if role in {Role.CIVIL_AFFAIRS, Role.COMMUNITY_WORKER, Role.SYSTEM_ADMIN}
                else set()
            ),
            *(
                {Perm.ELDERS_VIEW_PII}
                if role
                in {
                    Role.CIVIL_AFFAIRS,
                    Role.COMMUNITY_WORKER,
                    Role.ASSESSOR,
                    Role.CALL_CENTRE,
                    Role.SYSTEM_ADMIN,
                }
                else set()
            ),
            *({Perm.ASSESSMENTS_VIEW} if role in _REGISTRY_READERS else set()),
            *(
                {Perm.ASSESSMENTS_BOOK}
                if role
                in {Role.CIVIL_AFFAIRS, Role.COMMUNITY_WORKER, Role.ASSESSOR, Role.SYSTEM_ADMIN}
                else set()
            ),
            *({Perm.ASSESSMENTS_PERFORM} if role == Role.ASSESSOR else set()),
            *(
                {Perm.ASSESSMENTS_STATS}
                if role in {Role.CIVIL_AFFAIRS, Role.COMMUNITY_WORKER, Role.SYSTEM_ADMIN}
                else set()
            ),
            *({Perm.TOKENS_OWN} if role in _STAFF else set()),
            *({Perm.USERS_MANAGE} if role == Role.SYSTEM_ADMIN else set()),
            *(
                {Perm.SUBSIDIES_VIEW, Perm.SUBSIDIES_QUOTE}
                if role in _SUBSIDY_MANAGERS | _SUBSIDY_QUOTERS
                else set()
            ),
            *({Perm.SUBSIDIES_MANAGE} if role in _SUBSIDY_MANAGERS else set()),
            *({Perm.SUBSIDIES_APPROVE} if role == Role.CIVIL_AFFAIRS else set()),
            *({Perm.SUBSIDIES_REDEEM} if role in _VOUCHER_REDEEMERS else set()),
            *({Perm.MONITORING_VIEW, Perm.ALERTS_VIEW} if role in _MONITORS else set()),
            *(
                {Perm.MONITORING_MANAGE}
                if role in {Role.CIVIL_AFFAIRS, Role.COMMUNITY_WORKER, Role.SYSTEM_ADMIN}
                else set()
            ),
            *({Perm.ALERTS_HANDLE} if role in _ALERT_HANDLERS else set()),
            *(
                {Perm.ALERTS_CONFIGURE, Perm.ALERTS_STATS}
                if role in {Role.CIVIL_AFFAIRS, Role.SYSTEM_ADMIN}
                else set()
            ),
        }
        for role in Role
    }.items()
}

_TRAINING_ORGANISERS = {
    Role.CIVIL_AFFAIRS,
    Role.COMMUNITY_WORKER,
    Role.CARE_PROVIDER_ADMIN,
    Role.SYSTEM_ADMIN,
}
for _role in _TRAINING_ORGANISERS:
    ROLE_PERMISSIONS[_role.value] |= {
        Perm.TRAINING_VIEW,
        Perm.TRAINING_MANAGE,
        Perm.TRAINING_QUALIFICATIONS,
    }
for _role in (Role.CIVIL_AFFAIRS, Role.COMMUNITY_WORKER, Role.SYSTEM_ADMIN):
    ROLE_PERMISSIONS[_role.value] |= {Perm.TRAINING_STATS}

_GRANTS: dict[str, set[Role]] = {
    Perm.ASSISTIVE_VIEW: _REGISTRY_READERS | {Role.ENTERPRISE, Role.INSPECTOR},
    Perm.ASSISTIVE_CONSULT: {Role.AT_CONSULTANT},
    Perm.ASSISTIVE_CURATE: {Role.CIVIL_AFFAIRS, Role.SYSTEM_ADMIN},
    Perm.ASSISTIVE_APPLY: {Role.ENTERPRISE},
    Perm.ADAPTATION_VIEW: {
        Role.CIVIL_AFFAIRS,
        Role.COMMUNITY_WORKER,
        Role.AT_CONSULTANT,
        Role.INSPECTOR,
        Role.SYSTEM_ADMIN,
    },
    Perm.ADAPTATION_MANAGE: {Role.CIVIL_AFFAIRS, Role.COMMUNITY_WORKER, Role.AT_CONSULTANT},
    Perm.RENTAL_VIEW: {
        Role.CIVIL_AFFAIRS,
        Role.COMMUNITY_WORKER,
        Role.AT_CONSULTANT,
        Role.RENTAL_OPERATOR,
        Role.INSPECTOR,
        Role.SYSTEM_ADMIN,
    },
    Perm.RENTAL_OPERATE: {Role.RENTAL_OPERATOR},
    Perm.RENTAL_RECALL: {Role.CIVIL_AFFAIRS, Role.SYSTEM_ADMIN},
    Perm.CARE_VIEW: {
        Role.CIVIL_AFFAIRS,
        Role.COMMUNITY_WORKER,
        Role.CARE_PROVIDER_ADMIN,
        Role.CAREGIVER,
        Role.CALL_CENTRE,
        Role.SYSTEM_ADMIN,
    },
    Perm.CARE_ORDER: {Role.COMMUNITY_WORKER, Role.CARE_PROVIDER_ADMIN, Role.CALL_CENTRE},
    Perm.CARE_PROVIDE: {Role.CARE_PROVIDER_ADMIN},
    Perm.CARE_VISIT: {Role.CAREGIVER},
    Perm.CARE_SUPERVISE: {Role.CARE_PROVIDER_ADMIN, Role.CIVIL_AFFAIRS},
    Perm.INDUSTRY_VIEW: {
        Role.CIVIL_AFFAIRS,
        Role.COMMUNITY_WORKER,
        Role.INSPECTOR,
        Role.ENTERPRISE,
        Role.CARE_PROVIDER_ADMIN,
        Role.RENTAL_OPERATOR,
        Role.SYSTEM_ADMIN,
    },
    Perm.INDUSTRY_MANAGE: {Role.CIVIL_AFFAIRS, Role.SYSTEM_ADMIN},
    Perm.INDUSTRY_APPROVE: {Role.CIVIL_AFFAIRS},
    Perm.INDUSTRY_REPORT: {Role.ENTERPRISE, Role.CARE_PROVIDER_ADMIN, Role.RENTAL_OPERATOR},
    Perm.SUPERVISION_VIEW: {
        Role.CIVIL_AFFAIRS,
        Role.COMMUNITY_WORKER,
        Role.INSPECTOR,
        Role.SYSTEM_ADMIN,
    },
    Perm.SUPERVISION_MANAGE: {Role.CIVIL_AFFAIRS, Role.SYSTEM_ADMIN},
    Perm.SUPERVISION_INSPECT: {Role.INSPECTOR},
    Perm.SUPERVISION_WARN: {Role.CIVIL_AFFAIRS},
    Perm.PORTAL_USE: {Role.ELDER_FAMILY},
    Perm.INDICATORS_VIEW: {
        Role.CIVIL_AFFAIRS,
        Role.COMMUNITY_WORKER,
        Role.INSPECTOR,
        Role.SYSTEM_ADMIN,
    },
    Perm.INDICATORS_MANAGE: {Role.CIVIL_AFFAIRS, Role.SYSTEM_ADMIN},
}
for _perm, _roles in _GRANTS.items():
    for _role in _roles:
        ROLE_PERMISSIONS[_role.value] |= {_perm}

STAFF_ROLES = frozenset(r.value for r in _STAFF)
