"""Benchmark of the staff directory import (`make bench-import`).

Writes a 20,000-row directory as an HR system exports it (rows in no
particular order, line managers given by employee number or e-mail, 120
departments, every staff type) and imports it into an empty database, then
imports the same file again (nothing changes), then a file in which 500
people moved and 100 left. Target on a 2-core machine: 20,000 rows in under
30 s.

BENCH_DATABASE_URL=postgresql://… benchmarks PostgreSQL instead of SQLite
(its tables are dropped at the start and the end: give it a throw-away database).
"""

import csv
import io
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from casework import create_app  # noqa: E402
from casework.extensions import db  # noqa: E402
from casework.models import AdminEvent, User  # noqa: E402
from casework.services import staff_import  # noqa: E402

ROWS = 20_000
TARGET_SECONDS = 30
HEADINGS = [
    "Employee number",
    "E-mail",
    "First name",
    "Last name",
    "Job title",
    "Department",
    "Line manager",
    "Staff type",
    "Contractor organisation",
    "Start date",
    "Leaving date",
]
TYPES = ["employee"] * 14 + ["apprentice", "volunteer", "casual", "agency", "contractor"]


def directory(rng: random.Random, *, moved: int = 0, left: int = 0) -> bytes:
    people = []
    for i in range(ROWS):
        # A tree: the first 20 report to person 0, the next 600 to one of those, everyone else to one of the 620
        manager = None if i == 0 else rng.randrange(0, 1) if i <= 20 else rng.randrange(1, 21) if i <= 620 else None
        if i > 620:
            manager = rng.randrange(21, 621)
        staff_type = TYPES[i % len(TYPES)]
        people.append(
            {
                "number": f"E{i:06d}",
                "email": f"person.{i}@bench.example",
                "first": f"First{i}",
                "last": f"Last{i}",
                "title": "Officer" if i > 620 else "Manager",
                "department": f"Service area {i % 120}",
                "manager": manager,
                "type": staff_type,
                "org": "Bench Contracting Ltd" if staff_type == "contractor" else "",
                "start": f"{1 + i % 28:02d}/{1 + i % 12:02d}/20{10 + i % 15}",
                "leaving": "",
            }
        )
    rng2 = random.Random(11)
    for person in rng2.sample(people[621:], moved):
        person["department"] = f"Service area {rng2.randrange(120)}"
        person["manager"] = rng2.randrange(21, 621)
    for person in rng2.sample(people[621:], left):
        person["leaving"] = "2026-01-31"
    rows = list(range(ROWS))
    rng.shuffle(rows)  # managers come before or after the people they manage
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADINGS)
    for i in rows:
        p = people[i]
        manager = ""
        if p["manager"] is not None:
            m = people[p["manager"]]
            manager = m["number"] if i % 2 else m["email"]
        writer.writerow(
            [
                p["number"],
                p["email"],
                p["first"],
                p["last"],
                p["title"],
                p["department"],
                manager,
                p["type"],
                p["org"],
                p["start"],
                p["leaving"],
            ]
        )
    return out.getvalue().encode("utf-8")


def run(label: str, data: bytes) -> float:
    start = time.perf_counter()
    plan = staff_import.plan_import(data)
    planned = time.perf_counter() - start
    summary = staff_import.apply_import(plan, actor=None)
    db.session.commit()
    seconds = time.perf_counter() - start
    print(
        f"{label}: {seconds:.1f} s (read and plan {planned:.1f} s) — {summary['added']:,} added, "
        f"{summary['updated']:,} updated, {summary['leavers']:,} leavers, "
        f"{summary['departments_created']} departments, {summary['unchanged']:,} unchanged, "
        f"{summary['bad_rows']} bad rows"
    )
    db.session.expunge_all()
    return seconds


def main() -> int:
    url = os.environ.get("BENCH_DATABASE_URL")
    folder = tempfile.mkdtemp(prefix="casework-bench-")
    os.environ["CASEWORK_INSTANCE_PATH"] = folder
    app = create_app({"SQLALCHEMY_DATABASE_URI": url or f"sqlite:///{folder}/bench.db", "SECRET_KEY": "bench"})
    print(
        f"Staff directory import, {ROWS:,} rows. Database: {'PostgreSQL' if url else 'SQLite'}; {os.cpu_count()} cores"
    )
    rng = random.Random(7)
    first = directory(rng)
    print(f"file: {len(first) / 1_000_000:.1f} MB")
    status = 0
    with app.app_context():
        if url:
            db.drop_all()
            db.session.execute(db.text("DROP TABLE IF EXISTS alembic_version"))
            db.session.commit()
        upgrade()
        seconds = run("first import into an empty database", first)
        print(f"  target {TARGET_SECONDS} s: {'met' if seconds < TARGET_SECONDS else 'MISSED'}")
        status |= seconds >= TARGET_SECONDS
        events = db.session.scalar(select(func.count()).select_from(AdminEvent))
        run("the same file again", first)
        again = db.session.scalar(select(func.count()).select_from(AdminEvent))
        print(f"  admin events written the second time: {again - events} (expected 0)")
        status |= again != events
        run("500 movers and 100 leavers", directory(random.Random(7), moved=500, left=100))
        people = db.session.scalar(select(func.count()).select_from(User))
        print(f"people in Casework: {people:,}")
        if url:
            db.session.remove()
            db.drop_all()
            db.session.execute(db.text("DROP TABLE IF EXISTS alembic_version"))
            db.session.commit()
    return int(status)


if __name__ == "__main__":
    raise SystemExit(main())
