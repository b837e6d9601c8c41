"""Time the spreadsheet import of 10,000 elders (dry run + import) on the embedded SQLite
database, as `make run` sets it up. Goal from the issue: under one minute on this machine.

    .venv/bin/python bench/import_elders.py [--rows 10000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import platform
import random
import tempfile
import time
from pathlib import Path


def machine() -> str:
    cpu = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="silvercare-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "silvercare.config.settings")
    os.environ["SILVERCARE_TASKS"] = "immediate"
    import django

    django.setup()
    from django.core.management import call_command
    from openpyxl import Workbook
    from stdnum.cn import ric

    from silvercare.accounts.models import User
    from silvercare.audit.services import AuditContext
    from silvercare.demo.city import demo_regions
    from silvercare.elders.importing import import_check, import_run
    from silvercare.elders.models import Elder
    from silvercare.elders.spreadsheet import COLUMNS
    from silvercare.regions.services import regions_load_divisions, regions_upsert

    call_command("migrate", verbosity=0)
    regions_load_divisions()
    rows = demo_regions()
    regions_upsert(rows=rows, is_demo=True)
    communities = [r.code for r in rows if r.level == 5]
    from silvercare.accounts.services import user_create

    user = user_create(
        ctx=AuditContext(actor=None),
        username="bench",
        password="Bench-password-2026",
        grants=[("civil_affairs", "440300000000")],
        check_actor=False,
    )
    rng = random.Random(7)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append([c.header_zh for c in COLUMNS])
    seen: set[str] = set()
    while len(seen) < args.rows:
        birth = dt.date(1930, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 35))
        body = f"440304{birth:%Y%m%d}{rng.randrange(0, 1000):03d}"
        number = body + ric.calc_check_digit(body + "0")
        if number in seen:
            continue
        seen.add(number)
        ws.append(
            [
                "测试" + str(len(seen)),
                number,
                rng.choice(communities),
                f"139{rng.randrange(0, 10**8):08d}",
                "福田区某路1号",
                "",
                "",
                "本地城镇",
                "独居",
                "否",
                "是",
                "否",
                "否",
                "否",
                "",
                "",
                "张三",
                "子女",
                "13800138000",
            ]
        )
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    ctx = AuditContext(actor=User.objects.get(pk=user.pk), via="import")
    started = time.perf_counter()
    batch = import_check(ctx=ctx, filename="bench.xlsx", fileobj=buf)
    checked = time.perf_counter()
    import_run(batch_id=str(batch.pk))
    done = time.perf_counter()
    count = Elder.objects.count()
    print(f"machine: {machine()}")
    print(f"database: SQLite ({workdir})")
    print(f"rows: {args.rows}, problems: {len(batch.errors)}, imported: {count}")
    print(f"dry run (read + validate): {checked - started:.1f} s")
    print(f"import (encrypt + insert + audit): {done - checked:.1f} s")
    print(f"total: {done - started:.1f} s  (goal: < 60 s for 10,000 rows)")


if __name__ == "__main__":
    main()
