"""Request facts every entry point passes to services."""

from __future__ import annotations

from django.http import HttpRequest

from silvercare.audit.services import AuditContext


def client_ip(request: HttpRequest) -> str | None:
    ip = request.META.get("REMOTE_ADDR")
    return str(ip) if ip else None


def audit_ctx(request: HttpRequest, via: str = "web") -> AuditContext:
    return AuditContext(actor=request.user, ip_address=client_ip(request), via=via)
