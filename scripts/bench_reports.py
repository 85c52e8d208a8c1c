"""Benchmark of the HR summary and the case report (`make bench-reports`).

Seeds a throw-away database with 10,000 and then 100,000 cases (bulk inserts,
spread over a year, half with outcomes) and prints how long the summary takes
as JSON and as PDF, and how long the case report of a case with 200 events
takes. Targets on a 2-core machine: summary over 100,000 cases under 2 s; a
case PDF with 200 events under 300 ms.

BENCH_DATABASE_URL=postgresql://… benchmarks PostgreSQL instead of SQLite.
"""

import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import func, insert, select  # noqa: E402

from casework import create_app  # noqa: E402
from casework.domain.policy import BREACH_CATEGORIES, PLATFORMS, SANCTIONS  # noqa: E402
from casework.extensions import db  # noqa: E402
from casework.models import Case, CaseCategory, Outcome, User, case_subjects  # noqa: E402
from casework.services import demo, exports, summary, workflow  # noqa: E402
from casework.services.users import find_user  # noqa: E402

STAGES = ["reported", "assessment", "rights_suspended", "investigation", "outcome", "referred", "closed"]


def timed(function, repeat=5):
    times = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def bulk_cases(count: int, start_number: int, rng: random.Random) -> None:
    """Insert `count` cases with categories, a subject and (half) an outcome, in chunks."""
    users = db.session.execute(select(User.id, User.department_id).where(User.role == "employee")).all()
    hr_id = find_user("hr@demo.invalid").id
    now = datetime.now(UTC)
    categories = list(BREACH_CATEGORIES)
    platforms = list(PLATFORMS)
    sanctions = [s for s in SANCTIONS if s != "referred_to_contractor"]
    chunk = 5000
    for offset in range(0, count, chunk):
        size = min(chunk, count - offset)
        first_id = (db.session.scalar(select(func.max(Case.id))) or 0) + 1
        cases, cats, subjects, outcomes = [], [], [], []
        for i in range(size):
            case_id = first_id + i
            number = start_number + offset + i
            created = now - timedelta(days=rng.randint(0, 364), minutes=rng.randint(0, 1440))
            stage = rng.choice(STAGES)
            subject_id, department_id = rng.choice(users)
            cases.append(
                dict(
                    id=case_id,
                    reference=f"SMC-BENCH-{number:07d}",
                    kind="breach",
                    source="employee_report",
                    platform=rng.choice(platforms),
                    description="Benchmark case",
                    reporter_id=hr_id,
                    department_id=department_id,
                    stage=stage,
                    version=1,
                    created_at=created,
                    updated_at=created,
                    council_account_involved=False,
                    personal_data_involved=False,
                    safeguarding_concern=False,
                    criminal_offence=False,
                    legal_hold=False,
                    next_deadline_at=created + timedelta(days=28) if stage != "closed" else None,
                    next_deadline_label="Complete the investigation" if stage != "closed" else None,
                )
            )
            for category in rng.sample(categories, k=rng.choice([1, 1, 2])):
                cats.append(dict(case_id=case_id, category=category))
            subjects.append(dict(case_id=case_id, user_id=subject_id))
            if stage in ("outcome", "referred", "closed"):
                outcomes.append(
                    dict(
                        case_id=case_id,
                        finding="substantiated",
                        sanction=rng.choice(sanctions),
                        summary="Bench",
                        decided_by_id=hr_id,
                        decided_at=created + timedelta(days=rng.randint(5, 60)),
                        content_removed=False,
                    )
                )
        db.session.execute(insert(Case), cases)
        db.session.execute(insert(CaseCategory), cats)
        db.session.execute(insert(case_subjects), subjects)
        if outcomes:
            db.session.execute(insert(Outcome), outcomes)
        db.session.commit()


def case_with_events(n_events: int) -> Case:
    hr = find_user("hr@demo.invalid")
    investigator = find_user("manager3@demo.invalid")
    case = db.session.scalars(select(Case).where(Case.reference.like("SMC-2%"), Case.stage == "reported")).first()
    workflow.perform(case, hr, "take_ownership", {}, version=case.version)
    workflow.perform(
        case,
        hr,
        "start_investigation",
        {"investigator": investigator.email, "no_suspension_reason": "Benchmark"},
        version=case.version,
    )
    while len(case.events) < n_events:
        workflow.perform(
            case,
            investigator,
            "add_note",
            {"kind": "note", "text": f"Benchmark note {len(case.events)}"},
            version=case.version,
        )
    db.session.commit()
    return case


def main() -> int:
    url = os.environ.get("BENCH_DATABASE_URL")
    folder = tempfile.mkdtemp(prefix="casework-bench-")
    os.environ["CASEWORK_INSTANCE_PATH"] = folder
    app = create_app({"SQLALCHEMY_DATABASE_URI": url or f"sqlite:///{folder}/bench.db", "SECRET_KEY": "bench"})
    print(f"Database: {'PostgreSQL' if url else 'SQLite'}; {os.cpu_count()} cores")
    rng = random.Random(7)
    with app.app_context():
        if url:
            db.drop_all()
            db.session.execute(db.text("DROP TABLE IF EXISTS alembic_version"))
            db.session.commit()
        upgrade()
        demo.seed(case_count=10)
        db.session.commit()
        case = case_with_events(200)
        hr = find_user("hr@demo.invalid")
        seconds, pdf = timed(lambda: exports.case_report_pdf(case, hr), repeat=7)
        print(
            f"case report PDF, {len(case.events)} events: {seconds * 1000:.0f} ms ({len(pdf) // 1024} KB), "
            f"target 300 ms"
        )
        total = 10
        for target in (10_000, 100_000):
            start = time.perf_counter()
            bulk_cases(target - total, total, rng)
            total = target
            print(f"seeded {target:,} cases in {time.perf_counter() - start:.1f} s")
            period = summary.Period.last_year()
            seconds, data = timed(lambda period=period: summary.build_summary(period).as_json(), repeat=3)
            print(
                f"  summary JSON over {data['opened']:,} cases: {seconds * 1000:.0f} ms"
                + (", target 2000 ms" if target == 100_000 else "")
            )
            seconds, pdf = timed(
                lambda period=period: summary.summary_pdf(summary.build_summary(period), hr, "Bench Council"), repeat=3
            )
            print(f"  summary PDF: {seconds * 1000:.0f} ms ({len(pdf) // 1024} KB)")
            seconds, _ = timed(lambda period=period: summary.summary_csv(summary.build_summary(period)), repeat=3)
            print(f"  summary CSV: {seconds * 1000:.0f} ms")
        if url:
            db.session.remove()
            db.drop_all()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
