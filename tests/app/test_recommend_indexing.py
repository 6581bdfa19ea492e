"""Background embedding for the recommender: every episode embedded once, incrementally, with
progress; a pass cut short resumes where it stopped; failures are reported, not raised; the
window starts passes when episodes arrive and shows their progress. Real library, real (tiny)
exported model, real embedding cache."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from app.recommend_indexing import EpisodeIndexing, background_threads
from library.db import open_library
from library.db.models import Episode
from library.paths import resolve_paths
from recommend.embedding_cache import CACHE_NAME, EmbeddingCache
from recommend.model_store import load_encoder, model_folder
from recommend.service import RecommenderService
from tests.app.test_main_window import subscribe
from tests.recommend.conftest import NOW, build_library, tiny_model, tiny_source  # noqa: F401  (fixtures)


@pytest.fixture
def installed(castwise_home: Path, tiny_model: Path) -> Path:  # noqa: F811
    shutil.copytree(tiny_model, model_folder())
    return model_folder()


@pytest.fixture
def library(installed: Path):  # type: ignore[no-untyped-def]
    paths = resolve_paths().ensure()
    build_library(paths)
    with open_library(paths) as library:
        yield library


def _episode_count(library) -> int:  # type: ignore[no-untyped-def]
    with library.session() as session:
        return session.query(Episode).count()


def _embedded(installed: Path) -> int:
    with EmbeddingCache(resolve_paths().data / CACHE_NAME) as cache:
        return cache.count(load_encoder(installed).model_id)


def _run_pass(qtbot, indexing: EpisodeIndexing) -> tuple[int, list[tuple[int, int]]]:  # type: ignore[no-untyped-def]
    seen: list[tuple[int, int]] = []
    indexing.progressed.connect(lambda done, total: seen.append((done, total)))
    with qtbot.waitSignal(indexing.finished, timeout=60_000) as finished:
        assert indexing.start()
    qtbot.waitUntil(lambda: not indexing.running, timeout=5_000)
    indexing.progressed.disconnect()
    return int(finished.args[0]), seen


def test_every_episode_is_embedded_once_with_progress_then_only_new_ones(qtbot, library, installed: Path) -> None:
    total = _episode_count(library)
    indexing = EpisodeIndexing(library, resolve_paths(), threads=1)
    embedded, seen = _run_pass(qtbot, indexing)
    assert embedded == total and _embedded(installed) == total
    assert seen[0] == (0, total) and seen[-1] == (total, total)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)
    # "For you" now ranks with the model, with nothing left waiting to be embedded.
    with RecommenderService(library, resolve_paths(), load_encoder(installed)) as service:
        picks = service.for_you(5, now=NOW)
    assert picks.mode == "model" and picks.items and "indexed" not in picks.notice

    assert _run_pass(qtbot, indexing)[0] == 0  # nothing new: nothing embedded again
    with library.transaction() as session:
        podcast_id = session.query(Episode).first().podcast_id
        session.add(Episode(podcast_id=podcast_id, title="Hannibal crosses the Alps", guid="new-1",
                            description="<p>Elephants in the snow.</p>", published=datetime.now(UTC)))
    assert _run_pass(qtbot, indexing)[0] == 1
    assert _embedded(installed) == total + 1


def test_a_pass_cut_short_keeps_its_batches_and_the_next_resumes(qtbot, library, installed: Path) -> None:
    with library.transaction() as session:
        podcast_id = session.query(Episode).first().podcast_id
        session.add_all(Episode(podcast_id=podcast_id, title=f"Archive episode {i}", guid=f"archive-{i}",
                                description=f"<p>Letters from the archive, part {i}.</p>") for i in range(120))
    total = _episode_count(library)
    indexing = EpisodeIndexing(library, resolve_paths(), threads=1)
    # Quit after the first batch: the cancel is asked from the worker's own progress report.
    indexing.progressed.connect(lambda done, _total: indexing.cancel() if done > 0 else None,
                                Qt.ConnectionType.DirectConnection)
    indexing.start()
    qtbot.waitUntil(lambda: not indexing.running, timeout=60_000)
    indexing.progressed.disconnect()
    kept = _embedded(installed)
    assert 0 < kept < total
    embedded, seen = _run_pass(qtbot, indexing)
    assert embedded == total - kept and seen[0] == (0, total - kept)  # nothing embedded twice
    assert _embedded(installed) == total


def test_without_a_model_nothing_starts(qtbot, castwise_home: Path) -> None:
    paths = resolve_paths().ensure()
    build_library(paths)
    with open_library(paths) as library:
        indexing = EpisodeIndexing(library, paths)
        assert indexing.start() is False and not indexing.running
        assert not (paths.data / CACHE_NAME).exists()


def test_a_failing_pass_is_reported_and_loses_nothing(qtbot, library, installed: Path) -> None:
    (resolve_paths().data / CACHE_NAME).mkdir(parents=True)  # the cache cannot be opened
    indexing = EpisodeIndexing(library, resolve_paths(), threads=1)
    with qtbot.waitSignal(indexing.failed, timeout=60_000) as failed:
        indexing.start()
    assert failed.args[0]
    qtbot.waitUntil(lambda: not indexing.running, timeout=5_000)
    assert _episode_count(library) > 0  # the library is untouched


def test_background_embedding_leaves_a_core_free() -> None:
    assert background_threads(1) == 1 and background_threads(2) == 1 and background_threads(8) == 4


def test_the_window_embeds_new_episodes_after_subscribing_and_shows_progress(qtbot, app_window, feed_server,
                                                                              installed: Path) -> None:
    window = app_window.window
    indexing = app_window.services.indexing
    status = window.indexing_status
    shown: list[str] = []
    # Connected after the status line's own slot, so this sees the text it just set.
    indexing.progressed.connect(lambda done, total: shown.append(status.label.text()))
    with qtbot.waitSignal(indexing.finished, timeout=60_000) as finished:
        subscribe(qtbot, window, feed_server.url("/feed.xml"))
    assert finished.args[0] == 2
    assert "Preparing recommendations: 0 of 2 episodes" in shown
    qtbot.waitUntil(lambda: not status.label.isVisible(), timeout=5_000)
    assert _embedded(installed) == 2
