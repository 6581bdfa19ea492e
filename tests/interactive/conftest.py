"""Account client fixtures: the real service on 127.0.0.1, and a library on this "machine"."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from library.db.engine import Library, open_library
from library.paths import resolve_paths
from tests.account.liveservice import LiveService


@pytest.fixture
def service(tmp_path: Path) -> Iterator[LiveService]:
    running = LiveService(tmp_path / "service").start()
    yield running
    running.close()


@pytest.fixture
def library(castwise_home: Path) -> Iterator[Library]:
    opened = open_library(resolve_paths())
    yield opened
    opened.close()
