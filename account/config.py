"""Where the Castwise service is: ``$CASTWISE_SERVICE_URL``, else the library's ``service.url``
setting (the "service address" of the Settings page)."""

from __future__ import annotations

import os
from collections.abc import Mapping

from account.errors import ServiceAddressError
from library.db.engine import Library
from library.db.models import Setting as SettingRow

SERVICE_URL_ENV = "CASTWISE_SERVICE_URL"
SERVICE_URL_SETTING = "service.url"
"""Key of the service-address setting in the library's settings table."""


def normalize_service_url(url: str) -> str:
    """``url`` trimmed and without a trailing slash; :class:`ServiceAddressError` unless http(s)."""
    url = url.strip().rstrip("/")
    if not url.lower().startswith(("http://", "https://")) or len(url) < len("http://x"):
        raise ServiceAddressError(f"The Castwise service address must start with http:// or https:// (got {url!r}).")
    return url


def service_url(library: Library | None = None, *, environ: Mapping[str, str] | None = None) -> str:
    """The service's base URL. The environment wins over the stored setting.

    Raises :class:`ServiceAddressError` when neither is set (the message says how to set one).
    """
    environ = os.environ if environ is None else environ
    configured = environ.get(SERVICE_URL_ENV, "").strip()
    if not configured and library is not None:
        with library.session() as session:
            row = session.get(SettingRow, SERVICE_URL_SETTING)
            if row is not None and isinstance(row.value, str):
                configured = row.value
    if not configured:
        raise ServiceAddressError(
            "No Castwise service address is set: set it on the Settings page or in "
            f"${SERVICE_URL_ENV} (for example https://castwise.example.org).")
    return normalize_service_url(configured)
