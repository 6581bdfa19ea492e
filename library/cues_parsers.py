"""The document formats behind :func:`library.cues.parse_cues`.

Each ``parse_*`` function takes decoded text and returns cues in document order; the entry
point :func:`parse_document` decodes the bytes, sniffs the format and sorts nothing (the caller
wraps the result in a :class:`~library.cues.CueList`). Every failure is a
:class:`~library.errors.CueParseError` with a message a listener can read.

Times in the source documents are seconds (JSON numbers) or clock strings (``HH:MM:SS.mmm``,
``MM:SS,mmm``, ``SS.mmm``); cues carry integer milliseconds.
"""

from __future__ import annotations

import codecs
import html
import json
import math
import re
import xml.etree.ElementTree as ElementTree
from itertools import pairwise
from typing import Any

from library.cues import Cue
from library.errors import CueParseError
from library.feeds.safexml import declares_entities

# Documents larger than this are not chapters or transcripts we can show sensibly; the fetch
# layer caps downloads well below it, this guards direct callers.
MAX_DOCUMENT_BYTES = 32 * 1024 * 1024

_CLOCK = re.compile(r"^(\d+)(?::(\d{1,2}))?(?::(\d{1,2}))?(?:[.,](\d{1,9}))?$")
_TIMING_LINE = re.compile(r"^\s*(\S+)\s+-->\s+(\S+)(?:\s+(.*))?$")
_TAG = re.compile(r"<[^>]*>")
_VOICE = re.compile(r"<v(?:\.[^\s>]*)?\s+([^>]+)>")
# "Adam Curry: text": the SRT speaker convention of the Podcasting 2.0 transcript spec. A name
# is short and carries no sentence punctuation, so "Note: ..." style prose is the only false hit.
_SRT_SPEAKER = re.compile(r"^([^\W\d_][^:.,!?;\"\n]{0,40}?):\s+(\S.*)$", re.DOTALL)
_TEXT_TIMESTAMP = re.compile(
    r"^\s*[\[(]?((?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?)[\])]?\s*(?:[-–—|:]\s*)?(\S.*?)\s*$"
)
_PODLOVE_NAMESPACE = "http://podlove.org/simple-chapters"


def parse_clock(value: str) -> int:
    """Milliseconds for a clock string: ``H:MM:SS.mmm``, ``MM:SS,mmm``, ``SS.mmm`` or ``SS``.

    Raises :class:`CueParseError` when ``value`` is not such a string.
    """
    match = _CLOCK.match(value.strip())
    if match is None:
        raise CueParseError(f"not a timestamp: {value.strip()[:40]!r}")
    parts = [int(part) for part in match.group(1, 2, 3) if part is not None]
    seconds = 0
    for part in parts:
        seconds = seconds * 60 + part
    fraction = match.group(4) or "0"
    # Rounded to the millisecond; "5.5" is 500 ms, "1.2345" is 1235 ms.
    millis = round(int(fraction) * 1000 / 10 ** len(fraction))
    return seconds * 1000 + millis


def seconds_to_ms(value: Any, *, field: str) -> int:
    """Milliseconds for a JSON seconds value (number or numeric string); ``CueParseError`` else."""
    if isinstance(value, bool):
        raise CueParseError(f"{field} is not a number of seconds: {value!r}")
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            return parse_clock(value)
    if not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
        raise CueParseError(f"{field} is not a number of seconds: {value!r}")
    return round(value * 1000)


def decode_text(data: bytes) -> str:
    """Text of a document: UTF-8 (BOM optional), UTF-16 with a BOM, else Windows-1252."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def parse_document(data: bytes, content_type: str | None, url: str | None) -> list[Cue]:
    """Sniff and parse one chapters/transcript document (see :func:`library.cues.parse_cues`)."""
    if len(data) > MAX_DOCUMENT_BYTES:
        raise CueParseError(f"the document is too large ({len(data)} bytes)")
    text = decode_text(data)
    stripped = text.lstrip("\ufeff \t\r\n")
    if not stripped:
        raise CueParseError("the chapters or transcript document is empty")
    media_type = (content_type or "").split(";")[0].strip().lower()
    if stripped[0] in "{[":
        return parse_json(stripped)
    if stripped.startswith("WEBVTT"):
        return parse_webvtt(stripped)
    if stripped.startswith("<"):
        if _looks_like_html(stripped, media_type):
            raise CueParseError("HTML transcripts are not supported; Castwise reads SRT, WebVTT and JSON")
        return parse_podlove(data)
    head = stripped[:4000]
    if "-->" in head:
        # SRT, or WebVTT served without its header line: the cue blocks read the same.
        is_vtt = media_type == "text/vtt" or (url or "").lower().split("?")[0].endswith(".vtt")
        return parse_webvtt(stripped) if is_vtt else parse_srt(stripped)
    return parse_timestamped_text(stripped)


def _looks_like_html(text: str, media_type: str) -> bool:
    head = text[:2000].lower()
    return media_type == "text/html" or "<html" in head or "<!doctype html" in head or "<body" in head


# --- JSON -----------------------------------------------------------------------------------


def parse_json(text: str) -> list[Cue]:
    """Podcasting 2.0 JSON chapters (``{"chapters": [...]}``) or transcript (``{"segments":
    [...]}``), or a bare list of ``{"start", "end", "text"}`` subtitles in milliseconds."""
    try:
        document = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as error:
        raise CueParseError(f"the JSON document is broken: {error}") from None
    if isinstance(document, dict):
        if "chapters" in document:
            return parse_json_chapters(document)
        if "segments" in document:
            return parse_json_transcript(document)
        raise CueParseError("the JSON document holds neither chapters nor transcript segments")
    if isinstance(document, list):
        return _parse_json_subtitles(document)
    raise CueParseError("the JSON document holds neither chapters nor transcript segments")


def _optional_str(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def parse_json_chapters(document: dict[str, Any]) -> list[Cue]:
    """Podcasting 2.0 chapters: ``startTime`` (seconds, required), ``endTime``, ``title``,
    ``img``, ``url``, ``toc`` (``false`` hides a chapter from the table of contents) and
    ``location``. A chapter without a usable ``startTime`` is skipped; if none is usable the
    document is refused."""
    chapters = document.get("chapters")
    if not isinstance(chapters, list):
        raise CueParseError("the chapters document has no list of chapters")
    cues: list[Cue] = []
    for index, chapter in enumerate(chapters):
        if not isinstance(chapter, dict) or "startTime" not in chapter:
            continue
        try:
            start_ms = seconds_to_ms(chapter["startTime"], field=f"chapter {index + 1} startTime")
            end_ms = (
                seconds_to_ms(chapter["endTime"], field=f"chapter {index + 1} endTime")
                if chapter.get("endTime") is not None
                else None
            )
        except CueParseError:
            continue
        location = chapter.get("location")
        cues.append(
            Cue(
                start_ms=start_ms,
                end_ms=end_ms,
                text=(_optional_str(chapter.get("title")) or ""),
                url=_optional_str(chapter.get("url")),
                image=_optional_str(chapter.get("img")),
                toc=chapter.get("toc") is not False,
                location=_optional_str(location.get("name")) if isinstance(location, dict) else None,
            )
        )
    if chapters and not cues:
        raise CueParseError("no chapter in the document has a usable start time")
    return cues


def parse_json_transcript(document: dict[str, Any]) -> list[Cue]:
    """Podcasting 2.0 JSON transcript segments (``speaker``, ``startTime``, ``endTime``,
    ``body``). Segments whose body is only white space (word-level transcripts mark the gaps
    between words that way) carry no text and are left out."""
    segments = document.get("segments")
    if not isinstance(segments, list):
        raise CueParseError("the transcript has no list of segments")
    cues: list[Cue] = []
    for index, segment in enumerate(segments):
        if not isinstance(segment, dict) or not isinstance(segment.get("body"), str):
            continue
        body = segment["body"].strip()
        if not body:
            continue
        try:
            start_ms = seconds_to_ms(segment.get("startTime"), field=f"segment {index + 1} startTime")
            end_ms = (
                seconds_to_ms(segment["endTime"], field=f"segment {index + 1} endTime")
                if segment.get("endTime") is not None
                else None
            )
        except CueParseError:
            continue
        cues.append(Cue(start_ms, end_ms, body, speaker=_optional_str(segment.get("speaker"))))
    if (
        segments
        and not cues
        and any(isinstance(s, dict) and str(s.get("body", "")).strip() for s in segments)
    ):
        raise CueParseError("no transcript segment has a usable start time")
    return cues


def _parse_json_subtitles(items: list[Any]) -> list[Cue]:
    cues: list[Cue] = []
    for item in items:
        if not isinstance(item, dict) or not {"start", "end", "text"} <= item.keys():
            raise CueParseError("the JSON list is not a list of subtitles (start, end, text)")
        start, end = item["start"], item["end"]
        if not isinstance(start, int | float) or not isinstance(end, int | float) or isinstance(start, bool):
            raise CueParseError("a subtitle's start or end is not a number of milliseconds")
        text = str(item["text"]).strip()
        if text:
            cues.append(Cue(round(start), round(end), text))
    return cues


# --- SRT and WebVTT -------------------------------------------------------------------------


def _blocks(text: str) -> list[list[str]]:
    """Blank-line separated blocks of lines, with CRLF/CR line ends normalised."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    blocks: list[list[str]] = []
    current: list[str] = []
    for line in lines:
        if line.strip():
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _timed_block(block: list[str]) -> tuple[int, int, str | None, list[str]] | None:
    """(start ms, end ms, settings, payload lines) of a cue block, or ``None`` if it has no
    timing line. The identifier (SRT's counter, WebVTT's optional id) before it is dropped."""
    for position, line in enumerate(block[:3]):
        if "-->" not in line:
            continue
        match = _TIMING_LINE.match(line)
        if match is None:
            raise CueParseError(f"broken timing line: {line.strip()[:80]!r}")
        start_ms = parse_clock(match.group(1))
        end_ms = parse_clock(match.group(2))
        return start_ms, end_ms, match.group(3), block[position + 1 :]
    return None


def _clean_payload(lines: list[str]) -> str:
    """Plain text of cue payload lines: tags removed, entities decoded, lines trimmed."""
    cleaned = (html.unescape(_TAG.sub("", line)).strip() for line in lines)
    return "\n".join(line for line in cleaned if line)


def parse_webvtt(text: str) -> list[Cue]:
    """WebVTT: the header block, ``NOTE``/``STYLE``/``REGION`` blocks and cue settings are
    skipped; ``<v Speaker>`` voice tags give the speaker; other markup is removed and entities
    are decoded. Cues with no text are left out."""
    cues: list[Cue] = []
    for number, block in enumerate(_blocks(text)):
        first = block[0].lstrip("\ufeff")
        if number == 0 and first.startswith("WEBVTT"):
            # The header block may carry metadata lines ("Kind: captions"); a cue glued to it
            # without the blank line is still read.
            arrows = [index for index, line in enumerate(block) if "-->" in line]
            if not arrows:
                continue
            block = block[arrows[0] :]
        if first.startswith(("NOTE", "STYLE", "REGION")) and "-->" not in first:
            continue
        timed = _timed_block(block)
        if timed is None:
            continue
        start_ms, end_ms, _settings, payload = timed
        speaker = None
        for line in payload:
            voice = _VOICE.search(line)
            if voice:
                speaker = voice.group(1).strip()
                break
        body = _clean_payload(payload)
        if body:
            cues.append(Cue(start_ms, end_ms, body, speaker=speaker))
    if not cues and any("-->" in line for block in _blocks(text) for line in block):
        raise CueParseError("the WebVTT document has no readable cues")
    return cues


def parse_srt(text: str) -> list[Cue]:
    """SRT (SubRip). A first line ``Name: text`` names the speaker, who keeps speaking in later
    cues until another name appears (the Podcasting 2.0 transcript convention)."""
    cues: list[Cue] = []
    speaker: str | None = None
    for block in _blocks(text):
        timed = _timed_block(block)
        if timed is None:
            continue
        start_ms, end_ms, _settings, payload = timed
        body = _clean_payload(payload)
        match = _SRT_SPEAKER.match(body)
        if match is not None:
            speaker, body = match.group(1).strip(), match.group(2)
        if body:
            cues.append(Cue(start_ms, end_ms, body, speaker=speaker))
    if not cues:
        raise CueParseError("the SRT document has no readable cues")
    return cues


# --- Timestamps in plain text ---------------------------------------------------------------


def parse_timestamped_text(text: str) -> list[Cue]:
    """Lines that start with a timestamp (``04:45 Plot summary``, ``00:01:03 So I decided``),
    as in chapter lists written into show notes and timestamped text transcripts. Other lines
    (an introduction, links) are ignored; a text without any such line is refused."""
    cues: list[Cue] = []
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        match = _TEXT_TIMESTAMP.match(line)
        if match is None:
            continue
        cues.append(Cue(parse_clock(match.group(1)), None, match.group(2)))
    if not cues:
        raise CueParseError("the document is not a chapters or transcript format Castwise reads")
    return cues


# --- Podlove Simple Chapters ----------------------------------------------------------------


def parse_podlove(data: bytes) -> list[Cue]:
    """Podlove Simple Chapters: a ``psc:chapters`` document, or any XML holding that element
    (an RSS item). ``start`` is normal play time (``HH:MM:SS.mmm``); ``title``, ``href`` and
    ``image`` are optional. XML declaring entities is refused."""
    if declares_entities(data):
        raise CueParseError("refused: the document declares XML entities (entity expansion is disabled)")
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as error:
        raise CueParseError(f"the XML document is broken: {error}") from None
    return podlove_chapters_from_element(root)


def podlove_chapters_from_element(root: ElementTree.Element) -> list[Cue]:
    """Cues from the first Podlove ``chapters`` element at or under ``root`` (namespaced or
    not). Like feedparser, a second ``psc:chapters`` in the same item is ignored."""
    container = next(
        (
            element
            for element in root.iter()
            if _local_name(element.tag) == "chapters" and _is_podlove(element.tag)
        ),
        None,
    )
    if container is None:
        raise CueParseError("the XML document holds no Podlove chapters")
    cues: list[Cue] = []
    for chapter in container:
        if _local_name(chapter.tag) != "chapter" or "start" not in chapter.attrib:
            continue
        try:
            start_ms = parse_clock(chapter.attrib["start"])
        except CueParseError:
            continue
        cues.append(
            Cue(
                start_ms=start_ms,
                text=(chapter.attrib.get("title") or "").strip(),
                url=_optional_str(chapter.attrib.get("href")),
                image=_optional_str(chapter.attrib.get("image")),
            )
        )
    return cues


def _local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _is_podlove(tag: str) -> bool:
    # The element is Podlove's when namespaced so, or un-namespaced in a bare chapters document.
    if tag.startswith("{"):
        return tag[1:].split("}", 1)[0].rstrip("/") == _PODLOVE_NAMESPACE
    return True


# --- Chapters written into show notes -------------------------------------------------------

_LINE_BREAKING_TAGS = re.compile(r"<\s*(?:br|/p|/li|/div|/h\d|/tr)\b[^>]*>", re.IGNORECASE)


def chapters_in_show_notes(show_notes: str) -> list[Cue]:
    """Chapters listed in an episode's show notes (HTML or plain text): at least two lines
    that start with a timestamp, in increasing order. Anything else gives ``[]``: a single
    time mentioned in passing ("join us at 10:30") is not a chapter list."""
    text = html.unescape(_TAG.sub("", _LINE_BREAKING_TAGS.sub("\n", show_notes)))
    try:
        cues = parse_timestamped_text(text)
    except CueParseError:
        return []
    starts = [cue.start_ms for cue in cues]
    if len(cues) < 2 or any(later <= earlier for earlier, later in pairwise(starts)):
        return []
    return cues
