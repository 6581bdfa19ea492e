"""The "up next" queue: an ordered list of episode ids, with a hook for persistence.

The queue holds plain episode ids (the library's integer keys); it knows nothing of the database.
Every change emits :attr:`PlayQueue.changed` with the full new order, which the app stores; on
start the app builds the queue from what it stored.

    queue = PlayQueue([12, 15])
    queue.changed.connect(store_order)
    queue.play_next(20)       # [20, 12, 15]
    queue.pop_next()          # 20
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from player.hooks import Hook


class PlayQueue:
    """Episode ids in play order; an id appears at most once."""

    def __init__(self, episode_ids: Iterable[int] = ()) -> None:
        self._items: list[int] = []
        for episode_id in episode_ids:
            if episode_id not in self._items:
                self._items.append(episode_id)
        self.changed: Hook[[list[int]]] = Hook("queue.changed")
        """Emitted after every change with the new order (a copy)."""

    def __iter__(self) -> Iterator[int]:
        return iter(list(self._items))

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, episode_id: object) -> bool:
        return episode_id in self._items

    @property
    def items(self) -> list[int]:
        """The episode ids in play order (a copy)."""
        return list(self._items)

    def add(self, episode_id: int) -> bool:
        """Append ``episode_id`` at the end; False (and no change) if it is already queued."""
        if episode_id in self._items:
            return False
        self._items.append(episode_id)
        self._emit()
        return True

    def play_next(self, episode_id: int) -> None:
        """Put ``episode_id`` first, moving it there if it is already queued."""
        if self._items[:1] == [episode_id]:
            return
        if episode_id in self._items:
            self._items.remove(episode_id)
        self._items.insert(0, episode_id)
        self._emit()

    def remove(self, episode_id: int) -> bool:
        """Take ``episode_id`` out; False if it was not queued."""
        if episode_id not in self._items:
            return False
        self._items.remove(episode_id)
        self._emit()
        return True

    def move(self, episode_id: int, index: int) -> None:
        """Move a queued episode to ``index`` (0 is next; clamped to the ends).

        Raises KeyError if ``episode_id`` is not queued.
        """
        if episode_id not in self._items:
            raise KeyError(f"episode {episode_id} is not in the queue")
        current = self._items.index(episode_id)
        index = max(0, min(index, len(self._items) - 1))
        if index == current:
            return
        self._items.pop(current)
        self._items.insert(index, episode_id)
        self._emit()

    def pop_next(self) -> int | None:
        """Remove and return the first episode id, or None when the queue is empty."""
        if not self._items:
            return None
        episode_id = self._items.pop(0)
        self._emit()
        return episode_id

    def clear(self) -> None:
        """Empty the queue."""
        if self._items:
            self._items.clear()
            self._emit()

    def replace(self, episode_ids: Iterable[int]) -> None:
        """Set the whole order at once (duplicates dropped), e.g. after a drag-and-drop."""
        new: list[int] = []
        for episode_id in episode_ids:
            if episode_id not in new:
                new.append(episode_id)
        if new != self._items:
            self._items = new
            self._emit()

    def _emit(self) -> None:
        self.changed.emit(list(self._items))
