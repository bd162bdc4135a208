"""Retros tests: the retros tables on Base.metadata, so the suite empties them too."""

import teamkit.retros.models  # noqa: F401
