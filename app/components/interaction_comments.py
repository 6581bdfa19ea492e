"""Comments near the moment playing, and the answers the creator published, as list models.

:class:`CommentsModel` keeps threads together: each comment in time order, its replies under it
(indented, with their own moment), replies to replies under those. A reply whose comment is not
in the list stands on its own with the reply mark. Text is always shown as plain text; a comment
its author edited ends with "(edited)".
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import IntEnum
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from app.models.flat_list import FlatListModel
from app.time_text import format_position_ms

if TYPE_CHECKING:
    from app.adapters.interactive import PinnedAnswer
    from protocol.interactive import InteractionPublic

_Index = QModelIndex | QPersistentModelIndex
REPLY_MARK = "↳"
MAX_DEPTH = 3
"""Deeper replies are indented like this level (the row stays readable)."""


class CommentRole(IntEnum):
    ROW = Qt.ItemDataRole.UserRole + 1
    """The :class:`protocol.interactive.InteractionPublic`."""
    ID = Qt.ItemDataRole.UserRole + 2
    """The comment's id on the service."""
    AT_MS = Qt.ItemDataRole.UserRole + 3
    """Its moment, milliseconds into the episode."""
    MINE = Qt.ItemDataRole.UserRole + 4
    """Whether the signed-in listener wrote it (they may edit or delete it)."""
    DEPTH = Qt.ItemDataRole.UserRole + 5
    """0 for a comment, 1 for a reply to it, and so on."""
    EDITED = Qt.ItemDataRole.UserRole + 6
    """Whether its author changed the text after posting it (the row says "(edited)")."""


class CommentsModel(QAbstractListModel):
    """Comments in threads; see the module docstring."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._items: dict[int, InteractionPublic] = {}
        self._rows: list[tuple[InteractionPublic, int]] = []
        self._own_name: str | None = None

    # -- contents ------------------------------------------------------------------------------------
    def set_comments(self, comments: Iterable[InteractionPublic]) -> None:
        """Replace the list (comments only; answers and other kinds are left out)."""
        self.beginResetModel()
        self._items = {item.id: item for item in comments if item.kind == "comment"}
        self._rows = self._threads()
        self.endResetModel()

    def upsert(self, item: InteractionPublic) -> None:
        """Add ``item`` or replace the comment of the same id (an edit), keeping the threads."""
        if item.kind != "comment":
            return
        self.beginResetModel()  # a new reply moves the rows after its comment: reset, the list is short
        self._items[item.id] = item
        self._rows = self._threads()
        self.endResetModel()

    def remove(self, comment_ids: Iterable[int]) -> None:
        """Drop these comments (hidden or deleted); their replies go with a deleted comment."""
        gone = {comment_id for comment_id in comment_ids if comment_id in self._items}
        if not gone:
            return
        self.beginResetModel()
        for comment_id in gone:
            del self._items[comment_id]
        self._rows = self._threads()
        self.endResetModel()

    def set_own_name(self, name: str | None) -> None:
        """The signed-in listener's username (``None`` signed out): their comments are marked."""
        if name != self._own_name:
            self._own_name = name
            if self._rows:
                self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, 0))

    def comments(self) -> list[InteractionPublic]:
        """The comments in the order shown."""
        return [item for item, _depth in self._rows]

    def comment(self, comment_id: int) -> InteractionPublic | None:
        return self._items.get(comment_id)

    def is_mine(self, item: InteractionPublic) -> bool:
        return self._own_name is not None and item.author == self._own_name

    def row_of(self, comment_id: int) -> int | None:
        for row, (item, _depth) in enumerate(self._rows):
            if item.id == comment_id:
                return row
        return None

    def _threads(self) -> list[tuple[InteractionPublic, int]]:
        by_parent: dict[int | None, list[InteractionPublic]] = {}
        for item in self._items.values():
            parent = item.parent_id if item.parent_id in self._items else None
            by_parent.setdefault(parent, []).append(item)
        for siblings in by_parent.values():
            siblings.sort(key=lambda item: (item.at_ms or 0, item.id))
        rows: list[tuple[InteractionPublic, int]] = []

        def walk(parent: int | None, depth: int) -> None:
            for item in by_parent.get(parent, ()):
                rows.append((item, depth))
                walk(item.id, depth + 1)

        walk(None, 0)
        return rows

    # -- Qt ------------------------------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows) or index.column() != 0:
            return None
        item, depth = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            moment = format_position_ms(item.at_ms or 0)
            if item.by_creator:
                author = self.tr("{author} (creator)").format(author=item.author)
            elif self.is_mine(item):
                author = self.tr("{author} (you)").format(author=item.author)
            else:
                author = item.author
            # One line per comment: newlines inside a comment would break the uniform rows.
            text = " ".join(item.text.split())
            line = f"{moment}  {author}: {text}"
            if item.edited_at is not None:
                line = "  ".join((line, self.tr("(edited)")))
            if depth == 0 and item.parent_id is None:
                return line
            return f"{'  ' * min(max(depth, 1), MAX_DEPTH)}{REPLY_MARK} {line}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return item.text
        if role == CommentRole.ROW:
            return item
        if role == CommentRole.ID:
            return item.id
        if role == CommentRole.AT_MS:
            return item.at_ms
        if role == CommentRole.MINE:
            return self.is_mine(item)
        if role == CommentRole.DEPTH:
            return depth
        if role == CommentRole.EDITED:
            return item.edited_at is not None
        return None


class PinnedAnswersModel(FlatListModel["PinnedAnswer"]):
    """The answers the creator published, one line each: the question, who answered, the answer."""

    def set_answers(self, answers: list[PinnedAnswer]) -> None:
        self.replace_rows(answers)

    def answers(self) -> list[PinnedAnswer]:
        return self.all_rows()

    def row_data(self, pinned: PinnedAnswer, role: int) -> Any:
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            text = " ".join(pinned.answer.text.split())
            if pinned.question:
                return self.tr("“{question}” {author}: {answer}").format(
                    question=" ".join(pinned.question.split()), author=pinned.answer.author, answer=text)
            return f"{pinned.answer.author}: {text}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return pinned.answer.text
        if role == CommentRole.ROW:
            return pinned.answer
        if role == CommentRole.ID:
            return pinned.answer.id
        return None
