"""The listener's preferences as the app uses them: the library's typed settings
(:mod:`library.settings`), plus the few the app itself declares there (language, service address,
automatic downloads), declared once like every other setting.

:data:`PAGE_SETTINGS` is the order the Settings page shows them in.
"""

from __future__ import annotations

import os
from typing import Any

from library import settings as library_settings
from library.db import Library
from library.settings import REGISTRY, Setting, SettingError, Settings, declare

SERVICE_URL_ENV = "CASTWISE_SERVICE_URL"


def _check_service_url(value: str) -> str | None:
    if value and not value.startswith(("http://", "https://")):
        return "must start with http:// or https://"
    return None


def _declare_once(setting: Setting[Any]) -> Setting[Any]:
    # Tests build the app many times in one process; the registry keeps the first declaration.
    return REGISTRY.get(setting.key) or declare(setting)


LANGUAGE = _declare_once(Setting("ui.language", str, "system", "Language of the interface.",
                                 choices=("system", "en", "zh_CN")))
SERVICE_URL = _declare_once(Setting[str | None](
    "service.url", str, None, f"Address of the Castwise service (${SERVICE_URL_ENV} overrides it).",
    optional=True, check=_check_service_url))
AUTO_DOWNLOAD = _declare_once(Setting(
    "downloads.auto_download_new", bool, False, "Download new episodes of every podcast after each refresh."))

PAGE_SETTINGS: tuple[Setting[Any], ...] = (
    library_settings.DOWNLOAD_FOLDER,
    AUTO_DOWNLOAD,
    library_settings.DELETE_PLAYED_AFTER_DAYS,
    library_settings.KEEP_PER_PODCAST,
    library_settings.REFRESH_INTERVAL_MIN,
    library_settings.SKIP_BACK_S,
    library_settings.SKIP_FORWARD_S,
    library_settings.PLAYBACK_SPEED,
    library_settings.THEME,
    LANGUAGE,
    library_settings.LOAD_REMOTE_IMAGES,
    SERVICE_URL,
)


class Preferences:
    """:class:`library.settings.Settings` plus the environment override of the service address."""

    def __init__(self, library: Library) -> None:
        self.settings = Settings(library)

    @property
    def problems(self) -> list[str]:
        """Stored values that were ignored on load (shown to the listener once)."""
        return self.settings.problems

    def get(self, setting: Setting[Any]) -> Any:
        if setting is SERVICE_URL and os.environ.get(SERVICE_URL_ENV):
            return os.environ[SERVICE_URL_ENV]
        return self.settings.get(setting)

    def set(self, setting: Setting[Any], value: Any) -> None:
        """Validate and store; raises :class:`SettingError` (a readable reason) and stores nothing."""
        self.settings.set(setting, value)


__all__ = ["AUTO_DOWNLOAD", "LANGUAGE", "PAGE_SETTINGS", "SERVICE_URL", "Preferences", "SettingError"]
