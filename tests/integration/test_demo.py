"""The demo council is believable and usable: everyone offered as an owner or investigator can
sign in; cases spread over 18 months with their events, outcomes and closures in order; each
description matches its category; the HR summary and dashboards have figures; the audit chains
verify; a second `make run` prints the sign-ins again; `demo-reset` starts afresh."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from casework import create_app
from casework.domain.policy import Stage
from casework.extensions import db
from casework.models import Case, User, utcnow
from casework.services import users as user_service
from casework.services.audit import verify_all
from casework.services.demo import DEMO_PASSWORD, DESCRIPTIONS, seed
from casework.services.summary import Period, build_summary
from casework.services.workflow import managers_and_hr

CASES = 30


@pytest.fixture
def demo(db_session):
    seed(case_count=CASES)
    db_session.flush()
    return db_session


def test_everyone_offered_as_owner_or_investigator_can_sign_in(demo):
    offered = managers_and_hr()
    assert {person.email for person in offered} >= {"manager2@demo.invalid", "manager3@demo.invalid"}
    for person in offered:
        assert user_service.authenticate(person.email, DEMO_PASSWORD) is not None, person.email


def test_cases_spread_over_18_months_with_their_history_in_order(demo):
    now = utcnow()
    cases = list(demo.scalars(select(Case).order_by(Case.id)))
    assert len(cases) == CASES
    created = sorted(case.created_at for case in cases)
    assert created[0] <= now - timedelta(days=480) and created[-1] >= now - timedelta(days=60)
    months = {(c.created_at.year, c.created_at.month) for c in cases}
    assert len(months) >= 12
    references = [case.reference for case in sorted(cases, key=lambda c: c.created_at)]
    assert references == sorted(references, key=lambda r: (r[4:8], r))  # issued in the order reported
    for case in cases:
        times = [event.at for event in case.events]
        assert times == sorted(times), case.reference
        assert times[0] == case.created_at and times[-1] <= now
        if case.investigation_started_at:
            assert case.created_at < case.investigation_started_at
        if case.outcome is not None:
            assert case.investigation_started_at < case.outcome.decided_at
        if case.stage == Stage.CLOSED:
            assert case.closed_at == times[-1]
            if case.outcome is not None:
                assert case.closed_at > case.outcome.decided_at
                due = case.outcome.appeal_due_on  # none for a contractor: appealed under their own procedures
                assert due is None or case.closed_at.date() > due  # after the appeal window


def test_every_stage_outcomes_and_overdue_items_are_there(demo):
    cases = list(demo.scalars(select(Case)))
    stages = {case.stage for case in cases}
    assert set(Stage) <= stages
    assert sum(1 for c in cases if c.stage != Stage.CLOSED and c.next_deadline_at and c.next_deadline_at < utcnow())
    summary = build_summary(Period.last_year())
    assert summary.opened >= CASES // 2 and summary.by_sanction and summary.outcomes_timed
    assert summary.median_working_days_to_outcome and summary.median_working_days_to_outcome > 5


def test_each_description_matches_its_category(demo):
    for case in demo.scalars(select(Case)):
        options = [
            text for code in case.categories for key in (code, f"{code}_abuse") for text in DESCRIPTIONS.get(key, [])
        ]
        assert case.description in options, (case.reference, case.categories, case.description)


def test_the_demo_audit_chains_verify(demo):
    assert verify_all().intact


def test_a_second_run_prints_the_sign_ins_and_password_again(app, db_session):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["casework", "seed-demo", "--cases", "2", "--if-empty"])
    assert first.exit_code == 0, first.output
    again = runner.invoke(args=["casework", "seed-demo", "--if-empty"])
    assert again.exit_code == 0
    assert "demo data not added" in again.output
    assert "manager2@demo.invalid" in again.output and f"password         {DEMO_PASSWORD}" in again.output


@pytest.fixture
def sqlite_demo_app(tmp_path):
    instance = tmp_path / "instance"
    instance.mkdir()
    database = instance / "casework.db"
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
            "SECRET_KEY": "x",
            "EVIDENCE_DIR": str(instance / "evidence"),
        }
    )
    yield app, database, instance / "evidence"
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def run(app, *args, input=None):
    """`flask casework ARGS`: flask pushes an application context for each command (the test runner does not)."""
    with app.app_context():
        return app.test_cli_runner().invoke(args=["casework", *args], input=input)


def test_demo_reset_starts_afresh(sqlite_demo_app):
    app, database, evidence = sqlite_demo_app
    assert run(app, "demo-reset", "--yes", "--cases", "2").exit_code == 0
    evidence.mkdir(exist_ok=True)
    (evidence / "old-file").write_text("x")
    with app.app_context():
        first_case = db.session.scalar(select(Case.created_at).order_by(Case.id))
    # Asked, and the answer is no: nothing is deleted
    refused = run(app, "demo-reset", "--cases", "3", input="n\n")
    assert refused.exit_code == 1 and "Nothing deleted" in refused.output
    assert (evidence / "old-file").exists()
    result = run(app, "demo-reset", "--cases", "3", input="y\n")
    assert result.exit_code == 0, result.output
    assert f"deletes the demo database {database}" in result.output and "password" in result.output
    assert not (evidence / "old-file").exists()
    with app.app_context():
        assert len(db.session.scalars(select(Case)).all()) == 3
        assert db.session.scalar(select(Case.created_at).order_by(Case.id)) != first_case
        assert verify_all().intact


def test_demo_reset_never_deletes_a_database_with_real_people(sqlite_demo_app):
    app, database, _ = sqlite_demo_app
    assert run(app, "demo-reset", "--yes", "--cases", "1").exit_code == 0
    with app.app_context():
        user_service.create_user("jo.bloggs@council.example", name="Jo Bloggs")
        db.session.commit()
    refused = run(app, "demo-reset", "--yes")
    assert refused.exit_code == 1 and "jo.bloggs@council.example" in refused.output
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == "jo.bloggs@council.example")) is not None


def test_the_register_shows_an_account_at_each_step(demo):
    """Social Networking Policy 7.2-7.5: a proposal waiting for the Communications team, an account on its
    trial, and one unused for months flagged for removal; the long-standing accounts are not flagged."""
    from casework.services import accounts as register

    entries = {entry.account.handle: entry for entry in register.list_accounts()}
    assert entries["Demo Borough Libraries"].account.status == "proposed"
    assert entries["Demo Borough Libraries"].account.purpose
    assert entries["@demoborough_youth"].account.status == "trial"
    assert entries["@demoborough_youth"].account.trial_ends_on > utcnow().date()
    assert entries["DemoBoroughEvents"].removal_reason.startswith("Not used since")
    for handle in ("DemoBoroughHousing", "@DemoBorough", "@demoborough_parks"):
        assert entries[handle].removal_reason is None, handle
