"""Invitations and password resets by e-mail, through the outbox and a real SMTP server (issue 12, item 3)."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from casework.models import AdminEvent, OutboxEmail, PasswordLink, User, clock_at, utcnow
from casework.services import mail, password_links
from casework.services.users import authenticate
from tests.integration.test_mail import smtp_server  # noqa: F401  (a real SMTP server on a free port)

NEW_PASSWORD = "plum orchard lantern 42"


def text_of(response) -> str:
    return response.get_data(as_text=True)


def link_in(body: str) -> str:
    return re.search(r"http://localhost(/set-password/\S+)", body).group(1)


def sent_links(collector) -> list[str]:
    mail.send_pending()
    return [link_in(m.get_content()) for m in collector.messages]


def queued(session, person) -> list[OutboxEmail]:
    return list(session.scalars(select(OutboxEmail).where(OutboxEmail.to_address == person.email)).all())


@pytest.fixture(autouse=True)
def public_url(app, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_URL", "http://localhost")


@pytest.fixture
def admin(make_user):
    return make_user("admin", name="Ada Admin")


def set_password(client, path, password=NEW_PASSWORD, confirm=None):
    page = client.get(path)
    assert page.status_code == 200, text_of(page)
    return client.post(path, data={"new_password": password, "confirm_password": confirm or password})


def test_an_invited_person_sets_a_password_from_the_email_and_signs_in(
    client,
    login_as,
    admin,
    db_session,
    smtp_server,  # noqa: F811
):
    login_as(admin)
    client.get("/admin/people/new")
    response = client.post(
        "/admin/people/new",
        data={
            "email": "new.starter@council.example",
            "name": "New Starter",
            "role": "employee",
            "staff_type": "employee",
        },
    )
    assert response.status_code == 302
    person = db_session.scalar(select(User).where(User.email == "new.starter@council.example"))
    assert not person.can_sign_in
    [message] = (mail.send_pending(), smtp_server.messages)[1]
    assert message["To"] == "new.starter@council.example" and "set your password" in message["Subject"]
    body = message.get_content()
    assert "within 24 hours" in body
    path = link_in(body)
    # Only the link's hash is kept
    token = path.rsplit("/", 1)[1]
    assert token not in str(db_session.scalars(select(PasswordLink.token_hash)).all())
    client.post("/sign-out", data={})
    done = set_password(client, path)
    assert done.status_code == 302 and done.headers["Location"].endswith("/sign-in")
    assert authenticate(person.email, NEW_PASSWORD) == person
    # Used once: the second time changes nothing and says why
    again = client.get(path)
    assert again.status_code == 410 and "already been used" in text_of(again)
    posted = client.post(
        path, data={"new_password": "another long password 9", "confirm_password": "another long password 9"}
    )
    assert posted.status_code == 410 and authenticate(person.email, "another long password 9") is None
    actions = db_session.scalars(select(AdminEvent.action).where(AdminEvent.target_id == person.id)).all()
    assert {"person_added", "invitation_sent", "password_changed"} <= set(actions)


def test_a_newer_link_replaces_the_older_one(client, make_user, db_session, smtp_server):  # noqa: F811
    person = make_user(password=None)
    password_links.invite(person, actor=None)
    password_links.invite(person, actor=None)
    older, newer = sent_links(smtp_server)
    response = client.get(older)
    assert response.status_code == 410 and "A newer link has been sent" in text_of(response)
    assert set_password(client, newer).status_code == 302


def test_a_link_expires_after_24_hours(client, make_user, db_session):
    person = make_user(password=None)
    path = password_links.invite(person, actor=None).removeprefix("http://localhost")
    with clock_at(utcnow() + timedelta(hours=23, minutes=59)):
        assert client.get(path).status_code == 200
    with clock_at(utcnow() + timedelta(hours=24, minutes=1)):
        response = client.post(path, data={"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})
        assert response.status_code == 410 and "expired" in text_of(response)
    assert person.password_hash is None


def test_signing_out_everywhere_or_leaving_ends_a_link(client, login_as, make_user, admin, db_session):
    person = make_user()
    path = password_links.invite(person, actor=None).removeprefix("http://localhost")
    login_as(person)
    client.get("/your-account")
    assert client.post("/your-account/sign-out-everywhere", data={}).status_code == 302
    response = client.get(path)
    assert response.status_code == 410 and "signed out everywhere" in text_of(response)
    # A leaver's link stops working too
    path = password_links.invite(person, actor=None).removeprefix("http://localhost")
    from casework.services import admin as admin_service

    admin_service.disable_person(admin, person)
    assert client.get(path).status_code == 410


def test_a_weak_or_mismatched_password_is_refused_and_the_link_still_works(client, make_user, db_session):
    person = make_user(password=None)
    path = password_links.invite(person, actor=None).removeprefix("http://localhost")
    db_session.commit()  # as the request that sent it did: the refusals below roll back only their own work
    weak = set_password(client, path, password="password")
    assert weak.status_code == 422 and "Error:" in text_of(weak)
    mismatch = set_password(client, path, confirm="something else entirely 1")
    assert mismatch.status_code == 422 and "Enter the same new password twice" in text_of(mismatch)
    assert person.password_hash is None
    assert set_password(client, path).status_code == 302


@pytest.mark.parametrize("token", ["not-a-token", "x" * 500, "%00"])
def test_a_made_up_link_is_refused(client, token):
    response = client.get(f"/set-password/{token}")
    assert response.status_code in (404, 410)
    assert "This link" in text_of(response) or "Page not found" in text_of(response)


def test_forgotten_password_answers_the_same_whether_or_not_the_address_exists(client, make_user, db_session):
    person = make_user(email="known@council.example")
    sign_in = text_of(client.get("/sign-in"))
    assert 'href="/forgotten-password"' in sign_in and "Forgotten your password?" in sign_in
    answers = {}
    for email in ("known@council.example", "unknown@council.example"):
        client.get("/forgotten-password")
        response = client.post("/forgotten-password", data={"email": email})
        assert response.status_code == 200
        main = re.search(r"<main.*</main>", text_of(response), re.S).group(0)
        answers[email] = main.replace(email, "ADDRESS")
    assert answers["known@council.example"] == answers["unknown@council.example"]
    assert "If ADDRESS is the address of a Casework account" in answers["known@council.example"]
    [email] = queued(db_session, person)
    assert "reset your password" in email.subject
    assert db_session.scalar(select(OutboxEmail).where(OutboxEmail.to_address == "unknown@council.example")) is None
    path = link_in(email.body)
    assert set_password(client, path).status_code == 302
    assert authenticate(person.email, NEW_PASSWORD) == person


def test_forgotten_password_needs_an_address(client, db_session):
    client.get("/forgotten-password")
    response = client.post("/forgotten-password", data={"email": ""})
    assert response.status_code == 422 and "Enter your email address" in text_of(response)


def test_the_invite_command_needs_public_url(app, make_user, db_session, monkeypatch):
    person = make_user(password=None)
    db_session.commit()  # the refused command rolls back only its own work
    runner = app.test_cli_runner()
    monkeypatch.setitem(app.config, "PUBLIC_URL", None)
    result = runner.invoke(args=["casework", "invite", person.email])
    assert result.exit_code == 1 and "Set PUBLIC_URL" in result.output
    monkeypatch.setitem(app.config, "PUBLIC_URL", "https://casework.council.example/")
    result = runner.invoke(args=["casework", "invite", person.email])
    assert result.exit_code == 0, result.output
    [email] = queued(db_session, person)
    assert "https://casework.council.example/set-password/" in email.body
    assert runner.invoke(args=["casework", "invite", "nobody@council.example"]).exit_code == 1


def test_admin_sends_a_new_invitation_from_the_person_page(client, login_as, admin, make_user, db_session):
    person = make_user(password=None)
    login_as(admin)
    page = text_of(client.get(f"/admin/people/{person.id}"))
    assert "Send an invitation to set a password" in page
    response = client.post(f"/admin/people/{person.id}/invite", data={})
    assert response.status_code == 302
    assert len(queued(db_session, person)) == 1
    login_as(make_user("hr"))
    client.get("/admin/people")
    assert client.post(f"/admin/people/{person.id}/invite", data={}).status_code == 404
    assert len(queued(db_session, person)) == 1


def test_without_public_url_a_reset_link_is_never_built_from_the_host_header(
    app, client, make_user, db_session, monkeypatch
):
    """Password reset poisoning: a forged Host header must not choose where the e-mailed link points."""
    person = make_user(email="known@council.example")
    monkeypatch.setitem(app.config, "PUBLIC_URL", None)
    with app.test_request_context("/forgotten-password", method="POST", base_url="http://casework.attacker.example"):
        password_links.request_reset(person.email)
    assert queued(db_session, person) == []
    # The demo on this machine still works without the setting
    client.get("/forgotten-password")
    client.post("/forgotten-password", data={"email": person.email})
    [email] = queued(db_session, person)
    assert "http://localhost/set-password/" in email.body
