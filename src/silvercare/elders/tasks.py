"""Background work of the registry: thin, takes ids, calls a service."""

from __future__ import annotations

from django_tasks import task

from silvercare.elders.models import ImportBatch


@task()
def run_import(batch_id: str, ip_address: str | None = None) -> int:
    from silvercare.elders.importing import import_run

    try:
        return import_run(batch_id=batch_id, ip_address=ip_address).imported_rows
    except Exception:
        ImportBatch.objects.filter(pk=batch_id).update(state=ImportBatch.State.FAILED)
        raise
