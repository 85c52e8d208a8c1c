"""On PostgreSQL, a request that only reads runs its statements outside a transaction until it writes (issue 11).

At READ COMMITTED each statement reads from its own snapshot whether or not it is in a transaction, so
a read sees the same either way; outside one, the request sends no BEGIN or ROLLBACK, and psycopg, which
forgets its prepared statements at every ROLLBACK, keeps them: a page's statements are planned once per
connection. A read request's first write, or a read that locks rows, begins a transaction; a form post
is in a transaction from its first statement.
"""

import pytest
from sqlalchemy import func, select, text

from casework.extensions import db
from casework.models import AccessLog, Case, Department
from tests.integration.fresh_database import on_postgres, signed_in, signed_in_council

pytestmark = pytest.mark.skipif(not on_postgres(), reason="PostgreSQL's transactions and psycopg's prepared statements")


@pytest.fixture
def council(tmp_path):
    with signed_in_council(tmp_path, "pgreads") as council:
        yield council


def pooled(app, read):
    """`read(psycopg connection)` on the pooled connection, as the requests left it."""
    with app.app_context():
        raw = db.engine.raw_connection()
        try:
            return read(raw.driver_connection)
        finally:
            raw.close()


def prepared_statements(app) -> list[str]:
    rows = pooled(app, lambda connection: connection.execute("SELECT statement FROM pg_prepared_statements").fetchall())
    return [row[0] for row in rows]


def test_a_pages_statements_stay_prepared_from_one_request_to_the_next(council):
    app, ids = council
    client = signed_in(app, ids["hr_email"])
    with app.app_context():
        db.engine.dispose()  # one connection from here on, so the one asked below is the one the requests used
    for _ in range(8):  # psycopg prepares a statement at its fifth run
        assert client.get("/cases").status_code == 200
    kept = prepared_statements(app)
    assert any("FROM cases" in statement for statement in kept), kept
    assert client.get("/my-reports").status_code == 200
    assert set(kept) <= set(prepared_statements(app))  # another page's request kept them too


def test_opening_a_case_logs_the_view_in_a_transaction_it_commits(council):
    app, ids = council
    client = signed_in(app, ids["hr_email"])
    with app.app_context():
        before = db.session.scalar(select(func.count()).select_from(AccessLog))
        db.session.remove()
    assert client.get(f"/cases/{ids['open']}").status_code == 200
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AccessLog)) == before + 1
        db.session.remove()
    assert pooled(app, lambda connection: connection.info.transaction_status.name) == "IDLE"


def test_a_read_requests_first_write_begins_a_transaction_so_its_writes_stand_or_fall_together(council):
    app, _ = council
    with app.test_request_context("/cases", method="GET"):
        db.session.scalar(select(func.count()).select_from(Case))
        driver = db.session.connection().connection.driver_connection
        assert driver.autocommit is True  # reading outside a transaction
        db.session.add(Department(name="Parks"))
        db.session.flush()
        assert driver.autocommit is False and driver.info.transaction_status.name == "INTRANS"
        db.session.add(Department(name="Libraries"))
        db.session.flush()
        db.session.rollback()
        db.session.remove()
    with app.app_context():
        names = set(db.session.scalars(select(Department.name)).all())
        db.session.remove()
    assert not names & {"Parks", "Libraries"}


def test_a_read_that_locks_rows_holds_its_lock_in_a_transaction(council):
    app, ids = council
    with app.test_request_context("/cases", method="GET"):
        db.session.execute(select(Case.id).where(Case.reference == ids["open"]).with_for_update())
        driver = db.session.connection().connection.driver_connection
        assert driver.autocommit is False and driver.info.transaction_status.name == "INTRANS"
        locks = db.session.scalar(
            text("SELECT count(*) FROM pg_locks WHERE pid = pg_backend_pid() AND mode = 'RowShareLock'")
        )
        assert locks >= 1
        db.session.rollback()
        db.session.remove()


def test_a_form_post_is_one_transaction_from_its_first_statement(council):
    app, _ = council
    with app.test_request_context("/cases", method="POST"):
        db.session.scalar(select(func.count()).select_from(Case))
        driver = db.session.connection().connection.driver_connection
        assert driver.autocommit is False and driver.info.transaction_status.name == "INTRANS"
        db.session.rollback()
        db.session.remove()
    with app.app_context():  # outside a request (the command line, jobs): the same
        db.session.scalar(select(func.count()).select_from(Case))
        driver = db.session.connection().connection.driver_connection
        assert driver.autocommit is False and driver.info.transaction_status.name == "INTRANS"
        db.session.rollback()
        db.session.remove()


def test_an_engine_asked_for_autocommit_keeps_it_in_and_out_of_requests(council):
    """Creating a database needs autocommit: an engine made with it is left alone."""
    from sqlalchemy import create_engine

    app, _ = council
    with app.app_context():
        engine = create_engine(db.engine.url, isolation_level="AUTOCOMMIT")
    try:
        for method in ("POST", "GET"):
            with app.test_request_context("/", method=method), engine.connect() as connection:
                connection.execute(text("SELECT 1"))
                assert connection.connection.driver_connection.autocommit is True
                connection.execute(text(f"CREATE TEMPORARY TABLE scratch_{method} (n integer)"))
                assert connection.connection.driver_connection.autocommit is True
    finally:
        engine.dispose()
