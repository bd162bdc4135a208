"""Refuse text no database can store, before any view reads it.

PostgreSQL's text can't hold the NUL character (SQLite's can), and neither database can
hold a lone surrogate, which JSON can spell ("\\ud800") though it is no character. Such a
request would fail with a server error, on one database or both. Every address, query
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
SURROGATE_MESSAGE = (
    "Send text as valid Unicode: a lone surrogate (such as \\ud800) is no character."
)


def init_app(app: Flask) -> None:
    """Answer any request carrying text no database can store with a field error."""

    @app.before_request
    def _refuse_unstorable_text() -> None:
        errors: dict[str, str] = {}
        for name, text in _texts():
            problem = _unstorable(text)
            if problem is not None:
                errors.setdefault(name, problem)
        if errors:
            raise InvalidInput(errors)


def _unstorable(text: str) -> str | None:
    if NUL in text:
        return NUL_MESSAGE
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return SURROGATE_MESSAGE
    return None


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
