"""Stored eligibility (see ``subsidies.models.eligibility``): evaluate a programme version
for every elder of its area, and re-evaluate one elder's active entitlements when their
assessment or registry record changes (domain events, see ``subsidies.apps``).

Bulk evaluation reads the registry in chunks (``elders.selectors.elder_fact_rows``), keys
each elder by the values of the facts the rule reads, evaluates the rule and writes the
reasons once per distinct key, and writes one snapshot row per elder (PostgreSQL's COPY,
else one parameterised INSERT per chunk). The date of the assessment behind a level is the
elder's own, so it is kept on the snapshot, not in the shared reasons; the explanation
puts it back ("level 3 since 2026-10-02 assessment").
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from silvercare.accounts.roles import Perm
from silvercare.assessments.selectors import assessment_current_level
from silvercare.audit.models import AuditAction
from silvercare.audit.services import AuditContext, audit_record
from silvercare.elders.choices import ADVANCED_AGE_YEARS, Category
from silvercare.elders.selectors import ELDER_FACT_FIELDS, elder_fact_rows, elder_registry_table
from silvercare.subsidies.choices import EvaluationTrigger, VersionStatus
from silvercare.subsidies.facts import fact_getters, fact_reasons, facts_used, rule_failure
from silvercare.subsidies.models import (
    EligibilityOutcome,
    EligibilitySnapshot,
    ProgrammeVersion,
)
from silvercare.subsidies.rules import FACTS, CompiledRule, RuleError, rule_compile, rule_evaluate
from silvercare.subsidies.services.programmes import require
from silvercare.subsidies.services.quotes import versions_applicable

logger = logging.getLogger(__name__)
CHUNK = 20_000
SNAPSHOT_COLUMNS = (
    "elder_id",
    "programme_id",
    "version_id",
    "outcome_id",
    "region_id",
    "passed",
    "trigger",
    "evaluated_at",
    "changed_at",
    "level_assessed_on",
)


@dataclass(frozen=True)
class Verdict:
    passed: bool
    reasons: list[dict[str, Any]]
    facts_used: dict[str, Any]


@dataclass(frozen=True)
class EvaluationSummary:
    version_id: int
    on: dt.date
    elders: int
    eligible: int
    cases: int  # distinct combinations of the facts the rule reads
    seconds: float


def rule_verdict(rule: CompiledRule, facts: dict[str, Any]) -> Verdict:
    """Pass or fail of the rule alone, with the reasons a quote would give for it."""
    result = rule_evaluate(rule, facts)
    used = facts_used(rule, facts)
    if result.passed:
        return Verdict(True, fact_reasons(rule, facts, passed=True), used)
    return Verdict(
        False, [rule_failure(rule, facts, result), *fact_reasons(rule, facts, passed=False)], used
    )


def _key_names(rule: CompiledRule) -> list[str]:
    return list(rule.facts)


def _key_hash(values: tuple[Any, ...]) -> str:
    text = json.dumps(values, ensure_ascii=False, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _facts_of(names: list[str], values: tuple[Any, ...]) -> dict[str, Any]:
    return {n: list(v) if isinstance(v, tuple) else v for n, v in zip(names, values, strict=True)}


def compiled_rule(version: ProgrammeVersion) -> CompiledRule | None:
    try:
        return rule_compile(version.eligibility_rule)
    except RuleError:  # saved rules are checked; only a change of the fact list gets here
        return None


class OutcomeCache:
    """The outcome row per distinct key of one version, created on first use."""

    def __init__(self, version: ProgrammeVersion, rule: CompiledRule | None) -> None:
        self.version = version
        self.rule = rule
        self.names = _key_names(rule) if rule else []
        self.ids: dict[tuple[Any, ...], tuple[int, bool]] = {}

    def _verdict(self, values: tuple[Any, ...]) -> Verdict:
        if self.rule is None:
            rule_text = self.version.eligibility_rule
            return Verdict(False, [{"code": "rule_failed", "params": {"rule": rule_text}}], {})
        return rule_verdict(self.rule, _facts_of(self.names, values))

    def _stored(self, digests: list[str]) -> dict[str, tuple[int, bool]]:
        rows = EligibilityOutcome.objects.filter(version=self.version, key__in=digests)
        return {key: (pk, passed) for key, pk, passed in rows.values_list("key", "pk", "passed")}

    def resolve(self, keys: Iterable[tuple[Any, ...]]) -> None:
        """Make sure every key has its outcome: stored ones are looked up, the others
        evaluated (the rule once per key at most) and written."""
        wanted = {_key_hash(values): values for values in set(keys) if values not in self.ids}
        if not wanted:
            return
        stored = self._stored(list(wanted))
        new = {
            digest: self._verdict(values)
            for digest, values in wanted.items()
            if digest not in stored
        }
        if new:
            EligibilityOutcome.objects.bulk_create(
                [
                    EligibilityOutcome(
                        version=self.version,
                        key=digest,
                        passed=verdict.passed,
                        reasons=verdict.reasons,
                        facts_used=verdict.facts_used,
                    )
                    for digest, verdict in new.items()
                ],
                ignore_conflicts=True,  # written at the same moment by another evaluation
            )
            stored.update(self._stored(list(new)))
        for digest, values in wanted.items():
            self.ids[values] = stored[digest]


def in_chunks(rows: Iterator[tuple[Any, ...]], size: int) -> Iterator[list[tuple[Any, ...]]]:
    while chunk := list(islice(rows, size)):
        yield chunk


def _write_snapshots(rows: list[tuple[Any, ...]]) -> None:
    """Databases other than PostgreSQL (SQLite): the chunk's rows in one executemany."""
    if not rows:
        return
    # One parameterised INSERT for the chunk, the values prepared by the model's fields
    # (a UUID's and a datetime's storage differ by backend), no 20,000 model instances.
    meta = EligibilitySnapshot._meta
    columns: list[Any] = [meta.get_field(c.removesuffix("_id")) for c in SNAPSHOT_COLUMNS]
    converters = [(f.target_field if f.is_relation else f).get_db_prep_save for f in columns]
    same: dict[Any, Any] = {}  # the evaluation time is the same on every row

    def prep(index: int, value: Any) -> Any:
        if isinstance(value, bool | int | str) or value is None:
            return value
        if isinstance(value, dt.datetime):
            if value not in same:
                same[value] = converters[index](value, connection)
            return same[value]
        return converters[index](value, connection)

    quote = connection.ops.quote_name
    # The model's own table and column names; every value is a parameter.
    sql = (
        f"INSERT INTO {quote(EligibilitySnapshot._meta.db_table)} "  # noqa: S608
        f"({', '.join(quote(c) for c in SNAPSHOT_COLUMNS)}) "
        f"VALUES ({', '.join(['%s'] * len(SNAPSHOT_COLUMNS))})"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, [[prep(i, v) for i, v in enumerate(row)] for row in rows])


# --- PostgreSQL: group and write in the database ---------------------------------------------

# SQL over the registry row ``e`` for each fact a rule may read (PostgreSQL), with a
# sentinel for null so that the join below can hash; ``%(on)s`` is the evaluation day.
_FLAGS = [name for name in ELDER_FACT_FIELDS if name.startswith("is_")]
_LEVEL_SQL = "CASE WHEN e.ability_assessed_at IS NULL THEN NULL ELSE e.ability_level END"
_AGE_SQL = "date_part('year', age(%(on)s::date, e.birth_date))::int"
_DATE_SQL = "(e.ability_assessed_at AT TIME ZONE %(zone)s)::date"


def _sql_columns(names: list[str]) -> list[tuple[str, str]]:
    """(column alias, SQL expression) of the grouping key for the facts ``names``."""
    columns: list[tuple[str, str]] = []
    for name in names:
        if name == "level":
            columns.append(("k_level", f"COALESCE({_LEVEL_SQL}, -1)"))
        elif name == "level_assessed_on":
            columns.append(("k_date", f"COALESCE({_DATE_SQL}, DATE '0001-01-01')"))
        elif name == "age":
            columns.append(("k_age", _AGE_SQL))
        elif name == "categories":
            columns.append(("k_advanced", f"({_AGE_SQL} >= {ADVANCED_AGE_YEARS})"))
            columns += [(f"k_{flag}", f"e.{flag}") for flag in _FLAGS]
        elif name == "hukou_type":
            columns.append(("k_hukou", "e.hukou_type"))
        elif name == "region_code":
            columns.append(("k_region", "e.region_id"))
        elif name == "has_disability_certificate":
            columns.append(("k_disabled", "e.is_disabled"))
        # income_band (not recorded) and has_trade_in (a quote's) are the same for all
    return list(dict.fromkeys(columns))


def _python_key(names: list[str], row: dict[str, Any]) -> tuple[Any, ...]:
    """The fact values ``fact_getters`` gives, from one grouped row of ``_sql_columns``."""
    values: list[Any] = []
    for name in names:
        if name == "level":
            values.append(None if row["k_level"] == -1 else row["k_level"])
        elif name == "level_assessed_on":
            day = row["k_date"]
            values.append(None if day.year == 1 else day.isoformat())
        elif name == "age":
            values.append(row["k_age"])
        elif name == "categories":
            found = tuple(flag.removeprefix("is_") for flag in _FLAGS if row[f"k_{flag}"])
            values.append((Category.ADVANCED_AGE.value, *found) if row["k_advanced"] else found)
        elif name == "hukou_type":
            values.append(row["k_hukou"])
        elif name == "region_code":
            values.append(row["k_region"])
        elif name == "has_disability_certificate":
            values.append(bool(row["k_disabled"]))
        elif name == "income_band":
            values.append(None)
        elif name == "has_trade_in":
            values.append(False)
    return tuple(values)


def _evaluate_in_database(
    *,
    version: ProgrammeVersion,
    outcomes: OutcomeCache,
    when: dt.date,
    trigger: str,
    now: dt.datetime,
) -> tuple[int, int]:
    """PostgreSQL: the distinct fact combinations of the area's elders are read grouped
    (with how many elders share each), the rule and the reasons are worked out once per
    combination, and the snapshots are written by one INSERT … SELECT joining the
    registry to those combinations — no row per elder passes through Python. Returns
    (elders, eligible). Runs inside the caller's transaction."""
    names = outcomes.names
    columns = _sql_columns(names)
    params: dict[str, Any] = {
        "on": when,
        "zone": settings.TIME_ZONE,
        "prefix": version.programme.region.prefix + "%",
        "programme": version.programme_id,
        "version": version.pk,
        "trigger": trigger,
        "now": now,
    }
    table = elder_registry_table()
    where = "e.region_id LIKE %(prefix)s AND e.status = 'active'"
    select = ", ".join(f"{sql} AS {alias}" for alias, sql in columns) or "1 AS k_all"
    group_by = ", ".join(alias for alias, _sql in columns) or "k_all"
    with connection.cursor() as cursor:
        cursor.execute(
            # Our own table, column and alias names; every value is a parameter.
            f"SELECT {select}, count(*) AS n FROM {table} e WHERE {where} GROUP BY {group_by}",  # noqa: S608
            params,
        )
        fields = [c.name for c in cursor.description]
        groups = [dict(zip(fields, row, strict=True)) for row in cursor.fetchall()]
        keys = [_python_key(names, g) for g in groups]
        outcomes.resolve(keys)
        elders = sum(g["n"] for g in groups)
        eligible = sum(g["n"] for g, key in zip(groups, keys, strict=True) if outcomes.ids[key][1])
        key_columns = [alias for alias, _sql in columns] or ["k_all"]
        cursor.execute(
            "CREATE TEMP TABLE subsidies_eval_keys ("
            + ", ".join(f"{alias} {_sql_type(alias)}" for alias in key_columns)
            + ", outcome_id bigint, passed boolean) ON COMMIT DROP"
        )
        raw = cursor.cursor
        with raw.copy(
            f"COPY subsidies_eval_keys ({', '.join(key_columns)}, outcome_id, passed) FROM STDIN"
        ) as copy:
            for group, key in zip(groups, keys, strict=True):
                outcome_id, passed = outcomes.ids[key]
                copy.write_row([*(group[c] for c in key_columns), outcome_id, passed])
        join = " AND ".join(f"m.{alias} = {sql}" for alias, sql in columns) or "TRUE"
        level_date = _DATE_SQL if "level" in names else "NULL::date"
        snapshot = EligibilitySnapshot._meta.db_table
        cursor.execute(
            f"INSERT INTO {snapshot} ({', '.join(SNAPSHOT_COLUMNS)}) "  # noqa: S608
            f"SELECT e.id, %(programme)s, %(version)s, m.outcome_id, e.region_id, m.passed, "
            f"%(trigger)s, %(now)s, "
            f"CASE WHEN o.passed IS NOT DISTINCT FROM m.passed THEN o.changed_at "
            f"ELSE %(now)s END, {level_date} "
            f"FROM {table} e JOIN subsidies_eval_keys m ON {join} "
            f"LEFT JOIN subsidies_eval_before o ON o.elder_id = e.id "
            f"WHERE {where}",
            params,
        )
        # Dropped now, not only at commit: a caller's transaction may evaluate again.
        cursor.execute("DROP TABLE subsidies_eval_keys, subsidies_eval_before")
    return elders, eligible


def _sql_type(alias: str) -> str:
    return {
        "k_level": "integer",
        "k_date": "date",
        "k_age": "integer",
        "k_hukou": "varchar(16)",
        "k_region": "varchar(12)",
        "k_all": "integer",
    }.get(alias, "boolean")


def eligibility_evaluate_version(
    *,
    ctx: AuditContext,
    version: ProgrammeVersion,
    on: dt.date | None = None,
    trigger: str = EvaluationTrigger.MANUAL,
    check_actor: bool = True,
) -> EvaluationSummary:
    """Evaluate the version's rule for every active elder of the programme's area and store
    who passes, with the reasons (replacing the version's earlier snapshots; the time a
    verdict last changed is kept when it did not change). ``on`` defaults to today, or
    the version's start if later (ages are counted on that day)."""
    programme = version.programme
    if check_actor:
        require(ctx.actor, Perm.SUBSIDIES_MANAGE, programme.region_id)
    started = time.perf_counter()
    when = on or max(timezone.localdate(), version.valid_from)
    now = timezone.now()
    rule = compiled_rule(version)
    outcomes = OutcomeCache(version, rule)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # Who passed before, and since when (kept where the verdict stays).
                cursor.execute(
                    "CREATE TEMP TABLE subsidies_eval_before ON COMMIT DROP AS "  # noqa: S608
                    "SELECT elder_id, passed, changed_at FROM "
                    f"{EligibilitySnapshot._meta.db_table} WHERE version_id = %s",
                    [version.pk],
                )
            EligibilitySnapshot.objects.filter(version=version).delete()
            elders, eligible = _evaluate_in_database(
                version=version, outcomes=outcomes, when=when, trigger=trigger, now=now
            )
        else:
            elders, eligible = _evaluate_in_python(
                version=version,
                outcomes=outcomes,
                when=when,
                trigger=trigger,
                now=now,
                names_level=rule is not None and "level" in rule.facts,
            )
        audit_record(
            ctx=ctx,
            action=AuditAction.UPDATE,
            entity_type="subsidies.version",
            entity_id=str(version.pk),
            region_code=programme.region_id,
            summary=(
                f"{programme.code} v{version.number} evaluated for {elders} elders: "
                f"{eligible} eligible ({len(outcomes.ids)} cases)"
            ),
        )
    return EvaluationSummary(
        version_id=version.pk,
        on=when,
        elders=elders,
        eligible=eligible,
        cases=len(outcomes.ids),
        seconds=time.perf_counter() - started,
    )


def _evaluate_in_python(
    *,
    version: ProgrammeVersion,
    outcomes: OutcomeCache,
    when: dt.date,
    trigger: str,
    now: dt.datetime,
    names_level: bool,
) -> tuple[int, int]:
    """Other databases (SQLite): the registry is read in chunks, each elder keyed in
    Python, the snapshots written with one INSERT per chunk. Returns (elders, eligible).
    Runs inside the caller's transaction."""
    programme = version.programme
    getter = fact_getters(outcomes.names, when)
    level_date = fact_getters(["level_assessed_on"], when)
    elders = eligible = 0
    before = dict(
        EligibilitySnapshot.objects.filter(version=version).values_list("elder_id", "changed_at")
    )
    was_passed = set(
        EligibilitySnapshot.objects.filter(version=version, passed=True).values_list(
            "elder_id", flat=True
        )
    )
    EligibilitySnapshot.objects.filter(version=version).delete()
    for chunk in in_chunks(elder_fact_rows(region_prefix=programme.region.prefix), CHUNK):
        keys = [getter(row) for row in chunk]
        outcomes.resolve(keys)
        out: list[tuple[Any, ...]] = []
        for row, key in zip(chunk, keys, strict=True):
            outcome_id, passed = outcomes.ids[key]
            elder_id = row[0]
            changed = before.get(elder_id)
            if changed is None or (elder_id in was_passed) != passed:
                changed = now
            out.append(
                (
                    elder_id,
                    programme.pk,
                    version.pk,
                    outcome_id,
                    row[1],
                    passed,
                    trigger,
                    now,
                    changed,
                    level_date(row)[0] if names_level else None,
                )
            )
            eligible += passed
        elders += len(chunk)
        _write_snapshots(out)
    return elders, eligible


def entitlements_refresh(
    *, elder_id: Any, trigger: str, ctx: AuditContext | None = None
) -> list[EligibilitySnapshot]:
    """Re-evaluate one elder's active entitlements: for every programme version that
    applies today in the elder's area, store whether the rule lets them in now. A verdict
    that changes is audited. An elder who is no longer active keeps no entitlements."""
    context = ctx or AuditContext(actor=None, via="event")
    today = timezone.localdate()
    now = timezone.now()
    rows = list(elder_fact_rows(region_prefix="", elder_ids=[elder_id]))
    with transaction.atomic():
        if not rows:
            EligibilitySnapshot.objects.filter(elder_id=elder_id).delete()
            return []
        row = rows[0]
        names = list(FACTS)
        facts = _facts_of(names, fact_getters(names, today)(row))
        current = assessment_current_level(elder_id)
        facts["level"] = current.level if current else None
        versions = [
            v
            for v in versions_applicable(row[1], today)
            if v.status in (VersionStatus.LIVE, VersionStatus.SUPERSEDED)
        ]
        existing = {
            s.version_id: s
            for s in EligibilitySnapshot.objects.filter(elder_id=elder_id).select_related("version")
        }
        applicable = {v.pk for v in versions}
        # A live version that no longer applies (the elder moved away): not an entitlement.
        stale = [
            s.pk
            for version_id, s in existing.items()
            if version_id not in applicable and s.version.status == VersionStatus.LIVE
        ]
        EligibilitySnapshot.objects.filter(pk__in=stale).delete()
        kept: list[EligibilitySnapshot] = []
        for version in versions:
            rule = compiled_rule(version)
            outcomes = OutcomeCache(version, rule)
            key = tuple(
                tuple(v) if isinstance(v := facts.get(n), list) else v for n in outcomes.names
            )
            outcomes.resolve([key])
            outcome_id, passed = outcomes.ids[key]
            snapshot = existing.get(version.pk)
            if snapshot is None:
                snapshot = EligibilitySnapshot(
                    elder_id=elder_id,
                    programme_id=version.programme_id,
                    version=version,
                    changed_at=now,
                )
                flipped = passed  # gaining an entitlement is news; "not eligible" is not
            else:
                flipped = snapshot.passed != passed
                if flipped:
                    snapshot.changed_at = now
            snapshot.outcome_id = outcome_id
            snapshot.level_assessed_on = (
                timezone.localdate(current.assessed_at)
                if current is not None and rule is not None and "level" in rule.facts
                else None
            )
            snapshot.region_id = row[1]
            snapshot.passed = passed
            snapshot.trigger = trigger
            snapshot.evaluated_at = now
            snapshot.save()
            kept.append(snapshot)
            if flipped:
                audit_record(
                    ctx=context,
                    action=AuditAction.UPDATE,
                    entity_type="elder",
                    entity_id=str(elder_id),
                    region_code=row[1],
                    summary=(
                        f"subsidy {version.programme.code} v{version.number}: "
                        f"{'eligible' if passed else 'no longer eligible'} ({trigger})"
                    ),
                    changes={"entitlement": [not passed, passed]},
                )
    return kept


def on_assessment_completed(*, elder_id: str, **_payload: Any) -> None:
    """Domain event: a completed assessment may change the level a rule reads."""
    _refresh_safely(elder_id, EvaluationTrigger.ASSESSMENT)


def on_elder_facts_changed(*, elder_id: str, **_payload: Any) -> None:
    """Domain event: the registry changed a fact a rule may read (category, hukou, area,
    status)."""
    _refresh_safely(elder_id, EvaluationTrigger.ELDER_CHANGE)


def _refresh_safely(elder_id: str, trigger: str) -> None:
    # Runs after the other capability's transaction committed: a failure here must not
    # turn its successful request into an error page. Logged; the next event or a manual
    # evaluation of the programme brings the snapshot up to date.
    try:
        entitlements_refresh(elder_id=elder_id, trigger=trigger)
    except Exception:
        logger.exception("re-evaluating the entitlements of elder %s failed", elder_id)
