"""Sections of a team's home page, contributed by the capabilities that build on teams.

`teams` is the core and calls no capability; a capability registers a section here and
the home page renders them in order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from teamkit.teams.models import Membership


@dataclass(frozen=True)
class HomeSection:
    """One block on the team home page: a template and the function that fills it."""

    order: int
    template: str
    context: Callable[[Session, Membership], dict[str, Any]]


_SECTIONS: list[HomeSection] = []


def register_home_section(section: HomeSection) -> None:
    """Add a section to every team's home page (once, however often called)."""
    if section not in _SECTIONS:
        _SECTIONS.append(section)
        _SECTIONS.sort(key=lambda s: s.order)


def home_sections() -> list[HomeSection]:
    """Return the registered sections, in page order."""
    return list(_SECTIONS)


@dataclass(frozen=True)
class NavLink:
    """A link in a team's navigation, to an endpoint that takes the team's slug."""

    order: int
    label: str
    endpoint: str


_NAV_LINKS: list[NavLink] = []


def register_nav_link(link: NavLink) -> None:
    """Add a link to every team's navigation (once, however often called)."""
    if link not in _NAV_LINKS:
        _NAV_LINKS.append(link)
        _NAV_LINKS.sort(key=lambda item: item.order)


def nav_links() -> list[NavLink]:
    """Return the registered team navigation links, in order."""
    return list(_NAV_LINKS)
