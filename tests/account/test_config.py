"""Where the service is: the environment first, then the Settings page's service address."""

from __future__ import annotations

import pytest

from account.config import service_url
from account.errors import ServiceAddressError
from library.db.models import Setting as SettingRow


def _store_address(library, value: object) -> None:
    with library.transaction() as session:
        session.merge(SettingRow(key="service.url", value=value))


def test_the_stored_service_address_is_used_without_its_trailing_slash(library) -> None:
    _store_address(library, "https://castwise.example.org/")
    assert service_url(library, environ={}) == "https://castwise.example.org"


def test_the_environment_overrides_the_stored_address(library) -> None:
    _store_address(library, "https://castwise.example.org")
    assert service_url(library, environ={"CASTWISE_SERVICE_URL": "http://127.0.0.1:8123"}) == "http://127.0.0.1:8123"


def test_no_address_or_a_bad_one_is_a_clear_error(library) -> None:
    with pytest.raises(ServiceAddressError, match="Settings page"):
        service_url(library, environ={})
    with pytest.raises(ServiceAddressError, match="http:// or https://"):
        service_url(library, environ={"CASTWISE_SERVICE_URL": "castwise.example.org"})
