"""Issue 12 in a real browser: a person signs in through the council's OpenID provider (a real one,
npm oidc-provider on loopback) and lands on their Casework home page; an unknown account is turned
away with a message. Every page, the provider's included, is checked by axe and photographed."""

import re

import pytest
from playwright.sync_api import expect

from tests.oidc.provider import CLIENT_ID, CLIENT_SECRET, OpenIDProvider

from .conftest import follow, sign_out, visit


@pytest.fixture(scope="module")
def council_provider(live_server):
    employee = live_server.people["employee"]
    provider = OpenIDProvider(
        [f"{live_server.url}/sign-in/sso/callback"],
        accounts=[
            {"id": "staff-1", "email": employee.email.upper(), "email_verified": True, "name": employee.name},
            {"id": "stranger", "email": "stranger@elsewhere.example", "email_verified": True, "name": "A Stranger"},
        ],
    )
    config = live_server.app.config
    config.update(OIDC_ISSUER=provider.issuer, OIDC_CLIENT_ID=CLIENT_ID, OIDC_CLIENT_SECRET=CLIENT_SECRET)
    yield provider
    config.update(OIDC_ISSUER=None, OIDC_CLIENT_ID=None, OIDC_CLIENT_SECRET=None)
    provider.stop()


def through_the_provider(page, account: str, *, status: int = 200):
    visit(page, "/sign-in", label="sign-in")
    follow(
        page,
        lambda: page.get_by_role("button", name="Sign in with your council account").click(),
        label="provider",
    )
    expect(page.locator("h1")).to_have_text("Test provider: sign in")
    page.get_by_label("Account").fill(account)
    return follow(
        page, lambda: page.get_by_role("button", name="Sign in to the provider").click(), label="back", status=status
    )


def test_signing_in_with_the_council_account(page, live_server, council_provider):
    employee = live_server.people["employee"]
    through_the_provider(page, "staff-1")
    assert page.url == f"{live_server.url}/"
    expect(page.get_by_role("link", name=re.compile(rf"^{re.escape(employee.name)}"))).to_be_visible()
    sign_out(page)


def test_an_account_casework_does_not_know_is_turned_away(page, live_server, council_provider):
    through_the_provider(page, "stranger", status=403)
    expect(page.locator("h1")).to_have_text("You could not be signed in")
    expect(page.locator("#sso-refused")).to_contain_text("There is no Casework account for stranger@elsewhere.example")
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
