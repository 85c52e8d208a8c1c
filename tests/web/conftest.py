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
