"""The teams capability's part of the OpenAPI conformance test (test_openapi_conformance).

The document says what it can of a new team's time zone: the characters of a zone name.
Whether a name is in the IANA zone database is the server's to say: a positive case gets
a real one; negative cases are sent as generated.
"""

from __future__ import annotations

from typing import Any

from flask import Flask

#: Real zones, of the kinds a team picks.
TIMEZONES = ("Europe/Berlin", "UTC", "America/Argentina/Buenos_Aires", "Asia/Kolkata")


def seed(app: Flask, api: Any, path_values: dict[str, Any]) -> dict[str, Any]:
    """The teams' data is the test's own team: nothing more to make."""
    return {}


def fix_positive(operation: Any, case: Any, path_values: dict[str, Any]) -> None:
    """Put a real time zone into a valid case of creating a team or changing its settings."""
    body = case.body
    creates = operation.method.upper() == "POST" and operation.path.endswith("/teams")
    changes = operation.method.upper() == "PATCH" and operation.path.endswith("/settings")
    if not (creates or changes):
        return
    if isinstance(body, dict) and isinstance(body.get("timezone"), str):
        # Which zone follows the generated value, so cases still differ.
        body["timezone"] = TIMEZONES[len(body["timezone"]) % len(TIMEZONES)]
