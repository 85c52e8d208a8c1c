"""Sessions and API tokens (issue 6, Security 3): timeouts, renewal, signing out everywhere, tokens."""

import hashlib
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from casework.models import AdminEvent, ApiToken, utcnow
from casework.services import users as user_service
from tests.conftest import TEST_PASSWORD


def text(response) -> str:
    return response.get_data(as_text=True)


def signed_in(client) -> bool:
    return client.get("/").status_code == 200


def sign_in(client, user):
    client.get("/sign-in")
    response = client.post("/sign-in", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    return client


def events(db_session, user, action):
    return db_session.scalars(
        select(AdminEvent).where(AdminEvent.target_id == user.id, AdminEvent.action == action)
    ).all()


def api_get(client, token, path="/api/v1/cases"):
    return client.get(path, headers={"Authorization": f"Bearer {token}"})


# --- timeouts -------------------------------------------------------------------------


def test_a_session_ends_after_30_minutes_unused(client, make_user, login_as):
    login_as(make_user())
    with client.session_transaction() as session:
        session["cw_seen_at"] -= 29 * 60
    assert signed_in(client)  # 29 minutes: still fine, and the clock starts again
    with client.session_transaction() as session:
        session["cw_seen_at"] -= 29 * 60
    assert signed_in(client)
    with client.session_transaction() as session:
        session["cw_seen_at"] -= 31 * 60
    response = client.get("/cases")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")
    assert "You were signed out because you had not used Casework for 30 minutes" in text(client.get("/sign-in"))
    assert not signed_in(client)


def test_a_session_ends_after_12_hours_however_busy(client, make_user, login_as):
    login_as(make_user())
    with client.session_transaction() as session:
        session["cw_signed_in_at"] -= 11 * 3600 + 59 * 60
    assert signed_in(client)
    with client.session_transaction() as session:
        session["cw_signed_in_at"] -= 2 * 60
    assert not signed_in(client)
    assert "You were signed out because you had been signed in for 12 hours" in text(client.get("/sign-in"))


def test_the_timeouts_are_settings(app, client, make_user, login_as, monkeypatch):
    monkeypatch.setitem(app.config, "SESSION_IDLE_MINUTES", 5)
    login_as(make_user())
    with client.session_transaction() as session:
        session["cw_seen_at"] -= 6 * 60
    assert not signed_in(client)


def test_sign_in_starts_a_fresh_session(client, make_user):
    user = make_user()
    client.get("/sign-in")
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
        session["cw_epoch"] = 99
    sign_in(client, user)
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["cw_epoch"] == user.session_epoch
        assert session["_user_id"] == str(user.id)
    assert signed_in(client)


def test_a_disabled_person_is_signed_out_at_their_next_request(client, make_user, login_as, db_session):
    user = make_user()
    login_as(user)
    assert signed_in(client)
    user.active = False
    db_session.flush()
    response = client.get("/my-reports")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")
    with client.session_transaction() as session:
        assert "_user_id" not in session  # ended, not just ignored
    user.active = True
    db_session.flush()
    assert not signed_in(client)


# --- signing out everywhere ---------------------------------------------------------------


def test_sign_out_everywhere_ends_every_session_of_yours_and_no_one_elses(app, client, make_user, db_session):
    user, colleague = make_user(), make_user()
    laptop, phone, theirs = (
        sign_in(client, user),
        sign_in(app.test_client(), user),
        sign_in(app.test_client(), colleague),
    )
    page = laptop.get("/your-account")
    assert page.status_code == 200
    assert "Sign out everywhere" in text(page)

    response = laptop.post("/your-account/sign-out-everywhere", data={})
    assert response.status_code == 302
    assert response.headers["Location"] == "/sign-in"
    assert "You have been signed out on every device" in text(laptop.get("/sign-in"))
    assert not signed_in(laptop)
    assert not signed_in(phone)
    assert signed_in(theirs)
    [event] = events(db_session, user, "signed_out_everywhere")
    assert event.actor_id == user.id
    assert signed_in(sign_in(phone, user))  # and they can sign in again


def test_sign_out_everywhere_needs_the_form_token(client, make_user, login_as):
    login_as(make_user())
    client.get("/your-account")
    assert client.post("/your-account/sign-out-everywhere", data={}, csrf=False).status_code == 400
    assert client.get("/your-account/sign-out-everywhere").status_code == 405
    assert signed_in(client)


def test_your_account_page_says_what_is_set_up(client, make_user, login_as):
    user = make_user("manager", name="Morgan Manager")
    login_as(user)
    html = text(client.get("/your-account"))
    assert "Morgan Manager" in html and user.email in html
    assert "Not needed for your role" in html
    assert 'href="/your-account/password"' in html and 'href="/your-account/api-tokens"' in html
    assert 'href="/your-account"' in text(client.get("/"))  # from the header, on every page


# --- API tokens ---------------------------------------------------------------------------


def create_token(client, label="Case sync", days=None):
    client.get("/your-account/api-tokens")
    data = {"label": label}
    if days is not None:
        data["days"] = days
    else:
        data["days"] = "90"
    return client.post("/your-account/api-tokens", data=data)


def test_make_list_use_and_revoke_a_token(client, make_user, login_as, db_session):
    user = make_user("manager")
    login_as(user)
    page = client.get("/your-account/api-tokens")
    assert "You have no API tokens" in text(page)
    assert 'value="90"' in text(page)  # API_TOKEN_DAYS

    created = create_token(client, "Case sync")
    assert created.status_code == 200
    assert created.headers["Cache-Control"] == "no-store"
    token = re.search(r'<code class="app-token" id="new-token">([^<]+)</code>', text(created)).group(1)
    row = db_session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest() != token
    assert row.label == "Case sync"
    assert timedelta(days=89, hours=23) < row.expires_at - utcnow() <= timedelta(days=90)
    [made] = events(db_session, user, "api_token_created")
    assert made.data["label"] == "Case sync" and token not in str(made.data)

    listing = text(client.get("/your-account/api-tokens"))
    assert token not in listing  # shown once only
    assert "Case sync" in listing and "Active" in listing and "Never" in listing

    assert api_get(client, token).status_code == 200
    db_session.refresh(row)
    assert row.last_used_at is not None
    client.get("/your-account/api-tokens")
    revoked = client.post(f"/your-account/api-tokens/{row.id}/revoke", data={})
    assert revoked.status_code == 302
    assert "Token ‘Case sync’ revoked" in text(client.get("/your-account/api-tokens"))
    response = api_get(client, token)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorised"
    listing = text(client.get("/your-account/api-tokens"))
    assert "Revoked" in listing and f"/api-tokens/{row.id}/revoke" not in listing
    [gone] = events(db_session, user, "api_token_revoked")
    assert gone.actor_id == user.id and gone.data["token_id"] == row.id


def test_an_expired_token_is_refused_and_shown_as_expired(client, make_user, login_as, db_session):
    user = make_user("manager")
    token = user_service.issue_api_token(user, days=1, label="Old script")
    assert api_get(client, token).status_code == 200
    row = db_session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    row.expires_at = utcnow() - timedelta(seconds=1)
    db_session.commit()  # (within the test's transaction) the API's 401 rolls back what is not committed
    assert api_get(client, token).status_code == 401
    login_as(user)
    listing = text(client.get("/your-account/api-tokens"))
    assert "Old script" in listing and "Expired" in listing and "/revoke" not in listing


def test_someone_elses_token_cannot_be_revoked_or_seen(client, make_user, login_as, db_session):
    owner, other = make_user("manager"), make_user("manager")
    token = user_service.issue_api_token(owner, label="Owner's sync")
    row = db_session.scalar(select(ApiToken).where(ApiToken.user_id == owner.id))
    login_as(other)
    assert "Owner's sync" not in text(client.get("/your-account/api-tokens"))
    for token_id in (row.id, 10**30, 0):
        assert client.post(f"/your-account/api-tokens/{token_id}/revoke", data={}).status_code == 404
    assert api_get(client, token).status_code == 200


@pytest.mark.parametrize(
    ("label", "days", "message"),
    [
        ("", "90", "Enter a name for the token"),
        ("x" * 101, "90", "Name must be 100 characters or fewer"),
        ("Sync", "0", "Days until it expires must be a whole number from 1 to 365"),
        ("Sync", "366", "Days until it expires must be a whole number from 1 to 365"),
        ("Sync", "ninety", "Days until it expires must be a whole number, like 90"),
        ("Sync", "", "Enter the number of days until the token expires"),
    ],
)
def test_a_token_needs_a_name_and_a_sensible_life(client, make_user, login_as, db_session, label, days, message):
    user = make_user()
    login_as(user)
    response = create_token(client, label, days)
    assert response.status_code == 200
    assert "<title>Error: Your API tokens" in text(response)
    assert message in text(response)
    assert db_session.scalar(select(ApiToken).where(ApiToken.user_id == user.id)) is None


def test_the_command_line_makes_a_token_for_so_many_days(app, make_user, db_session, client):
    user = make_user("manager")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["casework", "api-token", user.email, "--days", "7", "--label", "Nightly export"])
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    row = db_session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    assert row.label == "Nightly export"
    assert timedelta(days=6, hours=23) < row.expires_at - utcnow() <= timedelta(days=7)
    assert api_get(client, token).status_code == 200
    [event] = events(db_session, user, "api_token_created")
    assert event.actor_id is None
