"""The retros capability's part of the OpenAPI conformance test (test_openapi_conformance)."""

from __future__ import annotations

from typing import Any

from flask import Flask


def seed(app: Flask, api: Any, path_values: dict[str, Any]) -> dict[str, Any]:
    """Make retros data for the team `path_values["slug"]`; return its path values."""
    return {}


def fix_positive(operation: Any, case: Any, path_values: dict[str, Any]) -> None:
    """Put values JSON Schema can't describe into a valid case of a retros operation."""
