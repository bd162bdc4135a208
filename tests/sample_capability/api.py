"""API: the team's sample settings."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from sample_capability import settings
from sample_capability.models import SampleSettings
from sample_capability.schemas import SampleSettingsSchema
from teamkit.db import get_session
from teamkit.teams.guard import current_membership, current_team

blp = Blueprint("sample_api", __name__, description="The sample capability.")


@blp.get("/teams/<slug>/sample")
@blp.response(200, SampleSettingsSchema)
def get_settings(slug: str) -> SampleSettings:
    """Return the team's sample settings."""
    return settings.get_settings(get_session(), current_team())


@blp.patch("/teams/<slug>/sample")
@blp.arguments(SampleSettingsSchema)
@blp.response(200, SampleSettingsSchema)
def update_settings(data: dict[str, Any], slug: str) -> SampleSettings:
    """Change the team's sample settings (owners and facilitators)."""
    return settings.update_settings(get_session(), current_membership(), data)
