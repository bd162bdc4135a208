"""Goals: the team's common goals with their why and slogan, kept alive by repetition."""

from __future__ import annotations

from flask import Flask

from teamkit.teams.home import HomeSection, NavLink, register_home_section, register_nav_link


def register(app: Flask) -> None:
    """Add the goal pages, the goals section of the team home page and the Goals link."""
    from teamkit.goals.views import bp, home_context

    app.register_blueprint(bp)
    register_home_section(HomeSection(10, "goals/_home_section.html", home_context))
    register_nav_link(NavLink(10, "Goals", "goals.index"))
