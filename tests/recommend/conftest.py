"""Recommender fixtures: exported models (once per session, cached across runs) and a library.

Export is slow (seconds for the tiny model, ~15 s for MiniLM), so finished folders are kept in
pytest's cache under a key that changes whenever the export code or the source weights change.
Tests never use the model installed under CASTWISE_HOME.
"""

from __future__ import annotations

import hashlib
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXPORT_SOURCES = [
    ROOT / "recommend" / "training" / "export.py",
    ROOT / "recommend" / "training" / "quantize.py",
    ROOT / "recommend" / "model_config.py",
]


def _cache_key(source: Path) -> str:
    digest = hashlib.sha256()
    for path in EXPORT_SOURCES:
        digest.update(path.read_bytes())
    for name in ("config.json", "tokenizer.json"):
        digest.update((source / name).read_bytes())
    weights = source / "model.safetensors"
    if weights.exists():
        digest.update(str(weights.stat().st_size).encode())
    return digest.hexdigest()[:16]


def _exported(request: pytest.FixtureRequest, source: Path, name: str) -> Path:
    from recommend.training.export import export_model

    folder = Path(request.config.cache.mkdir("castwise-models")) / f"{name}-{_cache_key(source)}"
    if not (folder / "castwise_model.json").is_file():
        if folder.exists():
            shutil.rmtree(folder)
        export_model(source, folder, name=name)
    return folder


@pytest.fixture(scope="session")
def tiny_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A randomly initialised 2-layer BERT (hidden size 32) with MiniLM's real tokenizer."""
    import torch
    from transformers import BertConfig, BertModel

    from recommend.training.export import default_source

    folder = tmp_path_factory.mktemp("tiny-bert")
    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=30522, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
        intermediate_size=64, max_position_embeddings=512,
    )
    BertModel(config).eval().save_pretrained(folder)
    shutil.copyfile(default_source() / "tokenizer.json", folder / "tokenizer.json")
    return folder


@pytest.fixture(scope="session")
def tiny_model(request: pytest.FixtureRequest, tiny_source: Path) -> Path:
    """The tiny BERT exported to a Castwise model folder (fp32, int8, fp16). Read-only: copy to change."""
    return _exported(request, tiny_source, "tiny-bert")


@pytest.fixture(scope="session")
def minilm_model(request: pytest.FixtureRequest) -> Path:
    """The real all-MiniLM-L6-v2 exported to a Castwise model folder. Read-only: copy to change."""
    from recommend.training.export import default_source

    return _exported(request, default_source(), "all-MiniLM-L6-v2")


@pytest.fixture(scope="session")
def minilm_encoder(minilm_model: Path):  # type: ignore[no-untyped-def]
    from recommend.encoder import Encoder

    return Encoder(minilm_model, provider="CPUExecutionProvider")


# ---- a small real library with a listening history ---------------------------------------------

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)

SHOWS: dict[str, list[tuple[str, str, int]]] = {
    # title -> [(episode title, description, minutes)]; the last two of each show stay unplayed.
    "Roman Times": [
        ("Caesar crosses the Rubicon", "Julius Caesar defies the Senate and marches his legions on the city.", 45),
        ("The fall of the Republic", "How civil wars, Sulla and Pompey ended the Roman Republic.", 50),
        ("Augustus builds an empire", "Octavian becomes Augustus, the first Roman emperor.", 48),
        ("Daily life in Pompeii", "Bakeries, graffiti and baths in a Roman town before Vesuvius erupted.", 40),
        ("The Gracchi brothers", "Tiberius and Gaius Gracchus fight for land reform in the late Republic.", 47),
        ("Hannibal at the gates", "Carthage's general leads elephants over the Alps to fight the legions.", 52),
    ],
    "Greek Voices": [
        ("Athens invents democracy", "Cleisthenes and the citizens' assembly of ancient Athens.", 44),
        ("The Spartan army", "Hoplites, the agoge and the battle of Thermopylae.", 46),
        ("Alexander the Great", "The Macedonian king's campaigns from Greece to India.", 49),
        ("The Peloponnesian War", "Athens and Sparta fight for thirty years; Thucydides tells the story.", 51),
    ],
    "Laugh Track": [
        ("Stand-up stories from the road", "A comedian's funniest nights and worst gigs on tour.", 30),
        ("Improv night", "Three comics improvise scenes from audience suggestions. Lots of laughs.", 28),
        ("Roasting our producer", "Jokes, banter and a very funny roast of the show's producer.", 32),
        ("Sketch comedy writers' room", "How a comedy troupe writes and tests its funniest sketches.", 29),
        ("Funniest prank calls", "Comedians share their silliest prank call stories.", 27),
    ],
    "Kitchen Lab": [
        ("Sourdough bread basics", "Starter, flour, hydration and baking a crusty loaf.", 35),
        ("Fermenting vegetables", "Kimchi, sauerkraut and pickles at home.", 33),
        ("Perfect fresh pasta", "Eggs, semolina and rolling pasta by hand.", 31),
        ("Knife skills for cooks", "Chopping onions fast and keeping blades sharp in the kitchen.", 30),
    ],
    "Crypto Daily": [
        ("Bitcoin price today", "Markets, tokens and the latest crypto price moves.", 20),
        ("Altcoin season", "Which tokens are pumping and why traders care.", 21),
        ("Ethereum upgrade news", "Staking, gas fees and the crypto market's reaction.", 19),
        ("Crypto exchange hacked", "Another exchange loses customer tokens; prices drop.", 22),
    ],
}
UNPLAYED_PER_SHOW = 2


def build_library(paths, *, listen: bool = True):  # type: ignore[no-untyped-def]
    """Fill the library at ``paths`` with SHOWS and (when ``listen``) a listener who finishes history
    and comedy, skips cooking early, and marks crypto "not interested". Returns {title: episode id}."""
    from datetime import timedelta

    from library.db import open_library
    from library.db.models import Episode, ListeningEvent, ListeningEventKind, PlaybackState, Podcast

    ids: dict[str, int] = {}
    with open_library(paths) as library, library.transaction() as session:
        for show_index, (show, episodes) in enumerate(SHOWS.items()):
            podcast = Podcast(feed_url=f"http://127.0.0.1/feeds/{show_index}.xml", title=show)
            session.add(podcast)
            session.flush()
            for index, (title, description, minutes) in enumerate(episodes):
                unplayed = index >= len(episodes) - UNPLAYED_PER_SHOW
                published = NOW - timedelta(days=1 if unplayed else 60 - index * 5)
                episode = Episode(podcast_id=podcast.id, title=title, description=f"<p>{description}</p>",
                                  published=published, duration_ms=minutes * 60_000, guid=f"{show_index}-{index}")
                session.add(episode)
                session.flush()
                ids[title] = episode.id
                if not listen or unplayed:
                    continue
                # Listening interleaves the shows, one episode a day, as a real week does.
                at = NOW - timedelta(days=40 - (index * len(SHOWS) + show_index))
                duration = minutes * 60_000
                session.add(ListeningEvent(episode_id=episode.id, kind=ListeningEventKind.PLAY, position_ms=0, at=at))
                if show in ("Roman Times", "Greek Voices", "Laugh Track"):
                    session.add(ListeningEvent(episode_id=episode.id, kind=ListeningEventKind.COMPLETE,
                                               position_ms=duration, at=at + timedelta(minutes=minutes)))
                    session.add(PlaybackState(episode_id=episode.id, position_ms=duration, played=True))
                elif show == "Kitchen Lab":
                    session.add(ListeningEvent(episode_id=episode.id, kind=ListeningEventKind.SKIP,
                                               from_ms=60_000, to_ms=duration, at=at + timedelta(minutes=1)))
                else:
                    session.add(ListeningEvent(episode_id=episode.id, kind=ListeningEventKind.NOT_INTERESTED,
                                               position_ms=30_000, at=at + timedelta(seconds=30)))
    return ids


@pytest.fixture
def library_ids(castwise_home: Path):  # type: ignore[no-untyped-def]
    from library.paths import resolve_paths

    return build_library(resolve_paths().ensure())


@pytest.fixture
def service(library_ids, minilm_encoder):  # type: ignore[no-untyped-def]
    """A recommender over the listening library with the real MiniLM (int8, CPU), fully indexed."""
    from library.db import open_library
    from library.paths import resolve_paths
    from recommend.service import RecommenderService

    paths = resolve_paths().ensure()
    with RecommenderService(open_library(paths), paths, minilm_encoder, owns_library=True) as recommender:
        recommender.refresh_index()
        yield recommender
