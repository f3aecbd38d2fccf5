"""Accounts: the allauth adapter, private responses, sessions and two-factor secrets sealed at rest, export and deletion."""
