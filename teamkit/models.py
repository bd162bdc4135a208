"""Import every model, so Base.metadata knows the whole schema (for Alembic and tests)."""

from teamkit.auth.models import ApiToken, Person
from teamkit.goals.models import CheckIn, Goal, Reinforcement
from teamkit.pulses.models import (
    Pulse,
    PulseAnswer,
    PulseAnswerValue,
    PulseComment,
    PulseItem,
    PulseParticipation,
    PulseReply,
    PulseSettings,
    PulseTemplate,
    PulseTemplateItem,
)
from teamkit.teams.models import Invite, Membership, Team

__all__ = [
    "ApiToken",
    "CheckIn",
    "Goal",
    "Invite",
    "Membership",
    "Person",
    "Pulse",
    "PulseAnswer",
    "PulseAnswerValue",
    "PulseComment",
    "PulseItem",
    "PulseParticipation",
    "PulseReply",
    "PulseSettings",
    "PulseTemplate",
    "PulseTemplateItem",
    "Reinforcement",
    "Team",
]
