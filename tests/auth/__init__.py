"""Tests of accounts: sign-up, log-in, sessions, the account page and its mail."""
