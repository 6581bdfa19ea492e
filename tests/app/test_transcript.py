"""Transcripts: parsed from the corpus into a searchable list, and followed along while playing."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.models.episodes import EpisodeRole
from app.models.transcript import TranscriptModel, TranscriptRole
from library.cues import parse_cues
from tests.app.conftest import podcast_feed
from tests.support.httpserver import Resource

VTT = b"""WEBVTT

00:00:00.000 --> 00:00:02.000
Welcome to Castwise.

00:00:02.000 --> 00:00:04.500
This is a short test episode.

00:00:04.500 --> 00:00:08.000
One, two, three, four, five, six.
"""


def test_transcript_model_from_the_corpus(qtmodeltester, corpus) -> None:
    path = corpus / "transcripts" / "podcastns" / "podcastns_example.json"
    cues = parse_cues(path.read_bytes(), "application/json", str(path))
    model = TranscriptModel()
    model.set_cues(cues)
    qtmodeltester.check(model, force_py=True)
    assert model.rowCount() == len(cues) > 3
    word = cues[2].text.split()[0]
    matches = model.search(word)
    assert 2 in matches and all(word.casefold() in cues[row].text.casefold() for row in matches)
    row = model.set_position(cues[3].start_ms + 10)
    assert row == 3 and model.data(model.index(3, 0), TranscriptRole.IS_CURRENT) is True
    assert model.set_position(0) in (-1, 0)


def test_transcript_follows_playback_and_jumps_on_click(qtbot, app_window, feed_server) -> None:
    window = app_window.window
    base = feed_server.url("/").rstrip("/")
    xml = podcast_feed(base, [("Spoken", "/one.mp3", 8)], title="Transcribed").decode()
    xml = xml.replace('xmlns:psc=', 'xmlns:podcast="https://podcastindex.org/namespace/1.0" xmlns:psc=', 1)
    xml = xml.replace("</item>", f'<podcast:transcript url="{base}/t.vtt" type="text/vtt"/></item>', 1)
    feed_server.add("/t.xml", Resource(body=xml.encode(), content_type="application/rss+xml"))
    feed_server.add("/t.vtt", Resource(body=VTT, content_type="text/vtt"))
    with qtbot.waitSignal(window.message_shown, timeout=20_000, check_params_cb=lambda text: "new episodes" in text):
        window.subscribe(feed_server.url("/t.xml"))
    page = window.library_page
    qtbot.waitUntil(lambda: page.episode_model.rowCount() == 1, timeout=10_000)
    page.episode_view.setCurrentIndex(page.episode_model.index(0, 0))
    transcript = page.details_pane.transcript_view
    qtbot.waitUntil(lambda: transcript.model.rowCount() == 3, timeout=10_000)
    assert page.details_pane.tabs.isTabEnabled(2)
    transcript.search_edit.setText("short test")
    assert transcript.model.data(transcript.model.index(1, 0), TranscriptRole.MATCHES) is True
    transcript.follow_check.setChecked(True)

    window.play_episode(page.episode_model.data(page.episode_model.index(0, 0), EpisodeRole.EPISODE_ID))
    playback = app_window.services.playback
    qtbot.waitUntil(lambda: playback.state.value == "playing", timeout=15_000)
    # Clicking the third line jumps there, and the follow-along marks it as it plays.
    third = transcript.model.index(2, 0)
    transcript.list_view.clicked.emit(third)
    qtbot.waitUntil(lambda: transcript.model.current_row() == 2, timeout=5_000)
    assert playback.position_ms() >= 4_000
    assert transcript.model.data(third, Qt.ItemDataRole.FontRole).bold()
