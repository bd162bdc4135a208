"""The capability contract: a capability is its package plus one line in the list."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from conftest import empty_tables
from flask import Flask
from sample_capability import parts

from teamkit import capabilities, create_app
from teamkit.capability import registry
from teamkit.db import get_engine, job_session
from teamkit.demo import seed_demo
from teamkit.scheduler import build_scheduler


@pytest.fixture
def with_sample(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Add the sample capability to the list: the one line a new capability needs."""
    monkeypatch.setattr(capabilities, "PACKAGES", (*capabilities.PACKAGES, "sample_capability"))
    capabilities.capabilities.cache_clear()
    parts.CALLS.clear()
    yield
    capabilities.capabilities.cache_clear()


@pytest.fixture
def sample_app(with_sample: None, app_config: dict[str, Any]) -> Iterator[Flask]:
    app = create_app({**app_config, "SAMPLE_GREETING": "ahoy"})
    yield app
    empty_tables(get_engine(app))
    get_engine(app).dispose()


def test_a_listed_capability_serves_its_page_to_members_only(sample_app, make):
    from clients import Portal

    owner, stranger = make.person(), make.person()
    team = make.team(owner, slug="crew", name="Crew")
    client = sample_app.test_client()
    Portal(client).login(owner)
    assert client.get(f"/t/{team.slug}/sample").get_data(as_text=True) == "ahoy, Crew"
    other = sample_app.test_client()
    Portal(other).login(stranger)
    assert other.get(f"/t/{team.slug}/sample").status_code == 404


def test_a_listed_capability_adds_its_section_nav_link_and_account_section(sample_app, make):
    from clients import Portal

    owner = make.person(name="Ada")
    team = make.team(owner, slug="crew")
    client = sample_app.test_client()
    Portal(client).login(owner)
    home = client.get(f"/t/{team.slug}/").get_data(as_text=True)
    assert "Hi Ada" in home
    assert f'href="/t/{team.slug}/sample"' in home
    assert home.index("Sample section") < home.index("home-goals-title")  # order 5, before 10
    assert "Sample preferences" in client.get("/account").get_data(as_text=True)


def test_a_listed_capability_adds_its_api_to_the_openapi_document(sample_app):
    spec = sample_app.test_client().get("/api/openapi.json").json
    assert "/api/v1/teams/{slug}/sample" in spec["paths"]


def test_a_listed_capability_adds_its_setting_job_and_demo(sample_app):
    assert sample_app.config["TEAMKIT"]["SAMPLE_GREETING"] == "ahoy"
    assert "sample-tick" in {job.id for job in build_scheduler(sample_app).get_jobs()}
    with sample_app.app_context(), job_session(sample_app) as session:
        seed_demo(session)
    assert parts.CALLS == ["seed demo 5"]


@pytest.fixture
def plain_app(app_config: dict[str, Any]) -> Iterator[Flask]:
    app = create_app(app_config)
    yield app
    get_engine(app).dispose()


def test_each_app_keeps_its_own_registry(plain_app, sample_app):
    assert "sample" in {c.name for c in registry(sample_app).capabilities}
    assert "sample" not in {c.name for c in registry(plain_app).capabilities}
    assert all(link.label != "Sample" for link in registry(plain_app).nav_links)
