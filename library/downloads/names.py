"""Safe, readable file names for downloaded episodes: ``<folder>/<Podcast>/<Episode>.<ext>``.

Titles and URLs come from feeds, i.e. from strangers. Whatever they contain (``../``, absolute
paths, NUL and other control characters, Windows device names such as ``CON`` or ``COM1``,
trailing dots, thousands of characters), the result is one plain file name per component that
stays inside the downloads folder on Windows, macOS and Linux alike.
"""

from __future__ import annotations

import posixpath
import re
import unicodedata
from pathlib import Path
from urllib.parse import unquote, urlsplit

MAX_COMPONENT_BYTES = 120
"""UTF-8 bytes for a folder or file stem: well under the usual 255-byte limit, leaving room for a
collision suffix, the extension and ``.part.json`` while a download runs, and keeping whole
paths short for Windows."""

# Device names Windows reserves in every folder, with or without an extension (``con.mp3`` is
# the console too). The superscript digits count as digits there.
_DEVICES = {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$", "CLOCK$"}
_DEVICES |= {f"{prefix}{digit}" for prefix in ("COM", "LPT") for digit in "0123456789¹²³"}

# Characters Windows forbids in names (and the path separators of every platform).
_FORBIDDEN = str.maketrans({char: "_" for char in '<>:"/\\|?*'})
_SPACES = re.compile(r"\s+")

# Extensions a podcast enclosure plausibly has; anything else in a URL is not trusted.
_MEDIA_EXTENSIONS = {
    "mp3", "m4a", "m4b", "aac", "mp4", "m4v", "mov", "ogg", "oga", "ogv", "opus", "flac", "wav",
    "webm", "mkv", "wma", "wmv", "aif", "aiff", "amr", "3gp", "mka", "spx", "pdf", "epub",
}
_MIME_EXTENSIONS = {
    "audio/mpeg": "mp3", "audio/mp3": "mp3", "audio/mpeg3": "mp3", "audio/x-mpeg": "mp3",
    "audio/x-mp3": "mp3", "audio/mp4": "m4a", "audio/x-m4a": "m4a", "audio/m4a": "m4a",
    "audio/aac": "aac", "audio/x-aac": "aac", "audio/aacp": "aac", "audio/ogg": "ogg",
    "audio/vorbis": "ogg", "audio/opus": "opus", "audio/flac": "flac", "audio/x-flac": "flac",
    "audio/wav": "wav", "audio/x-wav": "wav", "audio/wave": "wav", "audio/webm": "webm",
    "audio/x-ms-wma": "wma", "audio/x-m4b": "m4b", "video/mp4": "mp4", "video/x-m4v": "m4v",
    "video/quicktime": "mov", "video/webm": "webm", "video/ogg": "ogv", "video/x-matroska": "mkv",
    "application/ogg": "ogg", "application/pdf": "pdf", "application/epub+zip": "epub",
}


def safe_component(text: str, *, fallback: str = "untitled", max_bytes: int = MAX_COMPONENT_BYTES) -> str:
    """``text`` made into one harmless file or folder name (no extension handling).

    Unicode is normalised to NFC; control and format characters go; separators and characters
    Windows forbids become ``_``; runs of white space become one space; leading and trailing
    dots and spaces go (no hidden files, no ``..``, nothing Windows would silently strip);
    Windows device names get a ``_`` appended; the result is cut to ``max_bytes`` of UTF-8 at a
    character boundary. An empty result becomes ``fallback``.
    """
    text = unicodedata.normalize("NFC", text)
    text = "".join(" " if char.isspace() else char for char in text if _printable(char))
    text = text.replace(": ", " - ").translate(_FORBIDDEN)
    text = _SPACES.sub(" ", text).strip(" .")
    text = _truncate_utf8(text, max_bytes).rstrip(" .")
    if not text:
        text = fallback
    if _is_device_name(text):
        head, dot, rest = text.partition(".")
        text = f"{head.rstrip(' ')}_{dot}{rest}"  # "con.txt" -> "con_.txt": no longer a device
    return text


def media_extension(url: str, mime_type: str | None = None) -> str:
    """The extension (with its dot, lower case) for an enclosure: the URL's own when it is a known
    media type, else one for ``mime_type``, else ``.mp3`` for unnamed audio, else ``""``."""
    path = unquote(urlsplit(url).path) if url else ""
    suffix = posixpath.splitext(posixpath.basename(path.replace("\\", "/")))[1].lower().lstrip(".")
    if suffix in _MEDIA_EXTENSIONS:
        return f".{suffix}"
    mime = (mime_type or "").split(";", 1)[0].strip().lower()
    if mime in _MIME_EXTENSIONS:
        return f".{_MIME_EXTENSIONS[mime]}"
    if mime.startswith("audio/"):
        return ".mp3"
    return ""


def episode_filename(episode_title: str, url: str, mime_type: str | None = None) -> str:
    """A safe file name for an episode: its title plus the media extension."""
    extension = media_extension(url, mime_type)
    stem = safe_component(episode_title, fallback="episode")
    if extension and stem.lower().endswith(extension) and len(stem) > len(extension):
        stem = stem[: -len(extension)].rstrip(" .") or stem  # a title that is a file name
    return stem + extension


def episode_path(folder: Path, podcast_title: str, episode_title: str, url: str,
                 mime_type: str | None = None, *, taken: set[Path] | None = None) -> Path:
    """Where to save an episode: ``folder/<Podcast>/<Episode>.<ext>``, always inside ``folder``.

    A name already used on disk (the file or its ``.part`` in progress) or listed in ``taken``
    (paths reserved by other downloads) gets `` (2)``, `` (3)``, ... before the extension.
    Nothing is created.
    """
    podcast_folder = folder / safe_component(podcast_title, fallback="podcast")
    return unique_path(podcast_folder, episode_filename(episode_title, url, mime_type), taken=taken)


def unique_path(folder: Path, filename: str, *, taken: set[Path] | None = None) -> Path:
    """``folder/filename``, or with a `` (n)`` suffix when that name is in use (case-insensitively,
    as on Windows and macOS)."""
    stem, extension = _split_extension(filename)
    existing = _names_in(folder)
    reserved = {path.name.casefold() for path in (taken or set()) if path.parent == folder}
    number = 1
    while True:
        suffix = "" if number == 1 else f" ({number})"
        name = _truncate_utf8(stem, MAX_COMPONENT_BYTES - len(suffix.encode())).rstrip(" .") + suffix + extension
        key = name.casefold()
        if key not in reserved and key not in existing and f"{key}.part" not in existing:
            return folder / name
        number += 1


def is_inside(folder: Path, path: Path) -> bool:
    """Whether ``path`` lies strictly inside ``folder`` once both are resolved."""
    root = folder.resolve()
    resolved = path.resolve()
    return resolved != root and resolved.is_relative_to(root)


def _names_in(folder: Path) -> set[str]:
    try:
        return {entry.name.casefold() for entry in folder.iterdir()}
    except OSError:
        return set()


def _split_extension(filename: str) -> tuple[str, str]:
    stem, extension = posixpath.splitext(filename)
    if extension and extension[1:].lower() in _MEDIA_EXTENSIONS:
        return stem, extension
    return filename, ""


def _printable(char: str) -> bool:
    # Cc: controls (NUL, escape, newlines); Cf: format (bidi overrides that disguise names);
    # Cs/Co/Cn: surrogates, private use and unassigned, which filesystems may reject.
    return unicodedata.category(char) not in ("Cc", "Cf", "Cs", "Co", "Cn") or char.isspace()


def _is_device_name(name: str) -> bool:
    # Windows ignores everything from the first dot and trailing spaces when matching devices.
    return name.split(".", 1)[0].rstrip(" ").upper() in _DEVICES


def _truncate_utf8(text: str, max_bytes: int) -> str:
    encoded = text.encode("utf-8")
    if len(encoded) <= max_bytes:
        return text
    return encoded[:max_bytes].decode("utf-8", errors="ignore")
