"""Monthly partitions of the readings table on PostgreSQL (no-op on SQLite)."""

from __future__ import annotations

import datetime as dt

from django.db import connection, transaction


def _month_start(day: dt.date, offset: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + offset
    return dt.date(index // 12, index % 12 + 1, 1)


def partitions_ensure(*, today: dt.date, months_ahead: int = 2) -> list[str]:
    """Create the partitions of this month and the next ``months_ahead`` months; returns
    the names created. Rows of such a month that the default partition caught move into
    the new partition. Runs at every ingest start and retention run."""
    if connection.vendor != "postgresql":
        return []
    created = []
    with transaction.atomic(), connection.cursor() as cursor:
        for offset in range(months_ahead + 1):
            start, end = _month_start(today, offset), _month_start(today, offset + 1)
            name = f"monitoring_reading_{start:%Y%m}"
            cursor.execute("SELECT to_regclass(%s) IS NULL", [name])
            missing = cursor.fetchone()
            if missing and missing[0]:
                # Made beside the table, filled with any rows of that month the default
                # partition caught, then attached: attaching checks the default holds none.
                # DDL takes no bound parameters; the names and dates are ours.
                low, high = f"'{start.isoformat()}'", f"'{end.isoformat()}'"
                cursor.execute(
                    f'CREATE TABLE "{name}" (LIKE monitoring_reading INCLUDING DEFAULTS)'
                )
                move = (  # our own names and dates
                    "WITH moved AS (DELETE FROM monitoring_reading_default "  # noqa: S608
                    f"WHERE ts >= {low} AND ts < {high} RETURNING *) "
                    f'INSERT INTO "{name}" SELECT * FROM moved'
                )
                cursor.execute(move)
                cursor.execute(
                    f'ALTER TABLE monitoring_reading ATTACH PARTITION "{name}" '
                    f"FOR VALUES FROM ({low}) TO ({high})"
                )
                created.append(name)
    return created


def partitions_drop_before(day: dt.date) -> list[str]:
    """Drop the monthly partitions whose whole month ends on or before ``day`` (the
    retention has emptied them); returns their names."""
    if connection.vendor != "postgresql":
        return []
    dropped = []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'monitoring_reading' "
            "AND c.relname ~ '^monitoring_reading_[0-9]{6}$'"
        )
        for (name,) in cursor.fetchall():
            start = dt.date(int(name[-6:-2]), int(name[-2:]), 1)
            if _month_start(start, 1) <= day:
                cursor.execute(f'DROP TABLE IF EXISTS "{name}"')
                dropped.append(name)
    return dropped
