from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from silvercare.accounts.roles import Perm
from silvercare.accounts.scoping import actor_has_perm
from silvercare.audit.models import AuditAction
from silvercare.audit.presenters import audit_rows
from silvercare.audit.selectors import audit_list
from silvercare.common.pagination import paginate, query_without_page


@login_required
def audit_trail(request: HttpRequest) -> HttpResponse:
    if not actor_has_perm(request.user, Perm.AUDIT_VIEW):
        raise Http404
    action = request.GET.get("action", "")
    events = audit_list(actor=request.user, action=action if action in AuditAction.values else None)
    page = paginate(request, events.select_related("actor"), 50)
    return render(
        request,
        "audit/list.html",
        {
            "page": page,
            "rows": audit_rows(page.object_list),
            "actions": AuditAction.choices,
            "action": action,
            "query": query_without_page(request),
        },
    )
