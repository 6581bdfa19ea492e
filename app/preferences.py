"""The listener's preferences, declared once with type, default and description, stored in the
library database's ``settings`` table and validated on load (a bad stored value falls back to
the default rather than breaking start-up)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from library.db import Library
from library.db.models import Setting

SERVICE_URL_ENV = "CASTWISE_SERVICE_URL"


@dataclass(frozen=True)
class Option:
    key: str
    type: type
    default: Any
    description: str
    choices: tuple[Any, ...] = ()
    minimum: float | None = None
    maximum: float | None = None

    def validate(self, value: Any) -> Any:
        """Return ``value`` as this option's type, or raise ``ValueError`` saying why not."""
        if self.type is bool:
            if not isinstance(value, bool):
                raise ValueError(f"{self.key} must be true or false")
        elif self.type in (int, float):
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"{self.key} must be a number")
            value = self.type(value)
            if self.minimum is not None and value < self.minimum:
                raise ValueError(f"{self.key} must be at least {self.minimum}")
            if self.maximum is not None and value > self.maximum:
                raise ValueError(f"{self.key} must be at most {self.maximum}")
        elif not isinstance(value, str):
            raise ValueError(f"{self.key} must be text")
        if self.choices and value not in self.choices:
            raise ValueError(f"{self.key} must be one of {', '.join(map(str, self.choices))}")
        return value


OPTIONS: tuple[Option, ...] = (
    Option("download_folder", str, "", "Folder for downloaded episodes (empty: the default folder)"),
    Option("auto_download", bool, False, "Download new episodes of every podcast automatically"),
    Option("cleanup_after_days", int, 0, "Delete played downloads after this many days (0: never)", minimum=0, maximum=3650),
    Option("keep_per_podcast", int, 0, "Keep at most this many downloads per podcast (0: no limit)", minimum=0, maximum=1000),
    Option("refresh_interval_min", int, 60, "Minutes between automatic refreshes (0: never)", minimum=0, maximum=10080),
    Option("skip_back_s", int, 15, "Seconds the skip-back button jumps", minimum=1, maximum=600),
    Option("skip_forward_s", int, 30, "Seconds the skip-forward button jumps", minimum=1, maximum=600),
    Option("default_speed", float, 1.0, "Playback speed for podcasts without their own", minimum=0.5, maximum=3.0),
    Option("theme", str, "system", "Colour theme", choices=("system", "light", "dark")),
    Option("language", str, "system", "Language of the interface", choices=("system", "en", "zh_CN")),
    Option("remote_images", bool, False, "Load images in show notes from the internet"),
    Option("service_url", str, "", f"Address of the Castwise service (${SERVICE_URL_ENV} overrides it)"),
)
OPTIONS_BY_KEY = {option.key: option for option in OPTIONS}
_PREFIX = "preferences."


class Preferences:
    """Read and write the declared options. Unknown keys are refused with ``KeyError``."""

    def __init__(self, library: Library) -> None:
        self._library = library
        self._values: dict[str, Any] = {}
        self.load()

    def load(self) -> None:
        with self._library.session() as session:
            stored = {row.key: row.value for row in session.query(Setting).filter(Setting.key.startswith(_PREFIX))}
        self._values = {}
        for option in OPTIONS:
            raw = stored.get(_PREFIX + option.key, option.default)
            try:
                self._values[option.key] = option.validate(raw)
            except ValueError:
                self._values[option.key] = option.default

    def get(self, key: str) -> Any:
        if key == "service_url" and os.environ.get(SERVICE_URL_ENV):
            return os.environ[SERVICE_URL_ENV]
        return self._values[OPTIONS_BY_KEY[key].key]

    def set(self, key: str, value: Any) -> None:
        """Validate and store ``value``; raises ``ValueError`` (with a readable reason) or ``KeyError``."""
        value = OPTIONS_BY_KEY[key].validate(value)
        with self._library.transaction() as session:
            row = session.get(Setting, _PREFIX + key)
            if row is None:
                session.add(Setting(key=_PREFIX + key, value=value))
            else:
                row.value = value
        self._values[key] = value
