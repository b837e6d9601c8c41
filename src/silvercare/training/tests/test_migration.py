"""Assessor qualifications move from ``assessments`` to ``training`` without losing history."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [
    ("assessments", "0003_forms_registry_fields_to_registry"),
    ("training", "0001_initial"),
]
AFTER = [
    ("assessments", "0004_assessor_qualifications_to_training"),
    ("training", "0003_workforce_targets"),
]


def _migrate(targets: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_existing_assessor_qualifications_are_copied_with_their_history(regions: None) -> None:
    old_apps = _migrate(BEFORE)
    try:
        users = old_apps.get_model("accounts", "User")
        grants = old_apps.get_model("accounts", "RoleGrant")
        old = old_apps.get_model("assessments", "AssessorQualification")
        wang = users.objects.create(username="wang_assessor", display_name="王评估")
        grants.objects.create(user=wang, role="assessor", region_id="440304000000")
        grants.objects.create(user=wang, role="assessor", region_id="440304001000")
        li = users.objects.create(username="li_assessor")
        grants.objects.create(user=li, role="assessor", region_id="440303000000")
        first = old.objects.create(
            user=wang,
            certificate_no="SZ-1",
            issued_by="深圳市民政局",
            valid_from=dt.date(2020, 1, 1),
            valid_until=dt.date(2022, 12, 31),
        )
        old.objects.filter(pk=first.pk).update(created_at=dt.datetime(2020, 1, 2, tzinfo=dt.UTC))
        old.objects.create(
            user=wang,
            certificate_no="SZ-2",
            issued_by="深圳市民政局",
            valid_from=dt.date(2023, 1, 1),
        )
        # The old table allowed the same number twice; both rows survive.
        old.objects.create(
            user=li, certificate_no="SZ-1", issued_by="深圳市民政局", valid_from=dt.date(2021, 5, 1)
        )
    finally:
        new_apps = _migrate(AFTER)
    new = new_apps.get_model("training", "Qualification")
    rows = list(new.objects.filter(kind="assessor").order_by("created_at"))
    assert [(r.number, r.user_id) for r in rows] == [
        ("SZ-1", wang.pk),
        ("SZ-2", wang.pk),
        ("SZ-1-2", li.pk),
    ]
    expired, current, _other = rows
    assert expired.valid_until == dt.date(2022, 12, 31)
    assert expired.created_at == dt.datetime(2020, 1, 2, tzinfo=dt.UTC)
    assert expired.region_id == "440304001000"  # the most specific assessor grant
    assert expired.holder_name == "王评估"
    assert current.valid_until is None
    assert rows[2].region_id == "440303000000"
    # And the one question now answers from the copied rows.
    from silvercare.accounts.models import User
    from silvercare.training.selectors import qualification_valid

    holder = User.objects.get(pk=wang.pk)
    assert qualification_valid(holder, "assessor", on=dt.date(2022, 6, 1))
    assert not qualification_valid(holder, "assessor", on=dt.date(2019, 6, 1))
    assert "assessments_assessorqualification" not in connection.introspection.table_names()
