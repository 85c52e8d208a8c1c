"""Signing in and out (design §10: /sign-in with email and password, sign-out by POST)."""

import re

import pytest

from casework.web.auth import safe_next
from tests.conftest import TEST_PASSWORD

FAILED = "Enter a correct email address and password"


def sign_in(client, email, password=TEST_PASSWORD, *, next=None, **kwargs):
    url = "/sign-in" + (f"?next={next}" if next is not None else "")
    return client.post(url, data={"email": email, "password": password}, **kwargs)


def signed_in(client) -> bool:
    return client.get("/").status_code == 200


def test_sign_in_lands_on_the_home_page(client, make_user):
    user = make_user(name="Priya Shah")
    response = sign_in(client, user.email)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 200
    assert "Priya Shah" in home.get_data(as_text=True)


def test_the_email_is_not_case_sensitive(client, make_user):
    user = make_user()
    assert sign_in(client, "  " + user.email.upper() + " ").status_code == 302


def normalised(response, email: str) -> str:
    """The page with what differs between two attempts (token, script nonce, typed address) blanked out."""
    html = response.get_data(as_text=True).replace(email, "EMAIL")
    html = re.sub(r'nonce="[^"]+"', 'nonce="NONCE"', html)
    return re.sub(r'name="csrf_token" (type="hidden" )?value="[^"]+"', "TOKEN", html)


def test_a_wrong_password_and_an_unknown_email_look_the_same(client, make_user):
    user = make_user()
    wrong_password = sign_in(client, user.email, "not-the-password")
    unknown_email = sign_in(client, "nobody@test.invalid")
    for response in (wrong_password, unknown_email):
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        assert 'class="govuk-error-summary"' in html
        assert FAILED in html
        assert "<title>Error: Sign in" in html
    assert normalised(wrong_password, user.email) == normalised(unknown_email, "nobody@test.invalid")
    assert not signed_in(client)


@pytest.mark.parametrize(
    ("email", "password", "message"),
    [("", TEST_PASSWORD, "Enter your email address"), ("someone@test.invalid", "", "Enter your password")],
)
def test_empty_fields_are_named(client, email, password, message):
    response = sign_in(client, email, password)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)


def test_a_person_without_a_password_cannot_sign_in(client, make_user):
    volunteer = make_user(password=None, staff_type="volunteer")
    for password in (TEST_PASSWORD, "anything at all", " "):
        response = sign_in(client, volunteer.email, password)
        assert FAILED in response.get_data(as_text=True) or "Enter your password" in response.get_data(as_text=True)
    assert not signed_in(client)


def test_an_inactive_person_cannot_sign_in_even_with_the_right_password(client, make_user, db_session):
    leaver = make_user()
    leaver.active = False
    db_session.flush()
    response = sign_in(client, leaver.email)
    assert FAILED in response.get_data(as_text=True)
    assert not signed_in(client)


def test_deactivating_someone_ends_their_session(client, make_user, login_as, db_session):
    user = make_user()
    login_as(user)
    assert signed_in(client)
    user.active = False
    db_session.flush()
    assert not signed_in(client)


def test_pages_need_sign_in_and_come_back_after_it(client, make_user):
    user = make_user()
    response = client.get("/my-reports")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in?next=")
    response = sign_in(client, user.email, next="/my-reports")
    assert response.headers["Location"] == "/my-reports"


@pytest.mark.parametrize("target", ["/cases?stage=reported&kind=breach", "/my-reports"])
def test_next_may_be_a_local_path(client, make_user, target):
    from urllib.parse import quote

    response = sign_in(client, make_user().email, next=quote(target, safe="/"))
    assert response.headers["Location"] == target


REFUSED = [
    "https://evil.example/",
    "http://evil.example",
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\\/evil.example",
    "javascript:alert(1)",
    "JAVASCRIPT:alert(1)",
    " //evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "https:evil.example",
    "evil.example",
    "",
]


@pytest.mark.parametrize("target", REFUSED)
def test_safe_next_refuses_anything_but_a_local_path(target):
    assert safe_next(target) is None


@pytest.mark.parametrize("target", ["/", "/my-reports", "/cases/SMC-2026-00001", "/cases?stage=reported&page=2"])
def test_safe_next_keeps_a_local_path(target):
    assert safe_next(target) == target


def test_sign_in_refuses_to_send_people_off_site(client, make_user):
    user = make_user()
    for target in ("https://evil.example", "//evil.example", "/%5Cevil.example", "%2F%2Fevil.example",
                   "javascript:alert(1)", "/%09/evil.example"):  # fmt: skip
        response = sign_in(client, user.email, next=target)
        assert response.status_code == 302
        assert response.headers["Location"] == "/", target
        client.post("/sign-out", data={})
        client.get("/sign-in")  # a fresh form, with the new session's token


def test_sign_in_without_the_csrf_token_is_refused(client, make_user):
    user = make_user()
    response = sign_in(client, user.email, csrf=False)
    assert response.status_code == 400
    assert not signed_in(client)


def test_sign_out_is_a_post(client, make_user, login_as):
    login_as(make_user())
    assert client.get("/sign-out").status_code == 405
    assert signed_in(client)
    response = client.post("/sign-out", data={})
    assert response.status_code == 302
    assert response.headers["Location"] == "/sign-in"
    assert not signed_in(client)


def test_sign_out_without_the_csrf_token_is_refused(client, make_user, login_as):
    login_as(make_user())
    assert client.post("/sign-out", data={}, csrf=False).status_code == 400
    assert signed_in(client)


def test_the_session_cookie_is_httponly_and_samesite_lax(client, make_user):
    response = sign_in(client, make_user().email)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # the tests speak plain HTTP, with Secure turned off for them


def test_cookies_are_secure_by_default_whatever_the_host(app, db_session, monkeypatch):
    """Issue 15, 1: a proxy that passes its upstream address as Host must not drop Secure."""
    from casework.config import DefaultConfig

    assert DefaultConfig.SESSION_COOKIE_SECURE is True and DefaultConfig.REMEMBER_COOKIE_SECURE is True
    monkeypatch.setitem(app.config, "SESSION_COOKIE_SECURE", DefaultConfig.SESSION_COOKIE_SECURE)
    for host in ("localhost", "127.0.0.1", "[::1]", "127.0.0.1:8000", "casework.council.example"):
        client = app.test_client()
        response = client.get("/sign-in", headers={"Host": host})
        assert "Secure" in response.headers["Set-Cookie"], host


def test_make_run_alone_turns_secure_cookies_off(monkeypatch):
    from pathlib import Path

    from casework.config import from_environment

    makefile = (Path(__file__).resolve().parents[2] / "Makefile").read_text()
    run = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    assert "SESSION_COOKIE_SECURE=false REMEMBER_COOKIE_SECURE=false" in run
    monkeypatch.setenv("SESSION_COOKIE_SECURE", "false")
    monkeypatch.setenv("REMEMBER_COOKIE_SECURE", "0")
    assert from_environment()["SESSION_COOKIE_SECURE"] is False
    assert from_environment()["REMEMBER_COOKIE_SECURE"] is False
    monkeypatch.setenv("SESSION_COOKIE_SECURE", "perhaps")
    with pytest.raises(ValueError, match="SESSION_COOKIE_SECURE must be true or false"):
        from_environment()
