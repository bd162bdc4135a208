"""Absolute links for places outside the browser (API answers, emails, Slack)."""

from __future__ import annotations

from typing import Any

from flask import current_app, url_for


def external_url(endpoint: str, **values: Any) -> str:
    """Return the URL of `endpoint` under TEAMKIT_BASE_URL."""
    base = str(current_app.config["TEAMKIT"]["BASE_URL"]).rstrip("/")
    return base + url_for(endpoint, **values)
