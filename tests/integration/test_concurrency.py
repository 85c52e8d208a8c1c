"""Two people acting on the same case at once, through the service layer.

Design §6: updates use optimistic locking (`version`), so a stale action gets
"this case changed since you opened it" (Conflict, 409), never a lost update
and never a 500. Each thread here has its own app context, session and
database connection, and commits for real, so these tests run on a database
of their own (a temporary SQLite file, or a throw-away PostgreSQL database
when TEST_DATABASE_URL is set) rather than in the rolled-back test transaction.
"""

import os
import threading
import uuid
from datetime import date

import psycopg
import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from casework import create_app
from casework.domain.intake import ReportInput
from casework.extensions import db
from casework.models import Case, CaseEvent, User
from casework.services import users as user_service
from casework.services.audit import verify_all
from casework.services.cases import add_information, report_case
from casework.services.errors import STALE_MESSAGE, Conflict
from casework.services.events import record_event
from casework.services.workflow import perform

THREAD_TIMEOUT = 60


def _postgres_admin_url(url: str) -> str:
    return make_url(url).set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)


@pytest.fixture
def own_app(tmp_path):
    """An app on a database of its own, built from the migrations and removed afterwards."""
    base_url = os.environ.get("TEST_DATABASE_URL")
    database = None
    if base_url and base_url.startswith("postgres"):
        database = f"cw_concurrency_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(_postgres_admin_url(base_url), autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{database}"')
        url = make_url(base_url).set(database=database).render_as_string(hide_password=False)
    else:
        url = f"sqlite:///{tmp_path / 'concurrency.db'}"
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "test-secret-key",
            "EVIDENCE_DIR": str(tmp_path / "evidence"),
            "SERVER_NAME": None,
        }
    )
    app.instance_path = str(tmp_path)
    try:
        with app.app_context():
            upgrade()
            db.session.remove()
        yield app
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        if database:
            with psycopg.connect(_postgres_admin_url(base_url), autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def is_sqlite(app) -> bool:
    return app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite")


def setup_people(app, managers: int = 2) -> dict:
    """A department with several managers, HR, a subject and a reporter, committed. Returns their ids."""
    with app.app_context():
        user_service.create_department("Housing")

        def user(email, role, **fields):
            return user_service.create_user(email, name=email.split("@")[0].title(), role=role, **fields)

        people = {
            f"manager{n}": user(f"manager{n}@test.invalid", "manager", department="Housing") for n in range(managers)
        }
        people["hr"] = user("hr@test.invalid", "hr")
        people["subject"] = user("subject@test.invalid", "employee", department="Housing", password=None)
        people["reporter"] = user("reporter@test.invalid", "employee", department="Housing")
        db.session.commit()
        ids = {name: person.id for name, person in people.items()}
        db.session.remove()
        return ids


def report(app, reporter_id: int, n: int = 0) -> tuple[int, int]:
    """A committed breach report; returns the case id and its version."""
    with app.app_context():
        reporter = db.session.get(User, reporter_id)
        case = report_case(
            reporter,
            ReportInput(
                kind="breach",
                subjects=["subject@test.invalid"],
                categories=["confidential_information"],
                platform="facebook",
                content_url=f"https://www.facebook.com/post/{n}",
                incident_date=date(2026, 1, 5),
                description=f"Posted a resident's address on Facebook ({n}).",
            ),
        )
        db.session.commit()
        result = case.id, case.version
        db.session.remove()
        return result


def race(app, case_id: int, version: int, moves: list[tuple[int, str, dict]]) -> list:
    """Each (actor id, action, params) in its own thread, all sent with `version` at the same moment.

    On PostgreSQL every thread loads the case before any of them acts, so both
    pass the version check and the database decides. SQLite takes its write
    lock at the start of each transaction (BEGIN IMMEDIATE), so there the
    threads start together and load the case in turn.
    """
    barrier = threading.Barrier(len(moves), timeout=THREAD_TIMEOUT)
    load_first = not is_sqlite(app)
    results: list = [None] * len(moves)

    def act(index, actor_id, action, params):
        with app.app_context():
            try:
                if not load_first:
                    barrier.wait()
                case = db.session.get(Case, case_id)
                actor = db.session.get(User, actor_id)
                if load_first:
                    barrier.wait()
                perform(case, actor, action, params, version=version)
                db.session.commit()
                results[index] = "done"
            except Conflict as conflict:
                db.session.rollback()
                results[index] = conflict
            except Exception as error:  # anything else would be a 500
                db.session.rollback()
                results[index] = error
            finally:
                db.session.remove()

    threads = [
        threading.Thread(target=act, args=(i, actor_id, action, params))
        for i, (actor_id, action, params) in enumerate(moves)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(THREAD_TIMEOUT)
        assert not thread.is_alive(), "a thread is stuck"
    return results


def assert_one_winner(results):
    winners = [r for r in results if r == "done"]
    losers = [r for r in results if r != "done"]
    assert len(winners) == 1, results
    for loser in losers:
        assert isinstance(loser, Conflict), f"the loser got {loser!r}, not a Conflict"
        assert loser.message == STALE_MESSAGE
        assert loser.status == 409
    return results.index("done")


@pytest.mark.parametrize("managers", [2, 4])
def test_managers_taking_ownership_at_once_one_wins(own_app, managers):
    people = setup_people(own_app, managers)
    for round_ in range(3):
        case_id, version = report(own_app, people["reporter"], round_)
        moves = [(people[f"manager{n}"], "take_ownership", {}) for n in range(managers)]
        winner = assert_one_winner(race(own_app, case_id, version, moves))

        with own_app.app_context():
            case = db.session.get(Case, case_id)
            assert case.stage == "assessment"
            assert case.owner_id == moves[winner][0]
            actions = db.session.scalars(
                select(CaseEvent.action).where(CaseEvent.case_id == case_id).order_by(CaseEvent.seq)
            ).all()
            assert actions == ["reported", "take_ownership"]
            assert verify_all().intact
            db.session.remove()


def test_different_actions_on_the_same_version_one_wins(own_app):
    """The owner closes the case while HR suspends rights on the version both had open."""
    people = setup_people(own_app)
    case_id, version = report(own_app, people["reporter"])
    with own_app.app_context():
        case = db.session.get(Case, case_id)
        perform(case, db.session.get(User, people["manager0"]), "take_ownership", {}, version=version)
        db.session.commit()
        version = case.version
        db.session.remove()

    moves = [
        (people["manager0"], "close_no_further_action", {"reason": "Informal advice given."}),
        (people["hr"], "suspend_rights", {"subject": "subject@test.invalid", "reason": "Posted resident data."}),
    ]
    winner = assert_one_winner(race(own_app, case_id, version, moves))

    with own_app.app_context():
        case = db.session.get(Case, case_id)
        if winner == 0:
            assert (case.stage, len(case.suspensions)) == ("closed", 0)
        else:
            assert (case.stage, len(case.suspensions)) == ("rights_suspended", 1)
        events = db.session.scalar(select(func.count()).select_from(CaseEvent).where(CaseEvent.case_id == case_id))
        assert events == 3
        assert verify_all().intact
        db.session.remove()


def test_references_stay_unique_when_many_report_at_once(own_app):
    """SMC-YYYY-NNNNN: sequential per year and never reused, even for the year's first reports."""
    people = setup_people(own_app)
    count = 8
    barrier = threading.Barrier(count, timeout=THREAD_TIMEOUT)
    load_first = not is_sqlite(own_app)  # as in race()
    results: list = [None] * count

    def file_report(index):
        with own_app.app_context():
            try:
                if not load_first:
                    barrier.wait()
                reporter = db.session.get(User, people["reporter"])
                if load_first:
                    barrier.wait()
                case = report_case(
                    reporter,
                    ReportInput(
                        kind="breach",
                        subjects=["subject@test.invalid"],
                        categories=["disrepute"],
                        platform="x",
                        content_url=f"https://x.com/post/{index}",
                        incident_date=date(2026, 1, 5),
                        description=f"Report number {index}.",
                    ),
                )
                db.session.commit()
                results[index] = case.reference
            except Exception as error:
                db.session.rollback()
                results[index] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=file_report, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(THREAD_TIMEOUT)
        assert not thread.is_alive(), "a thread is stuck"

    assert all(isinstance(r, str) for r in results), results
    assert len(set(results)) == count
    years = {r.split("-")[1] for r in results}
    assert len(years) == 1
    numbers = sorted(int(r.split("-")[2]) for r in results)
    assert numbers == list(range(1, count + 1))
    with own_app.app_context():
        stored = db.session.scalars(select(Case.reference)).all()
        assert sorted(stored) == sorted(results)
        assert verify_all().intact
        db.session.remove()


def test_information_added_while_a_manager_acts_one_wins(own_app):
    """The reporter adds information on the version a manager is taking ownership of."""
    people = setup_people(own_app)
    for round_ in range(3):
        case_id, version = report(own_app, people["reporter"], round_)
        barrier = threading.Barrier(2, timeout=THREAD_TIMEOUT)
        load_first = not is_sqlite(own_app)
        results: list = [None, None]

        def act(index, work):
            with own_app.app_context():
                try:
                    if not load_first:
                        barrier.wait()
                    case = db.session.get(Case, case_id)
                    if load_first:
                        barrier.wait()
                    work(case)
                    db.session.commit()
                    results[index] = "done"
                except Exception as error:
                    db.session.rollback()
                    results[index] = error
                finally:
                    db.session.remove()

        def take(case):
            perform(case, db.session.get(User, people["manager0"]), "take_ownership", {}, version=version)

        def inform(case):
            add_information(
                case, db.session.get(User, people["reporter"]), "A screenshot is attached.", version=version
            )

        threads = [threading.Thread(target=act, args=(0, take)), threading.Thread(target=act, args=(1, inform))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(THREAD_TIMEOUT)
            assert not thread.is_alive(), "a thread is stuck"
        assert_one_winner(results)
        with own_app.app_context():
            assert verify_all().intact
            db.session.remove()


def test_events_appended_at_once_stay_one_chain(own_app):
    """Events that do not change the case row (a letter, an export) still queue up behind each other."""
    people = setup_people(own_app)
    case_id, _ = report(own_app, people["reporter"])
    count = 4
    barrier = threading.Barrier(count, timeout=THREAD_TIMEOUT)
    load_first = not is_sqlite(own_app)
    results: list = [None] * count

    def append(index):
        with own_app.app_context():
            try:
                if not load_first:
                    barrier.wait()
                case = db.session.get(Case, case_id)
                actor = db.session.get(User, people["hr"])
                if load_first:
                    barrier.wait()
                record_event(
                    case, actor, "letter_produced", from_stage=case.stage, to_stage=case.stage, data={"n": index}
                )
                db.session.commit()
                results[index] = "done"
            except Exception as error:
                db.session.rollback()
                results[index] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=append, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(THREAD_TIMEOUT)
        assert not thread.is_alive(), "a thread is stuck"
    assert results == ["done"] * count, results
    with own_app.app_context():
        seqs = db.session.scalars(
            select(CaseEvent.seq).where(CaseEvent.case_id == case_id).order_by(CaseEvent.seq)
        ).all()
        assert seqs == list(range(1, count + 2))
        assert verify_all().intact
        db.session.remove()
