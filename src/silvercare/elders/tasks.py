"""Background work of the registry: thin, takes ids, calls a service."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django_tasks import task

from silvercare.elders.models import ImportBatch


@task()
def run_check(batch_id: str, language: str | None = None) -> int:
    """The import's dry run, in the uploader's language (the reasons are shown to them)."""
    from silvercare.elders.importing import import_check_failed, import_check_run

    with translation.override(language or settings.LANGUAGE_CODE):
        try:
            return import_check_run(batch_id=batch_id).good_rows
        except Exception:
            import_check_failed(batch_id=batch_id)
            raise


@task()
def run_import(batch_id: str, ip_address: str | None = None) -> int:
    from silvercare.elders.importing import import_run

    try:
        return import_run(batch_id=batch_id, ip_address=ip_address).imported_rows
    except Exception:
        ImportBatch.objects.filter(pk=batch_id).update(state=ImportBatch.State.FAILED)
        raise
