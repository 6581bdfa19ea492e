"""Chapters embedded in real audio files (ID3 CHAP/CTOC, MP4 chapter tracks and Nero chapters,
Vorbis comments) come out as the same cues as feed chapters."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from library.audio_chapters import read_embedded_chapters
from library.cues import CueList
from library.errors import CueParseError, NotFoundError

AUDIO = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "audio"

AUPHONIC_TITLES = ["Chapter 1 - ❤️😊", "Chapter 2 - ßöÄ", "Chapter 3 - 爱", "Chapter 4"]


def _summary(path: Path) -> list[tuple[int, int | None, str, str | None]]:
    return [(cue.start_ms, cue.end_ms, cue.title, cue.url) for cue in read_embedded_chapters(path)]


def test_id3_chapters_with_titles_links_and_a_table_of_contents() -> None:
    assert _summary(AUDIO / "antennapod_auphonic.mp3") == [
        (0, 3000, AUPHONIC_TITLES[0], "https://example.com"),
        (3000, 6000, AUPHONIC_TITLES[1], "https://example.com"),
        (6000, 9000, AUPHONIC_TITLES[2], "https://example.com"),
        (9000, 10000, AUPHONIC_TITLES[3], "https://example.com"),
    ]


def test_id3_chapters_from_hindenburg_with_per_chapter_links() -> None:
    assert _summary(AUDIO / "antennapod_hindenburg-journalist-pro.mp3") == [
        (0, 5006, "Chapter Marker 1", "https://example.com/chapter1url"),
        (5006, 10884, "Chapter Marker 2", "https://example.com/chapter2url"),
    ]


def test_id3_chapters_follow_the_table_of_contents_order() -> None:
    # mp3chaps writes its CTOC after the CHAP frames and without the top-level flag.
    assert _summary(AUDIO / "antennapod_mp3chaps-py.mp3") == [
        (0, 7000, "Start", None),
        (7000, 9000, "Chapter 1", None),
        (9000, 11000, "Chapter 2", None),
        (11000, 12173, "Chapter 3", None),
    ]


def test_mp4_chapter_track_with_a_link_track() -> None:
    assert _summary(AUDIO / "antennapod_auphonic.m4a") == [
        (0, 3000, AUPHONIC_TITLES[0], "https://example.com"),
        (3000, 6000, AUPHONIC_TITLES[1], "https://example.com"),
        (6000, 9000, AUPHONIC_TITLES[2], "https://example.com"),
        (9000, 10054, AUPHONIC_TITLES[3], "https://example.com"),
    ]


def test_mp4_chapter_track_from_hindenburg_takes_links_from_its_second_text_track() -> None:
    assert _summary(AUDIO / "antennapod_hindenburg-journalist-pro.m4a") == [
        (0, 5005, "Chapter Marker 1", "https://example.com/chapter1url"),
        (5005, 10998, "Chapter Marker 2", "https://example.com/chapter2url"),
    ]


def test_mp4_audiobook_chapter_track() -> None:
    for name in ("mutagen_ep7.m4b", "mutagen_ep9.m4b"):
        assert _summary(AUDIO / name) == [(0, 2000, "Chapter 1", None)]


def test_mp4_with_both_kinds_reads_the_chapter_track() -> None:
    assert _summary(AUDIO / "antennapod_nero-chapters.m4a") == [
        (0, 3000, AUPHONIC_TITLES[0], None),
        (3000, 6000, AUPHONIC_TITLES[1], None),
        (6000, 9000, AUPHONIC_TITLES[2], None),
        (9000, 9999, AUPHONIC_TITLES[3], None),
    ]


def test_mp4_nero_chapters_alone(tmp_path: Path) -> None:
    # The same real file with its chapter-track reference renamed ("chap" -> "xxxx") leaves
    # only the Nero list (moov/udta/chpl) to read.
    data = (AUDIO / "antennapod_nero-chapters.m4a").read_bytes()
    assert data.count(b"chap") >= 1 and data.count(b"chpl") == 1
    only_nero = tmp_path / "nero-only.m4a"
    only_nero.write_bytes(data.replace(b"\x00\x00\x00\x0cchap", b"\x00\x00\x00\x0cxxxx"))
    assert only_nero.read_bytes() != data
    assert _summary(only_nero) == [
        (0, None, AUPHONIC_TITLES[0], None),
        (3000, None, AUPHONIC_TITLES[1], None),
        (6000, None, AUPHONIC_TITLES[2], None),
        (9000, None, AUPHONIC_TITLES[3], None),
    ]


@pytest.mark.parametrize("name", ["antennapod_auphonic.ogg", "antennapod_auphonic.opus"])
def test_vorbis_comment_chapters_in_ogg(name: str) -> None:
    assert _summary(AUDIO / name) == [
        (0, None, AUPHONIC_TITLES[0], "https://example.com"),
        (3000, None, AUPHONIC_TITLES[1], "https://example.com"),
        (6000, None, AUPHONIC_TITLES[2], "https://example.com"),
        (9000, None, AUPHONIC_TITLES[3], "https://example.com"),
    ]


def test_vorbis_comment_chapters_in_flac(tmp_path: Path) -> None:
    from mutagen.flac import FLAC
    from mutagen.oggvorbis import OggVorbis

    # A real FLAC file made from the corpus' Ogg chapters: sox writes the audio, mutagen the tags.
    source = AUDIO / "antennapod_auphonic.ogg"
    flac_path = tmp_path / "chapters.flac"
    sox = shutil.which("sox")
    if sox is None:
        pytest.fail("sox is part of the test set-up and is missing")
    subprocess.run([sox, "-n", "-r", "8000", "-c", "1", str(flac_path), "trim", "0", "1"], check=True)
    flac = FLAC(flac_path)
    for key, values in OggVorbis(source).tags.items():
        flac[key] = values
    flac.save()
    assert [cue.title for cue in read_embedded_chapters(flac_path)] == AUPHONIC_TITLES


@pytest.mark.parametrize(
    "name",
    [
        "antennapod_ffmpeg-txxx-comment.mp3",
        "antennapod_opus-comment.opus",
        "mutagen_has-tags.m4a",
        "mutagen_silence-44-s.mp3",
    ],
)
def test_tagged_files_without_chapters_have_none(name: str) -> None:
    assert read_embedded_chapters(AUDIO / name) == []


def test_embedded_chapters_drive_playback_lookups() -> None:
    chapters = CueList(read_embedded_chapters(AUDIO / "antennapod_auphonic.mp3"))
    assert chapters.at(4500).title == AUPHONIC_TITLES[1]
    assert chapters.next_after(4500).title == AUPHONIC_TITLES[2]


def test_missing_file_is_not_found(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError):
        read_embedded_chapters(tmp_path / "gone.mp3")


def test_a_text_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.mp3"
    path.write_text("these are show notes, not audio")
    with pytest.raises(CueParseError):
        read_embedded_chapters(path)


@pytest.mark.parametrize(
    "name", ["antennapod_auphonic.m4a", "antennapod_auphonic.mp3", "antennapod_auphonic.ogg"]
)
@pytest.mark.parametrize("keep", [64, 700, 3000])
def test_truncated_files_never_crash(tmp_path: Path, name: str, keep: int) -> None:
    path = tmp_path / name
    path.write_bytes((AUDIO / name).read_bytes()[:keep])
    try:
        cues = read_embedded_chapters(path)
    except CueParseError:
        return
    assert all(cue.start_ms >= 0 for cue in cues)


def test_a_corrupt_chapter_track_is_a_typed_error(tmp_path: Path) -> None:
    data = bytearray((AUDIO / "antennapod_auphonic.m4a").read_bytes())
    # Point the chapter track's sample-size table past the end of its box.
    stsz = data.index(b"stsz", 2800)
    data[stsz + 8 : stsz + 12] = (0).to_bytes(4, "big")
    data[stsz + 12 : stsz + 16] = (0x7FFFFFFF).to_bytes(4, "big")
    path = tmp_path / "corrupt.m4a"
    path.write_bytes(bytes(data))
    with pytest.raises(CueParseError):
        read_embedded_chapters(path)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
@pytest.mark.parametrize(
    ("name", "region"),
    [
        ("antennapod_auphonic.m4a", (36, 6134)),  # the moov box: chapter track tables
        ("antennapod_auphonic.mp3", (0, 4096)),  # the ID3 tag with CHAP/CTOC frames
    ],
)
def test_corrupted_tag_bytes_never_crash(
    tmp_path: Path, name: str, region: tuple[int, int], data: st.DataObject
) -> None:
    original = bytearray((AUDIO / name).read_bytes())
    for _ in range(data.draw(st.integers(1, 8))):
        position = data.draw(st.integers(*region))
        original[position] = data.draw(st.integers(0, 255))
    path = tmp_path / name
    path.write_bytes(bytes(original))
    try:
        cues = read_embedded_chapters(path)
    except CueParseError:
        return
    assert len(cues) <= 10_000
