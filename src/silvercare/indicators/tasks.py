"""Background work of the indicators: thin, takes ids, calls a service."""

from __future__ import annotations

from django_tasks import task


@task()
def run_refresh(refresh_id: str) -> int:
    from silvercare.indicators.models import Refresh
    from silvercare.indicators.services import figures_refresh

    refresh = Refresh.objects.get(pk=refresh_id)
    return figures_refresh(kind=refresh.kind, codes=refresh.periods, refresh=refresh).figures
