"""Teams, memberships, roles, invites and the isolation guard."""
