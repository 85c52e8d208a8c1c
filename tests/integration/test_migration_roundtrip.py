"""Migrations go up and down on both databases (issue 6, Reliability 4).

On a database of the test's own (SQLite file, or a throw-away PostgreSQL
database when TEST_DATABASE_URL is set): an empty database goes up to the
head, down to base and up again, ending with exactly the models' schema; a
database holding the demo council goes down to the first revision and up
again and keeps every row of every table the first revision has, and every
audit chain still verifies.

Tables and columns that later revisions add are dropped by their downgrade,
with whatever they held: that is what a downgrade is. The test names them.
"""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, inspect, select, table

from casework.extensions import db
from casework.models import Case, CaseEvent, Outcome
from casework.services.audit import verify_all
from casework.services.case_search import include_in_schema_comparison
from casework.services.demo import seed

from .fresh_database import fresh_app

FIRST = "0001"


def tables() -> set[str]:
    return set(inspect(db.engine).get_table_names()) - {"alembic_version"}


def revision() -> str | None:
    with db.engine.connect() as connection:
        heads = MigrationContext.configure(connection).get_current_heads()
    return heads[0] if heads else None


def head(app) -> str:
    return ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config()).get_current_head()


def schema_differences() -> list:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                "compare_server_default": True,
                "render_as_batch": True,
                "include_object": include_in_schema_comparison,
            },
        )
        return compare_metadata(context, db.metadata)


def row_counts(names) -> dict[str, int]:
    counts = {name: db.session.scalar(select(func.count()).select_from(table(name))) for name in sorted(names)}
    db.session.commit()
    return counts


def settle() -> None:
    """Close every connection before Alembic changes the schema (SQLite rebuilds tables)."""
    db.session.remove()
    db.engine.dispose()


def test_an_empty_database_goes_up_down_to_base_and_up_again(tmp_path):
    with fresh_app(tmp_path, "updown", migrate=False) as app, app.app_context():
        upgrade()
        assert revision() == head(app)
        at_head = tables()
        assert {"cases", "case_events", "users", "evidence"} <= at_head
        settle()

        downgrade(revision="base")
        settle()
        assert revision() is None
        assert tables() == set(), f"left behind by the downgrade: {tables()}"

        upgrade()
        settle()
        assert revision() == head(app)
        assert tables() == at_head
        assert schema_differences() == []


def test_demo_data_survives_going_down_to_the_first_revision_and_up_again(tmp_path, capsys):
    with fresh_app(tmp_path, "demo", migrate=True) as app, app.app_context():
        seed(case_count=40)
        db.session.commit()
        before = row_counts(tables())
        # Outcome history (superseded outcomes, revision 0006) cannot exist below 0006: the outcome that stands
        # for each case is what a round trip through the first revision keeps
        before["outcomes"] = db.session.scalar(
            select(func.count()).select_from(Outcome).where(Outcome.superseded_at.is_(None))
        )
        events_before = db.session.execute(
            select(CaseEvent.id, CaseEvent.case_id, CaseEvent.seq, CaseEvent.hash).order_by(CaseEvent.id)
        ).all()
        cases_before = db.session.execute(select(Case.id, Case.reference, Case.stage, Case.version)).all()
        assert before["cases"] == 40 and before["case_events"] > 40
        assert verify_all().intact
        settle()

        downgrade(revision=FIRST)
        settle()
        assert revision() == FIRST
        kept_tables = tables()
        assert row_counts(kept_tables) == {name: before[name] for name in kept_tables}
        settle()

        upgrade()
        settle()
        assert revision() == head(app)
        after = row_counts(tables())
        assert {name: after[name] for name in kept_tables} == {name: before[name] for name in kept_tables}
        dropped = {name: before[name] for name in set(before) - kept_tables}
        with capsys.disabled():
            print(
                f"\n[migrations] {sum(before[n] for n in kept_tables)} rows in {len(kept_tables)} tables kept "
                f"through {head(app)} -> {FIRST} -> {head(app)}; tables added after {FIRST} (rows lost by the "
                f"downgrade): {dropped}"
            )
        events_after = db.session.execute(
            select(CaseEvent.id, CaseEvent.case_id, CaseEvent.seq, CaseEvent.hash).order_by(CaseEvent.id)
        ).all()
        cases_after = db.session.execute(select(Case.id, Case.reference, Case.stage, Case.version)).all()
        assert events_after == events_before
        assert sorted(cases_after) == sorted(cases_before)
        result = verify_all()
        assert result.intact, result
        assert result.cases_checked == 40
        settle()
        assert schema_differences() == []
