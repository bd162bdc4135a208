"""People, log-in and API tokens."""

from teamkit.capability import Capability

CAPABILITY = Capability(
    name="auth",
    models="teamkit.auth.models",
    portal="teamkit.auth.views:bp",
    api="teamkit.auth.api:blp",
    setup=("teamkit.auth.guard:init_app",),
)
