"""The anonymous cards a person wrote, known only to their signed session cookie.

The database never links an anonymous card to its writer; the writer's own session keeps
the card's key so that they can still edit or delete it, and see it marked as theirs.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

#: Where the session keeps the keys of the anonymous cards written in it.
SESSION_KEY = "board_cards"
#: How many keys a session keeps (the newest): a cookie must stay small.
KEPT = 60


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
