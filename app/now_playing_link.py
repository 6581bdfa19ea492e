"""Keeps the now-playing bar and playback in step: the bar's requests go to the playback
adapter, playback's state comes back to the bar, and the listener's volume is remembered."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from app.adapters.playback import PlaybackAdapter
from app.catalog import EpisodeDetails, LibraryCatalog
from app.components.now_playing import NowPlayingBar
from app.preferences import Preferences
from app.tasks import TaskRunner
from library import settings as library_settings
from player.controller import EpisodeMedia

VOLUME_SAVE_DELAY_MS = 600
"""The volume is stored once the listener lets go of the slider, not at every step."""


class NowPlayingLink(QObject):
    title_changed = Signal(str)
    """The episode now playing (the window shows it in its title)."""
    position_changed = Signal(int)
    """Milliseconds, as the bar shows it (every 250 ms while playing)."""

    def __init__(self, bar: NowPlayingBar, playback: PlaybackAdapter, *, preferences: Preferences,
                 catalog: LibraryCatalog, tasks: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._bar = bar
        self._playback = playback
        self._preferences = preferences
        self._catalog = catalog
        self._tasks = tasks
        bar.play_pause_requested.connect(playback.toggle_play_pause)
        bar.seek_requested.connect(playback.seek)
        bar.skip_requested.connect(playback.skip)
        bar.speed_requested.connect(playback.set_rate)
        bar.volume_requested.connect(playback.set_volume)
        bar.sleep_requested.connect(playback.set_sleep)
        bar.next_chapter_requested.connect(playback.next_chapter)
        bar.previous_chapter_requested.connect(playback.previous_chapter)
        playback.position_changed.connect(self._on_playback_position_changed)
        playback.state_changed.connect(lambda state: bar.set_playing(state in ("playing", "loading")))
        playback.episode_changed.connect(self._on_playback_episode_changed)
        playback.chapters_changed.connect(self._on_playback_chapters_changed)
        playback.rate_changed.connect(bar.set_speed)
        playback.volume_changed.connect(bar.set_volume)
        playback.sleep_changed.connect(bar.set_sleep_remaining)

        volume = int(preferences.get(library_settings.VOLUME))
        playback.set_volume(volume)
        bar.set_volume(volume)
        self._volume_save_timer = QTimer(self)
        self._volume_save_timer.setSingleShot(True)
        self._volume_save_timer.setInterval(VOLUME_SAVE_DELAY_MS)
        self._volume_save_timer.timeout.connect(self._on_volume_save_timer_timeout)
        playback.volume_changed.connect(lambda _volume: self._volume_save_timer.start())

    def _on_playback_position_changed(self, position_ms: int, duration_ms: int) -> None:
        if duration_ms and duration_ms != self._bar.seek_slider.maximum():
            self._bar.set_duration(duration_ms)
        self._bar.set_position(position_ms)
        self.position_changed.emit(position_ms)

    def _on_playback_episode_changed(self, media: EpisodeMedia) -> None:
        self._bar.set_episode(media.title, None, media.duration_ms or 0)
        self._bar.set_chapters(list(media.chapters))
        self.title_changed.emit(media.title)
        self._tasks.submit(self._catalog.details, media.episode_id, key="now-playing",
                           on_result=self._on_details_loaded)

    def _on_playback_chapters_changed(self, episode_id: int, chapters: list[tuple[int, str]]) -> None:
        current = self._playback.current
        if current is not None and current.episode_id == episode_id:
            self._bar.set_chapters(list(chapters))

    def _on_details_loaded(self, details: EpisodeDetails | None) -> None:
        current = self._playback.current
        if details is not None and current is not None and current.episode_id == details.episode_id:
            self._bar.set_titles(details.title, details.podcast_title)

    def _on_volume_save_timer_timeout(self) -> None:
        self._preferences.set(library_settings.VOLUME, int(self._playback.controller.volume))
