"""The navigation sidebar: one entry per page, with icons and accessible names."""

from __future__ import annotations

from PySide6.QtCore import QSize, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWidget


class Sidebar(QListWidget):
    """Emits :attr:`page_selected` with the key of the entry the listener chose."""

    page_selected = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._keys: list[str] = []
        self.setIconSize(QSize(20, 20))
        self.setUniformItemSizes(True)
        self.setFixedWidth(150)
        self.setAccessibleName(self.tr("Sections"))
        self.currentRowChanged.connect(self._on_self_current_row_changed)

    def add_page(self, key: str, text: str, icon: QIcon) -> None:
        item = QListWidgetItem(icon, text)
        item.setToolTip(text)
        self.addItem(item)
        self._keys.append(key)

    def select(self, key: str) -> None:
        self.setCurrentRow(self._keys.index(key))

    def current_key(self) -> str | None:
        row = self.currentRow()
        return self._keys[row] if 0 <= row < len(self._keys) else None

    def _on_self_current_row_changed(self, row: int) -> None:
        if 0 <= row < len(self._keys):
            self.page_selected.emit(self._keys[row])
