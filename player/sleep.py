"""The sleep timer: pause after N minutes of playback (fading out), or at the end of the episode
or of the current chapter. Pure bookkeeping; the controller advances it on its tick."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class SleepMode(enum.Enum):
    AFTER_TIME = "after-time"
    END_OF_EPISODE = "end-of-episode"
    END_OF_CHAPTER = "end-of-chapter"


@dataclass
class SleepTimer:
    """One armed sleep timer. Time counts only while playing (seconds of playback)."""

    mode: SleepMode
    remaining_s: float = 0.0
    """Seconds of playback left (``AFTER_TIME`` only)."""
    chapter_end_ms: int | None = None
    """``END_OF_CHAPTER``: fire when the position reaches this (milliseconds)."""

    @classmethod
    def after(cls, minutes: float) -> SleepTimer:
        return cls(SleepMode.AFTER_TIME, remaining_s=max(0.0, minutes * 60.0))

    @classmethod
    def at_end_of_chapter(cls, chapter_end_ms: int | None) -> SleepTimer:
        """At ``chapter_end_ms``; without a next chapter, at the end of the episode."""
        if chapter_end_ms is None:
            return cls(SleepMode.END_OF_EPISODE)
        return cls(SleepMode.END_OF_CHAPTER, chapter_end_ms=chapter_end_ms)

    @property
    def fires_at_end_of_episode(self) -> bool:
        """True when the end of the episode fires it (a chapter timer too, if the episode ends first)."""
        return self.mode in (SleepMode.END_OF_EPISODE, SleepMode.END_OF_CHAPTER)

    def advance(self, played_s: float, position_ms: int) -> bool:
        """Count ``played_s`` seconds of playback at ``position_ms``; True when the timer is due."""
        if self.mode is SleepMode.END_OF_CHAPTER:
            return self.chapter_end_ms is not None and position_ms >= self.chapter_end_ms
        if self.mode is SleepMode.AFTER_TIME:
            self.remaining_s -= played_s
            return self.remaining_s <= 0
        return False

    def volume_factor(self, fade_s: float) -> float:
        """1.0, or less during the last ``fade_s`` seconds of an ``AFTER_TIME`` timer: a linear fade
        from the listener's volume to silence."""
        if self.mode is not SleepMode.AFTER_TIME or fade_s <= 0 or self.remaining_s >= fade_s:
            return 1.0
        return max(0.0, self.remaining_s / fade_s)
