"""/api/docs: a human-readable page for the OpenAPI document, from an installed package."""

from __future__ import annotations

import re
from typing import Any

from flask.testing import FlaskClient
from swagger_ui_bundle import swagger_ui_path


def test_the_api_docs_page_loads_its_own_scripts_only(client: FlaskClient) -> None:
    response = client.get("/api/docs")
    assert response.status_code == 200
    html = response.text
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, re.S)
    assert scripts and all('src="/' in attrs and not body.strip() for attrs, body in scripts)
    assert 'data-spec-url="/api/openapi.json"' in html
    assert "https://" not in html.split("<body>")[0]  # no CDN


def test_swagger_ui_is_served_from_the_installed_package(client: FlaskClient) -> None:
    response = client.get("/api/docs/assets/swagger-ui-bundle.js")
    assert response.status_code == 200
    assert response.data == (swagger_ui_path / "swagger-ui-bundle.js").read_bytes()
    assert client.get("/api/docs/assets/index.html").status_code == 404


def test_the_portal_links_to_the_api_docs(make: Any, login_as: Any) -> None:
    owner = make.person()
    make.team(owner, slug="core")
    portal = login_as(owner)
    assert 'href="/api/docs"' in portal.client.get("/account").text
    assert 'href="/api/docs"' in portal.client.get("/t/core/").text


def test_the_api_docs_page_reads_nothing_from_the_database(
    client: FlaskClient, count_queries: Any
) -> None:
    with count_queries() as found:
        assert client.get("/api/docs").status_code == 200
    assert found.count == 0, found.statements
