"""Many clients at once against a real gunicorn with several worker processes (issue 6, Reliability 1).

The database (a SQLite file, or a throw-away PostgreSQL database when
TEST_DATABASE_URL is set) is migrated, seeded and committed before gunicorn
starts on 127.0.0.1 and a free port. CLIENTS threads then each send REQUESTS
requests through the JSON API with their own bearer token: some report new
cases, the rest read one of a few shared cases and act on the version they
read (take ownership while it is reported, add a note after). Nothing may be
lost or duplicated and nothing may fail with a 5xx:

- every action answered 200 is in the case's audit trail (and each note's
  text is stored), every action answered 409 left no trace;
- each case's version went up by exactly the number of its successful actions;
- references are unique and without gaps;
- every audit chain verifies (`flask casework verify-audit` exits 0).
"""

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select

from casework.domain.intake import ReportInput
from casework.extensions import db
from casework.models import Case, CaseEvent, Note
from casework.services import users as user_service
from casework.services.audit import verify_all
from casework.services.cases import report_case

from .fresh_database import fresh_database_url, make_app

ROOT = Path(__file__).resolve().parents[2]
WORKERS = 3
CLIENTS = 8
REQUESTS = 10
HOT_CASES = 3
REQUEST_TIMEOUT = 20
DEADLINE = 60  # seconds for all clients together; the run normally takes a few
START_TIMEOUT = 30


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def seed(app) -> dict:
    """HR officers with API tokens, a subject, and HOT_CASES reported cases, committed."""
    with app.app_context():
        user_service.create_department("Housing")
        officers = [
            user_service.create_user(f"hr{n}@test.invalid", name=f"Officer {n}", role="hr") for n in range(CLIENTS)
        ]
        user_service.create_user("subject@test.invalid", name="Subject", role="employee", department="Housing")
        reporter = user_service.create_user(
            "reporter@test.invalid", name="Reporter", role="employee", department="Housing"
        )
        db.session.flush()
        tokens = [user_service.issue_api_token(officer, days=1) for officer in officers]
        hot = [report_case(reporter, report_input(f"hot {n}")) for n in range(HOT_CASES)]
        db.session.commit()
        seeded = {
            "tokens": tokens,
            "hot": {case.reference: case.version for case in hot},
            "cases": db.session.scalar(select(func.count()).select_from(Case)),
        }
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


@pytest.fixture
def server(tmp_path):
    """gunicorn with WORKERS processes on a fresh, seeded database; stopped afterwards."""
    with fresh_database_url(tmp_path, "gunicorn") as url:
        instance = tmp_path / "instance"
        app = make_app(url, instance)
        with app.app_context():
            upgrade()
            db.session.remove()
        seeded = seed(app)
        # This test is about data, not rate limits: several workers may not count them in memory (gunicorn.conf.py)
        (instance / "config.py").write_text("RATELIMIT_ENABLED = False\n")
        port = free_port()
        log_path = tmp_path / "gunicorn.log"
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "SECRET_KEY": "test-secret-key",
            "CASEWORK_INSTANCE_PATH": str(instance),
        }
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "--workers",
                    str(WORKERS),
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--timeout",
                    "60",
                    "--graceful-timeout",
                    "5",
                    "app:app",
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            wait_until_serving(port, process, log_path)
            yield {"app": app, "port": port, "log": log_path, **seeded}
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


def wait_until_serving(port: int, process, log_path: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"gunicorn exited with {process.returncode}:\n{log_path.read_text()[-3000:]}")
        try:
            status, _ = request(port, "GET", "/api/v1/openapi.json")
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    pytest.fail(f"gunicorn did not answer within {START_TIMEOUT} s:\n{log_path.read_text()[-3000:]}")


def request(port: int, method: str, path: str, token: str | None = None, body: dict | None = None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
    try:
        headers = {"Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        connection.request(method, path, body=payload, headers=headers)
        response = connection.getresponse()
        data = response.read()
        try:
            parsed = json.loads(data) if data else None
        except ValueError:
            parsed = data[:500]
        return response.status, parsed
    finally:
        connection.close()


def client(port: int, number: int, token: str, hot: list[str], stop_at: float, results: list) -> None:
    """One client: REQUESTS requests, each reading a case and acting on the version it read, or reporting."""
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
                status, answer = request(port, "POST", "/api/v1/cases", token, body)
                results.append({"kind": "report", "status": status, "answer": answer})
                continue
            reference = hot[(number + step) % len(hot)]
            status, case = request(port, "GET", f"/api/v1/cases/{reference}", token)
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
            status, answer = request(port, "POST", f"/api/v1/cases/{reference}/actions", token, body)
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


def test_parallel_clients_against_gunicorn_lose_nothing(server, capsys):
    hot = list(server["hot"])
    per_client: list[list] = [[] for _ in range(CLIENTS)]
    started = time.monotonic()
    stop_at = started + DEADLINE
    threads = [
        threading.Thread(
            target=client, args=(server["port"], n, server["tokens"][n], hot, stop_at, per_client[n]), daemon=True
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
    with capsys.disabled():
        print(
            f"\n[gunicorn {WORKERS} workers, {server['app'].config['SQLALCHEMY_DATABASE_URI'].split(':')[0]}] "
            f"{CLIENTS} clients: {requests} requests in {elapsed:.1f} s ({requests / elapsed:.0f}/s); "
            f"{len(reports)} reports, {len(done)} actions succeeded, {len(conflicts)} answered 409; "
            f"statuses {dict(sorted(statuses.items(), key=lambda item: str(item[0])))}"
        )

    assert not [r for r in results if r["kind"] == "timeout"], f"clients ran out of time ({DEADLINE} s)"
    server_errors = [r for r in results if r["status"] is None or r["status"] >= 500]
    assert not server_errors, f"5xx or dropped connections: {server_errors[:5]}\n{server['log'].read_text()[-3000:]}"
    unexpected = [r for r in results if r["status"] not in (200, 201, 409)]
    assert not unexpected, unexpected[:5]
    for conflict in conflicts:
        assert conflict["answer"]["error"]["code"] == "conflict"
    assert done, "no action succeeded"
    assert conflicts, "the clients never collided: the test proved nothing"

    app = server["app"]
    with app.app_context():
        for reference, first_version in server["hot"].items():
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
        assert len(references) == len(set(references)) == server["cases"] + len(reports)
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
