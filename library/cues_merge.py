"""Joining transcript cues into readable lines and paragraphs.

Transcripts come cut for captions (two short lines that share one time span) or for karaoke
(one word per segment). The transcript view and full-text search read better with fewer, longer
cues: :func:`merge_cues` joins consecutive cues of the same speaker by one or more rules.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from library.cues import Cue

# Text that attaches to the previous word without a space: "Friday" + "," -> "Friday,".
_ATTACHED_PUNCTUATION = re.compile(r"^[.,?!;:})\]>%]")


def join_text(first: str, second: str, separator: str = " ") -> str:
    """``first`` and ``second`` joined by ``separator``, except before closing punctuation."""
    if not first:
        return second
    if not second:
        return first
    if _ATTACHED_PUNCTUATION.match(second):
        return first + second
    return first + separator + second


def merge_cues(
    cues: Iterable[Cue],
    *,
    same_time: bool = False,
    same_speaker: bool = False,
    max_chars: int | None = None,
    separator: str = " ",
) -> list[Cue]:
    """Join consecutive cues of the same speaker (``None`` counts as a speaker).

    - ``same_time``: join cues with identical start and end times (one caption split in two
      lines), with ``separator`` between their texts.
    - ``same_speaker``: join every run of one speaker into a paragraph.
    - ``max_chars``: join while the joined text stays within ``max_chars`` characters.

    A joined cue starts at the first cue's start and ends at the last cue's end; its url, image
    and flags come from the first cue. Rules are tried in the order above; cues are never
    reordered. With no rule set the cues come back unchanged.
    """
    merged: list[Cue] = []
    for cue in cues:
        if merged and _joins(merged[-1], cue, same_time, same_speaker, max_chars, separator):
            previous = merged[-1]
            use_separator = separator if same_time and _same_span(previous, cue) else " "
            merged[-1] = Cue(
                previous.start_ms,
                cue.end_ms if cue.end_ms is not None else previous.end_ms,
                join_text(previous.text, cue.text, use_separator),
                previous.speaker,
                previous.url,
                previous.image,
                previous.toc,
                previous.location,
            )
        else:
            merged.append(cue)
    return merged


def _same_span(first: Cue, second: Cue) -> bool:
    return first.start_ms == second.start_ms and first.end_ms == second.end_ms


def _joins(
    previous: Cue,
    cue: Cue,
    same_time: bool,
    same_speaker: bool,
    max_chars: int | None,
    separator: str,
) -> bool:
    if previous.speaker != cue.speaker:
        return False
    if same_speaker:
        return True
    if same_time and _same_span(previous, cue):
        return True
    return max_chars is not None and len(join_text(previous.text, cue.text, " ")) <= max_chars


def transcript_text(cues: Iterable[Cue]) -> str:
    """The transcript as plain text for reading or full-text search: one paragraph per run of a
    speaker (``"Name: words..."`` when the speaker is known), paragraphs separated by a blank
    line, caption line breaks turned into spaces."""
    paragraphs = []
    for cue in merge_cues(cues, same_speaker=True):
        text = " ".join(cue.text.split())
        paragraphs.append(f"{cue.speaker}: {text}" if cue.speaker else text)
    return "\n\n".join(paragraphs)
