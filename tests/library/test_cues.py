"""Chapters and transcripts parse into one cue model: every corpus document, the published
expected results, the markup corners of each format, and hostile or broken input."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from library.cues import Cue, CueList, chapters_in_show_notes, format_timestamp, parse_cues
from library.cues_merge import merge_cues, transcript_text
from library.errors import CueParseError, ErrorKind

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
CHAPTERS = CORPUS / "chapters"
TRANSCRIPTS = CORPUS / "transcripts"
EXPECTED = CORPUS / "expected" / "transcriptator"


def _corpus_files(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*") if path.is_file())


def _manifest_counts() -> dict[str, int]:
    with (CORPUS / "MANIFEST.csv").open(newline="", encoding="utf-8") as handle:
        return {
            row["path"]: int(row["items_or_entries"])
            for row in csv.DictReader(handle)
            if row["category"] in {"chapters", "transcripts"} and row["items_or_entries"]
        }


def _parse(path: Path) -> list[Cue]:
    return parse_cues(path.read_bytes(), None, path.name)


# --- every corpus document --------------------------------------------------------------

# Where our cue count differs from MANIFEST.csv's heuristic count, and why.
COUNT_DIFFERENCES = {
    # The manifest counts a cue whose payload is a single space (0:01:07.650); it has no text to
    # show, so Castwise leaves it out.
    "transcripts/pocketcastsios/pocketcastsios_sample.vtt": 13,
    # A word-level transcript: 18 of its 39 segments are a lone " " or ",". The spaces only mark
    # gaps between words and are left out; "," is kept.
    "transcripts/transcriptator/transcriptator_podnews_weekly_review_2023-06-02.json": 21,
}

ALL_DOCUMENTS = _corpus_files(CHAPTERS) + _corpus_files(TRANSCRIPTS)


def test_the_corpus_has_every_documented_format() -> None:
    suffixes = {path.suffix for path in ALL_DOCUMENTS}
    assert {".json", ".srt", ".vtt", ".txt"} <= suffixes
    assert len(ALL_DOCUMENTS) == 38


@pytest.mark.parametrize("path", ALL_DOCUMENTS, ids=lambda path: path.name)
def test_every_corpus_document_parses_into_sorted_cues(path: Path) -> None:
    cues = _parse(path)
    relative = str(path.relative_to(CORPUS))
    expected_count = COUNT_DIFFERENCES.get(relative, _manifest_counts()[relative])
    assert len(cues) == expected_count
    starts = [cue.start_ms for cue in cues]
    assert starts == sorted(starts)
    for cue in cues:
        assert cue.start_ms >= 0
        assert cue.end_ms is None or cue.end_ms >= cue.start_ms
    # Transcripts always carry text; a chapter may be a titleless location marker.
    if path.is_relative_to(TRANSCRIPTS):
        assert all(cue.text.strip() for cue in cues)


# transcriptator's plain parses (no combining options) of the same inputs, segment for segment.
TRANSCRIPTATOR_PAIRS = {
    "transcriptator_buzzcast_json_parsed.json": "transcriptator_buzzcast.json",
    "transcriptator_buzzcast_srt_parsed.json": "transcriptator_buzzcast.srt",
    "transcriptator_how_to_start_a_podcast_json_parsed.json": "transcriptator_how_to_start_a_podcast.json",
    "transcriptator_kde_express-16_kde_en_telegram_vtt_parsed.json": "transcriptator_kde_express-16_kde_en_telegram.vtt",
    "transcriptator_podcasting_20_episode_124_srt_parsed.json": "transcriptator_podcasting_20_episode_124.srt",
    "transcriptator_podnews_daily_2024-01-25_vtt_parsed.json": "transcriptator_podnews_daily_2024-01-25.vtt",
    "transcriptator_podnews_weekly_review_2024-01-19_vtt_parsed.json": "transcriptator_podnews_weekly_review_2024-01-19.vtt",
}


@pytest.mark.parametrize("expected_name", sorted(TRANSCRIPTATOR_PAIRS))
def test_transcripts_match_transcriptators_segments(expected_name: str) -> None:
    expected = json.loads((EXPECTED / expected_name).read_text(encoding="utf-8"))["segments"]
    cues = _parse(TRANSCRIPTS / "transcriptator" / TRANSCRIPTATOR_PAIRS[expected_name])
    assert [(cue.start_ms, cue.end_ms, cue.speaker or "", cue.text) for cue in cues] == [
        (round(seg["startTime"] * 1000), round(seg["endTime"] * 1000), seg.get("speaker") or "", seg["body"])
        for seg in expected
    ]


# transcriptator's combining options, reproduced with merge_cues: expected file -> (input, options).
MERGE_CASES: dict[str, tuple[str, dict[str, Any]]] = {
    "transcriptator_buzzcast_json_combine_equal_time_parsed.json": (
        "transcriptator_buzzcast.json",
        {"same_time": True, "separator": "\n"},
    ),
    "transcriptator_buzzcast_json_combine_equal_time_space_parsed.json": (
        "transcriptator_buzzcast.json",
        {"same_time": True},
    ),
    "transcriptator_buzzcast_json_speaker_change_combine_equal_time_space_parsed.json": (
        "transcriptator_buzzcast.json",
        {"same_time": True},
    ),
    "transcriptator_buzzcast_srt_combined_segments_128_parsed.json": (
        "transcriptator_buzzcast.srt",
        {"max_chars": 128},
    ),
    "transcriptator_buzzcast_srt_speaker_change_combined_segments_128_parsed.json": (
        "transcriptator_buzzcast.srt",
        {"max_chars": 128},
    ),
    "transcriptator_how_to_start_a_podcast_json_combine_segments_32_parsed.json": (
        "transcriptator_how_to_start_a_podcast.json",
        {"max_chars": 32},
    ),
    "transcriptator_how_to_start_a_podcast_json_speaker_changed_parsed.json": (
        "transcriptator_how_to_start_a_podcast.json",
        {"max_chars": 32},
    ),
    "transcriptator_how_to_start_a_podcast_json_combine_speaker_parsed.json": (
        "transcriptator_how_to_start_a_podcast.json",
        {"same_speaker": True},
    ),
    "transcriptator_podnews_weekly_review_2023-05-05_json_parsed.json": (
        "transcriptator_podnews_weekly_review_2023-05-05.json",
        {"same_time": True},
    ),
    "transcriptator_podnews_weekly_review_2023-05-05_combine_speaker_json_parsed.json": (
        "transcriptator_podnews_weekly_review_2023-05-05.json",
        {"same_speaker": True},
    ),
    "transcriptator_podnews_weekly_review_2023-06-02_json_parsed.json": (
        "transcriptator_podnews_weekly_review_2023-06-02.json",
        {"same_speaker": True},
    ),
    "transcriptator_one_word_segments_parsed_32.json": (
        "transcriptator_one_word_segments.json",
        {"max_chars": 32},
    ),
    "transcriptator_one_word_segments_parsed_50.json": (
        "transcriptator_one_word_segments.json",
        {"max_chars": 50},
    ),
}

# Segments (by start in ms) where we deliberately differ from transcriptator, and why.
MERGE_DIFFERENCES: dict[str, set[int]] = {
    # transcriptator treats "$" as closing punctuation (a literal "$" in its punctuation regex)
    # and joins "it's" + "$600" as "it's$600"; Castwise keeps the space.
    "transcriptator_how_to_start_a_podcast_json_combine_segments_32_parsed.json": {279_151, 282_541},
    "transcriptator_how_to_start_a_podcast_json_speaker_changed_parsed.json": {279_151, 282_541},
    "transcriptator_how_to_start_a_podcast_json_combine_speaker_parsed.json": {210_630},
    # transcriptator stacks its rules so that "Jane So let's kick this off." (97.057-100.157 s)
    # is glued to the previous line (94.157 s) and split from its same-time twin; Castwise
    # joins the two lines that share one time span, which is what the option promises.
    "transcriptator_podnews_weekly_review_2023-05-05_json_parsed.json": {94_157, 97_057},
}


@pytest.mark.parametrize("expected_name", sorted(MERGE_CASES))
def test_merged_transcripts_match_transcriptators_combining_options(expected_name: str) -> None:
    document = json.loads((EXPECTED / expected_name).read_text(encoding="utf-8"))
    expected = document["segments"] if isinstance(document, dict) else document
    source, options = MERGE_CASES[expected_name]
    merged = merge_cues(_parse(TRANSCRIPTS / "transcriptator" / source), **options)
    assert len(merged) == len(expected)
    differing = set()
    previous_speaker = None
    for cue, segment in zip(merged, expected, strict=True):
        ours = (cue.start_ms, cue.end_ms, cue.text)
        theirs = (round(segment["startTime"] * 1000), round(segment["endTime"] * 1000), segment["body"])
        if ours != theirs:
            differing.add(theirs[0])
        # "speaker_change" outputs name the speaker only when it changes; the others always.
        if "speaker" in segment:
            assert segment["speaker"] == cue.speaker
        else:
            assert cue.speaker == previous_speaker
        previous_speaker = cue.speaker
    assert differing == MERGE_DIFFERENCES.get(expected_name, set())


def test_every_transcriptator_expected_file_is_compared() -> None:
    names = {path.name for path in EXPECTED.iterdir()}
    assert names == set(TRANSCRIPTATOR_PAIRS) | set(MERGE_CASES)


def test_merging_keeps_punctuation_attached_and_speakers_apart() -> None:
    cues = [
        Cue(0, 400, "Friday", speaker="Ann"),
        Cue(400, 450, ",", speaker="Ann"),
        Cue(500, 900, "June", speaker="Ann"),
        Cue(1000, 1500, "Hello", speaker="Bob"),
    ]
    assert merge_cues(cues, same_speaker=True) == [
        Cue(0, 900, "Friday, June", speaker="Ann"),
        Cue(1000, 1500, "Hello", speaker="Bob"),
    ]
    assert merge_cues(cues) == cues


# --- chapters -------------------------------------------------------------------------------


def test_podcasting_json_chapters_keep_titles_times_links_and_images() -> None:
    cues = _parse(CHAPTERS / "podcastns" / "podcastns_example.json")
    assert [(cue.start_ms // 1000, cue.title) for cue in cues] == [
        (0, "Intro"),
        (168, "Hearing Aids"),
        (260, "Progress Report"),
        (410, "Namespace"),
        (3990, "Just Break Up"),
        (4600, "Donations"),
        (5510, "The Big Players"),
        (5854, "Spread the Word"),
        (6089, "Outro"),
    ]
    namespace = cues[3]
    assert namespace.url == "https://github.com/Podcastindex-org/podcast-namespace"
    assert namespace.image == "https://example.com/images/namepsace_example.jpg"
    assert cues[0].url is None and cues[0].image is None and cues[0].end_ms is None


def test_a_chapter_hidden_from_the_table_of_contents_still_plays() -> None:
    cues = CueList(_parse(CHAPTERS / "podcastns" / "podcastns_exampleComplex.json"))
    hidden = [cue for cue in cues if not cue.toc]
    assert len(hidden) == 1
    assert hidden[0].start_ms == 4826_000
    assert hidden[0].location == "Eiffel Tower, Paris"
    assert hidden[0].image == "https://example.com/images/parisfrance.jpg"
    assert cues.at(5000_000) == hidden[0]
    assert len(cues.table_of_contents()) == 10
    assert hidden[0] not in cues.table_of_contents()


def test_an_empty_chapters_document_is_an_empty_list() -> None:
    assert (
        _parse(CHAPTERS / "rssbluechapters" / "rssbluechapters_podcast-namespace-chapters.empty.json") == []
    )


def test_chapters_written_as_timestamps_in_show_notes() -> None:
    cues = _parse(CHAPTERS / "rssbluechapters" / "rssbluechapters_description-chapters.txt")
    assert [(format_timestamp(cue.start_ms), cue.title) for cue in cues] == [
        ("00:00:00.000", "Intro"),
        ("00:04:45.000", "Plot summary"),
        ("00:10:11.000", "Sergio Leone"),
        ("00:16:58.000", "Ennio Morricone"),
        ("00:22:30.000", "Charles Bronson"),
        ("00:27:22.000", "Henry Fonda"),
        ("00:32:21.000", "Conclusion"),
    ]


def test_podlove_chapters_inside_a_feed_item() -> None:
    feed = CORPUS / "feeds" / "feedparser" / "wellformed" / "psc" / "feedparser_rss2.0simplechapter.xml"
    cues = parse_cues(feed.read_bytes(), "application/rss+xml", None)
    assert [(cue.start_ms, cue.title, cue.url) for cue in cues] == [
        (0, "Welcome", None),
        (187_250, "Introducing Podlove", "http://podlove.org/"),
        (506_000, "Podlove WordPress Plugin", "http://podlove.org/wordpress-plugin"),
        (762_345, "Resumée", None),
    ]


def test_a_podlove_chapters_document() -> None:
    document = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<psc:chapters version="1.2" xmlns:psc="http://podlove.org/simple-chapters">\n'
        b'  <psc:chapter start="00:00:00.000" title="Opening" image="https://example.org/a.jpg"/>\n'
        b'  <psc:chapter start="01:02:03.5" title="Late &amp; long"/>\n'
        b'  <psc:chapter start="not a time" title="Broken"/>\n'
        b"</psc:chapters>\n"
    )
    cues = parse_cues(document, "application/xml", None)
    assert [(cue.start_ms, cue.title, cue.image) for cue in cues] == [
        (0, "Opening", "https://example.org/a.jpg"),
        (3_723_500, "Late & long", None),
    ]


# --- transcripts: format corners ------------------------------------------------------------


def test_webvtt_voices_notes_settings_and_markup() -> None:
    cues = _parse(TRANSCRIPTS / "podcastsearch" / "podcastsearch_test_transcript.vtt")
    assert [(cue.start_ms, cue.end_ms, cue.speaker, cue.text) for cue in cues] == [
        (0, 1000, None, "Text line 1"),
        (2000, 3000, "Speaker1", "Text line 2"),
        (3000, 4000, "Speaker2", "Text line 3"),
        (65_000, 66_000, "Speaker3", "Text line 4"),
        (67_000, 68_000, None, "Text line 5"),
        (3_729_001, 3_730_001, None, "Multi Line 1\nMulti Line 2"),
    ]
    assert all("NOTE" not in cue.text for cue in cues)


def test_webvtt_with_crlf_entities_and_a_bom() -> None:
    raw = (TRANSCRIPTS / "podcastns" / "podcastns_example.vtt").read_bytes()
    assert b"\r\n" in raw
    for data in (raw, b"\xef\xbb\xbf" + raw):
        cues = parse_cues(data, "text/vtt", None)
        assert cues[2].text == "include in one? Welcome to Podcasting Q&A, where you learn"
        assert [cue.speaker for cue in cues[4:6]] == ["Sarah", "Gillian"]


def test_webvtt_with_short_clock_times() -> None:
    cues = _parse(TRANSCRIPTS / "pocketcastsios" / "pocketcastsios_sample.vtt")
    assert (cues[0].start_ms, cues[0].end_ms, cues[0].speaker) == (15_410, 25_850, "Speaker 1")
    assert cues[-1].text == "that produces no resultant pleasure?"


def test_srt_speaker_names_carry_over_until_the_next_name() -> None:
    cues = _parse(TRANSCRIPTS / "podcastns" / "podcastns_example.srt")
    assert cues[0].speaker == "Travis"
    assert cues[0].text == "When you first get\nstarted in podcasting, it's"
    assert cues[1].speaker == "Travis" and not cues[1].text.startswith("Travis")
    by_start = {cue.start_ms: cue.speaker for cue in cues}
    # "Sarah:" opens the cue at 00:00:53,030; the cue after it has no name and is still hers.
    assert by_start[53_030] == "Sarah"
    assert cues[[cue.start_ms for cue in cues].index(53_030) + 1].speaker == "Sarah"
    assert by_start[102_739] == "Travis"
    assert {cue.speaker for cue in cues} == {"Travis", "Sarah", "Gilon"}


def test_json_transcript_without_end_times() -> None:
    cues = _parse(TRANSCRIPTS / "podcastsearch" / "podcastsearch_test_transcript_speaker_no_end.json")
    assert [(cue.start_ms, cue.end_ms, cue.speaker) for cue in cues] == [
        (0, None, "Speaker 1"),
        (5500, None, "Speaker 2"),
        (10_000, None, "Speaker 1"),
    ]


def test_timestamped_text_and_webvtt_of_one_episode_agree() -> None:
    folder = TRANSCRIPTS / "talkpython" / "transcripts"
    text_cues = _parse(folder / "talkpython_000_tptm_introducing_the_show.txt")
    vtt_cues = _parse(folder / "talkpython_000_tptm_introducing_the_show.vtt")
    assert [cue.text for cue in text_cues] == [cue.text for cue in vtt_cues]
    # The text form rounds down to whole seconds.
    assert all(t.start_ms == v.start_ms // 1000 * 1000 for t, v in zip(text_cues, vtt_cues, strict=True))


def test_srt_without_a_header_served_as_webvtt() -> None:
    body = b"00:00:01.000 --> 00:00:02.500\n<v Ann>Hello &lt;there&gt;\n"
    assert parse_cues(body, "text/vtt", None) == [Cue(1000, 2500, "Hello <there>", speaker="Ann")]


# --- broken and hostile input ---------------------------------------------------------------

BROKEN = {
    "empty": b"",
    "blank": b" \r\n\t\n",
    "truncated json": b'{"version": "1.2.0", "chapters": [{"startTime": 0,',
    "json without chapters or segments": b'{"version": "1.0.0"}',
    "json scalar": b"42",
    "chapters not a list": b'{"chapters": {"startTime": 1}}',
    "no usable start": b'{"chapters": [{"startTime": "soon", "title": "A"}, {"title": "B"}]}',
    "html transcript": b"<!DOCTYPE html><html><body><p>Hello</p></body></html>",
    "xml that is not podlove": b"<rss><channel><title>x</title></channel></rss>",
    "broken xml": b"<psc:chapters><psc:chapter start='0'",
    "broken timing line": b"1\n00:00:01,000 --> later\nHello\n",
    "prose": b"Just some show notes, no times at all.",
    "deep json": b"[" * 100_000,
    "billion laughs": (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        b'<psc:chapters xmlns:psc="http://podlove.org/simple-chapters">'
        b'<psc:chapter start="0" title="&lol2;"/></psc:chapters>'
    ),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_documents_give_a_typed_error(name: str) -> None:
    with pytest.raises(CueParseError) as raised:
        parse_cues(BROKEN[name], None, None)
    assert raised.value.kind is ErrorKind.BAD_INPUT
    assert str(raised.value)


def test_a_bad_chapter_is_skipped_and_the_rest_kept() -> None:
    data = b'{"chapters": [{"startTime": -5, "title": "Bad"}, {"startTime": 61.5, "title": "Good"}, "junk"]}'
    assert parse_cues(data) == [Cue(61_500, None, "Good")]


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_arbitrary_bytes_never_crash(data: bytes) -> None:
    try:
        cues = parse_cues(data, None, None)
    except CueParseError:
        return
    assert all(isinstance(cue, Cue) for cue in cues)


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list('0123456789:.,-> \n\r<>v/WEBVTNO{}[]"startTime')),
        max_size=300,
    )
)
def test_near_miss_documents_never_crash(text: str) -> None:
    try:
        parse_cues(text.encode(), None, None)
    except CueParseError:
        pass


# --- playback look-ups ----------------------------------------------------------------------


def test_cue_list_finds_the_chapter_playing_and_its_neighbours() -> None:
    chapters = CueList(_parse(CHAPTERS / "podcastns" / "podcastns_example.json"))
    assert chapters.at(0).title == "Intro"
    assert chapters.at(167_999).title == "Intro"
    assert chapters.at(168_000).title == "Hearing Aids"
    assert chapters.at(10_000_000).title == "Outro"
    assert chapters.next_after(168_000).title == "Progress Report"
    assert chapters.next_after(6_089_000) is None
    # Well into a chapter, "previous" restarts it; right after its start, it goes one back.
    assert chapters.previous_before(200_000).title == "Hearing Aids"
    assert chapters.previous_before(169_000).title == "Intro"
    assert chapters.previous_before(1_000).title == "Intro"


def test_cue_list_respects_declared_end_times() -> None:
    cues = CueList(_parse(TRANSCRIPTS / "podcastsearch" / "podcastsearch_test_transcript.vtt"))
    assert cues.at(500).text == "Text line 1"
    assert cues.at(1500) is None  # the gap between two captions shows nothing
    assert cues.at(-1) is None
    assert cues.at(65_999).speaker == "Speaker3"


def test_chapters_end_where_the_next_begins() -> None:
    chapters = CueList(_parse(CHAPTERS / "podcastns" / "podcastns_example.json")).with_ends(6_500_000)
    assert [(cue.start_ms, cue.end_ms) for cue in chapters[:2]] == [(0, 168_000), (168_000, 260_000)]
    assert chapters[-1].end_ms == 6_500_000


def test_chapter_marks_are_plain_data_for_the_player() -> None:
    marks = CueList(_parse(CHAPTERS / "podcastns" / "podcastns_exampleComplex.json")).chapter_marks()
    assert marks[:2] == [(0, "Intro"), (168_000, "Hearing Aids")]
    assert len(marks) == 10  # the toc=false location marker is not a chapter to jump to
    assert all(isinstance(start, int) and isinstance(title, str) for start, title in marks)


def test_webvtt_cue_glued_to_the_header_is_read() -> None:
    data = b"WEBVTT\nKind: captions\nLanguage: en\n00:01.000 --> 00:02.000\nglued\n\n00:03.000 --> 00:04.000\nnext\n"
    assert [(cue.start_ms, cue.text) for cue in parse_cues(data)] == [(1000, "glued"), (3000, "next")]


def test_chapters_in_html_show_notes() -> None:
    lines = (
        (CHAPTERS / "rssbluechapters" / "rssbluechapters_description-chapters.txt").read_text().splitlines()
    )
    intro, chapter_lines = lines[0], [line for line in lines[1:] if line.strip()]
    notes = f"<p>{intro}</p>\n<p>" + "<br/>".join(chapter_lines) + "</p><p>Thanks &amp; see you!</p>"
    cues = chapters_in_show_notes(notes)
    assert [cue.title for cue in cues] == [
        "Intro",
        "Plot summary",
        "Sergio Leone",
        "Ennio Morricone",
        "Charles Bronson",
        "Henry Fonda",
        "Conclusion",
    ]
    assert cues[1].start_ms == 285_000


@pytest.mark.parametrize(
    "notes",
    [
        "<p>Noon Bryan Vs 9:30 Bryan // Monsanto Seeds // Goals</p>",  # a real description
        "<p>Doors open at<br>10:30 sharp, see you there.</p>",  # one time is not a list
        "<ul><li>10:00 Second</li><li>05:00 First</li></ul>",  # not in playing order
        "",
    ],
)
def test_show_notes_without_a_chapter_list(notes: str) -> None:
    assert chapters_in_show_notes(notes) == []


def test_transcript_text_for_reading_and_search() -> None:
    cues = _parse(TRANSCRIPTS / "podcastns" / "podcastns_example.json")
    assert transcript_text(cues) == "Darth Vader: I am your father.\n\nLuke: Nooooo"
    srt = transcript_text(_parse(TRANSCRIPTS / "podcastns" / "podcastns_example.srt"))
    assert srt.startswith("Travis: When you first get started in podcasting, it's almost guaranteed")
    assert "\n\nSarah: Creating good audio is" in srt
