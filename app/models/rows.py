"""Plain, immutable rows the models display. The library adapter builds them from the database;
tests and benchmarks build them directly. No Qt here."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class EpisodeState(StrEnum):
    """What a listener sees at a glance for an episode, most important first."""

    NEW = "new"
    IN_PROGRESS = "in-progress"
    PLAYED = "played"


class MediaKind(StrEnum):
    AUDIO = "audio"
    VIDEO = "video"
    """Played as audio (VLC ignores the picture with no video output)."""
    LIVE = "live"
    """``podcast:liveItem``: not supported yet, said clearly in the UI."""
    NONE = "none"
    """No enclosure: the feed lists it but there is nothing to play."""


@dataclass(frozen=True, slots=True)
class PodcastRow:
    podcast_id: int
    title: str
    author: str = ""
    feed_url: str = ""
    image_url: str | None = None
    episode_count: int = 0
    new_count: int = 0
    last_error: str | None = None
    """The last refresh's failure, in words a listener can read; ``None`` when it went fine."""
    default_speed: float | None = None
    """The show's own playback speed (0.5-3.0 times); ``None``: the listener's default."""
    auto_download: bool = False
    """New episodes of this show are downloaded after each refresh."""


@dataclass(frozen=True, slots=True)
class EpisodeRow:
    episode_id: int
    podcast_id: int
    podcast_title: str
    title: str
    published_s: float | None = None
    """Publication time, seconds since the epoch (UTC)."""
    duration_s: float | None = None
    position_ms: int = 0
    played: bool = False
    downloaded: bool = False
    rating: int = 0
    """+1 liked, -1 not interested, 0 neither."""
    media_kind: MediaKind = MediaKind.AUDIO

    @property
    def state(self) -> EpisodeState:
        if self.played:
            return EpisodeState.PLAYED
        if self.position_ms > 0:
            return EpisodeState.IN_PROGRESS
        return EpisodeState.NEW


@dataclass(frozen=True, slots=True)
class DownloadRow:
    episode_id: int
    title: str
    podcast_title: str = ""
    state: str = "queued"
    """``queued``, ``downloading``, ``paused``, ``completed``, ``failed`` or ``cancelled``."""
    bytes_done: int = 0
    bytes_total: int | None = None
    rate_bps: float = 0.0
    """Bytes per second over the last moments."""
    error: str | None = None

    @property
    def progress_percent(self) -> int:
        if not self.bytes_total:
            return 100 if self.state == "completed" else 0
        return min(100, int(self.bytes_done * 100 / self.bytes_total))
