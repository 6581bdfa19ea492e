"""Downloads of library episodes: rows in a real SQLite library, files from a real HTTP server,
auto-download of new episodes, cleanup rules that spare queued and in-progress episodes, and
playback preferring the local file."""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from library.db import Library, open_library
from library.db.models import Download, Episode, PlaybackState, Podcast, QueueEntry
from library.db.models import DownloadState as RowState
from library.downloads import DownloadManager, DownloadState, RetryPolicy
from library.downloads.episodes import EpisodeDownloads, local_path_for, playback_location
from library.downloads.rules import auto_download_new, clean_up_downloads, new_episode_ids
from tests.support.httpserver import LocalHTTPServer, Resource

WAIT_S = 60.0
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def library() -> Iterator[Library]:
    with open_library() as library:
        yield library


@pytest.fixture
def manager() -> Iterator[DownloadManager]:
    with DownloadManager(retry=RetryPolicy(attempts=2, base_delay_s=0.01), progress_interval_s=0.0) as manager:
        yield manager


@pytest.fixture
def downloads(library: Library, manager: DownloadManager, tmp_path: Path) -> Iterator[EpisodeDownloads]:
    service = EpisodeDownloads(library, manager, folder=tmp_path / "downloads")
    yield service
    service.close()


def add_podcast(library: Library, title: str, *, auto_download: bool = False) -> int:
    with library.transaction() as session:
        podcast = Podcast(feed_url=f"https://feeds.example/{title}.xml", title=title, auto_download=auto_download)
        session.add(podcast)
        session.flush()
        return podcast.id


def add_episode(library: Library, podcast_id: int, title: str, url: str | None, *, days_old: int = 0,
                mime: str = "audio/mpeg") -> int:
    with library.transaction() as session:
        episode = Episode(podcast_id=podcast_id, guid=f"{podcast_id}-{title}", title=title, enclosure_url=url,
                          enclosure_type=mime, published=NOW - timedelta(days=days_old))
        session.add(episode)
        session.flush()
        return episode.id


def download_row(library: Library, episode_id: int) -> Download | None:
    with library.session() as session:
        return session.scalars(select(Download).where(Download.episode_id == episode_id)).first()


def serve(server: LocalHTTPServer, path: str, size: int = 50_000, **options: object) -> tuple[str, bytes]:
    body = random.Random(path).randbytes(size)
    return server.add(path, Resource(body=body, content_type="audio/mpeg", **options)), body  # type: ignore[arg-type]


def test_a_downloaded_episode_is_recorded_and_played_from_disk(
    library: Library, downloads: EpisodeDownloads, http_server: LocalHTTPServer, tmp_path: Path
) -> None:
    url, body = serve(http_server, "/feed/ep1.mp3")
    podcast_id = add_podcast(library, "The ../../Show")
    episode_id = add_episode(library, podcast_id, "Episode 1: CON", url)

    handle = downloads.download(episode_id)

    assert handle is not None and handle.wait(WAIT_S) is DownloadState.COMPLETED, handle and handle.error
    expected = tmp_path / "downloads" / "The .._.._Show" / "Episode 1 - CON.mp3"
    assert expected.read_bytes() == body
    row = download_row(library, episode_id)
    assert row is not None
    assert (row.state, row.path, row.bytes_done, row.bytes_total) == (RowState.COMPLETED, str(expected),
                                                                      len(body), len(body))
    assert row.completed_at is not None
    with library.session() as session:
        episode = session.get(Episode, episode_id)
        assert episode is not None
        assert local_path_for(episode) == expected
        assert playback_location(episode) == str(expected)
    # Asking again does nothing: the file is there and complete.
    assert downloads.download(episode_id) is None
    assert len(http_server.requests_for("/feed/ep1.mp3")) == 1


def test_playback_streams_when_the_file_is_gone_or_damaged(
    library: Library, downloads: EpisodeDownloads, http_server: LocalHTTPServer
) -> None:
    url, body = serve(http_server, "/feed/ep2.mp3")
    episode_id = add_episode(library, add_podcast(library, "Show"), "Two", url)
    handle = downloads.download(episode_id)
    assert handle is not None and handle.wait(WAIT_S) is DownloadState.COMPLETED
    path = Path(handle.target)

    path.unlink()  # deleted behind our back
    with library.session() as session:
        episode = session.get(Episode, episode_id)
        assert episode is not None
        assert local_path_for(episode) is None
        assert playback_location(episode) == url
    again = downloads.download(episode_id)
    assert again is not None and again.wait(WAIT_S) is DownloadState.COMPLETED
    assert again.target == path and path.read_bytes() == body

    path.write_bytes(body[:1000])  # truncated behind our back
    with library.session() as session:
        episode = session.get(Episode, episode_id)
        assert episode is not None and playback_location(episode) == url
    # Downloading again replaces the damaged copy in the same place.
    third = downloads.download(episode_id)
    assert third is not None and third.wait(WAIT_S) is DownloadState.COMPLETED
    assert third.target == path and path.read_bytes() == body
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]


def test_a_failed_download_is_recorded_with_its_message(
    library: Library, downloads: EpisodeDownloads, http_server: LocalHTTPServer
) -> None:
    episode_id = add_episode(library, add_podcast(library, "Show"), "Gone", http_server.url("/missing.mp3"))

    handle = downloads.download(episode_id)

    assert handle is not None and handle.wait(WAIT_S) is DownloadState.FAILED
    row = download_row(library, episode_id)
    assert row is not None and row.state is RowState.FAILED
    assert row.error is not None and "404" in row.error
    assert not Path(handle.target).exists()


def test_an_interrupted_download_resumes_after_a_restart(
    library: Library, http_server: LocalHTTPServer, tmp_path: Path
) -> None:
    url, body = serve(http_server, "/feed/long.mp3", size=300_000, drip_bytes_per_s=200_000)
    episode_id = add_episode(library, add_podcast(library, "Show"), "Long", url)
    folder = tmp_path / "downloads"
    with DownloadManager(progress_interval_s=0.0) as first:
        service = EpisodeDownloads(library, first, folder=folder)
        reached: list[int] = []
        first.progressed.connect(lambda progress: reached.append(progress.bytes_done))
        handle = service.download(episode_id)
        assert handle is not None
        while not reached or reached[-1] < 50_000:
            assert handle.wait(0.05) in (DownloadState.QUEUED, DownloadState.RUNNING)
    # Closing pauses the download; a crash would have left the row "downloading".
    row = download_row(library, episode_id)
    assert row is not None and row.state is RowState.PAUSED and row.bytes_done >= 50_000
    with library.transaction() as session:
        session.execute(Download.__table__.update().values(state=RowState.DOWNLOADING))

    http_server.add("/feed/long.mp3", Resource(body=body, content_type="audio/mpeg"))
    with DownloadManager() as second:
        service = EpisodeDownloads(library, second, folder=folder)
        [resumed] = service.resume_unfinished()
        assert resumed.wait(WAIT_S) is DownloadState.COMPLETED, resumed.error
    assert resumed.target == Path(row.path or "")
    assert resumed.target.read_bytes() == body
    assert http_server.requests_for("/feed/long.mp3")[-1].headers["Range"].startswith("bytes=")
    final = download_row(library, episode_id)
    assert final is not None and final.state is RowState.COMPLETED and final.bytes_done == len(body)


def test_auto_download_fetches_the_newest_unplayed_episodes_of_opted_in_podcasts(
    library: Library, downloads: EpisodeDownloads, http_server: LocalHTTPServer
) -> None:
    auto = add_podcast(library, "Auto", auto_download=True)
    manual = add_podcast(library, "Manual")
    episodes = {
        days: add_episode(library, auto, f"Day {days}", serve(http_server, f"/auto/{days}.mp3", 2_000)[0],
                          days_old=days)
        for days in range(5)
    }
    add_episode(library, manual, "Not opted in", serve(http_server, "/manual/1.mp3", 2_000)[0])
    no_audio = add_episode(library, auto, "Text only", None, days_old=-1)  # newest, but nothing to fetch
    with library.transaction() as session:
        session.add(PlaybackState(episode_id=episodes[1], played=True, position_ms=0))

    assert new_episode_ids(library, per_podcast=4) == [episodes[0], episodes[2]]
    handles = auto_download_new(library, downloads, per_podcast=4)

    assert [handle.wait(WAIT_S) for handle in handles] == [DownloadState.COMPLETED] * 2
    assert {download_row(library, episodes[0]).state, download_row(library, episodes[2]).state} == {  # type: ignore[union-attr]
        RowState.COMPLETED
    }
    assert download_row(library, no_audio) is None
    assert http_server.requests_for("/manual/1.mp3") == []
    # Nothing new the second time round.
    assert auto_download_new(library, downloads, per_podcast=4) == []


def test_auto_download_only_takes_what_the_refresh_found_when_given_a_time(
    library: Library, downloads: EpisodeDownloads, http_server: LocalHTTPServer
) -> None:
    podcast = add_podcast(library, "Auto", auto_download=True)
    old = add_episode(library, podcast, "Old", serve(http_server, "/a/old.mp3", 1_000)[0], days_old=3)
    refresh_started = datetime.now(UTC)
    new = add_episode(library, podcast, "New", serve(http_server, "/a/new.mp3", 1_000)[0], days_old=0)

    assert new_episode_ids(library, since=refresh_started) == [new]
    assert new_episode_ids(library) == [new, old]
    # An explicit podcast is taken even when auto-download is off for it.
    off = add_podcast(library, "Off")
    off_episode = add_episode(library, off, "X", serve(http_server, "/off/x.mp3", 1_000)[0])
    assert new_episode_ids(library, podcast_ids=[off]) == [off_episode]


def completed_download(library: Library, folder: Path, episode_id: int, size: int = 1_000) -> Path:
    """A finished download as the manager leaves it: the file on disk and a completed row."""
    path = folder / f"episode-{episode_id}.mp3"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"a" * size)
    with library.transaction() as session:
        session.add(Download(episode_id=episode_id, path=str(path), state=RowState.COMPLETED, bytes_done=size,
                             bytes_total=size, completed_at=NOW - timedelta(days=30)))
    return path


def test_cleanup_deletes_old_played_downloads_but_never_queued_or_in_progress_ones(
    library: Library, tmp_path: Path
) -> None:
    podcast = add_podcast(library, "Show")
    ids = {name: add_episode(library, podcast, name, f"https://cdn.example/{name}.mp3")
           for name in ("old-played", "recent-played", "old-played-queued", "old-played-now-playing", "unplayed")}
    paths = {name: completed_download(library, tmp_path / "dl", episode_id) for name, episode_id in ids.items()}
    with library.transaction() as session:
        for name, days in (("old-played", 10), ("recent-played", 1), ("old-played-queued", 10),
                           ("old-played-now-playing", 10)):
            session.add(PlaybackState(episode_id=ids[name], played=True, completed_at=NOW - timedelta(days=days)))
        session.add(QueueEntry(episode_id=ids["old-played-queued"], position=0))

    report = clean_up_downloads(library, played_older_than_days=7, protect=[ids["old-played-now-playing"]], now=NOW)

    assert report.deleted_episode_ids == [ids["old-played"]]
    assert report.freed_bytes == 1_000
    assert sorted(report.kept_protected_ids) == sorted([ids["old-played-queued"], ids["old-played-now-playing"]])
    assert not paths["old-played"].exists()
    assert all(paths[name].exists() for name in paths if name != "old-played")
    row = download_row(library, ids["old-played"])
    assert row is not None and row.state is RowState.CANCELLED and row.path is None
    assert new_episode_ids(library, podcast_ids=[podcast], per_podcast=10) == []  # not fetched again


def test_cleanup_keeps_the_newest_downloads_per_podcast_and_spares_episodes_in_progress(
    library: Library, tmp_path: Path
) -> None:
    show, other = add_podcast(library, "Show"), add_podcast(library, "Other")
    by_age = [add_episode(library, show, f"ep{days}", f"https://cdn.example/{days}.mp3", days_old=days)
              for days in range(5)]
    other_episode = add_episode(library, other, "other", "https://cdn.example/other.mp3", days_old=50)
    paths = {episode_id: completed_download(library, tmp_path / "dl", episode_id)
             for episode_id in [*by_age, other_episode]}
    with library.transaction() as session:
        # The oldest is half listened: in progress, so it must stay.
        session.add(PlaybackState(episode_id=by_age[4], position_ms=600_000, played=False))
        session.add(QueueEntry(episode_id=by_age[3], position=0))

    report = clean_up_downloads(library, keep_per_podcast=2, now=NOW)

    assert report.deleted_episode_ids == [by_age[2]]
    assert sorted(report.kept_protected_ids) == sorted([by_age[3], by_age[4]])
    assert [paths[episode_id].exists() for episode_id in by_age] == [True, True, False, True, True]
    assert paths[other_episode].exists()


def test_deleting_a_download_removes_the_file_and_keeps_auto_download_away(
    library: Library, downloads: EpisodeDownloads, http_server: LocalHTTPServer
) -> None:
    podcast = add_podcast(library, "Auto", auto_download=True)
    episode_id = add_episode(library, podcast, "One", serve(http_server, "/d/one.mp3", 5_000)[0])
    [handle] = auto_download_new(library, downloads)
    assert handle.wait(WAIT_S) is DownloadState.COMPLETED

    assert downloads.delete(episode_id)

    assert not handle.target.exists()
    assert auto_download_new(library, downloads) == []
    # The listener can still download it by hand.
    again = downloads.download(episode_id)
    assert again is not None and again.wait(WAIT_S) is DownloadState.COMPLETED


def test_asking_twice_at_once_starts_one_download(
    library: Library, downloads: EpisodeDownloads, http_server: LocalHTTPServer
) -> None:
    url, body = serve(http_server, "/twice/ep.mp3", size=200_000, drip_bytes_per_s=400_000)
    episode_id = add_episode(library, add_podcast(library, "Show"), "Twice", url)
    results: list[object] = []
    errors: list[Exception] = []

    def ask() -> None:
        try:
            results.append(downloads.download(episode_id))
        except Exception as error:
            errors.append(error)

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(results) == 4 and len({id(handle) for handle in results}) == 1
    [handle] = {handle for handle in results if handle is not None}  # type: ignore[misc]
    assert handle.wait(WAIT_S) is DownloadState.COMPLETED
    assert handle.target.read_bytes() == body
    assert len(http_server.requests_for("/twice/ep.mp3")) == 1
