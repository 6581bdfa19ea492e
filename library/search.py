"""Full-text search over the library: podcast titles, authors and descriptions, episode titles,
descriptions and transcripts (:func:`index_transcript`), ranked by BM25.

The index is SQLite FTS5, kept in sync by triggers (see migration ``0002_full_text_search``).
Queries are forgiving: every word must match; the last word, when it is not a whole word of the
library, matches as a prefix (``medit`` finds "meditation"); accents are ignored; FTS5 syntax
characters are taken literally; English filler words ("the", "of") are dropped when other words
remain; and Chinese or Japanese words of any length match inside longer runs (see
:mod:`library.db.fts`).

Ranking cost grows with the number of matches (FTS5's BM25 reads every match, ~1-10 µs each), so
episode search first counts matches up to :data:`CANDIDATES`. A query with fewer matches is ranked
exactly by BM25 (title words weigh most). A broader one (a word found in most descriptions of a
million-episode library) is answered from its newest :data:`CANDIDATES` matches, episodes with
the words in their title first, newest first; their ``score`` is 0 (title) or -1 (elsewhere).
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

TRANSCRIPT_WEIGHT = 0.25
"""How much a transcript match counts against a description match (BM25 scores are multiplied)."""

CANDIDATES = 4000
"""Above this many matching episodes, a query is ordered by recency rather than BM25."""

STOPWORDS = frozenset(
    ["a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "is", "it", "of", "on", "or", "the", "to", "was", "with", "about", "how", "what", "why"]
)
"""Dropped from a query with other words in it: they match nearly everything and rank nothing."""


@dataclass(frozen=True)
class SearchResult:
    """One hit. ``score``: higher is more relevant (the negated BM25 rank, see the module doc)."""

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


def _words(query: str) -> list[str]:
    words = query.split()
    meaningful = [word for word in words if word.casefold() not in STOPWORDS]
    return meaningful or words


def match_expression(query: str, *, prefix: bool = True) -> str | None:
    """The FTS5 MATCH expression for a listener's query, or ``None`` when nothing is searchable.

    With ``prefix`` the last word also matches as a prefix (not for CJK, which already matches
    inside runs, nor for a single letter, which would expand to much of the vocabulary).
    """
    words = _words(query)
    phrases = query_phrases(" ".join(words))
    if not phrases:
        return None
    if prefix and not has_cjk(words[-1]) and len(phrases[-1]) > 3:
        phrases[-1] += "*"
    return " ".join(phrases)


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

_EPISODE_ROWS = """
    SELECT e.id, e.title, e.podcast_id, p.title, e.published
    FROM episodes AS e JOIN podcasts AS p ON p.id = e.podcast_id
    WHERE e.id IN ({ids})
"""


def _episode_rows(session: Session, scored: list[tuple[int, float]]) -> list[SearchResult]:
    if not scored:
        return []
    ids = ", ".join(str(int(rowid)) for rowid, _score in scored)
    rows = {row[0]: row for row in session.execute(text(_EPISODE_ROWS.format(ids=ids)))}
    results = []
    for rowid, score in scored:
        row = rows.get(rowid)
        if row is not None:
            results.append(SearchResult("episode", row[0], row[1], row[2], row[3], _parse_timestamp(row[4]), score))
    return results


def _is_whole_word(session: Session, phrase: str) -> bool:
    found = session.execute(
        text("SELECT rowid FROM episodes_fts WHERE episodes_fts MATCH :match LIMIT 1"), {"match": phrase}
    ).first()
    return found is not None


def _search_episodes(session: Session, query: str, limit: int, podcast_id: int | None) -> list[SearchResult]:
    exact = match_expression(query, prefix=False)
    if exact is None:
        return []
    match = match_expression(query) or exact
    if match != exact:
        # A complete word the library knows is searched as typed: expanding "with" to every word
        # starting with it would cost far more than it finds.
        last = exact.rsplit(" ", 1)[-1]
        if _is_whole_word(session, last):
            match = exact
    scope = "" if podcast_id is None else "AND rowid IN (SELECT id FROM episodes WHERE podcast_id = :podcast_id)"
    parameters: dict[str, object] = {"match": match, "podcast_id": podcast_id, "limit": limit}
    count, floor = session.execute(
        text(
            "SELECT count(*), min(rowid) FROM (SELECT rowid FROM episodes_fts WHERE episodes_fts MATCH :match "
            f"{scope} ORDER BY rowid DESC LIMIT :cap)"
        ),
        {**parameters, "cap": CANDIDATES + 1},
    ).one()
    if count <= CANDIDATES:
        rows = session.execute(
            text(
                f"SELECT rowid, bm25(episodes_fts, {EPISODE_WEIGHTS}) AS rank FROM episodes_fts "
                f"WHERE episodes_fts MATCH :match {scope} ORDER BY rank LIMIT :limit"
            ),
            parameters,
        )
        scored = [(int(rowid), -float(rank)) for rowid, rank in rows]
        return _episode_rows(session, _with_transcripts(session, scored, parameters, scope, limit, append=False))
    # Broad query: among the newest CANDIDATES matches (rowid >= floor, so the cost stays bounded
    # even when few titles match), title matches first, then the others, newest first.
    newest = (
        "SELECT rowid FROM episodes_fts WHERE episodes_fts MATCH :match AND rowid >= :floor "
        f"{scope} ORDER BY rowid DESC LIMIT :limit"
    )
    parameters["floor"] = floor
    in_title = [int(r) for (r,) in session.execute(text(newest), {**parameters, "match": f"{{title}} : ({match})"})]
    scored = [(rowid, 0.0) for rowid in in_title]
    if len(scored) < limit:
        taken = set(in_title)
        others = session.execute(text(newest), {**parameters, "limit": limit + len(taken)})
        scored += [(int(r), -1.0) for (r,) in others if int(r) not in taken][: limit - len(scored)]
    return _episode_rows(session, _with_transcripts(session, scored, parameters, scope, limit, append=True))


def _with_transcripts(
    session: Session,
    scored: list[tuple[int, float]],
    parameters: dict[str, object],
    scope: str,
    limit: int,
    *,
    append: bool,
) -> list[tuple[int, float]]:
    """``scored`` with episodes whose transcript matches merged in (each keeping its best score).

    Transcript words weigh like a quarter of description words. With ``append`` (recency-ordered
    results, whose scores are not BM25) transcript hits only fill places left after ``scored``.
    """
    if append and len(scored) >= limit:
        return scored
    rows = session.execute(
        text(
            "SELECT rowid, bm25(transcripts_fts) AS rank FROM transcripts_fts "
            f"WHERE transcripts_fts MATCH :match {scope} ORDER BY rowid DESC LIMIT :cap"
        ),
        {**parameters, "cap": CANDIDATES},
    ).all()
    hits = sorted(((int(rowid), -float(rank) * TRANSCRIPT_WEIGHT) for rowid, rank in rows), key=lambda hit: -hit[1])
    if append:
        known = {rowid for rowid, _score in scored}
        return scored + [(rowid, -2.0) for rowid, _score in hits if rowid not in known][: limit - len(scored)]
    best = dict(scored)
    for rowid, score in hits[:limit]:
        best[rowid] = max(score, best.get(rowid, score))
    return sorted(best.items(), key=lambda hit: -hit[1])[:limit]


def index_transcript(
    session: Session, episode_id: int, text_: str, *, language: str | None = None, source_url: str | None = None
) -> None:
    """Store (or replace) ``episode_id``'s transcript text; search finds the episode by it at once.

    ``text_`` is plain text (join the cues' texts); flushes but does not commit the session.
    """
    from library.db.models import EpisodeTranscript

    row = session.get(EpisodeTranscript, episode_id)
    if row is None:
        session.add(EpisodeTranscript(episode_id=episode_id, text=text_, language=language, source_url=source_url))
    else:
        row.text, row.language, row.source_url = text_, language, source_url
    session.flush()


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
        results += _search_episodes(session, query, limit, podcast_id)
    results.sort(key=lambda result: result.score, reverse=True)
    return results[:limit]


def _parse_timestamp(value: object) -> datetime | None:
    """Raw SQL returns SQLite's stored naive-UTC text; the ORM type would have parsed it."""
    if value is None:
        return None
    parsed = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return parsed.replace(tzinfo=UTC)
