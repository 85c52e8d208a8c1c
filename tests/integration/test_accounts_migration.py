"""Migration 0013 keeps the accounts already on the register: those live stay approved and are not flagged
as running without approval; a proposal stays a proposal; each publisher's training date becomes a record."""

from datetime import date

from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text

from casework.extensions import db
from casework.models import SocialAccount
from casework.models_accounts import SocialMediaTraining
from casework.services import accounts as register

from .fresh_database import fresh_app

PREVIOUS_HEAD = "0006"


def settle() -> None:
    db.session.remove()
    db.engine.dispose()


def _insert_accounts() -> None:
    db.session.execute(text("INSERT INTO departments (name) VALUES ('Housing')"))
    db.session.execute(
        text(
            "INSERT INTO users (email, name, role, staff_type, active, created_at) VALUES "
            "('admin@test.invalid', 'Ada Admin', 'admin', 'employee', :yes, CURRENT_TIMESTAMP), "
            "('pub@test.invalid', 'Pat Publisher', 'employee', 'employee', :yes, CURRENT_TIMESTAMP)"
        ),
        {"yes": True},
    )
    admin_id = db.session.execute(text("SELECT id FROM users WHERE email = 'admin@test.invalid'")).scalar_one()
    publisher_id = db.session.execute(text("SELECT id FROM users WHERE email = 'pub@test.invalid'")).scalar_one()
    department_id = db.session.execute(text("SELECT id FROM departments")).scalar_one()
    for handle, status, went_live, approved_by in (
        ("@Active", "active", date(2024, 1, 8), admin_id),
        ("@Trial", "trial", date(2026, 10, 1), None),
        ("@Proposed", "proposed", None, None),
        ("@Disabled", "disabled", date(2023, 5, 1), admin_id),
    ):
        db.session.execute(
            text(
                "INSERT INTO social_accounts (platform, handle, department_id, status, went_live_on, trial_ends_on, "
                "approved_by_id, created_at) VALUES ('x', :handle, :department, :status, :went_live, NULL, "
                ":approved_by, CURRENT_TIMESTAMP)"
            ),
            {
                "handle": handle,
                "department": department_id,
                "status": status,
                "went_live": went_live,
                "approved_by": approved_by,
            },
        )
    active_id = db.session.execute(text("SELECT id FROM social_accounts WHERE handle = '@Active'")).scalar_one()
    trial_id = db.session.execute(text("SELECT id FROM social_accounts WHERE handle = '@Trial'")).scalar_one()
    for account_id, trained_on in ((active_id, date(2026, 2, 1)), (trial_id, date(2026, 6, 1))):
        db.session.execute(
            text(
                "INSERT INTO publishing_rights (user_id, account_id, trained_on, granted_by_id, granted_at, status) "
                "VALUES (:user, :account, :trained_on, :admin, CURRENT_TIMESTAMP, 'active')"
            ),
            {"user": publisher_id, "account": account_id, "trained_on": trained_on, "admin": admin_id},
        )
    db.session.commit()


def test_accounts_made_at_the_previous_head_survive_the_upgrade(tmp_path):
    with fresh_app(tmp_path, "accounts", migrate=False) as app, app.app_context():
        upgrade(revision=PREVIOUS_HEAD)
        _insert_accounts()
        settle()

        upgrade()
        settle()
        accounts = {a.handle: a for a in db.session.scalars(select(SocialAccount)).all()}
        assert {h: (a.status, a.decision) for h, a in accounts.items()} == {
            "@Active": ("active", "approved"),
            "@Trial": ("trial", "approved"),
            "@Proposed": ("proposed", None),
            "@Disabled": ("disabled", "approved"),
        }
        assert accounts["@Active"].decided_by.email == "admin@test.invalid"
        today = date(2026, 12, 1)
        for handle in ("@Trial", "@Disabled", "@Proposed"):
            assert register.removal_reason(accounts[handle], today) is None, handle
        # live since 2024 and never recorded as used: the register flags it (7.5), as it should
        assert register.removal_reason(accounts["@Active"], today).startswith("Not used since 8 January 2024")
        trainings = db.session.scalars(select(SocialMediaTraining)).all()
        assert [(t.user.email, t.trained_on, t.refresher_due_on) for t in trainings] == [
            ("pub@test.invalid", date(2026, 6, 1), date(2027, 6, 1))
        ]
        settle()

        downgrade(revision=PREVIOUS_HEAD)
        settle()
        rows = db.session.execute(text("SELECT handle, status FROM social_accounts ORDER BY handle")).all()
        assert [tuple(r) for r in rows] == [
            ("@Active", "active"),
            ("@Disabled", "disabled"),
            ("@Proposed", "proposed"),
            ("@Trial", "trial"),
        ]
        settle()
        upgrade()
        settle()
