"""What makes a password acceptable here.

Following the NCSC's password guidance: length rather than forced complexity,
and a deny list of the passwords people choose most often (shipped as data in
casework/data/common-passwords.txt). A common password stays common with a
year or a "!" on the end, or typed twice, so those are refused too.
"""

import re
from functools import cache
from pathlib import Path

MIN_LENGTH = 12
MAX_LENGTH = 200
COMMON_PASSWORDS_FILE = Path(__file__).resolve().parent.parent / "data" / "common-passwords.txt"

TOO_SHORT = "Password must be {min_length} characters or more"
TOO_LONG = "Password must be {max_length} characters or fewer"
TOO_COMMON = "Password is too easy to guess: choose one that is not a common password or a simple pattern"
ENTER_PASSWORD = "Enter a new password"  # noqa: S105 (a message)


@cache
def common_passwords() -> frozenset[str]:
    """The deny list, in lower case."""
    with COMMON_PASSWORDS_FILE.open(encoding="utf-8") as lines:
        return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def _is_sequence(text: str) -> bool:
    """`abcdefghijkl`, `123456789012`, `987654321098`: each character one step from the last."""
    steps = {(ord(b) - ord(a)) for a, b in zip(text, text[1:], strict=False)}
    return len(text) > 2 and (steps <= {1, -9} or steps <= {-1, 9})


def is_guessable(password: str, context: tuple[str, ...] = ()) -> bool:
    """True for a common password, one with only digits or symbols around it, one
    repeated, a run of characters, or a word of the context (the person's e-mail
    name, the service's name) dressed up the same ways."""
    text = password.strip().lower()
    squeezed = re.sub(r"\s+", "", text)
    words = common_passwords() | {word.lower() for word in context if len(word) >= 4}
    candidates = {text, squeezed}
    core = re.sub(r"^[^a-z]+|[^a-z]+$", "", squeezed)  # digits and symbols before and after
    if core:
        candidates.add(core)
    repeated = re.fullmatch(r"(.+?)\1+", squeezed)
    if repeated:
        unit = repeated.group(1)
        if len(unit) <= 4:
            return True
        candidates.add(unit)
    if _is_sequence(squeezed):
        return True
    return any(candidate in words for candidate in candidates)


def password_problem(
    password: str | None,
    *,
    min_length: int = MIN_LENGTH,
    context: tuple[str, ...] = (),
) -> str | None:
    """What is wrong with a new password, in words for the person choosing it; None when it is fine."""
    if not password:
        return ENTER_PASSWORD
    if len(password) < min_length:
        return TOO_SHORT.format(min_length=min_length)
    if len(password) > MAX_LENGTH:
        return TOO_LONG.format(max_length=MAX_LENGTH)
    if is_guessable(password, context):
        return TOO_COMMON
    return None


def context_words(email: str | None, *extra: str | None) -> tuple[str, ...]:
    """Words a guesser would try first for this person: the parts of their e-mail address's name."""
    words: list[str] = []
    if email:
        local = email.split("@", 1)[0].lower()
        words.append(local)
        words.extend(part for part in re.split(r"[^a-z0-9]+", local) if part)
    words.extend(word.lower() for word in extra if word)
    return tuple(words)
