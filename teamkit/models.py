"""Import every model, so Base.metadata knows the whole schema (for Alembic and tests)."""

from teamkit.auth.models import ApiToken, Person
from teamkit.digests.models import Delivery, DeliveryRecipient, DigestSettings, EmailOptOut
from teamkit.goals.models import CheckIn, Goal, Reinforcement
from teamkit.teams.models import Invite, Membership, Team

__all__ = [
    "ApiToken",
    "CheckIn",
    "Delivery",
    "DeliveryRecipient",
    "DigestSettings",
    "EmailOptOut",
    "Goal",
    "Invite",
    "Membership",
    "Person",
    "Reinforcement",
    "Team",
]
