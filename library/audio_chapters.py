"""Chapters embedded in downloaded audio files, read into the same cues as feed chapters.

Supported, with mutagen doing the container parsing where it can:

- ID3v2 ``CHAP`` frames (MP3), titled by their ``TIT2`` sub-frame and linked by ``WXXX``;
  ordered by the top-level ``CTOC`` table of contents when the file has one.
- MP4/M4A/M4B QuickTime chapter tracks (a text track that the audio track names in
  ``tref/chap``; what Apple's apps write) and Nero chapters (``moov/udta/chpl``, which mutagen
  exposes as ``MP4.chapters``). A file with both is read from its chapter track.
- Vorbis comments ``CHAPTER001=HH:MM:SS.mmm`` / ``CHAPTER001NAME`` / ``CHAPTER001URL`` in Ogg
  Vorbis, Ogg Opus and FLAC.

Times are milliseconds. Reading a whole file is never needed: only the tag blocks and, for a
chapter track, its few text samples are read.
"""

from __future__ import annotations

import os
import re
import struct
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any, BinaryIO

from library.cues import Cue
from library.cues_parsers import parse_clock
from library.errors import CueParseError, NotFoundError

__all__ = ["read_embedded_chapters"]

_VORBIS_CHAPTER = re.compile(r"^chapter(\d{1,4})(name|url)?$", re.IGNORECASE)
# A chapter track's text samples are short titles; anything bigger is not a chapter title.
_MAX_SAMPLE_BYTES = 64 * 1024
_MAX_CHAPTERS = 10_000


def read_embedded_chapters(path: str | os.PathLike[str]) -> list[Cue]:
    """The chapters embedded in the audio file at ``path``, in playing order (empty if none).

    Raises :class:`~library.errors.NotFoundError` when the file does not exist and
    :class:`~library.errors.CueParseError` when it is not an audio file mutagen can read or
    its tags are corrupt.
    """
    import mutagen
    from mutagen.id3 import ID3
    from mutagen.mp4 import MP4

    file_path = Path(path)
    if not file_path.is_file():
        raise NotFoundError(f"no audio file at {file_path}")
    try:
        audio = mutagen.File(file_path)
    except Exception as error:  # mutagen raises many unrelated types for corrupt files
        raise CueParseError(f"could not read the tags of {file_path.name}: {error}") from None
    if audio is None:
        raise CueParseError(f"{file_path.name} is not an audio file Castwise can read chapters from")
    tags = audio.tags
    if isinstance(audio, MP4):
        return _mp4_chapters(file_path, audio)
    if tags is None:
        return []
    if isinstance(tags, ID3) or hasattr(tags, "getall"):
        return _id3_chapters(tags)
    # Vorbis comments (Ogg Vorbis/Opus/FLAC/Speex) are a case-insensitive mapping.
    return _vorbis_chapters(tags)


# --- ID3 ------------------------------------------------------------------------------------


def _id3_chapters(tags: Any) -> list[Cue]:
    chapters = {frame.element_id: frame for frame in tags.getall("CHAP")}
    if not chapters:
        return []
    order: list[str] = []
    tables = tags.getall("CTOC")
    # The top-level table of contents orders the chapters; nested tables list sub-chapters.
    top = [table for table in tables if int(table.flags) & 0x01] or tables
    for table in top[:1]:
        order.extend(element for element in table.child_element_ids if element in chapters)
    unlisted = sorted((c for c in chapters.values() if c.element_id not in order), key=lambda c: c.start_time)
    order.extend(frame.element_id for frame in unlisted)
    cues: list[Cue] = []
    for element_id in order:
        frame = chapters[element_id]
        title_frame = frame.sub_frames.get("TIT2")
        title = str(title_frame.text[0]).strip() if title_frame is not None and title_frame.text else ""
        url = next((sub.url for key, sub in frame.sub_frames.items() if key.startswith("WXXX")), None)
        # 0xFFFFFFFF marks "no end time" in some writers.
        end = frame.end_time if frame.end_time not in (None, 0xFFFFFFFF) else None
        cues.append(Cue(int(frame.start_time), int(end) if end is not None else None, title, url=url or None))
    return cues


# --- Vorbis comments ------------------------------------------------------------------------


def _vorbis_chapters(tags: Any) -> list[Cue]:
    fields: dict[int, dict[str, str]] = {}
    # Vorbis comments are a list of (key, value) pairs: iterating them does not give keys.
    for key in tags.keys():  # noqa: SIM118
        values = tags[key]
        match = _VORBIS_CHAPTER.match(str(key))
        if match is None or not values:
            continue
        value = values[0] if isinstance(values, list) else values
        fields.setdefault(int(match.group(1)), {})[(match.group(2) or "start").lower()] = str(value)
    cues: list[Cue] = []
    for number in sorted(fields):
        entry = fields[number]
        if "start" not in entry:
            continue
        try:
            start_ms = parse_clock(entry["start"])
        except CueParseError:
            continue
        cues.append(
            Cue(start_ms, None, entry.get("name", "").strip(), url=(entry.get("url") or "").strip() or None)
        )
    return cues


# --- MP4 ------------------------------------------------------------------------------------


def _mp4_chapters(file_path: Path, audio: Any) -> list[Cue]:
    try:
        with file_path.open("rb") as handle:
            track_cues = _quicktime_chapter_track(handle)
    except (OSError, struct.error, ValueError, IndexError) as error:
        raise CueParseError(f"the chapter track of {file_path.name} is corrupt: {error}") from None
    if track_cues:
        return track_cues
    nero = getattr(audio, "chapters", None) or []
    return [Cue(round(chapter.start * 1000), None, (chapter.title or "").strip()) for chapter in nero]


def _boxes(data: bytes, start: int = 0, end: int | None = None) -> Iterator[tuple[bytes, int, int]]:
    """(type, payload start, payload end) of each ISO-BMFF box in ``data[start:end]``."""
    end = len(data) if end is None else end
    position = start
    while position + 8 <= end:
        size, kind = struct.unpack_from(">I4s", data, position)
        header = 8
        if size == 1:
            (size,) = struct.unpack_from(">Q", data, position + 8)
            header = 16
        elif size == 0:
            size = end - position
        if size < header or position + size > end:
            raise ValueError(f"box {kind!r} overruns its parent")
        yield kind, position + header, position + size
        position += size


def _child(data: bytes, start: int, end: int, *path: bytes) -> tuple[int, int] | None:
    for kind in path:
        found = next(((s, e) for k, s, e in _boxes(data, start, end) if k == kind), None)
        if found is None:
            return None
        start, end = found
    return start, end


def _read_moov(handle: BinaryIO) -> bytes | None:
    handle.seek(0, os.SEEK_END)
    file_size = handle.tell()
    position = 0
    while position + 8 <= file_size:
        handle.seek(position)
        header = handle.read(16)
        size, kind = struct.unpack_from(">I4s", header)
        header_size = 8
        if size == 1:
            (size,) = struct.unpack_from(">Q", header, 8)
            header_size = 16
        elif size == 0:
            size = file_size - position
        if size < header_size:
            return None
        if kind == b"moov":
            handle.seek(position + header_size)
            return handle.read(size - header_size)
        position += size
    return None


def _quicktime_chapter_track(handle: BinaryIO) -> list[Cue]:
    moov = _read_moov(handle)
    if moov is None:
        return []
    tracks: dict[int, tuple[int, int]] = {}
    chapter_ids: list[int] = []
    for kind, start, end in _boxes(moov):
        if kind != b"trak":
            continue
        tkhd = _child(moov, start, end, b"tkhd")
        if tkhd is None:
            continue
        version = moov[tkhd[0]]
        track_id = struct.unpack_from(">I", moov, tkhd[0] + (20 if version == 1 else 12))[0]
        tracks[track_id] = (start, end)
        chap = _child(moov, start, end, b"tref", b"chap")
        if chap is not None:
            count = (chap[1] - chap[0]) // 4
            chapter_ids.extend(struct.unpack_from(f">{count}I", moov, chap[0]))
    # The audio track may name several chapter tracks: titles, links (a second text track whose
    # samples carry "href" boxes, as Hindenburg writes) and images (a video track, skipped).
    text_tracks = [
        _text_track_cues(handle, moov, *tracks[track_id])
        for track_id in dict.fromkeys(chapter_ids)
        if track_id in tracks and _handler(moov, *tracks[track_id]) in (b"text", b"sbtl")
    ]
    text_tracks = [cues for cues in text_tracks if cues]
    if not text_tracks:
        return []
    titles = text_tracks[0]
    links = {cue.start_ms: cue.url for cues in text_tracks[1:] for cue in cues if cue.url}
    return [
        cue if cue.url or cue.start_ms not in links else replace(cue, url=links[cue.start_ms])
        for cue in titles
    ]


def _handler(moov: bytes, start: int, end: int) -> bytes:
    hdlr = _child(moov, start, end, b"mdia", b"hdlr")
    return moov[hdlr[0] + 8 : hdlr[0] + 12] if hdlr is not None else b""


def _text_track_cues(handle: BinaryIO, moov: bytes, start: int, end: int) -> list[Cue]:
    mdhd = _child(moov, start, end, b"mdia", b"mdhd")
    stbl = _child(moov, start, end, b"mdia", b"minf", b"stbl")
    if mdhd is None or stbl is None:
        return []
    version = moov[mdhd[0]]
    timescale = struct.unpack_from(">I", moov, mdhd[0] + (20 if version == 1 else 12))[0]
    if timescale == 0:
        raise ValueError("chapter track has no timescale")
    durations = _sample_durations(moov, stbl)
    offsets = _sample_offsets(moov, stbl)
    cues: list[Cue] = []
    time_units = 0
    for index, (offset, size) in enumerate(offsets[:_MAX_CHAPTERS]):
        duration = durations[index] if index < len(durations) else 0
        start_ms = time_units * 1000 // timescale
        end_ms = (time_units + duration) * 1000 // timescale
        time_units += duration
        handle.seek(offset)
        title, url = _text_sample(handle.read(min(size, _MAX_SAMPLE_BYTES)))
        cues.append(Cue(start_ms, end_ms if duration else None, title, url=url))
    return cues


def _sample_durations(moov: bytes, stbl: tuple[int, int]) -> list[int]:
    stts = _child(moov, *stbl, b"stts")
    if stts is None:
        return []
    (count,) = struct.unpack_from(">I", moov, stts[0] + 4)
    durations: list[int] = []
    for entry in range(min(count, _MAX_CHAPTERS)):
        samples, delta = struct.unpack_from(">II", moov, stts[0] + 8 + entry * 8)
        durations.extend([delta] * min(samples, _MAX_CHAPTERS - len(durations)))
        if len(durations) >= _MAX_CHAPTERS:
            break
    return durations


def _sample_offsets(moov: bytes, stbl: tuple[int, int]) -> list[tuple[int, int]]:
    """(file offset, size in bytes) of each sample, from stsz, stsc and stco/co64."""
    stsz = _child(moov, *stbl, b"stsz")
    stsc = _child(moov, *stbl, b"stsc")
    chunk_box = _child(moov, *stbl, b"stco")
    wide = chunk_box is None
    if wide:
        chunk_box = _child(moov, *stbl, b"co64")
    if stsz is None or stsc is None or chunk_box is None:
        return []
    uniform, sample_count = struct.unpack_from(">II", moov, stsz[0] + 4)
    sample_count = min(sample_count, _MAX_CHAPTERS)
    sizes = (
        [uniform] * sample_count
        if uniform
        else list(struct.unpack_from(f">{sample_count}I", moov, stsz[0] + 12))
    )
    (chunk_count,) = struct.unpack_from(">I", moov, chunk_box[0] + 4)
    chunk_count = min(chunk_count, _MAX_CHAPTERS)
    chunk_offsets = list(struct.unpack_from(f">{chunk_count}{'Q' if wide else 'I'}", moov, chunk_box[0] + 8))
    (run_count,) = struct.unpack_from(">I", moov, stsc[0] + 4)
    runs = [
        struct.unpack_from(">III", moov, stsc[0] + 8 + 12 * i)[:2]
        for i in range(min(run_count, _MAX_CHAPTERS))
    ]
    samples: list[tuple[int, int]] = []
    sample = 0
    for run_index, (first_chunk, per_chunk) in enumerate(runs):
        last_chunk = runs[run_index + 1][0] - 1 if run_index + 1 < len(runs) else chunk_count
        for chunk in range(first_chunk, last_chunk + 1):
            if not 1 <= chunk <= len(chunk_offsets):  # chunk numbers count from 1
                break
            offset = chunk_offsets[chunk - 1]
            for _ in range(per_chunk):
                if sample >= sample_count:
                    return samples
                samples.append((offset, sizes[sample]))
                offset += sizes[sample]
                sample += 1
    return samples


def _text_sample(data: bytes) -> tuple[str, str | None]:
    """Title and link of a QuickTime text sample: a 16-bit length, the text (UTF-8, or UTF-16
    with a byte-order mark), then optional modifier boxes, of which ``href`` holds a URL."""
    if len(data) < 2:
        return "", None
    (length,) = struct.unpack_from(">H", data)
    raw = data[2 : 2 + length]
    if raw.startswith((b"\xfe\xff", b"\xff\xfe")):
        title = raw.decode("utf-16", errors="replace")
    else:
        title = raw.decode("utf-8", errors="replace")
    url: str | None = None
    try:
        for kind, start, end in _boxes(data, 2 + length):
            if kind == b"href" and end - start >= 5:
                url_length = data[start + 4]
                url = data[start + 5 : start + 5 + url_length].decode("utf-8", errors="replace") or None
    except (ValueError, struct.error):
        pass  # a broken modifier box loses the link, not the title
    return title.strip(), url
