"""Fast bulk writes for the ingest's hot path: one prepared UPDATE run for many rows
(``executemany``: pipelined on PostgreSQL by psycopg 3), instead of Django's ``bulk_update``,
whose CASE expressions cost more than the rest of a batch together."""

from __future__ import annotations

import datetime as dt
import hashlib
import weakref
from collections.abc import Sequence
from typing import Any

import msgspec
from django.db import connection, models, transaction
from django.db.models.functions import Cast

_SMALL = 20  # up to this many rows, one executemany beats COPY through a temporary table


def _field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)
    assert field.column
    return field


def update_rows(
    model: type[models.Model], key: str, fields: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """``UPDATE table SET f1 = %s, … WHERE key = %s`` for each row ``(f1, …, key)``; values
    are converted by the model's fields, as the ORM would."""
    if not rows:
        return
    if connection.vendor == "postgresql" and len(rows) > _SMALL:
        _update_rows_copy(model, key, fields, rows)
        return
    quote = connection.ops.quote_name
    columns = [_field(model, name) for name in fields]
    key_field = _field(model, key)
    assignments = ", ".join(f"{quote(str(f.column))} = %s" for f in columns)
    sql = (
        f"UPDATE {quote(model._meta.db_table)} SET {assignments} "  # noqa: S608
        f"WHERE {quote(str(key_field.column))} = %s"
    )
    params = [
        [
            *(f.get_db_prep_save(v, connection) for f, v in zip(columns, row[:-1], strict=True)),
            key_field.get_db_prep_value(row[-1], connection),
        ]
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _update_rows_copy(
    model: type[models.Model], key: str, fields: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """PostgreSQL: the rows go by ``COPY`` into a temporary table (emptied at commit), then
    one ``UPDATE … FROM`` — no per-row statements, no client-side quoting."""
    quote = connection.ops.quote_name
    columns = [_field(model, name) for name in fields]
    key_field = _field(model, key)
    every = [key_field, *columns]
    digest = hashlib.sha256("|".join([model._meta.db_table, key, *fields]).encode()).hexdigest()
    temp = f"bulk_{digest[:16]}"
    definitions = ", ".join(f"{quote(str(f.column))} {_column_type(f)}" for f in every)
    names = ", ".join(quote(str(f.column)) for f in every)
    json_columns = [isinstance(f, models.JSONField) for f in columns]
    assignments = ", ".join(f"{quote(str(f.column))} = s.{quote(str(f.column))}" for f in columns)
    with connection.cursor() as cursor:
        temp_table(cursor, temp, definitions)
        copy_lines(
            cursor,
            f"COPY {temp} ({names}) FROM STDIN",
            [
                "\t".join(
                    [
                        _copy_text(row[-1]),
                        *(
                            _copy_json(v) if is_json else _copy_text(v)
                            for is_json, v in zip(json_columns, row[:-1], strict=True)
                        ),
                    ]
                )
                for row in rows
            ],
        )
        key_column = quote(str(key_field.column))
        cursor.execute(
            f"UPDATE {quote(model._meta.db_table)} AS t SET {assignments} "  # noqa: S608
            f"FROM {temp} AS s WHERE t.{key_column} = s.{key_column}"
        )


def json_text(field: str) -> Cast:
    """A JSON column read as its text, for ``msgspec.json.decode`` (several times faster
    than the JSON field's own decoding on the hot path)."""
    return Cast(field, models.TextField())


def copy_escape(text: str) -> str:
    """A value for ``COPY … FROM STDIN`` in text format (backslash, tab and line breaks)."""
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        return (
            text.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return text


def _copy_json(value: Any) -> str:
    return copy_escape(msgspec.json.encode(value).decode())


def _copy_text(value: Any) -> str:
    """A Python value as COPY text: NULL, booleans, ``str`` for text, numbers and UUIDs,
    ``isoformat`` for dates and times."""
    if value is None:
        return "\\N"
    if isinstance(value, str):
        return copy_escape(value)
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def copy_lines(cursor: Any, sql: str, lines: list[str]) -> None:
    """``COPY … FROM STDIN`` (PostgreSQL, text format) of rows already written as text
    (values escaped with ``copy_escape``, joined by tabs): one write, where psycopg's
    ``write_row`` adapts every value on its own."""
    with cursor.cursor.copy(sql) as copy:
        copy.write("\n".join(lines) + "\n")


# Per database session: temporary tables known to exist (their creation committed) and
# those filled in the transaction now open. Saves the CREATE and the TRUNCATE round trips.
_created: weakref.WeakKeyDictionary[Any, set[str]] = weakref.WeakKeyDictionary()
_filled: weakref.WeakKeyDictionary[Any, set[str]] = weakref.WeakKeyDictionary()


def temp_table(cursor: Any, name: str, definitions: str) -> None:
    """Make the session's temporary table ``name`` (emptied at commit) ready to be filled
    in the current transaction: created once per session, emptied only when this
    transaction filled it already."""
    raw = connection.connection
    created = _created.setdefault(raw, set())
    filled = _filled.setdefault(raw, set())
    if name not in created:
        cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {name} ({definitions}) ON COMMIT DELETE ROWS"
        )
        # Rolled back, the creation is undone too: only a commit makes it known.
        transaction.on_commit(lambda: created.add(name))
    if name in filled:
        cursor.execute(f"TRUNCATE {name}")
    else:
        filled.add(name)
        transaction.on_commit(lambda: filled.discard(name))


def _column_type(field: models.Field[Any, Any]) -> str:
    if isinstance(field, models.ForeignKey):
        return str(field.target_field.db_type(connection))
    return str(field.db_type(connection))
