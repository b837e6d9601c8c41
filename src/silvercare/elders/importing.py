"""Spreadsheet import of elders: a dry run that lists every bad row, then the import of the
good rows in chunks, each row wholly in or wholly out.

Both run in the task worker (``elders.tasks``): the upload only stores the file (encrypted,
it holds personal data) in a batch, and the batch page shows the progress of the check and
then of the import. A file has at most ``MAX_ROWS`` rows. The import re-checks the user's
right to import into each row's community at the time it runs: a grant removed after the
dry run refuses those rows."""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from silvercare.accounts.roles import Perm
from silvercare.accounts.scoping import actor_has_perm, forget_grants
from silvercare.audit.models import AuditAction
from silvercare.audit.services import AuditContext, audit_record, audit_record_many
from silvercare.common import crypto
from silvercare.common.errors import DomainError
from silvercare.common.masking import mask_id_number
from silvercare.elders import error_codes as codes
from silvercare.elders.models import Contact, Elder, ImportBatch
from silvercare.elders.services import (
    apply_to_model,
    audit_diff,
    contact_build,
    contact_values_check,
    id_hash,
)
from silvercare.elders.spreadsheet import RowProblem, header_for, read_rows, row_to_values
from silvercare.elders.validation import ElderData, check_elder_fields
from silvercare.regions.models import Region

PAYLOAD_PURPOSE = "elders.import_batch"
UPLOAD_PURPOSE = "elders.import_upload"
#: Rows one file may hold (the check of 10,000 rows takes about 15 s in the worker).
MAX_ROWS = 20_000
#: The dry run writes its progress to the batch every this many rows.
PROGRESS_EVERY = 500


def _column(field: str) -> str:
    mapping = {"claimed_birth_date": "birth_date", "claimed_sex": "sex"}
    key = mapping.get(field, field)
    try:
        return header_for(key)
    except StopIteration:
        return key


def _serialise(data: ElderData, contact: dict[str, Any] | None) -> dict[str, Any]:
    return {
        "name": data.name,
        "id_number": data.id_number,
        "birth_date": data.birth_date.isoformat() if data.birth_date else None,
        "sex": data.sex,
        "phone": data.phone,
        "address": data.address,
        "region_code": data.region_code,
        "latitude": data.latitude,
        "longitude": data.longitude,
        "hukou_type": data.hukou_type,
        "living_situation": data.living_situation,
        "categories": sorted(data.categories),
        "contact": contact,
    }


def import_check(*, ctx: AuditContext, filename: str, fileobj: IO[bytes]) -> ImportBatch:
    """Start the dry run: keep the uploaded file (encrypted) in a new batch and check it in
    the task worker. With ``SILVERCARE_TASKS=immediate`` the check has finished on return.

    The task is enqueued directly rather than on commit: the database task backend writes
    its task row in the same transaction as the batch, so the worker never sees one
    without the other, and the immediate backend then checks the file at once."""
    from silvercare.elders.tasks import run_check

    if not actor_has_perm(ctx.actor, Perm.ELDERS_IMPORT):
        raise DomainError(
            code="permission_denied", status=403, message=_("You may not import elders.")
        )
    content = fileobj.read()
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            created_by=ctx.actor,
            filename=filename[:200],
            state=ImportBatch.State.CHECKING,
            payload_enc=crypto.encrypt(
                base64.b64encode(content).decode("ascii"), purpose=UPLOAD_PURPOSE
            ),
        )
    run_check.enqueue(str(batch.pk), translation.get_language())
    batch.refresh_from_db()
    return batch


def import_check_failed(*, batch_id: str) -> None:
    """The check itself crashed: show the file as unreadable rather than checking forever."""
    ImportBatch.objects.filter(pk=batch_id, state=ImportBatch.State.CHECKING).update(
        state=ImportBatch.State.VALIDATED,
        payload_enc="",
        good_rows=0,
        errors=[
            RowProblem(
                1, "", codes.FILE_INVALID, _("This file could not be checked; save it again.")
            ).as_dict()
        ],
    )


def import_check_run(*, batch_id: str) -> ImportBatch:
    """The dry run (task worker): validate every row and keep the good ones (encrypted) for
    the import. Idempotent: a batch already checked is returned as it is."""
    batch = ImportBatch.objects.select_related("created_by").get(pk=batch_id)
    if batch.state != ImportBatch.State.CHECKING:
        return batch
    ctx = AuditContext(actor=batch.created_by, via="import")
    content = base64.b64decode(crypto.decrypt(batch.payload_enc, purpose=UPLOAD_PURPOSE))
    rows, problems = read_rows(io.BytesIO(content), max_rows=MAX_ROWS)
    del content
    ImportBatch.objects.filter(pk=batch.pk).update(total_rows=len(rows), checked_rows=0)
    regions = dict(Region.objects.filter(level=5).values_list("code", "level"))
    good: list[tuple[int, dict[str, Any]]] = []
    seen: dict[str, int] = {}
    for index, (number, row) in enumerate(rows):
        if index and index % PROGRESS_EVERY == 0:
            ImportBatch.objects.filter(pk=batch.pk).update(checked_rows=index)
        row_problems: list[RowProblem] = []
        values, errors = row_to_values(row)
        data, more = check_elder_fields(values)
        errors += more
        code = data.region_code
        if code and code not in regions:
            row_problems.append(
                RowProblem(
                    number,
                    header_for("region_code"),
                    codes.REGION_UNKNOWN,
                    _("Unknown community code %(code)s.") % {"code": code},
                )
            )
        elif code and not actor_has_perm(ctx.actor, Perm.ELDERS_IMPORT, code):
            row_problems.append(
                RowProblem(
                    number,
                    header_for("region_code"),
                    codes.REGION_OUT_OF_SCOPE,
                    _("Community %(code)s is outside your area.") % {"code": code},
                )
            )
        contact = None
        if values.get("contact"):
            contact, contact_errors = contact_values_check(values["contact"])
            for err in contact_errors:
                row_problems.append(
                    RowProblem(
                        number,
                        header_for(f"contact_{err.field}")
                        if err.field in {"name", "relationship", "phone"}
                        else err.field,
                        err.code,
                        str(err.message),
                    )
                )
        for err in errors:
            row_problems.append(RowProblem(number, _column(err.field), err.code, str(err.message)))
        if data.id_number and not any(p.column == header_for("id_number") for p in row_problems):
            if data.id_number in seen:
                row_problems.append(
                    RowProblem(
                        number,
                        header_for("id_number"),
                        codes.ID_DUPLICATE_IN_FILE,
                        _("The same ID number is already on row %(row)d of this file.")
                        % {"row": seen[data.id_number]},
                    )
                )
            else:
                seen[data.id_number] = number
        problems += row_problems
        if not row_problems:
            good.append((number, _serialise(data, contact)))
    # Duplicates against the database, in chunks of hashes.
    by_hash = {id_hash(payload["id_number"]): (number, payload) for number, payload in good}
    hashes = list(by_hash)
    existing: dict[str, tuple[str, str]] = {}
    for start in range(0, len(hashes), 900):
        for h, pk, region in Elder.objects.filter(
            id_number_hash__in=hashes[start : start + 900]
        ).values_list("id_number_hash", "pk", "region_id"):
            existing[h] = (str(pk), region)
    taken = set(existing)
    # Every hit is audited like a hit from the form (``duplicate_hit`` in the existing
    # record's region), so probing the registry with a spreadsheet leaves a trace too.
    hit_events = [
        {
            "action": AuditAction.DUPLICATE_HIT,
            "entity_type": "elder",
            "entity_id": pk,
            "region_code": region,
            "summary": mask_id_number(by_hash[h][1]["id_number"]),
            "changes": {
                "id_number": mask_id_number(by_hash[h][1]["id_number"]),
                "attempted_in": by_hash[h][1].get("region_code", ""),
                "import_row": by_hash[h][0],
            },
        }
        for h, (pk, region) in existing.items()
    ]
    for h in taken:
        number, _payload = by_hash[h]
        problems.append(
            RowProblem(
                number,
                header_for("id_number"),
                codes.ID_DUPLICATE,
                _("This ID number is already registered."),
            )
        )
    good = [(n, p) for n, p in good if id_hash(p["id_number"]) not in taken]
    problems.sort(key=lambda p: (p.row, p.column))
    with transaction.atomic():
        if hit_events:
            audit_record_many(ctx=ctx, events=hit_events)
        batch.state = ImportBatch.State.VALIDATED
        batch.total_rows = batch.checked_rows = len(rows)
        batch.good_rows = len(good)
        batch.errors = [p.as_dict() for p in problems]
        # The uploaded file is dropped: only the good rows, encrypted, wait for the import.
        batch.payload_enc = (
            crypto.encrypt(json.dumps(good, ensure_ascii=False), purpose=PAYLOAD_PURPOSE)
            if good
            else ""
        )
        batch.save(
            update_fields=[
                "state",
                "total_rows",
                "checked_rows",
                "good_rows",
                "errors",
                "payload_enc",
                "updated_at",
            ]
        )
    return batch


def import_start(*, ctx: AuditContext, batch: ImportBatch) -> ImportBatch:
    """Queue the import of a checked batch's good rows (runs in the task worker)."""
    from silvercare.elders.tasks import run_import

    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.created_by_id != getattr(ctx.actor, "pk", None):
            raise DomainError(code="not_found", status=404, message=_("Not found."))
        if not actor_has_perm(ctx.actor, Perm.ELDERS_IMPORT):
            raise DomainError(
                code="permission_denied", status=403, message=_("You may not import elders.")
            )
        if locked.state not in (ImportBatch.State.VALIDATED, ImportBatch.State.FAILED):
            raise DomainError(
                code="import_already_started",
                status=409,
                message=_("This file has already been imported."),
            )
        locked.state = ImportBatch.State.RUNNING
        locked.save(update_fields=["state", "updated_at"])
        transaction.on_commit(lambda: run_import.enqueue(str(locked.pk), ctx.ip_address))
    return locked


def import_run(*, batch_id: str, ip_address: str | None = None) -> ImportBatch:
    """Import the good rows chunk by chunk; a row whose ID was registered meanwhile is
    skipped and reported. Idempotent: a re-run continues after the rows already in."""
    batch = ImportBatch.objects.select_related("created_by").get(pk=batch_id)
    if batch.state == ImportBatch.State.DONE:
        return batch
    ctx = AuditContext(actor=batch.created_by, ip_address=ip_address, via="import")
    rows: list[list[Any]] = (
        json.loads(crypto.decrypt(batch.payload_enc, purpose=PAYLOAD_PURPOSE))
        if batch.payload_enc
        else []
    )
    chunk = settings.SILVERCARE_IMPORT_CHUNK
    skipped: list[dict[str, Any]] = list(batch.skipped_rows)
    done = batch.imported_rows + len(skipped)
    actor = batch.created_by
    for start in range(done, len(rows), chunk):
        part = rows[start : start + chunk]
        # The rights as they are now, not as at the dry run (re-read for every chunk).
        forget_grants(actor)
        with transaction.atomic():
            hashes = [id_hash(p["id_number"]) for _n, p in part]
            taken = set(
                Elder.objects.filter(id_number_hash__in=hashes).values_list(
                    "id_number_hash", flat=True
                )
            )
            communities = set(
                Region.objects.filter(
                    code__in={p["region_code"] for _n, p in part}, level=5
                ).values_list("code", flat=True)
            )
            elders, contacts, events = [], [], []
            for (number, payload), h in zip(part, hashes, strict=True):
                region_code = payload["region_code"]
                if region_code not in communities:
                    skipped.append({"row": number, "code": codes.REGION_UNKNOWN})
                    continue
                if not actor_has_perm(actor, Perm.ELDERS_IMPORT, region_code):
                    skipped.append({"row": number, "code": codes.REGION_OUT_OF_SCOPE})
                    continue
                if h in taken:
                    skipped.append({"row": number, "code": codes.ID_DUPLICATE})
                    continue
                taken.add(h)
                data = ElderData(**{k: v for k, v in payload.items() if k != "contact"})
                data.categories = set(payload["categories"])
                data.birth_date = dt.date.fromisoformat(payload["birth_date"])
                elder = Elder(created_by=batch.created_by)
                apply_to_model(elder, data)
                elders.append(elder)
                if payload.get("contact"):
                    contacts.append(contact_build(elder, payload["contact"]))
                events.append(
                    {
                        "action": AuditAction.CREATE,
                        "entity_type": "elder",
                        "entity_id": str(elder.pk),
                        "region_code": elder.region_id,
                        "summary": elder.name,
                        "changes": audit_diff(None, data),
                    }
                )
            Elder.objects.bulk_create(elders, batch_size=chunk)
            Contact.objects.bulk_create(contacts, batch_size=chunk)
            audit_record_many(ctx=ctx, events=events)
            ImportBatch.objects.filter(pk=batch.pk).update(
                imported_rows=batch.imported_rows + len(elders), skipped_rows=skipped
            )
            batch.imported_rows += len(elders)
    with transaction.atomic():
        batch.state = ImportBatch.State.DONE
        batch.skipped_rows = skipped
        batch.payload_enc = ""  # the personal data is now in the registry; drop the copy
        batch.save(
            update_fields=["state", "skipped_rows", "payload_enc", "imported_rows", "updated_at"]
        )
        audit_record(
            ctx=ctx,
            action=AuditAction.IMPORT,
            entity_type="import_batch",
            entity_id=str(batch.pk),
            summary=f"{batch.filename}: {batch.imported_rows}",
            changes={"imported": batch.imported_rows, "skipped": len(skipped)},
        )
    return batch
