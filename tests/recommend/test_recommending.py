"""Recommending from a real library database with the real MiniLM encoder."""

from __future__ import annotations

import json
import socket
import threading
from pathlib import Path

import pytest

from app.cli.main import main
from library.db import open_library
from library.db.models import Episode
from library.paths import resolve_paths
from recommend.errors import EmbeddingCancelledError
from recommend.model_store import model_folder
from recommend.service import RecommenderService
from tests.recommend.conftest import NOW, SHOWS

HISTORY_AND_COMEDY = {"Roman Times", "Greek Voices", "Laugh Track"}


def test_for_you_picks_unplayed_episodes_of_both_interests_with_reasons(service: RecommenderService) -> None:
    result = service.for_you(limit=6, now=NOW)
    assert result.mode == "model"
    shows = [item.podcast_title for item in result.items]
    titles = [item.title for item in result.items]
    # The six new episodes of the three shows the listener finishes come before cooking and crypto.
    assert set(shows) == HISTORY_AND_COMEDY, titles
    assert "Bitcoin price today" not in titles
    played = {t for show in SHOWS.values() for t, _, _ in show[: -2]}
    assert not played & set(titles)
    for item in result.items:
        assert item.reason.startswith(("new from a show you always complete", "new, and because you finished"))


def test_history_and_comedy_are_separate_interests(service: RecommenderService) -> None:
    report = service.profile_report(now=NOW)
    assert len(report["interests"]) >= 2
    groups = [set(interest["examples"]) for interest in report["interests"]]
    comedy = {"Stand-up stories from the road", "Improv night", "Roasting our producer"}
    history = {title for show in ("Roman Times", "Greek Voices") for title, _, _ in SHOWS[show]}
    assert any(group <= comedy for group in groups) and any(group <= history for group in groups), groups


def test_disliked_and_skipped_shows_rank_last(service: RecommenderService) -> None:
    result = service.for_you(limit=20, now=NOW)
    shows = [item.podcast_title for item in result.items]
    assert shows.index("Crypto Daily") > max(i for i, show in enumerate(shows) if show in HISTORY_AND_COMEDY)
    assert shows.index("Kitchen Lab") > max(i for i, show in enumerate(shows) if show in HISTORY_AND_COMEDY)


def test_no_show_fills_the_list_in_a_row(service: RecommenderService) -> None:
    shows = [item.podcast_title for item in service.for_you(limit=10, now=NOW).items]
    assert all(len({*shows[i : i + 3]}) > 1 for i in range(len(shows) - 2)), shows


def test_more_like_this_stays_on_topic(service: RecommenderService, library_ids: dict[str, int]) -> None:
    result = service.more_like_this(library_ids["Hannibal at the gates"], limit=4)
    assert result.mode == "model"
    assert {item.podcast_title for item in result.items} <= {"Roman Times", "Greek Voices"}
    assert result.items[0].reason == 'similar to "Hannibal at the gates"'


def test_semantic_search_finds_episodes_without_the_words(service: RecommenderService, library_ids: dict[str, int]) -> None:
    from library.search import search

    query = "jokes and laughter"
    with service.library.session() as session:
        assert [hit.id for hit in search(session, query, kinds=("episode",))] == []
    hits = service.semantic_search(query, limit=5)
    assert {item.podcast_title for item in hits.items[:3]} == {"Laugh Track"}
    assert hits.items[0].reason == "related in meaning"
    both = service.semantic_search("sourdough", limit=3)
    assert both.items[0].title == "Sourdough bread basics" and both.items[0].reason == "matches your words and meaning"


def test_indexing_is_incremental_and_follows_changed_text(service: RecommenderService, library_ids: dict[str, int]) -> None:
    total = sum(len(episodes) for episodes in SHOWS.values())
    assert service.cache.count(service.encoder.model_id) == total
    assert service.refresh_index().embedded == 0
    with service.library.transaction() as session:
        session.get(Episode, library_ids["Improv night"]).description = "A brand new description about improv."
    assert service.refresh_index().embedded == 1


def test_indexing_can_be_cancelled_and_resumes(library_ids: dict[str, int], minilm_encoder) -> None:  # type: ignore[no-untyped-def]
    paths = resolve_paths()
    total = sum(len(episodes) for episodes in SHOWS.values())
    with RecommenderService(open_library(paths), paths, minilm_encoder, owns_library=True) as service:
        service.indexer.batch_size = 4
        cancel = threading.Event()
        seen: list[tuple[int, int]] = []

        def progress(done: int, todo: int) -> None:
            seen.append((done, todo))
            if done >= 8:
                cancel.set()

        with pytest.raises(EmbeddingCancelledError):
            service.refresh_index(progress=progress, cancel=cancel)
        assert seen[0] == (0, total) and seen[-1] == (8, total)
        assert service.cache.count() == 8
        resumed = service.refresh_index()
        assert resumed.embedded == total - 8
        assert service.cache.count() == total


def test_without_a_model_the_list_falls_back_to_recent_shows_you_play(library_ids: dict[str, int]) -> None:
    paths = resolve_paths()
    with RecommenderService(open_library(paths), paths, None, "no recommender model at X", owns_library=True) as service:
        result = service.for_you(limit=5, now=NOW)
        assert result.mode == "fallback" and "no recommender model" in result.notice
        assert len(result.items) == 5
        assert all(item.reason.startswith("recent episode") for item in result.items)
        similar = service.more_like_this(library_ids["Improv night"], limit=3)
        assert {item.podcast_title for item in similar.items} == {"Laugh Track"}


def test_recommend_command_without_a_model_explains_and_still_lists(library_ids: dict[str, int], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["recommend", "--limit", "3", "--explain"]) == 0
    captured = capsys.readouterr()
    assert "castwise model export" in captured.err
    assert captured.out.count("recent episode") == 3


def test_recommend_command_profile_export_and_forget(library_ids: dict[str, int], minilm_model: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = model_folder()
    folder.parent.mkdir(parents=True, exist_ok=True)
    folder.symlink_to(minilm_model, target_is_directory=True)
    assert main(["recommend", "--limit", "4", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed["mode"] == "model" and len(listed["items"]) == 4
    assert "on this computer (CPU, int8 model)" in listed["engine"]
    assert main(["recommend", "--limit", "2", "--explain"]) == 0
    assert "on this computer (CPU, int8 model)" in capsys.readouterr().err
    assert main(["recommend", "--profile", "--json"]) == 0
    profile = json.loads(capsys.readouterr().out)
    assert profile["episodes"] == 13 and profile["events"] == 26 and profile["interests"]
    assert any(signal["not_interested"] for signal in profile["signals"])
    assert main(["recommend", "--forget"]) == 0
    assert "erased" in capsys.readouterr().out
    assert main(["recommend", "--profile", "--json"]) == 0
    forgotten = json.loads(capsys.readouterr().out)
    assert forgotten["episodes"] == 0 and forgotten["interests"] == [] and forgotten["forgotten_before"]
    episode = library_ids["Hannibal at the gates"]
    assert main(["similar", str(episode), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["items"]
    assert main(["similar", "99999"]) == 1
    assert "no episode 99999" in capsys.readouterr().err


def test_the_run_time_works_with_sockets_disabled(library_ids: dict[str, int], minilm_model: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object, **_kwargs: object) -> socket.socket:
        raise OSError("the recommender must not open sockets")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    from recommend.service import open_service

    with open_service(model=minilm_model) as service:
        assert service.encoder is not None
        service.refresh_index()
        result = service.for_you(limit=5, now=NOW)
        assert result.mode == "model" and len(result.items) == 5
        assert service.semantic_search("ancient greece", limit=3).items
        assert service.personalise(now=NOW)["before_auc"] is not None


def test_personalisation_installs_a_head_only_when_it_beats_the_current_one(service: RecommenderService) -> None:
    head_file = service.state_folder / "head.json"
    outcome = service.personalise(now=NOW)
    assert outcome["before_auc"] is not None and outcome["after_auc"] is not None
    assert outcome["installed"] == (outcome["after_auc"] > outcome["before_auc"])
    assert head_file.exists() == outcome["installed"]
    if outcome["installed"]:
        again = service.personalise(now=NOW)
        assert again["before_auc"] == pytest.approx(outcome["after_auc"])  # the installed head is the new baseline


def test_search_semantic_command_indexes_and_finds_by_meaning(library_ids: dict[str, int], minilm_model: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = model_folder()
    folder.parent.mkdir(parents=True, exist_ok=True)
    folder.symlink_to(minilm_model, target_is_directory=True)
    assert main(["search", "--semantic", "jokes and laughter", "--json", "--limit", "3"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert [item["podcast_title"] for item in found["items"]] == ["Laugh Track"] * 3


def test_background_indexing_runs_on_its_own_thread(library_ids: dict[str, int], tiny_model: Path) -> None:
    from recommend.encoder import Encoder

    paths = resolve_paths()
    total = sum(len(episodes) for episodes in SHOWS.values())
    with RecommenderService(open_library(paths), paths, Encoder(tiny_model), owns_library=True) as service:
        with service.library.session() as session:
            from recommend.catalog import load_episodes

            texts = [episode.text for episode in load_episodes(session)]
        reports: list[tuple[int, int]] = []
        thread, _cancel = service.indexer.start_in_thread(texts, progress=lambda done, todo: reports.append((done, todo)))
        thread.join(timeout=120)
        assert not thread.is_alive()
        assert thread.name == "castwise-embedding"
        assert reports[-1] == (total, total)
        assert service.cache.count(service.encoder.model_id) == total
        assert service.for_you(limit=3, now=NOW).mode == "model"


def test_before_indexing_the_list_says_so_and_still_lists(library_ids: dict[str, int], minilm_encoder) -> None:  # type: ignore[no-untyped-def]
    paths = resolve_paths()
    with RecommenderService(open_library(paths), paths, minilm_encoder, owns_library=True) as service:
        result = service.for_you(limit=4, now=NOW)
        assert result.mode == "fallback" and result.notice == "your episodes are still being indexed"
        assert len(result.items) == 4


def test_big_library_shortlist_keeps_the_best_picks(service: RecommenderService, monkeypatch: pytest.MonkeyPatch) -> None:
    import recommend.service as service_module

    exact = [item.episode_id for item in service.for_you(limit=3, now=NOW).items]
    # Make this small library take the big-library path: a reduced copy and a tight shortlist.
    monkeypatch.setattr(service_module, "REDUCE_ABOVE", 0)
    monkeypatch.setattr(service_module, "REDUCED_DIMS", 8)
    monkeypatch.setattr(service_module, "SHORTLIST", 6)
    monkeypatch.setattr(service_module, "NEWEST", 1)
    service._catalog = None  # rebuild the in-memory catalogue under the new settings
    assert service._load(NOW).reduced is not None
    assert [item.episode_id for item in service.for_you(limit=3, now=NOW).items] == exact


def test_recommend_profile_reads_plainly(library_ids: dict[str, int], minilm_model: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = model_folder()
    folder.parent.mkdir(parents=True, exist_ok=True)
    folder.symlink_to(minilm_model, target_is_directory=True)
    assert main(["recommend", "--profile"]) == 0
    out = capsys.readouterr().out
    assert "events used: 26, episodes with a signal: 13" in out
    assert "show Laugh Track: finished 100% of 3 started" in out
    assert "show Crypto Daily: finished 0% of 2 started" in out
    assert "episodes you finish run about" in out and "interest (" in out


def test_an_episode_with_bland_notes_is_found_by_what_its_transcript_says(library_ids: dict[str, int],
                                                                           minilm_encoder) -> None:  # type: ignore[no-untyped-def]
    from library.db.models import EpisodeTranscript

    paths = resolve_paths()
    with open_library(paths) as library, library.transaction() as session:
        podcast_id = session.get(Episode, library_ids["Improv night"]).podcast_id
        for number in (41, 42):
            session.add(Episode(podcast_id=podcast_id, title=f"Episode {number}", guid=f"bland-{number}",
                                description="<p>Another week, another show. Thanks for listening!</p>"))
        session.flush()
        sourdough = session.query(Episode).filter_by(guid="bland-42").one()
        session.add(EpisodeTranscript(episode_id=sourdough.id, text=(
            "Today we bake. Feed your starter the night before, mix the flour and water, let the dough "
            "rest, fold it every half hour, shape the loaf and bake it in a hot covered pot. ") * 40))
    with RecommenderService(open_library(paths), paths, minilm_encoder, owns_library=True) as service:
        service.refresh_index()
        hits = [item.title for item in service.semantic_search("how to bake bread at home", limit=10).items]
    assert "Episode 42" in hits[:3], hits  # found by its transcript: its notes say nothing
    assert "Episode 41" not in hits[:3], hits


def test_new_events_are_read_without_reading_the_history_again(service: RecommenderService,
                                                               library_ids: dict[str, int],
                                                               minilm_encoder) -> None:  # type: ignore[no-untyped-def]
    """After one more event "For you" reads only that event, and lists exactly what a fresh start
    over the same library lists, an event dated in the past (from another device) and events
    taken away included."""
    from datetime import datetime, timedelta

    from sqlalchemy import event as sa_event

    from library.db import open_library
    from library.db.models import ListeningEvent, ListeningEventKind
    from library.paths import resolve_paths
    from tests.recommend.conftest import NOW

    paths = resolve_paths()

    def add(title: str, kind: ListeningEventKind, at: datetime) -> None:
        with open_library(paths) as library, library.transaction() as session:
            session.add(ListeningEvent(episode_id=library_ids[title], kind=kind, position_ms=0, at=at))

    def listed(recommender: RecommenderService) -> list[tuple[int, str]]:
        return [(item.episode_id, item.reason) for item in recommender.for_you(limit=10, now=NOW).items]

    def fresh() -> list[tuple[int, str]]:
        with RecommenderService(open_library(paths), paths, minilm_encoder, owns_library=True) as other:
            return listed(other)

    statements: list[str] = []
    listed(service)
    sa_event.listen(service.library.engine, "before_cursor_execute",
                    lambda _c, _cur, statement, *_: statements.append(statement))
    add("Hannibal at the gates", ListeningEventKind.LIKE, NOW - timedelta(hours=1))
    after_like = listed(service)
    reads = [s for s in statements if "FROM listening_events" in s and "listening_events.id >" in s]
    assert reads, "the new event should be read on its own"
    assert not [s for s in statements if "FROM listening_events ORDER BY" in s.replace("\n", " ")]
    assert after_like == fresh() and library_ids["Hannibal at the gates"] not in [i for i, _ in after_like]

    add("Funniest prank calls", ListeningEventKind.NOT_INTERESTED, NOW - timedelta(days=30))  # synced late
    assert listed(service) == fresh()
    with open_library(paths) as library, library.transaction() as session:  # rows go: read it all again
        session.execute(ListeningEvent.__table__.delete().where(
            ListeningEvent.episode_id == library_ids["Caesar crosses the Rubicon"]))
    assert listed(service) == fresh()
