"""Reusable widgets: they know nothing of the library, the player or any service."""
