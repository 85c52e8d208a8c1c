"""Sign-in hardening (issue 6, Security 1): lockout, rate limits and the password policy."""

import hashlib
import logging
import re
import socket
from contextlib import contextmanager

import pytest
from sqlalchemy import select
from werkzeug.security import check_password_hash

from casework.models import AdminEvent, SignInFailure
from casework.services import sign_in as sign_in_service
from casework.services import user_sessions
from casework.services import users as user_service
from casework.services.errors import InvalidInput
from tests.conftest import TEST_PASSWORD

FAILED = "Enter a correct email address and password"
LOCKED = "There have been too many attempts to sign in with this email address. Wait 15 minutes, then try again"
TOO_MANY = "Sorry, there have been too many attempts"


def sign_in(client, email, password=TEST_PASSWORD):
    return client.post("/sign-in", data={"email": email, "password": password})


def sign_out(client):
    client.get("/")  # a page of this session, for its CSRF token
    assert client.post("/sign-out", data={}).status_code == 302
    client.get("/sign-in")


def signed_in(client) -> bool:
    return client.get("/").status_code == 200


def page_text(response) -> str:
    return response.get_data(as_text=True)


def normalised(response, email: str) -> str:
    html = page_text(response).replace(email, "EMAIL")
    html = re.sub(r'nonce="[^"]+"', "NONCE", html)
    return re.sub(r'name="csrf_token" (type="hidden" )?value="[^"]+"', "TOKEN", html)


def events(db_session, user, action):
    return db_session.scalars(
        select(AdminEvent).where(AdminEvent.target_id == user.id, AdminEvent.action == action)
    ).all()


# --- lockout ------------------------------------------------------------------------


def test_five_wrong_passwords_lock_the_account_even_against_the_right_one(client, make_user, clock, db_session):
    user = make_user()
    for _ in range(4):
        assert FAILED in page_text(sign_in(client, user.email, "wrong-password-123"))
    fifth = sign_in(client, user.email, "wrong-password-123")
    assert LOCKED in page_text(fifth)
    assert "<title>Error: Sign in" in page_text(fifth)

    right = sign_in(client, user.email)
    assert right.status_code == 200
    assert LOCKED in page_text(right)
    assert not signed_in(client)
    [event] = events(db_session, user, "account_locked")
    assert event.actor_id is None and event.target_type == "user"
    assert event.data["failures"] == 5

    clock.advance(minutes=14, seconds=59)
    assert LOCKED in page_text(sign_in(client, user.email))
    clock.advance(seconds=2)
    response = sign_in(client, user.email)
    assert response.status_code == 302
    assert signed_in(client)
    assert sign_in_service.failures_in_a_row(user.email) == 0 and not sign_in_service.is_locked(user)


def test_the_lock_can_be_set_longer_and_after_fewer_attempts(app, client, make_user, clock, monkeypatch):
    monkeypatch.setitem(app.config, "LOCKOUT_ATTEMPTS", 3)
    monkeypatch.setitem(app.config, "LOCKOUT_MINUTES", 60)
    user = make_user()
    for _ in range(2):
        assert FAILED in page_text(sign_in(client, user.email, "wrong-password-123"))
    assert "Wait 60 minutes" in page_text(sign_in(client, user.email, "wrong-password-123"))
    clock.advance(minutes=59)
    assert "Wait 60 minutes" in page_text(sign_in(client, user.email))
    clock.advance(minutes=2)
    assert sign_in(client, user.email).status_code == 302


def test_an_unknown_address_gets_the_same_answers_at_the_same_attempts(client, make_user, clock):
    user = make_user()
    unknown = "nobody.here@test.invalid"
    for attempt in range(1, 7):
        known_answer = sign_in(client, user.email, "wrong-password-123")
        unknown_answer = sign_in(client, unknown, "wrong-password-123")
        assert known_answer.status_code == unknown_answer.status_code == 200
        expected = LOCKED if attempt >= 5 else FAILED
        assert expected in page_text(known_answer) and expected in page_text(unknown_answer), attempt
        assert normalised(known_answer, user.email) == normalised(unknown_answer, unknown)


def test_every_attempt_checks_exactly_one_password_hash(client, make_user, clock, monkeypatch):
    """Similar timing whether the account exists, is locked, or has no password."""
    calls = []

    def counting(hash_, password):
        calls.append(hash_)
        return check_password_hash(hash_, password)

    monkeypatch.setattr(sign_in_service, "check_password_hash", counting)
    user = make_user()
    volunteer = make_user(password=None, staff_type="volunteer")
    attempts = [
        (user.email, "wrong-password-123"),
        ("nobody@test.invalid", "wrong-password-123"),
        (volunteer.email, "anything-at-all-123"),
    ]
    for email, password in attempts:
        calls.clear()
        sign_in(client, email, password)
        assert len(calls) == 1, email
    for _ in range(5):
        sign_in(client, user.email, "wrong-password-123")
    calls.clear()
    assert LOCKED in page_text(sign_in(client, user.email))
    assert len(calls) == 1


def test_a_successful_sign_in_starts_the_count_again(client, make_user, db_session):
    user = make_user()
    for _ in range(4):
        sign_in(client, user.email, "wrong-password-123")
    assert sign_in_service.failures_in_a_row(user.email) == 4
    assert sign_in(client, user.email).status_code == 302
    assert sign_in_service.failures_in_a_row(user.email) == 0
    sign_out(client)
    for _ in range(4):
        assert FAILED in page_text(sign_in(client, user.email, "wrong-password-123"))
    assert sign_in(client, user.email).status_code == 302


def test_a_disabled_account_with_the_right_password_counts_as_a_failure(client, make_user, db_session):
    leaver = make_user()
    leaver.active = False
    db_session.flush()
    for _ in range(4):
        assert FAILED in page_text(sign_in(client, leaver.email))
    assert LOCKED in page_text(sign_in(client, leaver.email))


def test_failures_are_counted_under_a_keyed_hash_never_the_address(app, client, make_user, db_session, monkeypatch):
    user = make_user()
    unknown = "nobody.at.all@test.invalid"
    for email in (user.email, unknown, unknown.upper()):
        sign_in(client, email, "wrong-password-123")
    rows = db_session.scalars(select(SignInFailure)).all()
    assert sorted(row.failures for row in rows) == [1, 2]  # the address is normalised before it is counted
    stored = " ".join(f"{row.address_key} {row.failures} {row.last_failure_at}" for row in rows)
    for email in (user.email, unknown):
        assert email not in stored and email.split("@")[0] not in stored
        assert hashlib.sha256(email.encode()).hexdigest() not in stored  # keyed: not a plain digest
    keys = {sign_in_service.address_key(user.email), sign_in_service.address_key(unknown)}
    assert {row.address_key for row in rows} == keys
    monkeypatch.setitem(app.config, "SECRET_KEY", "another-secret-key")
    assert sign_in_service.address_key(user.email) not in keys


def test_a_failure_long_ago_does_not_count_towards_a_lock(client, make_user, clock):
    user = make_user()
    for _ in range(4):
        sign_in(client, user.email, "wrong-password-123")
    clock.advance(hours=25)
    for _ in range(4):
        assert FAILED in page_text(sign_in(client, user.email, "wrong-password-123"))
    assert LOCKED in page_text(sign_in(client, user.email, "wrong-password-123"))


def test_an_unknown_address_locks_and_unlocks_with_the_same_clock(client, clock):
    unknown = "nobody.here@test.invalid"
    answers = [page_text(sign_in(client, unknown, "wrong-password-123")) for _ in range(6)]
    assert [LOCKED in answer for answer in answers] == [False] * 4 + [True] * 2
    clock.advance(minutes=15, seconds=1)
    assert FAILED in page_text(sign_in(client, unknown, "wrong-password-123"))


# --- rate limits --------------------------------------------------------------------


def test_sign_in_is_limited_per_address_with_a_govuk_page(client, security_on, make_user, monkeypatch):
    monkeypatch.setitem(security_on, "SIGN_IN_LIMITS_PER_ADDRESS", "3 per minute")
    for n in range(3):
        assert sign_in(client, f"someone.{n}@test.invalid", "wrong-password-123").status_code == 200
    response = sign_in(client, make_user().email)  # the right password: still too many from this address
    assert response.status_code == 429
    html = page_text(response)
    assert f'<h1 class="govuk-heading-l">{TOO_MANY}</h1>' in html
    assert "Wait a few minutes, then try again." in html
    assert int(response.headers["Retry-After"]) > 0
    assert not signed_in(client)
    assert client.get("/sign-in").status_code == 200  # looking at the form is not an attempt


def test_sign_in_is_limited_per_account_whichever_address_tries(app, db_session, security_on, make_user, monkeypatch):
    monkeypatch.setitem(security_on, "SIGN_IN_LIMITS_PER_ACCOUNT", "2 per minute")
    target, other = make_user(), make_user()
    first, second = app.test_client(), app.test_client()
    for client, address in ((first, "192.0.2.1"), (second, "192.0.2.2")):
        client.get("/sign-in", environ_base={"REMOTE_ADDR": address})
        response = client.post(
            "/sign-in",
            data={"email": target.email, "password": "wrong-password-123"},
            environ_base={"REMOTE_ADDR": address},
        )
        assert response.status_code == 200
    third = second.post(
        "/sign-in",
        data={"email": target.email.upper(), "password": TEST_PASSWORD},
        environ_base={"REMOTE_ADDR": "192.0.2.2"},
    )
    assert third.status_code == 429
    # Another account from the same address is not held up
    assert sign_in(second, other.email).status_code == 302


def test_unknown_accounts_are_limited_as_known_ones_are(client, security_on, make_user, monkeypatch):
    monkeypatch.setitem(security_on, "SIGN_IN_LIMITS_PER_ACCOUNT", "2 per minute")
    for email in ("nobody@test.invalid", make_user().email):
        statuses = [sign_in(client, email, "wrong-password-123").status_code for _ in range(3)]
        assert statuses == [200, 200, 429], email


def test_the_api_answers_429_in_json_per_token(client, security_on, make_user, monkeypatch):
    monkeypatch.setitem(security_on, "API_LIMITS_PER_TOKEN", "2 per minute")
    busy = user_service.issue_api_token(make_user("manager"))
    calm = user_service.issue_api_token(make_user("manager"))

    def get(token):
        return client.get("/api/v1/cases", headers={"Authorization": f"Bearer {token}"})

    assert [get(busy).status_code for _ in range(2)] == [200, 200]
    response = get(busy)
    assert response.status_code == 429
    assert response.mimetype == "application/json"
    assert response.get_json()["error"]["code"] == "rate_limited"
    assert response.get_json()["error"]["message"]
    assert int(response.headers["Retry-After"]) > 0
    assert get(calm).status_code == 200


def test_the_api_is_limited_per_address_too(client, security_on, monkeypatch):
    monkeypatch.setitem(security_on, "API_LIMITS_PER_ADDRESS", "3 per minute")
    statuses = [
        client.get("/api/v1/cases", headers={"Authorization": f"Bearer guess-{n}"}).status_code for n in range(4)
    ]
    assert statuses == [401, 401, 401, 429]


def test_the_limits_can_use_redis(app, client, security_on, make_user, monkeypatch):
    """RATELIMIT_STORAGE_URI=redis://… : several app processes count together (skipped without a server)."""
    redis = pytest.importorskip("redis")
    try:
        redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=0.5).ping()
    except redis.exceptions.RedisError:
        pytest.skip("no Redis server on 127.0.0.1:6379")
    from limits.storage import storage_from_string

    from casework.extensions import limiter

    storage = storage_from_string("redis://127.0.0.1:6379/15")
    storage.reset()
    monkeypatch.setattr(limiter, "_storage", storage)
    monkeypatch.setattr(limiter, "_limiter", type(limiter._limiter)(storage))
    monkeypatch.setitem(security_on, "SIGN_IN_LIMITS_PER_ADDRESS", "2 per minute")
    try:
        statuses = [sign_in(client, "nobody@test.invalid", "wrong-password-123").status_code for _ in range(3)]
        assert statuses == [200, 200, 429]
        assert any(key.startswith(b"LIMITS:") for key in redis.Redis(db=15).keys())
    finally:
        storage.reset()


# --- password policy ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short-one", "Password must be 12 characters or more"),
        ("qwerty123456", "Password is too easy to guess"),
        ("Password2026!", "Password is too easy to guess"),
        ("sunshinesunshine", "Password is too easy to guess"),
    ],
)
def test_create_user_refuses_a_weak_password_and_adds_no_one(db_session, password, message):
    with pytest.raises(InvalidInput) as refused:
        user_service.create_user("weak.password@test.invalid", name="Wes Weak", password=password)
    assert message in refused.value.fields["password"]
    assert user_service.find_user("weak.password@test.invalid") is None


def test_a_password_made_of_the_persons_own_email_name_is_refused(db_session):
    with pytest.raises(InvalidInput) as refused:
        user_service.create_user("priya.shah@test.invalid", name="Priya Shah", password="priya.shah2026!!")
    assert "too easy to guess" in refused.value.fields["password"]


def change_password(client, current, new, confirm=None):
    client.get("/your-account/password")  # the form, with this session's CSRF token
    return client.post(
        "/your-account/password",
        data={
            "current_password": current,
            "new_password": new,
            "confirm_password": new if confirm is None else confirm,
        },
    )


@pytest.mark.parametrize(
    ("current", "new", "confirm", "message"),
    [
        ("not-my-password-1", "a-brand-new-passphrase", None, "Enter your current password correctly"),
        (TEST_PASSWORD, "too-short", None, "Password must be 12 characters or more"),
        (TEST_PASSWORD, "letmein12345", None, "Password is too easy to guess"),
        (TEST_PASSWORD, "iloveyou iloveyou", None, "Password is too easy to guess"),
        (TEST_PASSWORD, "a-brand-new-passphrase", "a-different-passphrase", "Enter the same new password twice"),
        (TEST_PASSWORD, TEST_PASSWORD, None, "Choose a password different from your current one"),
    ],
)
def test_a_refused_password_change_changes_nothing(
    client, make_user, login_as, db_session, current, new, confirm, message
):
    user = make_user()
    login_as(user)
    before = user.password_hash, [s.id for s in user_sessions.live_sessions(user)]
    response = change_password(client, current, new, confirm)
    assert response.status_code == 200
    html = page_text(response)
    assert "<title>Error: Change your password" in html
    assert message in html
    db_session.refresh(user)
    assert (user.password_hash, [s.id for s in user_sessions.live_sessions(user)]) == before
    assert events(db_session, user, "password_changed") == []
    assert signed_in(client)


def test_changing_your_password_signs_out_your_other_sessions(app, client, make_user, login_as, db_session):
    user = make_user()
    elsewhere = app.test_client()
    elsewhere.get("/sign-in")
    assert sign_in(elsewhere, user.email).status_code == 302
    login_as(user)
    assert client.get("/your-account/password").status_code == 200

    response = change_password(client, TEST_PASSWORD, "walrus carpet lighthouse")
    assert response.status_code == 302
    assert response.headers["Location"] == "/your-account"
    assert "Your password has been changed" in page_text(client.get("/your-account"))
    assert signed_in(client)
    assert not signed_in(elsewhere)
    db_session.refresh(user)
    assert check_password_hash(user.password_hash, "walrus carpet lighthouse")
    [event] = events(db_session, user, "password_changed")
    assert event.actor_id == user.id
    assert "walrus" not in str(event.data)

    sign_out(client)
    assert FAILED in page_text(sign_in(client, user.email))
    assert sign_in(client, user.email, "walrus carpet lighthouse").status_code == 302


def test_changing_your_password_is_rate_limited(client, security_on, make_user, login_as, monkeypatch):
    monkeypatch.setitem(security_on, "PASSWORD_CHANGE_LIMITS", "2 per hour")
    login_as(make_user())
    statuses = [change_password(client, f"guess-number-{n}", "a-brand-new-passphrase").status_code for n in range(3)]
    assert statuses == [200, 200, 429]


def test_set_password_for_someone_else_is_audited_with_its_actor(app, db_session, make_user):
    admin, person = make_user("admin"), make_user()
    elsewhere = app.test_client()
    elsewhere.get("/sign-in")
    assert sign_in(elsewhere, person.email).status_code == 302
    sign_in_service.set_password(person, "a-reset-passphrase-here", actor=admin)
    [event] = events(db_session, person, "password_changed")
    assert event.actor_id == admin.id
    with pytest.raises(InvalidInput):
        sign_in_service.set_password(person, "password1234", actor=admin)
    assert user_sessions.live_sessions(person) == []
    assert not signed_in(elsewhere)


# --- when the rate-limit store is down (issue 15, 4) -----------------------------------------


@contextmanager
def unreachable_limit_store():
    """The limiter pointed at a Redis that is not there (a free port nobody listens on)."""
    from limits.storage import storage_from_string

    from casework.extensions import limiter

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    saved = limiter._storage, limiter._limiter, limiter._storage_dead
    storage = storage_from_string(f"redis://127.0.0.1:{port}/0", socket_connect_timeout=0.5, socket_timeout=0.5)
    limiter._storage, limiter._limiter, limiter._storage_dead = storage, type(limiter._limiter)(storage), False
    try:
        yield
    finally:
        limiter._storage, limiter._limiter, limiter._storage_dead = saved
        limiter.reset()


def test_with_the_store_down_sign_in_answers_locks_and_warns_once(app, client, make_user, monkeypatch, caplog):
    monkeypatch.setitem(app.config, "RATELIMIT_ENABLED", True)
    monkeypatch.setitem(app.config, "SIGN_IN_LIMITS_PER_ACCOUNT", "100 per minute")
    user = make_user()
    caplog.set_level(logging.INFO)
    with unreachable_limit_store():
        assert client.get("/sign-in").status_code == 200
        for email in (user.email, "nobody.here@test.invalid"):
            answers = [sign_in(client, email, "wrong-password-123") for _ in range(6)]
            assert [a.status_code for a in answers] == [200] * 6, email
            assert [LOCKED in page_text(a) for a in answers] == [False] * 4 + [True] * 2, email
        assert LOCKED in page_text(sign_in(client, user.email))
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING and "storage" in r.getMessage().lower()]
    assert len(warnings) == 1, [r.getMessage() for r in warnings]
    assert "unreachable" in warnings[0].getMessage()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]


def test_with_the_store_down_the_limits_still_count_in_this_process(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_ENABLED", True)
    monkeypatch.setitem(app.config, "SIGN_IN_LIMITS_PER_ADDRESS", "3 per minute")
    with unreachable_limit_store():
        statuses = [sign_in(client, f"someone.{n}@test.invalid", "wrong-password-123").status_code for n in range(4)]
    assert statuses == [200, 200, 200, 429]
