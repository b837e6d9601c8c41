"""Registry benchmark: load N synthetic elders into PostgreSQL with COPY, then time the list,
search, ID-lookup and detail pages/API for a city-wide and a street-level user.

Run (see bench/README.md)::

    DATABASE_URL=postgres://bench:bench@127.0.0.1:5432/silvercare_bench \\
    SILVERCARE_ENV=development .venv/bin/python bench/registry.py --elders 1000000

The data is deterministic (seeded per chunk). Personal fields are encrypted, hashed and
masked exactly as ``elders.services.apply_to_model`` does, with the project's own functions,
so list, search, detail and reveal all work on the loaded rows.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import math
import multiprocessing
import os
import platform
import random
import shlex
import sys
import time
import uuid
import warnings
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = ROOT / "bench" / "results"
TABLE = "elders_elder"
CITY = "440300000000"
STREET = "440304001000"  # the community worker's street (5 of the demo city's 100 communities)
BENCH_PASSWORD = "Bench-registry-pass-2026"
USERS = {"civil_affairs": ("bench_civil_affairs", CITY), "community_worker": ("bench_cw", STREET)}
REFERENCE_DATE = dt.date(2026, 1, 1)  # birth dates are drawn relative to this fixed day
SEQ_SLOTS = 500  # an ID's order code: 3 digits, odd for men, so 500 slots per sex
GOAL_P95_MS = 150.0
COLUMNS = [
    "id",
    "created_at",
    "updated_at",
    "name",
    "name_initials",
    "name_sort",
    "id_number_enc",
    "id_number_hash",
    "id_number_masked",
    "birth_date",
    "sex",
    "phone_enc",
    "phone_hash",
    "phone_masked",
    "address_enc",
    "latitude",
    "longitude",
    "hukou_type",
    "living_situation",
    "is_disabled",
    "is_living_alone",
    "is_empty_nest",
    "is_econ_difficult",
    "is_special_fp_family",
    "is_rural_left_behind",
    "status",
    "status_date",
    "created_by_id",
    "region_id",
]

# Indexes to try, in the bench database only (never in the project's migrations from here):
# name -> (SQL, the equivalent Django ``Meta.indexes`` entry a migration would add).
CANDIDATE_INDEXES: dict[str, tuple[str, str]] = {
    "bench_elder_name_like": (
        f"CREATE INDEX bench_elder_name_like ON {TABLE} (name varchar_pattern_ops)",
        'models.Index(fields=["name"], name="elder_name_like", opclasses=["varchar_pattern_ops"])',
    ),
    "bench_elder_name_like_cover": (
        f"CREATE INDEX bench_elder_name_like_cover ON {TABLE} (name varchar_pattern_ops)"
        " INCLUDE (region_id)",
        'models.Index(fields=["name"], name="elder_name_like", opclasses=["varchar_pattern_ops"],'
        ' include=["region"])',
    ),
    "bench_elder_initials_cover": (
        f"CREATE INDEX bench_elder_initials_cover ON {TABLE} (name_initials varchar_pattern_ops)"
        " INCLUDE (region_id, name, id)",
        'models.Index(fields=["name_initials"], name="elder_initials_like",'
        ' opclasses=["varchar_pattern_ops"], include=["region", "name", "id"])',
    ),
    "bench_elder_initials_name": (
        f"CREATE INDEX bench_elder_initials_name ON {TABLE} (name_initials, name, id)"
        " INCLUDE (region_id)",
        'models.Index(fields=["name_initials", "name", "id"], name="elder_initials_name",'
        ' include=["region"])',
    ),
}


# --------------------------------------------------------------------------------------------
# Django
# --------------------------------------------------------------------------------------------


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "silvercare.config.settings")
    os.environ.setdefault("SILVERCARE_ENV", "development")
    os.environ.setdefault("SILVERCARE_HOME", str(ROOT))
    # Measure the production code path: no query logging, no debug pages.
    os.environ.setdefault("DEBUG", "false")
    # Bound every statement the benchmark or the views run.
    os.environ.setdefault("PGOPTIONS", "-c statement_timeout=60000")
    sys.path.insert(0, str(ROOT / "src"))
    warnings.filterwarnings("ignore", message="No directory at", module="django.core.handlers")
    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit(
            "bench/registry.py needs PostgreSQL: set DATABASE_URL=postgres://USER:PASS@HOST/DB"
        )


def sql_rows(sql: str, params: list[Any] | tuple[Any, ...] | None = ()) -> list[tuple[Any, ...]]:
    """Rows of a statement; ``params=None`` runs ``sql`` verbatim (``%`` is not a placeholder)."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(sql, params)
        return list(cur.fetchall())


def sql_value(sql: str, params: list[Any] | tuple[Any, ...] = ()) -> Any:
    rows = sql_rows(sql, params)
    return rows[0][0] if rows else None


def sql_exec(sql: str, params: list[Any] | tuple[Any, ...] = ()) -> None:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(sql, params)


# --------------------------------------------------------------------------------------------
# Setup: schema, regions, users
# --------------------------------------------------------------------------------------------


def prepare_schema_regions_users() -> dict[str, Any]:
    from django.core.management import call_command

    from silvercare.accounts.models import User
    from silvercare.accounts.services import user_create
    from silvercare.audit.services import AuditContext
    from silvercare.demo.city import demo_regions
    from silvercare.regions.models import Region
    from silvercare.regions.services import regions_load_divisions, regions_upsert

    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    if not Region.objects.filter(code=STREET[:9] + "001", is_demo=True).exists():
        regions_load_divisions()
        regions_upsert(rows=demo_regions(), is_demo=True)
    users: dict[str, Any] = {}
    for role, (username, region) in USERS.items():
        user = User.objects.filter(username=username).first()
        if user is None:
            user = user_create(
                ctx=AuditContext(actor=None, via="bench"),
                username=username,
                password=BENCH_PASSWORD,
                grants=[(role, region)],
                check_actor=False,
            )
        users[role] = user
    print(f"schema, regions and users ready in {time.perf_counter() - started:.1f} s")
    return users


# --------------------------------------------------------------------------------------------
# Synthetic elders
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Community:
    code: str
    name: str
    latitude: float
    longitude: float


@dataclass(frozen=True)
class ChunkSpec:
    index: int
    chunks: int  # total chunk count: chunk ``index`` owns order slots s with s % chunks == index
    start: int
    stop: int
    seed: int
    creator_id: int
    communities: tuple[Community, ...]


def _age(rng: random.Random) -> int:
    """60-105, declining as in the demo city."""
    while True:
        age = 60 + int(rng.expovariate(1 / 9.5))
        if age <= 105:
            return age


def _surname_weights(surnames: list[str]) -> list[float]:
    # The demo list is roughly in frequency order; a Zipf-like tail (王 about 10 %).
    return [1 / (rank + 3) for rank in range(len(surnames))]


def _copy_text(value: Any) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    return str(value)


_INITIALS_CACHE: dict[str, str] = {}  # per generator process, across its chunks


def build_chunk(spec: ChunkSpec) -> tuple[int, bytes]:
    """COPY text for rows [start, stop). Pure function of the spec (runs in a worker)."""
    from stdnum.cn import ric

    from silvercare.common import crypto
    from silvercare.common.masking import mask_id_number, mask_phone
    from silvercare.demo.city import BIRTHPLACES, GIVEN, SURNAMES
    from silvercare.elders.name_order import name_sort_key
    from silvercare.elders.services import id_hash, name_initials, phone_hash

    rng = random.Random(spec.seed * 1_000_003 + spec.index)
    weights = _surname_weights(SURNAMES)
    used: dict[tuple[str, dt.date, bool], int] = {}
    slots = len(range(spec.index, SEQ_SLOTS, spec.chunks))
    initials_cache = _INITIALS_CACHE
    created_base = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    lines: list[str] = []
    for _ in range(spec.start, spec.stop):
        while True:
            age = _age(rng)
            male = rng.random() < max(0.28, 0.49 - (age - 60) * 0.006)
            birth = REFERENCE_DATE - dt.timedelta(days=age * 365 + rng.randrange(0, 365))
            place = rng.choice(BIRTHPLACES)
            key = (place, birth, male)
            k = used.get(key, 0)
            if k < slots:  # else this (place, day, sex) is full in this chunk: draw again
                used[key] = k + 1
                break
        order = (spec.index + k * spec.chunks) * 2 + (1 if male else 0)
        body = f"{place}{birth:%Y%m%d}{order:03d}"
        number = body + ric.calc_check_digit(body + "0")
        given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
        name = rng.choices(SURNAMES, weights)[0] + given
        initials = initials_cache.get(name)
        if initials is None:
            initials = initials_cache[name] = name_initials(name)
        sort_key = name_sort_key(name)  # cached per character
        community = rng.choice(spec.communities)
        phone = "" if rng.random() < 0.08 else f"1{rng.choice('3578')}{rng.randrange(10**9):09d}"
        address = (
            f"{community.name}{rng.randrange(1, 40)}栋{rng.randrange(1, 30)}0{rng.randrange(1, 9)}"
        )
        alone = rng.random() < 0.12 + 0.002 * (age - 60)
        living = (
            "alone"
            if alone
            else rng.choices(["spouse", "children", "others", "institution"], [45, 40, 10, 5])[0]
        )
        rural = rng.random() < 0.06
        roll = rng.random()
        status = "deceased" if roll < 0.015 else "moved_out" if roll < 0.03 else "active"
        created = created_base + dt.timedelta(seconds=rng.randrange(0, 3 * 365 * 86400))
        angle, dist = rng.uniform(0, 2 * math.pi), rng.uniform(0, 0.006)
        row = [
            uuid.UUID(int=rng.getrandbits(128), version=4),
            created.isoformat(),
            created.isoformat(),
            name,
            initials,
            sort_key,
            crypto.encrypt(number, purpose="elder.id_number"),
            id_hash(number),
            mask_id_number(number),
            birth.isoformat(),
            "M" if male else "F",
            crypto.encrypt(phone, purpose="elder.phone"),
            phone_hash(phone),
            mask_phone(phone),
            crypto.encrypt(address, purpose="elder.address"),
            round(community.latitude + dist * math.sin(angle), 6),
            round(community.longitude + dist * math.cos(angle), 6),
            "local_rural" if rural else rng.choices(["local_urban", "non_local"], [80, 20])[0],
            living,
            rng.random() < 0.03 + 0.004 * (age - 60),  # disabled
            alone,
            rng.random() < 0.25,  # empty nest
            rng.random() < 0.03,  # economically difficult
            rng.random() < 0.01,  # special family-planning family
            rural and rng.random() < 0.4,
            status,
            None if status == "active" else (created.date() + dt.timedelta(days=200)).isoformat(),
            spec.creator_id,
            community.code,
        ]
        lines.append("\t".join(_copy_text(v) for v in row))
    return spec.index, ("\n".join(lines) + "\n").encode()


def chunk_specs(total: int, seed: int, creator_id: int, chunk_size: int) -> list[ChunkSpec]:
    from silvercare.demo.city import demo_regions

    communities = tuple(
        Community(r.code, r.name, r.latitude or 0.0, r.longitude or 0.0)
        for r in demo_regions()
        if r.level == 5
    )
    chunk_size = max(chunk_size, math.ceil(total / (SEQ_SLOTS // 10)))  # >= 10 slots a chunk
    chunks = math.ceil(total / chunk_size)
    return [
        ChunkSpec(
            index=i,
            chunks=chunks,
            start=i * chunk_size,
            stop=min(total, (i + 1) * chunk_size),
            seed=seed,
            creator_id=creator_id,
            communities=communities,
        )
        for i in range(chunks)
    ]


def secondary_indexes() -> list[tuple[str, str]]:
    """(name, definition) of the table's indexes that back no constraint."""
    return [
        (name, definition)
        for name, definition in sql_rows(
            """
            SELECT i.indexname, i.indexdef FROM pg_indexes i
            WHERE i.tablename = %s AND i.schemaname = current_schema()
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
            ORDER BY i.indexname
            """,
            [TABLE],
        )
    ]


def load_elders(
    total: int, *, seed: int, creator_id: int, workers: int, chunk_size: int
) -> dict[str, Any]:
    from django.db import connection, connections, transaction

    present = sql_value(f"SELECT count(*) FROM {TABLE}")
    if present >= total:
        print(f"{TABLE} already holds {present:,} rows (>= {total:,}): loading skipped")
        return {"skipped": True, "rows_present": present}
    if present:
        foreign = sql_value(
            f"SELECT count(*) FROM {TABLE} WHERE created_by_id IS DISTINCT FROM %s", [creator_id]
        )
        if foreign:
            sys.exit(
                f"{TABLE} holds {present:,} rows, {foreign:,} not loaded by this benchmark: "
                "refusing to empty it. Use a scratch database."
            )
        print(f"{TABLE} holds {present:,} benchmark rows (< {total:,}): reloading from scratch")

    missing = [
        column
        for (column,) in sql_rows(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
            "AND table_schema = current_schema() AND is_nullable = 'NO' "
            "AND column_default IS NULL ORDER BY column_name",
            [TABLE],
        )
        if column not in COLUMNS
    ]
    if missing:  # a newer migration added required columns: teach build_chunk about them
        sys.exit(f"{TABLE} has required columns this benchmark does not fill: {missing}")
    specs = chunk_specs(total, seed, creator_id, chunk_size)
    print(
        f"loading {total:,} elders: {len(specs)} chunks of <= {specs[0].stop - specs[0].start:,}"
        f" rows, {workers} generator process(es), COPY into {TABLE}"
    )
    connections.close_all()  # fork the generators with no open database socket
    context = multiprocessing.get_context("fork")
    timings: dict[str, float] = {}
    started = time.perf_counter()
    with context.Pool(workers) as pool, transaction.atomic():
        sql_exec("SET LOCAL statement_timeout = 0")
        sql_exec("SET LOCAL synchronous_commit = off")
        sql_exec("SET LOCAL maintenance_work_mem = '512MB'")
        if present:
            sql_exec(f"TRUNCATE {TABLE} CASCADE")
        # Build secondary indexes and check foreign keys once after the COPY, not per row.
        dropped = secondary_indexes()
        for name, _definition in dropped:
            sql_exec(f'DROP INDEX "{name}"')
        foreign_keys = sql_rows(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
            [TABLE],
        )
        for name, _definition in foreign_keys:
            sql_exec(f'ALTER TABLE {TABLE} DROP CONSTRAINT "{name}"')
        raw = connection.connection
        assert raw is not None
        columns = ", ".join(COLUMNS)
        written = 0
        with raw.cursor() as cur, cur.copy(f"COPY {TABLE} ({columns}) FROM STDIN") as copy:
            for index, payload in pool.imap(build_chunk, specs):
                copy.write(payload)
                written = specs[index].stop
                if index % 10 == 9 or written == total:
                    rate = written / (time.perf_counter() - started)
                    print(f"  {written:>10,} rows  {rate:,.0f} rows/s")
        timings["generate_copy_s"] = time.perf_counter() - started
        mark = time.perf_counter()
        for name, definition in foreign_keys:  # validated by one query each
            sql_exec(f'ALTER TABLE {TABLE} ADD CONSTRAINT "{name}" {definition}')
        timings["foreign_key_checks_s"] = time.perf_counter() - mark
        mark = time.perf_counter()
        for _name, definition in dropped:
            sql_exec(definition)
        timings["rebuild_indexes_s"] = time.perf_counter() - mark
    mark = time.perf_counter()
    sql_exec("SET statement_timeout = 0")
    sql_exec(f"VACUUM (ANALYZE) {TABLE}")  # ANALYZE, and the visibility map for index-only scans
    sql_exec("RESET statement_timeout")
    timings["vacuum_analyze_s"] = time.perf_counter() - mark
    timings["total_s"] = time.perf_counter() - started
    rate = total / timings["total_s"]
    print(
        f"loaded {total:,} elders in {timings['total_s']:.1f} s ({rate:,.0f} rows/s): "
        + ", ".join(f"{k} {v:.1f}" for k, v in timings.items() if k != "total_s")
    )
    return {
        "skipped": False,
        "rows": total,
        "workers": workers,
        "chunks": len(specs),
        "rows_per_s": round(rate),
        **{k: round(v, 2) for k, v in timings.items()},
        "indexes_rebuilt": [name for name, _ in dropped],
    }


# --------------------------------------------------------------------------------------------
# Candidate indexes and simulated code changes (bench database / this process only)
# --------------------------------------------------------------------------------------------


def apply_index_mode(mode: str) -> list[str]:
    """``as-is``: leave the table alone; ``none``: drop every candidate index; ``all`` or a
    comma-separated list of candidate names: exactly those present. Returns those present."""
    if mode != "as-is":
        wanted = (
            set()
            if mode == "none"
            else set(CANDIDATE_INDEXES)
            if mode == "all"
            else {n.strip() for n in mode.split(",") if n.strip()}
        )
        unknown = wanted - set(CANDIDATE_INDEXES)
        if unknown:
            sys.exit(f"unknown candidate index(es): {', '.join(sorted(unknown))}")
        existing = {name for name, _ in secondary_indexes()}
        sql_exec("SET statement_timeout = 0")
        for name, (create_sql, _django) in CANDIDATE_INDEXES.items():
            if name in wanted and name not in existing:
                started = time.perf_counter()
                sql_exec(create_sql)
                print(f"created candidate index {name} in {time.perf_counter() - started:.1f} s")
            elif name not in wanted and name in existing:
                sql_exec(f'DROP INDEX "{name}"')
                print(f"dropped candidate index {name}")
        sql_exec(f"VACUUM (ANALYZE) {TABLE}")
        sql_exec("RESET statement_timeout")
    present = {name for name, _ in secondary_indexes()}
    return [name for name in CANDIDATE_INDEXES if name in present]


def apply_name_collation(mode: str) -> str:
    """Stand-in for a schema change: ``C`` gives elders_elder.name the "C" collation (as
    ``db_collation="C"`` or a database created with LC_COLLATE=C would), so the plain
    btree on name serves both ``LIKE 'prefix%'`` and ``ORDER BY name``. Returns the current
    collation of the column."""
    from silvercare.elders.models import Elder

    length = Elder._meta.get_field("name").max_length
    current = sql_value(
        "SELECT coalesce(collation_name, 'default') FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_name = %s AND column_name = 'name'",
        [TABLE],
    )
    target = {"C": "C", "default": "default"}.get(mode)
    if target and target != current:
        started = time.perf_counter()
        sql_exec("SET statement_timeout = 0")
        sql_exec(f'ALTER TABLE {TABLE} ALTER COLUMN name TYPE varchar({length}) COLLATE "{target}"')
        sql_exec(f"VACUUM (ANALYZE) {TABLE}")
        sql_exec("RESET statement_timeout")
        print(
            f"elders_elder.name collation {current} -> {target} in "
            f"{time.perf_counter() - started:.1f} s (indexes on name rebuilt)"
        )
        current = target
    return str(current)


def simulate_count_cap(cap: int) -> None:
    """Stand-in for a code change: counting the elder queryset stops at ``cap`` + 1 rows
    (``SELECT COUNT(*) FROM (SELECT id ... LIMIT cap+1)``, without ORDER BY, i.e.
    ``qs.order_by()[:cap + 1].count()``); pages would show "more than cap elders"."""
    from django.db.models import QuerySet

    from silvercare.elders.models import ElderQuerySet

    original = QuerySet.count

    def capped_count(self: QuerySet[Any]) -> int:
        if self.query.is_sliced:
            return original(self)
        return original(self.order_by()[: cap + 1])  # no ORDER BY: stop at any cap+1 rows

    ElderQuerySet.count = capped_count  # type: ignore[method-assign]
    print(f"SIMULATED CODE CHANGE: elder counts stop at {cap + 1:,}")


def simulate_initials_order(mode: str) -> None:
    """Stand-in for a code change in ``elders.selectors.elder_search`` for pinyin-initials
    searches under the default sort. ``lower``: ORDER BY LOWER(name), id (same order for
    Chinese names, but no index provides it, so PostgreSQL filters first and sorts the
    matches); ``initials``: filter name_initials >= q AND < q' instead of LIKE 'q%' (the same
    rows for lower-case letters; a plain btree serves it in any collation) and ORDER BY
    name_initials, name, id (matches grouped by their initials, then by name)."""
    from django.db.models.functions import Lower

    from silvercare.elders import selectors

    original = selectors.elder_search

    def patched(*, actor: Any, filters: Any) -> Any:
        q = filters.q.strip()
        if not selectors.ASCII_INITIALS.match(q) or filters.sort not in ("", "name"):
            return original(actor=actor, filters=filters)
        if mode == "lower":
            return original(actor=actor, filters=filters).order_by(Lower("name"), "id")
        # Instead of name_initials LIKE 'q%': the same rows, as a range a plain btree serves.
        low = q.lower()
        high = low[:-1] + chr(ord(low[-1]) + 1)
        qs = original(actor=actor, filters=dataclasses.replace(filters, q=""))
        return qs.filter(name_initials__gte=low, name_initials__lt=high).order_by(
            "name_initials", "name", "id"
        )

    selectors.elder_search = patched
    print(f"SIMULATED CODE CHANGE: initials searches ordered by {mode}")


def simulate_region_exact() -> None:
    """Stand-in for a code change in ``elders.selectors.elder_search``: a 12-digit region
    filter (one community) matches ``region_id = code`` instead of ``LIKE 'code%'`` (the same
    rows: codes have 12 digits), so the (region, name) index serves filter and order."""
    from silvercare.elders import selectors

    original = selectors.elder_search

    def patched(*, actor: Any, filters: Any) -> Any:
        if len(filters.region) != 12:
            return original(actor=actor, filters=filters)
        qs = original(actor=actor, filters=dataclasses.replace(filters, region=""))
        return qs.filter(region_id=filters.region)

    selectors.elder_search = patched
    print("SIMULATED CODE CHANGE: 12-digit region filters use equality")


# --------------------------------------------------------------------------------------------
# Measurement
# --------------------------------------------------------------------------------------------


@dataclass
class Sample:
    path: str
    variant: str
    expect: str = ""  # text the response must contain


@dataclass
class Scenario:
    name: str
    make: Callable[[random.Random], Sample]
    check: Callable[[Any, Sample], str | None] = lambda response, sample: None


@dataclass
class Visible:
    """Elders, streets and communities a user can see, to draw requests from."""

    elders: list[dict[str, Any]]
    areas: list[str]  # region filter values (prefixes) inside the user's scope


@dataclass
class Result:
    user: str
    scenario: str
    n: int
    p50_ms: float
    p95_ms: float
    max_ms: float
    mean_ms: float
    db_mean_ms: float
    errors: int
    passes: bool
    load_avg: float  # 1-minute load average after the scenario (other work on the machine)
    variants: dict[str, dict[str, float]] = field(default_factory=dict)


def percentile(sorted_values: list[float], pct: float) -> float:
    """Nearest-rank percentile."""
    if not sorted_values:
        return float("nan")
    rank = max(1, math.ceil(pct / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def visible_sample(prefix: str, count: int, seed: int) -> Visible:
    """A seeded sample of the elders under ``prefix`` (their IDs decrypted and checked against
    hash and mask), and the districts/streets/communities under it."""
    from silvercare.common import crypto
    from silvercare.demo.city import DISTRICTS, demo_regions
    from silvercare.elders.services import id_hash
    from silvercare.regions.choices import code_prefix

    rows = sql_rows(
        f"""
        SELECT id, name, name_initials, id_number_enc, id_number_hash, id_number_masked
        FROM {TABLE} WHERE region_id LIKE %s
        ORDER BY md5(id::text || %s) LIMIT %s
        """,
        [prefix + "%", str(seed), count],
    )
    elders = []
    for pk, name, initials, enc, digest, masked in rows:
        number = crypto.decrypt(enc, purpose="elder.id_number")
        if id_hash(number) != digest or not number.endswith(masked[-4:]):
            sys.exit(f"elder {pk}: ciphertext, hash and masked ID disagree")
        elders.append({"id": str(pk), "name": name, "initials": initials, "id_number": number})
    codes = [(code, 3) for code in DISTRICTS] + [(r.code, r.level) for r in demo_regions()]
    areas = sorted(
        {
            code_prefix(code, level)
            for code, level in codes
            if code.startswith(prefix) and len(code_prefix(code, level)) > len(prefix)
        }
    )
    return Visible(elders=elders, areas=areas)


def scenarios_for(visible: Visible) -> list[Scenario]:
    from urllib.parse import urlencode

    from silvercare.common.masking import mask_id_number

    def pick(rng: random.Random) -> dict[str, Any]:
        return visible.elders[rng.randrange(len(visible.elders))]

    def search_params(rng: random.Random) -> tuple[dict[str, Any], str]:
        kind = rng.choice(["combo", "name_prefix", "initials", "region", "region_category"])
        elder = pick(rng)
        if kind == "combo":
            return {"q": elder["name"][0], "age_min": 80, "category": "disabled"}, kind
        if kind == "name_prefix":
            return {"q": elder["name"][:2]}, kind
        if kind == "initials":
            return {"q": elder["initials"][: rng.choice([2, 3])]}, kind
        area = rng.choice(visible.areas)
        if kind == "region":
            return {"region": area}, kind
        category = rng.choice(["living_alone", "empty_nest", "advanced_age"])
        return {"region": area, "category": category}, kind

    def ok(response: Any, sample: Sample) -> str | None:
        return None if response.status_code == 200 else f"HTTP {response.status_code}"

    def id_api_ok(response: Any, sample: Sample) -> str | None:
        if response.status_code != 200:
            return f"HTTP {response.status_code}"
        count = response.json()["count"]
        return None if count == 1 else f"ID lookup found {count}"

    def id_html_ok(response: Any, sample: Sample) -> str | None:
        if response.status_code != 200:
            return f"HTTP {response.status_code}"
        found = sample.expect in response.content.decode()
        return None if found else f"masked ID {sample.expect} not on the page"

    def id_html(rng: random.Random) -> Sample:
        number = str(pick(rng)["id_number"])
        return Sample(f"/elders/?q={number}", "id", expect=mask_id_number(number))

    def id_api(rng: random.Random) -> Sample:
        return Sample(f"/api/v1/elders/?q={pick(rng)['id_number']}", "id")

    def search_html(rng: random.Random) -> Sample:
        params, kind = search_params(rng)
        return Sample("/elders/?" + urlencode(params), kind)

    def search_api(rng: random.Random) -> Sample:
        params, kind = search_params(rng)
        return Sample("/api/v1/elders/?" + urlencode(params), kind)

    return [
        Scenario("list html", lambda rng: Sample("/elders/", "default"), ok),
        Scenario("list api", lambda rng: Sample("/api/v1/elders/", "default"), ok),
        Scenario("search html", search_html, ok),
        Scenario("search api", search_api, ok),
        Scenario("id html", id_html, id_html_ok),
        Scenario("id api", id_api, id_api_ok),
        Scenario("detail html", lambda rng: Sample(f"/elders/{pick(rng)['id']}/", "pk"), ok),
        Scenario("detail api", lambda rng: Sample(f"/api/v1/elders/{pick(rng)['id']}", "pk"), ok),
    ]


class DbTimer:
    """Sums the time spent in SQL during a request (a Django execute wrapper)."""

    def __init__(self) -> None:
        self.total = 0.0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.total += time.perf_counter() - started


def run_scenario(
    client: Any,
    user: str,
    scenario: Scenario,
    *,
    requests: int,
    warmup: int,
    seed: int,
    budget: float,
) -> Result:
    from django.db import connection

    rng = random.Random(f"{seed}:{user}:{scenario.name}")
    for _ in range(warmup):
        client.get(scenario.make(rng).path)
    timings: list[tuple[float, float, str]] = []
    errors: list[str] = []
    started = time.perf_counter()
    timer = DbTimer()
    with connection.execute_wrapper(timer):
        for _ in range(requests):
            sample = scenario.make(rng)
            timer.total = 0.0
            t0 = time.perf_counter()
            response = client.get(sample.path)
            elapsed = time.perf_counter() - t0
            problem = scenario.check(response, sample)
            if problem:
                errors.append(f"{sample.path}: {problem}")
            timings.append((elapsed * 1000, timer.total * 1000, sample.variant))
            if time.perf_counter() - started > budget:
                print(f"  ({user} / {scenario.name}: time budget {budget:.0f} s reached)")
                break
    values = sorted(t for t, _, _ in timings)
    variants: dict[str, dict[str, float]] = {}
    if len({v for _, _, v in timings}) > 1:
        for variant in sorted({v for _, _, v in timings}):
            vals = sorted(t for t, _, v in timings if v == variant)
            variants[variant] = {
                "n": len(vals),
                "p50_ms": round(percentile(vals, 50), 1),
                "p95_ms": round(percentile(vals, 95), 1),
                "max_ms": round(vals[-1], 1),
            }
    for problem in errors[:3]:
        print(f"  ERROR {user} / {scenario.name}: {problem}")
    p95 = percentile(values, 95)
    return Result(
        user=user,
        scenario=scenario.name,
        n=len(values),
        p50_ms=round(percentile(values, 50), 1),
        p95_ms=round(p95, 1),
        max_ms=round(values[-1], 1),
        mean_ms=round(sum(values) / len(values), 1),
        db_mean_ms=round(sum(d for _, d, _ in timings) / len(timings), 1),
        errors=len(errors),
        passes=p95 <= GOAL_P95_MS and not errors,
        load_avg=round(os.getloadavg()[0], 2),
        variants=variants,
    )


def explain_scenario(
    client: Any, scenario: Scenario, rng: random.Random, min_ms: float
) -> list[dict[str, Any]]:
    """Run one request of the scenario, EXPLAIN ANALYZE its slowest SQL statements."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    out = []
    samples = [scenario.make(rng) for _ in range(12)]
    seen_variants: set[str] = set()
    for sample in samples:
        if sample.variant in seen_variants:
            continue
        seen_variants.add(sample.variant)
        client.get(sample.path)  # warm
        with CaptureQueriesContext(connection) as captured:
            client.get(sample.path)
        queries = sorted(captured.captured_queries, key=lambda q: -float(q["time"]))
        for query in queries[:2]:
            if float(query["time"]) * 1000 < min_ms:
                continue
            plan = sql_rows("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"], None)
            out.append(
                {
                    "path": sample.path,
                    "variant": sample.variant,
                    "query_ms": round(float(query["time"]) * 1000, 1),
                    "sql": query["sql"],
                    "plan": "\n".join(row[0] for row in plan),
                }
            )
    return out


# --------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    cpu = "unknown"
    mem_kib = 0
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_kib = int(line.split()[1])
    except OSError:
        pass
    settings = dict(
        sql_rows(
            "SELECT name, current_setting(name) FROM pg_settings WHERE name IN ("
            "'shared_buffers','work_mem','effective_cache_size','random_page_cost',"
            "'max_parallel_workers_per_gather','jit','lc_collate')"
        )
    )
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gib": round(mem_kib / 1024 / 1024, 1),
        "postgresql": sql_value("SHOW server_version"),
        "postgresql_settings": settings,
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def exact_command() -> str:
    env = [
        f"{name}={shlex.quote(os.environ[name])}"
        for name in ("DATABASE_URL", "SILVERCARE_ENV")
        if name in os.environ
    ]
    exe = os.path.relpath(sys.executable) if sys.executable.startswith(os.getcwd()) else "python"
    return " ".join([*env, exe, *map(shlex.quote, sys.argv)])


def print_table(results: list[Result]) -> None:
    print()
    header = f"{'user':<17} {'measurement':<28} {'n':>4} {'p50':>7} {'p95':>7} {'max':>7}"
    print(header + f" {'db mean':>8} {'load':>5}  goal p95<={GOAL_P95_MS:.0f}ms")
    print("-" * (len(header) + 24))
    for r in results:
        verdict = "ok" if r.passes else ("ERRORS" if r.errors else "SLOW")
        print(
            f"{r.user:<17} {r.scenario:<28} {r.n:>4} {r.p50_ms:>7.1f} {r.p95_ms:>7.1f}"
            f" {r.max_ms:>7.1f} {r.db_mean_ms:>8.1f} {r.load_avg:>5.2f}  {verdict}"
        )
        for variant, v in r.variants.items():
            print(
                f"{'':<17} {'  · ' + variant:<28} {int(v['n']):>4} {v['p50_ms']:>7.1f}"
                f" {v['p95_ms']:>7.1f} {v['max_ms']:>7.1f}"
            )
    print(
        "(milliseconds, wall time per request through django.test.Client; db mean = time in"
        " SQL; load = 1-minute load average after the scenario)"
    )


# --------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else "")
    parser.add_argument("--elders", type=int, default=1_000_000, help="rows to load (default 1M)")
    parser.add_argument("--requests", type=int, default=200, help="measured requests a scenario")
    parser.add_argument("--warmup", type=int, default=5, help="unmeasured requests first")
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--chunk-size", type=int, default=20_000)
    parser.add_argument(
        "--budget", type=float, default=90.0, help="seconds at most per scenario (stops early)"
    )
    parser.add_argument(
        "--indexes",
        default="as-is",
        help="candidate indexes to have: as-is (default, touch nothing), none, all, or a "
        f"comma-separated subset of: {', '.join(CANDIDATE_INDEXES)}",
    )
    parser.add_argument(
        "--name-collation",
        choices=["as-is", "default", "C"],
        default="as-is",
        help="simulate a schema change: the collation of elders_elder.name",
    )
    parser.add_argument(
        "--initials-order",
        choices=["as-is", "lower", "initials"],
        default="as-is",
        help="simulate a code change to the ordering of pinyin-initials searches",
    )
    parser.add_argument(
        "--count-cap",
        type=int,
        default=0,
        help="simulate a code change: elder counts stop at N+1 (0: off)",
    )
    parser.add_argument(
        "--region-exact",
        action="store_true",
        help="simulate a code change: a 12-digit region filter uses region_id = code",
    )
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE slow SQL")
    parser.add_argument("--explain-min-ms", type=float, default=10.0)
    parser.add_argument("--only", default="", help="comma-separated scenario names to run")
    parser.add_argument("--load-only", action="store_true")
    parser.add_argument("--label", default="", help="free text stored with the results")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    setup_django()
    from django.test import Client

    users = prepare_schema_regions_users()
    load = load_elders(
        args.elders,
        seed=args.seed,
        creator_id=users["civil_affairs"].pk,
        workers=args.workers,
        chunk_size=args.chunk_size,
    )
    if args.load_only:
        return
    candidates = apply_index_mode(args.indexes)
    name_collation = apply_name_collation(args.name_collation)
    if args.count_cap:
        simulate_count_cap(args.count_cap)
    if args.initials_order != "as-is":
        simulate_initials_order(args.initials_order)
    if args.region_exact:
        simulate_region_exact()
    rows = sql_value(f"SELECT count(*) FROM {TABLE}")
    info = machine()
    only = {s.strip() for s in args.only.split(",") if s.strip()}
    results: list[Result] = []
    explains: dict[str, list[Any]] = {}
    for role, (_username, region) in USERS.items():
        prefix = region.rstrip("0") if role == "civil_affairs" else region[:9]
        prefix = {CITY: "4403"}.get(region, prefix)
        visible = visible_sample(prefix, 400, args.seed)
        client = Client(raise_request_exception=False)  # a failing view counts as an error
        client.force_login(users[role])
        for scenario in scenarios_for(visible):
            if only and scenario.name not in only:
                continue
            result = run_scenario(
                client,
                role,
                scenario,
                requests=args.requests,
                warmup=args.warmup,
                seed=args.seed,
                budget=args.budget,
            )
            results.append(result)
            print(
                f"{role:<17} {scenario.name:<12} p50 {result.p50_ms:7.1f}  p95 {result.p95_ms:7.1f}"
                f"  max {result.max_ms:7.1f} ms  (n={result.n}, errors={result.errors})"
            )
            if args.explain:
                rng = random.Random(f"explain:{args.seed}:{role}:{scenario.name}")
                found = explain_scenario(client, scenario, rng, args.explain_min_ms)
                explains[f"{role} / {scenario.name}"] = found
                for item in found:
                    print(
                        f"\n--- EXPLAIN {role} / {scenario.name} [{item['variant']}] "
                        f"{item['query_ms']} ms: {item['path']}"
                    )
                    print(item["sql"])
                    print(item["plan"])
                    print()
    print_table(results)
    command = exact_command()
    print("\nmachine:", json.dumps(info, ensure_ascii=False))
    print(
        f"elders in table: {rows:,}  indexes: {args.indexes} {candidates}  "
        f"count cap: {args.count_cap or 'off'}  initials order: {args.initials_order}  "
        f"name collation: {name_collation}  region exact: {args.region_exact}"
    )
    print("command:", command)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    out = RESULTS_DIR / f"registry-{stamp}.json"
    out.write_text(
        json.dumps(
            {
                "label": args.label,
                "command": command,
                "args": vars(args),
                "machine": info,
                "elders": rows,
                "load": load,
                "indexes_mode": args.indexes,
                "candidate_indexes_present": candidates,
                "count_cap": args.count_cap,
                "initials_order": args.initials_order,
                "name_collation": name_collation,
                "region_exact": args.region_exact,
                "table_indexes": [d for _, d in secondary_indexes()],
                "goal_p95_ms": GOAL_P95_MS,
                "results": [asdict(r) for r in results],
                "explain": explains,
            },
            ensure_ascii=False,
            indent=2,
            default=str,
        )
    )
    print(f"results: {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
