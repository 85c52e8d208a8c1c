"""Issue 6 in a real browser: an admin's first sign-in sets up two-factor with the
QR code page, saves the recovery codes, manages an API token from Your account,
and signs in again with a recovery code. Every page is checked by axe and
photographed (tests/browser/screenshots/test_two_factor_*)."""

import re

import pyotp
from playwright.sync_api import expect

from .conftest import follow, sign_in, sign_out


def test_first_sign_in_sets_up_two_factor_and_the_account_pages(page, live_server):
    admin = live_server.people["admin"]
    sign_in(page, admin, label="sign-in")
    expect(page).to_have_url(re.compile(r"/sign-in/set-up-two-factor$"))
    expect(page.locator("h1")).to_have_text("Set up two-factor sign-in")
    qr_code = page.get_by_role("img", name="QR code for your authenticator app")
    expect(qr_code).to_be_visible()
    box = qr_code.bounding_box()
    assert box and box["width"] >= 150 and abs(box["width"] - box["height"]) < 1, box
    key = page.locator("#setup-key").inner_text().replace(" ", "")
    assert re.fullmatch(r"[A-Z2-7]{32}", key)

    code_box = page.get_by_label("Code from your authenticator app")
    totp = pyotp.TOTP(key)
    code_box.fill("000000" if totp.now() != "000000" else "111111")
    follow(page, lambda: page.get_by_role("button", name="Turn on two-factor sign-in").click(), label="wrong-code")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the code your authenticator app shows now")

    page.get_by_label("Code from your authenticator app").fill(totp.now())
    follow(page, lambda: page.get_by_role("button", name="Turn on two-factor sign-in").click(), label="recovery-codes")
    expect(page.locator("h1")).to_have_text("Save your recovery codes")
    codes = page.locator(".app-recovery-codes code").all_inner_texts()
    assert len(codes) == 10

    follow(page, lambda: page.get_by_role("link", name="I have saved my recovery codes").click(), label="home")
    follow(page, lambda: page.get_by_role("link", name=re.compile(r"^Olu Adeyemi")).click(), label="your-account")
    expect(page.locator("h1")).to_have_text("Your account")
    expect(page.locator(".govuk-summary-list")).to_contain_text("10 unused recovery codes")

    follow(page, lambda: page.get_by_role("link", name="Manage your API tokens").click(), label="api-tokens")
    page.get_by_label("Name").fill("Nightly export")
    follow(page, lambda: page.get_by_role("button", name="Create token").click(), label="token-created")
    token = page.locator("#new-token").inner_text()
    assert token.startswith("cw_")
    follow(page, lambda: page.get_by_role("link", name="Back to your API tokens").click(), label="token-listed")
    tokens = page.get_by_role("table", name="Your API tokens, newest first")
    expect(tokens).to_contain_text("Nightly export")
    assert token not in page.content()
    follow(page, lambda: tokens.get_by_role("button", name="Revoke token Nightly export").click(), label="revoked")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("revoked")
    expect(tokens).to_contain_text("Revoked")

    sign_out(page)
    sign_in(page, admin, label="sign-in-again")
    expect(page).to_have_url(re.compile(r"/sign-in/two-factor$"))
    page.get_by_label("Code", exact=True).fill(codes[0])
    follow(page, lambda: page.get_by_role("button", name="Continue").click(), label="signed-in-with-recovery-code")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("You have 9 left")
