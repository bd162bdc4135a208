"""Refuse text no database can store, before any view reads it.

PostgreSQL's text can't hold the NUL character (SQLite's can), and neither database can
hold a lone surrogate, which JSON can spell ("\\ud800") though it is no character. Such a
request would fail with a server error, on one database or both. Every address, query
argument, form field and JSON string is checked once, here, for every route to come.

A JSON body is measured before anything parses it: Python's JSON parser recurses once per
level, so `[[[[…]]]]` a thousand deep would end in a RecursionError (a 500) in whichever
parser met it first. No body teamkit reads nests more than two levels.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from flask import Flask, request

from teamkit.api.setup import is_api_request
from teamkit.errors import InvalidInput, ServiceError

NUL = "\x00"
NUL_MESSAGE = "Remove the NUL character (\\0): text can't hold it."
SURROGATE_MESSAGE = (
    "Send text as valid Unicode: a lone surrogate (such as \\ud800) is no character."
)

#: Deepest nesting of arrays and objects a JSON body may have.
MAX_JSON_DEPTH = 32
TOO_DEEP_MESSAGE = f"The JSON body nests arrays or objects more than {MAX_JSON_DEPTH} levels deep."
#: A JSON string (escapes included), or one bracket outside strings.
_JSON_TOKENS = re.compile(rb'"(?:[^"\\]|\\.)*"?|[\[\]{}]')


def init_app(app: Flask) -> None:
    """Answer any request carrying text no database can store with a field error."""

    @app.before_request
    def _refuse_unstorable_text() -> None:
        if is_api_request() and request.is_json:
            refuse_deep_json(request.get_data(cache=True))
        elif request.mimetype == "application/x-www-form-urlencoded":
            # Kept as sent, so that a view can check a signature over the exact body (the
            # Slack app's requests); the form is then parsed from the kept copy.
            request.get_data(cache=True)
        errors: dict[str, str] = {}
        for name, text in _texts():
            problem = _unstorable(text)
            if problem is not None:
                errors.setdefault(name, problem)
        if errors:
            raise InvalidInput(errors)


def json_depth(body: bytes) -> int:
    """Return how deeply the arrays and objects in a JSON text nest, without parsing it."""
    depth = deepest = 0
    for token in _JSON_TOKENS.finditer(body):
        bracket = token.group()
        if bracket in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        elif bracket in (b"]", b"}"):
            depth -= 1
    return deepest


def refuse_deep_json(body: bytes) -> None:
    """Refuse a body nested deeper than any teamkit reads, before a parser recurses into it."""
    if json_depth(body) > MAX_JSON_DEPTH:
        raise ServiceError(TOO_DEEP_MESSAGE)


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
    """Yield every string in a JSON value (keys too), walking it with a stack, not recursion."""
    stack = [(name, value)]
    while stack:
        name, value = stack.pop()
        if isinstance(value, str):
            yield name, value
        elif isinstance(value, dict):
            for key, item in value.items():
                yield "body", str(key)
                stack.append((key if name == "body" else f"{name}.{key}", item))
        elif isinstance(value, list):
            stack.extend((name, item) for item in value)
