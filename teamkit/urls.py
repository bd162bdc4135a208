"""URLs: the id converter, and absolute links for places outside the browser (API answers,
emails, Slack)."""

from __future__ import annotations

from typing import Any

from flask import current_app, url_for
from werkzeug.routing import IntegerConverter, Map

from teamkit.validation import ROW_ID_MAX

#: The largest id a row can have: PostgreSQL's `integer`.
MAX_ID = ROW_ID_MAX


class IdConverter(IntegerConverter):
    """`<int:…>` for row ids. An id past any row's (PostgreSQL's `integer`) still matches,
    as 0, which names no row either: the view answers its usual 404, for every method,
    instead of the database failing on a number it can't hold."""

    def __init__(self, url_map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)  # shown as the maximum in the OpenAPI document
        super().__init__(url_map, *args, **kwargs)

    def to_python(self, value: str) -> int:
        number = int(value)
        return number if number <= MAX_ID else 0


def external_url(endpoint: str, **values: Any) -> str:
    """Return the URL of `endpoint` under TEAMKIT_BASE_URL."""
    base = str(current_app.config["TEAMKIT"]["BASE_URL"]).rstrip("/")
    return base + url_for(endpoint, **values)
