"""Two people acting on the same version of a case at the same moment: exactly one wins.

These requests run in real threads, each with its own database connection and
real commits, so they use a database of their own (a file on SQLite, a sibling
database on PostgreSQL) rather than the rolled-back transaction of the other tests.
"""

import threading
import uuid
from datetime import date

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from casework import create_app
from casework.config import normalise_database_url
from casework.domain.intake import ReportInput
from casework.extensions import db
from casework.models import CaseEvent
from casework.services import cases as case_service
from casework.services import users as user_service
from casework.services.audit import verify_all


@pytest.fixture
def separate_app(database_url, tmp_path):
    server = None
    if database_url.startswith("postgres"):
        base = make_url(normalise_database_url(database_url))
        name = f"cw_race_{uuid.uuid4().hex[:12]}"
        server = create_engine(base, isolation_level="AUTOCOMMIT")
        with server.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        url = base.set(database=name).render_as_string(hide_password=False)
    else:
        url = f"sqlite:///{tmp_path / 'race.db'}"
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "test-secret-key",
            "EVIDENCE_DIR": str(tmp_path / "evidence"),
            "SERVER_NAME": None,
        }
    )
    with app.app_context():
        upgrade()
    try:
        yield app
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        if server is not None:
            with server.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            server.dispose()


def _race(app, reference, attempts):
    """Send each (token, body) at once from its own thread; the answers' status codes."""
    barrier = threading.Barrier(len(attempts))
    statuses = [None] * len(attempts)

    def attempt(index, token, body):
        client = app.test_client()
        barrier.wait(timeout=30)
        response = client.post(
            f"/api/v1/cases/{reference}/actions", json=body, headers={"Authorization": f"Bearer {token}"}
        )
        statuses[index] = response.status_code

    threads = [threading.Thread(target=attempt, args=(i, *pair)) for i, pair in enumerate(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return statuses


def test_simultaneous_actions_at_one_version_let_exactly_one_through(separate_app):
    app = separate_app
    with app.app_context():
        user_service.create_department("Housing")
        first = user_service.create_user(
            "first@test.invalid", name="First Manager", role="manager", department="Housing"
        )
        second = user_service.create_user(
            "second@test.invalid", name="Second Manager", role="manager", department="Housing"
        )
        hr = user_service.create_user("hr@test.invalid", name="HR Officer", role="hr")
        subject = user_service.create_user("subject@test.invalid", name="Subject", department="Housing")
        reporter = user_service.create_user("reporter@test.invalid", name="Reporter", department="Housing")
        case = case_service.report_case(
            reporter,
            ReportInput(
                kind="breach",
                subjects=[subject.email],
                categories=["defamation"],
                platform="x",
                incident_date=date(2026, 1, 5),
                description="Said untrue things",
            ),
        )
        reference, version = case.reference, case.version
        tokens = {person.email: user_service.issue_api_token(person) for person in (first, second, hr)}
        db.session.commit()

    statuses = _race(
        app,
        reference,
        [
            (tokens["first@test.invalid"], {"action": "take_ownership", "version": version}),
            (tokens["second@test.invalid"], {"action": "take_ownership", "version": version}),
        ],
    )
    assert sorted(statuses) == [200, 409]

    for round_number in range(4):
        with app.app_context():
            client = app.test_client()
            current = client.get(
                f"/api/v1/cases/{reference}", headers={"Authorization": f"Bearer {tokens['hr@test.invalid']}"}
            ).get_json()
        owner_token = tokens[current["owner"]["email"]]
        note = {"action": "add_note", "kind": "note", "version": current["version"]}
        statuses = _race(
            app,
            reference,
            [
                (owner_token, {**note, "text": f"Owner's note {round_number}"}),
                (tokens["hr@test.invalid"], {**note, "text": f"HR's note {round_number}"}),
            ],
        )
        assert sorted(statuses) == [200, 409], round_number

    with app.app_context():
        actions = db.session.scalars(select(CaseEvent.action).order_by(CaseEvent.seq)).all()
        assert actions == ["reported", "take_ownership"] + ["add_note"] * 4
        assert db.session.scalar(select(func.count()).select_from(CaseEvent)) == 6
        assert verify_all().intact
