"""One seeded synthetic library for every benchmark: N podcasts x M episodes that look real enough.

Titles and descriptions are built from topic vocabularies with a skewed (Zipf-like) word choice,
so common words match many rows and rare ones few, as in a real library; about 5% of podcasts are
Chinese-language (for the CJK search path). Publication dates follow each show's cadence (daily,
weekly, fortnightly, monthly) back from a fixed date, durations are log-normal around 45 minutes.
The same seed always gives the same library.

The database is a real Castwise library (created by :func:`library.db.open_library`, so the
schema, triggers and full-text index are the app's own), filled with ``executemany`` in large
transactions. :func:`cached_library` keeps generated files under ``.bench/`` so reruns are fast.

    python -m benchmarks.synthetic --podcasts 100 --episodes 1000 --out /tmp/library.sqlite3
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".bench"
GENERATOR_VERSION = 1
"""Bump when the generated content changes, so cached libraries are rebuilt."""

EPOCH = datetime(2026, 11, 1, 6, 0, tzinfo=UTC)
"""The newest possible publication date (fixed, so a seed always gives the same library)."""


def _words(text: str) -> list[str]:
    return text.split()


TOPICS: dict[str, list[str]] = {
    "history": _words("empire rome war revolution dynasty ancient medieval castle kings queens battle treaty "
    "crusade republic archive pharaoh viking samurai colony trade silk plague renaissance"),
    "science": _words("physics quantum biology evolution genome universe climate ocean brain neuron galaxy "
    "chemistry fossil experiment gravity particle vaccine microbe telescope ecology"),
    "technology": _words("software startup python cloud privacy security robot algorithm internet chip "
    "database network open source hardware engineering compiler browser encryption ai"),
    "comedy": _words("improv sketch standup roast prank awkward dating roommates family holiday sitcom "
    "parody gossip weird stories laughs mishaps"),
    "true crime": _words("murder detective trial evidence heist fraud cold case witness jury forensic "
    "disappearance conspiracy verdict suspect investigation"),
    "business": _words("market economy investing startup founder leadership negotiation marketing brand "
    "finance inflation stocks strategy sales growth careers"),
    "health": _words("sleep nutrition fitness meditation anxiety running yoga habits diet therapy stress "
    "mindfulness recovery longevity breathing"),
    "culture": _words("film music books poetry art fashion design theatre photography architecture "
    "television novels jazz opera festival"),
    "sports": _words("football basketball tennis cricket cycling marathon olympics transfer league coach "
    "playoffs season draft championship"),
    "news": _words("election policy parliament economy climate diplomacy borders budget courts protest "
    "summit reform census"),
}
ADJECTIVES = _words(
    "hidden forgotten secret strange great little lost brief surprising untold curious modern "
    "radical quiet invisible daily weekly essential unexpected real"
)
PLACES = _words(
    "Rome Venice Kyoto Lagos Lima Cairo Oslo Delhi Boston Paris Berlin Nairobi Mexico Istanbul "
    "Shanghai Sydney Vienna Havana Dublin Seoul"
)
FIRST_NAMES = _words("Ada Ben Chloe Dev Elena Farid Grace Hiro Ines Jonas Kemi Liam Maya Noor Omar Priya")
LAST_NAMES = _words("Okafor Schmidt Tanaka Rossi Novak Silva Haddad Larsen Kim Murphy Costa Singh Moreau")
SHOW_PATTERNS = (
    "The {Topic} Hour",
    "{Adj} {Topic}",
    "{Topic} Weekly",
    "Inside {Topic}",
    "{Name}'s {Topic} Show",
    "{Topic} Unplugged",
    "The Daily {Topic}",
    "{Place} {Topic} Club",
)
EPISODE_PATTERNS = (
    "The {adj} {word} of {Place}",
    "{Word} and {word2}: a conversation with {Name}",
    "Why {word} matters",
    "{Name} on {word}, {word2} and {word3}",
    "How {word} changed {Place}",
    "Ask us anything: {word}",
    "{Word} explained",
    "The {adj} history of {word}",
    "Live from {Place}: {word2}",
    "Bonus: {word} {word2}",
)
SENTENCES = (
    "This week we look at {word} and what it means for {word2}.",
    "{Name} joins us to talk about {word}, {word2} and the {adj} story of {Place}.",
    "We answer your questions about {word3}.",
    "Plus: a {adj} detour into {word2}.",
    "Recorded in {Place} with {Name2}.",
    "Support the show and get ad-free episodes.",
    "Show notes, links and a transcript are on our website.",
    "Why did {word} become so {adj}? We dig into the archive.",
)
CHINESE_SHOWS = ("忽左忽右", "历史那些事儿", "科技早知道", "声东击西", "随机波动", "商业就是这样", "文化有限", "中国历史故事")
CHINESE_WORDS = _words(
    "历史 中国 文化 科技 经济 电影 音乐 读书 旅行 城市 人工智能 宋朝 唐朝 明朝 丝绸之路 创业 "
    "投资 心理 健康 哲学 艺术 战争 帝国 故事 访谈 日本 欧洲 城市化 教育 年轻人"
)
CHINESE_PATTERNS = ("{w1}与{w2}", "聊聊{w1}的{w2}", "{w1}：{w2}的故事", "从{w1}看{w2}", "{w1}里的{w2}和{w3}")
CADENCE_DAYS = (1.0, 7.0, 7.0, 7.0, 14.0, 30.0, 3.5)


def _zipf_pick(rng: random.Random, words: list[str] | tuple[str, ...]) -> str:
    # Rank-skewed choice: earlier words in a list are much more common (s ~ 1).
    index = min(int(len(words) * rng.random() ** 2.2), len(words) - 1)
    return words[index]


def _fill(rng: random.Random, pattern: str, vocabulary: list[str]) -> str:
    word, word2, word3 = (_zipf_pick(rng, vocabulary) for _ in range(3))
    return pattern.format(
        word=word,
        word2=word2,
        word3=word3,
        Word=word.capitalize(),
        adj=rng.choice(ADJECTIVES),
        Adj=rng.choice(ADJECTIVES).capitalize(),
        Place=rng.choice(PLACES),
        Name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
        Name2=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
    )


def _podcast_row(rng: random.Random, index: int) -> tuple[dict[str, object], list[str], bool]:
    chinese = rng.random() < 0.05
    topic = rng.choice(list(TOPICS))
    vocabulary = TOPICS[topic] + [word for other in rng.sample(list(TOPICS), 2) for word in TOPICS[other][:4]]
    if chinese:
        title = f"{rng.choice(CHINESE_SHOWS)} {index}"
        description = f"一档关于{rng.choice(CHINESE_WORDS)}和{rng.choice(CHINESE_WORDS)}的中文播客。"
    else:
        title = rng.choice(SHOW_PATTERNS).format(
            Topic=topic.title(),
            Adj=rng.choice(ADJECTIVES).capitalize(),
            Name=rng.choice(FIRST_NAMES),
            Place=rng.choice(PLACES),
        )
        description = " ".join(_fill(rng, rng.choice(SENTENCES), vocabulary) for _ in range(3))
    row = {
        "id": index,
        "feed_url": f"https://feeds.example.org/{index}/rss.xml",
        "podcast_guid": f"{rng.getrandbits(128):032x}",
        "title": title,
        "author": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
        "description": description,
        "image_url": f"https://img.example.org/{index}.jpg",
        "language": "zh" if chinese else "en",
        "categories": json.dumps([topic.title()]),
        "link": f"https://shows.example.org/{index}",
        "subscribed_at": "2026-01-01 00:00:00.000000",
    }
    return row, vocabulary, chinese


def _episodes(
    rng: random.Random, podcast_id: int, count: int, vocabulary: list[str], chinese: bool, first_id: int
) -> Iterator[tuple[object, ...]]:
    # A long-running show publishes more often: keep every back catalogue within ~15 years.
    cadence = timedelta(days=min(rng.choice(CADENCE_DAYS), 15 * 365 / max(count, 1)))
    newest = EPOCH - timedelta(hours=rng.uniform(0, 24 * 20))
    median_minutes = rng.choice((12, 25, 45, 60, 90))
    # Oldest first, as a subscription inserts them: library ids grow with publication date.
    for number in range(1, count + 1):
        published = newest - cadence * (count - number) - timedelta(minutes=rng.uniform(0, 90))
        if chinese:
            w1, w2, w3 = (rng.choice(CHINESE_WORDS) for _ in range(3))
            title = f"第{number}期 " + rng.choice(CHINESE_PATTERNS).format(w1=w1, w2=w2, w3=w3)
            description = f"<p>本期我们聊{w1}、{w2}和{w3}。</p>"
        else:
            title = f"{number}: " + _fill(rng, rng.choice(EPISODE_PATTERNS), vocabulary)
            sentences = [_fill(rng, rng.choice(SENTENCES), vocabulary) for _ in range(rng.randint(2, 4))]
            description = "<p>" + " ".join(sentences) + "</p>"
        duration_ms = int(median_minutes * 60_000 * math.exp(rng.gauss(0, 0.35)))
        stamp = published.strftime("%Y-%m-%d %H:%M:%S.000000")
        episode_id = first_id + number - 1
        yield (
            episode_id,
            podcast_id,
            f"urn:castwise:synthetic:{podcast_id}:{number}",
            title,
            description,
            stamp,
            duration_ms,
            f"https://media.example.org/{podcast_id}/{number}.mp3",
            "audio/mpeg",
            duration_ms * 16,  # ~128 kbit/s
            number,
            stamp,
            stamp,
        )


_EPISODE_INSERT = (
    "INSERT INTO episodes (id, podcast_id, guid, title, description, published, duration_ms,"
    " enclosure_url, enclosure_type, enclosure_length, episode_number, first_seen_at, last_seen_at,"
    " alternate_enclosures, chapters, transcripts, persons, funding, soundbites)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '[]', '[]', '[]', '[]', '[]', '[]')"
)


def generate_library(
    database: Path, podcasts: int, episodes_per_podcast: int, *, seed: int = 0, progress: bool = False
) -> Path:
    """Write a new library with ``podcasts`` x ``episodes_per_podcast`` episodes to ``database``.

    Any existing file there is replaced. Returns ``database``.
    """
    from library.db import open_library

    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    database.parent.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    library = open_library(database=database)
    raw = library.engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("PRAGMA synchronous = OFF")  # a benchmark fixture: rebuilt if a crash cuts it
        started = time.perf_counter()
        next_episode = 1
        for podcast_id in range(1, podcasts + 1):
            row, vocabulary, chinese = _podcast_row(rng, podcast_id)
            columns = ", ".join(row)
            cursor.execute(
                f"INSERT INTO podcasts ({columns}, funding, auth_kind, auto_download)"
                f" VALUES ({', '.join('?' * len(row))}, '[]', 'none', 0)",
                tuple(row.values()),
            )
            cursor.executemany(
                _EPISODE_INSERT,
                _episodes(rng, podcast_id, episodes_per_podcast, vocabulary, chinese, next_episode),
            )
            next_episode += episodes_per_podcast
            if podcast_id % 50 == 0 or podcast_id == podcasts:
                raw.commit()
                if progress:
                    rate = (next_episode - 1) / (time.perf_counter() - started)
                    print(f"\r{podcast_id}/{podcasts} podcasts, {rate:,.0f} episodes/s", end="", file=sys.stderr)
        raw.commit()
        cursor.execute("PRAGMA optimize")
        cursor.execute("INSERT INTO episodes_fts(episodes_fts) VALUES ('optimize')")
        raw.commit()
        if progress:
            print(file=sys.stderr)
    finally:
        raw.close()
        library.close()
    return database


def cached_library(podcasts: int, episodes_per_podcast: int, *, seed: int = 0, progress: bool = True) -> Path:
    """A generated library under ``.bench/``, built once per (size, seed, generator version)."""
    name = f"library-v{GENERATOR_VERSION}-{podcasts}x{episodes_per_podcast}-s{seed}.sqlite3"
    database = CACHE / name
    done = database.with_suffix(".done")
    if database.exists() and done.exists():
        return database
    done.unlink(missing_ok=True)
    generate_library(database, podcasts, episodes_per_podcast, seed=seed, progress=progress)
    done.write_text("complete\n")
    return database


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Generate a synthetic Castwise library.")
    parser.add_argument("--podcasts", type=int, default=100)
    parser.add_argument("--episodes", type=int, default=1000, help="episodes per podcast")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    generate_library(args.out, args.podcasts, args.episodes, seed=args.seed, progress=True)
    seconds = time.perf_counter() - started
    print(json.dumps({"episodes": args.podcasts * args.episodes, "seconds": round(seconds, 2)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
