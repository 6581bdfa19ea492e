"""Live items (``podcast:liveItem``) in the real window: listed with a clear "not supported yet"
state, explained in the details pane, and Play says so instead of trying to play the stream."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import Qt

from app.models.episodes import EpisodeColumn, EpisodeRole
from tests.app.conftest import podcast_feed
from tests.support.httpserver import Resource

LIVE_ITEM = """<podcast:liveItem status="pending" start="2030-01-01T10:00:00Z" end="2030-01-01T11:00:00Z">
  <title>Election night, live</title><guid>live-1</guid>
  <description>Join us live.</description>
  <enclosure url="{base}/stream" type="audio/mpeg" length="0"/>
</podcast:liveItem>"""


def _states(window) -> dict[str, str]:  # type: ignore[no-untyped-def]
    model = window.library_page.episode_model
    return {
        model.data(model.index(row, EpisodeColumn.TITLE)): model.data(model.index(row, EpisodeColumn.STATE))
        for row in range(model.rowCount())
    }


def test_a_live_item_is_listed_as_not_supported_and_play_explains_why(
    qtbot, app_window, feed_server, speech_clips
) -> None:  # type: ignore[no-untyped-def]
    base = feed_server.url("/").rstrip("/")
    feed = podcast_feed(base, [("Episode Two", "/two.mp3", 8), ("Episode One", "/one.mp3", 8)]).decode()
    feed = feed.replace(
        '<rss version="2.0"', '<rss version="2.0" xmlns:podcast="https://podcastindex.org/namespace/1.0"'
    ).replace("</channel>", LIVE_ITEM.format(base=base) + "</channel>")
    feed_server.add("/live.xml", Resource(body=feed.encode(), content_type="application/rss+xml"))
    # The stream itself is a real file here: were Castwise to try playing it, VLC would succeed.
    feed_server.add("/stream", Resource.from_file(speech_clips["mp3"].path, "audio/mpeg"))
    window = app_window.window
    playback = app_window.services.playback

    with qtbot.waitSignal(
        window.message_shown, timeout=20_000, check_params_cb=lambda text: "new episodes" in text
    ):
        window.subscribe(feed_server.url("/live.xml"))
    qtbot.waitUntil(lambda: window.library_page.podcast_model.rowCount() == 1, timeout=10_000)
    window.library_page.show_podcast(window.library_page.podcast_model.rows()[0].podcast_id)
    qtbot.waitUntil(lambda: len(_states(window)) == 3, timeout=10_000)
    states = _states(window)
    assert states["Election night, live"] == "Live: not supported yet"
    assert states["Episode One"] == "New" and states["Episode Two"] == "New"

    page = window.library_page
    model = page.episode_model
    live_row = next(
        row for row in range(model.rowCount()) if model.row_at(row).title == "Election night, live"
    )
    live_id = model.data(model.index(live_row, 0), EpisodeRole.EPISODE_ID)
    page.episode_view.setCurrentIndex(model.index(live_row, 0))
    details = page.details_pane
    qtbot.waitUntil(lambda: details.title_label.text() == "Election night, live", timeout=10_000)
    start = datetime(2030, 1, 1, 10, 0, tzinfo=UTC).astimezone().strftime("%Y-%m-%d %H:%M")
    assert details.notice_label.text() == (
        f"Upcoming live episode, starts {start} - live episodes are not supported yet."
    )
    assert not details.enqueue_button.isEnabled() and not details.download_button.isEnabled()

    # Play in the details pane: a clear message, and nothing plays.
    with qtbot.waitSignal(window.message_shown, timeout=10_000) as shown:
        qtbot.mouseClick(details.play_button, Qt.MouseButton.LeftButton)
    assert shown.args == [
        "\u201cElection night, live\u201d is a live episode: live episodes are not supported yet."
    ]
    assert window.statusBar().currentMessage() == shown.args[0]
    assert playback.current is None

    # Play from the episode list's context menu: the same.
    page.episode_view.selectionModel().select(
        model.index(live_row, 0),
        page.episode_view.selectionModel().SelectionFlag.ClearAndSelect
        | page.episode_view.selectionModel().SelectionFlag.Rows,
    )
    assert page.selected_episode_ids() == [live_id]
    actions = {action.text(): action for action in page.episode_menu().actions()}
    assert not actions["Add to Up Next"].isEnabled() and not actions["Download"].isEnabled()
    play = actions["Play"]
    with qtbot.waitSignal(window.message_shown, timeout=10_000) as shown:
        play.trigger()
    assert "live episodes are not supported yet" in shown.args[0]
    assert playback.current is None

    # An ordinary episode of the same feed still plays.
    ordinary = next(row for row in range(model.rowCount()) if model.row_at(row).title == "Episode One")
    window.play_episode(model.data(model.index(ordinary, 0), EpisodeRole.EPISODE_ID))
    qtbot.waitUntil(lambda: playback.state.value == "playing", timeout=15_000)
    assert playback.current is not None and playback.current.title == "Episode One"


def test_castwise_play_on_a_live_episode_is_one_clear_line(http_server, speech_clips) -> None:  # type: ignore[no-untyped-def]
    import subprocess

    from library.db import open_library
    from library.db.models import Episode
    from tests.support.playback_process import ROOT, castwise_command, seed_episode

    http_server.add("/stream", Resource.from_file(speech_clips["mp3"].path, "audio/mpeg"))
    with open_library() as library:
        episode_id = seed_episode(library, http_server.url("/stream"), title="Live desk")
        with library.transaction() as session:
            session.get(Episode, episode_id).live_status = "live"  # type: ignore[union-attr]
    result = subprocess.run(
        castwise_command("play", str(episode_id), "--aout", "adummy"),
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "castwise: \u201cLive desk\u201d is a live episode: live episodes are not supported yet."
    ]
