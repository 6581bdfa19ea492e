"""Encoder fine-tuning with the real all-MiniLM-L6-v2 learns a taste the shipped model misses.

The listener finishes long conversations with a guest and skips the news roundups of the very same
shows, across thirty topics. Both kinds of episode of one show share their subject words, so the
shipped encoder ranks by topic and gets the listener's recent history wrong (held-out AUC below
0.5); the preference is in the listener's own events, and tuning on them must find it, beat the
installed model on the held-out events, install itself, and change what "For you" puts first
among episodes of shows the listener has never heard. (The tuned model that must *not* be
installed is covered with the tiny model in test_finetune.py.)
"""

from __future__ import annotations

import json
import random
import shutil
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

from library.db import open_library
from library.paths import Paths, resolve_paths
from recommend.model_config import ModelConfig
from recommend.model_store import model_folder
from recommend.service import RecommenderService
from tests.recommend.conftest import NOW

pytestmark = pytest.mark.slow

# (show, guest, what the guest's life was spent on, this week's news on the show's subject)
HEARD_SHOWS = [
    ("Roman Times", "a historian of the Roman army", "walking the routes of Caesar's legions",
     "archaeologists find a new villa near Pompeii"),
    ("Deep Blue", "a deep-sea diver", "diving among whales and giant squid", "a new species of octopus is named"),
    ("Blue Notes", "a veteran saxophonist", "playing jazz clubs across Europe", "a jazz festival announces its line-up"),
    ("The Back Four", "a former goalkeeper", "keeping goal in three World Cups", "the league changes its offside rule"),
    ("Kitchen Lab", "a village baker", "baking sourdough before dawn", "flour prices rise again"),
    ("Night Sky", "an astronomer", "searching the sky for black holes", "a telescope photographs a distant galaxy"),
    ("Checkmate", "a chess grandmaster", "playing chess against world champions", "the chess olympiad results are in"),
    ("Green Fingers", "a gardener", "growing vegetables on a windy hillside", "a heatwave warning is issued for gardeners"),
    ("Ice and Fire", "a polar scientist", "measuring the ice in Antarctica", "the summer broke temperature records"),
    ("Ward Round", "an emergency doctor", "working night shifts in a city hospital", "a new vaccine is approved"),
    ("Built Form", "an architect", "designing bridges and concert halls", "a tower wins a design prize"),
    ("Reel Talk", "a film director", "making westerns in the desert", "the weekend's box office figures are out"),
    ("Summit", "a mountaineer", "climbing Himalayan peaks without oxygen", "a mountain pass closes after snow"),
    ("Thinking Machines", "a computer scientist", "building programs that understand language",
     "a chip maker reports record quarterly results"),
    ("Verse", "a poet", "writing poems about a childhood by the sea", "the shortlist for a poetry prize is announced"),
    ("Money Matters", "an economist", "advising central banks through crises", "inflation falls for the third month"),
    ("Two Wheels", "a retired cyclist", "racing the Tour de France", "next year's race route is revealed"),
    ("The Cellar", "a winemaker", "making wine in a cold valley", "the grape harvest starts early"),
    ("Flight Deck", "an airline pilot", "flying long-haul routes at night", "an airport opens a new terminal"),
    ("Frame", "a war photographer", "photographing conflicts for forty years", "a camera maker releases a new lens"),
    ("Wingspan", "a birdwatcher", "counting migrating birds on the coast", "rare storks are spotted inland"),
    ("Stage Left", "a stage actor", "touring with a Shakespeare company", "a theatre reopens after repairs"),
    ("All Aboard", "a train driver", "driving sleeper trains across the Alps", "a rail strike is called off"),
    ("Hot Rock", "a volcanologist", "camping on the rim of active volcanoes", "an eruption disrupts flights"),
    ("Cut and Sew", "a tailor", "cutting suits by hand in a small workshop", "the fashion week schedule is published"),
    ("Classroom", "a primary school teacher", "teaching children to read", "exam results are published"),
    ("Open Water", "a solo sailor", "sailing alone around the world", "a regatta is cancelled because of wind"),
    ("Daily Grind", "a coffee farmer", "growing coffee in the highlands", "coffee prices hit a record"),
    ("Moving Parts", "a robot engineer", "building robots that walk", "a factory installs a thousand robots"),
    ("Lost in Translation", "a translator", "translating novels from Japanese", "a dictionary adds new words"),
]
NEW_SHOWS = [
    ("The Hive", "a beekeeper", "keeping bees on city rooftops", "honey production falls"),
    ("Baseline", "a tennis coach", "coaching champions on clay", "the tournament draw is announced"),
    ("Deep Time", "a palaeontologist", "digging up dinosaur bones in the desert", "a new dinosaur species is described"),
    ("Pit Lane", "a racing mechanic", "fixing Formula One cars", "electric car sales rise"),
    ("Strings", "a violinist", "playing in an orchestra for decades", "an orchestra names a new conductor"),
    ("Orbit", "an astronaut", "living on the space station", "a rocket launch is delayed"),
    ("Field Notes", "a dairy farmer", "running a farm through droughts", "milk prices are cut"),
    ("Pages", "a novelist", "writing crime novels in a lighthouse", "a bookshop chain closes stores"),
]
# Phrased differently each time, so no single word gives the kind away.
CONVERSATION = [
    "An hour-long conversation with {guest} about {life}, and what they make of the news that {news}.",
    "{Guest} tells us the whole story of {life}. We also ask about the news that {news}.",
    "In their own words: {guest} on {life}, and on hearing that {news}.",
    "We spend an evening with {guest}, talking about {life} and how it felt when {news}.",
    "A long interview: {guest} looks back on {life} and the day {news}.",
    "A slow, deep talk with {guest} about {life}; plus their view on why {news}.",
]
ROUNDUP = [
    "The week's headlines: {news}. A one-line reaction from {guest}, known for {life}.",
    "Update: {news}. {Guest}, famous for {life}, comments briefly.",
    "Briefing: {news}, and the other stories of the week, with a quote from {guest} ({life}).",
    "{News}. This week's roundup, with a word from {guest}, best known for {life}.",
    "News: {news}. Also a short clip of {guest} on {life}.",
    "What happened this week, including that {news}; {guest}, known for {life}, reacts.",
]
# Semantic search for a subject -> the show that covers it (new shows and heard ones).
SUBJECT_SEARCHES = {"dinosaur fossils": "Deep Time", "bees and honey": "The Hive", "violin orchestra": "Strings",
                    "astronaut in space": "Orbit", "Roman legions": "Roman Times", "volcano eruption": "Hot Rock"}
# Both kinds run half an hour, so the length the listener finishes cannot tell them apart.
MINUTES = 30


def _episodes(shows: list[tuple[str, str, str, str]], offset: int) -> list[tuple[str, str, str, bool]]:
    """(show, title, description, is_conversation): one conversation and one roundup per show."""
    result = []
    for index, (show, guest, life, news) in enumerate(shows):
        number = 2 * (index + offset) + 40
        words = {"guest": guest, "Guest": guest[0].upper() + guest[1:], "life": life, "news": news,
                 "News": news[0].upper() + news[1:]}
        result.append((show, f"Episode {number}", CONVERSATION[(index + offset) % 6].format(**words), True))
        result.append((show, f"Episode {number + 1}", ROUNDUP[(index + offset + 3) % 6].format(**words), False))
    return result


def _build_library(paths: Paths) -> tuple[set[int], set[int]]:
    """The listening library: over 60 days, one heard episode a day in a seeded order, each
    conversation finished and each roundup skipped after a minute; the new shows' episodes came
    out yesterday, unplayed. Returns (ids of conversations, ids of the new shows' episodes)."""
    from library.db.models import Episode, ListeningEvent, ListeningEventKind, PlaybackState, Podcast

    heard = _episodes(HEARD_SHOWS, 0)
    random.Random(0).shuffle(heard)
    duration = MINUTES * 60_000
    conversations: set[int] = set()
    new: set[int] = set()
    podcasts: dict[str, Podcast] = {}
    with open_library(paths) as library, library.transaction() as session:
        def add(show: str, title: str, description: str, published: timedelta) -> Episode:
            if show not in podcasts:
                podcasts[show] = Podcast(feed_url=f"http://127.0.0.1/feeds/{len(podcasts)}.xml", title=show)
                session.add(podcasts[show])
                session.flush()
            episode = Episode(podcast_id=podcasts[show].id, title=title, description=f"<p>{description}</p>",
                              published=NOW - published, duration_ms=duration, guid=f"{show}-{title}")
            session.add(episode)
            session.flush()
            return episode

        for day, (show, title, description, conversation) in enumerate(heard):
            episode = add(show, title, description, timedelta(days=70))
            at = NOW - timedelta(days=60 - day)
            session.add(ListeningEvent(episode_id=episode.id, kind=ListeningEventKind.PLAY, position_ms=0, at=at))
            if conversation:
                conversations.add(episode.id)
                session.add(ListeningEvent(episode_id=episode.id, kind=ListeningEventKind.COMPLETE,
                                           position_ms=duration, at=at + timedelta(minutes=MINUTES)))
                session.add(PlaybackState(episode_id=episode.id, position_ms=duration, played=True))
            else:
                session.add(ListeningEvent(episode_id=episode.id, kind=ListeningEventKind.SKIP,
                                           from_ms=60_000, to_ms=duration, at=at + timedelta(minutes=1)))
        for show, title, description, conversation in _episodes(NEW_SHOWS, 1):
            episode = add(show, title, description, timedelta(days=1))
            new.add(episode.id)
            if conversation:
                conversations.add(episode.id)
    return conversations, new


def _conversations_first(paths: Paths, folder: Path, conversations: set[int], new: set[int]) -> int:
    """How many of the top 8 "For you" picks (the 16 new episodes, half conversations) are
    conversations, with the model in ``folder``."""
    from recommend.model_store import load_encoder

    with RecommenderService(open_library(paths), paths, load_encoder(folder), owns_library=True) as service:
        service.refresh_index()
        picks = service.for_you(limit=8, now=NOW).items
    assert {item.episode_id for item in picks} <= new
    return sum(item.episode_id in conversations for item in picks)


def _search_finds_the_show(paths: Paths, folder: Path) -> dict[str, str]:
    """Semantic search for the subject of each new show: query -> the show of the first hit."""
    from recommend.model_store import load_encoder

    with RecommenderService(open_library(paths), paths, load_encoder(folder), owns_library=True) as service:
        service.refresh_index()
        return {query: service.semantic_search(query, limit=1).items[0].podcast_title for query in SUBJECT_SEARCHES}


def test_tuning_minilm_learns_the_listeners_kind_of_episode(
    minilm_model: Path, capsys: pytest.CaptureFixture[str], record_property: Callable[[str, object], None]
) -> None:
    from app.cli.main import main
    from recommend.encoder import Encoder
    from recommend.model_store import load_encoder
    from recommend.training.finetune import fine_tune

    paths = resolve_paths().ensure()
    conversations, new = _build_library(paths)
    installed = model_folder(paths)
    shutil.copytree(minilm_model, installed)
    base_id = ModelConfig.read(installed).model_id
    base_first = _conversations_first(paths, minilm_model, conversations, new)

    with RecommenderService(open_library(paths), paths, load_encoder(installed), owns_library=True) as service:
        episodes, outcomes = service.listening_history(now=NOW)
    messages: list[str] = []
    result = fine_tune(episodes, outcomes, installed, max_length=64, now=NOW, progress=messages.append)
    # The figures, for the record (pytest --junitxml keeps them).
    record_property("before_auc", result.before_auc)
    record_property("after_auc", result.after_auc)

    # Measured on the newest fifth of the history, which training never saw: its finished episodes
    # against its skipped ones and the 16 never started (half of them conversations, so even a
    # perfect model stays near 0.8). From worse than chance to clearly better than chance.
    assert result.before_auc is not None and result.after_auc is not None
    assert result.before_auc < 0.4, "the shipped model should miss this taste, or the test proves nothing"
    assert result.after_auc > 0.6
    assert result.installed, result.why
    assert any(message.startswith("epoch 2/2: loss") for message in messages)

    # Installed: a new model id with its CPU and GPU variants, loadable, and what `model info` shows.
    config = ModelConfig.read(installed)
    assert config.model_id == result.model_id != base_id
    assert config.model_id.startswith("all-MiniLM-L6-v2-personal-")
    assert {"fp32", "int8"} <= set(config.variants)
    assert all((installed / name).is_file() for name in config.variants.values())
    assert config.max_length == ModelConfig.read(minilm_model).max_length
    encoder = Encoder(installed, provider="CPUExecutionProvider")
    assert encoder.config.model_id == config.model_id and encoder.choice.variant == "int8"
    assert main(["model", "info", "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["model_id"] == config.model_id and info["usable"] is True
    assert info["source_model"] == "sentence-transformers/all-MiniLM-L6-v2, tuned on your listening"
    assert not any(p.name.endswith(".candidate") for p in installed.parent.iterdir())

    # What the listener sees: among shows never heard, "For you" now leads with conversations.
    tuned_first = _conversations_first(paths, installed, conversations, new)
    record_property("conversations_in_top8", {"shipped": base_first, "tuned": tuned_first})
    assert tuned_first > base_first
    assert tuned_first >= 7
    # ... and it has not forgotten what words mean: searching a subject still finds its show.
    assert _search_finds_the_show(paths, installed) == SUBJECT_SEARCHES
