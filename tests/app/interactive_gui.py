"""What the interaction panel's window tests share: an interactive episode on the real service
(127.0.0.1) whose show's feed the local feed server lists, the real window pointed at that service,
and the steps to subscribe and play the episode.

Test modules import the fixtures (``service``, ``world``, ``gui``) from here and name them in
``__all__``, as the account tests do with ``service``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from app.widgets.timeline import TimelineMark
from library.db.models import Episode
from tests.account.liveservice import LiveService
from tests.app.test_account import WAIT_MS, Gui, service, start_gui
from tests.interactive.helpers import interactive_world
from tests.service.interactive.world import World
from tests.support.httpserver import LocalHTTPServer, Resource

__all__ = ["GUID", "gui", "lane_marks", "service", "show_feed", "subscribe_and_play", "world"]

GUID = "urn:uuid:episode-12"  # the interactive episode the world opens


def show_feed(base_url: str) -> bytes:
    """The claimed show's feed, now listing the interactive episode (the audio is not fetched:
    the null engine plays any address)."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Timed Talk</title><link>{base_url}</link><description>d</description>
<item><title>Episode 12</title><guid>{GUID}</guid><pubDate>Mon, 16 Nov 2026 10:00:00 GMT</pubDate>
<enclosure url="{base_url}/episode-12.mp3" type="audio/mpeg" length="1000"/>
<itunes:duration xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd">1800</itunes:duration></item>
</channel></rss>""".encode()


@pytest.fixture
def world(service: LiveService, http_server: LocalHTTPServer) -> World:
    """A creator's claimed show with one 30-minute interactive episode, listeners alice and bob;
    the show's feed is served at ``world.feed_url``."""
    built = interactive_world(service, http_server)
    http_server.add("/timed.xml", Resource(body=show_feed(http_server.url("").rstrip("/")),
                                           content_type="application/rss+xml"))
    return built


@pytest.fixture
def gui(qtbot, service: LiveService, monkeypatch) -> Iterator[Gui]:  # type: ignore[no-untyped-def]
    """The real window over a fresh library, playing with a manual clock, pointed at ``service``."""
    yield from start_gui(qtbot, service.url, monkeypatch)


def subscribe_and_play(qtbot, gui: Gui, world: World, start_ms: int) -> None:  # type: ignore[no-untyped-def]
    """Subscribe to the show's feed and play the interactive episode from ``start_ms``."""
    window = gui.window
    with qtbot.waitSignal(window.message_shown, timeout=WAIT_MS, check_params_cb=lambda text: "new episodes" in text):
        window.subscribe(world.feed_url)
    with gui.application.library.session() as session:
        episode_id = session.scalars(select(Episode.id).where(Episode.guid == GUID)).one()
    window.play_episode(episode_id, start_ms)
    qtbot.waitUntil(lambda: gui.application.services.playback.position_ms() >= start_ms, timeout=WAIT_MS)


def lane_marks(gui: Gui) -> list[TimelineMark]:
    """The poll and question marks in the lane under the seek bar (chapters left out)."""
    return [mark for mark in gui.window.now_playing.timeline_lane.marks() if mark.kind != "chapter"]
