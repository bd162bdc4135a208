"""Every capability's models on Base.metadata (for Alembic and tests)."""

from teamkit.capabilities import import_models

import_models()
