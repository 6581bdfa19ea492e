"""Typed settings, declared once (type, default, description, limits) and stored in the library.

Every setting is a :class:`Setting` constant in this module; code reads and writes it through
:class:`Settings`, which returns the declared Python type::

    settings = Settings(library)
    seconds = settings.get(SKIP_FORWARD_S)          # an int, validated
    settings.set(PLAYBACK_SPEED, 1.5)

Values are stored as JSON in the ``settings`` table. Loading validates every stored value: one that
no longer fits its declaration (hand-edited, or from an older Castwise) is ignored in favour of
the default and reported in :attr:`Settings.problems`, never a crash. Setting a bad value raises
:class:`SettingError` (bad input) and stores nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from sqlalchemy import select

from library.db.engine import Library
from library.db.models import Setting as SettingRow
from library.errors import CastwiseError, ErrorKind

T = TypeVar("T")


class SettingError(CastwiseError):
    """A value does not fit its setting's declaration, or the setting does not exist."""

    kind = ErrorKind.BAD_INPUT


@dataclass(frozen=True)
class Setting(Generic[T]):
    """One declared setting. ``kind`` is the Python type of its values (``None`` allowed when
    ``optional``); ``minimum``/``maximum`` bound numbers, ``choices`` bound strings."""

    key: str
    kind: type[Any]
    default: T
    description: str
    optional: bool = False
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()
    check: Callable[[Any], str | None] | None = field(default=None, compare=False)
    """Extra validation: returns a message when the value is wrong."""

    def validate(self, value: Any) -> T:
        """``value`` as this setting's type, or :class:`SettingError` saying what is wrong."""
        if value is None:
            if self.optional:
                return value  # type: ignore[return-value]
            raise SettingError(f"{self.key} needs a value")
        if self.kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)  # JSON and people write 2 for 2.0
        if not isinstance(value, self.kind) or (self.kind is not bool and isinstance(value, bool)):
            raise SettingError(f"{self.key} must be {self.kind.__name__}, not {type(value).__name__} ({value!r})")
        if self.minimum is not None and value < self.minimum:
            raise SettingError(f"{self.key} must be at least {self.minimum:g} (got {value!r})")
        if self.maximum is not None and value > self.maximum:
            raise SettingError(f"{self.key} must be at most {self.maximum:g} (got {value!r})")
        if self.choices and value not in self.choices:
            raise SettingError(f"{self.key} must be one of {', '.join(self.choices)} (got {value!r})")
        if self.check is not None and (problem := self.check(value)):
            raise SettingError(f"{self.key}: {problem}")
        return value  # type: ignore[no-any-return]


REGISTRY: dict[str, Setting[Any]] = {}


def declare(setting: Setting[T]) -> Setting[T]:
    """Register ``setting`` (keys are unique) and return it, for module-level constants."""
    if setting.key in REGISTRY:
        raise ValueError(f"setting {setting.key} is declared twice")
    setting.validate(setting.default)  # a declaration whose default is invalid is a bug
    REGISTRY[setting.key] = setting
    return setting


# -- playback --------------------------------------------------------------------------------------
PLAYBACK_SPEED = declare(Setting("playback.speed", float, 1.0, "Default playback rate (1.0 = normal speed).",
                                 minimum=0.5, maximum=3.0))
SKIP_FORWARD_S = declare(Setting("playback.skip_forward_s", int, 30, "Seconds the skip-forward button jumps.",
                                 minimum=1, maximum=600))
SKIP_BACK_S = declare(Setting("playback.skip_back_s", int, 15, "Seconds the skip-back button jumps.",
                              minimum=1, maximum=600))
VOLUME = declare(Setting("playback.volume", int, 100, "Playback volume in percent.", minimum=0, maximum=100))
COMPLETE_THRESHOLD_S = declare(Setting(
    "playback.complete_threshold_s", int, 30,
    "An episode stopped within this many seconds of its end counts as played.", minimum=0, maximum=600))
# -- feeds -----------------------------------------------------------------------------------------
REFRESH_CONCURRENCY = declare(Setting("feeds.refresh_concurrency", int, 8, "Feeds fetched at the same time.",
                                      minimum=1, maximum=32))
REFRESH_INTERVAL_MIN = declare(Setting(
    "feeds.refresh_interval_min", int, 60, "Minutes between automatic refreshes (0 turns them off).",
    minimum=0, maximum=7 * 24 * 60))
REFRESH_ON_START = declare(Setting("feeds.refresh_on_start", bool, True, "Refresh all feeds when Castwise starts."))
# -- downloads -------------------------------------------------------------------------------------
DOWNLOAD_FOLDER = declare(Setting[str | None](
    "downloads.folder", str, None, "Folder for downloaded episodes (empty: the default).", optional=True))
DOWNLOAD_CONCURRENCY = declare(Setting("downloads.concurrency", int, 2, "Episodes downloaded at the same time.",
                                       minimum=1, maximum=8))
DELETE_PLAYED_AFTER_DAYS = declare(Setting[int | None](
    "downloads.delete_played_after_days", int, None,
    "Delete a played episode's download after this many days (empty: never).", optional=True, minimum=0))
KEEP_PER_PODCAST = declare(Setting[int | None](
    "downloads.keep_per_podcast", int, None,
    "Keep at most this many downloads per podcast (empty: no limit).", optional=True, minimum=1))
# -- privacy and look --------------------------------------------------------------------------------
LOAD_REMOTE_IMAGES = declare(Setting(
    "privacy.load_remote_images", bool, False, "Load images inside show notes from the web."))
RECOMMENDATIONS = declare(Setting("recommend.enabled", bool, True, "Learn from listening to recommend episodes."))
THEME = declare(Setting("ui.theme", str, "system", "Colour theme.", choices=("system", "light", "dark")))


class Settings:
    """The listener's settings over one library, validated on load (see the module docstring)."""

    def __init__(self, library: Library) -> None:
        self.library = library
        self.problems: list[str] = []
        """Stored values ignored on load, each with the reason (shown once to the listener)."""
        self._values: dict[str, Any] = {}
        self.reload()

    def reload(self) -> None:
        """Read every stored value again, keeping only those that fit their declaration."""
        self._values.clear()
        self.problems.clear()
        with self.library.session() as session:
            rows = session.scalars(select(SettingRow)).all()
        for row in rows:
            setting = REGISTRY.get(row.key)
            if setting is None:
                continue  # from a newer Castwise or a removed setting: kept, not used
            try:
                self._values[row.key] = setting.validate(row.value)
            except SettingError as error:
                self.problems.append(f"{error.message}; using the default ({setting.default!r})")

    def get(self, setting: Setting[T]) -> T:
        """The current value (the default unless the listener set a valid one)."""
        value: T = self._values.get(setting.key, setting.default)
        return value

    def set(self, setting: Setting[T], value: T) -> None:
        """Validate and store ``value``; raises :class:`SettingError` and stores nothing if it is wrong."""
        checked = setting.validate(value)
        with self.library.transaction() as session:
            row = session.get(SettingRow, setting.key)
            if row is None:
                session.add(SettingRow(key=setting.key, value=checked))
            else:
                row.value = checked
        self._values[setting.key] = checked

    def reset(self, setting: Setting[Any]) -> None:
        """Forget the listener's value: the default applies again."""
        with self.library.transaction() as session:
            row = session.get(SettingRow, setting.key)
            if row is not None:
                session.delete(row)
        self._values.pop(setting.key, None)

    def set_by_key(self, key: str, value: Any) -> None:
        """:meth:`set` for a key given as text (command line, preferences forms)."""
        setting = REGISTRY.get(key)
        if setting is None:
            raise SettingError(f"there is no setting {key!r}")
        self.set(setting, value)

    def items(self) -> Iterator[tuple[Setting[Any], Any]]:
        """Every declared setting with its current value, in declaration order."""
        for setting in REGISTRY.values():
            yield setting, self.get(setting)
