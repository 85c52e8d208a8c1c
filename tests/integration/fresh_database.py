"""A database of a test's own, where commits and rollbacks are real.

As in test_concurrency.py: a temporary SQLite file, or a throw-away database on
the PostgreSQL server of TEST_DATABASE_URL (dropped afterwards).
"""

import os
import uuid
from contextlib import contextmanager
from pathlib import Path

import psycopg
from flask_migrate import upgrade
from sqlalchemy.engine import make_url

from casework import create_app
from casework.extensions import db


def on_postgres() -> bool:
    return (os.environ.get("TEST_DATABASE_URL") or "").startswith("postgres")


def _admin_url(url: str) -> str:
    return make_url(url).set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)


@contextmanager
def fresh_database_url(directory: Path, label: str = "fresh"):
    """The URL of a new, empty database; removed afterwards."""
    base_url = os.environ.get("TEST_DATABASE_URL")
    if not on_postgres():
        yield f"sqlite:///{Path(directory) / f'{label}.db'}"
        return
    name = f"cw_{label}_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(_admin_url(base_url), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(base_url).set(drivername="postgresql", database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(_admin_url(base_url), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def make_app(url: str, instance: Path, **overrides):
    instance = Path(instance)
    instance.mkdir(parents=True, exist_ok=True)
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "test-secret-key",
            "EVIDENCE_DIR": str(instance / "evidence"),
            "SERVER_NAME": None,
            "SESSION_COOKIE_SECURE": False,
            "REMEMBER_COOKIE_SECURE": False,
            **overrides,
        }
    )
    app.instance_path = str(instance)
    return app


@contextmanager
def fresh_app(directory: Path, label: str = "fresh", *, migrate: bool = True, **overrides):
    """An app on a new database (migrated to head unless migrate=False), disposed of afterwards."""
    with fresh_database_url(directory, label) as url:
        app = make_app(url, Path(directory) / f"{label}-instance", **overrides)
        try:
            if migrate:
                with app.app_context():
                    upgrade()
                    db.session.remove()
            yield app
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


# --- a small council with cases in every kind of state, committed ---------------------------

SHARED_FILE = b"Screenshot text: the post named a resident and their street.\n"
UNIQUE_FILE = b"Second screenshot: the post was shared 40 times.\n"
PERSONAL = [
    "subject@test.invalid",
    "Ann Resident",
    "ann@resident.example",
    "Posted Ann Resident's address",
    "Interviewed the subject about the post",
    "The subject will be spoken to",
    "Suspended while it is looked into",
    "screenshot-one.txt",
    "https://www.facebook.com/post/ann",
    "POLICE-12345",
    "Police took no further action",
    "I kept a copy of the post",
]


def populate(app) -> dict:
    """People; a breach case taken through every step to closed (with evidence files, a link, notes, a
    suspension, an outcome and a referral); an open case holding the same file; an abuse case. Committed.

    Returns ids and references. The strings in PERSONAL are the personal content of the closed case.
    """
    import io
    from datetime import date

    from casework.domain.intake import ReportInput
    from casework.models import User
    from casework.services import evidence as evidence_service
    from casework.services import users as user_service
    from casework.services.cases import add_information, report_case
    from casework.services.workflow import perform
    from tests.process_steps import decide, waive_appeals

    with app.app_context():
        user_service.create_department("Housing")

        def person(email, role, **fields):
            return user_service.create_user(
                email, name=email.split("@")[0].replace(".", " ").title(), role=role, **fields
            )

        manager = person("manager@test.invalid", "manager", department="Housing")
        hr = person("hr@test.invalid", "hr")
        investigator = person("investigator@test.invalid", "manager", department="Housing")
        subject = person("subject@test.invalid", "employee", department="Housing", line_manager=manager.email)
        reporter = person("reporter@test.invalid", "employee", department="Housing")
        db.session.flush()

        def act(case, actor, action, **params):
            perform(case, actor, action, params, version=case.version)

        closed = report_case(
            manager,
            ReportInput(
                kind="breach",
                source="public_complaint",
                subjects=[subject.email],
                categories=["confidential_information"],
                platform="facebook",
                content_url="https://www.facebook.com/post/ann",
                incident_date=date(2026, 1, 5),
                description="Posted Ann Resident's address on Facebook.",
                complainant_name="Ann Resident",
                complainant_contact="ann@resident.example",
            ),
        )
        act(closed, hr, "take_ownership")
        add_information(closed, manager, "I kept a copy of the post.")
        act(closed, hr, "suspend_rights", subject=subject.email, reason="Suspended while it is looked into.")
        evidence_service.add_file(closed, hr, io.BytesIO(SHARED_FILE), "screenshot-one.txt", "The post")
        evidence_service.add_file(closed, hr, io.BytesIO(UNIQUE_FILE), "screenshot-two.txt", "Shares")
        evidence_service.add_link(closed, hr, "https://www.facebook.com/post/ann", None, "The post itself")
        act(closed, hr, "start_investigation", investigator=investigator.email)
        act(
            closed,
            investigator,
            "add_note",
            kind="interview",
            interviewee_name="Sam Jones",
            interviewee_role="subject",
            text="Interviewed the subject about the post.",
        )
        decide(
            closed,
            hr,
            sanction="first_written_warning",
            rights_decision="restored",
            summary="The subject will be spoken to and warned.",
        )
        act(
            closed,
            hr,
            "refer",
            agency="police",
            reason="Possible harassment of a resident.",
            agency_reference="POLICE-12345",
        )
        act(
            closed,
            hr,
            "update_referral",
            referral_id=closed.referrals[0].id,
            status="concluded",
            result="Police took no further action.",
        )
        waive_appeals(closed, hr)
        act(closed, hr, "close")

        open_case = report_case(
            reporter,
            ReportInput(
                kind="breach",
                subjects=[subject.email],
                categories=["disrepute"],
                platform="x",
                content_url="https://x.com/post/2",
                incident_date=date(2026, 1, 6),
                description="Shared the same screenshot on X.",
            ),
        )
        act(open_case, hr, "take_ownership")
        evidence_service.add_file(open_case, hr, io.BytesIO(SHARED_FILE), "same.txt", "Same screenshot")

        abuse = report_case(
            reporter,
            ReportInput(
                kind="abuse",
                categories=["abuse"],
                platform="instagram",
                content_url="https://www.instagram.com/p/3",
                incident_date=date(2026, 1, 7),
                description="Abusive comments naming me.",
            ),
        )
        act(abuse, hr, "take_ownership")
        act(abuse, hr, "record_support", text="Arranged a welfare call.")
        db.session.commit()
        result = {
            "closed": closed.reference,
            "closed_id": closed.id,
            "open": open_case.reference,
            "abuse": abuse.reference,
            "hr": hr.id,
            "manager": manager.id,
            "subject": subject.id,
            "reporter": reporter.id,
            "hr_email": hr.email,
            "users": {u.email: u.id for u in db.session.scalars(db.select(User)).all()},
        }
        db.session.remove()
        return result


def report_input_for(text: str):
    """A valid breach report about subject@test.invalid (as populate() creates)."""
    from datetime import date

    from casework.domain.intake import ReportInput

    return ReportInput(
        kind="breach",
        subjects=["subject@test.invalid"],
        categories=["disrepute"],
        platform="x",
        content_url="https://x.com/post/9",
        incident_date=date(2026, 1, 8),
        description=f"Posted about a resident ({text}).",
    )


@contextmanager
def signed_in_council(directory: Path, label: str):
    """`fresh_app` with `populate`'s council (no rate limits, no second step), everyone with TEST_PASSWORD (a
    cheap hash: sign-ins stay quick) and the checked test client: yields the app and populate's ids."""
    from sqlalchemy import select
    from werkzeug.security import generate_password_hash

    from casework.models import User
    from tests.conftest import TEST_PASSWORD, CheckedClient

    with fresh_app(directory, label, RATELIMIT_ENABLED=False, MFA_REQUIRED_ROLES=()) as app:
        app.test_client_class = CheckedClient
        ids = populate(app)
        with app.app_context():
            for user in db.session.scalars(select(User)).all():
                user.password_hash = generate_password_hash(TEST_PASSWORD, method="scrypt:1024:8:1")
            db.session.commit()
            db.session.remove()
        yield app, ids


def signed_in(app, email):
    """A test client signed in as `email` (who has TEST_PASSWORD)."""
    from tests.conftest import TEST_PASSWORD

    client = app.test_client()
    client.fetch_csrf_token()
    assert client.post("/sign-in", data={"email": email, "password": TEST_PASSWORD}).status_code == 302
    return client
