"""People, log-in and API tokens."""
