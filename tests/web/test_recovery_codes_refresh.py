"""Refreshing the page of recovery codes after turning on two-factor (issue 9 item 14) explains what
happened and how to get new codes, instead of starting the sign-in again or showing the codes twice."""

import pyotp
import pytest

from .test_mfa import SET_UP, enrol, text

pytestmark = pytest.mark.usefixtures("security_on")


def test_refreshing_the_recovery_codes_explains_and_offers_new_ones(client, make_user):
    hr = make_user("hr")
    secret, codes = enrol(client, hr)
    assert len(codes) == 10

    # The browser sends the form again (refresh), or the person opens the address again
    for again in (
        lambda: client.post(SET_UP, data={"code": pyotp.TOTP(secret).now()}),
        lambda: client.get(SET_UP),
    ):
        response = again()
        assert response.status_code == 409
        page = " ".join(text(response).split())
        assert "Two-factor sign-in is already on" in page
        assert "your recovery codes were shown once" in page and "never shown again" in page
        assert 'href="/your-account/recovery-codes"' in page and "Get new recovery codes" in page
        assert not any(code in page for code in codes), "the codes are never shown twice"
        assert response.headers["Cache-Control"] == "no-store"
    # Still signed in
    assert client.get("/your-account").status_code == 200
