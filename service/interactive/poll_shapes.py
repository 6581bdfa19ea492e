"""What a worker remembers of polls: the parts that never change after a poll is created (its
episode, show, kind and options), so checking a vote's options costs no query."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from service.deps import not_found
from service.interactive.models import Interaction, InteractiveEpisode, PollOption


@dataclass(frozen=True)
class PollShape:
    """The parts of a poll that never change after it is created."""

    poll_id: int
    episode_id: int
    show_id: int
    multiple: bool
    option_ids: frozenset[int]


class PollShapes:
    """A worker's memory of poll shapes (bounded: polls are few and small)."""

    def __init__(self, limit: int = 10_000) -> None:
        self._limit = limit
        self._lock = threading.Lock()
        self._shapes: dict[int, PollShape] = {}

    def known(self, poll_id: int) -> bool:
        with self._lock:
            return poll_id in self._shapes

    def get(self, sessions: sessionmaker[Session], poll_id: int) -> PollShape:
        """The shape of ``poll_id`` (a session from ``sessions`` only when it is not known yet);
        404 when there is no such poll."""
        with self._lock:
            shape = self._shapes.get(poll_id)
        if shape is not None:
            return shape
        with sessions() as db:
            return self._load(db, poll_id)

    def _load(self, db: Session, poll_id: int) -> PollShape:
        row = db.execute(select(Interaction.episode_id, Interaction.multiple, InteractiveEpisode.show_id)
                         .join(InteractiveEpisode, InteractiveEpisode.id == Interaction.episode_id)
                         .where(Interaction.id == poll_id, Interaction.kind == "poll")).first()
        if row is None:
            raise not_found("no such poll")
        options = frozenset(db.scalars(select(PollOption.id).where(PollOption.poll_id == poll_id)))
        shape = PollShape(poll_id=poll_id, episode_id=row[0], multiple=bool(row[1]), show_id=row[2],
                          option_ids=options)
        with self._lock:
            if len(self._shapes) >= self._limit:
                self._shapes.clear()
            self._shapes[poll_id] = shape
        return shape
