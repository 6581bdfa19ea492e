"""Safe file names: hostile titles and URLs never escape the downloads folder or make files
Windows cannot open. Property tests create the files for real."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from library.downloads.names import (
    MAX_COMPONENT_BYTES,
    episode_filename,
    episode_path,
    is_inside,
    media_extension,
    safe_component,
)

WINDOWS_DEVICES = {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$", "CLOCK$"} | {
    f"{prefix}{digit}" for prefix in ("COM", "LPT") for digit in "0123456789¹²³"
}
HOSTILE = [
    "../../../etc/passwd",
    "..",
    ".",
    "/etc/shadow",
    "C:\\Windows\\System32\\evil.dll",
    "\\\\server\\share\\x",
    "a\x00b",
    "line\nbreak\r\ttab",
    "\x1b[31mred\x1b[0m",
    "CON",
    "con.mp3",
    "Com1",
    "LPT9.txt",
    "nul ",
    "aux.",
    "COM¹",
    "trailing dots...",
    "   spaced   out   ",
    "right\u202eto-left override",
    "",
    "x" * 1000,
    "é" * 300,
    "🎧" * 100,
]


def assert_safe_name(name: str) -> None:
    assert name and name not in (".", "..")
    assert not set(name) & set('<>:"/\\|?*\x00')
    assert all(unicodedata.category(char) not in ("Cc", "Cf") for char in name)
    assert name == name.strip(" ") and not name.endswith(".") and not name.startswith(".")
    assert name.split(".", 1)[0].rstrip(" ").upper() not in WINDOWS_DEVICES
    assert len(name.encode("utf-8")) <= 255
    assert unicodedata.is_normalized("NFC", name)


@pytest.mark.parametrize("title", HOSTILE)
def test_hostile_titles_become_one_harmless_name(title: str, tmp_path: Path) -> None:
    name = episode_filename(title, "https://cdn.example/ep.mp3")
    assert_safe_name(name)
    assert name.endswith(".mp3")

    path = episode_path(tmp_path, title, title, "https://cdn.example/ep.mp3")
    assert is_inside(tmp_path, path)
    assert path.parent.parent == tmp_path  # exactly <folder>/<podcast>/<episode>
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"ok")
    assert path.read_bytes() == b"ok"


def test_readable_titles_stay_readable() -> None:
    assert episode_filename("Episode 12: The Return", "https://x/e12.mp3") == "Episode 12 - The Return.mp3"
    assert episode_filename("Café Crème", "https://x/a.m4a") == "Café Crème.m4a"
    assert safe_component("Cafe\u0301") == "Café"  # decomposed input is stored composed (NFC)
    assert episode_filename("Episode 5.mp3", "https://x/5.mp3") == "Episode 5.mp3"
    assert episode_filename("CON", "https://x/c.mp3") == "CON_.mp3"
    assert episode_filename("con.mp3", "https://x/c.mp3") == "con_.mp3"
    assert episode_filename("", "https://x/c.mp3") == "episode.mp3"


def test_long_titles_are_cut_at_a_character_boundary() -> None:
    name = safe_component("日本語のタイトル" * 40)
    assert len(name.encode()) <= MAX_COMPONENT_BYTES
    assert "日本語のタイトル".startswith(name[:8])


@pytest.mark.parametrize(
    ("url", "mime", "expected"),
    [
        ("https://cdn.example/show/ep1.MP3?token=abc", None, ".mp3"),
        ("https://cdn.example/redirect?id=7", "audio/x-m4a", ".m4a"),
        ("https://cdn.example/ep.php", "audio/mpeg", ".mp3"),  # not a media extension: use the MIME type
        ("https://cdn.example/..%2f..%2fevil.sh", None, ""),
        ("https://cdn.example/ep.exe", "audio/something-new", ".mp3"),
        ("https://cdn.example/ep", "video/mp4; codecs=avc1", ".mp4"),
        ("https://cdn.example/ep.opus", "audio/mpeg", ".opus"),
        ("", None, ""),
    ],
)
def test_the_extension_comes_from_the_url_or_the_mime_type(url: str, mime: str | None, expected: str) -> None:
    assert media_extension(url, mime) == expected


def test_collisions_get_a_number_and_part_files_count_as_taken(tmp_path: Path) -> None:
    first = episode_path(tmp_path, "Show", "Same Title", "https://x/a.mp3")
    first.parent.mkdir(parents=True)
    first.write_bytes(b"1")
    second = episode_path(tmp_path, "Show", "same title", "https://x/b.mp3")  # case-insensitive clash
    assert second.name == "same title (2).mp3"
    second.with_name(second.name + ".part").write_bytes(b"in progress")
    third = episode_path(tmp_path, "Show", "Same Title", "https://x/c.mp3")
    assert third.name == "Same Title (3).mp3"
    reserved = episode_path(tmp_path, "Show", "Same Title", "https://x/d.mp3", taken={third})
    assert reserved.name == "Same Title (4).mp3"


def test_long_names_keep_their_collision_suffix(tmp_path: Path) -> None:
    title = "ü" * 200
    first = episode_path(tmp_path, "Show", title, "https://x/a.mp3")
    first.parent.mkdir(parents=True)
    first.write_bytes(b"1")
    second = episode_path(tmp_path, "Show", title, "https://x/a.mp3")
    assert second.name.endswith(" (2).mp3")
    assert len(second.name.encode()) <= MAX_COMPONENT_BYTES + len(".mp3")


hostile_text = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.sampled_from(list("./\\:*?\"<>| \x00\x1f\x7f\u202e\u200bAaCcOoNnMmPpRrUuXxLlTt1239¹")),
            max_size=40),
    st.sampled_from(HOSTILE),
    st.builds(lambda device, tail: device + tail, st.sampled_from(sorted(WINDOWS_DEVICES)),
              st.sampled_from(["", ".mp3", " ", ".", " .txt", "..", ".tar.gz"])),
)
hostile_url = st.one_of(
    st.builds(lambda path: "https://cdn.example/" + path, st.text(max_size=80)),
    st.sampled_from(["https://x/../../etc/passwd", "https://x/%2e%2e/%2e%2e/boot.ini", "file:///etc/passwd",
                     "https://x/a.mp3/..", "https://x/\\..\\..\\win.ini", "not a url", ""]),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(podcast=hostile_text, episode=hostile_text, url=hostile_url,
       mime=st.one_of(st.none(), st.text(max_size=30), st.sampled_from(["audio/mpeg", "video/mp4"])))
def test_any_title_and_url_stay_inside_the_folder_and_can_be_created(
    podcast: str, episode: str, url: str, mime: str | None, tmp_path: Path
) -> None:
    folder = tmp_path / "downloads"
    path = episode_path(folder, podcast, episode, url, mime)

    assert is_inside(folder, path)
    assert path.relative_to(folder).parts == (path.parent.name, path.name)
    assert_safe_name(path.parent.name)
    assert_safe_name(path.name)
    # Real files: the name must be creatable (and its .part too) and land where we said.
    path.parent.mkdir(parents=True, exist_ok=True)
    path.with_name(path.name + ".part.json").write_bytes(b"{}")
    path.write_bytes(b"x")
    assert path.resolve().parent.parent == folder.resolve()
    path.unlink()
    path.with_name(path.name + ".part.json").unlink()
