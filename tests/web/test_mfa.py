"""Two-factor sign-in for HR and admins (issue 6, Security 2), with real authenticator codes from pyotp."""

import hashlib
import re
import time

import pyotp
import pytest
from sqlalchemy import select

from casework.models import AdminEvent, RecoveryCode
from casework.services import sign_in as sign_in_service
from casework.services import two_factor as two_factor_service
from tests.conftest import TEST_PASSWORD

pytestmark = pytest.mark.usefixtures("security_on")

SET_UP = "/sign-in/set-up-two-factor"
CODE = "/sign-in/two-factor"
LOCKED = "There have been too many attempts to sign in with this email address"


def text(response) -> str:
    return response.get_data(as_text=True)


def password_step(client, user, password=TEST_PASSWORD, next=None):
    client.get("/sign-in")
    url = "/sign-in" + (f"?next={next}" if next else "")
    return client.post(url, data={"email": user.email, "password": password})


def setup_key(response) -> str:
    match = re.search(r'<p class="govuk-body app-setup-key" id="setup-key">([A-Z2-7 ]+)</p>', text(response))
    assert match, "no setup key on the page"
    return match.group(1).replace(" ", "")


def fresh_code(secret: str, after_step: int | None = None) -> str:
    """The app's code now, or the next step's when `after_step` says now's was used (the server accepts ±1 step)."""
    totp = pyotp.TOTP(secret)
    now = time.time()
    if after_step is not None and totp.timecode(now) <= after_step:
        return totp.at(now + 30)
    return totp.now()


def events(db_session, user, action):
    return db_session.scalars(
        select(AdminEvent).where(AdminEvent.target_id == user.id, AdminEvent.action == action)
    ).all()


def no_case_page_opens(client):
    for path in ("/cases", "/", "/your-account", "/reports/summary"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/sign-in"), path


def enrol(client, user) -> tuple[str, list[str]]:
    """Sign in for the first time and set up the app; the secret and the recovery codes shown."""
    response = password_step(client, user)
    assert response.headers["Location"] == SET_UP
    page = client.get(SET_UP)
    secret = setup_key(page)
    response = client.post(SET_UP, data={"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 200
    codes = re.findall(r"<li><code>([0-9a-z-]+)</code></li>", text(response))
    return secret, codes


def sign_out(client):
    client.get("/")
    client.post("/sign-out", data={})


# --- enrolment ----------------------------------------------------------------------


def test_hr_set_up_two_factor_at_first_sign_in_and_see_ten_recovery_codes_once(client, make_user, db_session):
    hr = make_user("hr")
    response = password_step(client, hr, next="/cases")
    assert response.status_code == 302
    assert response.headers["Location"] == SET_UP
    no_case_page_opens(client)

    page = client.get(SET_UP)
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    html = text(page)
    assert '<h1 class="govuk-heading-l">Set up two-factor sign-in</h1>' in html
    svg = re.search(r"<svg .*?</svg>", html, re.S).group(0)
    assert 'role="img"' in svg and "<title>QR code for your authenticator app</title>" in svg
    assert "http" not in svg and "<img" not in html  # drawn here, no outside service
    secret = setup_key(page)
    assert len(secret) == 32
    assert hr.email in html

    wrong = client.post(SET_UP, data={"code": "000000" if pyotp.TOTP(secret).now() != "000000" else "111111"})
    assert wrong.status_code == 200
    assert "Enter the code your authenticator app shows now" in text(wrong)
    assert setup_key(wrong) == secret  # the same secret until it is confirmed
    no_case_page_opens(client)
    db_session.refresh(hr)
    assert hr.mfa_enabled_at is None and hr.mfa_secret_sealed is None

    done = client.post(SET_UP, data={"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200
    assert done.headers["Cache-Control"] == "no-store"
    codes = re.findall(r"<li><code>([0-9a-z-]+)</code></li>", text(done))
    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(re.fullmatch(r"[0-9a-z]{4}(-[0-9a-z]{4}){3}", code) for code in codes)
    assert 'href="/cases"' in text(done)  # then on to where they were going

    db_session.refresh(hr)
    assert two_factor_service.secret_of(hr) == secret and hr.mfa_enabled_at is not None
    assert secret not in hr.mfa_secret_sealed and hr.mfa_enrolment_sealed is None
    stored = db_session.scalars(select(RecoveryCode.code_hash).where(RecoveryCode.user_id == hr.id)).all()
    assert len(stored) == 10
    plain = {code.replace("-", "") for code in codes}
    assert not plain & set(stored)
    assert {"sha256$" + hashlib.sha256(code.encode()).hexdigest() for code in plain} == set(stored)
    [event] = events(db_session, hr, "mfa_enrolled")
    assert event.actor_id == hr.id and secret not in str(event.data)

    assert client.get("/cases").status_code == 200
    assert "10 unused recovery codes" in text(client.get("/your-account"))


def test_each_new_sign_in_gets_a_new_secret_to_set_up(app, db_session, make_user):
    admin = make_user("admin")
    keys = []
    for _ in range(2):
        client = app.test_client()
        password_step(client, admin)
        keys.append(setup_key(client.get(SET_UP)))
    assert keys[0] != keys[1]


def test_people_in_other_roles_are_not_asked_for_a_code(client, make_user):
    for role in ("employee", "manager", "head_of_service"):
        response = password_step(client, make_user(role))
        assert response.headers["Location"] == "/", role
        sign_out(client)


def test_the_roles_that_need_two_factor_are_a_setting(client, make_user, security_on, monkeypatch):
    monkeypatch.setitem(security_on, "MFA_REQUIRED_ROLES", ("manager",))
    assert password_step(client, make_user("manager")).headers["Location"] == SET_UP


# --- signing in later -----------------------------------------------------------------


def test_later_sign_ins_ask_for_the_code_after_the_password(client, make_user, db_session):
    hr = make_user("hr")
    secret, _ = enrol(client, hr)
    sign_out(client)
    db_session.refresh(hr)

    response = password_step(client, hr, next="/cases")
    assert response.headers["Location"] == CODE
    no_case_page_opens(client)
    page = client.get(CODE)
    assert '<h1 class="govuk-heading-l">Enter the code from your authenticator app</h1>' in text(page)

    code = fresh_code(secret, after_step=hr.mfa_last_used_step)
    wrong = "123456" if code != "123456" else "654321"
    refused = client.post(CODE, data={"code": wrong})
    assert refused.status_code == 200
    assert "<title>Error: Enter the code" in text(refused)
    assert "Enter a correct code from your authenticator app" in text(refused)
    no_case_page_opens(client)
    assert sign_in_service.failures_in_a_row(hr.email) == 1

    accepted = client.post(CODE, data={"code": f" {code[:3]} {code[3:]} "})  # spaces as the app shows them
    assert accepted.status_code == 302
    assert accepted.headers["Location"] == "/cases"
    assert client.get("/cases").status_code == 200
    assert sign_in_service.failures_in_a_row(hr.email) == 0


def test_a_code_works_only_once(client, make_user, db_session):
    hr = make_user("hr")
    secret, _ = enrol(client, hr)
    sign_out(client)
    db_session.refresh(hr)
    code = fresh_code(secret, after_step=hr.mfa_last_used_step)
    password_step(client, hr)
    client.get(CODE)
    assert client.post(CODE, data={"code": code}).status_code == 302
    sign_out(client)

    password_step(client, hr)
    client.get(CODE)
    again = client.post(CODE, data={"code": code})
    assert again.status_code == 200
    assert "Enter a correct code" in text(again)
    no_case_page_opens(client)


def test_a_recovery_code_works_once(client, make_user, db_session):
    admin = make_user("admin")
    _, codes = enrol(client, admin)
    sign_out(client)

    password_step(client, admin)
    client.get(CODE)
    response = client.post(CODE, data={"code": codes[3].upper().replace("-", " ")})
    assert response.status_code == 302
    home = text(client.get("/"))
    assert "You signed in with a recovery code" in home and "You have 9 left" in home
    [event] = events(db_session, admin, "recovery_code_used")
    assert event.data["codes_left"] == 9
    sign_out(client)

    password_step(client, admin)
    client.get(CODE)
    refused = client.post(CODE, data={"code": codes[3]})
    assert refused.status_code == 200
    assert "Enter a correct code" in text(refused)
    assert client.post(CODE, data={"code": codes[4]}).status_code == 302


def test_wrong_codes_lock_the_account_like_wrong_passwords(client, make_user, db_session):
    hr = make_user("hr")
    secret, _ = enrol(client, hr)
    sign_out(client)
    password_step(client, hr)
    client.get(CODE)
    wrong = "000000" if pyotp.TOTP(secret).now() != "000000" else "999999"
    for _ in range(4):
        assert client.post(CODE, data={"code": wrong}).status_code == 200
    locked = client.post(CODE, data={"code": wrong})
    assert locked.status_code == 302
    assert locked.headers["Location"] == "/sign-in"
    assert LOCKED in text(client.get("/sign-in"))
    assert LOCKED in text(password_step(client, hr))
    assert events(db_session, hr, "account_locked")
    no_case_page_opens(client)


def test_the_code_step_is_rate_limited(client, make_user, security_on, monkeypatch):
    monkeypatch.setitem(security_on, "TWO_FACTOR_LIMITS", "2 per minute")
    monkeypatch.setitem(security_on, "LOCKOUT_ATTEMPTS", 50)
    hr = make_user("hr")
    enrol(client, hr)
    sign_out(client)
    password_step(client, hr)
    client.get(CODE)
    statuses = [client.post(CODE, data={"code": "12345"}).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert "Sorry, there have been too many attempts" in text(client.post(CODE, data={"code": "12345"}))


def test_the_code_step_must_follow_the_password_soon(client, make_user):
    hr = make_user("hr")
    enrol(client, hr)
    sign_out(client)
    assert client.get(CODE).headers["Location"] == "/sign-in"  # no password given yet
    password_step(client, hr)
    with client.session_transaction() as session:
        session["cw_pending_at"] -= 11 * 60
    response = client.get(CODE)
    assert response.status_code == 302
    assert response.headers["Location"] == "/sign-in"
    assert "Sign in again to continue" in text(client.get("/sign-in"))


def test_a_session_forged_with_a_user_id_but_no_sign_in_opens_nothing(client, make_user):
    hr = make_user("hr")
    password_step(client, hr)
    with client.session_transaction() as session:
        session["_user_id"] = str(hr.id)  # what Flask-Login would hold, without the sign-in's timestamps
    no_case_page_opens(client)


# --- afterwards -----------------------------------------------------------------------


def test_new_recovery_codes_replace_the_old_ones(client, make_user, db_session):
    hr = make_user("hr")
    secret, old_codes = enrol(client, hr)
    db_session.refresh(hr)
    page = client.get("/your-account/recovery-codes")
    assert "You have 10 unused recovery codes" in text(page)
    assert "Enter the code" in text(client.post("/your-account/recovery-codes", data={"code": old_codes[0]}))
    assert two_factor_service.recovery_codes_left(hr) == 10  # not spent by trying it there

    response = client.post(
        "/your-account/recovery-codes", data={"code": fresh_code(secret, after_step=hr.mfa_last_used_step)}
    )
    assert response.status_code == 200
    new_codes = re.findall(r"<li><code>([0-9a-z-]+)</code></li>", text(response))
    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)
    assert events(db_session, hr, "recovery_codes_replaced")
    sign_out(client)

    password_step(client, hr)
    client.get(CODE)
    assert client.post(CODE, data={"code": old_codes[1]}).status_code == 200
    assert client.post(CODE, data={"code": new_codes[1]}).status_code == 302


def test_someone_without_two_factor_has_no_recovery_codes_page(client, make_user, login_as):
    login_as(make_user())
    assert client.get("/your-account/recovery-codes").status_code == 404


def test_reset_two_factor_from_the_command_line(app, client, make_user, db_session):
    hr = make_user("hr")
    enrol(client, hr)
    assert client.get("/cases").status_code == 200
    result = app.test_cli_runner().invoke(args=["casework", "reset-two-factor", hr.email])
    assert result.exit_code == 0, result.output
    db_session.refresh(hr)
    assert hr.mfa_secret_sealed is None and hr.mfa_enabled_at is None
    assert two_factor_service.recovery_codes_left(hr) == 0
    [event] = events(db_session, hr, "mfa_reset")
    assert event.actor_id is None
    no_case_page_opens(client)  # their session ended
    assert password_step(client, hr).headers["Location"] == SET_UP


# --- the secret at rest and in transit (issue 12, 6; issue 15, 3) -----------------------


def cookie_contents(client) -> str:
    """What the signed session cookie holds, decoded (it is signed, not encrypted: anyone can read it)."""
    import base64
    import zlib

    value = client.get_cookie("session").value
    compressed = value.startswith(".")
    payload = value.lstrip(".").split(".")[0]
    raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    return (zlib.decompress(raw) if compressed else raw).decode()


def test_the_secret_being_set_up_stays_on_the_server_sealed(client, make_user, db_session):
    hr = make_user("hr")
    password_step(client, hr)
    page = client.get(SET_UP)
    secret = setup_key(page)
    assert secret not in cookie_contents(client) and secret.lower() not in cookie_contents(client).lower()
    db_session.refresh(hr)
    assert hr.mfa_enrolment_sealed and secret not in hr.mfa_enrolment_sealed
    assert hr.mfa_secret_sealed is None  # not on until a code confirms it
    again = client.get(SET_UP)
    assert setup_key(again) == secret
    assert client.post(SET_UP, data={"code": pyotp.TOTP(secret).now()}).status_code == 200
    assert secret not in cookie_contents(client)
    db_session.refresh(hr)
    assert hr.mfa_enrolment_sealed is None and two_factor_service.secret_of(hr) == secret


def test_no_stored_value_is_the_secret_in_plain_text(client, make_user, db_session):
    hr = make_user("hr")
    secret, _ = enrol(client, hr)
    users = type(hr).__table__
    row = db_session.execute(select(users).where(users.c.id == hr.id)).mappings().one()
    stored = " ".join(str(value) for value in row.values())
    assert secret not in stored and secret.lower() not in stored.lower()


def test_rotating_the_key_reseals_every_secret_and_people_keep_their_apps(
    app, client, make_user, db_session, monkeypatch, caplog
):
    hr, admin, pending = make_user("hr"), make_user("admin"), make_user("hr")
    hr_secret, _ = enrol(client, hr)
    admin_secret = two_factor_service.new_secret()
    two_factor_service.store_secret(admin, admin_secret)
    two_factor_service.enrolment_secret(pending)  # half-way through setting up
    db_session.flush()
    sealed_before = hr.mfa_secret_sealed
    sign_out(client)

    # A new MFA_KEY, the old key (here SECRET_KEY) listed so the secrets can still be opened
    monkeypatch.setitem(app.config, "MFA_KEY", "a-new-key-for-two-factor-secrets")
    monkeypatch.setitem(app.config, "MFA_OLD_KEYS", (app.config["SECRET_KEY"],))
    result = app.test_cli_runner().invoke(args=["casework", "rotate-mfa-key"])
    assert result.exit_code == 0, result.output
    assert "2 two-factor secrets sealed under the current key" in result.output
    monkeypatch.setitem(app.config, "MFA_OLD_KEYS", ())  # and the old key is gone
    db_session.refresh(hr)
    assert hr.mfa_secret_sealed != sealed_before
    assert two_factor_service.secret_of(hr) == hr_secret
    assert two_factor_service.secret_of(admin) == admin_secret
    assert two_factor_service.enrolment_secret(pending)

    # HR signs in with the same app as before
    password_step(client, hr)
    client.get(CODE)
    code = fresh_code(hr_secret, after_step=hr.mfa_last_used_step)
    assert client.post(CODE, data={"code": code}).status_code == 302
    assert client.get("/cases").status_code == 200


def test_a_key_changed_without_rotating_is_named_and_changes_nothing(app, make_user, db_session, monkeypatch, caplog):
    hr = make_user("hr")
    two_factor_service.store_secret(hr, two_factor_service.new_secret())
    db_session.flush()
    sealed = hr.mfa_secret_sealed
    monkeypatch.setitem(app.config, "MFA_KEY", "a-key-nobody-sealed-with")
    assert two_factor_service.secret_of(hr) is None
    assert "cannot be opened with MFA_KEY" in caplog.text and "rotate-mfa-key" in caplog.text
    assert not two_factor_service.verify_app_code(hr, "123456")
    result = app.test_cli_runner().invoke(args=["casework", "rotate-mfa-key"])
    assert result.exit_code == 1
    assert hr.email in result.output and "MFA_OLD_KEYS" in result.output
    db_session.refresh(hr)
    assert hr.mfa_secret_sealed == sealed
