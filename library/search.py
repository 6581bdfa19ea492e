"""Full-text search over the library: podcast titles, authors and descriptions, episode titles and
descriptions (transcripts have a reserved column), ranked by BM25.

The index is SQLite FTS5, kept in sync by triggers (see migration ``0002_full_text_search``).
Queries are forgiving: every word must match, the last word also matches as a prefix (``medit``
finds "meditation"), accents are ignored, FTS5 syntax characters are taken literally, and Chinese
or Japanese words of any length match inside longer runs (see :mod:`library.db.fts`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from sqlalchemy import text
from sqlalchemy.orm import Session

from library.db.fts import has_cjk, query_phrases

# BM25 column weights: a word in a title says more about a row than one in a long description.
EPISODE_WEIGHTS = "10.0, 1.0, 0.5"  # title, description, transcript
PODCAST_WEIGHTS = "10.0, 4.0, 1.0"  # title, author, description

@dataclass(frozen=True)
class SearchResult:
    """One hit. ``score`` is the relevance (higher is better; the negated BM25 rank)."""

    kind: Literal["podcast", "episode"]
    id: int
    title: str
    podcast_id: int
    podcast_title: str
    published: datetime | None
    score: float

    def to_json(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "id": self.id,
            "title": self.title,
            "podcast_id": self.podcast_id,
            "podcast_title": self.podcast_title,
            "published": self.published.strftime("%Y-%m-%dT%H:%M:%SZ") if self.published else None,
            "score": round(self.score, 4),
        }


def match_expression(query: str) -> str | None:
    """The FTS5 MATCH expression for a listener's query, or ``None`` when nothing is searchable."""
    phrases = query_phrases(query)
    if not phrases:
        return None
    words = query.split()
    # Prefix-match the last word, as a listener types it; CJK words already match inside runs.
    # A one-letter prefix would expand to a large part of the vocabulary; it is taken as a word.
    if words and not has_cjk(words[-1]) and len(phrases[-1]) > 3:
        phrases[-1] += "*"
    return " ".join(phrases)


CANDIDATES = 3000
"""Most matches ranked per pass. Ranking costs ~2 µs a match, so a word found in 100,000 episodes
would take far too long to rank in full; each pass ranks the most recently added matches (library
ids grow with publication date within a feed) and a second pass over titles alone keeps strong
title matches in. A query with fewer matches than this is ranked exactly."""

# Two capped passes (all columns; titles only), each walking the index newest first, merged with
# each row's better score.
_EPISODE_SQL = f"""
    WITH hits AS (
        SELECT * FROM (
            SELECT rowid AS id, bm25(episodes_fts, {EPISODE_WEIGHTS}) AS rank
            FROM episodes_fts WHERE episodes_fts MATCH :match
            ORDER BY rowid DESC LIMIT :candidates
        )
        UNION ALL
        SELECT * FROM (
            SELECT rowid AS id, bm25(episodes_fts, {EPISODE_WEIGHTS}) AS rank
            FROM episodes_fts WHERE episodes_fts MATCH :title_match
            ORDER BY rowid DESC LIMIT :candidates
        )
    ),
    best AS (SELECT id, min(rank) AS rank FROM hits GROUP BY id ORDER BY rank LIMIT :limit)
    SELECT e.id, e.title, e.podcast_id, p.title, e.published, best.rank
    FROM best
    JOIN episodes AS e ON e.id = best.id
    JOIN podcasts AS p ON p.id = e.podcast_id
    ORDER BY best.rank
"""

_PODCAST_SQL = f"""
    SELECT p.id, p.title, hits.rank
    FROM (
        SELECT rowid, bm25(podcasts_fts, {PODCAST_WEIGHTS}) AS rank
        FROM podcasts_fts WHERE podcasts_fts MATCH :match
        ORDER BY rank LIMIT :limit
    ) AS hits
    JOIN podcasts AS p ON p.id = hits.rowid
    ORDER BY hits.rank
"""

_EPISODES_OF_PODCAST_SQL = f"""
    SELECT e.id, e.title, e.podcast_id, p.title, e.published, bm25(episodes_fts, {EPISODE_WEIGHTS}) AS rank
    FROM episodes_fts
    JOIN episodes AS e ON e.id = episodes_fts.rowid
    JOIN podcasts AS p ON p.id = e.podcast_id
    WHERE episodes_fts MATCH :match AND e.podcast_id = :podcast_id
    ORDER BY rank LIMIT :limit
"""


def search(
    session: Session,
    query: str,
    limit: int = 20,
    *,
    kinds: tuple[Literal["podcast", "episode"], ...] = ("podcast", "episode"),
    podcast_id: int | None = None,
) -> list[SearchResult]:
    """The best ``limit`` podcasts and episodes for ``query``, most relevant first.

    ``podcast_id`` limits the search to one podcast's episodes. A query with nothing searchable
    in it (only punctuation, empty) returns an empty list.
    """
    match = match_expression(query)
    if match is None or limit <= 0:
        return []
    results: list[SearchResult] = []
    if "podcast" in kinds and podcast_id is None:
        for row in session.execute(text(_PODCAST_SQL), {"match": match, "limit": limit}):
            results.append(SearchResult("podcast", row[0], row[1], row[0], row[1], None, -float(row[2])))
    if "episode" in kinds:
        if podcast_id is None:
            parameters = {
                "match": match,
                "title_match": f"{{title}} : ({match})",
                "limit": limit,
                "candidates": CANDIDATES,
            }
            rows = session.execute(text(_EPISODE_SQL), parameters)
        else:
            parameters = {"match": match, "limit": limit, "podcast_id": podcast_id}
            rows = session.execute(text(_EPISODES_OF_PODCAST_SQL), parameters)
        for row in rows:
            published = _parse_timestamp(row[4])
            results.append(SearchResult("episode", row[0], row[1], row[2], row[3], published, -float(row[5])))
    results.sort(key=lambda result: result.score, reverse=True)
    return results[:limit]


def _parse_timestamp(value: object) -> datetime | None:
    """Raw SQL returns SQLite's stored naive-UTC text; the ORM type would have parsed it."""
    if value is None:
        return None
    parsed = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return parsed.replace(tzinfo=UTC)
