"""Light, dark and system themes: Qt's Fusion style with a palette, plus a small style sheet."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

THEMES_DIR = Path(__file__).resolve().parent.parent / "resources" / "themes"

_DARK = {
    QPalette.ColorRole.Window: "#202225",
    QPalette.ColorRole.WindowText: "#e6e6e6",
    QPalette.ColorRole.Base: "#17181a",
    QPalette.ColorRole.AlternateBase: "#1f2023",
    QPalette.ColorRole.Text: "#e6e6e6",
    QPalette.ColorRole.Button: "#2a2c30",
    QPalette.ColorRole.ButtonText: "#e6e6e6",
    QPalette.ColorRole.Highlight: "#3d8bfd",
    QPalette.ColorRole.HighlightedText: "#ffffff",
    QPalette.ColorRole.ToolTipBase: "#2a2c30",
    QPalette.ColorRole.ToolTipText: "#e6e6e6",
    QPalette.ColorRole.PlaceholderText: "#8a8d93",
    QPalette.ColorRole.Link: "#6aa8ff",
    QPalette.ColorRole.Mid: "#4a4d52",
}
_LIGHT = {
    QPalette.ColorRole.Window: "#f5f6f7",
    QPalette.ColorRole.WindowText: "#1d1f22",
    QPalette.ColorRole.Base: "#ffffff",
    QPalette.ColorRole.AlternateBase: "#f2f4f7",
    QPalette.ColorRole.Text: "#1d1f22",
    QPalette.ColorRole.Button: "#eceef1",
    QPalette.ColorRole.ButtonText: "#1d1f22",
    QPalette.ColorRole.Highlight: "#2f74e0",
    QPalette.ColorRole.HighlightedText: "#ffffff",
    QPalette.ColorRole.ToolTipBase: "#ffffff",
    QPalette.ColorRole.ToolTipText: "#1d1f22",
    QPalette.ColorRole.PlaceholderText: "#80848a",
    QPalette.ColorRole.Link: "#2f74e0",
    QPalette.ColorRole.Mid: "#c4c7cc",
}


def resolve_theme(name: str) -> str:
    """``light`` or ``dark``: ``system`` follows the platform's colour scheme."""
    if name in ("light", "dark"):
        return name
    hints = QGuiApplication.styleHints()
    return "dark" if hints.colorScheme() == Qt.ColorScheme.Dark else "light"


def apply_theme(name: str, application: QApplication | None = None) -> str:
    """Apply ``light``, ``dark`` or ``system``; returns the theme actually applied."""
    app = application or QApplication.instance()
    assert isinstance(app, QApplication)
    resolved = resolve_theme(name)
    app.setStyle("Fusion")
    palette = QPalette()
    for role, colour in (_DARK if resolved == "dark" else _LIGHT).items():
        palette.setColor(role, QColor(colour))
    app.setPalette(palette)
    sheet = THEMES_DIR / f"{resolved}.qss"
    app.setStyleSheet(sheet.read_text(encoding="utf-8") if sheet.is_file() else "")
    return resolved
