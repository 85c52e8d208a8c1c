"""Migration 0005 seals the two-factor secrets already stored in plain text, so people keep their apps
(issue 12, Secrets at rest); its downgrade gives them back as they were."""

from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text

from casework.extensions import db
from casework.models import User
from casework.services import two_factor

from .fresh_database import fresh_app

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def settle() -> None:
    db.session.remove()
    db.engine.dispose()


def test_secrets_in_plain_text_are_sealed_by_the_upgrade_and_restored_by_the_downgrade(tmp_path):
    with fresh_app(tmp_path, "sealing", migrate=False) as app, app.app_context():
        upgrade(revision="0004")
        db.session.execute(
            text(
                "INSERT INTO users (email, name, role, staff_type, active, mfa_secret, failed_logins, created_at) "
                "VALUES ('hr@test.invalid', 'HR', 'hr', 'employee', :active, :secret, 0, CURRENT_TIMESTAMP)"
            ),
            {"active": True, "secret": SECRET},
        )
        db.session.commit()
        settle()

        upgrade()
        settle()
        person = db.session.scalars(select(User).where(User.email == "hr@test.invalid")).one()
        assert person.mfa_secret_sealed and SECRET not in person.mfa_secret_sealed
        assert two_factor.secret_of(person) == SECRET
        settle()

        downgrade(revision="0004")
        settle()
        stored = db.session.execute(text("SELECT mfa_secret FROM users")).scalar_one()
        assert stored == SECRET
        settle()
        upgrade()
        settle()
