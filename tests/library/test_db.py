"""The library database: opening, pragmas, migrations with data intact, models and cascades."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from library.db import HEAD_REVISION, LibraryDatabaseError, open_library
from library.db.engine import create_library_engine, current_revision
from library.db.models import (
    Download,
    DownloadState,
    Episode,
    ListeningEvent,
    ListeningEventKind,
    PlaybackState,
    Podcast,
    QueueEntry,
    Setting,
)
from library.paths import resolve_paths

ROOT = Path(__file__).resolve().parents[2]


def test_head_revision_constant_matches_the_migration_scripts() -> None:
    from library.db.migrate import head_revision

    assert head_revision() == HEAD_REVISION


def test_open_creates_the_database_with_wal_and_foreign_keys() -> None:
    paths = resolve_paths()
    with open_library(paths) as library:
        assert paths.database.exists()
        with library.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
        assert current_revision(library.engine) == HEAD_REVISION


def test_reopening_an_up_to_date_library_does_not_import_alembic(tmp_path: Path) -> None:
    database = tmp_path / "library.sqlite3"
    open_library(database=database).close()
    code = (
        "import sys; from library.db import open_library; "
        f"open_library(database={str(database)!r}).close(); print('alembic' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_a_file_that_is_not_a_database_gives_a_typed_error(tmp_path: Path) -> None:
    database = tmp_path / "library.sqlite3"
    database.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(LibraryDatabaseError, match="cannot be opened"):
        open_library(database=database)
    assert database.read_bytes().startswith(b"this is not sqlite")  # nothing overwritten


def test_a_library_from_a_newer_castwise_is_refused_untouched(tmp_path: Path) -> None:
    database = tmp_path / "library.sqlite3"
    open_library(database=database).close()
    with sqlite3.connect(database) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    with pytest.raises(LibraryDatabaseError, match="newer version of Castwise"):
        open_library(database=database)
    with sqlite3.connect(database) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchone() == ("9999_from_the_future",)


def test_upgrading_a_base_schema_library_keeps_its_data_and_indexes_it(tmp_path: Path) -> None:
    from library.db.migrate import upgrade

    database = tmp_path / "library.sqlite3"
    engine = create_library_engine(database)
    upgrade(engine, "0001_base_schema")
    assert current_revision(engine) == "0001_base_schema"
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO podcasts (id, feed_url, title, categories, funding, auth_kind, subscribed_at,"
                " auto_download) VALUES (7, 'https://example.org/feed.xml', '中国历史播客', '[\"History\"]',"
                " '[]', 'none', '2024-01-02 03:04:05', 1)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO episodes (id, podcast_id, guid, title, description, published, duration_ms,"
                " alternate_enclosures, chapters, transcripts, persons, funding, soundbites, first_seen_at)"
                " VALUES (42, 7, 'ep-42', 'The fall of Rome', '<p>Gibbon &amp; friends</p>',"
                " '2024-01-01 10:00:00', 3600000, '[]', '[]', '[]', '[]', '[]', '[]', '2024-01-02 03:04:05')"
            )
        )
        connection.execute(text("INSERT INTO playback_states (episode_id, position_ms, played, updated_at)"
                                " VALUES (42, 125000, 0, '2024-01-03 00:00:00')"))
        connection.execute(text("INSERT INTO listening_events (episode_id, kind, position_ms, at)"
                                " VALUES (42, 'pause', 125000, '2024-01-03 00:00:00')"))
    engine.dispose()

    with open_library(database=database) as library, library.session() as session:
        assert current_revision(library.engine) == HEAD_REVISION
        podcast = session.get(Podcast, 7)
        assert podcast is not None
        assert podcast.title == "中国历史播客"
        assert podcast.categories == ["History"]
        assert podcast.auto_download is True
        episode = session.get(Episode, 42)
        assert episode is not None
        assert episode.title == "The fall of Rome"
        assert episode.duration_ms == 3_600_000
        assert episode.published == datetime(2024, 1, 1, 10, tzinfo=UTC)
        assert episode.last_seen_at == datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
        assert episode.playback is not None and episode.playback.position_ms == 125_000
        events = session.scalars(select(ListeningEvent)).all()
        assert [(e.kind, e.position_ms) for e in events] == [(ListeningEventKind.PAUSE, 125_000)]
        # The existing rows were indexed by the upgrade.
        found = session.execute(text("SELECT rowid FROM episodes_fts WHERE episodes_fts MATCH 'gibbon'")).all()
        assert found == [(42,)]
        found = session.execute(text("SELECT rowid FROM podcasts_fts WHERE podcasts_fts MATCH '\"历史\"'")).all()
        assert found == [(7,)]


def _podcast_with_episode(session: object) -> tuple[Podcast, Episode]:
    podcast = Podcast(feed_url="https://example.org/a.xml", title="A show")
    episode = Episode(podcast=podcast, guid="g1", title="First", published=datetime(2024, 5, 1, tzinfo=UTC))
    return podcast, episode


def test_models_round_trip_and_unsubscribing_cascades_everywhere() -> None:
    with open_library() as library:
        with library.transaction() as session:
            podcast, episode = _podcast_with_episode(session)
            session.add_all([podcast, episode])
            session.flush()
            session.add_all(
                [
                    PlaybackState(episode_id=episode.id, position_ms=5000, speed=1.5),
                    Download(episode_id=episode.id, state=DownloadState.DOWNLOADING, bytes_done=10),
                    QueueEntry(episode_id=episode.id, position=0),
                    ListeningEvent(episode_id=episode.id, kind=ListeningEventKind.SEEK, from_ms=1000, to_ms=5000),
                    Setting(key="skip_forward_s", value=30),
                ]
            )
        with library.session() as session:
            stored = session.scalars(select(Episode)).one()
            assert stored.published == datetime(2024, 5, 1, tzinfo=UTC)
            assert stored.playback is not None and stored.playback.speed == 1.5
            event = session.scalars(select(ListeningEvent)).one()
            assert (event.kind, event.from_ms, event.to_ms) == (ListeningEventKind.SEEK, 1000, 5000)
            assert event.at.tzinfo is UTC
        with library.transaction() as session:
            session.delete(session.scalars(select(Podcast)).one())
        with library.session() as session:
            for model in (Episode, PlaybackState, Download, QueueEntry, ListeningEvent):
                assert session.scalar(select(func.count()).select_from(model)) == 0, model
            assert session.scalar(select(func.count()).select_from(Setting)) == 1
            # The search index forgot the deleted episode too.
            rows = session.execute(text("SELECT rowid FROM episodes_fts WHERE episodes_fts MATCH 'first'")).all()
            assert rows == []


def test_search_index_follows_title_changes() -> None:
    with open_library() as library:
        with library.transaction() as session:
            podcast, episode = _podcast_with_episode(session)
            session.add_all([podcast, episode])
        with library.transaction() as session:
            session.scalars(select(Episode)).one().title = "Renamed episode"

        def matches(word: str) -> int:
            with library.engine.connect() as connection:
                query = "SELECT count(*) FROM episodes_fts WHERE episodes_fts MATCH :q"
                return int(connection.execute(text(query), {"q": word}).scalar_one())

        assert matches("first") == 0
        assert matches("renamed") == 1


def test_processes_opening_a_new_library_at_once_all_succeed(tmp_path: Path) -> None:
    database = tmp_path / "library.sqlite3"
    code = f"from library.db import open_library; open_library(database={str(database)!r}).close(); print('ok')"
    processes = [
        subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True)
        for _ in range(4)
    ]
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0 and out.strip() == "ok", err
    assert current_revision(create_library_engine(database)) == HEAD_REVISION


def test_a_failing_upgrade_leaves_the_old_schema_intact(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from library.db import migrate

    database = tmp_path / "library.sqlite3"
    engine = create_library_engine(database)
    migrate.upgrade(engine, "0001_base_schema")
    real_upgrade = migrate.command.upgrade

    def upgrade_then_fail(config: object, revision: str) -> None:
        real_upgrade(config, revision)  # type: ignore[arg-type]
        raise OSError("disk unplugged")

    monkeypatch.setattr(migrate.command, "upgrade", upgrade_then_fail)
    with pytest.raises(OSError):
        migrate.upgrade(engine)
    assert current_revision(engine) == "0001_base_schema"
    with engine.connect() as connection:
        tables = {row[0] for row in connection.exec_driver_sql("SELECT name FROM sqlite_master WHERE type='table'")}
        columns = {row[1] for row in connection.exec_driver_sql("PRAGMA table_info(episodes)")}
    assert "episodes_fts" not in tables and "last_seen_at" not in columns
