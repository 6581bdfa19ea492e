"""Guards the Qt binding itself: PySide6 6.12.0 under Python 3.11 dropped a reference to None on
every void call, and the app died with "deallocating None" after a few thousand calls."""

from __future__ import annotations

import gc
import sys

from PySide6.QtWidgets import QLabel


def test_void_qt_calls_keep_none_alive(qapp) -> None:
    label = QLabel()
    gc.collect()
    before = sys.getrefcount(None)
    for _ in range(2_000):
        label.setText("Castwise")
    gc.collect()
    assert sys.getrefcount(None) - before > -100
