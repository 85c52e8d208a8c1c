"""Sign-in limits and lockouts against real gunicorn worker processes (issue 14, 3; issue 15, 2 and 4).

The database (SQLite file, or a throw-away PostgreSQL database when
TEST_DATABASE_URL is set) is migrated and seeded with one person before
gunicorn starts on 127.0.0.1 and a free port, with this checkout's
gunicorn.conf.py. The rate limits are counted in a real Redis started by the
test (redis-server, on a free port). Every request opens a new connection, so
both workers answer (the access log names the process that served each one):

- a run of wrong passwords answers the same, request for request, for a real
  address and for one with no account (the lockout is counted in the database);
- the per-account and per-address limits let exactly their number through,
  across both workers;
- with Redis gone, sign-in still answers and still locks, and each worker logs
  one warning and no traceback;
- several workers counting in memory are refused at start, with a message;
- X-Forwarded-Proto from 127.0.0.1 makes nothing HTTPS unless TRUST_PROXY is set.
"""

import http.client
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import redis
from flask_migrate import upgrade

from casework.extensions import db
from casework.services import users as user_service

from .fresh_database import fresh_database_url, make_app
from .test_gunicorn_concurrency import free_port

ROOT = Path(__file__).resolve().parents[2]
WORKERS = 2
START_TIMEOUT = 30
PASSWORD = "correct-horse-battery-staple"
REAL = "real.person@test.invalid"
FAILED = "Enter a correct email address and password"
LOCKED = "There have been too many attempts to sign in with this email address"
PER_ADDRESS = 25
PER_ACCOUNT = 8


def wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    pytest.fail(f"{what} within {timeout} s")


@pytest.fixture
def redis_server(tmp_path):
    """A real Redis on a free port, stopped afterwards (the test may stop it sooner)."""
    binary = shutil.which("redis-server")
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("redis-server is not installed (apt-get install redis-server)")
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", tmp_path],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    client = redis.Redis(host="127.0.0.1", port=port, socket_connect_timeout=0.5)

    def answering() -> bool:
        try:
            return client.ping()
        except redis.exceptions.RedisError:
            return False

    wait_for(answering, 10, "redis-server did not answer")
    try:
        yield {"port": port, "client": client, "process": process}
    finally:
        process.terminate()
        process.wait(10)


def start_gunicorn(tmp_path, url: str, workers: int, *, settings: str = "", environment: dict | None = None):
    """gunicorn on a free port with `settings` in instance/config.py; (process, port, log path)."""
    instance = tmp_path / f"instance-{workers}-{len(list(tmp_path.iterdir()))}"
    instance.mkdir()
    (instance / "config.py").write_text(settings)
    port = free_port()
    log_path = instance / "gunicorn.log"
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "test-secret-key", "CASEWORK_INSTANCE_PATH": str(instance)}
    for name in ("TRUST_PROXY", "RATELIMIT_STORAGE_URI"):
        env.pop(name, None)
    env.update(environment or {})
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--workers",
                str(workers),
                "--bind",
                f"127.0.0.1:{port}",
                "--no-control-socket",
                "--access-logfile",
                "-",
                "--access-logformat",
                "served-by %(p)s %(m)s %(U)s %(s)s",
                "app:app",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    return process, port, log_path


def stop(process) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


def serving(process, port: int, log_path: Path) -> None:
    def answers() -> bool:
        if process.poll() is not None:
            pytest.fail(f"gunicorn exited with {process.returncode}:\n{log_path.read_text()[-3000:]}")
        try:
            return fetch(port, "GET", "/sign-in")[0] == 200
        except OSError:
            return False

    wait_for(answers, START_TIMEOUT, f"gunicorn did not answer:\n{log_path.read_text()[-3000:]}")


def fetch(port: int, method: str, path: str, *, headers: dict | None = None, body: str | None = None):
    """(status, headers, text) over a new connection."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.headers, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


class Browser:
    """One sign-in form: its session cookie and CSRF token, posted to as often as needed."""

    def __init__(self, port: int):
        self.port = port
        status, headers, html = fetch(port, "GET", "/sign-in")
        assert status == 200
        self.cookie = headers["Set-Cookie"].split(";", 1)[0]
        self.token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html).group(1)

    def sign_in(self, email: str, password: str = "wrong-password-123") -> tuple[str, str]:
        """The answer as a letter (W wrong, L locked, R rate-limited, S signed in) and the page."""
        from urllib.parse import urlencode

        status, _, html = fetch(
            self.port,
            "POST",
            "/sign-in",
            headers={"Cookie": self.cookie, "Content-Type": "application/x-www-form-urlencoded"},
            body=urlencode({"csrf_token": self.token, "email": email, "password": password}),
        )
        if status == 429:
            return "R", html
        if status == 302:
            return "S", html
        assert status == 200, (status, html[:500])
        if LOCKED in html:
            return "L", html
        assert FAILED in html, html[:2000]
        return "W", html


def normalised(html: str, email: str) -> str:
    html = html.replace(email, "EMAIL")
    html = re.sub(r'nonce="[^"]+"', "NONCE", html)
    return re.sub(r'name="csrf_token" (type="hidden" )?value="[^"]+"', "TOKEN", html)


def workers_that_served(log_path: Path, path: str = "/sign-in") -> set[str]:
    return set(re.findall(rf"served-by <?(\d+)>? POST {re.escape(path)} ", log_path.read_text()))


@pytest.fixture
def database(tmp_path):
    """A migrated database with one person who can sign in."""
    with fresh_database_url(tmp_path, "limits") as url:
        app = make_app(url, tmp_path / "seed-instance")
        with app.app_context():
            upgrade()
            user_service.create_user(REAL, name="Real Person", role="employee", password=PASSWORD)
            db.session.commit()
            db.session.remove()
            db.engine.dispose()
        yield url


def test_two_workers_count_sign_ins_together_and_answer_alike_for_unknown_addresses(
    tmp_path, database, redis_server, capsys
):
    settings = (
        f'RATELIMIT_STORAGE_URI = "redis://127.0.0.1:{redis_server["port"]}/0"\n'
        f'SIGN_IN_LIMITS_PER_ADDRESS = "{PER_ADDRESS} per minute"\n'
        f'SIGN_IN_LIMITS_PER_ACCOUNT = "{PER_ACCOUNT} per minute"\n'
    )
    process, port, log_path = start_gunicorn(tmp_path, database, WORKERS, settings=settings)
    try:
        serving(process, port, log_path)
        browser = Browser(port)

        # A real address and one with no account, turn about: the same answers, the same pages
        unknown = "no.account@test.invalid"
        real, made_up = [], []
        for _ in range(7):
            real.append(browser.sign_in(REAL))
            made_up.append(browser.sign_in(unknown))
        assert "".join(a for a, _ in real) == "WWWWLLL"
        assert "".join(a for a, _ in made_up) == "WWWWLLL"
        for (_, page_real), (_, page_unknown) in zip(real, made_up, strict=True):
            assert normalised(page_real, REAL) == normalised(page_unknown, unknown)
        assert browser.sign_in(REAL, PASSWORD)[0] == "L"  # locked, even against the right password

        # The per-account limit, counted across both workers
        redis_server["client"].flushdb()
        answers = "".join(browser.sign_in("one.account@test.invalid")[0] for _ in range(PER_ACCOUNT + 4))
        assert answers == "WWWWLLLL" + "RRRR", answers

        # The per-address limit: every attempt a different address, all from 127.0.0.1, three at a
        # time (so both workers are kept busy): exactly PER_ADDRESS get through
        redis_server["client"].flushdb()
        with ThreadPoolExecutor(3) as pool:
            answers = "".join(
                letter
                for letter, _ in pool.map(browser.sign_in, [f"person.{n}@test.invalid" for n in range(PER_ADDRESS + 5)])
            )
        assert answers.count("R") == 5 and answers.count("W") == PER_ADDRESS, answers

        served = workers_that_served(log_path)
        assert len(served) == WORKERS, f"only {served} served: the test proved nothing about several workers"

        # gunicorn believes no X-Forwarded-Proto without TRUST_PROXY: no HSTS over plain HTTP
        status, headers, _ = fetch(port, "GET", "/sign-in", headers={"X-Forwarded-Proto": "https"})
        assert status == 200 and "Strict-Transport-Security" not in headers

        # Redis goes away: sign-in still answers and still locks; one warning per worker, no traceback
        redis_server["process"].terminate()
        redis_server["process"].wait(10)
        gone = "after.redis@test.invalid"
        answers = "".join(browser.sign_in(gone)[0] for _ in range(6))
        assert answers == "WWWWLL", answers
        assert browser.sign_in(REAL, PASSWORD)[0] == "L"
        assert fetch(port, "GET", "/sign-in")[0] == 200
        log = log_path.read_text()
        assert 1 <= log.count("Rate limit storage unreachable") <= WORKERS, log[-3000:]
        assert "Traceback" not in log, log[-3000:]
    finally:
        stop(process)
    with capsys.disabled():
        print(f"\n[gunicorn {WORKERS} workers, Redis] sign-in limits counted across workers {sorted(served)}")


def test_several_workers_counting_in_memory_are_refused(tmp_path, database):
    process, port, log_path = start_gunicorn(tmp_path, database, WORKERS)
    try:
        assert process.wait(START_TIMEOUT) != 0
    finally:
        stop(process)
    log = log_path.read_text()
    assert f"Casework will not start {WORKERS} worker processes while the rate limits are counted in memory" in log
    assert "RATELIMIT_STORAGE_URI" in log and "Booting worker" not in log


def test_forwarded_headers_count_only_with_trust_proxy(tmp_path, database):
    """One worker may count in memory; with TRUST_PROXY the app believes its proxy's X-Forwarded-Proto."""
    process, port, log_path = start_gunicorn(tmp_path, database, 1, environment={"TRUST_PROXY": "1"})
    try:
        serving(process, port, log_path)
        status, headers, _ = fetch(port, "GET", "/sign-in", headers={"X-Forwarded-Proto": "https"})
        assert status == 200 and "Strict-Transport-Security" in headers
        status, headers, _ = fetch(port, "GET", "/sign-in")
        assert "Strict-Transport-Security" not in headers
        assert "Secure" in headers["Set-Cookie"]
    finally:
        stop(process)
