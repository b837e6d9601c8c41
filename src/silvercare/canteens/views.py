"""Pages of the capability (thin: selectors read, services write)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from silvercare.accounts.roles import Perm
from silvercare.accounts.scoping import actor_has_perm


@login_required
def home(request: HttpRequest) -> HttpResponse:
    if not actor_has_perm(request.user, Perm.CARE_VIEW):
        raise Http404
    return render(request, "canteens/home.html")
