"""Background work of the subsidies capability: thin, takes ids, calls a service."""

from __future__ import annotations

from django_tasks import task

from silvercare.audit.services import AuditContext
from silvercare.subsidies.choices import EvaluationTrigger
from silvercare.subsidies.models import ProgrammeVersion


@task()
def evaluate_version(version_id: int) -> int:
    """Evaluate a newly published version for every elder of its area (who is eligible,
    with the reasons). Safe to run twice: it replaces the version's snapshots."""
    from silvercare.subsidies.services import eligibility_evaluate_version

    version = ProgrammeVersion.objects.select_related("programme__region").get(pk=version_id)
    summary = eligibility_evaluate_version(
        ctx=AuditContext(actor=None, via="task"),
        version=version,
        trigger=EvaluationTrigger.PUBLISH,
        check_actor=False,
    )
    return summary.eligible
