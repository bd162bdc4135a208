"""People, log-in and API tokens."""

from teamkit.capability import Capability
from teamkit.config import Setting, count

SETTINGS = (
    Setting(
        "PASSWORD_RESET_TTL_MINUTES",
        60,
        "Minutes an emailed link to choose a new password stays valid (5 to 1440); it works once.",
        count(5, 24 * 60),
    ),
    Setting(
        "EMAIL_CHANGE_TTL_HOURS",
        24,
        "Hours the link that confirms a new email address stays valid (1 to 168).",
        count(1, 168),
    ),
)

CAPABILITY = Capability(
    name="auth",
    models="teamkit.auth.models",
    portal="teamkit.auth.views:bp",
    api="teamkit.auth.api:blp",
    settings=SETTINGS,
    setup=("teamkit.auth.recovery_views:init_app",),
)
