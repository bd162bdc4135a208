"""How numbers and moments read on every page, whatever capability shows them."""

from __future__ import annotations

from datetime import datetime

from teamkit.db import utcnow


def format_number(value: float | None, unit: str | None = None) -> str:
    """Return a number as people write it: no trailing .0, the unit after it ("%" attached)."""
    if value is None:
        return "-"
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    if unit:
        return f"{text}{unit}" if unit == "%" else f"{text} {unit}"
    return text


def exact_number(value: float | None) -> str:
    """Return a number as the shortest text that reads back as exactly it ("" for None).

    For a form's field: no rounding, no thousands separators, so saving it unchanged keeps it.
    """
    if value is None:
        return ""
    return str(int(value)) if value.is_integer() else repr(value)


def days_ago(moment: datetime) -> str:
    """Say how long ago `moment` was, in days: "today", "yesterday", "3 days ago"."""
    days = (utcnow() - moment).days
    if days <= 0:
        return "today"
    return "yesterday" if days == 1 else f"{days} days ago"
