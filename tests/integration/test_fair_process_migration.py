"""Migration 0011 keeps every case and outcome made by the previous version: a case about one person
has that person's outcome; a case about two keeps one outcome for both; each breach gets an allegation
per person and category in the report's words; the council became aware of a case when it was reported."""

from datetime import datetime

from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text

from casework.extensions import db
from casework.models import Case, Outcome

from .fresh_database import fresh_app

PREVIOUS_HEAD = "0012"


def settle() -> None:
    db.session.remove()
    db.engine.dispose()


def _insert_cases() -> None:
    db.session.execute(
        text(
            "INSERT INTO users (email, name, role, staff_type, active, created_at) VALUES "
            "('hr@test.invalid', 'Hana HR', 'hr', 'employee', :yes, CURRENT_TIMESTAMP), "
            "('sam@test.invalid', 'Sam Subject', 'employee', 'employee', :yes, CURRENT_TIMESTAMP), "
            "('alex@test.invalid', 'Alex Subject', 'employee', 'employee', :yes, CURRENT_TIMESTAMP)"
        ),
        {"yes": True},
    )
    ids = dict(db.session.execute(text("SELECT email, id FROM users")).all())
    reported = datetime(2026, 5, 4, 9, 30)
    for reference, stage, subjects, categories in (
        ("SMC-2026-00001", "closed", ["sam@test.invalid"], ["defamation", "political"]),
        ("SMC-2026-00002", "outcome", ["sam@test.invalid", "alex@test.invalid"], ["disrepute"]),
    ):
        db.session.execute(
            text(
                "INSERT INTO cases (reference, kind, source, platform, description, council_account_involved, "
                "personal_data_involved, safeguarding_concern, criminal_offence, reporter_id, stage, version, "
                "created_at, updated_at, legal_hold) VALUES (:reference, 'breach', 'employee_report', 'x', "
                "'Posted about a resident', :no, :no, :no, :yes, :hr, :stage, 3, :at, :at, :no)"
            ),
            {
                "reference": reference,
                "stage": stage,
                "hr": ids["hr@test.invalid"],
                "at": reported,
                "no": False,
                "yes": True,
            },
        )
        case_id = db.session.execute(text("SELECT id FROM cases WHERE reference = :r"), {"r": reference}).scalar_one()
        for email in subjects:
            db.session.execute(
                text("INSERT INTO case_subjects (case_id, user_id) VALUES (:c, :u)"), {"c": case_id, "u": ids[email]}
            )
        for category in categories:
            db.session.execute(
                text("INSERT INTO case_categories (case_id, category) VALUES (:c, :k)"), {"c": case_id, "k": category}
            )
        db.session.execute(
            text(
                "INSERT INTO outcomes (case_id, finding, sanction, content_removed, summary, decided_by_id, "
                "decided_at) VALUES (:c, 'substantiated', 'dismissal', :no, 'Decided before', :hr, :at)"
            ),
            {"c": case_id, "hr": ids["hr@test.invalid"], "at": reported, "no": False},
        )
    db.session.commit()


def test_cases_and_outcomes_made_at_the_previous_head_survive_the_upgrade(tmp_path):
    with fresh_app(tmp_path, "process", migrate=False) as app, app.app_context():
        upgrade(revision=PREVIOUS_HEAD)
        _insert_cases()
        settle()

        upgrade()
        settle()
        one, two = db.session.scalars(select(Case).order_by(Case.reference)).all()
        sam = next(s for s in one.subjects if s.email == "sam@test.invalid")
        assert [(a.subject.email, a.category, a.text) for a in one.allegations] == [
            ("sam@test.invalid", "defamation", "Posted about a resident"),
            ("sam@test.invalid", "political", "Posted about a resident"),
        ]
        assert len(two.allegations) == 2
        # One person: their own outcome. Two: one outcome that stands for both, as before
        assert one.outcome.subject_id == sam.id and one.outcome_for(sam.id) is one.outcome
        assert two.outcome.subject_id is None
        assert all(two.outcome_for(s.id) is two.outcome for s in two.subjects)
        assert one.aware_at == one.created_at and one.offence_flagged_at == one.created_at
        assert one.safeguarding_flagged_at is None
        assert db.session.scalar(select(Outcome.sanction).where(Outcome.case_id == one.id)) == "dismissal"
        settle()

        downgrade(revision=PREVIOUS_HEAD)
        settle()
        rows = db.session.execute(text("SELECT reference, stage FROM cases ORDER BY reference")).all()
        assert [tuple(r) for r in rows] == [("SMC-2026-00001", "closed"), ("SMC-2026-00002", "outcome")]
        assert db.session.execute(text("SELECT count(*) FROM outcomes")).scalar_one() == 2
        settle()
        upgrade()
        settle()
