"""The sample's one table: each team's greeting (`sample_settings`).

A real capability's models use `teamkit.db.Base`, and a migration makes the table. The
sample keeps its table in metadata of its own, made and dropped by its tests, so the
app's schema (and the test that it matches the migrations) never sees it.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from teamkit.db import NAMING_CONVENTION
from teamkit.teams.models import Team

GREETING_MAX = 40


class SampleBase(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class SampleSettings(SampleBase):
    """A team's sample settings."""

    __tablename__ = "sample_settings"

    #: The team they are of.
    team_id: Mapped[int] = mapped_column(
        ForeignKey(Team.__table__.c.id, ondelete="CASCADE"), primary_key=True
    )
    #: What the team's sample page says.
    greeting: Mapped[str] = mapped_column(String(GREETING_MAX))
