"""Interactive client fixtures: the same real service and library as the account client's tests."""

from tests.account.conftest import library, service

__all__ = ["library", "service"]
