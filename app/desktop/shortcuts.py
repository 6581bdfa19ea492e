"""Keyboard shortcuts for everything in the now-playing bar, window-wide.

Space toggles play/pause except while typing in a text field (Qt gives the focused line edit the
key first, so a shortcut on Space never eats a typed space).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QWidget

from app.components.now_playing import NowPlayingBar


def install_shortcuts(window: QWidget, bar: NowPlayingBar) -> list[QShortcut]:
    """Create the shortcuts on ``window``; returns them (their tooltips name the keys)."""
    bindings: list[tuple[str, Callable[[], None]]] = [
        ("Ctrl+Space", bar.play_pause_requested.emit),
        ("Media Play", bar.play_pause_requested.emit),
        ("Media Pause", bar.play_pause_requested.emit),
        ("Media Toggle Play/Pause", bar.play_pause_requested.emit),
        ("Ctrl+Left", lambda: bar.skip_requested.emit(-bar.skip_back_ms)),
        ("Ctrl+Right", lambda: bar.skip_requested.emit(bar.skip_forward_ms)),
        ("Ctrl+Shift+Right", bar.next_chapter_requested.emit),
        ("Ctrl+Shift+Left", bar.previous_chapter_requested.emit),
        ("Media Next", bar.next_chapter_requested.emit),
        ("Media Previous", bar.previous_chapter_requested.emit),
        ("Ctrl+]", lambda: bar.change_speed_by(1)),
        ("Ctrl+[", lambda: bar.change_speed_by(-1)),
        ("Ctrl+Up", lambda: bar.volume_slider.setValue(bar.volume_slider.value() + 5)),
        ("Ctrl+Down", lambda: bar.volume_slider.setValue(bar.volume_slider.value() - 5)),
        ("Ctrl+T", lambda: bar.sleep_button.showMenu()),
    ]
    shortcuts = []
    for keys, action in bindings:
        shortcut = QShortcut(QKeySequence(keys), window)
        shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        shortcut.activated.connect(action)
        shortcuts.append(shortcut)
    bar.play_button.setToolTip(f"{bar.play_button.toolTip()} (Ctrl+Space)")
    bar.skip_back_button.setToolTip(f"{bar.skip_back_button.toolTip()} (Ctrl+Left)")
    bar.skip_forward_button.setToolTip(f"{bar.skip_forward_button.toolTip()} (Ctrl+Right)")
    return shortcuts
