"""Time cues: polls, questions and comments surface when playback crosses their moment.

Pure logic, fed positions by the app (milliseconds from the start of the episode, read on its
~250 ms position timer). A cue *fires* when playback moves forward across its moment: the
previous position was before it and the new one at or after it. Rules a listener would expect:

- Ordinary playback fires each cue crossed, in time order, even when several fall between two
  ticks (fast playback speeds).
- A seek (a jump backwards, or forwards by more than ``max_step_ms``) fires nothing it skipped,
  but landing exactly on a cue's moment (a click on its mark under the seek bar) fires it.
- Each cue fires once; replaying a part does not pop the same poll up again unless
  :meth:`CueTracker.rearm` is called.
- Cues without a moment (``at_ms`` ``None``: "any time") never fire; :attr:`CueTracker.anytime`
  lists them for the episode's interaction panel.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from protocol.interactions_document import DocumentPoll, DocumentQuestion, InteractionsDocument
from protocol.interactive import InteractionPublic

CueKind = Literal["poll", "question", "comment"]
DEFAULT_MAX_STEP_MS = 5_000
"""Largest forward step still taken as playback rather than a seek: 250 ms ticks at up to 3x
speed advance ~750 ms, and a busy GUI thread may skip a few ticks."""


@dataclass(frozen=True)
class Cue:
    """Something to show at ``at_ms`` (milliseconds into the episode; ``None``: any time)."""

    kind: CueKind
    id: str
    at_ms: int | None
    label: str
    """The poll's or question's prompt, or the comment's text."""


def cues_from_document(document: InteractionsDocument) -> list[Cue]:
    """A cue for each poll and question of an episode's interactions document."""
    cues: list[Cue] = []
    for item in document.interactions:
        if isinstance(item, DocumentPoll):
            cues.append(Cue("poll", item.id, item.anchor_ms, item.prompt))
        elif isinstance(item, DocumentQuestion):
            cues.append(Cue("question", item.id, item.anchor_ms, item.prompt))
    return cues


def cues_from_comments(comments: Iterable[InteractionPublic]) -> list[Cue]:
    """A cue for each timed comment (``at_ms``)."""
    return [Cue("comment", str(item.id), item.at_ms, item.text) for item in comments if item.kind == "comment"]


class CueTracker:
    """Which cues playback has just crossed. Not thread-safe: feed it from one thread."""

    def __init__(self, cues: Iterable[Cue] = (), *, max_step_ms: int = DEFAULT_MAX_STEP_MS) -> None:
        if max_step_ms <= 0:
            raise ValueError("max_step_ms must be positive")
        self.max_step_ms = max_step_ms
        self._timed: list[Cue] = []
        self._times: list[int] = []
        self.anytime: list[Cue] = []
        self._fired: set[tuple[CueKind, str]] = set()
        self._last_ms: int | None = None
        self.add(cues)

    def add(self, cues: Iterable[Cue]) -> None:
        """Add cues (a comment arriving live, a poll opened now); a known (kind, id) is replaced."""
        for cue in cues:
            self.remove(cue.kind, cue.id)
            if cue.at_ms is None:
                self.anytime.append(cue)
                continue
            index = bisect.bisect_right(self._times, cue.at_ms)
            self._times.insert(index, cue.at_ms)
            self._timed.insert(index, cue)

    def replace(self, cues: Iterable[Cue]) -> None:
        """Swap in a fresh set of cues (the episode was re-fetched), keeping the position and what
        has fired already, so nothing pops up a second time."""
        self._timed, self._times, self.anytime = [], [], []
        self.add(cues)

    def remove(self, kind: CueKind, cue_id: str) -> None:
        """Forget a cue (a comment hidden by the creator)."""
        for index, cue in enumerate(self._timed):
            if cue.kind == kind and cue.id == cue_id:
                del self._timed[index], self._times[index]
                break
        self.anytime = [cue for cue in self.anytime if not (cue.kind == kind and cue.id == cue_id)]

    @property
    def cues(self) -> list[Cue]:
        """Timed cues in time order."""
        return list(self._timed)

    def rearm(self) -> None:
        """Let every cue fire again (the listener asked to see them again)."""
        self._fired.clear()

    def seek(self, position_ms: int) -> list[Cue]:
        """The listener jumped to ``position_ms``: fires only cues exactly at that moment."""
        self._last_ms = position_ms
        return self._fire(bisect.bisect_left(self._times, position_ms), bisect.bisect_right(self._times, position_ms))

    def update(self, position_ms: int) -> list[Cue]:
        """Playback is at ``position_ms`` now; returns the cues it crossed since the last call, in
        time order. The first call after creation behaves like :meth:`seek`."""
        last = self._last_ms
        if last is None or position_ms < last or position_ms - last > self.max_step_ms:
            return self.seek(position_ms)
        self._last_ms = position_ms
        return self._fire(bisect.bisect_right(self._times, last), bisect.bisect_right(self._times, position_ms))

    def _fire(self, start: int, stop: int) -> list[Cue]:
        fired = []
        for cue in self._timed[start:stop]:
            key = (cue.kind, cue.id)
            if key not in self._fired:
                self._fired.add(key)
                fired.append(cue)
        return fired
