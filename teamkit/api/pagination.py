"""Keyset pagination for API lists: `?limit=&cursor=`, answered with `next_cursor` and `next`.

A cursor carries the sort key of the last item of its page, not an offset: the next page
is "the rows ordered after that key", which an index finds directly, so page 1,000 costs
what page 1 costs, and an item added or removed meanwhile neither repeats nor skips one.
The sort key is the list statement's own ORDER BY (which must end in a unique column, and
whose columns must not be NULL), read back from the database with each row.
"""

from __future__ import annotations

import base64
import binascii
import enum
import json
import math
import re
from datetime import date, datetime
from typing import Any

from flask import current_app, request
from marshmallow import Schema, fields, validate
from sqlalchemy import ColumnElement, Select, and_, bindparam, or_
from sqlalchemy.orm import Session
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import UnaryExpression
from sqlalchemy.types import TypeDecorator

from teamkit.errors import InvalidInput
from teamkit.urls import external_url

MAX_LIMIT = 200
#: What a key number may be: what the databases' `integer` columns hold.
KEY_INT_MAX = 2**31 - 1
#: The longest text a key may carry (names and titles are far shorter).
KEY_TEXT_MAX = 1000
#: Cursors of the offset pages teamkit gave out before keyset pages: "o:<offset>".
OFFSET_CURSOR = re.compile(r"o:\d+")
NOT_OURS = "This cursor is not one we gave out."
OUTDATED = "This cursor is from an older version of teamkit; start again from the first page."


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


#: One sort key: the expression, and whether it sorts descending.
SortKey = tuple[ColumnElement[Any], bool]


def sort_keys(statement: Select[Any]) -> list[SortKey]:
    """Return the ORDER BY of `statement` as (expression, descending) pairs."""
    keys: list[SortKey] = []
    # Select keeps its ORDER BY here; SQLAlchemy has no public reader of it.
    for clause in statement._order_by_clauses:
        if isinstance(clause, UnaryExpression) and clause.modifier in (
            operators.desc_op,
            operators.asc_op,
        ):
            keys.append((clause.element, clause.modifier is operators.desc_op))  # type: ignore[arg-type]
        else:
            keys.append((clause, False))
    if not keys:
        raise ValueError("a paginated statement needs an ORDER BY ending in a unique column")
    return keys


def _after(keys: list[SortKey], values: list[Any]) -> ColumnElement[bool]:
    """Return the condition "the row sorts after `values`" in the order of `keys`."""
    # Bound with each key's type: a boolean key compares as one (`<`), not as `IS true`.
    bound = [
        bindparam(None, value, type_=key.type) for (key, _), value in zip(keys, values, strict=True)
    ]
    alternatives = []
    for index, (expression, descending) in enumerate(keys):
        same = [key == value for (key, _), value in zip(keys[:index], bound, strict=False)]
        beyond = expression < bound[index] if descending else expression > bound[index]
        alternatives.append(and_(*same, beyond))
    return or_(*alternatives)


def _expected_type(expression: ColumnElement[Any]) -> type | None:
    column_type = expression.type
    if isinstance(column_type, TypeDecorator):  # UTCDateTime: what it stores is a datetime
        column_type = column_type.impl_instance
    try:
        kind = column_type.python_type
    except NotImplementedError:
        return None
    return None if kind is object else kind


def _encode_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"t": value.isoformat()}
    if isinstance(value, date):
        return {"d": value.isoformat()}
    if isinstance(value, enum.Enum):
        return value.value
    if value is None:
        raise ValueError("a sort key of a paginated list is NULL; sort by columns that are not")
    return value


def _decode_value(raw: Any, kind: type | None) -> Any:
    """Return the key value `raw` as `kind`, or raise ValueError for anything else."""
    if isinstance(raw, dict) and set(raw) == {"d"}:
        if kind not in (date, None) or not isinstance(raw["d"], str):
            raise ValueError(raw)
        return date.fromisoformat(raw["d"])
    if isinstance(raw, dict):
        if kind not in (datetime, None) or set(raw) != {"t"} or not isinstance(raw["t"], str):
            raise ValueError(raw)
        moment = datetime.fromisoformat(raw["t"])
        if moment.tzinfo is None:
            raise ValueError(raw)
        return moment
    if isinstance(raw, bool):
        if kind not in (bool, None):
            raise ValueError(raw)
        return raw
    if isinstance(raw, int):
        if kind not in (int, float, None) or not -KEY_INT_MAX <= raw <= KEY_INT_MAX:
            raise ValueError(raw)
        return raw
    if isinstance(raw, float):
        if kind not in (float, None) or not math.isfinite(raw):
            raise ValueError(raw)
        return raw
    if isinstance(raw, str):
        # Text no database stores (NUL, a lone surrogate) is a forged cursor, not a 500.
        if len(raw) > KEY_TEXT_MAX or "\x00" in raw:
            raise ValueError("text")
        raw.encode("utf-8")
        if kind is not None and issubclass(kind, enum.Enum):
            return kind(raw)
        if kind not in (str, None):
            raise ValueError(raw)
        return raw
    raise ValueError(raw)


def encode_cursor(values: list[Any]) -> str:
    """Return the cursor that points past a row with sort key `values`."""
    payload = json.dumps([_encode_value(value) for value in values], separators=(",", ":"))
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, keys: list[SortKey]) -> list[Any]:
    """Return the sort key a cursor carries, or raise InvalidInput naming the cursor."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, ValueError):
        raise InvalidInput({"cursor": NOT_OURS}) from None
    if OFFSET_CURSOR.fullmatch(raw):
        raise InvalidInput({"cursor": OUTDATED})
    try:
        values = json.loads(raw)
        if not isinstance(values, list) or len(values) != len(keys):
            raise ValueError(raw)
        return [
            _decode_value(value, _expected_type(expression))
            for value, (expression, _desc) in zip(values, keys, strict=True)
        ]
    except (ValueError, TypeError, UnicodeError, RecursionError):
        raise InvalidInput({"cursor": NOT_OURS}) from None


def paginate(
    session: Session, statement: Select[Any], args: dict[str, Any], *, whole_rows: bool = False
) -> dict[str, Any]:
    """Run an ordered `statement` for one page and return {items, next_cursor, next}.

    The items are the rows' first column, or with `whole_rows` the rows themselves (their
    columns by name; the sort keys come last, as `sort_key_0`…).
    """
    limit = args.get("limit") or current_app.config["TEAMKIT"]["API_PAGE_SIZE"]
    keys = sort_keys(statement)
    if args.get("cursor"):
        statement = statement.where(_after(keys, decode_cursor(args["cursor"], keys)))
    labelled = [expression.label(f"sort_key_{n}") for n, (expression, _) in enumerate(keys)]
    rows = session.execute(statement.add_columns(*labelled).limit(limit + 1)).all()
    width = len(keys)
    next_cursor = encode_cursor(list(rows[limit - 1][-width:])) if len(rows) > limit else None
    next_url = None
    if next_cursor is not None and request.endpoint:
        # Only the arguments the endpoint understood: never a URL part, nothing unknown.
        query = {name: value for name, value in args.items() if value is not None}
        query.update(cursor=next_cursor, limit=limit)
        next_url = external_url(request.endpoint, **(request.view_args or {}), **query)
    items = list(rows[:limit]) if whole_rows else [row[0] for row in rows[:limit]]
    return {"items": items, "next_cursor": next_cursor, "next": next_url}
