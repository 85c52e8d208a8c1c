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

import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from flask_migrate import upgrade

from casework.extensions import db
from casework.services import users as user_service

from .app_servers import START_TIMEOUT, Browser, fetch, running_redis, serving, start_gunicorn, stop
from .fresh_database import fresh_database_url, make_app

WORKERS = 2
PASSWORD = "correct-horse-battery-staple"
REAL = "real.person@test.invalid"
PER_ADDRESS = 25
PER_ACCOUNT = 8


@pytest.fixture
def redis_server(tmp_path):
    """A real Redis on a free port, stopped afterwards (the test may stop it sooner)."""
    with running_redis(tmp_path) as server:
        yield server


def normalised(html: str, email: str) -> str:
    html = html.replace(email, "EMAIL")
    html = re.sub(r'nonce="[^"]+"', "NONCE", html)
    return re.sub(r'name="csrf_token" (type="hidden" )?value="[^"]+"', "TOKEN", html)


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
    server = start_gunicorn(tmp_path, database, WORKERS, settings=settings)
    port = server.port
    try:
        serving(server)
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

        served = server.served_by("POST", "/sign-in")
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
        log = server.log()
        assert 1 <= log.count("Rate limit storage unreachable") <= WORKERS, log[-3000:]
        assert "Traceback" not in log, log[-3000:]
    finally:
        stop(server)
    with capsys.disabled():
        print(f"\n[gunicorn {WORKERS} workers, Redis] sign-in limits counted across workers {sorted(served)}")


def test_several_workers_counting_in_memory_are_refused(tmp_path, database):
    server = start_gunicorn(tmp_path, database, WORKERS)
    try:
        assert server.process.wait(START_TIMEOUT) != 0
    finally:
        stop(server)
    log = server.log()
    assert f"Casework will not start {WORKERS} worker processes while the rate limits are counted in memory" in log
    assert "RATELIMIT_STORAGE_URI" in log and "Booting worker" not in log


def test_forwarded_headers_count_only_with_trust_proxy(tmp_path, database):
    """One worker may count in memory; with TRUST_PROXY the app believes its proxy's X-Forwarded-Proto."""
    server = start_gunicorn(tmp_path, database, 1, environment={"TRUST_PROXY": "1"})
    try:
        serving(server)
        status, headers, _ = fetch(server.port, "GET", "/sign-in", headers={"X-Forwarded-Proto": "https"})
        assert status == 200 and "Strict-Transport-Security" in headers
        status, headers, _ = fetch(server.port, "GET", "/sign-in")
        assert "Strict-Transport-Security" not in headers
        assert "Secure" in headers["Set-Cookie"]
    finally:
        stop(server)
