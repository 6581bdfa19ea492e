"""PODCAST and EPISODE references: ids, feed URLs (with or without their secret), guids."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from library.db import Library, open_library
from library.db.lookup import AmbiguousReferenceError, resolve_episode, resolve_podcast
from library.db.models import Episode, Podcast
from library.errors import NotFoundError


@pytest.fixture
def library() -> Iterator[Library]:
    with open_library() as opened:
        with opened.transaction() as session:
            first = Podcast(feed_url="https://example.org/a.xml", title="Alpha", podcast_guid="guid-alpha")
            second = Podcast(feed_url="https://example.org/members?x=1", title="Beta")
            session.add_all([first, second])
            session.add_all(
                [
                    Episode(podcast=first, guid="shared", title="A1", enclosure_url="https://m.example.org/a1.mp3"),
                    Episode(podcast=second, guid="shared", title="B1"),
                    Episode(podcast=second, guid="12345", title="Numeric guid"),
                ]
            )
        yield opened


def test_podcast_by_id_url_private_url_guid_and_title(library: Library) -> None:
    with library.session() as session:
        assert resolve_podcast(session, "1").title == "Alpha"
        assert resolve_podcast(session, " https://example.org/a.xml ").title == "Alpha"
        # The private address the listener pasted finds the podcast stored without its token.
        assert resolve_podcast(session, "https://u:p@example.org/members?auth=t0k&x=1").title == "Beta"
        assert resolve_podcast(session, "guid-alpha").title == "Alpha"
        assert resolve_podcast(session, "beta").title == "Beta"
        with pytest.raises(NotFoundError, match="castwise list"):
            resolve_podcast(session, "99")
        with pytest.raises(NotFoundError) as raised:
            resolve_podcast(session, "https://example.org/none.xml?auth=sekrit")
        assert "sekrit" not in raised.value.message


def test_episode_by_id_guid_enclosure_and_ambiguity(library: Library) -> None:
    with library.session() as session:
        assert resolve_episode(session, "1").title == "A1"
        assert resolve_episode(session, "https://m.example.org/a1.mp3").title == "A1"
        with pytest.raises(AmbiguousReferenceError, match="ids 1, 2"):
            resolve_episode(session, "shared")
        assert resolve_episode(session, "shared", podcast_id=2).title == "B1"
        # An all-digit guid that is not an id still resolves as a guid.
        assert resolve_episode(session, "12345").title == "Numeric guid"
        with pytest.raises(NotFoundError):
            resolve_episode(session, "")
