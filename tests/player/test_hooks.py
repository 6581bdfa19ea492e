"""Hooks: callbacks run in order, a failing listener does not stop the others."""

from __future__ import annotations

import logging

import pytest

from player.hooks import Hook


def test_every_listener_runs_in_order_even_after_one_fails(caplog: pytest.LogCaptureFixture) -> None:
    hook: Hook[[int]] = Hook("position_changed")
    calls: list[str] = []

    def broken(value: int) -> None:
        raise RuntimeError("listener bug")

    hook.connect(lambda value: calls.append(f"first {value}"))
    hook.connect(broken)
    second = hook.connect(lambda value: calls.append(f"second {value}"))
    with caplog.at_level(logging.ERROR):
        hook.emit(7)
    assert calls == ["first 7", "second 7"]
    assert "a position_changed listener failed" in caplog.text
    hook.disconnect(second)
    hook.disconnect(second)  # twice is harmless
    hook.emit(8)
    assert calls[-1] == "first 8" and len(hook) == 2
