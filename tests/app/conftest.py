"""Fixtures for the desktop app's tests: real audio, a local feed server and the real window."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.audio import Clip, make_clips
from tests.support.httpserver import LocalHTTPServer, Resource


@pytest.fixture(scope="session")
def speech_clips(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Clip]:
    return make_clips(tmp_path_factory.mktemp("app-audio"))


def podcast_feed(base_url: str, episodes: list[tuple[str, str, int]], *, title: str = "Castwise Test Radio") -> bytes:
    """An RSS 2.0 feed; ``episodes`` as (guid/title stem, media path, duration seconds), newest first."""
    items = []
    for number, (stem, media_path, duration_s) in enumerate(episodes):
        day = 20 - number
        items.append(
            f"""<item><title>{stem}</title><guid>{stem}</guid>
            <pubDate>Mon, {day:02d} Nov 2026 10:00:00 GMT</pubDate>
            <description>&lt;p&gt;Notes for {stem} &lt;img src="http://tracker.invalid/pixel.gif"&gt;&lt;/p&gt;</description>
            <enclosure url="{base_url}{media_path}" type="audio/mpeg" length="1000"/>
            <itunes:duration>{duration_s}</itunes:duration>
            <psc:chapters version="1.2">
              <psc:chapter start="00:00:00" title="Opening"/>
              <psc:chapter start="00:00:04" title="The middle"/>
            </psc:chapters></item>"""
        )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"
     xmlns:psc="http://podlove.org/simple-chapters">
<channel><title>{title}</title><link>{base_url}</link><description>A feed for Castwise tests</description>
{''.join(items)}
</channel></rss>""".encode()


@pytest.fixture
def feed_server(http_server: LocalHTTPServer, speech_clips: dict[str, Clip]) -> Iterator[LocalHTTPServer]:
    """Serves /feed.xml with two episodes of real speech (mp3) and their media."""
    mp3 = speech_clips["mp3"]
    http_server.add("/one.mp3", Resource.from_file(mp3.path, "audio/mpeg"))
    http_server.add("/two.mp3", Resource.from_file(mp3.path, "audio/mpeg"))
    base = http_server.url("/").rstrip("/")
    feed = podcast_feed(base, [("Episode Two", "/two.mp3", 8), ("Episode One", "/one.mp3", 8)])
    http_server.add("/feed.xml", Resource(body=feed, content_type="application/rss+xml"))
    yield http_server


@pytest.fixture
def app_window(qtbot, castwise_home: Path):  # type: ignore[no-untyped-def]
    """The real main window over a fresh library, with VLC playing through a dummy output."""
    from app.bootstrap import build
    from player.vlc_engine import VlcEngine

    engine = VlcEngine(extra_options=("--aout=adummy",))
    application = build(engine=engine, log_to_file=True)
    window = application.window
    qtbot.addWidget(window)
    window.show()
    window.load(refresh=False)  # tests refresh when they mean to
    yield application
    application.close()
