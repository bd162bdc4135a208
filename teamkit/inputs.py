"""Refuse text no database can store, before any view reads it.

PostgreSQL's text can't hold the NUL character (SQLite's can), so one request would be
stored on one database and fail with a server error on the other. Every address, query
argument, form field and JSON string is checked once, here, for every route to come.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask import Flask, request

from teamkit.api.setup import is_api_request
from teamkit.errors import InvalidInput

NUL = "\x00"
NUL_MESSAGE = "Remove the NUL character (\\0): text can't hold it."


def init_app(app: Flask) -> None:
    """Answer any request carrying a NUL character with a field error, changing nothing."""

    @app.before_request
    def _refuse_nul_characters() -> None:
        fields = dict.fromkeys(name for name, text in _texts() if NUL in text)
        if fields:
            raise InvalidInput({name: NUL_MESSAGE for name in fields})


def _texts() -> Iterator[tuple[str, str]]:
    yield "path", request.path
    yield from request.args.items(multi=True)
    if is_api_request():
        # Only JSON gets this far in the API: other bodies were refused with a 415.
        if request.is_json:
            yield from _json_texts(request.get_json(silent=True), "body")
    else:
        yield from request.form.items(multi=True)


def _json_texts(value: Any, name: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield name, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield "body", str(key)
            yield from _json_texts(item, key if name == "body" else f"{name}.{key}")
    elif isinstance(value, list):
        for item in value:
            yield from _json_texts(item, name)
