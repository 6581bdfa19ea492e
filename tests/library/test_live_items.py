"""Live items (``podcast:liveItem``) reach the library database, and become episodes when the
feed publishes the recording under the same identity."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from library.db import open_library
from library.db.models import Episode, Podcast
from library.episode_sync import sync_episodes
from library.feeds.parse import parse_feed

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)

LIVE_FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:podcast="https://podcastindex.org/namespace/1.0"><channel>
<title>Show</title>
<podcast:liveItem status="{status}" start="2030-01-01T10:00:00Z" end="2030-01-01T11:00:00Z">
  <title>Live: the big debate</title><guid>debate</guid>
  <enclosure url="https://live.test/stream" type="audio/mpeg" length="0"/>
</podcast:liveItem>
{items}
</channel></rss>"""


def _sync(session: Session, podcast: Podcast, document: str) -> tuple[int, int]:
    return sync_episodes(session, podcast, parse_feed(document.encode()).episodes, NOW)


def test_a_real_feeds_live_item_is_stored_with_its_status_and_times(corpus: Path) -> None:
    parsed = parse_feed((corpus / "feeds/podcastns/podcastns_example.xml").read_bytes())
    with open_library() as library:
        with library.transaction() as session:
            podcast = Podcast(feed_url="https://example.com/feed.xml", title="Example")
            session.add(podcast)
            session.flush()
            assert sync_episodes(session, podcast, parsed.episodes, NOW) == (4, 0)
        with library.session() as session:
            live = session.scalars(select(Episode).where(Episode.live_status.is_not(None))).one()
            assert live.title == "Podcasting 2.0 Live Show"
            assert live.live_status == "live"
            assert live.live_start == datetime(2021, 9, 26, 13, 30, tzinfo=UTC)
            assert live.live_end == datetime(2021, 9, 26, 15, 30, tzinfo=UTC)
            ordinary = session.scalars(select(Episode).where(Episode.live_status.is_(None))).all()
            assert sorted(episode.title for episode in ordinary) == [
                "Episode 1 - The Past",
                "Episode 2 - The Present",
                "Episode 3 - The Future",
            ]


def test_status_changes_follow_the_feed_and_a_published_recording_becomes_an_episode() -> None:
    with open_library() as library:
        with library.transaction() as session:
            podcast = Podcast(feed_url="https://show.test/feed.xml", title="Show")
            session.add(podcast)
            session.flush()
            assert _sync(session, podcast, LIVE_FEED.format(status="pending", items="")) == (1, 0)
        with library.transaction() as session:
            podcast = session.scalars(select(Podcast)).one()
            assert _sync(session, podcast, LIVE_FEED.format(status="live", items="")) == (0, 1)
            assert session.scalars(select(Episode)).one().live_status == "live"
        recording = (
            "<item><title>The big debate</title><guid>debate</guid>"
            '<enclosure url="https://show.test/debate.mp3" type="audio/mpeg"/></item>'
        )
        with library.transaction() as session:
            podcast = session.scalars(select(Podcast)).one()
            assert _sync(session, podcast, LIVE_FEED.format(status="ended", items=recording)) == (0, 1)
        with library.session() as session:
            episode = session.scalars(select(Episode)).one()  # the same row: history stays with it
            assert (episode.title, episode.live_status, episode.live_start) == ("The big debate", None, None)
            assert episode.enclosure_url == "https://show.test/debate.mp3"


def test_live_items_are_never_downloaded(tmp_path: Path) -> None:
    from library.downloads import DownloadManager
    from library.downloads.episodes import EpisodeDownloads
    from library.downloads.errors import DownloadTargetError
    from library.downloads.rules import new_episode_ids

    recording = (
        "<item><title>Episode 6</title><guid>ep-6</guid><pubDate>Mon, 01 Jan 2029 10:00:00 GMT</pubDate>"
        '<enclosure url="https://show.test/6.mp3" type="audio/mpeg"/></item>'
    )
    with open_library() as library:
        with library.transaction() as session:
            podcast = Podcast(feed_url="https://show.test/feed.xml", title="Show", auto_download=True)
            session.add(podcast)
            session.flush()
            _sync(session, podcast, LIVE_FEED.format(status="live", items=recording))
        with library.session() as session:
            ids = {episode.title: episode.id for episode in session.scalars(select(Episode))}
        # Auto-download takes the ordinary episode only, even with room for more.
        assert new_episode_ids(library, per_podcast=5) == [ids["Episode 6"]]
        with DownloadManager() as manager:
            downloads = EpisodeDownloads(library, manager, folder=tmp_path / "downloads")
            try:
                with pytest.raises(DownloadTargetError, match="live episodes are not supported yet"):
                    downloads.download(ids["Live: the big debate"])
            finally:
                downloads.close()
        assert not (tmp_path / "downloads").exists() or not any((tmp_path / "downloads").rglob("*"))


@pytest.mark.parametrize("title_first", [True, False])
def test_the_feedparser_path_keeps_the_shows_own_title_and_link_beside_a_live_item(title_first: bool) -> None:
    live = (
        '<podcast:liveItem status="live" start="2030-01-01T10:00:00Z">'
        "<title>Live now: the debate</title><guid>live-1</guid><link>https://show.test/live</link>"
        "<description>Streaming right now</description>"
        '<enclosure url="https://show.test/stream" type="audio/mpeg" length="0"/></podcast:liveItem>'
    )
    channel = "<title>The Real Show</title><link>https://show.test/</link><description>About the show</description>"
    document = (
        '<?xml version="1.0"?><rss version="2.0" xmlns:podcast="https://podcastindex.org/namespace/1.0">'
        f"<channel>{channel + live if title_first else live + channel}"
        '<item><title>Episode 1</title><guid>e1</guid><enclosure url="https://show.test/1.mp3" type="audio/mpeg"/></item>'
        "</channel></rss>"
    ).encode()
    from library.feeds.parse import parse_feed_tolerant

    parsed = parse_feed_tolerant(document, "https://show.test/feed.xml")
    assert parsed.podcast.title == "The Real Show"
    assert parsed.podcast.link == "https://show.test/"
    assert "About the show" in (parsed.podcast.description or "")
    assert sorted((e.title, e.live_status) for e in parsed.episodes) == [
        ("Episode 1", None),
        ("Live now: the debate", "live"),
    ]
