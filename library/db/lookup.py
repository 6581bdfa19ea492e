"""Finding the podcast or episode a listener names on the command line (or anywhere else).

Every command that takes PODCAST or EPISODE (``unsubscribe``, ``episodes``, ``play``,
``download``, ``rate``, ``similar``...) resolves it here, so they all accept the same things:

- PODCAST: the numeric library id that ``castwise list`` prints, the feed URL (with or without
  its private token or credentials), or the ``podcast:guid``; an exact title also works when it
  is unique.
- EPISODE: the numeric library id that ``castwise episodes`` prints, the episode's guid, or its
  enclosure URL.

A reference that matches nothing, or more than one thing, raises :class:`NotFoundError` with a
message the listener can act on.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from library.db.models import Episode, Podcast
from library.errors import NotFoundError
from library.redact import public_url, redact_url


class AmbiguousReferenceError(NotFoundError):
    """The reference matches several rows; the message lists their ids."""


def _as_id(reference: str) -> int | None:
    reference = reference.strip()
    return int(reference) if reference.isdigit() else None


def resolve_podcast(session: Session, reference: str) -> Podcast:
    """The podcast ``reference`` names (id, feed URL, podcast:guid or unique exact title)."""
    reference = reference.strip()
    if not reference:
        raise NotFoundError("No podcast given.")
    library_id = _as_id(reference)
    if library_id is not None:
        podcast = session.get(Podcast, library_id)
        if podcast is not None:
            return podcast
    if "://" in reference:
        found = session.scalars(
            select(Podcast).where(Podcast.feed_url.in_({reference, public_url(reference)}))
        ).first()
        if found is not None:
            return found
        raise NotFoundError(f"No subscription with the feed URL {redact_url(reference)}.")
    for column in (Podcast.podcast_guid, func.lower(Podcast.title)):
        value = reference.lower() if column is not Podcast.podcast_guid else reference
        matches = session.scalars(select(Podcast).where(column == value).limit(6)).all()
        if len(matches) == 1:
            return matches[0]
        if matches:
            ids = ", ".join(str(podcast.id) for podcast in matches)
            raise AmbiguousReferenceError(f"{reference!r} matches several podcasts (ids {ids}); give the id.")
    raise NotFoundError(f"No podcast {reference!r} in the library (see `castwise list` for ids).")


def resolve_episode(session: Session, reference: str, *, podcast_id: int | None = None) -> Episode:
    """The episode ``reference`` names (id, guid or enclosure URL), optionally within one podcast."""
    reference = reference.strip()
    if not reference:
        raise NotFoundError("No episode given.")
    library_id = _as_id(reference)
    if library_id is not None:
        episode = session.get(Episode, library_id)
        if episode is not None and (podcast_id is None or episode.podcast_id == podcast_id):
            return episode
    for column in (Episode.guid, Episode.enclosure_url):
        query = select(Episode).where(column == reference)
        if podcast_id is not None:
            query = query.where(Episode.podcast_id == podcast_id)
        matches = session.scalars(query.limit(6)).all()
        if len(matches) == 1:
            return matches[0]
        if matches:
            ids = ", ".join(str(episode.id) for episode in matches)
            raise AmbiguousReferenceError(f"{reference!r} matches several episodes (ids {ids}); give the id.")
    shown = redact_url(reference) if "://" in reference else repr(reference)
    raise NotFoundError(f"No episode {shown} in the library (see `castwise episodes PODCAST` for ids).")
