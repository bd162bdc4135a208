"""Tests of teams: members, roles, invites, onboarding, the audit log and a team's life cycle."""
