"""The Slack app's secrets, encrypted at rest with a key derived from TEAMKIT_SECRET_KEY.

Fernet (cryptography): AES in CBC mode with an HMAC, so a changed or foreign ciphertext
is refused rather than read. The key is HKDF-SHA256 of the app's secret key, for this use
alone; rotating TEAMKIT_SECRET_KEY means pasting the Slack secrets again.
"""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from teamkit.errors import ServiceError

_INFO = b"teamkit slack secrets v1"


def _fernet(secret_key: str | bytes) -> Fernet:
    material = secret_key.encode() if isinstance(secret_key, str) else secret_key
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(material)
    return Fernet(base64.urlsafe_b64encode(key))


def encrypt(secret_key: str | bytes, value: str) -> str:
    """Return `value` encrypted, as text to store."""
    return _fernet(secret_key).encrypt(value.encode()).decode("ascii")


def decrypt(secret_key: str | bytes, stored: str) -> str:
    """Return the value `stored` holds; a ServiceError when the key can't open it."""
    try:
        return _fernet(secret_key).decrypt(stored.encode("ascii")).decode()
    except (InvalidToken, ValueError) as error:
        raise ServiceError(
            "The stored Slack secrets can't be read (was TEAMKIT_SECRET_KEY changed?): "
            "an owner pastes the bot token and signing secret again."
        ) from error


def mask(value: str) -> str:
    """Return a secret as shown back: its kind and its last four characters."""
    prefix = value[:5] if value.startswith("xox") else ""
    return f"{prefix}…{value[-4:]}"
