"""Fixtures for page and API tests."""

from functools import cache

import pytest
from werkzeug.security import generate_password_hash


@cache
def quick_hash(password: str) -> str:
    """scrypt at a low cost, made once per password.

    Checking a password uses the cost written in its hash, so page tests that
    sign in many people stay fast; real accounts keep the full cost.
    """
    return generate_password_hash(password, method="scrypt:1024:8:1")


@pytest.fixture
def make_user(make_user):
    """As the shared factory, with a password hashed quickly (see `quick_hash`)."""

    def make(role="employee", *, password=..., **fields):
        from tests.conftest import TEST_PASSWORD

        password = TEST_PASSWORD if password is ... else password
        user = make_user(role, password=None, **fields)
        if password:
            user.password_hash = quick_hash(password)
        return user

    return make


# --- sign-in security (issue 6) -----------------------------------------------------


@pytest.fixture
def security_on(app, monkeypatch):
    """Rate limits and two-factor for HR and admins, as in production (the general suite lifts them)."""
    from casework.extensions import limiter

    monkeypatch.setitem(app.config, "RATELIMIT_ENABLED", True)
    monkeypatch.setitem(app.config, "MFA_REQUIRED_ROLES", ("hr", "admin"))
    limiter.reset()
    yield app.config
    limiter.reset()


class Clock:
    """A settable clock for the sign-in services: starts at the real time; `advance` moves it on."""

    def __init__(self):
        from casework.models import utcnow

        self.now = utcnow()

    def __call__(self):
        return self.now

    def advance(self, **delta):
        from datetime import timedelta

        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):
    from casework.services import sign_in

    clock = Clock()
    monkeypatch.setattr(sign_in, "utcnow", clock)
    return clock


@pytest.fixture(autouse=True)
def quick_dummy_hash(monkeypatch):
    """An address without an account is checked against a dummy hash of the same cost as a real
    one (casework.services.sign_in); here, of the same low cost as the test users' (see `quick_hash`)."""
    from casework.services import sign_in, users

    dummy = quick_hash("not a real password")
    monkeypatch.setattr(users, "_DUMMY_HASH", dummy)
    monkeypatch.setattr(sign_in, "_DUMMY_HASH", dummy)
