"""The shared synthetic library generator: seeded, realistic in shape, a real Castwise library."""

from __future__ import annotations

import statistics
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from benchmarks.synthetic import EPOCH, generate_library
from library.db import open_library
from library.db.models import Episode, Podcast
from library.search import search


def test_same_seed_same_library_and_realistic_shape(tmp_path: Path) -> None:
    first = generate_library(tmp_path / "a.sqlite3", 40, 30, seed=7)
    second = generate_library(tmp_path / "b.sqlite3", 40, 30, seed=7)
    other = generate_library(tmp_path / "c.sqlite3", 40, 30, seed=8)

    def titles(database: Path) -> list[str]:
        with open_library(database=database) as library, library.session() as session:
            return list(session.scalars(select(Episode.title).order_by(Episode.id)))

    assert titles(first) == titles(second) != titles(other)
    with open_library(database=first) as library, library.session() as session:
        assert session.scalar(select(func.count()).select_from(Podcast)) == 40
        assert session.scalar(select(func.count()).select_from(Episode)) == 1200
        episodes = list(session.scalars(select(Episode)))
        assert len({episode.title for episode in episodes}) > 1000  # varied, not templated copies
        published = [episode.published for episode in episodes if episode.published]
        assert len(published) == 1200
        assert EPOCH - timedelta(days=16 * 365) < min(published) and max(published) <= EPOCH
        minutes = statistics.median((episode.duration_ms or 0) / 60_000 for episode in episodes)
        assert 10 < minutes < 100
        assert all(episode.description and episode.enclosure_url for episode in episodes)
        # Within a podcast, ids grow with publication date, as a subscription inserts them.
        for podcast_id in (1, 20):
            rows = session.execute(
                select(Episode.id, Episode.published).where(Episode.podcast_id == podcast_id).order_by(Episode.id)
            ).all()
            assert [row.published for row in rows] == sorted(row.published for row in rows)
        # The full-text index was filled by the app's own triggers.
        assert search(session, "history", 5) or search(session, "science", 5)
        assert isinstance(published[0], datetime) and published[0].tzinfo is UTC
