"""Read what a person sees on a portal page: field errors, form errors, flash messages."""

from __future__ import annotations

import html
import re

_TAGS = re.compile(r"<[^>]+>")


def _text(fragment: str) -> str:
    return " ".join(html.unescape(_TAGS.sub(" ", fragment)).split())


def field_error(page: str, field: str) -> str | None:
    """Return the error shown beside the input `field`, or None when there is none."""
    match = re.search(rf'<p class="error" id="{re.escape(field)}-error">(.*?)</p>', page, re.S)
    return _text(match.group(1)) if match else None


def field_is_described_by_its_error(page: str, field: str) -> bool:
    """Tell whether the input `field` points assistive technology at its error."""
    match = re.search(rf'<(?:input|select|textarea)[^>]*\bid="{re.escape(field)}"[^>]*>', page)
    return bool(match) and f"{field}-error" in (match.group(0) if match else "")


def form_errors(page: str) -> list[str]:
    """Return the messages shown above a form (errors that belong to no field)."""
    block = re.search(r'<div class="form-errors" role="alert">(.*?)</div>', page, re.S)
    if block is None:
        return []
    return [_text(p) for p in re.findall(r"<p>(.*?)</p>", block.group(1), re.S)]


def flashes(page: str) -> list[str]:
    """Return the flash messages shown on the page."""
    return [_text(m) for m in re.findall(r'<p class="flash[^"]*">(.*?)</p>', page, re.S)]


def heading(page: str) -> str:
    """Return the page's first heading."""
    match = re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S)
    return _text(match.group(1)) if match else ""
