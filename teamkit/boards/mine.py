"""The anonymous cards a person wrote, known only to their signed session cookie.

The database never links an anonymous card to its writer; the writer's own session keeps
the card's key so that they can still edit or delete it, and see it marked as theirs. The
portal keeps the keys in its signed session cookie; the API, which reads no cookie, hands
them to the client as a signed `Board-Cards` header value to send back.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

#: Where the session keeps the keys of the anonymous cards written in it.
SESSION_KEY = "board_cards"
#: How many keys a session keeps (the newest): a cookie must stay small.
KEPT = 60
#: The longest `Board-Cards` value read (KEPT keys and their signature fit well).
HEADER_MAX = 8192


def card_ids(session: MutableMapping[str, Any]) -> frozenset[str]:
    """Return the keys of the anonymous cards written in this session."""
    found = session.get(SESSION_KEY)
    if not isinstance(found, list):
        return frozenset()
    return frozenset(key for key in found if isinstance(key, str))


def remember(session: MutableMapping[str, Any], card_id: str) -> None:
    """Keep the key of an anonymous card just written in this session."""
    found = session.get(SESSION_KEY)
    keys = [key for key in found if isinstance(key, str)] if isinstance(found, list) else []
    session[SESSION_KEY] = [*keys, card_id][-KEPT:]


#: The API's signed session of anonymous cards: answered by `POST …/cards`, sent back by
#: the client on later calls (the API reads no cookie).
HEADER = "Board-Cards"
_SALT = "teamkit.boards.mine"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key or "", salt=_SALT)


def from_header(value: str | None, person_id: int) -> frozenset[str]:
    """Return the card keys of a signed `Board-Cards` value of this person (else none)."""
    if not value or len(value) > HEADER_MAX:
        return frozenset()
    try:
        found = _serializer().loads(value)
    except BadSignature:
        return frozenset()
    if not isinstance(found, dict) or found.get("p") != person_id:
        return frozenset()
    keys = found.get("c")
    if not isinstance(keys, list):
        return frozenset()
    return frozenset(key for key in keys if isinstance(key, str))


def to_header(keys: list[str], person_id: int) -> str:
    """Return a signed `Board-Cards` value: this person's anonymous cards' keys (newest)."""
    return _serializer().dumps({"p": person_id, "c": keys[-KEPT:]})
