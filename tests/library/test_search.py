"""Full-text search: ranking, prefixes, accents, literal punctuation and Chinese that works."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from library.db import Library, open_library
from library.db.models import Episode, Podcast
from library.search import search

# Real titles of Chinese-language podcasts and episodes.
CHINESE_TITLES = [
    "忽左忽右：中国历史上的丝绸之路",
    "历史学家如何读《史记》",
    "文化有限：看理想的读书会",
    "声东击西 | 美国历史上的大萧条",
    "日本战国时代的历史与传说",
    "科技早知道：人工智能的未来",
]


@pytest.fixture
def library() -> Iterator[Library]:
    with open_library() as opened:
        with opened.transaction() as session:
            history = Podcast(feed_url="https://example.org/history.xml", title="The Rest Is History",
                              author="Goalhanger", description="Two historians on the past.")
            chinese = Podcast(feed_url="https://example.org/zh.xml", title="随机波动", author="傅适野")
            cafe = Podcast(feed_url="https://example.org/cafe.xml", title="Café Society",
                           description="Conversations at the café.")
            session.add_all([history, chinese, cafe])
            session.add_all(
                [
                    Episode(podcast=history, guid="h1", title="The fall of Rome",
                            description="<p>Gibbon, decline &amp; fall.</p>",
                            published=datetime(2024, 1, 1, tzinfo=UTC)),
                    Episode(podcast=history, guid="h2", title="Meditations of Marcus Aurelius",
                            description="<p>Stoic philosophy and an emperor's notebook.</p>"),
                    Episode(podcast=history, guid="h3", title="Napoleon in Egypt",
                            description="<p>Scholars, soldiers and the Rosetta stone; not about Rome.</p>"),
                    Episode(podcast=cafe, guid="c1", title="Crème brûlée at the café", description="Dessert."),
                    *[Episode(podcast=chinese, guid=f"zh{i}", title=title) for i, title in enumerate(CHINESE_TITLES)],
                ]
            )
        yield opened


def titles(library: Library, query: str, **kwargs: object) -> list[str]:
    with library.session() as session:
        return [result.title for result in search(session, query, 20, **kwargs)]  # type: ignore[arg-type]


def test_a_two_character_chinese_query_finds_every_title_containing_it(library: Library) -> None:
    found = titles(library, "历史")
    assert sorted(found) == sorted(title for title in CHINESE_TITLES if "历史" in title)
    assert len(found) == 4


def test_longer_and_single_character_chinese_queries(library: Library) -> None:
    assert titles(library, "中国历史") == ["忽左忽右：中国历史上的丝绸之路"]
    assert titles(library, "人工智能") == ["科技早知道：人工智能的未来"]
    assert titles(library, "史记") == ["历史学家如何读《史记》"]
    assert set(titles(library, "国历史上")) == {"忽左忽右：中国历史上的丝绸之路", "声东击西 | 美国历史上的大萧条"}
    # The characters must be adjacent: 中 and 史 in one title do not make 中史.
    assert titles(library, "中史") == []
    assert set(titles(library, "史")) == {t for t in CHINESE_TITLES if "史" in t}
    assert titles(library, "波动") == ["随机波动"]  # a podcast title


def test_ranked_title_matches_first_and_both_kinds_returned(library: Library) -> None:
    with library.session() as session:
        results = search(session, "rome", 20)
    assert [(r.kind, r.title) for r in results] == [("episode", "The fall of Rome"), ("episode", "Napoleon in Egypt")]
    assert results[0].score > results[1].score
    assert results[0].podcast_title == "The Rest Is History"
    assert results[0].published == datetime(2024, 1, 1, tzinfo=UTC)
    with library.session() as session:
        kinds = {r.kind for r in search(session, "history", 20)}
    assert kinds == {"podcast"}


def test_prefix_accents_html_and_literal_syntax(library: Library) -> None:
    assert titles(library, "medit") == ["Meditations of Marcus Aurelius"]  # prefix of the last word
    assert titles(library, "marcus aur") == ["Meditations of Marcus Aurelius"]
    assert "Crème brûlée at the café" in titles(library, "creme brulee")
    assert titles(library, "amp") == []  # entities in descriptions are not words
    assert titles(library, "decline & fall") == ["The fall of Rome"]
    for hostile in ('"', "AND", "rome OR", "-rome", "title:rome", "NEAR(", "*", "((", "   "):
        titles(library, hostile)  # FTS5 syntax in a query is literal text, never an error
    assert titles(library, "title:rome") == []


def test_search_within_one_podcast_and_after_changes(library: Library) -> None:
    with library.session() as session:
        cafe = session.scalars(select(Podcast).where(Podcast.title == "Café Society")).one()
        history_id = session.scalars(select(Podcast.id).where(Podcast.title == "The Rest Is History")).one()
    assert titles(library, "the", podcast_id=cafe.id) == ["Crème brûlée at the café"]
    with library.transaction() as session:
        session.delete(session.get(Podcast, cafe.id))
        session.scalars(select(Episode).where(Episode.guid == "h3")).one().title = "Napoleon at Waterloo"
    assert titles(library, "café") == []
    assert titles(library, "waterloo", podcast_id=history_id) == ["Napoleon at Waterloo"]
    assert titles(library, "egypt") == []


def test_transcripts_are_searchable_and_rank_below_titles(library: Library) -> None:
    from library.search import index_transcript

    with library.transaction() as session:
        egypt = session.scalars(select(Episode).where(Episode.guid == "h3")).one()
        rome = session.scalars(select(Episode).where(Episode.guid == "h1")).one()
        index_transcript(session, egypt.id, "Champollion read the hieroglyphs; Gibbon never did.", language="en")
    assert titles(library, "hieroglyphs") == ["Napoleon in Egypt"]
    assert titles(library, "gibbon") == ["The fall of Rome", "Napoleon in Egypt"]  # description beats transcript
    assert titles(library, "hieroglyphs", podcast_id=rome.podcast_id) == ["Napoleon in Egypt"]
    with library.transaction() as session:
        index_transcript(session, egypt.id, "A new transcript about obelisks.")
    assert titles(library, "hieroglyphs") == []
    assert titles(library, "obelisks") == ["Napoleon in Egypt"]
    with library.transaction() as session:
        session.delete(session.get(Podcast, rome.podcast_id))
    assert titles(library, "obelisks") == []


def test_japanese_and_korean_titles(library: Library) -> None:
    with library.transaction() as session:
        podcast = session.scalars(select(Podcast).where(Podcast.title == "随机波动")).one()
        session.add_all(
            [
                Episode(podcast=podcast, guid="ja1", title="ゆる言語学ラジオ：日本語の歴史"),
                Episode(podcast=podcast, guid="ko1", title="지대넓얕: 한국사의 역사적 순간들"),
            ]
        )
    assert titles(library, "日本語") == ["ゆる言語学ラジオ：日本語の歴史"]
    assert titles(library, "言語学") == ["ゆる言語学ラジオ：日本語の歴史"]
    assert titles(library, "ラジオ") == ["ゆる言語学ラジオ：日本語の歴史"]
    assert titles(library, "한국사") == ["지대넓얕: 한국사의 역사적 순간들"]  # inside 한국사의
    assert titles(library, "역사") == ["지대넓얕: 한국사의 역사적 순간들"]
