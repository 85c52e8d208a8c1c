"""Sessions and API tokens (issue 6, Security 3): timeouts, renewal, signing out everywhere, tokens."""

import hashlib
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from casework.models import AdminEvent, ApiToken, UserSession, utcnow
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


def the_session(db_session, user) -> UserSession:
    """The person's most recent session record."""
    return db_session.scalars(
        select(UserSession).where(UserSession.user_id == user.id).order_by(UserSession.id.desc())
    ).first()


def wind_back(db_session, user, *, unused=None, since_sign_in=None) -> UserSession:
    """Move the session's clock back: as if unused for `unused`, or signed in `since_sign_in` ago."""
    record = the_session(db_session, user)
    if unused is not None:
        record.last_seen_at = utcnow() - unused
    if since_sign_in is not None:
        record.created_at = utcnow() - since_sign_in
    db_session.flush()
    return record


def test_a_session_ends_after_30_minutes_unused(client, make_user, login_as, db_session):
    user = make_user()
    login_as(user)
    wind_back(db_session, user, unused=timedelta(minutes=29))
    assert signed_in(client)  # 29 minutes: still fine, and the clock starts again
    assert utcnow() - the_session(db_session, user).last_seen_at < timedelta(minutes=1)
    wind_back(db_session, user, unused=timedelta(minutes=29))
    assert signed_in(client)
    wind_back(db_session, user, unused=timedelta(minutes=31))
    response = client.get("/cases")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")
    assert "You were signed out because you had not used Casework for 30 minutes" in text(client.get("/sign-in"))
    assert not signed_in(client)
    record = the_session(db_session, user)
    assert record.ended_at is not None and record.ended_reason == "idle"


def test_a_session_ends_after_12_hours_however_busy(client, make_user, login_as, db_session):
    user = make_user()
    login_as(user)
    wind_back(db_session, user, since_sign_in=timedelta(hours=11, minutes=59))
    assert signed_in(client)
    wind_back(db_session, user, since_sign_in=timedelta(hours=12, minutes=1))
    assert not signed_in(client)
    assert "You were signed out because you had been signed in for 12 hours" in text(client.get("/sign-in"))
    assert the_session(db_session, user).ended_reason == "too_long"


def test_the_timeouts_are_settings(app, client, make_user, login_as, monkeypatch, db_session):
    monkeypatch.setitem(app.config, "SESSION_IDLE_MINUTES", 5)
    user = make_user()
    login_as(user)
    wind_back(db_session, user, unused=timedelta(minutes=6))
    assert not signed_in(client)


def test_sign_in_starts_a_fresh_session(client, make_user, db_session):
    user = make_user()
    client.get("/sign-in")
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
        session["cw_session"] = "chosen-by-an-attacker"
    sign_in(client, user)
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["cw_session"] != "chosen-by-an-attacker"
        assert session["_user_id"] == str(user.id)
        session_id = session["cw_session"]
    assert signed_in(client)
    record = the_session(db_session, user)
    # Only a digest of the id is stored; the cookie holds the id and nothing about the session
    assert record.token_hash == hashlib.sha256(session_id.encode()).hexdigest() != session_id
    assert len(session_id) >= 40


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
    assert the_session(db_session, user).ended_reason == "account_disabled"
    user.active = True
    db_session.flush()
    assert not signed_in(client)


# --- signing out ends the session on the server (issue 14, 1) --------------------------------


def session_cookie(client) -> str:
    return client.get_cookie("session").value


def replay(client, cookie: str) -> None:
    client.set_cookie("session", cookie)


@pytest.mark.parametrize("how", ["sign out", "unused", "too long", "sign out everywhere", "ended elsewhere"])
def test_a_copy_of_the_cookie_opens_nothing_once_the_session_has_ended(
    app, client, make_user, login_as, db_session, how
):
    user = make_user("manager")
    token = user_service.issue_api_token(user, label="Script")
    login_as(user)
    assert client.get("/your-account").status_code == 200
    stolen = session_cookie(client)
    if how == "sign out":
        client.get("/")
        assert client.post("/sign-out", data={}).status_code == 302
    elif how == "unused":
        wind_back(db_session, user, unused=timedelta(minutes=31))
    elif how == "too long":
        wind_back(db_session, user, since_sign_in=timedelta(hours=13))
    elif how == "sign out everywhere":
        client.get("/your-account")
        assert client.post("/your-account/sign-out-everywhere", data={}).status_code == 302
    else:
        other = sign_in(app.test_client(), user)
        record = the_session(db_session, user)  # the other browser's is the newest
        other.get("/your-account/sessions")
        first = db_session.scalars(
            select(UserSession).where(UserSession.user_id == user.id).order_by(UserSession.id)
        ).first()
        assert first.id != record.id
        assert other.post(f"/your-account/sessions/{first.id}/end", data={}).status_code == 302

    attacker = app.test_client()
    replay(attacker, stolen)
    response = attacker.get("/your-account")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")
    assert attacker.get("/cases").headers["Location"].startswith("/sign-in")
    # The API never takes a cookie: 401, with or without it
    api = attacker.get("/api/v1/cases")
    assert api.status_code == 401 and api.get_json()["error"]["code"] == "unauthorised"
    # API tokens are not sessions: they go on working
    assert api_get(attacker, token).status_code == 200


def test_signing_out_marks_the_session_ended(client, make_user, login_as, db_session):
    user = make_user()
    login_as(user)
    client.get("/")
    client.post("/sign-out", data={})
    record = the_session(db_session, user)
    assert record.ended_at is not None and record.ended_reason == "signed_out"


# --- where you are signed in ------------------------------------------------------------


CHROME_ON_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"
)
FIREFOX_ON_ANDROID = "Mozilla/5.0 (Android 14; Mobile; rv:133.0) Gecko/133.0 Firefox/133.0"


def test_your_account_lists_your_sessions_and_ends_any_one(app, make_user, db_session):
    user, colleague = make_user(), make_user()
    desk = app.test_client()
    desk.environ_base["HTTP_USER_AGENT"] = CHROME_ON_WINDOWS
    phone = app.test_client()
    phone.environ_base["HTTP_USER_AGENT"] = FIREFOX_ON_ANDROID
    sign_in(desk, user)
    sign_in(phone, user)
    sign_in(app.test_client(), colleague)

    page = desk.get("/your-account")
    assert "2 browsers" in text(page) and 'href="/your-account/sessions"' in text(page)
    listing = desk.get("/your-account/sessions")
    assert listing.status_code == 200
    html = text(listing)
    assert "Chrome on Windows" in html and "Firefox on Android" in html
    assert html.count("This browser") == 1 and html.index("This browser") > html.index("Chrome on Windows")
    ids = [int(i) for i in re.findall(r'action="/your-account/sessions/(\d+)/end"', html)]
    assert len(ids) == 2
    phone_id = max(ids)

    ended = desk.post(f"/your-account/sessions/{phone_id}/end", data={})
    assert ended.status_code == 302 and ended.headers["Location"] == "/your-account/sessions"
    assert "Session ended: Firefox on Android is signed out" in text(desk.get("/your-account/sessions"))
    assert not signed_in(phone)
    assert signed_in(desk)
    assert db_session.get(UserSession, phone_id).ended_reason == "ended_by_person"
    assert "Firefox on Android" not in text(desk.get("/your-account/sessions"))


def test_ending_this_browsers_session_signs_you_out(client, make_user, login_as, db_session):
    user = make_user()
    login_as(user)
    record = the_session(db_session, user)
    client.get("/your-account/sessions")
    response = client.post(f"/your-account/sessions/{record.id}/end", data={})
    assert response.status_code == 302 and response.headers["Location"] == "/sign-in"
    assert not signed_in(client)


def test_no_one_can_end_or_see_someone_elses_session(app, client, make_user, login_as, db_session):
    owner, other = make_user(), make_user()
    theirs = sign_in(app.test_client(), owner)
    record = the_session(db_session, owner)
    login_as(other)
    assert "This browser" in text(client.get("/your-account/sessions"))
    for session_id in (record.id, 10**30, 0):
        assert client.post(f"/your-account/sessions/{session_id}/end", data={}).status_code == 404
    assert client.post(f"/your-account/sessions/{record.id}/end", data={}, csrf=False).status_code == 400
    assert signed_in(theirs)
    assert db_session.get(UserSession, record.id).ended_at is None


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
