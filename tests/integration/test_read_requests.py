"""On SQLite, a request that only reads never waits for the write lock (issue 11).

Another process holds SQLite's write lock (as a long write would) while people
open the case list, the home page, My reports, notifications, the HR summary
and the API's list: each answers at once. Opening a case writes its access
log, so that request waits for the lock and then logs the view: writes still
take turns.
"""

import sqlite3
import threading
import time

import pytest
from sqlalchemy import func, select

from casework.extensions import db
from casework.models import AccessLog, User
from casework.services import users as user_service
from tests.integration.fresh_database import on_postgres, signed_in, signed_in_council

pytestmark = pytest.mark.skipif(on_postgres(), reason="SQLite's write lock; PostgreSQL readers never take one")

READ_PAGES = [
    "/",
    "/cases",
    "/cases?kind=breach&stage=closed",
    "/my-reports",
    "/notifications",
    "/reports/summary",
]


@pytest.fixture
def council(tmp_path):
    with signed_in_council(tmp_path, "reads") as (app, ids):
        with app.app_context():
            ids["token"] = user_service.issue_api_token(db.session.get(User, ids["hr"]))
            db.session.commit()
            db.session.remove()
        ids["path"] = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
        yield app, ids


class WriteLock:
    """SQLite's write lock, held by another connection until released."""

    def __init__(self, path):
        self.connection = sqlite3.connect(path, timeout=0, isolation_level=None)

    def __enter__(self):
        self.connection.execute("BEGIN IMMEDIATE")
        return self

    def __exit__(self, *exc):
        self.connection.execute("ROLLBACK")
        self.connection.close()


def in_thread(work):
    results = []
    thread = threading.Thread(target=lambda: results.append(work()), daemon=True)
    thread.start()
    return thread, results


def test_pages_that_only_read_answer_while_another_process_holds_the_write_lock(council):
    app, ids = council
    hr = signed_in(app, ids["hr_email"])
    headers = {"Authorization": f"Bearer {ids['token']}"}
    assert hr.get("/api/v1/cases", headers=headers).status_code == 200  # the token's use is recorded now

    def read_everything():
        statuses = {path: hr.get(path).status_code for path in READ_PAGES}
        statuses["/api/v1/cases"] = hr.get("/api/v1/cases", headers=headers).status_code
        return statuses

    with WriteLock(ids["path"]):
        thread, results = in_thread(read_everything)
        thread.join(timeout=20)
        assert not thread.is_alive(), "a page that only reads waited for the write lock"
    assert results == [dict.fromkeys([*READ_PAGES, "/api/v1/cases"], 200)]


def test_opening_a_case_waits_for_the_lock_then_logs_the_view(council):
    app, ids = council
    hr = signed_in(app, ids["hr_email"])
    with app.app_context():
        before = db.session.scalar(select(func.count()).select_from(AccessLog))
        db.session.remove()

    with WriteLock(ids["path"]):
        thread, results = in_thread(lambda: hr.get(f"/cases/{ids['open']}"))
        time.sleep(1.0)
        assert thread.is_alive(), "the access log was written while another process held the write lock"
    thread.join(timeout=20)
    assert not thread.is_alive()
    assert results[0].status_code == 200
    assert ids["open"] in results[0].get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AccessLog)) == before + 1
        db.session.remove()


def test_a_read_request_that_writes_after_reading_never_fails_for_a_newer_write(council):
    """A read transaction cannot be upgraded once another process has written since it began:
    the case page's access log must still be written, after the page's reads."""
    app, ids = council
    hr = signed_in(app, ids["hr_email"])
    other = sqlite3.connect(ids["path"], timeout=30, isolation_level=None)
    try:
        for number in range(5):
            other.execute("UPDATE users SET name = ? WHERE id = ?", (f"Renamed {number}", ids["reporter"]))
            response = hr.get(f"/cases/{ids['abuse']}")
            assert response.status_code == 200
    finally:
        other.close()
