"""Benchmark of the pages and the API under load (`make bench`).

Seeds a throw-away database with 1,000 and then 100,000 cases (bulk inserts:
2,000 members of staff, cases over two years in every stage with categories,
subjects, owners, events, outcomes and notifications, and one case with 50
events), serves it with gunicorn -w 2 on a free port, signs in as a manager,
HR and an employee (sessions are bound to the User-Agent, so every request
sends the same one) and drives each page with wrk at 8 connections. In the
same run it serves the floor app (../shared/bench: raw sqlite3, no sign-in)
and measures the floor's matching page just before each page, so both see the
machine alike; it prints, for each page, requests/s, p50 and p99 latency, the
SQL statements one request runs, and the ratio to the floor's page (and, for
the HR summary, one request alone); then whether each target of issue 11 is met.

    make bench                                   # SQLite, 1,000 and 100,000 cases, 8 s a page
    .venv/bin/python scripts/bench_pages.py --sizes 1000 --duration 2 --pages list,case
    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432 make bench   # PostgreSQL

The script installs nothing: it says what is missing (wrk is Debian's `wrk`).
On PostgreSQL it makes a database of its own on that server and drops it after.
"""

import argparse
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

USER_AGENT = "casework-bench/1.0"


def _floor_dir() -> Path:
    """BENCH_FLOOR_DIR, else ../shared/bench beside the checkout (or beside its worktree folder)."""
    if os.environ.get("BENCH_FLOOR_DIR"):
        return Path(os.environ["BENCH_FLOOR_DIR"])
    for base in (ROOT.parent, ROOT.parent.parent):
        if (base / "shared" / "bench" / "floor_app.py").exists():
            return base / "shared" / "bench"
    return ROOT.parent / "shared" / "bench"


FLOOR_DIR = _floor_dir()
FLOOR_DB = Path(tempfile.gettempdir()) / "casework-bench-floor" / "cases-100000.db"
STAFF = 2000

# name: (who, path or a function of the seeded facts, the floor's matching page)
PAGES = {
    "list": ("manager", "/cases", "list"),
    "list-filtered": ("manager", "/cases?kind=breach&stage=investigation", "list"),
    "list-late": ("manager", "late", "list"),
    "list-search": ("manager", "search", "list"),
    "list-hr": ("hr", "/cases", "list"),
    "list-employee": ("employee", "/cases", "list"),
    "case": ("manager", "case", "case"),
    "home": ("manager", "/", "list"),
    "my-reports": ("employee", "/my-reports", "list"),
    "notifications": ("manager", "/notifications", "list"),
    "summary": ("hr", "/reports/summary", None),
    "api-list": ("api", "/api/v1/cases", "list"),
}
# Pages whose statements are bounded by issue 11, and the bound
BOUNDED = {"list", "list-filtered", "list-late", "list-search", "list-hr", "list-employee", "case"}
MOST_STATEMENTS = 12
SIGN_INS = {
    "manager": "manager@demo.invalid",
    "hr": "hr@demo.invalid",
    "employee": "employee@demo.invalid",
}


def missing_tools() -> list[str]:
    missing = []
    if shutil.which("wrk") is None:
        missing.append("wrk (a load generator): apt-get install wrk")
    if shutil.which("redis-server") is None:
        missing.append("redis-server (the two workers' shared rate limits): apt-get install redis-server")
    if not (Path(sys.executable).parent / "gunicorn").exists():
        missing.append("gunicorn in the virtualenv: make setup")
    for name in ("floor_app.py", "seed_floor.py"):
        if not (FLOOR_DIR / name).exists():
            missing.append(f"the floor app's {name} in {FLOOR_DIR} (or set BENCH_FLOOR_DIR)")
    return missing


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- seeding --------------------------------------------------------------------------------

WORDS = (
    "posted photo resident address council tenant review comment thread group shared screenshot "
    "manager colleague complaint planning decision parking school meeting street flat repair "
    "account page profile video message abusive political campaign confidential uniform logo "
    "library park bins leisure centre consultation petition rumour joke opinion apology"
).split()
STAGES = (
    ["reported"] * 6
    + ["assessment"] * 6
    + ["rights_suspended"] * 2
    + ["investigation"] * 8
    + ["outcome"] * 5
    + ["referred"] * 2
    + ["closed"] * 71
)


def seed_people(rng):
    """The demo council (its sign-ins) and STAFF more members of staff across its departments."""
    from sqlalchemy import insert, select

    from casework.extensions import db
    from casework.models import Department, User
    from casework.services import demo

    demo.seed(case_count=10)
    db.session.flush()
    departments = db.session.execute(select(Department.id, Department.name)).all()
    managers = dict(db.session.execute(select(User.department_id, User.id).where(User.role == "manager")).all())
    rows = []
    for number in range(STAFF):
        department_id = rng.choice(departments)[0]
        rows.append(
            dict(
                email=f"staff{number:05d}@bench.invalid",
                name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                role="employee",
                staff_type="contractor" if number % 40 == 0 else "employee",
                contractor_org="Bench Contracting Ltd" if number % 40 == 0 else None,
                department_id=department_id,
                line_manager_id=managers.get(department_id),
                active=True,
                failed_logins=0,
                session_epoch=0,
                created_at=datetime.now(UTC) - timedelta(days=800),
            )
        )
    db.session.execute(insert(User), rows)
    db.session.commit()


FIRST_NAMES = "Amy Ben Chloe Dev Ella Finn Grace Hari Isla Jack Kai Lena Max Nia Omar Pia Raj Sara Tom Zoe".split()
LAST_NAMES = "Ahmed Brown Clarke Davies Evans Green Hughes Iqbal Jones Khan Lewis Morgan Patel Roberts Smith".split()


def case_with_events(count: int) -> str:
    """A breach about a Housing member of staff, reported by the demo employee and investigated by the
    demo Housing manager, with notes until it has `count` events. Its reference."""
    from casework.domain.intake import ReportInput
    from casework.extensions import db
    from casework.services import cases as case_service
    from casework.services import workflow
    from casework.services.users import find_user

    employee, hr = find_user("employee@demo.invalid"), find_user("hr@demo.invalid")
    manager = find_user("manager@demo.invalid")
    case = case_service.report_case(
        employee,
        ReportInput(
            kind="breach",
            subjects=["sam.jones@demo.invalid"],
            categories=["confidential_information"],
            platform="facebook",
            content_url="https://www.facebook.com/post/bench",
            incident_date=date.today() - timedelta(days=3),
            description="Posted a photo of a resident's letter in a local Facebook group.",
        ),
    )
    workflow.perform(case, hr, "take_ownership", {}, version=case.version)
    workflow.perform(
        case,
        hr,
        "start_investigation",
        {
            "investigator": manager.email,
            "no_suspension_reason": "No council account involved",
            # Sam's line manager investigates: allowed with a reason (ACAS Code, separation of duties)
            "override_reason": "The only manager in Housing who knows the service",
        },
        version=case.version,
    )
    while len(case.events) < count:
        workflow.perform(
            case,
            manager,
            "add_note",
            {"kind": "note", "text": f"Interview note {len(case.events)}"},
            version=case.version,
        )
    db.session.commit()
    return case.reference


def bulk_cases(count: int, rng) -> None:
    """`count` more cases with categories, subjects, events, outcomes and notifications, in chunks."""
    from sqlalchemy import func, insert, select

    from casework.domain.policy import ABUSE_CATEGORIES, BREACH_CATEGORIES, PLATFORMS
    from casework.extensions import db
    from casework.models import Case, CaseCategory, CaseEvent, Notification, Outcome, User, case_subjects

    staff = db.session.execute(select(User.id, User.department_id).where(User.email.like("%@bench.invalid"))).all()
    employee = db.session.scalar(select(User.id).where(User.email == "employee@demo.invalid"))
    hr = db.session.scalar(select(User.id).where(User.email == "hr@demo.invalid"))
    managers = dict(db.session.execute(select(User.department_id, User.id).where(User.role == "manager")).all())
    now = datetime.now(UTC)
    breach, abuse = list(BREACH_CATEGORIES), list(ABUSE_CATEGORIES)
    platforms = list(PLATFORMS)
    chunk = 5000
    done = 0
    while done < count:
        size = min(chunk, count - done)
        first_id = (db.session.scalar(select(func.max(Case.id))) or 0) + 1
        number = db.session.scalar(select(func.count()).select_from(Case))
        cases, categories, subjects, events, outcomes, notices = [], [], [], [], [], []
        for i in range(size):
            case_id = first_id + i
            created = now - timedelta(days=rng.random() * 730, minutes=rng.randint(0, 1440))
            stage = rng.choice(STAGES)
            kind = "abuse" if rng.random() < 0.2 else "breach"
            reporter_id, department_id = rng.choice(staff)
            if rng.random() < 0.0005:
                reporter_id = employee
            subject = rng.choice(staff)
            if kind == "breach":
                department_id = subject[1]
            owner = None if stage == "reported" else rng.choice([hr, managers.get(department_id, hr)])
            investigator = managers.get(department_id) if stage in ("investigation", "outcome", "closed") else None
            words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(12, 40)))
            cases.append(
                dict(
                    id=case_id,
                    reference=f"SMC-{created.year}-B{number + i:06d}",
                    kind=kind,
                    source="employee_report",
                    platform=rng.choice(platforms),
                    description=f"Someone {words}.",
                    reporter_id=reporter_id,
                    department_id=department_id,
                    owner_id=owner,
                    investigator_id=investigator,
                    stage=stage,
                    version=1,
                    created_at=created,
                    updated_at=created,
                    council_account_involved=False,
                    personal_data_involved=False,
                    safeguarding_concern=False,
                    criminal_offence=False,
                    legal_hold=False,
                    closed_at=created + timedelta(days=40) if stage == "closed" else None,
                    next_deadline_at=created + timedelta(days=28) if stage != "closed" else None,
                    next_deadline_label="Complete the investigation" if stage != "closed" else None,
                )
            )
            for category in rng.sample(breach if kind == "breach" else abuse, k=rng.choice([1, 1, 2])):
                categories.append(dict(case_id=case_id, category=category))
            if kind == "breach":
                subjects.append(dict(case_id=case_id, user_id=subject[0]))
            steps = ["reported", "ownership_taken", "investigation_started", "note_added", "outcome_recorded"]
            for seq, action in enumerate(steps[: 2 + STAGES.index(stage) % 4]):
                events.append(
                    dict(
                        case_id=case_id,
                        seq=seq,
                        at=created + timedelta(hours=seq * 30),
                        actor_id=owner or reporter_id,
                        action=action,
                        data={},
                        prev_hash="0" * 64,
                        hash=f"{case_id:064x}"[:64],
                    )
                )
            if stage in ("outcome", "referred", "closed"):
                outcomes.append(
                    dict(
                        case_id=case_id,
                        finding=rng.choice(["substantiated", "not_substantiated"]),
                        sanction=rng.choice(["no_action", "management_advice", "first_written_warning"]),
                        summary="Decided after the investigation.",
                        decided_by_id=hr,
                        decided_at=created + timedelta(days=rng.randint(5, 60)),
                        content_removed=False,
                    )
                )
            read = created + timedelta(days=2) if created < now - timedelta(days=14) else None
            for person in {managers.get(department_id), hr} - {None}:
                notices.append(
                    dict(
                        user_id=person,
                        case_id=case_id,
                        message=f"SMC-{created.year}-B{number + i:06d}: a new report needs assessment.",
                        created_at=created,
                        read_at=read,
                    )
                )
        db.session.execute(insert(Case), cases)
        db.session.execute(insert(CaseCategory), categories)
        if subjects:
            db.session.execute(insert(case_subjects), subjects)
        db.session.execute(insert(CaseEvent), events)
        if outcomes:
            db.session.execute(insert(Outcome), outcomes)
        db.session.execute(insert(Notification), notices)
        db.session.commit()
        done += size


def analyse() -> None:
    from casework.extensions import db

    if db.engine.dialect.name == "sqlite":
        from casework.services.case_search import optimise_search_indexes

        db.session.execute(db.text("ANALYZE"))
        optimise_search_indexes()  # what the nightly `flask casework optimise-search` does
        db.session.commit()
        return
    # PostgreSQL: VACUUM as well, as autovacuum does on a live database after many inserts. Without it no
    # page of the new rows is marked all-visible, so an index-only scan (the unread count on every page, the
    # list's keyset walks) fetches each row from the table
    db.session.commit()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(db.text("VACUUM ANALYZE"))


# --- what a page costs in statements ---------------------------------------------------------


def statements_per_page(app, facts: dict, names: list[str]) -> dict[str, int]:
    """Each page once in-process, after a first warming request, counting the SQL statements."""
    from sqlalchemy import event

    from casework.extensions import db

    counted: dict[str, int] = {}
    with app.app_context():
        engine = db.engine
    statements: list[str] = []

    def record(connection, cursor, statement, parameters, context, executemany):
        if re.match(r"\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\b", statement, re.IGNORECASE):
            statements.append(statement)

    clients = {}
    for who, email in SIGN_INS.items():
        client = app.test_client()
        client.environ_base["HTTP_USER_AGENT"] = USER_AGENT
        page = client.get("/sign-in").get_data(as_text=True)
        token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)
        response = client.post("/sign-in", data={"email": email, "password": facts["password"], "csrf_token": token})
        assert response.status_code == 302, f"{email} could not sign in"
        clients[who] = client
    clients["api"] = app.test_client()
    clients["api"].environ_base["HTTP_AUTHORIZATION"] = f"Bearer {facts['token']}"
    event.listen(engine, "before_cursor_execute", record)
    try:
        for name in names:
            who, _, _ = PAGES[name]
            path = facts["paths"][name]
            clients[who].get(path)
            statements.clear()
            started = time.perf_counter()
            response = clients[who].get(path)
            if os.environ.get("BENCH_VERBOSE"):
                print(f"  {name}: {(time.perf_counter() - started) * 1000:.0f} ms in-process", flush=True)
            assert response.status_code == 200, f"{path}: {response.status_code}"
            counted[name] = len(statements)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return counted


# --- serving and load ----------------------------------------------------------------------


@contextmanager
def gunicorn(module: str, env: dict, chdir: Path):
    port = free_port()
    log = tempfile.NamedTemporaryFile(prefix="casework-bench-gunicorn-", suffix=".log", delete=False)
    process = subprocess.Popen(  # noqa: S603 (this virtualenv's gunicorn, a module of ours)
        [str(Path(sys.executable).parent / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}", "--chdir", str(chdir)]
        + ["--timeout", "120", module],
        env={**os.environ, **env},
        cwd=chdir,  # gunicorn reads gunicorn.conf.py from here: the app's, and none for the floor
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if process.poll() is not None:
                    raise RuntimeError(f"gunicorn stopped: see {log.name}") from None
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        if process.returncode in (0, -signal.SIGTERM):
            os.unlink(log.name)


def sign_in_cookie(base: str, email: str, password: str) -> str:
    import requests

    session = requests.Session()
    session.headers["User-Agent"] = USER_AGENT
    page = session.get(f"{base}/sign-in").text
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)
    response = session.post(
        f"{base}/sign-in", data={"email": email, "password": password, "csrf_token": token}, allow_redirects=False
    )
    if response.status_code != 302:
        raise RuntimeError(f"{email} could not sign in ({response.status_code})")
    return "; ".join(f"{c.name}={c.value}" for c in session.cookies)


def wrk(url: str, headers: dict, seconds: float, connections: int) -> dict:
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds:g}s", "--latency", "--timeout", "10s"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout  # noqa: S603
    if os.environ.get("BENCH_VERBOSE"):
        print(output)
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    percentiles = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)", output, re.MULTILINE))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: (.*)", output)
    return {
        "rate": rate,
        "p50": to_ms(percentiles.get("50", "0ms")),
        "p99": to_ms(percentiles.get("99", "0ms")),
        "non_2xx": int(bad.group(1)) if bad else 0,
        "socket_errors": errors.group(1).strip() if errors else "",
    }


def to_ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(\w+)", text).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


# --- the run ---------------------------------------------------------------------------------


FLOOR_PAGES = {"list": "/cases?after=0", "case": "/cases/SMC-2026-04242"}


def seed_floor() -> None:
    if not FLOOR_DB.exists():
        print(f"Seeding the floor's database ({FLOOR_DB}) …", flush=True)
        FLOOR_DB.parent.mkdir(parents=True, exist_ok=True)
        seeder = [sys.executable, str(FLOOR_DIR / "seed_floor.py"), str(FLOOR_DB), "100000"]
        subprocess.run(seeder, check=True)  # noqa: S603 (this interpreter and the floor's seeding script)


def floor_page(base: str, name: str, seconds: float, connections: int) -> dict:
    """The floor's page `name` under the same load, measured just before the Casework page it is compared
    with: a machine whose load changes during the run changes both alike."""
    alone(base + FLOOR_PAGES[name], {}, times=3)  # warm up
    return wrk(base + FLOOR_PAGES[name], {}, seconds, connections)


def alone(url: str, headers: dict, times: int = 5) -> float:
    """The median time of `times` requests one after another, in ms (a page's cost with nothing queued)."""
    import requests

    taken = []
    for _ in range(times):
        start = time.perf_counter()
        requests.get(url, headers=headers, timeout=60).raise_for_status()
        taken.append((time.perf_counter() - start) * 1000)
    return sorted(taken)[len(taken) // 2]


def late_page_path(app, facts) -> str:
    """A page 90% of the way down the manager's list: by key where the list pages by key, else by number."""
    from sqlalchemy import func, select

    from casework.extensions import db
    from casework.models import Case
    from casework.services import cases as case_service
    from casework.services.users import find_user
    from casework.services.visibility import visible_cases

    with app.app_context():
        manager = find_user("manager@demo.invalid")
        visible = select(Case).where(visible_cases(manager))
        total = db.session.scalar(select(func.count()).select_from(visible.subquery()))
        per_page = app.config["CASES_PER_PAGE"]
        offset = int(total * 0.9) // per_page * per_page
        if not hasattr(case_service, "decode_position"):
            return f"/cases?page={offset // per_page + 1}"
        case = db.session.scalars(
            visible.order_by(Case.created_at.desc(), Case.id.desc()).offset(max(offset - 1, 0)).limit(1)
        ).first()
        db.session.remove()
        return f"/cases?after={case_service._encode_position(case.created_at, case.id)}"


def run(args) -> int:
    missing = missing_tools()
    if missing:
        print("Missing:\n  " + "\n  ".join(missing))
        return 2
    from flask_migrate import upgrade

    from casework import create_app
    from casework.extensions import db
    from casework.services import demo
    from casework.services import users as user_service
    from casework.services.users import find_user

    url = os.environ.get("BENCH_DATABASE_URL")
    folder = Path(tempfile.mkdtemp(prefix="casework-bench-"))
    # Two workers count rate limits together in Redis (gunicorn.conf.py refuses them otherwise)
    redis_port = free_port()
    redis = subprocess.Popen(  # noqa: S603 (Debian's redis-server, in memory only)
        [
            shutil.which("redis-server"),
            "--port",
            str(redis_port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
    )
    database = None
    if url:
        import psycopg
        from sqlalchemy.engine import make_url

        database = f"casework_bench_{uuid.uuid4().hex[:10]}"
        admin = make_url(url).set(drivername="postgresql", database="postgres").render_as_string(False)
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{database}"')
        url = make_url(url).set(database=database).render_as_string(False)
    else:
        url = f"sqlite:///{folder}/bench.db"
    settings = {
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": "bench-secret-key",
        "MFA_REQUIRED_ROLES": (),
        "API_LIMITS_PER_TOKEN": "1000000 per minute",
        "API_LIMITS_PER_ADDRESS": "1000000 per minute",
        "SIGN_IN_LIMITS_PER_ADDRESS": "100000 per minute",
        "RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:{redis_port}/0",
        # wrk speaks plain HTTP on 127.0.0.1, so the cookies go without Secure (as for make run)
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_SECURE": False,
    }
    (folder / "config.py").write_text("".join(f"{key} = {value!r}\n" for key, value in settings.items()))
    os.environ["CASEWORK_INSTANCE_PATH"] = str(folder)
    app = create_app()
    names = [n for n in (args.pages.split(",") if args.pages else PAGES) if n in PAGES]
    sizes = [int(s) for s in args.sizes.split(",")]
    print(
        f"Database: {'PostgreSQL' if database else 'SQLite'}; {os.cpu_count()} cores; gunicorn -w 2; "
        f"wrk -t1 -c{args.connections} -d{args.duration:g}s; sizes {', '.join(f'{s:,}' for s in sizes)}",
        flush=True,
    )
    rng = random.Random(11)
    results: dict[int, dict] = {}
    try:
        seed_floor()
        with app.app_context():
            upgrade()
            seed_people(rng)
            facts = {"password": demo.DEMO_PASSWORD, "case": case_with_events(50)}
            facts["token"] = user_service.issue_api_token(find_user("hr@demo.invalid"), label="bench")
            db.session.commit()
            total = db.session.scalar(db.text("SELECT count(*) FROM cases"))
            db.session.remove()
        for size in sizes:
            start = time.perf_counter()
            with app.app_context():
                bulk_cases(max(0, size - total), rng)
                total = max(total, size)
                analyse()
                db.session.remove()
            print(
                f"\n{size:,} cases (seeded in {time.perf_counter() - start:.0f} s; "
                f"load average {os.getloadavg()[0]:.1f})",
                flush=True,
            )
            facts["paths"] = {
                name: {"late": None, "search": "/cases?q=resident", "case": f"/cases/{facts['case']}"}.get(path, path)
                for name, (_, path, _) in PAGES.items()
            }
            facts["paths"]["list-late"] = late_page_path(app, facts)
            counts = statements_per_page(app, facts, names)
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
            results[size] = {}
            with (
                gunicorn("app:app", {"CASEWORK_INSTANCE_PATH": str(folder)}, ROOT) as base,
                gunicorn("floor_app:app", {"FLOOR_DB": str(FLOOR_DB)}, FLOOR_DIR) as floor_base,
            ):
                cookies = {who: sign_in_cookie(base, email, facts["password"]) for who, email in SIGN_INS.items()}
                for name in names:
                    who, _, floor_name = PAGES[name]
                    headers = {"User-Agent": USER_AGENT}
                    if who == "api":
                        headers["Authorization"] = f"Bearer {facts['token']}"
                    else:
                        headers["Cookie"] = cookies[who]
                    target = base + facts["paths"][name]
                    floor = floor_page(floor_base, floor_name, args.duration, args.connections) if floor_name else None
                    # Warm up one request at a time: a burst would leave requests queued into the measurement
                    alone(target, headers, times=3)
                    result = wrk(target, headers, args.duration, args.connections)
                    result["statements"] = counts.get(name)
                    result["floor"] = floor["rate"] if floor else None
                    result["ratio"] = result["rate"] / floor["rate"] if floor and floor["rate"] else None
                    result["alone"] = alone(target, headers) if name == "summary" else None
                    results[size][name] = result
                    print(line(name, result), flush=True)
        return report(results, sizes, names)
    finally:
        if database:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
            if args.keep:
                print(f"Kept: {folder} on {url}", flush=True)
            else:
                with psycopg.connect(admin, autocommit=True) as connection:
                    connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        redis.terminate()
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


def line(name: str, r: dict) -> str:
    ratio = f"{r['ratio'] * 100:5.0f}% of {r['floor']:4.0f}" if r["ratio"] is not None else "     -"
    if r["alone"] is not None:
        ratio += f"  alone {r['alone']:.0f} ms"
    problems = []
    if r["non_2xx"]:
        problems.append(f"{r['non_2xx']} not 2xx/3xx")
    if r["socket_errors"]:
        problems.append(f"socket errors {r['socket_errors']}")
    return (
        f"  {name:<15} {r['rate']:8.1f} req/s  p50 {r['p50']:8.1f} ms  p99 {r['p99']:8.1f} ms  "
        f"{r['statements'] if r['statements'] is not None else '-':>3} SQL  floor {ratio}"
        + (f"  ({'; '.join(problems)})" if problems else "")
    )


def report(results: dict, sizes: list[int], names: list[str]) -> int:
    print("\nTargets (issue 11)")
    big, small = max(sizes), min(sizes)
    met = True

    def check(ok: bool, text: str):
        nonlocal met
        met = met and ok
        print(f"  {'met    ' if ok else 'NOT MET'}  {text}")

    for name in names:
        r = results[big][name]
        if not r["rate"]:
            check(False, f"{name}: no request completed at {big:,} cases")
            continue
        if r["ratio"] is not None:
            check(r["ratio"] >= 0.4, f"{name}: {r['ratio'] * 100:.0f}% of the floor at {big:,} cases (at least 40%)")
        if big != small:
            s = results[small][name]
            limit = max(s["p99"] * 1.3, 1.0)
            check(
                r["p99"] <= limit,
                f"{name}: p99 {r['p99']:.0f} ms at {big:,} within 1.3x of {s['p99']:.0f} ms at {small:,}",
            )
        if name in BOUNDED:
            check(
                r["statements"] <= MOST_STATEMENTS,
                f"{name}: {r['statements']} SQL statements (at most {MOST_STATEMENTS})",
            )
        if r["non_2xx"] or r["socket_errors"]:
            check(False, f"{name}: every response 2xx or 3xx, no socket errors")
    if "summary" in names:
        taken = results[big]["summary"]["alone"]
        check(taken < 1000, f"summary: {taken:.0f} ms over {big:,} cases, one request alone (under 1 s)")
    print("Every target met." if met else "Some targets are not met.")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,100000", help="case counts, comma-separated (default 1000,100000)")
    parser.add_argument("--pages", default="", help=f"pages, comma-separated (default all: {','.join(PAGES)})")
    parser.add_argument("--duration", type=float, default=8, help="seconds of load per page (default 8)")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections (default 8)")
    parser.add_argument("--keep", action="store_true", help="keep the database and the instance folder")
    return run(parser.parse_args())


if __name__ == "__main__":
    raise SystemExit(main())
