"""Single sign-on against a real OpenID provider on loopback (npm oidc-provider under Node.js; issue 12, item 2).

The provider is a real one: the app reads its discovery document, sends the
browser to its sign-in page, exchanges the code at its token endpoint and
checks the ID token against its published keys. For the refusals a
conformant provider would never produce (a token for another audience,
expired, with another nonce or issuer, signed by another key or not signed
at all) the provider is told to spoil its next token response.
"""

import re
from urllib.parse import urljoin

import pytest
import requests
from sqlalchemy import func, select

from casework.models import User
from tests.oidc.provider import CLIENT_ID, CLIENT_SECRET, OpenIDProvider

CALLBACK = "http://localhost/sign-in/sso/callback"


@pytest.fixture(scope="module")
def provider():
    running = OpenIDProvider([CALLBACK])
    yield running
    running.stop()


@pytest.fixture
def sso_on(app, provider, monkeypatch):
    monkeypatch.setitem(app.config, "OIDC_ISSUER", provider.issuer)
    monkeypatch.setitem(app.config, "OIDC_CLIENT_ID", CLIENT_ID)
    monkeypatch.setitem(app.config, "OIDC_CLIENT_SECRET", CLIENT_SECRET)
    return provider


@pytest.fixture
def people(make_user, db_session):
    return {
        "emma": make_user(email="emma.employee@council.example", name="Emma Employee", password=None),
        "hana": make_user("hr", email="hana.hr@council.example", name="Hana HR", password=None),
        "leaver": make_user(email="lee.leaver@council.example", name="Lee Leaver", password=None),
    }


def text_of(response) -> str:
    return response.get_data(as_text=True)


def at_the_provider(client, account: str) -> str:
    """Start single sign-on in the app, sign in at the provider as `account`; the URL it sends the browser back to."""
    start = client.get("/sign-in/sso")
    assert start.status_code == 302, text_of(start)
    browser = requests.Session()
    page = browser.get(start.headers["Location"], timeout=10)
    assert page.status_code == 200 and "Test provider: sign in" in page.text
    action = re.search(r'<form method="post" action="([^"]+)"', page.text).group(1)
    response = browser.post(urljoin(page.url, action), data={"login": account}, allow_redirects=False, timeout=10)
    while response.status_code in (302, 303) and not response.headers["Location"].startswith(CALLBACK):
        response = browser.get(urljoin(response.url, response.headers["Location"]), allow_redirects=False, timeout=10)
    location = response.headers["Location"]
    assert location.startswith(CALLBACK), location
    return location.removeprefix("http://localhost")


def signed_in_as(client) -> str | None:
    page = client.get("/")
    if page.status_code != 200:
        return None
    match = re.search(r'class="app-header__account-link"[^>]*>([^<(]+)', text_of(page))
    return match.group(1).strip() if match else None


def test_a_person_signs_in_with_their_council_account(client, sso_on, people, db_session):
    sign_in_page = text_of(client.get("/sign-in"))
    assert "Sign in with your council account" in sign_in_page
    back = at_the_provider(client, "emma")  # the provider's address has other letter cases
    response = client.get(back)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert signed_in_as(client) == "Emma Employee"
    assert people["emma"].last_sign_in_at is not None
    assert people["emma"].password_hash is None  # nothing about their password changed


def test_a_replayed_callback_is_refused(client, app, sso_on, people):
    back = at_the_provider(client, "emma")
    assert client.get(back).status_code == 302
    client.post("/sign-out", data={})
    replay = client.get(back)
    assert replay.status_code == 400 and "did not work" in text_of(replay)
    assert signed_in_as(client) is None
    # Someone else's browser, with the same address, gets nowhere either
    other = app.test_client()
    assert other.get(back).status_code == 400


def test_a_forged_state_is_refused(client, sso_on, people):
    back = at_the_provider(client, "emma")
    forged = re.sub(r"state=[^&]+", "state=forged-by-an-attacker", back)
    response = client.get(forged)
    assert response.status_code == 400 and "did not work" in text_of(response)
    assert signed_in_as(client) is None
    # A callback with no sign-in started at all
    assert client.get("/sign-in/sso/callback?code=x&state=y").status_code == 400


@pytest.mark.parametrize("mode", ["wrong_audience", "expired", "wrong_nonce", "wrong_issuer", "other_key", "alg_none"])
def test_a_bad_id_token_is_refused(client, sso_on, people, mode):
    back = at_the_provider(client, "emma")
    sso_on.spoil_next_token(mode)
    response = client.get(back)
    assert response.status_code == 400, mode
    assert "Signing in with your council account did not work" in text_of(response)
    assert signed_in_as(client) is None


def test_an_unverified_email_is_refused(client, sso_on, people):
    response = client.get(at_the_provider(client, "unverified"))
    assert response.status_code == 403 and "does not have a verified e-mail address" in text_of(response)
    assert signed_in_as(client) is None


def test_an_unknown_person_is_refused_and_never_created(client, sso_on, people, db_session):
    before = db_session.scalar(select(func.count()).select_from(User))
    response = client.get(at_the_provider(client, "stranger"))
    assert response.status_code == 403
    assert "There is no Casework account for stranger@elsewhere.example" in text_of(response)
    assert db_session.scalar(select(func.count()).select_from(User)) == before
    assert signed_in_as(client) is None


def test_a_leaver_is_refused(client, sso_on, people, db_session):
    people["leaver"].active = False
    db_session.commit()
    response = client.get(at_the_provider(client, "leaver"))
    assert response.status_code == 403 and "is closed" in text_of(response)


def test_hr_still_gives_a_code_unless_the_provider_checked_a_second_factor(client, app, sso_on, people, monkeypatch):
    monkeypatch.setitem(app.config, "MFA_REQUIRED_ROLES", ("hr", "admin"))
    response = client.get(at_the_provider(client, "hana"))
    assert response.status_code == 302 and response.headers["Location"].endswith("/sign-in/set-up-two-factor")
    assert signed_in_as(client) is None
    fresh = app.test_client()  # another browser
    response = fresh.get(at_the_provider(fresh, "hana-mfa"))  # amr: ["pwd", "mfa"]
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert signed_in_as(fresh) == "Hana HR"


def test_a_person_turned_away_by_the_provider_is_told(client, sso_on, people):
    back = at_the_provider(client, "nobody-at-the-provider")
    assert "error=access_denied" in back
    response = client.get(back)
    assert response.status_code == 400 and "did not work" in text_of(response)


def test_without_single_sign_on_the_pages_do_not_exist(client, app):
    assert app.config.get("OIDC_ISSUER") is None
    assert client.get("/sign-in/sso").status_code == 404
    assert client.get("/sign-in/sso/callback?code=x&state=y").status_code == 404
    assert "council account" not in text_of(client.get("/sign-in"))


def test_an_unreachable_provider_is_told_clearly(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "OIDC_ISSUER", "http://127.0.0.1:9")
    monkeypatch.setitem(app.config, "OIDC_CLIENT_ID", CLIENT_ID)
    monkeypatch.setitem(app.config, "OIDC_TIMEOUT_SECONDS", 2)
    response = client.get("/sign-in/sso")
    assert response.status_code == 502 and "did not work" in text_of(response)
