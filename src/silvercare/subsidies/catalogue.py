"""The published programme versions of an area, cached per process and keyed by their content.

Every quote and eligibility check needs the published versions of the programmes whose
region contains the elder's (with their programme, funding shares and payers). Building
those objects through the ORM costs far more than the database work (about 10 ms of a
20 ms budget for a quote at 1M elders), and they change a few times a year, so they are
kept in memory. The key is not a timestamp or a counter: each call asks the database for
a digest of the text of every row the objects are built from (the versions, their
programmes, shares and payers, every column), in one small statement. Any change — a
publish, a superseded version, a renamed payer, a ``queryset.update()`` that leaves
``updated_at`` alone, a frozen clock in a test, a rolled-back test transaction, another
process — changes the digest, and an unchanged digest means unchanged rows. So a cached
list is only ever served for exactly the rows it was built from.

On PostgreSQL the digest (``md5``) is computed by the server, so only 32 characters cross
the wire; SQLite, in the same process, returns the text and Python hashes it.

The cached versions are shared between callers: read them, never modify them.
"""

from __future__ import annotations

import functools
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.db.models import Prefetch

from silvercare.subsidies.choices import VersionStatus
from silvercare.subsidies.models import FundingShare, PayerBody, Programme, ProgrammeVersion

PUBLISHED = (VersionStatus.LIVE, VersionStatus.SUPERSEDED)
MAX_ENTRIES = 256  # distinct sets of programmes (areas differing in their programmes)

_lock = threading.Lock()
_entries: OrderedDict[str, tuple[ProgrammeVersion, ...]] = OrderedDict()


@functools.cache
def _digest_sql(vendor: str, regions: int) -> str:
    """One row per (version, share) of the published versions of programmes in the given
    regions: the text of every column of the version, its programme, the share and its
    payer (NULL distinct from any text)."""
    qn = connection.ops.quote_name
    postgres = vendor == "postgresql"
    if postgres:  # a row's text form holds every column; a few expressions plan quickly
        row = "v::text || p::text || coalesce(s::text, '') || coalesce(b::text, '')"
    else:
        row = " || ',' || ".join(
            f"quote({alias}.{qn(str(f.column))})"
            for alias, model in (
                ("v", ProgrammeVersion),
                ("p", Programme),
                ("s", FundingShare),
                ("b", PayerBody),
            )
            for f in model._meta.concrete_fields
        )
    placeholders = ", ".join(["%s"] * regions)
    rows = (
        f"SELECT {row} AS t, v.id AS vid, s.id AS sid "  # noqa: S608 (names from the models)
        f"FROM {qn(ProgrammeVersion._meta.db_table)} v "
        f"JOIN {qn(Programme._meta.db_table)} p ON p.id = v.programme_id "
        f"LEFT JOIN {qn(FundingShare._meta.db_table)} s ON s.version_id = v.id "
        f"LEFT JOIN {qn(PayerBody._meta.db_table)} b ON b.id = s.payer_id "
        f"WHERE p.region_id IN ({placeholders}) AND v.status IN (%s, %s)"
    )
    if postgres:
        aggregate = "md5(coalesce(string_agg(t, chr(10) ORDER BY vid, sid), ''))"
        return f"SELECT {aggregate} FROM ({rows}) AS r"  # noqa: S608
    # SQLite before 3.44 has no ORDER BY inside an aggregate: the order of an ordered
    # subquery is kept in practice, and another order could only cause a miss.
    return f"SELECT coalesce(group_concat(t, char(10)), '') FROM ({rows} ORDER BY vid, sid)"  # noqa: S608


def _key(text: Any) -> str:
    if connection.vendor == "postgresql":
        return str(text or "")
    return hashlib.sha256(str(text or "").encode()).hexdigest()


def digest(region_codes: Sequence[str]) -> str:
    """The digest of the rows ``published_versions(region_codes)`` is built from."""
    with connection.cursor() as cursor:
        sql = _digest_sql(connection.vendor, len(region_codes))
        cursor.execute(sql, [*region_codes, *PUBLISHED])
        row = cursor.fetchone()
    return _key(row[0] if row else "")


def _load(region_codes: Sequence[str]) -> tuple[ProgrammeVersion, ...]:
    return tuple(
        ProgrammeVersion.objects.filter(
            programme__region_id__in=list(region_codes), status__in=PUBLISHED
        )
        .select_related("programme")
        .prefetch_related(Prefetch("shares", queryset=FundingShare.objects.select_related("payer")))
        .order_by("programme_id", "-number")
    )


def _versions(key: str, region_codes: Sequence[str]) -> tuple[ProgrammeVersion, ...]:
    with _lock:
        found = _entries.get(key)
        if found is not None:
            _entries.move_to_end(key)
            return found
    versions = _load(region_codes)
    if digest(region_codes) == key:
        with _lock:
            _entries[key] = versions
            _entries.move_to_end(key)
            while len(_entries) > MAX_ENTRIES:
                _entries.popitem(last=False)
    return versions


def published_versions(region_codes: Sequence[str]) -> tuple[ProgrammeVersion, ...]:
    """Every published (live or superseded) version of the programmes whose region is one
    of ``region_codes``, with its programme and its shares with their payers, ordered by
    programme and newest number first. One statement when the rows are unchanged since a
    call of this process with the same rows; otherwise the rows are loaded, and kept only
    when the digest read again afterwards is the same (no publish ran in between)."""
    return _versions(digest(region_codes), region_codes)


def published_versions_with(
    region_codes: Sequence[str], sql: str, params: Sequence[Any]
) -> tuple[tuple[ProgrammeVersion, ...], list[tuple[Any, ...]]]:
    """``published_versions(region_codes)`` and the rows of another query ``sql`` (a plain
    SELECT with ``%s`` parameters ``params``), read in the same statement as the digest:
    one round trip for both when the kept list is current."""
    inner = _digest_sql(connection.vendor, len(region_codes))
    statement = (
        f"SELECT ({inner}) AS digest, x.* FROM (SELECT 1 AS one) AS o "  # noqa: S608
        f"LEFT JOIN (SELECT 1 AS present, e.* FROM ({sql}) AS e) AS x ON 1 = 1"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, [*region_codes, *PUBLISHED, *params])
        rows = cursor.fetchall()
    key = _key(rows[0][0])
    extra = [tuple(row[2:]) for row in rows if row[1] is not None]
    return _versions(key, region_codes), extra
