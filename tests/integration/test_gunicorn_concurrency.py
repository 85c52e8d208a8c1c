"""Two app servers, one database, one Redis: many clients at once, and nothing kept in a process
(issue 6, Reliability 1; issue 11, 4).

The database (a SQLite file, or a throw-away PostgreSQL database when
TEST_DATABASE_URL is set) is migrated, seeded and committed; then two gunicorn
processes with two workers each start on two ports, as two machines would run
them: each with its own instance folder and config.py, the same SECRET_KEY,
one database, one evidence store and one Redis (redis-server on a free port)
counting the rate limits. Every request opens a new connection.

- CLIENTS threads send REQUESTS requests each through the JSON API with their
  own bearer token, turn about to each server: some report new cases, the rest
  read one of a few shared cases on one server and act on the version they read
  on the other (take ownership while it is reported, add a note after).
  Nothing may be lost or duplicated and nothing may fail with a 5xx: every
  action answered 200 is in the case's audit trail (and each note's text is
  stored), every action answered 409 left no trace; each case's version went
  up by exactly the number of its successful actions; references are unique
  and without gaps; every audit chain verifies (`flask casework verify-audit`).
- The rate limits are counted once for both servers: a token's API limit and
  an account's sign-in limit let exactly their number through when the
  requests go half to each.
- A browser signed in on one server is signed in on the other, and signing out
  on the other ends the session on the first.
- A change of role or department in the database takes effect on the very next
  request on every worker of both servers, whatever each worker saw before.
"""

import itertools
import os
import re
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from functools import partial

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select, update

from casework.domain.intake import ReportInput
from casework.extensions import db
from casework.models import Case, CaseEvent, Department, Note, User
from casework.services import users as user_service
from casework.services.audit import verify_all
from casework.services.cases import report_case

from .app_servers import (
    REQUEST_TIMEOUT,
    ROOT,
    Browser,
    api,
    from_every_worker,
    running_redis,
    serving,
    start_gunicorn,
    stop,
)
from .fresh_database import fresh_database_url, make_app

SERVERS = 2
WORKERS = 2  # per server
CLIENTS = 8
REQUESTS = 10
HOT_CASES = 3
DEADLINE = 60  # seconds for all clients together; the run normally takes a few
API_PER_TOKEN = 30  # each client above sends at most 3 + 7 * 2 = 17 requests
SIGN_IN_PER_ACCOUNT = 8
PASSWORD = "correct-horse-battery-staple"
SESSION_MANAGER = "session.manager@test.invalid"
MOVING_MANAGER = "moving.manager@test.invalid"
DEMOTED_HR = "demoted.hr@test.invalid"


def seed(app) -> dict:
    """HR officers with API tokens, a subject, HOT_CASES reported cases, and the people of the tests after
    the first (managers who sign in, an HR officer and an employee with tokens), committed."""
    with app.app_context():
        user_service.create_department("Housing")
        user_service.create_department("Parks")
        officers = [
            user_service.create_user(f"hr{n}@test.invalid", name=f"Officer {n}", role="hr") for n in range(CLIENTS)
        ]
        user_service.create_user("subject@test.invalid", name="Subject", role="employee", department="Housing")
        reporter = user_service.create_user(
            "reporter@test.invalid", name="Reporter", role="employee", department="Housing"
        )
        for email, name in ((SESSION_MANAGER, "Sam Session"), (MOVING_MANAGER, "Morgan Moving")):
            user_service.create_user(email, name=name, role="manager", department="Housing", password=PASSWORD)
        demoted = user_service.create_user(DEMOTED_HR, name="Dana Demoted", role="hr")
        limited = user_service.create_user("limited@test.invalid", name="Lee Limited", role="employee")
        db.session.flush()
        tokens = [user_service.issue_api_token(officer, days=1) for officer in officers]
        hot = [report_case(reporter, report_input(f"hot {n}")) for n in range(HOT_CASES)]
        db.session.commit()
        seeded = {
            "tokens": tokens,
            "hot": {case.reference: case.version for case in hot},
            "cases": db.session.scalar(select(func.count()).select_from(Case)),
            "demoted_tokens": {
                (phase, server): user_service.issue_api_token(demoted, days=1)
                for phase in ("before", "after")
                for server in range(SERVERS)
            },
            "limited_token": user_service.issue_api_token(limited, days=1),
        }
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
        return seeded


def report_input(text: str) -> ReportInput:
    return ReportInput(
        kind="breach",
        subjects=["subject@test.invalid"],
        categories=["disrepute"],
        platform="facebook",
        content_url="https://www.facebook.com/post/1",
        incident_date=date(2026, 1, 5),
        description=f"Posted about a resident ({text}).",
    )


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """SERVERS gunicorns with WORKERS processes each on one fresh, seeded database and one Redis; stopped afterwards."""
    directory = tmp_path_factory.mktemp("two-servers")
    with fresh_database_url(directory, "servers") as url, running_redis(directory) as redis_server:
        app = make_app(url, directory / "seed-instance")
        with app.app_context():
            upgrade()
            db.session.remove()
        seeded = seed(app)
        # Each machine's instance/config.py: the same Redis for the rate limits, the same evidence store
        settings = (
            f'RATELIMIT_STORAGE_URI = "{redis_server["url"]}"\n'
            f'API_LIMITS_PER_TOKEN = "{API_PER_TOKEN} per minute"\n'
            f'SIGN_IN_LIMITS_PER_ACCOUNT = "{SIGN_IN_PER_ACCOUNT} per minute"\n'
            f"EVIDENCE_DIR = {str(directory / 'evidence')!r}\n"
            "SESSION_COOKIE_SECURE = False\n"
        )
        servers = [start_gunicorn(directory, url, WORKERS, settings=settings) for _ in range(SERVERS)]
        try:
            for server in servers:
                serving(server)
            yield {"app": app, "servers": servers, "ports": [server.port for server in servers], **seeded}
        finally:
            stop(*servers)
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


def client(ports: list[int], number: int, token: str, hot: list[str], stop_at: float, results: list) -> None:
    """One client: REQUESTS requests, each reading a case and acting on the version it read, or reporting;
    each request to the next server in turn."""
    turn = itertools.count(number)

    def port() -> int:
        return ports[next(turn) % len(ports)]

    for step in range(REQUESTS):
        if time.monotonic() > stop_at:
            results.append({"kind": "timeout"})
            return
        try:
            if step % 4 == 0:
                body = {
                    "kind": "breach",
                    "subjects": ["subject@test.invalid"],
                    "categories": ["disrepute"],
                    "platform": "x",
                    "content_url": f"https://x.com/post/{number}/{step}",
                    "incident_date": "2026-01-05",
                    "description": f"Client {number} report {step}.",
                }
                status, answer = api(port(), "POST", "/api/v1/cases", token, body)
                results.append({"kind": "report", "status": status, "answer": answer})
                continue
            reference = hot[(number + step) % len(hot)]
            status, case = api(port(), "GET", f"/api/v1/cases/{reference}", token)
            results.append({"kind": "read", "status": status, "answer": None if status == 200 else case})
            if status != 200:
                continue
            version = case["version"]
            if case["stage"] == "reported":
                body = {"action": "take_ownership", "version": version}
                text = None
            else:
                text = f"Note from client {number}, step {step}, on version {version}."
                body = {"action": "add_note", "version": version, "kind": "note", "text": text}
            status, answer = api(port(), "POST", f"/api/v1/cases/{reference}/actions", token, body)
            results.append(
                {
                    "kind": "action",
                    "reference": reference,
                    "action": body["action"],
                    "version": version,
                    "text": text,
                    "status": status,
                    "answer": answer if status >= 400 else {"version": answer.get("version")},
                }
            )
        except OSError as error:  # a dropped connection is as bad as a 5xx
            results.append({"kind": "error", "status": None, "answer": repr(error)})


def test_parallel_clients_across_two_servers_lose_nothing(cluster, capsys):
    hot = list(cluster["hot"])
    servers = cluster["servers"]
    logged_from = [server.log_size() for server in servers]
    per_client: list[list] = [[] for _ in range(CLIENTS)]
    started = time.monotonic()
    stop_at = started + DEADLINE
    threads = [
        threading.Thread(
            target=client, args=(cluster["ports"], n, cluster["tokens"][n], hot, stop_at, per_client[n]), daemon=True
        )
        for n in range(CLIENTS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max(1.0, stop_at + REQUEST_TIMEOUT - time.monotonic()))
    elapsed = time.monotonic() - started
    assert not any(thread.is_alive() for thread in threads), "a client is stuck"
    results = [r for rs in per_client for r in rs]

    statuses = Counter(r["status"] for r in results if r["kind"] != "timeout")
    requests = sum(statuses.values())
    actions = [r for r in results if r["kind"] == "action"]
    done = [r for r in actions if r["status"] == 200]
    conflicts = [r for r in actions if r["status"] == 409]
    reports = [r for r in results if r["kind"] == "report" and r["status"] == 201]
    answered_by = [
        server.served_by("POST", f"/api/v1/cases/{reference}/actions", since=start)
        for server, start in zip(servers, logged_from, strict=True)
        for reference in hot
    ]
    with capsys.disabled():
        print(
            f"\n[{SERVERS} gunicorns x {WORKERS} workers, "
            f"{cluster['app'].config['SQLALCHEMY_DATABASE_URI'].split(':')[0]}, Redis] "
            f"{CLIENTS} clients: {requests} requests in {elapsed:.1f} s ({requests / elapsed:.0f}/s); "
            f"{len(reports)} reports, {len(done)} actions succeeded, {len(conflicts)} answered 409; "
            f"statuses {dict(sorted(statuses.items(), key=lambda item: str(item[0])))}"
        )

    assert not [r for r in results if r["kind"] == "timeout"], f"clients ran out of time ({DEADLINE} s)"
    server_errors = [r for r in results if r["status"] is None or r["status"] >= 500]
    logs = "\n".join(server.log()[-1500:] for server in servers)
    assert not server_errors, f"5xx or dropped connections: {server_errors[:5]}\n{logs}"
    unexpected = [r for r in results if r["status"] not in (200, 201, 409)]
    assert not unexpected, unexpected[:5]
    for conflict in conflicts:
        assert conflict["answer"]["error"]["code"] == "conflict"
    assert done, "no action succeeded"
    assert conflicts, "the clients never collided: the test proved nothing"
    workers_per_server = [set().union(*answered_by[n * HOT_CASES : (n + 1) * HOT_CASES]) for n in range(SERVERS)]
    assert all(len(workers) == WORKERS for workers in workers_per_server), (
        f"not every worker of every server acted: {workers_per_server}"
    )

    app = cluster["app"]
    with app.app_context():
        for reference, first_version in cluster["hot"].items():
            case = db.session.scalar(select(Case).where(Case.reference == reference))
            mine = [r for r in done if r["reference"] == reference]
            events = db.session.scalars(
                select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.seq)
            ).all()
            # Every success is in the audit trail, and nothing else was written
            assert Counter(e.action for e in events[1:]) == Counter(r["action"] for r in mine), reference
            assert sum(1 for e in events if e.action == "take_ownership") <= 1
            # No lost update: one version per successful action, each success on a different version
            assert case.version == first_version + len(mine), reference
            assert len({r["version"] for r in mine}) == len(mine), f"two successes on one version of {reference}"
            # Each successful note is stored; no refused note is
            notes = set(db.session.scalars(select(Note.text).where(Note.case_id == case.id)).all())
            assert {r["text"] for r in mine if r["text"]} == notes
            refused = {r["text"] for r in conflicts if r["reference"] == reference and r["text"]}
            assert not refused & notes

        references = db.session.scalars(select(Case.reference)).all()
        assert len(references) == len(set(references)) == cluster["cases"] + len(reports)
        assert {r["answer"]["reference"] for r in reports} <= set(references)
        numbers = sorted(int(reference.rsplit("-", 1)[1]) for reference in references)
        assert numbers == list(range(1, len(references) + 1)), "references have gaps or repeats"
        result = verify_all()
        assert result.intact, result
        db.session.remove()

    command = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", "casework", "verify-audit"],
        cwd=ROOT,
        env={
            **os.environ,
            "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
            "SECRET_KEY": "test-secret-key",
            "CASEWORK_INSTANCE_PATH": app.instance_path,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert command.returncode == 0, command.stderr
    assert "Audit trail intact" in command.stdout


def test_a_tokens_api_limit_is_counted_once_for_both_servers(cluster):
    """Half the requests to each server, four at a time: exactly API_PER_TOKEN get through in all."""
    ports, token = cluster["ports"], cluster["limited_token"]
    with ThreadPoolExecutor(4) as pool:
        answers = list(
            pool.map(lambda n: api(ports[n % SERVERS], "GET", "/api/v1/cases", token), range(API_PER_TOKEN + 10))
        )
    statuses = Counter(status for status, _ in answers)
    assert statuses == {200: API_PER_TOKEN, 429: 10}, statuses
    assert all(body["error"]["code"] == "rate_limited" for status, body in answers if status == 429)
    let_through = Counter(n % SERVERS for n, (status, _) in enumerate(answers) if status == 200)
    assert len(let_through) == SERVERS, f"only one server let requests through: {let_through}"


def test_an_accounts_sign_in_limit_is_counted_once_for_both_servers(cluster):
    """Wrong passwords for one address, turn about to each server: the lockout (in the database) starts at
    the fifth, and the limit lets exactly SIGN_IN_PER_ACCOUNT through."""
    ports = cluster["ports"]
    browser = Browser(ports[0])
    answers = "".join(
        browser.sign_in("one.account@test.invalid", port=ports[n % SERVERS])[0] for n in range(SIGN_IN_PER_ACCOUNT + 4)
    )
    assert answers == "WWWWLLLL" + "RRRR", answers


def test_a_session_started_on_one_server_is_good_on_the_other_until_signed_out_on_either(cluster):
    first, second = cluster["ports"]
    reference = next(iter(cluster["hot"]))
    browser = Browser(first)
    assert browser.sign_in(SESSION_MANAGER, PASSWORD, port=first)[0] == "S"

    status, _, html = browser.get("/", port=second)
    assert status == 200 and "Sam Session" in html
    status, _, html = browser.get(f"/cases/{reference}", port=second)
    assert status == 200 and reference in html
    assert browser.get(f"/cases/{reference}", port=first)[0] == 200

    cookies_before = dict(browser.cookies)
    status, headers, _ = browser.post("/sign-out", {}, port=second)
    assert status == 302 and headers["Location"].endswith("/sign-in")

    # The old cookie opens nothing on the first server (nor on the second) any more
    for port in (first, second):
        replay = Browser(port, cookies=cookies_before)
        status, headers, _ = replay.get(f"/cases/{reference}")
        assert status == 302 and "/sign-in" in headers["Location"], (port, status)
    status, headers, _ = browser.get("/", port=first)
    assert status == 302 and "/sign-in" in headers["Location"]


def test_a_change_of_role_or_department_takes_effect_on_the_next_request_on_both_servers(cluster):
    """A manager of Housing sees a case about a Housing employee; an HR officer sees every case. Each
    worker of both servers answers them first (so whatever a worker keeps, it has seen them). Then the
    manager moves to Parks and the HR officer becomes an employee, in the database only: every worker
    of both servers shows neither of them the case on the next request."""
    servers, ports = cluster["servers"], cluster["ports"]
    reference = next(iter(cluster["hot"]))
    tokens = cluster["demoted_tokens"]
    manager = Browser(ports[0])
    assert manager.sign_in(MOVING_MANAGER, PASSWORD, port=ports[0])[0] == "S"

    def page(port: int) -> int:
        return manager.get(f"/cases/{reference}", port=port)[0]

    def listed(port: int) -> list[str]:
        status, _, html = manager.get(f"/cases?q={reference}", port=port)
        assert status == 200, html[:500]
        return re.findall(r'href="/cases/([A-Z]+-\d+-\d+)"', html)

    def case(port: int, token: str) -> int:
        return api(port, "GET", f"/api/v1/cases/{reference}", token)[0]

    def search(port: int, token: str) -> list[str]:
        status, answer = api(port, "GET", f"/api/v1/cases?q={reference}", token)
        assert status == 200, answer
        return [found["reference"] for found in answer["items"]]

    def answers_everywhere(phase: str) -> dict:
        """From every worker of each server: the manager's case page and search, the HR officer's case and search."""
        found = {}
        for n, server in enumerate(servers):
            port, token = server.port, tokens[(phase, n)]
            for name, send, path in (
                ("page", partial(page, port), f"/cases/{reference}"),
                ("list", partial(listed, port), "/cases"),
                ("api", partial(case, port, token), f"/api/v1/cases/{reference}"),
                ("search", partial(search, port, token), "/api/v1/cases"),
            ):
                found[n, name] = from_every_worker(server, send, "GET", path, workers=WORKERS)
        return found

    before = answers_everywhere("before")
    for n in range(SERVERS):
        assert set(before[n, "page"]) == {200} and set(before[n, "api"]) == {200}, before
        assert all(found == [reference] for found in before[n, "search"] + before[n, "list"]), before

    app = cluster["app"]
    with app.app_context():
        parks = db.session.scalar(select(Department.id).where(Department.name == "Parks"))
        db.session.execute(update(User).where(User.email == MOVING_MANAGER).values(department_id=parks))
        db.session.execute(update(User).where(User.email == DEMOTED_HR).values(role="employee"))
        db.session.commit()
        db.session.remove()

    after = answers_everywhere("after")
    for n in range(SERVERS):
        assert set(after[n, "page"]) == {404} and set(after[n, "api"]) == {404}, after
        assert all(found == [] for found in after[n, "search"] + after[n, "list"]), after
    # Still signed in: the session was not what changed
    status, _, html = manager.get("/", port=ports[1])
    assert status == 200 and "Morgan Moving" in html
