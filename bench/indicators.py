"""Indicators benchmark on PostgreSQL (issue 15): a full roll-up refresh, an incremental
refresh after a day of new data, and the city, district and street dashboards, at
1,000,000 elders, 5,000 institutions and a year of operational data.

Run (see bench/README.md)::

    su postgres -c "createdb -O silvercare silvercare_bench_indicators"
    DATABASE_URL=postgres://silvercare:silvercare@127.0.0.1:5432/silvercare_bench_indicators \\
    nice -n 10 .venv/bin/python bench/indicators.py --elders 1000000 --institutions 5000

The elders come from ``bench/registry.py``'s loader (COPY, real encrypted personal fields).
Everything else the indicator sources read is generated here, deterministically (seeded per
group and chunk), and written with COPY straight into the app's tables: the industry registry
(enterprises; institutions with beds, nursing beds and medical care; street centres, day-care
centres, community stations, experience centres, canteens and rental points), a year of
completed GB/T 42195 assessments (the elders' registry level follows the latest), alerts with
their timelines and acknowledgement times, rental units and leases, home-care orders and
visits (checked in and out, some flagged), canteen menus and meal orders, home-adaptation
cases with their checklists and plans, fittings with their follow-ups, and two quarterly
report forms' reports with their histories. ``--reuse`` keeps a database this script loaded
with the same scale and seed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import multiprocessing
import os
import random
import sys
import time
import uuid
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import registry  # the registry benchmark's Django setup, elder loader and helpers

ROOT = registry.ROOT
RESULTS_DIR = registry.RESULTS_DIR
CITY = registry.CITY
DISTRICT = "440304000000"  # 福田区
STREET = "440304001000"  # 园岭街道
META_TABLE = "bench_indicators_meta"
DASHBOARD_GOAL_P95_MS = 300.0
FULL_GOAL_S = 60.0
INCREMENTAL_GOAL_S = 5.0

# Yearly rates per active elder where the demo city has none worth scaling (its operational
# data is a week in a few streets); the demo's own proportions where it has them.
RATES = {
    "assessed_per_year": 0.30,  # share of elders with a completed assessment in a year
    "monitored": 0.03,  # elders wearing a device (demo: 300 of 10,000)
    "alerts_per_monitored_year": 15.0,
    "leases_per_year": 0.015,  # leases started per elder and year
    "care_recipients": 0.02,  # elders with home-care orders
    "diners": 0.02,  # regular canteen diners
    "diner_meals_per_week": 3.0,
    "adaptations_per_year": 0.005,
    # Fittings: elders whose latest assessment is level 2-4 (what the indicator counts as
    # disabled), and the others.
    "fittings_per_year_disabled": 0.30,
    "fittings_per_year_other": 0.005,
    "enterprises_per_10k_elders": 300,  # demo: 300 for 10,000 elders
    "stations_per_elder": 1 / 250,  # demo: 2 per street of ~500 elders
    "canteens_per_elder": 1 / 2500,
    "providers_per_elder": 4 / 10_000,  # demo: 4 providers
    "caregivers_per_elder": 1 / 700,
    "day_care_community_share": 0.85,
}
ORDER_KINDS = [  # (recurrence, share, span in days (min, max))
    ("weekly", 0.5, (56, 364)),
    ("daily", 0.15, (7, 60)),
    ("once", 0.35, (0, 0)),
]
ALERT_KINDS = [  # (kind, weight, severity, reason)
    ("device_offline", 30, "warning", "no_heartbeat"),
    ("battery_low", 25, "info", "battery_below_15"),
    ("vital_sign", 15, "urgent", "heart_rate_high"),
    ("inactivity", 10, "warning", "no_movement"),
    ("sos", 8, "critical", "sos_pressed"),
    ("fall", 5, "critical", "fall_detected"),
    ("geofence", 4, "urgent", "left_safe_zone"),
    ("medication_missed", 3, "warning", "dose_missed"),
]
SEVERITY_RANK = {"info": 1, "warning": 2, "urgent": 3, "critical": 4}

# The tables this script fills (besides elders_elder): emptied (CASCADE) before a reload.
LOADED_TABLES = [
    "industry_enterprise",
    "industry_facility",
    "industry_report",
    "industry_reporthistory",
    "assessments_assessment",
    "alerts_alert",
    "alerts_alertevent",
    "rental_rentalpoint",
    "rental_unit",
    "rental_lease",
    "homecare_provider",
    "homecare_caregiver",
    "homecare_careorder",
    "homecare_visit",
    "canteens_canteen",
    "canteens_dish",
    "canteens_menu",
    "canteens_menu_dishes",
    "canteens_mealorder",
    "adaptation_contractor",
    "adaptation_adaptationcase",
    "adaptation_checklistanswer",
    "adaptation_planitem",
    "assistive_fitting",
    "assistive_followup",
]

# --------------------------------------------------------------------------------------------
# COPY helpers
# --------------------------------------------------------------------------------------------

OFFSET = "+08:00"  # Asia/Shanghai, checked in main(): no daylight saving
_DAYS: dict[int, str] = {}


def day_str(ordinal: int) -> str:
    found = _DAYS.get(ordinal)
    if found is None:
        found = _DAYS[ordinal] = dt.date.fromordinal(ordinal).isoformat()
    return found


def stamp(ordinal: int, seconds: float) -> str:
    """Local time ``seconds`` after midnight of the day ``ordinal`` (may run into later days)."""
    extra, sec = divmod(int(seconds), 86400)
    hours, rest = divmod(sec, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{day_str(ordinal + extra)} {hours:02d}:{minutes:02d}:{secs:02d}{OFFSET}"


def cell(value: Any) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, (dict, list)):
        value = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    elif not isinstance(value, str):
        return str(value)
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        value = (
            value.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return value


class Rows:
    """COPY text of several tables, built row by row."""

    def __init__(self) -> None:
        self.lines: dict[str, list[str]] = defaultdict(list)

    def add(self, table: str, *values: Any) -> None:
        self.lines[table].append("\t".join(map(cell, values)))

    def payload(self) -> dict[str, bytes]:
        return {t: ("\n".join(ls) + "\n").encode() for t, ls in self.lines.items() if ls}


def new_uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def share(key: str, salt: str) -> float:
    """A stable number in [0, 1) per (key, salt): who is monitored, dines, gets care."""
    return zlib.crc32(f"{salt}:{key}".encode()) / 4294967296


def poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam > 50:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, p = math.exp(-lam), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def q(column: str) -> str:
    return f'"{column}"'


def check_columns(table: str, columns: list[str]) -> None:
    """Stop when the table gained a required column this script does not fill, or lost one
    it does (another engineer's migration)."""
    rows = registry.sql_rows(
        "SELECT column_name, is_nullable = 'NO' AND column_default IS NULL "
        "AND is_identity = 'NO' FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_name = %s",
        [table],
    )
    existing = {name for name, _ in rows}
    missing = sorted(name for name, required in rows if required and name not in columns)
    unknown = sorted(set(columns) - existing)
    if missing or unknown:
        sys.exit(f"{table}: required columns not filled {missing}, unknown columns {unknown}")


def copy_into(table: str, columns: list[str], payload: bytes) -> None:
    from django.db import connection

    connection.ensure_connection()
    raw = connection.connection
    assert raw is not None
    names = ", ".join(q(c) for c in columns)
    with raw.cursor() as cur, cur.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
        copy.write(payload)


def _extras(table: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(indexes backing no constraint, foreign-key and unique constraints no other table's
    foreign key depends on) of ``table``, as (name, definition)."""
    indexes = registry.sql_rows(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s "
        "AND i.schemaname = current_schema() AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname) ORDER BY i.indexname",
        [table],
    )
    constraints = registry.sql_rows(
        "SELECT c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
        "WHERE c.conrelid = %s::regclass AND c.contype IN ('f', 'u') AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint r WHERE r.contype = 'f' AND r.conindid = c.conindid "
        " AND c.contype = 'u') ORDER BY c.contype DESC, c.conname",
        [table],
    )
    return indexes, constraints


def bulk_load(
    tables: dict[str, list[str]],
    payloads: Iterable[dict[str, bytes]],
    *,
    label: str,
) -> dict[str, Any]:
    """COPY the payloads into the tables in one transaction, with their secondary indexes,
    unique and foreign-key constraints dropped first and rebuilt (and checked) after."""
    from django.db import transaction

    for table, columns in tables.items():
        check_columns(table, columns)
    started = time.perf_counter()
    counts: Counter[str] = Counter()
    with transaction.atomic():
        registry.sql_exec("SET LOCAL statement_timeout = 0")
        registry.sql_exec("SET LOCAL synchronous_commit = off")
        registry.sql_exec("SET LOCAL maintenance_work_mem = '512MB'")
        saved = {table: _extras(table) for table in tables}
        for table, (indexes, constraints) in saved.items():
            for name, _definition in constraints:
                registry.sql_exec(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            for name, _definition in indexes:
                registry.sql_exec(f'DROP INDEX "{name}"')
        for payload in payloads:
            for table, data in payload.items():
                copy_into(table, tables[table], data)
                counts[table] += data.count(b"\n")
        copied = time.perf_counter() - started
        for table, (indexes, constraints) in saved.items():
            for name, definition in constraints[::-1]:  # unique before foreign keys
                registry.sql_exec(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
            for _name, definition in indexes:
                registry.sql_exec(definition)
    rebuilt = time.perf_counter() - started - copied
    registry.sql_exec("SET statement_timeout = 0")
    for table in tables:
        registry.sql_exec(f"VACUUM (ANALYZE) {table}")
    registry.sql_exec("RESET statement_timeout")
    seconds = time.perf_counter() - started
    rows = sum(counts.values())
    print(
        f"  {label}: {rows:,} rows in {seconds:.1f} s (COPY {copied:.1f} s, indexes and "
        f"constraints {rebuilt:.1f} s): " + ", ".join(f"{t} {n:,}" for t, n in counts.items())
    )
    return {"rows": dict(counts), "seconds": round(seconds, 1), "copy_s": round(copied, 1)}


def set_sequence(table: str) -> None:
    registry.sql_exec(
        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
        f"GREATEST((SELECT max(id) FROM {table}), 1))"
    )


# Data shared with the forked generator processes (set before the pool starts).
_SHARED: dict[str, Any] = {}


def _call(job: tuple[Callable[[Any], dict[str, bytes]], Any]) -> dict[str, bytes]:
    func, spec = job
    return func(spec)


def generated(
    func: Callable[[Any], dict[str, bytes]], specs: list[Any], workers: int
) -> Iterator[dict[str, bytes]]:
    """``func(spec)`` for every spec, in order, computed by ``workers`` forked processes. The
    pool starts at once (call this outside any transaction: it closes the connection)."""
    from django.db import connections

    if workers <= 1 or len(specs) == 1:
        return (func(spec) for spec in specs)
    connections.close_all()  # fork with no open database socket
    pool = multiprocessing.get_context("fork").Pool(workers)

    def results() -> Iterator[dict[str, bytes]]:
        try:
            yield from pool.imap(_call, [(func, spec) for spec in specs])
        finally:
            pool.terminate()
            pool.join()

    return results()


def chunked(total: int, size: int) -> list[tuple[int, int, int]]:
    return [(i, start, min(total, start + size)) for i, start in enumerate(range(0, total, size))]


# --------------------------------------------------------------------------------------------
# The world: days, regions, users, elders
# --------------------------------------------------------------------------------------------


def bench_user(username: str, role: str) -> Any:
    from silvercare.accounts.models import User
    from silvercare.accounts.services import user_create
    from silvercare.audit.services import AuditContext

    user = User.objects.filter(username=username).first()
    if user is None:
        user = user_create(
            ctx=AuditContext(actor=None, via="bench"),
            username=username,
            password=registry.BENCH_PASSWORD,
            grants=[(role, CITY)],
            check_actor=False,
        )
    return user


def world(anchor: dt.date, users: dict[str, Any]) -> dict[str, Any]:
    """What every generator needs: the year's days, the demo city's areas, user ids and the
    active elders (id, community, registration day, disabled flag, birth year)."""
    from silvercare.demo.city import DISTRICTS, demo_regions

    regions = demo_regions()
    streets = [
        (r.code, r.name, r.latitude or 22.54, r.longitude or 114.05)
        for r in regions
        if r.level == 4
    ]
    communities = [
        (r.code, r.name, r.latitude or 22.54, r.longitude or 114.05)
        for r in regions
        if r.level == 5
    ]
    started = time.perf_counter()
    elders = [
        (str(pk), region, created.toordinal(), disabled, born)
        for pk, region, created, disabled, born in registry.sql_rows(
            f"SELECT id, region_id, (created_at AT TIME ZONE 'Asia/Shanghai')::date, is_disabled,"
            f" extract(year FROM birth_date)::int FROM {registry.TABLE} WHERE status = 'active'"
            " ORDER BY id"
        )
    ]
    print(f"  {len(elders):,} active elders read in {time.perf_counter() - started:.1f} s")
    return {
        "today": anchor.toordinal(),
        "y0": (anchor - dt.timedelta(days=365)).toordinal(),
        "y1": (anchor - dt.timedelta(days=1)).toordinal(),
        "districts": list(DISTRICTS),
        "streets": streets,
        "communities": communities,
        "elders": elders,
        "users": {k: u.pk for k, u in users.items()},
        "labels": {k: (u.display_name or u.username) for k, u in users.items()},
    }


def street_of(code: str) -> str:
    return code[:9] + "000"


# --------------------------------------------------------------------------------------------
# Industry: enterprises and facilities
# --------------------------------------------------------------------------------------------

ENTERPRISE_COLUMNS = [
    "id",
    "created_at",
    "updated_at",
    "credit_code",
    "name",
    "address",
    "size_class",
    "above_designated_size",
    "sectors",
    "whitelisted",
    "active",
    "region_id",
    "category_id",
]
FACILITY_COLUMNS = [
    "id",
    "created_at",
    "updated_at",
    "kind",
    "name",
    "address",
    "latitude",
    "longitude",
    "ownership",
    "beds",
    "nursing_beds",
    "medical_care",
    "capacity",
    "opened_on",
    "active",
    "operator_id",
    "region_id",
]


def industry_rows(w: dict[str, Any], institutions: int, seed: int) -> tuple[Rows, dict[str, Any]]:
    """Enterprises (the demo's 300 per 10,000 elders, its trades, sizes and names), and the
    facilities: ``institutions`` eldercare institutions across the streets (the demo's beds,
    nursing-bed shares, ownership and medical care), a centre in every street, day-care
    centres in most communities, community stations, experience centres, and the canteens'
    and rental points' registry rows."""
    from silvercare.industry.demo import _BRANDS, _SIZE_WEIGHTS, _TRADES, credit_code
    from silvercare.industry.models import IndustryCategory

    rng = random.Random(f"{seed}:industry")
    elders = len(w["elders"])
    categories = set(IndustryCategory.objects.values_list("code", flat=True))
    rows = Rows()
    y1 = w["y1"]
    recent_from = w["today"] - 730
    enterprises: list[dict[str, Any]] = []
    names: set[str] = set()
    sectors = list(_TRADES)
    total_enterprises = max(300, round(RATES["enterprises_per_10k_elders"] * elders / 10_000))
    for n in range(1, total_enterprises + 1):
        code, sname, _lat, _lon = rng.choice(w["streets"])
        sector = sectors[(n - 1) % len(sectors)]
        category, trades = _TRADES[sector]
        if sector == "assistive" and rng.random() < 0.3:
            category = "0232"
        if sector == "adaptation" and rng.random() < 0.5:
            category = "1220"
        name = f"深圳市{rng.choice(_BRANDS)}{rng.choice(trades)}有限公司"
        if name in names:
            name = name.replace("有限公司", f"（{sname.removesuffix('街道')}）有限公司")
        if name in names:
            name = name.replace("有限公司", f"{n}号有限公司", 1)
        names.add(name)
        size = rng.choices([s for s, _ in _SIZE_WEIGHTS], [wt for _, wt in _SIZE_WEIGHTS])[0]
        above = size in ("large", "medium") or rng.random() < 0.15
        extra = rng.choice(sectors) if rng.random() < 0.3 else sector
        # 85 % registered before the last two years, the rest during them (the figures move).
        if rng.random() < 0.85:
            created = rng.randint(dt.date(2010, 1, 1).toordinal(), recent_from - 1)
        else:
            created = rng.randint(recent_from, y1)
        pk = new_uuid(rng)
        when = stamp(created, rng.randint(9 * 3600, 17 * 3600))
        rows.add(
            "industry_enterprise",
            pk,
            when,
            when,
            credit_code(n, code),
            name,
            f"{sname}{rng.randint(1, 300)}号",
            size,
            above,
            sorted({sector, extra}),
            False,
            True,
            code,
            category if category in categories else None,
        )
        enterprises.append(
            {
                "id": pk,
                "size_class": size,
                "created": created,
                "region": code,
                "sectors": {sector, extra},
                "name": name,
            }
        )
    operators = [e["id"] for e in enterprises if e["sectors"] & {"care", "health"}]
    facilities: list[dict[str, Any]] = []
    opened_first = dt.date(2008, 1, 1).toordinal()

    def add(
        kind: str,
        name: str,
        region: tuple[str, str, float, float],
        *,
        opened: int,
        ownership: str = "private",
        operator: str | None = None,
        beds: int = 0,
        nursing: int = 0,
        medical: bool = False,
        capacity: int | None = None,
    ) -> str:
        pk = new_uuid(rng)
        code, rname, lat, lon = region
        registered = stamp(opened - rng.randint(10, 90), rng.randint(9 * 3600, 17 * 3600))
        rows.add(
            "industry_facility",
            pk,
            registered,
            registered,
            kind,
            name,
            f"{rname}{rng.randint(1, 200)}号",
            round(lat + rng.uniform(-0.01, 0.01), 6),
            round(lon + rng.uniform(-0.01, 0.01), 6),
            ownership,
            beds,
            nursing,
            medical,
            capacity,
            day_str(opened),
            True,
            operator,
            code,
        )
        facilities.append(
            {
                "id": pk,
                "kind": kind,
                "region": code,
                "beds": beds,
                "nursing": nursing,
                "opened": opened,
                "name": name,
            }
        )
        return pk

    for index in range(institutions):
        street = w["streets"][index % len(w["streets"])]
        beds = rng.choice([80, 120, 150, 200, 300])
        public = rng.random() < 1 / 3
        add(
            "institution",
            f"{street[1].removesuffix('街道')}第{index // len(w['streets']) + 1}颐养院",
            street,
            opened=rng.randint(opened_first, y1),
            ownership="public" if public else rng.choice(["private", "public_private"]),
            operator=None if public else operators[index % len(operators)],
            beds=beds,
            nursing=int(beds * rng.uniform(0.5, 0.9)),
            medical=rng.random() < 0.75,
        )
    for index, street in enumerate(w["streets"]):
        base = street[1].removesuffix("街道")
        add(
            "centre",
            f"{base}街道长者服务中心",
            street,
            opened=rng.randint(dt.date(2012, 1, 1).toordinal(), y1),
            ownership="public_private",
            operator=operators[(index + 1) % len(operators)],
            beds=(beds := rng.choice([20, 30, 40])),
            nursing=min(beds, rng.choice([10, 15, 20])),
            medical=rng.random() < 0.5,
            capacity=rng.choice([40, 60, 80]),
        )
        if index % 4 == 0:
            add(
                "experience",
                f"{base}适老生活体验中心",
                street,
                opened=rng.randint(opened_first, y1),
                ownership="public",
            )
    for community in w["communities"]:
        if rng.random() < RATES["day_care_community_share"]:
            add(
                "day_care",
                f"{community[1]}日间照料中心",
                community,
                opened=rng.randint(dt.date(2012, 1, 1).toordinal(), y1),
                ownership="public_private",
                capacity=rng.choice([20, 30, 40]),
            )
    for n in range(max(1, round(elders * RATES["stations_per_elder"]))):
        community = rng.choice(w["communities"])
        add(
            "station",
            f"{community[1]}第{n + 1}嵌入式养老服务站",
            community,
            opened=rng.randint(opened_first, y1),
            capacity=rng.choice([10, 15, 20]),
        )
    # Canteens and rental points: open before the year of operational data starts.
    canteens = []
    for n in range(max(4, round(elders * RATES["canteens_per_elder"]))):
        community = rng.choice(w["communities"])
        capacity = rng.choice([30, 40, 60, 80])
        name = f"{community[1]}第{n + 1}长者饭堂"
        pk = add(
            "canteen",
            name,
            community,
            opened=rng.randint(dt.date(2015, 1, 1).toordinal(), w["y0"] - 30),
            capacity=capacity,
        )
        canteens.append({"facility": pk, "name": name, "region": community, "capacity": capacity})
    points = []
    for street in w["streets"]:
        name = f"{street[1]}辅具租赁点"
        pk = add(
            "rental_point",
            name,
            street,
            opened=rng.randint(dt.date(2020, 1, 1).toordinal(), w["y0"] - 30),
        )
        points.append({"facility": pk, "name": name, "region": street})
    return rows, {
        "enterprises": enterprises,
        "facilities": facilities,
        "canteens": canteens,
        "points": points,
    }


# --------------------------------------------------------------------------------------------
# Industry reports
# --------------------------------------------------------------------------------------------

REPORT_COLUMNS = [
    "id",
    "created_at",
    "updated_at",
    "status",
    "values",
    "submitted_at",
    "approved_at",
    "locked",
    "return_reason",
    "enterprise_id",
    "facility_id",
    "region_id",
    "period_id",
]
HISTORY_COLUMNS = ["step", "status", "reason", "actor_label", "at", "actor_id", "report_id"]


def report_periods(today: dt.date, count: int) -> list[dict[str, Any]]:
    """The last ``count`` complete periods of each quarterly form filed by enterprises or
    facilities (created through the ORM once, as the demo does)."""
    from silvercare.industry.models import ReportForm, ReportPeriod
    from silvercare.industry.periods import period_dates, recent_codes

    out = []
    for form in ReportForm.objects.filter(active=True).order_by("code"):
        for age, code in enumerate(recent_codes(form.frequency, today, count)):
            dates = period_dates(form.frequency, code)
            assert dates is not None
            period, _ = ReportPeriod.objects.get_or_create(
                form=form,
                code=code,
                defaults={
                    "starts_on": dates[0],
                    "ends_on": dates[1],
                    "deadline": dates[1] + dt.timedelta(days=form.deadline_days),
                },
            )
            out.append(
                {
                    "form": form,
                    "period": period.pk,
                    "code": code,
                    "age": age,
                    "ends": period.ends_on.toordinal(),
                    "deadline": period.deadline.toordinal(),
                }
            )
    return out


def _report_status(rng: random.Random, age: int) -> str | None:
    """The demo's mix: the period being filed now is partly done, older ones approved."""
    roll = rng.random()
    if age == 0:
        for limit, status in (
            (0.12, None),
            (0.2, "draft"),
            (0.25, "returned"),
            (0.55, "submitted"),
            (0.8, "district_approved"),
        ):
            if roll < limit:
                return status
        return "approved"
    if age == 1:
        return None if roll < 0.04 else "district_approved" if roll < 0.1 else "approved"
    return None if roll < 0.03 else "approved"


def report_chunk(spec: tuple[int, int, int, str]) -> dict[str, bytes]:
    """Reports of the filers [start, stop) of one list (enterprises or facilities)."""
    from silvercare.industry.demo import _figures
    from silvercare.industry.validation import values_check

    index, start, stop, which = spec
    w = _SHARED["world"]
    rng = random.Random(f"{_SHARED['seed']}:reports:{which}:{index}")
    filers = _SHARED["filers"][which][start:stop]
    today = w["today"] if _SHARED.get("now_s") is None else _SHARED["new_day"]
    city, city_label = w["users"]["civil_affairs"], w["labels"]["civil_affairs"]
    rows = Rows()
    for period in _SHARED["periods"]:
        form = period["form"]
        if (form.filer == "enterprise") != (which == "enterprise"):
            continue
        for filer in filers:
            if which == "facility" and filer["kind"] not in form.facility_kinds:
                continue
            if filer["created" if which == "enterprise" else "opened"] > period["ends"]:
                continue
            status = _report_status(rng, period["age"])
            if status is None:
                continue
            if which == "enterprise":
                pool = _SHARED["enterprise_values"][filer["size_class"]]
                values = pool[rng.randrange(len(pool))]
            else:
                raw = _figures(
                    rng, form, SimpleNamespace(beds=filer["beds"], nursing_beds=filer["nursing"])
                )
                values, errors = values_check(form, raw)
                assert not errors, errors
            late = rng.random() < 0.1
            submitted_day = period["deadline"] + (
                rng.randint(3, 20) if late else -rng.randint(0, 12)
            )
            if submitted_day >= today:
                continue  # not filed yet
            submitted = stamp(submitted_day, 10 * 3600 + rng.randint(0, 3599))
            steps = [("save", "draft", "", None, submitted)]
            if status != "draft":
                steps.append(("submit", "submitted", "", None, submitted))
            reason = ""
            if status == "returned" and submitted_day + 3 < today:
                reason = (
                    "请核对出口收入与上季度差异" if which == "enterprise" else "请核对在住老年人数"
                )
                steps.append(
                    ("return", "returned", reason, "区民政局", stamp(submitted_day + 3, 15 * 3600))
                )
            elif status == "returned":
                status = "submitted"
            if status in ("district_approved", "approved") and submitted_day + 5 < today:
                steps.append(
                    (
                        "district_approve",
                        "district_approved",
                        "",
                        "区民政局",
                        stamp(submitted_day + 5, 16 * 3600),
                    )
                )
            elif status in ("district_approved", "approved"):
                status = "submitted"
            if status == "approved" and submitted_day + 12 < today:
                steps.append(
                    ("city_approve", "approved", "", city, stamp(submitted_day + 12, 11 * 3600))
                )
            elif status == "approved":
                status = "district_approved"
            pk = new_uuid(rng)
            rows.add(
                "industry_report",
                pk,
                submitted,
                steps[-1][4],
                status,
                values,
                None if status == "draft" else submitted,
                steps[-1][4] if status == "approved" else None,
                status == "approved",
                reason,
                filer["id"] if which == "enterprise" else None,
                filer["id"] if which == "facility" else None,
                filer["region"],
                period["period"],
            )
            for step, step_status, step_reason, actor, at in steps:
                if actor is None:
                    label, actor_id = filer["name"][:150], None
                elif actor == city:
                    label, actor_id = city_label, city
                else:
                    label, actor_id = actor, None
                rows.add(
                    "industry_reporthistory",
                    step,
                    step_status,
                    step_reason,
                    label,
                    at,
                    actor_id,
                    pk,
                )
    return rows.payload()


def enterprise_value_pools(seed: int) -> dict[str, list[dict[str, Any]]]:
    """Checked figures for enterprise reports, 300 per size class (``values_check`` costs
    ~0.3 ms; facility reports are checked one by one)."""
    from silvercare.industry.demo import _figures
    from silvercare.industry.models import ReportForm
    from silvercare.industry.validation import values_check

    form = ReportForm.objects.get(code="enterprise-quarterly")
    rng = random.Random(f"{seed}:report-values")
    pools: dict[str, list[dict[str, Any]]] = {}
    for size in ("large", "medium", "small", "micro"):
        pools[size] = []
        for _ in range(300):
            values, errors = values_check(
                form, _figures(rng, form, SimpleNamespace(size_class=size))
            )
            assert not errors, errors
            pools[size].append(values)
    return pools


# --------------------------------------------------------------------------------------------
# Assessments
# --------------------------------------------------------------------------------------------

ASSESSMENT_COLUMNS = [
    "id",
    "created_at",
    "updated_at",
    "number",
    "instrument",
    "reason",
    "reason_note",
    "status",
    "place",
    "scheduled_for",
    "base_date",
    "requires_two_assessors",
    "items",
    "forms",
    "result",
    "rules",
    "total",
    "preliminary_level",
    "final_level",
    "informant_name",
    "assessor_signed_at",
    "informant_signed_at",
    "completed_at",
    "next_due_on",
    "correction_reason",
    "assessor_id",
    "booked_by_id",
    "elder_id",
    "region_id",
]


def assessment_templates(seed: int) -> dict[int, list[dict[str, Any]]]:
    """Scored GB/T 42195 records per target level (the demo's way: answers adding up to a
    total in the level's band, some with dementia), 40 each, reused across elders."""
    from silvercare.assessments.instruments import score_record
    from silvercare.demo.assessments import BANDS, _items_for_total

    rng = random.Random(f"{seed}:assessment-templates")
    out: dict[int, list[dict[str, Any]]] = {}
    for level, (low, high) in BANDS.items():
        out[level] = []
        for n in range(40):
            items = _items_for_total(rng, rng.randint(low, high))
            dementia = level < 4 and n % 10 == 0
            record = {
                "instrument": "gbt42195-2022",
                "items": items,
                "diagnoses": ["F03"] if dementia else [],
                "risk_events_30d": {"fall": rng.choice([0, 0, 0, 1, 2])},
            }
            result = score_record(record)
            out[level].append(
                {
                    "items": items,
                    "forms": {
                        "A.1.3": "routine",
                        "A.4.1": ["F00-F03"] if dementia else [],
                        "A.5.11": "no",
                    },
                    "result": result,
                    "rules": {**result["rules"], "reassessment_months": 12},
                }
            )
    return out


def assessment_chunk(spec: tuple[int, int, int]) -> dict[str, bytes]:
    from silvercare.assessments.services import add_months
    from silvercare.demo.assessments import LEVEL_WEIGHTS

    index, start, stop = spec
    w, seed = _SHARED["world"], _SHARED["seed"]
    d0, d1, tag = _SHARED["days"]
    rng = random.Random(f"{seed}:assessments:{tag}:{index}")
    templates = _SHARED["templates"]
    assessor, booker = w["users"]["assessor"], w["users"]["community_worker"]
    year = dt.date.fromordinal(d1).year
    rows = Rows()
    for n, (elder, region, created, _disabled, born) in enumerate(w["elders"][start:stop]):
        first = max(d0, created)
        if first > d1 or rng.random() >= RATES["assessed_per_year"] * (d1 - first + 1) / 365:
            continue
        day = rng.randint(first, d1)
        age = year - born
        weights = LEVEL_WEIGHTS[80 if age >= 80 else 70 if age >= 70 else 60]
        level = rng.choices(range(5), weights)[0]
        t = templates[level][rng.randrange(len(templates[level]))]
        result = t["result"]
        done = stamp(day, rng.randint(9 * 3600, 17 * 3600))
        booked = stamp(day - rng.randint(3, 20), rng.randint(9 * 3600, 17 * 3600))
        due = add_months(dt.date.fromordinal(day), 12)
        rows.add(
            "assessments_assessment",
            new_uuid(rng),
            booked,
            done,
            f"B{day_str(day).replace('-', '')}-{tag[:1]}{index:04d}-{n:06d}",
            "gbt42195-2022",
            "routine",
            "",
            "completed",
            "",
            day_str(day),
            day_str(day),
            False,
            t["items"],
            t["forms"],
            result,
            t["rules"],
            result["total"],
            result["preliminary_level"],
            result["final_level"],
            "本人",
            done,
            done,
            done,
            due.isoformat(),
            "",
            assessor,
            booker,
            elder,
            region,
        )
    return rows.payload()


# --------------------------------------------------------------------------------------------
# Alerts
# --------------------------------------------------------------------------------------------

ALERT_COLUMNS = [
    "id",
    "created_at",
    "updated_at",
    "region_code",
    "kind",
    "severity",
    "severity_rank",
    "status",
    "reason",
    "params",
    "source",
    "device_serial",
    "first_occurred_at",
    "last_occurred_at",
    "event_count",
    "acknowledged_at",
    "resolved_at",
    "resolution",
    "resolution_note",
    "escalation_step",
    "next_escalation_at",
    "last_notified_at",
    "acknowledged_by_id",
    "elder_id",
    "resolved_by_id",
]
EVENT_COLUMNS = [
    "type",
    "at",
    "actor_label",
    "severity",
    "reason",
    "params",
    "note",
    "actor_id",
    "alert_id",
]


def alert_chunk(spec: tuple[int, int, int]) -> dict[str, bytes]:
    """Alerts of the monitored elders among [start, stop): raised at random moments, most
    acknowledged within a minute (log-normal, median 35 s), all of the year resolved (a
    tenth as false alarms); on a new day only what has happened by now, at most one active
    alert per elder and kind."""
    index, start, stop = spec
    w, seed = _SHARED["world"], _SHARED["seed"]
    d0, d1, tag = _SHARED["days"]
    now_s = _SHARED.get("now_s")
    rng = random.Random(f"{seed}:alerts:{tag}:{index}")
    operator, label = w["users"]["call_centre"], w["labels"]["call_centre"]
    kinds = [k for k, *_ in ALERT_KINDS]
    weights = [wt for _, wt, *_ in ALERT_KINDS]
    spec_of = {k: (sev, reason) for k, _, sev, reason in ALERT_KINDS}
    rows = Rows()
    for elder, region, created, _disabled, _born in w["elders"][start:stop]:
        if share(elder, "monitored") >= RATES["monitored"]:
            continue
        first = max(d0, created)
        if first > d1:
            continue
        active: set[str] = set()
        for _ in range(poisson(rng, RATES["alerts_per_monitored_year"] * (d1 - first + 1) / 365)):
            kind = rng.choices(kinds, weights)[0]
            severity, reason = spec_of[kind]
            day = rng.randint(first, d1)
            at = rng.randint(0, 86399 if now_s is None else max(0, now_s - 1))
            ack = at + max(3, int(rng.lognormvariate(math.log(35), 1.0)))
            done = ack + int(rng.lognormvariate(math.log(900), 0.8))
            if now_s is not None and done > now_s:
                if kind in active:
                    continue  # one active alert per elder and kind
                active.add(kind)
            acknowledged = None if now_s is not None and ack > now_s else ack
            resolved = None if now_s is not None and done > now_s else done
            false_alarm = rng.random() < 0.1
            status = (
                ("false_alarm" if false_alarm else "resolved")
                if resolved is not None
                else "acknowledged"
                if acknowledged is not None
                else "open"
            )
            pk = new_uuid(rng)
            serial = f"W{zlib.crc32(elder.encode()):010d}"
            raised = stamp(day, at)
            note = "误报：老人确认无事" if false_alarm else "已电话联系老人及家属，情况已处理"
            rows.add(
                "alerts_alert",
                pk,
                raised,
                stamp(day, resolved or acknowledged or at),
                region,
                kind,
                severity,
                SEVERITY_RANK[severity],
                status,
                reason,
                {},
                "device",
                serial,
                raised,
                raised,
                1,
                None if acknowledged is None else stamp(day, acknowledged),
                None if resolved is None else stamp(day, resolved),
                "" if resolved is None else "false_alarm" if false_alarm else "handled",
                "" if resolved is None else note,
                0,
                stamp(day, at + 300) if acknowledged is None else None,
                stamp(day, at + 1),
                None if acknowledged is None else operator,
                elder,
                None if resolved is None else operator,
            )
            rows.add(
                "alerts_alertevent", "raised", raised, "", severity, reason, {}, serial, None, pk
            )
            if acknowledged is not None:
                rows.add(
                    "alerts_alertevent",
                    "acknowledged",
                    stamp(day, acknowledged),
                    label,
                    "",
                    "",
                    {},
                    "",
                    operator,
                    pk,
                )
            if resolved is not None:
                rows.add(
                    "alerts_alertevent",
                    "resolved",
                    stamp(day, resolved),
                    label,
                    "",
                    "",
                    {},
                    note,
                    operator,
                    pk,
                )
    return rows.payload()


# --------------------------------------------------------------------------------------------
# Rental: points, units, leases
# --------------------------------------------------------------------------------------------

POINT_COLUMNS = [
    "id",
    "created_at",
    "updated_at",
    "name",
    "kind",
    "operator",
    "address",
    "phone",
    "latitude",
    "longitude",
    "active",
    "region_id",
    "facility_id",
]
UNIT_COLUMNS = [
    "id",
    "created_at",
    "updated_at",
    "serial",
    "lot",
    "owner",
    "state",
    "location",
    "condition",
    "needs_cleaning",
    "recall_hold",
    "acquired_on",
    "holder_id",
    "point_id",
    "product_id",
    "region_id",
]
LEASE_COLUMNS = [
    "id",
    "created_at",
    "updated_at",
    "status",
    "starts_on",
    "planned_end_on",
    "ended_on",
    "return_kind",
    "monthly_price_fen",
    "elder_monthly_fen",
    "deposit_fen",
    "quote_ids",
    "subsidy_lines",
    "allocation_reason",
    "created_by_id",
    "elder_id",
    "region_id",
    "point_id",
    "unit_id",
]


def catalogue(seed: int) -> list[dict[str, Any]]:
    """Listed products of the bench's assistive enterprise for common device types (rentable
    ones with a monthly rent; those that need fitting marked so), created once."""
    from django.utils import timezone

    from silvercare.assistive.models import DeviceType, Enterprise, Product

    wanted = [
        ("12 06 06", "四轮助行器", 5000, True, False),
        ("12 06 03", "框式助行器", 2000, True, False),
        ("12 22 03", "手动轮椅车", 8000, True, True),
        ("12 22 18", "护理型轮椅车", 9000, True, True),
        ("04 33 06", "防压疮床垫", 6000, True, False),
        ("09 33 03", "洗澡椅", 1500, True, False),
        ("12 03 03", "四脚手杖", None, False, True),
        ("22 03 18", "电子助视器", None, False, True),
    ]
    enterprise, _ = Enterprise.objects.get_or_create(name="基准测试辅具厂")
    out = []
    for code, name, rent, rentable, fitting in wanted:
        device_type = DeviceType.objects.filter(code=code).first()
        if device_type is None:
            continue
        product, _ = Product.objects.get_or_create(
            enterprise=enterprise,
            brand="基准",
            model=f"BENCH-{code.replace(' ', '')}",
            defaults={
                "name": name,
                "device_type": device_type,
                "monthly_rent_fen": rent,
                "sale_price_fen": (rent or 3000) * 12,
                "rentable": rentable,
                "requires_fitting": fitting,
                "status": "listed",
                "listed_at": timezone.now(),
            },
        )
        out.append(
            {
                "id": str(product.pk),
                "type": device_type.pk,
                "rent": rent,
                "rentable": rentable,
                "fitting": fitting,
                "model": product.model,
            }
        )
    if not out:
        sys.exit("no assistive device types: migrate the database (assistive 0002)")
    return out


def rental_rows(
    w: dict[str, Any],
    seed: int,
    points: list[dict[str, Any]],
    products: list[dict[str, Any]],
    bases: dict[str, int],
) -> Rows:
    """A rental point in every street (with its registry row), leases started through the
    year by 1.5 % of the elders (1–12 months, the odd one returned early or late, some
    overdue), and the units they need: a unit is leased again once it is back; units not on
    lease wait at their point."""
    rng = random.Random(f"{seed}:rental")
    rows = Rows()
    operator = w["users"]["rental_operator"]
    first_point = bases["point"]
    point_of: dict[str, tuple[int, dict[str, Any]]] = {}
    for n, point in enumerate(points):
        pk = first_point + n
        code, name, lat, lon = point["region"]
        when = stamp(w["y0"] - 60, 9 * 3600)
        rows.add(
            "rental_rentalpoint",
            pk,
            when,
            when,
            point["name"],
            "street",
            f"{name}康复辅具服务站",
            f"{name}党群服务中心一楼",
            f"0755-8300{1000 + n}",
            lat,
            lon,
            True,
            code,
            point["facility"],
        )
        point_of[code] = (pk, point)
    rentable = [p for p in products if p["rentable"]]
    leases = []
    for elder, region, created, _disabled, _born in w["elders"]:
        first = max(w["y0"], created)
        if (
            first > w["y1"]
            or rng.random() >= RATES["leases_per_year"] * (w["y1"] - first + 1) / 365
        ):
            continue
        start = rng.randint(first, w["y1"])
        months = rng.choices([1, 3, 6, 12], [20, 35, 30, 15])[0]
        leases.append((start, elder, street_of(region), rng.choice(rentable), months))
    leases.sort()
    first_unit = bases["unit"]
    units: list[dict[str, Any]] = []
    free: dict[tuple[str, str], list[int]] = defaultdict(list)  # (street, product) -> unit indexes
    today = w["today"]
    for start, elder, street, product, months in leases:
        point_id, _point = point_of[street]
        planned = (dt.date.fromordinal(start) + dt.timedelta(days=30 * months)).toordinal()
        roll = rng.random()
        end = (
            planned
            if roll < 0.8
            else planned - rng.randint(5, 20)
            if roll < 0.9
            else planned + rng.randint(3, 15)
        )
        end = max(end, start + 1)
        returned = end < today and rng.random() > 0.05  # a few overdue ones still out
        pool = free[(street, product["id"])]
        ready = [i for i in pool if units[i]["free"] <= start]
        if ready:
            unit = ready[0]
            pool.remove(unit)
        else:
            unit = len(units)
            units.append(
                {
                    "id": first_unit + unit,
                    "point": point_id,
                    "street": street,
                    "product": product,
                    "free": start,
                    "holder": None,
                    "serial": f"BR{first_unit + unit:08d}",
                }
            )
        if returned:
            units[unit]["free"] = end + 2  # cleaned
            pool.append(unit)
            units[unit]["holder"] = None
        else:
            units[unit]["free"] = 10**9
            units[unit]["holder"] = elder
        kind = (
            ""
            if not returned
            else "on_time"
            if end == planned
            else "early"
            if end < planned
            else "late"
        )
        when = stamp(start, rng.randint(9 * 3600, 17 * 3600))
        rows.add(
            "rental_lease",
            new_uuid(rng),
            when,
            stamp(end, 15 * 3600) if returned else when,
            "returned" if returned else "active",
            day_str(start),
            day_str(planned),
            day_str(end) if returned else None,
            kind,
            product["rent"],
            product["rent"],
            0,
            [],
            [],
            "",
            operator,
            elder,
            street,
            point_id,
            units[unit]["id"],
        )
    for unit in units:
        at_home = unit["holder"] is not None
        when = stamp(w["y0"] - 40, 10 * 3600)
        rows.add(
            "rental_unit",
            unit["id"],
            when,
            when,
            unit["serial"],
            "2025-01",
            f"{unit['street']}康复辅具服务站",
            "leased" if at_home else "available",
            "home" if at_home else "rental_point",
            "good",
            False,
            False,
            day_str(w["y0"] - 40),
            unit["holder"],
            unit["point"],
            unit["product"]["id"],
            unit["street"],
        )
    return rows


# --------------------------------------------------------------------------------------------
# Home care: providers, caregivers, orders, visits
# --------------------------------------------------------------------------------------------

PROVIDER_COLUMNS = [
    "id",
    "created_at",
    "updated_at",
    "name",
    "served",
    "contract_number",
    "contract_from",
    "contract_until",
    "phone",
    "checkin_tolerance_m",
    "active",
    "region_id",
]
CAREGIVER_COLUMNS = [
    "id",
    "created_at",
    "updated_at",
    "name",
    "phone",
    "skills",
    "languages",
    "shift_start",
    "shift_end",
    "break_start",
    "break_minutes",
    "home_lat",
    "home_lon",
    "travel_mode",
    "max_visits",
    "active",
    "region_id",
    "provider_id",
]
ORDER_COLUMNS = [
    "id",
    "created_at",
    "updated_at",
    "first_date",
    "last_date",
    "window_start",
    "window_end",
    "recurrence",
    "notes",
    "status",
    "status_reason",
    "cancelled_by",
    "price_fen",
    "subsidy_fen",
    "copay_fen",
    "reservation_ids",
    "elder_id",
    "region_id",
    "provider_id",
    "service_type_id",
    "created_by_id",
]
VISIT_COLUMNS = [
    "id",
    "created_at",
    "updated_at",
    "date",
    "window_start",
    "window_end",
    "duration_min",
    "status",
    "status_reason",
    "side",
    "unassigned_reason",
    "checked_in_at",
    "check_in_distance_m",
    "checked_out_at",
    "check_out_distance_m",
    "actual_minutes",
    "checklist_done",
    "notes",
    "photo_type",
    "flags",
    "flags_approved_at",
    "delivered_on",
    "caregiver_id",
    "elder_id",
    "flags_approved_by_id",
    "order_id",
    "provider_id",
    "region_id",
    "service_type_id",
]


def homecare_staff(w: dict[str, Any], seed: int) -> tuple[Rows, dict[str, Any]]:
    """Providers (the demo's 4 per 10,000 elders), each serving the streets of a district,
    and their caregivers (the demo's skills, languages, shifts)."""
    from silvercare.homecare.demo import GIVEN, LANGUAGES, SKILL_SETS, SURNAMES

    rng = random.Random(f"{seed}:homecare-staff")
    elders = len(w["elders"])
    rows = Rows()
    providers = []
    total = max(4, round(elders * RATES["providers_per_elder"]))
    streets_of: dict[str, list[tuple[str, str, float, float]]] = defaultdict(list)
    for street in w["streets"]:
        streets_of[street[0][:6] + "000000"].append(street)
    for n in range(total):
        district = w["districts"][n % len(w["districts"])]
        served = streets_of[district]
        pk = new_uuid(rng)
        when = stamp(w["y0"] - 200, 9 * 3600)
        rows.add(
            "homecare_provider",
            pk,
            when,
            when,
            f"鹏城第{n + 1}居家养老服务中心",
            [s[0] for s in served],
            f"BENCH-HC-{n + 1:04d}",
            day_str(w["y0"] - 200),
            day_str(w["today"] + 500),
            f"0755-8600{n:04d}",
            300,
            True,
            district,
        )
        providers.append(
            {"id": pk, "district": district, "streets": [s[0] for s in served], "caregivers": []}
        )
    by_street: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for provider in providers:
        for code in provider["streets"]:
            by_street[code].append(provider)
    street_info = {s[0]: s for s in w["streets"]}
    for n in range(max(2 * total, round(elders * RATES["caregivers_per_elder"]))):
        provider = providers[n % total]
        code, _name, lat, lon = street_info[rng.choice(provider["streets"])]
        pk = new_uuid(rng)
        start = rng.choice([480, 480, 510, 540])
        when = stamp(w["y0"] - 100, 9 * 3600)
        rows.add(
            "homecare_caregiver",
            pk,
            when,
            when,
            rng.choice(SURNAMES) + rng.choice(GIVEN),
            f"139{rng.randrange(10**8):08d}",
            rng.choice(SKILL_SETS),
            rng.choice(LANGUAGES),
            start,
            start + 540,
            start + 240,
            30 if rng.random() < 0.7 else 60,
            round(lat + rng.uniform(-0.008, 0.008), 6),
            round(lon + rng.uniform(-0.008, 0.008), 6),
            "ebike" if rng.random() < 0.7 else "walking",
            rng.choice([6, 8, 10]),
            True,
            code,
            provider["id"],
        )
        provider["caregivers"].append(pk)
    return rows, {"providers": providers, "by_street": dict(by_street)}


def _settled(day: int) -> int:
    """When a month's verified visits are delivered: the 5th of the next month."""
    first = dt.date.fromordinal(day).replace(day=28) + dt.timedelta(days=4)
    return first.replace(day=5).toordinal()


def care_chunk(spec: tuple[int, int, int]) -> dict[str, bytes]:
    """Orders and their visits for the care recipients among [start, stop): weekly (4–26
    weeks), daily (1–4 weeks) or once, of the demo's service mix; past visits completed
    (92 %; checked in and out, 3 % far from home and 2 % too short, half of those flags
    approved), missed or cancelled; the months before this one delivered."""
    from silvercare.homecare.demo import ORDER_MIX

    index, start, stop = spec
    w, seed = _SHARED["world"], _SHARED["seed"]
    d0, d1, tag = _SHARED["days"]
    now_s = _SHARED.get("now_s")
    rng = random.Random(f"{seed}:care:{tag}:{index}")
    types = _SHARED["service_types"]
    by_street = _SHARED["care"]["by_street"]
    admin = w["users"]["civil_affairs"]
    month_start = dt.date.fromordinal(w["today"]).replace(day=1).toordinal()
    mix_weights = [m[1] for m in ORDER_MIX]
    rows = Rows()
    for elder, region, created, _disabled, _born in w["elders"][start:stop]:
        if share(elder, "care") >= RATES["care_recipients"]:
            continue
        first = max(d0, created)
        providers = by_street.get(street_of(region))
        if first > d1 or not providers:
            continue
        provider = providers[zlib.crc32(elder.encode()) % len(providers)]
        # A new day: recipients get a visit today at the year's daily rate.
        if now_s is None:
            orders = 1 + (rng.random() < 0.4)
        else:
            orders = int(rng.random() < _SHARED["visit_rate"])
        for _ in range(orders):
            code, _w, win_start, length = rng.choices(ORDER_MIX, mix_weights)[0]
            stype = types[code]
            recurrence = "once"
            if now_s is None:
                recurrence = rng.choices([k[0] for k in ORDER_KINDS], [k[1] for k in ORDER_KINDS])[
                    0
                ]
                if code != "meals" and recurrence == "daily":
                    recurrence = "weekly"
            span = {r: s for r, _p, s in ORDER_KINDS}[recurrence]
            day0 = rng.randint(first, d1)
            if recurrence != "once":  # standing orders: many run from before the year
                day0 = max(first, rng.randint(first - 180, d1))
            day_last = min(d1, day0 + rng.randint(*span))
            step = 7 if recurrence == "weekly" else 1
            window_end = min(1440, win_start + length)
            order_pk = new_uuid(rng)
            caregiver = rng.choice(provider["caregivers"])
            ordered = stamp(day0 - rng.randint(1, 5), rng.randint(9 * 3600, 17 * 3600))
            cancelled_order = now_s is None and rng.random() < 0.03
            rows.add(
                "homecare_careorder",
                order_pk,
                ordered,
                ordered,
                day_str(day0),
                day_str(day_last),
                win_start,
                window_end,
                recurrence,
                "",
                "cancelled" if cancelled_order else "accepted",
                "老人住院" if cancelled_order else "",
                "elder" if cancelled_order else "",
                stype["price"],
                0,
                stype["price"],
                [],
                elder,
                region,
                provider["id"],
                stype["id"],
                admin,
            )
            for day in range(day0, day_last + 1, step):
                if cancelled_order and day > day0:
                    break
                pk = new_uuid(rng)
                arrive = win_start * 60 + rng.randint(
                    0, max(0, (window_end - win_start - stype["duration"]) * 60)
                )
                minutes = max(5, round(stype["duration"] * rng.uniform(0.85, 1.2)))
                roll = rng.random()
                status = "completed" if roll < 0.92 else "missed" if roll < 0.94 else "cancelled"
                if cancelled_order:
                    status = "cancelled"
                leave = arrive + minutes * 60
                if now_s is not None and leave > now_s:
                    status = "scheduled" if arrive > now_s else "in_progress"
                done = status == "completed"
                flags: list[str] = []
                far = rng.random() < 0.03
                short = rng.random() < 0.02
                if done and far:
                    flags.append("far_from_home")
                if done and short:
                    minutes = max(1, stype["duration"] // 4)
                    flags.append("too_short")
                approved = bool(flags) and rng.random() < 0.5 and day + 2 < w["today"]
                delivered = done and not (flags and not approved) and day < month_start
                rows.add(
                    "homecare_visit",
                    pk,
                    ordered,
                    stamp(day, leave if done else arrive),
                    day_str(day),
                    win_start,
                    window_end,
                    stype["duration"],
                    status,
                    "老人不在家"
                    if status == "missed"
                    else "老人临时取消"
                    if status == "cancelled"
                    else "",
                    "elder" if status == "cancelled" else "",
                    "",
                    stamp(day, arrive) if status in ("completed", "in_progress") else None,
                    round(rng.uniform(400, 900) if far else rng.uniform(5, 150), 1)
                    if status in ("completed", "in_progress")
                    else None,
                    stamp(day, leave) if done else None,
                    round(rng.uniform(5, 150), 1) if done else None,
                    minutes if done else None,
                    stype["checklist"] if done else [],
                    "",
                    "",
                    sorted(flags),
                    stamp(day + 2, 10 * 3600) if approved else None,
                    day_str(settled) if delivered and (settled := _settled(day)) <= d1 else None,
                    caregiver if status != "cancelled" else None,
                    elder,
                    admin if approved else None,
                    order_pk,
                    provider["id"],
                    region,
                    stype["id"],
                )
    return rows.payload()


# --------------------------------------------------------------------------------------------
# Canteens: canteens, dishes, menus, meal orders
# --------------------------------------------------------------------------------------------

CANTEEN_COLUMNS = [
    "id",
    "created_at",
    "updated_at",
    "name",
    "address",
    "latitude",
    "longitude",
    "capacity",
    "operator_name",
    "open_days",
    "meals",
    "cutoff_min",
    "active",
    "facility_id",
    "region_id",
]
DISH_COLUMNS = ["id", "created_at", "updated_at", "name", "tags", "active", "canteen_id"]
MENU_COLUMNS = [
    "id",
    "created_at",
    "updated_at",
    "day",
    "meal",
    "price_fen",
    "capacity",
    "booked",
    "note",
    "canteen_id",
]
MENU_DISH_COLUMNS = ["menu_id", "dish_id"]
MEAL_COLUMNS = [
    "id",
    "created_at",
    "updated_at",
    "day",
    "meal",
    "mode",
    "status",
    "price_fen",
    "subsidy_fen",
    "copay_fen",
    "reservation_ids",
    "nonce",
    "note",
    "placed_by",
    "served_at",
    "cancelled_at",
    "cancel_reason",
    "canteen_id",
    "elder_id",
    "region_id",
    "menu_id",
    "created_by_id",
]
MENU_SLOTS = 800  # menu ids per canteen: canteen index * MENU_SLOTS + sitting


def canteen_setup(
    w: dict[str, Any], seed: int, canteens: list[dict[str, Any]], first_dish: int
) -> tuple[Rows, list[dict[str, Any]]]:
    from silvercare.canteens.demo import DISHES

    rng = random.Random(f"{seed}:canteens")
    rows = Rows()
    out = []
    diners: dict[str, list[tuple[str, str, int]]] = defaultdict(list)
    by_street: dict[str, list[int]] = defaultdict(list)
    for n, canteen in enumerate(canteens):
        by_street[street_of(canteen["region"][0])].append(n)
    for elder, region, created, _disabled, _born in w["elders"]:
        if share(elder, "diner") >= RATES["diners"]:
            continue
        choices = by_street.get(street_of(region))
        if choices:
            diners[choices[zlib.crc32(elder.encode()) % len(choices)]].append(
                (elder, region, created)
            )
    for n, canteen in enumerate(canteens):
        pk = new_uuid(rng)
        code, _name, lat, lon = canteen["region"]
        meals = ["lunch", "dinner"] if rng.random() < 0.4 else ["lunch"]
        days = list(range(7)) if rng.random() < 0.3 else list(range(6))
        when = stamp(w["y0"] - 30, 9 * 3600)
        rows.add(
            "canteens_canteen",
            pk,
            when,
            when,
            canteen["name"],
            f"{canteen['name']}一楼",
            lat,
            lon,
            canteen["capacity"],
            "乐膳餐饮管理有限公司",
            days,
            meals,
            120,
            True,
            canteen["facility"],
            code,
        )
        dish_ids = []
        for k, (dish, tags) in enumerate(DISHES):
            dish_ids.append(first_dish + n * len(DISHES) + k)
            rows.add("canteens_dish", dish_ids[-1], when, when, dish, tags, True, pk)
        out.append(
            {
                "id": pk,
                "index": n,
                "capacity": canteen["capacity"],
                "meals": meals,
                "days": days,
                "dishes": dish_ids,
                "diners": diners.get(n, []),
            }
        )
    return rows, out


def meal_chunk(spec: tuple[int, int, int]) -> dict[str, bytes]:
    """Menus (every open sitting, four dishes each) and meal orders of the canteens
    [start, stop): each regular diner of the canteen takes about three meals a week, never
    more than the sitting's capacity; past meals served (95 %) or cancelled the day before."""
    from silvercare.canteens.choices import SITTING_START

    index, start, stop = spec
    seed = _SHARED["seed"]
    d0, d1, tag = _SHARED["days"]
    now_s = _SHARED.get("now_s")
    rng = random.Random(f"{seed}:meals:{tag}:{index}")
    base = _SHARED["menu_base"]
    offset = _SHARED.get("menu_offset", 0)
    rows = Rows()
    for canteen in _SHARED["canteens"][start:stop]:
        sittings_a_week = len(canteen["days"]) * len(canteen["meals"])
        chance = min(1.0, RATES["diner_meals_per_week"] / sittings_a_week)
        slot = 0
        for day in range(d0, d1 + 1):
            if dt.date.fromordinal(day).weekday() not in canteen["days"]:
                continue
            for meal in canteen["meals"]:
                menu_id = base + canteen["index"] * MENU_SLOTS + offset + slot
                slot += 1
                price = 1500 if meal == "lunch" else 1200
                sitting = SITTING_START[meal] * 60
                booked = 0
                for elder, region, created in canteen["diners"]:
                    if created > day or rng.random() >= chance:
                        continue
                    cancelled = rng.random() < 0.05
                    if not cancelled and booked >= canteen["capacity"]:
                        continue
                    placed = stamp(day - rng.randint(1, 3), rng.randint(8 * 3600, 18 * 3600))
                    served = sitting + rng.randint(0, 2400)
                    if now_s is not None and served > now_s:
                        status = "cancelled" if cancelled else "placed"
                    else:
                        status = "cancelled" if cancelled else "served"
                    booked += status != "cancelled"
                    rows.add(
                        "canteens_mealorder",
                        new_uuid(rng),
                        placed,
                        stamp(day, served) if status == "served" else placed,
                        day_str(day),
                        meal,
                        rng.choice(["dine_in", "dine_in", "pick_up", "delivery"]),
                        status,
                        price,
                        0,
                        price,
                        [],
                        f"{rng.getrandbits(128):032x}",
                        "",
                        "staff",
                        stamp(day, served) if status == "served" else None,
                        stamp(day - 1, 20 * 3600) if status == "cancelled" else None,
                        "临时有事" if status == "cancelled" else "",
                        canteen["id"],
                        elder,
                        region,
                        menu_id,
                        None,
                    )
                when = stamp(day - 7, 10 * 3600)
                rows.add(
                    "canteens_menu",
                    menu_id,
                    when,
                    when,
                    day_str(day),
                    meal,
                    price,
                    canteen["capacity"],
                    booked,
                    "",
                    canteen["id"],
                )
                for dish in rng.sample(canteen["dishes"], 4):
                    rows.add("canteens_menu_dishes", menu_id, dish)
        if slot > MENU_SLOTS:
            raise RuntimeError("more sittings than MENU_SLOTS")
    return rows.payload()


# --------------------------------------------------------------------------------------------
# Home adaptation
# --------------------------------------------------------------------------------------------

CONTRACTOR_COLUMNS = [
    "id",
    "created_at",
    "updated_at",
    "name",
    "credit_code",
    "phone",
    "active",
    "created_by_id",
    "region_id",
]
CASE_COLUMNS = [
    "id",
    "created_at",
    "updated_at",
    "number",
    "status",
    "checklist_version",
    "assessed_on",
    "total_fen",
    "subsidy_fen",
    "elder_pays_fen",
    "reservation_ids",
    "planned_at",
    "approved_at",
    "works_started_on",
    "accepted_on",
    "signed_by",
    "signer",
    "acceptance_note",
    "follow_up_due_on",
    "followed_up_on",
    "follow_up_outcome",
    "follow_up_note",
    "cancelled_at",
    "cancel_reason",
    "approved_by_id",
    "elder_id",
    "opened_by_id",
    "planned_by_id",
    "region_id",
    "contractor_id",
]
ANSWER_COLUMNS = ["created_at", "updated_at", "question", "answer", "note", "case_id"]
ITEM_COLUMNS = [
    "id",
    "created_at",
    "updated_at",
    "code",
    "name",
    "basic",
    "unit",
    "quantity",
    "unit_price_fen",
    "note",
    "case_id",
]


def adaptation_chunk(spec: tuple[int, int, int]) -> dict[str, bytes]:
    """Cases opened through the year by 0.5 % of the elders: the checklist answered (a fifth
    of the questions a hazard), a plan of the items the hazards suggest, then planned,
    approved, works, accepted and followed up at the service's pace, a few cancelled."""
    from silvercare.adaptation.checklist import checklist

    index, start, stop = spec
    w, seed = _SHARED["world"], _SHARED["seed"]
    d0, d1, tag = _SHARED["days"]
    rng = random.Random(f"{seed}:adaptation:{tag}:{index}")
    cl = checklist()
    items = {r.code: r for r in cl.recommended}
    worker, officer = w["users"]["community_worker"], w["users"]["civil_affairs"]
    contractors = _SHARED["contractors"]
    rows = Rows()
    open_cases = _SHARED.get("open_cases", set())
    for n, (elder, region, created, _disabled, _born) in enumerate(w["elders"][start:stop]):
        first = max(d0, created)
        if first > d1 or rng.random() >= RATES["adaptations_per_year"] * (d1 - first + 1) / 365:
            continue
        if elder in open_cases:
            continue  # one open case per elder
        assessed = rng.randint(first, d1)
        pk = new_uuid(rng)
        opened = stamp(assessed, rng.randint(9 * 3600, 17 * 3600))
        suggested: list[str] = []
        for question in cl.questions:
            roll = rng.random()
            answer = "hazard" if roll < 0.2 else "na" if roll < 0.3 else "ok"
            rows.add("adaptation_checklistanswer", opened, opened, question.code, answer, "", pk)
            if answer == "hazard":
                suggested += [c for c in question.suggests if c not in suggested]
        suggested = suggested[:6] or ["R01"]
        total = 0
        for code in suggested:
            item = items[code]
            quantity = rng.randint(1, 3)
            total += quantity * item.reference_price_fen
            rows.add(
                "adaptation_planitem",
                new_uuid(rng),
                opened,
                opened,
                code,
                item.zh,
                item.basic,
                item.unit_zh,
                quantity,
                item.reference_price_fen,
                "",
                pk,
            )
        steps = [assessed]
        for low, high in ((3, 10), (5, 15), (7, 20), (10, 30), (30, 40)):
            steps.append(steps[-1] + rng.randint(low, high))
        reached = sum(1 for day in steps if day <= d1)  # 1 = assessed … 6 = followed up
        cancelled = rng.random() < 0.05 and reached < 5
        status = ["assessed", "planned", "approved", "in_works", "accepted", "followed_up"][
            reached - 1
        ]
        if cancelled:
            status = "cancelled"
        planned, approved, works, accepted, followed = (
            steps[i] if reached > i else None for i in range(1, 6)
        )
        contractor = contractors[street_of(region)] if approved else None
        last = steps[reached - 1]
        rows.add(
            "adaptation_adaptationcase",
            pk,
            opened,
            stamp(last, 16 * 3600),
            f"AD{day_str(assessed).replace('-', '')}{tag[:1]}{index:04d}{n:06d}",
            status,
            cl.version,
            day_str(assessed),
            total,
            0,
            total,
            [],
            stamp(planned, 11 * 3600) if planned else None,
            stamp(approved, 15 * 3600) if approved else None,
            day_str(works) if works else None,
            day_str(accepted) if accepted else None,
            "本人" if accepted else "",
            "elder" if accepted else "",
            "验收合格" if accepted else "",
            day_str(accepted + 30) if accepted else None,
            day_str(followed) if followed else None,
            "improved" if followed else "",
            "改造后使用良好" if followed else "",
            stamp(last + 1, 10 * 3600) if cancelled else None,
            "老人放弃改造" if cancelled else "",
            officer if approved else None,
            elder,
            worker,
            worker if planned else None,
            region,
            contractor,
        )
    return rows.payload()


# --------------------------------------------------------------------------------------------
# Fittings
# --------------------------------------------------------------------------------------------

FITTING_COLUMNS = [
    "id",
    "created_at",
    "updated_at",
    "status",
    "fitted_on",
    "measurements",
    "adjustments",
    "training_elder",
    "training_family",
    "signed_name",
    "consultant_id",
    "device_type_id",
    "elder_id",
    "region_id",
    "product_id",
]
FOLLOWUP_COLUMNS = ["day", "due_on", "done_on", "outcome", "note", "fitting_id", "recorded_by_id"]


def fitting_chunk(spec: tuple[int, int, int]) -> dict[str, bytes]:
    """Fittings through the year (30 % of the elders whose level is 2-4, 0.5 % of the
    others), 97 % completed, with the day-7 and day-30 follow-ups (done when due)."""
    index, start, stop = spec
    w, seed = _SHARED["world"], _SHARED["seed"]
    d0, d1, tag = _SHARED["days"]
    rng = random.Random(f"{seed}:fittings:{tag}:{index}")
    products = _SHARED["products"]
    consultant = w["users"]["consultant"]
    rows = Rows()
    disabled = _SHARED["disabled"]
    for elder, region, created, _flag, _born in w["elders"][start:stop]:
        first = max(d0, created)
        level = "disabled" if elder in disabled else "other"
        rate = RATES[f"fittings_per_year_{level}"]
        if first > d1 or rng.random() >= rate * (d1 - first + 1) / 365:
            continue
        day = rng.randint(first, d1)
        product = rng.choice(products)
        pk = new_uuid(rng)
        when = stamp(day, rng.randint(9 * 3600, 17 * 3600))
        completed = rng.random() < 0.97
        rows.add(
            "assistive_fitting",
            pk,
            when,
            when,
            "completed" if completed else "cancelled",
            day_str(day),
            {"height_cm": rng.randint(145, 178), "weight_kg": rng.randint(40, 80)},
            "调整扶手高度",
            "已指导正确使用与日常维护",
            "已向家属讲解注意事项",
            "本人",
            consultant,
            product["type"],
            elder,
            region,
            product["id"],
        )
        if completed:
            for after in (7, 30):
                due = day + after
                done = due <= d1 and rng.random() < 0.9
                rows.add(
                    "assistive_followup",
                    after,
                    day_str(due),
                    day_str(due) if done else None,
                    rng.choice(["in_use", "in_use", "adjusted"]) if done else "",
                    "",
                    pk,
                    consultant if done else None,
                )
    return rows.payload()


# --------------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------------


def meta_get() -> dict[str, Any] | None:
    registry.sql_exec(
        f"CREATE TABLE IF NOT EXISTS {META_TABLE} (key text PRIMARY KEY, value jsonb)"
    )
    value = registry.sql_value(f"SELECT value FROM {META_TABLE} WHERE key = 'load'")
    return json.loads(value) if isinstance(value, str) else value


def meta_set(value: dict[str, Any]) -> None:
    registry.sql_exec(
        f"INSERT INTO {META_TABLE} VALUES ('load', %s::jsonb) "
        "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
        [json.dumps(value)],
    )


def elder_chunks(w: dict[str, Any], size: int = 20_000) -> list[tuple[int, int, int]]:
    return chunked(len(w["elders"]), size)


def prepare(w: dict[str, Any], args: argparse.Namespace, bases: dict[str, int]) -> dict[str, Any]:
    """Everything the generators share, rebuilt deterministically from the seed (so a
    ``--reuse`` run knows the loaded rows' ids without reading them back): the industry
    rows, filers, report periods, staff, canteens and their diners, contractors."""
    from silvercare.homecare.models import ServiceType

    _SHARED.clear()
    _SHARED.update(world=w, seed=args.seed, days=(w["y0"], w["y1"], "year"), now_s=None)
    industry_payload, industry = industry_rows(w, args.institutions, args.seed)
    _SHARED["filers"] = {
        "enterprise": [
            {
                "id": e["id"],
                "size_class": e["size_class"],
                "created": e["created"],
                "region": e["region"],
                "name": e["name"],
            }
            for e in industry["enterprises"]
        ],
        "facility": [f for f in industry["facilities"] if f["kind"] in ("institution", "centre")],
    }
    _SHARED["periods"] = report_periods(dt.date.fromordinal(w["today"]), 4)
    _SHARED["enterprise_values"] = enterprise_value_pools(args.seed)
    _SHARED["templates"] = assessment_templates(args.seed)
    products = catalogue(args.seed)
    _SHARED["products"] = [p for p in products if p["fitting"]] or products
    staff_payload, care = homecare_staff(w, args.seed)
    _SHARED["care"] = care
    _SHARED["service_types"] = {
        t.code: {
            "id": t.pk,
            "duration": t.duration_min,
            "price": t.price_fen,
            "checklist": t.checklist,
        }
        for t in ServiceType.objects.all()
    }
    canteen_payload, canteens = canteen_setup(w, args.seed, industry["canteens"], bases["dish"])
    _SHARED["canteens"] = canteens
    _SHARED["menu_base"] = bases["menu"]
    rng = random.Random(f"{args.seed}:contractors")
    contractor_payload = Rows()
    contractors: dict[str, str] = {}
    for street in w["streets"]:
        pk = new_uuid(rng)
        when = stamp(w["y0"] - 90, 9 * 3600)
        contractor_payload.add(
            "adaptation_contractor",
            pk,
            when,
            when,
            f"{street[1]}安居适老化工程队",
            "",
            f"0755-8700{len(contractors):04d}",
            True,
            w["users"]["civil_affairs"],
            street[0],
        )
        contractors[street[0]] = pk
    _SHARED["contractors"] = contractors
    return {
        "industry": industry,
        "industry_rows": industry_payload,
        "staff_rows": staff_payload,
        "canteen_rows": canteen_payload,
        "contractor_rows": contractor_payload,
        "products": products,
    }


def disabled_elders() -> set[str]:
    """The elders whose registry level (from their latest assessment) is 2-4."""
    return {
        str(pk)
        for (pk,) in registry.sql_rows(
            f"SELECT id FROM {registry.TABLE} WHERE ability_level >= 2 AND status = 'active'"
        )
    }


def load_operational(
    w: dict[str, Any], args: argparse.Namespace
) -> tuple[dict[str, Any], dict[str, int]]:
    """Every table the indicator sources read, for the year before ``w['today']``."""
    from silvercare.homecare.services.catalogue import service_types_restore
    from silvercare.industry.services import seed_data_restore

    workers = args.workers
    out: dict[str, Any] = {}
    started = time.perf_counter()
    registry.sql_exec("SET statement_timeout = 0")
    registry.sql_exec(f"TRUNCATE {', '.join(LOADED_TABLES)} CASCADE")
    registry.sql_exec("RESET statement_timeout")
    seed_data_restore()
    service_types_restore()
    bases = {
        table: int(registry.sql_value(f"SELECT coalesce(max(id), 0) FROM {name}")) + 1
        for table, name in (
            ("dish", "canteens_dish"),
            ("menu", "canteens_menu"),
            ("point", "rental_rentalpoint"),
            ("unit", "rental_unit"),
        )
    }
    ready = prepare(w, args, bases)
    industry = ready["industry"]
    out["industry"] = bulk_load(
        {"industry_enterprise": ENTERPRISE_COLUMNS, "industry_facility": FACILITY_COLUMNS},
        [ready["industry_rows"].payload()],
        label="industry registry",
    )
    filers = _SHARED["filers"]
    specs = [(*c, "enterprise") for c in chunked(len(filers["enterprise"]), 5000)]
    specs += [(*c, "facility") for c in chunked(len(filers["facility"]), 1000)]
    out["reports"] = bulk_load(
        {"industry_report": REPORT_COLUMNS, "industry_reporthistory": HISTORY_COLUMNS},
        generated(report_chunk, specs, workers),
        label="industry reports (last 4 quarters)",
    )
    out["assessments"] = bulk_load(
        {"assessments_assessment": ASSESSMENT_COLUMNS},
        generated(assessment_chunk, elder_chunks(w), workers),
        label="assessments",
    )
    mark = time.perf_counter()
    registry.sql_exec("SET statement_timeout = 0")
    registry.sql_exec(
        f"""
        UPDATE {registry.TABLE} AS e SET ability_level = a.final_level,
               ability_assessed_at = a.completed_at, reassessment_due_on = a.next_due_on
        FROM (SELECT DISTINCT ON (elder_id) elder_id, final_level, completed_at, next_due_on
              FROM assessments_assessment WHERE status = 'completed'
              ORDER BY elder_id, completed_at DESC) AS a
        WHERE e.id = a.elder_id
        """
    )
    registry.sql_exec(f"VACUUM (ANALYZE) {registry.TABLE}")
    registry.sql_exec("RESET statement_timeout")
    out["elder_levels_s"] = round(time.perf_counter() - mark, 1)
    _SHARED["disabled"] = disabled_elders()
    print(f"  registry levels from the latest assessments in {out['elder_levels_s']} s")
    out["alerts"] = bulk_load(
        {"alerts_alert": ALERT_COLUMNS, "alerts_alertevent": EVENT_COLUMNS},
        generated(alert_chunk, elder_chunks(w), workers),
        label="alerts",
    )
    out["rental"] = bulk_load(
        {
            "rental_rentalpoint": POINT_COLUMNS,
            "rental_unit": UNIT_COLUMNS,
            "rental_lease": LEASE_COLUMNS,
        },
        [rental_rows(w, args.seed, industry["points"], ready["products"], bases).payload()],
        label="rental",
    )
    for table in ("rental_rentalpoint", "rental_unit"):
        set_sequence(table)
    out["care_staff"] = bulk_load(
        {"homecare_provider": PROVIDER_COLUMNS, "homecare_caregiver": CAREGIVER_COLUMNS},
        [ready["staff_rows"].payload()],
        label="care providers and caregivers",
    )
    out["care"] = bulk_load(
        {"homecare_careorder": ORDER_COLUMNS, "homecare_visit": VISIT_COLUMNS},
        generated(care_chunk, elder_chunks(w), workers),
        label="care orders and visits",
    )
    out["canteens"] = bulk_load(
        {"canteens_canteen": CANTEEN_COLUMNS, "canteens_dish": DISH_COLUMNS},
        [ready["canteen_rows"].payload()],
        label="canteens and dishes",
    )
    out["meals"] = bulk_load(
        {
            "canteens_menu": MENU_COLUMNS,
            "canteens_menu_dishes": MENU_DISH_COLUMNS,
            "canteens_mealorder": MEAL_COLUMNS,
        },
        generated(meal_chunk, chunked(len(_SHARED["canteens"]), 10), workers),
        label="menus and meal orders",
    )
    for table in ("canteens_dish", "canteens_menu"):
        set_sequence(table)
    cases = list(generated(adaptation_chunk, elder_chunks(w, 100_000), workers))
    out["adaptation"] = bulk_load(
        {
            "adaptation_contractor": CONTRACTOR_COLUMNS,
            "adaptation_adaptationcase": CASE_COLUMNS,
            "adaptation_checklistanswer": ANSWER_COLUMNS,
            "adaptation_planitem": ITEM_COLUMNS,
        },
        [ready["contractor_rows"].payload(), *cases],
        label="home adaptation",
    )
    out["fittings"] = bulk_load(
        {"assistive_fitting": FITTING_COLUMNS, "assistive_followup": FOLLOWUP_COLUMNS},
        generated(fitting_chunk, elder_chunks(w, 100_000), workers),
        label="fittings",
    )
    registry.sql_exec("SET statement_timeout = 0")
    registry.sql_exec("ANALYZE")
    registry.sql_exec("RESET statement_timeout")
    out["seconds"] = round(time.perf_counter() - started, 1)
    print(f"operational data loaded in {out['seconds']} s")
    return out, bases


# --------------------------------------------------------------------------------------------
# A new day
# --------------------------------------------------------------------------------------------


def insert_new_day(w: dict[str, Any], seed: int) -> dict[str, Any]:
    """Today's rows up to now, for every source: assessments completed, alerts raised (some
    still open), leases started (new units), visits, menus and meals, adaptation cases opened
    and some in works accepted, fittings, and late reports filed. COPY with every index in
    place (the app's own write path keeps them)."""
    from django.utils import timezone

    now = timezone.localtime()
    today = now.date().toordinal()
    now_s = now.hour * 3600 + now.minute * 60 + now.second
    _SHARED.update(days=(today, today, "day"), now_s=now_s, new_day=today)
    started = time.perf_counter()
    counts: Counter[str] = Counter()
    columns = {
        "assessments_assessment": ASSESSMENT_COLUMNS,
        "alerts_alert": ALERT_COLUMNS,
        "alerts_alertevent": EVENT_COLUMNS,
        "homecare_careorder": ORDER_COLUMNS,
        "homecare_visit": VISIT_COLUMNS,
        "canteens_menu": MENU_COLUMNS,
        "canteens_menu_dishes": MENU_DISH_COLUMNS,
        "canteens_mealorder": MEAL_COLUMNS,
        "adaptation_adaptationcase": CASE_COLUMNS,
        "adaptation_checklistanswer": ANSWER_COLUMNS,
        "adaptation_planitem": ITEM_COLUMNS,
        "assistive_fitting": FITTING_COLUMNS,
        "assistive_followup": FOLLOWUP_COLUMNS,
        "industry_report": REPORT_COLUMNS,
        "industry_reporthistory": HISTORY_COLUMNS,
        "rental_unit": UNIT_COLUMNS,
        "rental_lease": LEASE_COLUMNS,
    }
    payloads: list[dict[str, bytes]] = []
    whole = [(0, 0, len(w["elders"]))]
    payloads.append(assessment_chunk(whole[0]))
    payloads.append(alert_chunk(whole[0]))
    visits, recipients = registry.sql_rows(
        "SELECT (SELECT count(*) FROM homecare_visit WHERE date >= %s), "
        "(SELECT count(DISTINCT elder_id) FROM homecare_careorder)",
        [dt.date.fromordinal(w["y0"])],
    )[0]
    _SHARED["visit_rate"] = visits / 365 / max(1, recipients)
    payloads.append(care_chunk(whole[0]))
    _SHARED["open_cases"] = {
        str(pk)
        for (pk,) in registry.sql_rows(
            "SELECT elder_id FROM adaptation_adaptationcase WHERE status IN "
            "('assessed', 'planned', 'approved', 'in_works', 'accepted')"
        )
    }
    payloads.append(adaptation_chunk(whole[0]))
    payloads.append(fitting_chunk(whole[0]))
    # Today's menus take slots after the year's.
    used = (
        registry.sql_value("SELECT coalesce(max(id), 0) FROM canteens_menu")
        - _SHARED["menu_base"]
        + 1
    )
    _SHARED["menu_offset"] = 0
    _SHARED["menu_base"] += used
    payloads.append(meal_chunk((0, 0, len(_SHARED["canteens"]))))
    # Leases started today, each on a unit registered today.
    rng = random.Random(f"{seed}:rental:{today}")
    rows = Rows()
    points = dict(registry.sql_rows("SELECT region_id, id FROM rental_rentalpoint"))
    products = [p for p in catalogue(seed) if p["rentable"]]
    unit_id = int(registry.sql_value("SELECT coalesce(max(id), 0) FROM rental_unit")) + 1
    operator = w["users"]["rental_operator"]
    for elder, region, created, _disabled, _born in w["elders"]:
        if created > today or rng.random() >= RATES["leases_per_year"] / 365:
            continue
        street = street_of(region)
        product = rng.choice(products)
        when = stamp(today, rng.randint(0, max(1, now_s - 1)))
        rows.add(
            "rental_unit",
            unit_id,
            when,
            when,
            f"BN{unit_id:08d}",
            "2026-12",
            f"{street}康复辅具服务站",
            "leased",
            "home",
            "new",
            False,
            False,
            day_str(today),
            elder,
            points[street],
            product["id"],
            street,
        )
        months = rng.choice([1, 3, 6])
        rows.add(
            "rental_lease",
            new_uuid(rng),
            when,
            when,
            "active",
            day_str(today),
            day_str(today + 30 * months),
            None,
            "",
            product["rent"],
            product["rent"],
            0,
            [],
            [],
            "",
            operator,
            elder,
            street,
            points[street],
            unit_id,
        )
        unit_id += 1
    payloads.append(rows.payload())
    # Late reports of the period being filed, from filers that had not filed it.
    latest = [p for p in _SHARED["periods"] if p["age"] == 0]
    missing: dict[str, list[dict[str, Any]]] = {"enterprise": [], "facility": []}
    for which in missing:
        filed = {
            str(pk)
            for (pk,) in registry.sql_rows(
                f"SELECT {which}_id FROM industry_report "
                f"WHERE period_id = ANY(%s) AND {which}_id IS NOT NULL",
                [[p["period"] for p in latest]],
            )
        }
        missing[which] = [f for f in _SHARED["filers"][which] if f["id"] not in filed]
    rng = random.Random(f"{seed}:late-reports:{today}")
    rows = Rows()
    for which, filers in missing.items():
        for filer in filers:
            if rng.random() >= 0.02:
                continue
            for period in latest:
                form = period["form"]
                if (form.filer == "enterprise") != (which == "enterprise"):
                    continue
                if which == "facility" and filer["kind"] not in form.facility_kinds:
                    continue
                pool = _SHARED["enterprise_values"][filer.get("size_class", "small")]
                values = pool[rng.randrange(len(pool))]
                if which == "facility":
                    from silvercare.industry.demo import _figures
                    from silvercare.industry.validation import values_check

                    values, errors = values_check(
                        form,
                        _figures(
                            rng,
                            form,
                            SimpleNamespace(beds=filer["beds"], nursing_beds=filer["nursing"]),
                        ),
                    )
                    assert not errors
                when = stamp(today, rng.randint(0, max(1, now_s - 1)))
                pk = new_uuid(rng)
                rows.add(
                    "industry_report",
                    pk,
                    when,
                    when,
                    "submitted",
                    values,
                    when,
                    None,
                    False,
                    "",
                    filer["id"] if which == "enterprise" else None,
                    filer["id"] if which == "facility" else None,
                    filer["region"],
                    period["period"],
                )
                for step, status in (("save", "draft"), ("submit", "submitted")):
                    rows.add(
                        "industry_reporthistory",
                        step,
                        status,
                        "",
                        filer["name"][:150],
                        when,
                        None,
                        pk,
                    )
    payloads.append(rows.payload())
    for payload in payloads:
        for table, data in payload.items():
            copy_into(table, columns[table], data)
            counts[table] += data.count(b"\n")
    # Works accepted today: as many cases as are accepted on an average day.
    accepted = registry.sql_value(
        "SELECT count(*) FROM adaptation_adaptationcase WHERE accepted_on >= %s",
        [dt.date.fromordinal(w["y0"])],
    )
    per_day = max(1, round(accepted / 365))
    registry.sql_exec(
        """
        UPDATE adaptation_adaptationcase SET status = 'accepted', accepted_on = %s,
               signed_by = '本人', signer = 'elder', acceptance_note = '验收合格',
               follow_up_due_on = %s, updated_at = now()
        WHERE id IN (SELECT id FROM adaptation_adaptationcase WHERE status = 'in_works'
                     ORDER BY id LIMIT %s)
        """,
        [dt.date.fromordinal(today), dt.date.fromordinal(today + 30), per_day],
    )
    counts["adaptation_adaptationcase (accepted today)"] = per_day
    seconds = time.perf_counter() - started
    print(
        f"a new day ({day_str(today)} until {now:%H:%M}): {sum(counts.values()):,} rows in "
        f"{seconds:.1f} s: " + ", ".join(f"{t} {n:,}" for t, n in counts.items())
    )
    return {
        "day": day_str(today),
        "until": f"{now:%H:%M:%S}",
        "rows": dict(counts),
        "seconds": round(seconds, 1),
    }


# --------------------------------------------------------------------------------------------
# Measurements
# --------------------------------------------------------------------------------------------


class SourceTimer:
    """Wall time per indicator source during a refresh (wraps ``sources.SOURCES`` in this
    process only; the refresh looks them up there)."""

    def __init__(self) -> None:
        from silvercare.indicators import sources

        self.sources = sources.SOURCES
        self.original = dict(self.sources)
        self.seconds: Counter[str] = Counter()
        self.calls: Counter[str] = Counter()

    def __enter__(self) -> SourceTimer:
        for name, func in self.original.items():
            self.sources[name] = self._wrap(name, func)
        return self

    def _wrap(self, name: str, func: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*a: Any, **kw: Any) -> Any:
            started = time.perf_counter()
            try:
                return func(*a, **kw)
            finally:
                self.seconds[name] += time.perf_counter() - started
                self.calls[name] += 1

        return timed

    def __exit__(self, *exc: Any) -> None:
        self.sources.update(self.original)

    def summary(self) -> dict[str, dict[str, float]]:
        return {
            name: {"calls": self.calls[name], "seconds": round(self.seconds[name], 2)}
            for name, _ in self.seconds.most_common()
        }


def timed_refresh(kind: str) -> dict[str, Any]:
    from silvercare.indicators import services
    from silvercare.indicators.models import Figure

    with SourceTimer() as timer:
        started, cpu = time.perf_counter(), time.process_time()
        refresh = services.figures_refresh(kind=kind)
        seconds = time.perf_counter() - started
        cpu_s = time.process_time() - cpu
    assert refresh.state == "done", refresh.error
    in_sources = sum(v["seconds"] for v in timer.summary().values())
    return {
        "seconds": round(seconds, 2),
        "python_cpu_s": round(cpu_s, 2),
        "periods": len(refresh.periods),
        "figures": refresh.figures,
        "figures_in_table": Figure.objects.count(),
        "in_sources_s": round(in_sources, 2),
        "sources": timer.summary(),
        "load_avg": round(os.getloadavg()[0], 2),
    }


def measure_dashboard(
    client: Any, path: str, expect: str, requests: int, warmup: int
) -> dict[str, Any]:
    from django.db import connection

    for _ in range(warmup):
        client.get(path)
    times: list[float] = []
    db: list[float] = []
    errors: list[str] = []
    timer = registry.DbTimer()
    with connection.execute_wrapper(timer):
        for _ in range(requests):
            timer.total = 0.0
            started = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - started) * 1000)
            db.append(timer.total * 1000)
            if response.status_code != 200:
                errors.append(f"HTTP {response.status_code}")
            elif expect and expect not in response.content.decode():
                errors.append(f"{expect!r} not on the page")
    values = sorted(times)
    p95 = registry.percentile(values, 95)
    return {
        "path": path,
        "n": len(values),
        "p50_ms": round(registry.percentile(values, 50), 1),
        "p95_ms": round(p95, 1),
        "max_ms": round(values[-1], 1),
        "db_mean_ms": round(sum(db) / len(db), 1),
        "errors": len(errors),
        "first_errors": errors[:3],
        "met": p95 <= DASHBOARD_GOAL_P95_MS and not errors,
        "load_avg": round(os.getloadavg()[0], 2),
    }


def expected_text(region: str) -> str:
    """A figure the region's page must show: the nursing-bed share of the month the page
    opens on (the latest with figures), to one decimal as the pages write percentages."""
    from silvercare.indicators import selectors
    from silvercare.indicators.models import Figure

    figure = Figure.objects.filter(
        indicator="nursing_bed_share", region_code=region, period=selectors.latest_period()
    ).first()
    return f"{figure.value:.1f}%" if figure and figure.value is not None else ""


def check_pages(client: Any) -> dict[str, int]:
    """The loaded rows open in the app's own pages (one of each, as the city officer)."""
    v = registry.sql_value
    canteen = v("SELECT id FROM canteens_canteen ORDER BY id LIMIT 1")
    provider = v("SELECT id FROM homecare_provider ORDER BY id LIMIT 1")
    month = f"{dt.date.fromordinal(_SHARED['world']['y1']):%Y-%m}"
    paths = [
        f"/alerts/{v('SELECT id FROM alerts_alert ORDER BY id LIMIT 1')}/",
        "/alerts/history/",
        "/care/orders/",
        f"/care/orders/{v('SELECT order_id FROM homecare_visit ORDER BY id LIMIT 1')}/",
        f"/care/providers/{provider}/settlement/?month={month}",
        f"/canteens/{canteen}/",
        f"/canteens/{canteen}/day/?day={day_str(_SHARED['world']['y1'])}",
        f"/canteens/{canteen}/settlement/?month={month}",
        f"/adaptation/cases/{v('SELECT id FROM adaptation_adaptationcase ORDER BY id LIMIT 1')}/",
        "/rental/leases/",
        f"/rental/leases/{v('SELECT id FROM rental_lease ORDER BY id LIMIT 1')}/",
        f"/rental/units/{v('SELECT id FROM rental_unit ORDER BY id LIMIT 1')}/",
        f"/assistive/fittings/{v('SELECT id FROM assistive_fitting ORDER BY id LIMIT 1')}/",
        f"/industry/reports/{v('SELECT id FROM industry_report ORDER BY id LIMIT 1')}/",
        "/industry/reports/late/",
        f"/industry/facilities/{v('SELECT id FROM industry_facility ORDER BY id LIMIT 1')}/",
        f"/assessments/{v('SELECT id FROM assessments_assessment ORDER BY id LIMIT 1')}/",
        "/indicators/?kind=day",
        "/indicators/?kind=quarter",
        "/indicators/?kind=year",
    ]
    statuses = {path: client.get(path).status_code for path in paths}
    failed = {p: c for p, c in statuses.items() if c != 200}
    print(
        f"\npages of the loaded rows as the city officer: {len(paths) - len(failed)} of "
        f"{len(paths)} answer 200" + (f"; failed: {failed}" if failed else "")
    )
    return statuses


def city_figures() -> list[dict[str, Any]]:
    """The city's figures of the month its dashboard opens on, to show the data's shape."""
    from silvercare.indicators import selectors
    from silvercare.indicators.models import Figure

    period = selectors.latest_period()
    rows = Figure.objects.filter(region_code=CITY, period=period).order_by("indicator")
    out = [
        {
            "indicator": f.indicator,
            "period": period,
            "numerator": f.numerator,
            "denominator": f.denominator,
            "value": None if f.value is None else round(f.value, 1),
        }
        for f in rows
    ]
    print(
        f"city figures of {period}: "
        + "; ".join(
            f"{r['indicator']} {r['value']}"
            + (f" ({r['numerator']:,}/{r['denominator']:,})" if r["denominator"] else "")
            for r in out
        )
    )
    return out


def counts_summary() -> dict[str, int]:
    tables = [registry.TABLE, *LOADED_TABLES]
    return {t: int(registry.sql_value(f"SELECT count(*) FROM {t}")) for t in tables}


def verdict(met: bool) -> str:
    return "met" if met else "NOT met"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else "")
    parser.add_argument("--elders", type=int, default=1_000_000)
    parser.add_argument("--institutions", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=20261202)
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep data this script loaded at the same scale and seed",
    )
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--chunk-size", type=int, default=20_000, help="elder loader chunk")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--full-runs", type=int, default=2, help="full refreshes to time")
    parser.add_argument(
        "--incremental-runs", type=int, default=3, help="incremental refreshes to time"
    )
    parser.add_argument("--load-only", action="store_true")
    parser.add_argument("--label", default="")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    started_at = dt.datetime.now(dt.UTC)
    load_at_start = round(os.getloadavg()[0], 2)
    registry.setup_django()
    from zoneinfo import ZoneInfo

    from django.conf import settings
    from django.db import transaction
    from django.test import Client
    from django.utils import timezone

    from silvercare.indicators import sources
    from silvercare.indicators.models import Refresh

    zone = ZoneInfo(settings.TIME_ZONE)
    offsets = {dt.datetime(2026, m, 1, tzinfo=zone).utcoffset() for m in (1, 7)}
    if offsets != {dt.timedelta(hours=8)}:
        sys.exit(f"TIME_ZONE {settings.TIME_ZONE}: this script writes +08:00 times")
    print(f"indicator sources: {', '.join(sources.SOURCES)}")
    users = registry.prepare_schema_regions_users()
    users["assessor"] = bench_user("bench_assessor", "assessor")
    users["consultant"] = bench_user("bench_consultant", "at_consultant")
    users["call_centre"] = bench_user("bench_call_centre", "call_centre")
    users["rental_operator"] = bench_user("bench_rental_operator", "rental_operator")
    elders_load = registry.load_elders(
        args.elders,
        seed=args.seed,
        creator_id=users["civil_affairs"].pk,
        workers=args.workers,
        chunk_size=args.chunk_size,
    )
    wanted = {
        "elders": args.elders,
        "institutions": args.institutions,
        "seed": args.seed,
        "rates": RATES,
        "sources": sorted(sources.SOURCES),
    }
    meta = meta_get()
    present = {t: registry.sql_value(f"SELECT EXISTS (SELECT 1 FROM {t})") for t in LOADED_TABLES}
    if any(present.values()) and meta is None:
        sys.exit(
            "the operational tables hold rows this script did not load: use a scratch database"
        )
    reusable = (
        meta is not None
        and elders_load.get("skipped")
        and all(meta.get(k) == v for k, v in wanted.items())
    )
    if args.reuse and reusable:
        assert meta is not None
        anchor = dt.date.fromisoformat(meta["anchor"])
        print(f"operational data of the year before {anchor} reused (loaded {meta['loaded_at']})")
        w = world(anchor, users)
        load: dict[str, Any] = {
            "reused": True,
            "anchor": meta["anchor"],
            "loaded_at": meta["loaded_at"],
            "when_loaded": meta.get("load"),
        }
        prepare(w, args, meta["bases"])
        _SHARED["disabled"] = disabled_elders()
        first = _SHARED["canteens"][0]["id"]
        if not registry.sql_value(
            "SELECT EXISTS (SELECT 1 FROM canteens_canteen WHERE id = %s)", [first]
        ):
            sys.exit(
                "--reuse: the generated ids do not match the database; load again without --reuse"
            )
    else:
        if args.reuse:
            print("--reuse: no load of this scale and seed in the database: loading")
        anchor = timezone.localdate()
        w = world(anchor, users)
        load, bases = load_operational(w, args)
        meta_set(
            {
                **wanted,
                "anchor": anchor.isoformat(),
                "loaded_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "bases": bases,
                "load": load,
            }
        )
    if args.load_only:
        return
    counts = counts_summary()
    info = registry.machine()
    print("\nrows:", ", ".join(f"{t} {n:,}" for t, n in counts.items()))

    results: dict[str, Any] = {"full": [], "incremental": [], "dashboards": []}
    print(f"\nfull refresh ({args.full_runs}×), load {os.getloadavg()[0]:.2f}")
    for n in range(args.full_runs):
        run = timed_refresh(Refresh.Kind.FULL)
        results["full"].append(run)
        print(
            f"  full refresh {n + 1}: {run['seconds']:.1f} s for {run['periods']} periods, "
            f"{run['figures']:,} figures (sources {run['in_sources_s']:.1f} s, Python CPU "
            f"{run['python_cpu_s']:.1f} s, load {run['load_avg']}) — goal ≤ {FULL_GOAL_S:.0f} s: "
            f"{verdict(run['seconds'] <= FULL_GOAL_S)}"
        )
        print(
            "    by source: "
            + ", ".join(f"{k} {v['seconds']:.2f} s/{v['calls']}" for k, v in run["sources"].items())
        )

    client = Client(raise_request_exception=False)
    client.force_login(users["civil_affairs"])
    print(
        f"\ndashboards as {users['civil_affairs'].username} "
        f"({args.requests} requests after {args.warmup} unmeasured)"
    )
    for label, region in (("city", CITY), ("district", DISTRICT), ("street", STREET)):
        path = "/indicators/" if region == CITY else f"/indicators/?region={region}"
        result = measure_dashboard(client, path, expected_text(region), args.requests, args.warmup)
        result["view"] = label
        results["dashboards"].append(result)
        print(
            f"  {label:<8} {path:<36} p50 {result['p50_ms']:6.1f}  p95 {result['p95_ms']:6.1f}  "
            f"max {result['max_ms']:6.1f} ms  (SQL mean {result['db_mean_ms']} ms, errors "
            f"{result['errors']}, load {result['load_avg']}) — goal p95 ≤ "
            f"{DASHBOARD_GOAL_P95_MS:.0f} ms: "
            f"{verdict(result['met'])}"
        )
        for problem in result["first_errors"]:
            print(f"    ERROR {problem}")

    results["pages"] = check_pages(client)
    results["city_figures"] = city_figures()

    print(f"\nincremental refresh after a day of new data ({args.incremental_runs}×)")
    with transaction.atomic():
        new_day = insert_new_day(w, args.seed)
        # No ANALYZE: a day's rows are far below autovacuum's 10 % threshold, so the
        # statistics stay those of the loaded year, as they would in production.
        for n in range(args.incremental_runs):
            run = timed_refresh(Refresh.Kind.INCREMENTAL)
            results["incremental"].append(run)
            print(
                f"  incremental refresh {n + 1}: {run['seconds']:.2f} s for {run['periods']} "
                f"periods, {run['figures']:,} figures (sources {run['in_sources_s']:.2f} s, load "
                f"{run['load_avg']}) — goal ≤ {INCREMENTAL_GOAL_S:.0f} s: "
                f"{verdict(run['seconds'] <= INCREMENTAL_GOAL_S)}"
            )
            print(
                "    by source: "
                + ", ".join(
                    f"{k} {v['seconds']:.2f} s/{v['calls']}" for k, v in run["sources"].items()
                )
            )
        transaction.set_rollback(True)  # the new day goes again: reruns see the loaded year only
    print("  (the new day's rows and the figures computed from them were rolled back)")

    full_met = all(r["seconds"] <= FULL_GOAL_S for r in results["full"])
    inc_met = all(r["seconds"] <= INCREMENTAL_GOAL_S for r in results["incremental"])
    city = results["dashboards"][0]
    print("\nsummary (goals of issue 15)")
    print(
        f"  city dashboard p95 {city['p95_ms']:.1f} ms "
        f"(goal ≤ {DASHBOARD_GOAL_P95_MS:.0f} ms): {verdict(city['met'])}"
    )
    full_s = ", ".join(f"{r['seconds']:.1f}" for r in results["full"])
    incremental_s = ", ".join(f"{r['seconds']:.2f}" for r in results["incremental"])
    print(f"  full refresh {full_s} s (goal ≤ {FULL_GOAL_S:.0f} s): {verdict(full_met)}")
    print(
        f"  incremental refresh {incremental_s} s (goal ≤ {INCREMENTAL_GOAL_S:.0f} s): "
        f"{verdict(inc_met)}"
    )
    command = registry.exact_command()
    print(
        f"  elders {counts[registry.TABLE]:,}, institutions {args.institutions:,}, "
        f"load average now {os.getloadavg()[0]:.2f}"
    )
    print("\nmachine:", json.dumps(info, ensure_ascii=False))
    print("command:", command)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    out = RESULTS_DIR / "indicators.json"
    out.write_text(
        json.dumps(
            {
                "label": args.label,
                "started_at": started_at.isoformat(timespec="seconds"),
                "finished_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "command": command,
                "args": vars(args),
                "machine": info,
                "load_average_at_start": load_at_start,
                "load_average_at_end": round(os.getloadavg()[0], 2),
                "sources": list(sources.SOURCES),
                "rates": RATES,
                "rows": counts,
                "elders_load": elders_load,
                "load": load,
                "new_day": new_day,
                "goals": {
                    "dashboard_p95_ms": DASHBOARD_GOAL_P95_MS,
                    "full_refresh_s": FULL_GOAL_S,
                    "incremental_refresh_s": INCREMENTAL_GOAL_S,
                },
                "met": {"dashboard": city["met"], "full": full_met, "incremental": inc_met},
                **results,
            },
            ensure_ascii=False,
            indent=2,
            default=str,
        )
    )
    print(f"results: {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
