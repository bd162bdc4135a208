"""The capability contract: a capability is its package plus one line in the list."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from clients import Api, Portal
from conftest import empty_tables
from flask import Flask
from sample_capability import jobs as sample_jobs
from sample_capability.cli import sample as sample_command
from sample_capability.models import SampleBase

from teamkit import capabilities, create_app
from teamkit.capability import registry, resolve
from teamkit.db import get_engine, job_session
from teamkit.demo import seed_demo
from teamkit.scheduler import build_scheduler


@pytest.fixture
def with_sample(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Add the sample capability to the list: the one line a new capability needs."""
    monkeypatch.setattr(capabilities, "PACKAGES", (*capabilities.PACKAGES, "sample_capability"))
    capabilities.capabilities.cache_clear()
    sample_jobs.TICKS.clear()
    yield
    capabilities.capabilities.cache_clear()


@pytest.fixture
def sample_app(with_sample: None, app_config: dict[str, Any]) -> Iterator[Flask]:
    app = create_app({**app_config, "SAMPLE_GREETING": "ahoy"})
    # What a migration would do for a real capability (see sample_capability/models.py).
    SampleBase.metadata.create_all(get_engine(app))
    yield app
    SampleBase.metadata.drop_all(get_engine(app))
    empty_tables(get_engine(app))
    get_engine(app).dispose()


def test_a_listed_capability_serves_its_page_to_members_only(sample_app, make):
    owner, stranger = make.person(), make.person()
    team = make.team(owner, slug="crew", name="Crew")
    client = sample_app.test_client()
    Portal(client).login(owner)
    assert client.get(f"/t/{team.slug}/sample").get_data(as_text=True) == "ahoy, Crew"
    other = sample_app.test_client()
    Portal(other).login(stranger)
    assert other.get(f"/t/{team.slug}/sample").status_code == 404


def test_a_listed_capability_adds_its_section_nav_link_and_account_section(sample_app, make):
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
    result = sample_app.test_cli_runner().invoke(sample_command, ["greeting", "--team", "demo"])
    assert result.output == "Welcome, all 5\n"


def test_a_listed_capability_keeps_its_per_team_setting_changed_by_form_or_api(sample_app, make):
    owner, member = make.person(), make.person()
    team = make.team(owner, slug="crew", name="Crew")
    make.member(team, member)
    api = Api(sample_app.test_client(), make.token(owner))
    assert api.get("/api/v1/teams/crew/sample").json == {"greeting": "ahoy"}
    changed = api.patch("/api/v1/teams/crew/sample", json={"greeting": " Moin "})
    assert changed.status_code == 200 and changed.json == {"greeting": "Moin"}
    refused = api.patch("/api/v1/teams/crew/sample", json={"greeting": "x" * 41})
    assert refused.status_code == 422
    assert refused.content_type == "application/problem+json"
    members_api = Api(sample_app.test_client(), make.token(member))
    assert (
        members_api.patch("/api/v1/teams/crew/sample", json={"greeting": "Hi"}).status_code == 403
    )

    portal = Portal(sample_app.test_client())
    portal.login(owner)
    sent_back = portal.post("/t/crew/sample/settings", {"greeting": ""})
    assert sent_back.status_code == 422 and "Write the greeting." in sent_back.text
    saved = portal.post("/t/crew/sample/settings", {"greeting": "Ahoy there"})
    assert saved.status_code == 303
    assert portal.client.get("/t/crew/sample").text == "Ahoy there, Crew"
    result = sample_app.test_cli_runner().invoke(sample_command, ["greeting", "--team", "crew"])
    assert result.output == "Ahoy there\n"


def test_a_listed_capability_runs_its_job(sample_app):
    [job] = [job for job in capabilities.jobs() if job.id == "sample-tick"]
    resolve(job.run)(sample_app)
    assert sample_jobs.TICKS == ["tick"]


@pytest.fixture
def plain_app(app_config: dict[str, Any]) -> Iterator[Flask]:
    app = create_app(app_config)
    yield app
    get_engine(app).dispose()


def test_each_app_keeps_its_own_registry(plain_app, sample_app):
    assert "sample" in {c.name for c in registry(sample_app).capabilities}
    assert "sample" not in {c.name for c in registry(plain_app).capabilities}
    assert all(link.label != "Sample" for link in registry(plain_app).nav_links)
