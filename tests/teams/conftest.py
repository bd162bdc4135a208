"""The team most tests of teams use: "core", founded by its owner Olive."""

from __future__ import annotations

from typing import Any

import pytest

from teamkit.auth.models import Person
from teamkit.teams.models import Team


@pytest.fixture
def owner(make: Any) -> Person:
    return make.person(name="Olive Owner")


@pytest.fixture
def team(make: Any, owner: Person) -> Team:
    return make.team(owner, slug="core", name="Core team")
