"""One model for everything timed in an episode: chapters and transcript lines are both *cues*.

A :class:`Cue` starts at ``start_ms`` (milliseconds from the start of the audio) and may end at
``end_ms``. Chapters (Podcasting 2.0 JSON, Podlove Simple Chapters, chapters embedded in audio
files, timestamps in show notes) and transcripts (SRT, WebVTT, Podcasting 2.0 JSON) all parse
into lists of cues, so the player, the chapter list and the transcript view share one shape.

:func:`parse_cues` is the single entry point for documents: it sniffs the format from the bytes
(the content type and URL only break ties) and raises :class:`~library.errors.CueParseError`
for anything it cannot read. :class:`CueList` answers "which cue is playing at this position?"
and "where is the next/previous chapter?" in O(log n).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import overload

__all__ = ["Cue", "CueList", "chapters_in_show_notes", "format_timestamp", "parse_cues"]


@dataclass(frozen=True, slots=True)
class Cue:
    """A timed piece of an episode: a chapter or one transcript segment.

    ``start_ms``/``end_ms`` are milliseconds from the start of the audio; ``end_ms`` is ``None``
    when the source does not say (most chapter formats: a chapter ends where the next begins).
    ``text`` is the chapter title or the transcript text (plain text, markup removed; may hold
    line breaks). ``toc`` is ``False`` for Podcasting 2.0 chapters that should be shown while
    playing but left out of the table of contents.
    """

    start_ms: int
    end_ms: int | None = None
    text: str = ""
    speaker: str | None = None
    url: str | None = None
    image: str | None = None
    toc: bool = True
    location: str | None = None
    """A place the cue is about (Podcasting 2.0 ``location.name``)."""

    @property
    def title(self) -> str:
        """The chapter title (the same string as ``text``; chapters read better with this name)."""
        return self.text


class CueList(Sequence[Cue]):
    """Cues sorted by start time, with position look-ups for playback.

    Sorting is stable, so cues that start together keep their document order (transcripts often
    split one timed segment into two lines with the same times).
    """

    __slots__ = ("_cues", "_starts")

    def __init__(self, cues: Iterable[Cue] = ()) -> None:
        self._cues: tuple[Cue, ...] = tuple(sorted(cues, key=lambda cue: cue.start_ms))
        self._starts: list[int] = [cue.start_ms for cue in self._cues]

    @overload
    def __getitem__(self, index: int) -> Cue: ...
    @overload
    def __getitem__(self, index: slice) -> CueList: ...
    def __getitem__(self, index: int | slice) -> Cue | CueList:
        if isinstance(index, slice):
            return CueList(self._cues[index])
        return self._cues[index]

    def __len__(self) -> int:
        return len(self._cues)

    def __iter__(self) -> Iterator[Cue]:
        return iter(self._cues)

    def __repr__(self) -> str:
        return f"CueList({list(self._cues)!r})"

    def index_at(self, position_ms: int) -> int | None:
        """Index of the cue playing at ``position_ms`` (the last one started at or before it),
        or ``None`` before the first cue or after the end of a cue that declares one and has no
        successor yet."""
        index = bisect.bisect_right(self._starts, position_ms) - 1
        if index < 0:
            return None
        cue = self._cues[index]
        if cue.end_ms is not None and position_ms >= cue.end_ms and cue.end_ms > cue.start_ms:
            return None
        return index

    def at(self, position_ms: int) -> Cue | None:
        """The cue playing at ``position_ms`` (milliseconds), or ``None`` (see :meth:`index_at`)."""
        index = self.index_at(position_ms)
        return None if index is None else self._cues[index]

    def next_after(self, position_ms: int) -> Cue | None:
        """The first cue starting strictly after ``position_ms``: where "next chapter" jumps."""
        index = bisect.bisect_right(self._starts, position_ms)
        return self._cues[index] if index < len(self._cues) else None

    def previous_before(self, position_ms: int, *, restart_window_ms: int = 3000) -> Cue | None:
        """Where "previous chapter" jumps from ``position_ms``.

        Like a CD player: more than ``restart_window_ms`` into a cue, go back to its start;
        within that window, go to the cue before it. ``None`` before the first cue.
        """
        index = bisect.bisect_right(self._starts, position_ms) - 1
        if index < 0:
            return None
        current = self._cues[index]
        if position_ms - current.start_ms > restart_window_ms or index == 0:
            return current
        return self._cues[index - 1]

    def table_of_contents(self) -> CueList:
        """The cues meant for a chapter list (those not marked ``toc: false``)."""
        return CueList(cue for cue in self._cues if cue.toc)

    def chapter_marks(self) -> list[tuple[int, str]]:
        """``(start ms, title)`` of each table-of-contents cue: the plain data ``player/`` takes
        for chapter navigation (it never sees library types)."""
        return [(cue.start_ms, cue.text) for cue in self._cues if cue.toc]

    def with_ends(self, duration_ms: int | None = None) -> CueList:
        """A copy where every cue without an ``end_ms`` ends where the next one starts (the last
        one at ``duration_ms`` when given): the usual reading of chapter lists."""
        filled: list[Cue] = []
        for index, cue in enumerate(self._cues):
            end = cue.end_ms
            if end is None:
                end = self._cues[index + 1].start_ms if index + 1 < len(self._cues) else duration_ms
            filled.append(_replace_end(cue, end))
        return CueList(filled)


def _replace_end(cue: Cue, end_ms: int | None) -> Cue:
    if end_ms == cue.end_ms:
        return cue
    return Cue(cue.start_ms, end_ms, cue.text, cue.speaker, cue.url, cue.image, cue.toc, cue.location)


def format_timestamp(position_ms: int) -> str:
    """``HH:MM:SS.mmm`` for a position in milliseconds (the Podlove and WebVTT spelling)."""
    seconds, millis = divmod(max(position_ms, 0), 1000)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}"


def parse_cues(data: bytes, content_type: str | None = None, url: str | None = None) -> list[Cue]:
    """Parse a chapters or transcript document into cues sorted by start time.

    Reads Podcasting 2.0 JSON chapters and transcripts, Podlove Simple Chapters (a whole document
    or a ``psc:chapters`` element), SRT, WebVTT and plain text with a timestamp at the start of
    each line (show notes chapter lists, timestamped transcripts). The format is sniffed from
    the bytes; ``content_type`` and ``url`` only decide between plausible readings.

    Raises :class:`~library.errors.CueParseError` (bad-input) for an empty, unknown or broken
    document, including HTML transcripts, which Castwise does not read.
    """
    # Imported here: the parsers import Cue from this module.
    from library.cues_parsers import parse_document

    return list(CueList(parse_document(data, content_type, url)))


def chapters_in_show_notes(show_notes: str) -> list[Cue]:
    """Chapters a publisher wrote into the show notes (``00:00 Intro<br>04:45 Plot summary``),
    for episodes without a chapters document; ``[]`` unless at least two lines start with
    increasing timestamps. ``show_notes`` is HTML or plain text."""
    from library.cues_parsers import chapters_in_show_notes as find

    return find(show_notes)
