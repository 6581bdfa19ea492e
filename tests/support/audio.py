"""Real, short test audio made with espeak-ng and sox (mp3, ogg) and opusenc (opus).

VLC plays in real time even through ``--aout=adummy``, so every clip is a few seconds long and the
tests seek rather than wait. Clips last 8 s: VLC 3 cannot seek in an Ogg Opus stream much shorter
than that when it is served over HTTP (it ends the stream instead), a limit no real episode meets. Clips are generated once into a cache folder and reused; the
generation is deterministic for a given text and duration.

    clips = make_clips(cache_dir)           # {"mp3": Path, "ogg": Path, "opus": Path}
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

FORMATS: tuple[str, ...] = ("mp3", "ogg", "opus")
"""The container/codec pairs the contract tests play."""

CONTENT_TYPES: dict[str, str] = {"mp3": "audio/mpeg", "ogg": "audio/ogg", "opus": "audio/ogg"}

DEFAULT_TEXT = "Welcome to Castwise. This is a short test episode. One, two, three, four, five, six."


@dataclass(frozen=True)
class Clip:
    """One generated file and its nominal length in milliseconds (the padded WAV's length)."""

    path: Path
    format: str
    duration_ms: int

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.format]


class AudioToolMissing(RuntimeError):
    """espeak-ng, sox or opusenc is not installed (scripts/dev.py installs them)."""


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise AudioToolMissing(f"{name} is needed to make test audio; run scripts/dev.py to install it")
    return found


def _run(*command: str) -> None:
    subprocess.run(command, check=True, capture_output=True, timeout=120)


def make_speech_wav(target: Path, *, text: str = DEFAULT_TEXT, duration_s: float = 8.0) -> Path:
    """Speak ``text`` with espeak-ng into a 44.1 kHz mono WAV padded or trimmed to ``duration_s`` seconds."""
    raw = target.with_suffix(".raw.wav")
    _run(_tool("espeak-ng"), "-s", "170", "-w", str(raw), text)
    # Pad with silence, then trim: every clip has exactly the asked length.
    _run(
        _tool("sox"), str(raw), "-r", "44100", "-c", "1", str(target),
        "pad", "0", str(duration_s), "trim", "0", str(duration_s),
    )
    raw.unlink()
    return target


def make_clips(cache_dir: Path, *, text: str = DEFAULT_TEXT, duration_s: float = 8.0) -> dict[str, Clip]:
    """Return one clip per format in :data:`FORMATS`, generating any that are not cached yet."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    key = hashlib.sha1(f"{text}|{duration_s}".encode()).hexdigest()[:10]
    wav = cache_dir / f"speech-{key}.wav"
    if not wav.exists():
        make_speech_wav(wav, text=text, duration_s=duration_s)
    clips: dict[str, Clip] = {}
    for fmt in FORMATS:
        target = cache_dir / f"speech-{key}.{fmt}"
        if not target.exists():
            partial = target.with_name(target.name + ".part")
            if fmt == "opus":
                _run(_tool("opusenc"), "--quiet", "--bitrate", "32", str(wav), str(partial))
            elif fmt == "mp3":
                _run(_tool("sox"), str(wav), "-t", "mp3", "-C", "64", str(partial))
            else:
                _run(_tool("sox"), str(wav), "-t", "ogg", "-C", "3", str(partial))
            partial.rename(target)
        clips[fmt] = Clip(target, fmt, int(duration_s * 1000))
    return clips


def make_not_audio(target: Path) -> Path:
    """A file with an audio extension whose content is plain text (a corrupt download)."""
    target.write_bytes(b"<html><body>This is not audio at all, it is an error page.</body></html>\n" * 200)
    return target
