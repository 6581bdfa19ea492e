"""Chapters as the player sees them: ``(start_ms, title)`` pairs in time order, and navigation.

Chapters come from the feed or the file (the library reads them); the player only needs where each
starts (milliseconds) and its title. A chapter ends where the next one starts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import NamedTuple

PREVIOUS_CHAPTER_GRACE_MS = 3000
"""Within this long after a chapter's start, "previous" goes to the chapter before it."""


class Chapter(NamedTuple):
    start_ms: int
    title: str


def sort_chapters(chapters: Iterable[tuple[int, str]]) -> list[Chapter]:
    """``(start_ms, title)`` pairs as :class:`Chapter` objects in time order."""
    return sorted((Chapter(int(start), str(title)) for start, title in chapters), key=lambda c: c.start_ms)


def chapter_at(chapters: Sequence[Chapter], position_ms: int) -> int:
    """Index of the last chapter starting at or before ``position_ms``; -1 if none."""
    index = -1
    for i, chapter in enumerate(chapters):
        if chapter.start_ms <= position_ms:
            index = i
        else:
            break
    return index


def next_chapter_start(chapters: Sequence[Chapter], position_ms: int) -> int | None:
    """Where the chapter after the one at ``position_ms`` starts; None in the last chapter."""
    index = chapter_at(chapters, position_ms)
    return chapters[index + 1].start_ms if index + 1 < len(chapters) else None


def previous_chapter_start(chapters: Sequence[Chapter], position_ms: int) -> int:
    """Where "previous chapter" goes: this chapter's start, or the one before when within
    :data:`PREVIOUS_CHAPTER_GRACE_MS` of this one's start (0 before the first chapter)."""
    index = chapter_at(chapters, position_ms)
    if index >= 0 and position_ms - chapters[index].start_ms > PREVIOUS_CHAPTER_GRACE_MS:
        return chapters[index].start_ms
    if index > 0:
        return chapters[index - 1].start_ms
    return 0
