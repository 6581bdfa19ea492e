"""The up-next queue: order operations and the persistence hook."""

from __future__ import annotations

import pytest

from player.queue import PlayQueue


def test_queue_operations_keep_order_and_report_every_change() -> None:
    stored: list[list[int]] = []
    queue = PlayQueue([1, 2, 2, 3])
    assert queue.items == [1, 2, 3]  # duplicates from storage are dropped
    queue.changed.connect(stored.append)

    assert queue.add(4) is True
    assert queue.add(2) is False  # already queued: nothing changes
    queue.play_next(3)
    queue.move(4, 1)
    assert queue.remove(1) is True
    assert queue.remove(99) is False
    assert queue.items == [3, 4, 2]
    assert stored == [[1, 2, 3, 4], [3, 1, 2, 4], [3, 4, 1, 2], [3, 4, 2]]

    assert queue.pop_next() == 3
    queue.move(2, -5)  # clamped to the front
    assert queue.items == [2, 4]
    queue.replace([4, 2, 4])
    assert queue.items == [4, 2]
    queue.clear()
    assert queue.items == [] and queue.pop_next() is None
    assert stored[-1] == []


def test_moving_an_episode_that_is_not_queued_is_an_error() -> None:
    with pytest.raises(KeyError, match="not in the queue"):
        PlayQueue([1]).move(5, 0)
