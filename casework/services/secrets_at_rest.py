"""Secrets kept encrypted in the database: each person's two-factor secret (issue 12, Secrets at rest).

A two-factor secret is as good as the person's phone: anyone who reads it can
make their codes. So it is never stored in plain text, but sealed with Fernet
(AES-128-CBC and HMAC-SHA256, from the `cryptography` package) under a key
derived by HKDF-SHA256 from `MFA_KEY`, or from `SECRET_KEY` when no
`MFA_KEY` is set. A copy of the database alone does not give the secrets.

Rotation: set the new `MFA_KEY`, list the previous key (or the old
`SECRET_KEY`) in `MFA_OLD_KEYS`, run `flask casework rotate-mfa-key`, which
re-seals every secret under the new key, then remove `MFA_OLD_KEYS`.
"""

import base64

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

PURPOSE = b"casework two-factor secret v1"


class CannotUnseal(Exception):
    """A sealed value that none of the configured keys opens (the key changed without a rotation)."""


def derive_key(key_material: str | bytes) -> bytes:
    """A Fernet key for `key_material` (MFA_KEY or SECRET_KEY), for this purpose only."""
    if isinstance(key_material, str):
        key_material = key_material.encode("utf-8")
    if not key_material:
        raise ValueError("An empty key cannot seal secrets: set SECRET_KEY or MFA_KEY")
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=PURPOSE).derive(key_material)
    return base64.urlsafe_b64encode(derived)


def sealer(current: str | bytes, old: tuple = ()) -> MultiFernet:
    """Seals under `current`; opens what was sealed under `current` or any of `old`."""
    return MultiFernet([Fernet(derive_key(current)), *(Fernet(derive_key(k)) for k in old if k)])


def seal_with(sealer_: MultiFernet, text: str) -> str:
    return sealer_.encrypt(text.encode("utf-8")).decode("ascii")


def unseal_with(sealer_: MultiFernet, sealed: str) -> str:
    try:
        return sealer_.decrypt(sealed.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeError, ValueError):
        raise CannotUnseal("None of the configured keys opens this secret") from None


def old_keys(value) -> tuple:
    """MFA_OLD_KEYS as a tuple: a list in instance/config.py, or comma-separated in the environment."""
    if not value:
        return ()
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(",") if part.strip())
    return tuple(value)


def configured_sealer() -> MultiFernet:
    config = current_app.config
    return sealer(config.get("MFA_KEY") or config["SECRET_KEY"], old_keys(config.get("MFA_OLD_KEYS")))


def seal(text: str) -> str:
    """`text` sealed under the current key."""
    return seal_with(configured_sealer(), text)


def unseal(sealed: str) -> str:
    """The text of a sealed value; CannotUnseal when no configured key opens it."""
    return unseal_with(configured_sealer(), sealed)


def reseal(sealed: str) -> str:
    """The same text sealed under the current key (for rotation)."""
    try:
        return configured_sealer().rotate(sealed.encode("ascii")).decode("ascii")
    except (InvalidToken, UnicodeError, ValueError):
        raise CannotUnseal("None of the configured keys opens this secret") from None
