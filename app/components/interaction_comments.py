"""Comments near the moment playing, as a list model: time, author and text of each."""

from __future__ import annotations

from enum import IntEnum
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from app.time_text import format_position_ms

if TYPE_CHECKING:
    from protocol.interactive import InteractionPublic

_Index = QModelIndex | QPersistentModelIndex


class CommentRole(IntEnum):
    ROW = Qt.ItemDataRole.UserRole + 1
    """The :class:`protocol.interactive.InteractionPublic`."""
    ID = Qt.ItemDataRole.UserRole + 2
    """The comment's id on the service."""
    AT_MS = Qt.ItemDataRole.UserRole + 3
    """Its moment, milliseconds into the episode."""


class CommentsModel(QAbstractListModel):
    """Comments in time order; the text is shown as plain text (never as markup)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[InteractionPublic] = []

    def set_comments(self, comments: list[InteractionPublic]) -> None:
        self.beginResetModel()
        self._rows = sorted((item for item in comments if item.kind == "comment"),
                            key=lambda item: (item.at_ms or 0, item.id))
        self.endResetModel()

    def comments(self) -> list[InteractionPublic]:
        return list(self._rows)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows) or index.column() != 0:
            return None
        item = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            moment = format_position_ms(item.at_ms or 0)
            author = self.tr("{author} (creator)").format(author=item.author) if item.by_creator else item.author
            # One line per comment: newlines inside a comment would break the uniform rows.
            text = " ".join(item.text.split())
            return f"{moment}  {author}: {text}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return item.text
        if role == CommentRole.ROW:
            return item
        if role == CommentRole.ID:
            return item.id
        if role == CommentRole.AT_MS:
            return item.at_ms
        return None
