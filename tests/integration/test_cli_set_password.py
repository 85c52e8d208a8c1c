"""`flask casework set-password`: how a person added on the admin pages gets a password."""

from sqlalchemy import select

from casework.models import AdminEvent
from casework.services.users import authenticate


def test_set_password_lets_the_person_sign_in(app, make_user):
    person = make_user(password=None)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["casework", "set-password", person.email], input="a long new passphrase 7\n")
    assert result.exit_code == 0, result.output
    assert authenticate(person.email, "a long new passphrase 7") is not None


def test_a_weak_password_is_refused_and_nothing_changes(app, make_user, db_session):
    person = make_user(password=None)
    email = person.email
    result = app.test_cli_runner().invoke(args=["casework", "set-password", email], input="short\n")
    assert result.exit_code == 1 and "12 characters" in result.output
    assert authenticate(email, "short") is None
    assert not db_session.scalars(select(AdminEvent).where(AdminEvent.action == "password_changed")).all()
    result = app.test_cli_runner().invoke(args=["casework", "set-password", "nobody@x.invalid"], input="x\n")
    assert result.exit_code == 1
