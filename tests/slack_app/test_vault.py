"""The Slack secrets at rest: encrypted with a key derived from the secret key, unreadable
with another key, and a changed ciphertext is refused rather than read."""

from __future__ import annotations

import pytest

from teamkit.errors import ServiceError
from teamkit.slack import vault


def test_a_secret_is_encrypted_afresh_each_time_and_read_back() -> None:
    first, second = vault.encrypt("key-one", "xoxb-secret"), vault.encrypt("key-one", "xoxb-secret")
    assert first != second and "xoxb-secret" not in first
    assert vault.decrypt("key-one", first) == vault.decrypt("key-one", second) == "xoxb-secret"


def test_another_key_or_a_changed_ciphertext_is_refused() -> None:
    stored = vault.encrypt("key-one", "xoxb-secret")
    with pytest.raises(ServiceError, match="TEAMKIT_SECRET_KEY"):
        vault.decrypt("key-two", stored)
    changed = stored[:-5] + ("A" if stored[-5] != "A" else "B") + stored[-4:]
    with pytest.raises(ServiceError):
        vault.decrypt("key-one", changed)


def test_a_secret_is_shown_masked() -> None:
    assert vault.mask("xoxb-1111-2222-abcdefghijkl") == "xoxb-…ijkl"
    assert vault.mask("0123456789abcdef0123456789abcdef") == "…cdef"
