from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from silvercare.accounts.roles import Perm, Role
from silvercare.accounts.scoping import actor_has_perm, actor_roles


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    if not user.is_authenticated:
        return {}
    roles = actor_roles(user)
    return {
        "nav": {
            "elders": actor_has_perm(user, Perm.ELDERS_VIEW),
            "import": actor_has_perm(user, Perm.ELDERS_IMPORT),
            "audit": actor_has_perm(user, Perm.AUDIT_VIEW),
            "assessments": actor_has_perm(user, Perm.ASSESSMENTS_VIEW),
            "subsidies": actor_has_perm(user, Perm.SUBSIDIES_VIEW),
            "training": actor_has_perm(user, Perm.TRAINING_VIEW),
            "devices": actor_has_perm(user, Perm.MONITORING_VIEW),
            "alerts": actor_has_perm(user, Perm.ALERTS_VIEW),
            "assistive": actor_has_perm(user, Perm.ASSISTIVE_VIEW),
            "rental": actor_has_perm(user, Perm.RENTAL_VIEW),
            "adaptation": actor_has_perm(user, Perm.ADAPTATION_VIEW),
            "care": actor_has_perm(user, Perm.CARE_VIEW),
            "industry": actor_has_perm(user, Perm.INDUSTRY_VIEW),
            "supervision": actor_has_perm(user, Perm.SUPERVISION_VIEW),
            "portal": actor_has_perm(user, Perm.PORTAL_USE),
            "indicators": actor_has_perm(user, Perm.INDICATORS_VIEW),
            "vouchers_redeem": actor_has_perm(user, Perm.SUBSIDIES_REDEEM),
            "tokens": actor_has_perm(user, Perm.TOKENS_OWN),
            "users": actor_has_perm(user, Perm.USERS_MANAGE),
            "admin": Role.SYSTEM_ADMIN.value in roles,
            "role_labels": [Role(r).label for r in sorted(roles)],
        }
    }
