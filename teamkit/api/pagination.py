"""Cursor pagination for API lists: `?limit=&cursor=`, answered with `next_cursor` and `next`."""

from __future__ import annotations

import base64
from typing import Any

from flask import current_app, request
from marshmallow import Schema, fields, validate
from sqlalchemy import Select
from sqlalchemy.orm import Session

from teamkit.errors import InvalidInput
from teamkit.urls import external_url

MAX_LIMIT = 200
#: No list is longer than a table can count rows; a bigger offset is a forged cursor.
MAX_OFFSET = 2**31 - 1


class PageArgsSchema(Schema):
    """Query arguments of every list endpoint."""

    limit = fields.Integer(
        validate=validate.Range(min=1, max=MAX_LIMIT),
        metadata={"description": f"Items per page, 1 to {MAX_LIMIT}."},
    )
    cursor = fields.String(metadata={"description": "`next_cursor` of the previous page."})


class PageSchema(Schema):
    """Envelope of a list: items, and where the next page is (null on the last one)."""

    next_cursor = fields.String(allow_none=True, required=True)
    next = fields.String(
        allow_none=True, required=True, metadata={"description": "URL of the next page."}
    )


def _encode(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o:{offset}".encode()).decode().rstrip("=")


def _decode(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, _, value = raw.partition(":")
        offset = int(value)
        if kind != "o" or not 0 <= offset <= MAX_OFFSET:
            raise ValueError(raw)
    except ValueError:
        raise InvalidInput({"cursor": "This cursor is not one we gave out."}) from None
    return offset


def paginate(session: Session, statement: Select[Any], args: dict[str, Any]) -> dict[str, Any]:
    """Run an ordered `statement` for one page and return {items, next_cursor, next}."""
    limit = args.get("limit") or current_app.config["TEAMKIT"]["API_PAGE_SIZE"]
    offset = _decode(args["cursor"]) if args.get("cursor") else 0
    rows = list(session.scalars(statement.offset(offset).limit(limit + 1)))
    has_more = len(rows) > limit
    next_cursor = _encode(offset + limit) if has_more else None
    next_url = None
    if next_cursor is not None and request.endpoint:
        # Only the arguments the endpoint understood: never a URL part, nothing unknown.
        query = {name: value for name, value in args.items() if value is not None}
        query.update(cursor=next_cursor, limit=limit)
        next_url = external_url(request.endpoint, **(request.view_args or {}), **query)
    return {"items": rows[:limit], "next_cursor": next_cursor, "next": next_url}
