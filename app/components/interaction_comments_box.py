"""The comments side of the interaction panel: the answers the creator published, the comments
near the moment playing (threads, live), and the box to comment, reply, or edit one's own.

Select a comment to reply to it, report it, or, when it is the listener's own, edit or delete it.
Replying or editing shows what is being answered or changed above the text box, with a button to
stop. The box shows what it is given and asks for actions through signals; it knows no service.
Positions are milliseconds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelection, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QMenu,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.components.interaction_comments import CommentRole, CommentsModel, PinnedAnswersModel
from app.time_text import format_position_ms

if TYPE_CHECKING:
    from app.adapters.interactive import PinnedAnswer
    from protocol.interactive import InteractionPublic

MAX_COMMENT_CHARS = 2000


class InteractionCommentsBox(QWidget):
    comment_requested = Signal(str, int)
    """A new comment and the moment it belongs to (ms)."""
    reply_requested = Signal(str, int, int)
    """A reply, its moment (ms) and the id of the comment it answers."""
    edit_requested = Signal(int, str)
    """The listener's own comment id and its new text."""
    delete_requested = Signal(int)
    """The listener's own comment id, to delete (with its replies)."""
    report_requested = Signal(int, str)
    """Comment id and the reason."""
    comments_requested = Signal(int)
    """The listener wants the comments near this moment (ms)."""
    status_shown = Signal(str)
    """Something for the listener to read under the panel."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._signed_in = False
        self._position_ms = 0
        self._reply_to: int | None = None
        self._editing: int | None = None
        self.comments_model = CommentsModel(self)
        self.pinned_model = PinnedAnswersModel(self)
        self._setup_ui()
        self.set_signed_in(False)

    def _setup_ui(self) -> None:
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        self.pinned_label = QLabel(self.tr("Answers the creator published"))
        self.pinned_view = QListView()
        self.pinned_view.setAccessibleName(self.tr("Answers the creator published"))
        self.pinned_view.setUniformItemSizes(True)
        self.pinned_view.setModel(self.pinned_model)
        self.pinned_view.setMaximumHeight(48)
        column.addWidget(self.pinned_label)
        column.addWidget(self.pinned_view)

        header = QHBoxLayout()
        header.addWidget(QLabel(self.tr("Comments near this moment")), 1)
        self.refresh_comments_button = QToolButton()
        self.refresh_comments_button.setText(self.tr("Refresh"))
        self.refresh_comments_button.clicked.connect(lambda: self.comments_requested.emit(self._position_ms))
        self.reply_button = QToolButton()
        self.reply_button.setText(self.tr("Reply"))
        self.reply_button.setToolTip(self.tr("Reply to the selected comment"))
        self.reply_button.clicked.connect(self._on_reply_clicked)
        self.edit_button = QToolButton()
        self.edit_button.setText(self.tr("Edit"))
        self.edit_button.setToolTip(self.tr("Change your selected comment"))
        self.edit_button.clicked.connect(self._on_edit_clicked)
        self.delete_button = QToolButton()
        self.delete_button.setText(self.tr("Delete"))
        self.delete_button.setToolTip(self.tr("Delete your selected comment and the replies to it"))
        self.delete_button.clicked.connect(self._on_delete_clicked)
        self.report_button = QToolButton()
        self.report_button.setText(self.tr("Report…"))
        self.report_button.setToolTip(self.tr("Report the selected comment to the creator"))
        self.report_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.report_menu = QMenu(self.report_button)
        # The creator's moderation queue gets the reason in English; the listener reads it translated.
        for reason, text in (("spam", self.tr("Spam")), ("abusive or hateful", self.tr("Abusive or hateful")),
                             ("spoiler", self.tr("Spoiler")), ("off topic", self.tr("Off topic"))):
            self.report_menu.addAction(text).setData(reason)
        self.report_menu.triggered.connect(lambda action: self.report_selected(str(action.data())))
        self.report_button.setMenu(self.report_menu)
        for button in (self.refresh_comments_button, self.reply_button, self.edit_button, self.delete_button,
                       self.report_button):
            header.addWidget(button)
        column.addLayout(header)
        self.comments_view = QListView()
        self.comments_view.setAccessibleName(self.tr("Comments near this moment"))
        self.comments_view.setUniformItemSizes(True)
        self.comments_view.setModel(self.comments_model)
        self.comments_view.setMaximumHeight(120)
        self.comments_view.selectionModel().selectionChanged.connect(self._on_comments_view_selection_changed)
        self.comments_model.modelReset.connect(self._on_comments_model_reset)
        column.addWidget(self.comments_view)

        target = QHBoxLayout()
        self.target_label = QLabel()
        self.target_label.setWordWrap(True)
        self.cancel_target_button = QToolButton()
        self.cancel_target_button.setText(self.tr("Cancel"))
        self.cancel_target_button.clicked.connect(self.cancel_target)
        target.addWidget(self.target_label, 1)
        target.addWidget(self.cancel_target_button)
        column.addLayout(target)

        compose = QHBoxLayout()
        self.comment_edit = QLineEdit()
        self.comment_edit.setAccessibleName(self.tr("Your comment"))
        self.comment_edit.setMaxLength(MAX_COMMENT_CHARS)
        self.comment_edit.returnPressed.connect(self._on_comment_clicked)
        self.comment_button = QPushButton()
        self.comment_button.clicked.connect(self._on_comment_clicked)
        compose.addWidget(self.comment_edit, 1)
        compose.addWidget(self.comment_button)
        column.addLayout(compose)
        self.set_pinned_answers([])
        self.cancel_target()

    # -- state shown ---------------------------------------------------------------------------------
    def clear(self) -> None:
        """A new episode: no comments, no published answers, nothing being replied to or edited."""
        self.comments_model.set_comments([])
        self.set_pinned_answers([])
        self.cancel_target()

    def set_signed_in(self, signed_in: bool, own_name: str | None = None) -> None:
        """Signed in (as ``own_name``, whose comments can be edited and deleted) or not."""
        self._signed_in = signed_in
        self.comments_model.set_own_name(own_name if signed_in else None)
        self.comment_edit.setEnabled(signed_in)
        self.comment_button.setEnabled(signed_in)
        if not signed_in:
            self.cancel_target()
        self._update_buttons()

    def set_position(self, position_ms: int) -> None:
        self._position_ms = max(0, position_ms)
        self._update_compose()

    def show_comments(self, comments: list[InteractionPublic]) -> None:
        self.comments_model.set_comments(comments)

    def add_live_comment(self, item: InteractionPublic, near: bool) -> None:
        """A comment arrived or changed live. Shown when it is near the moment, already shown,
        a reply in a thread on screen, or the creator's reply (always worth seeing)."""
        model = self.comments_model
        shown = model.comment(item.id) is not None or (item.parent_id is not None and model.comment(item.parent_id))
        if not (near or shown or (item.by_creator and item.parent_id is not None)):
            return
        parent = model.comment(item.parent_id) if item.parent_id is not None else None
        model.upsert(item)
        if item.by_creator and parent is not None and model.is_mine(parent):
            self.status_shown.emit(self.tr("The creator replied to your comment: {text}").format(text=item.text))

    def remove_comments(self, comment_ids: list[int]) -> None:
        """Comments hidden or deleted: gone from the list, and no longer replied to or edited."""
        if self._reply_to in comment_ids or self._editing in comment_ids:
            self.cancel_target()
        self.comments_model.remove(comment_ids)

    def set_pinned_answers(self, answers: list[PinnedAnswer]) -> None:
        self.pinned_model.set_answers(answers)
        self.pinned_label.setVisible(bool(answers))
        self.pinned_view.setVisible(bool(answers))

    def selected_comment(self) -> InteractionPublic | None:
        index = self.comments_view.currentIndex()
        return index.data(CommentRole.ROW) if index.isValid() else None

    def select_comment(self, comment_id: int) -> bool:
        """Select the comment of ``comment_id`` (False when it is not in the list)."""
        row = self.comments_model.row_of(comment_id)
        if row is None:
            return False
        self.comments_view.setCurrentIndex(self.comments_model.index(row, 0))
        return True

    def report_selected(self, reason: str) -> None:
        """Report the comment selected in the list (nothing when none is selected)."""
        item = self.selected_comment()
        if item is not None:
            self.report_requested.emit(item.id, reason)

    def cancel_target(self) -> None:
        """Stop replying or editing: the box writes a new comment again."""
        if self._editing is not None:
            self.comment_edit.clear()
        self._reply_to = self._editing = None
        self.target_label.hide()
        self.cancel_target_button.hide()
        self._update_compose()

    # -- slots ---------------------------------------------------------------------------------------
    def _on_reply_clicked(self) -> None:
        item = self.selected_comment()
        if item is None or not self._signed_in:
            return
        self.cancel_target()
        self._reply_to = item.id
        self._show_target(self.tr("Replying to {author}: {text}").format(author=item.author,
                                                                           text=" ".join(item.text.split())))
        self.comment_edit.setFocus()

    def _on_edit_clicked(self) -> None:
        item = self.selected_comment()
        if item is None or not self._signed_in or not self.comments_model.is_mine(item):
            return
        self.cancel_target()
        self._editing = item.id
        self.comment_edit.setText(item.text)
        self._show_target(self.tr("Changing your comment at {time}").format(time=format_position_ms(item.at_ms or 0)))
        self.comment_edit.setFocus()

    def _on_delete_clicked(self) -> None:
        item = self.selected_comment()
        if item is None or not self._signed_in or not self.comments_model.is_mine(item):
            return
        if self._editing == item.id or self._reply_to == item.id:
            self.cancel_target()
        self.status_shown.emit(self.tr("Deleting your comment…"))
        self.delete_requested.emit(item.id)

    def _on_comment_clicked(self) -> None:
        text = self.comment_edit.text().strip()
        if not text or not self._signed_in:
            return
        reply_to, editing = self._reply_to, self._editing
        self._reply_to = self._editing = None
        self.comment_edit.clear()
        self.cancel_target()
        if editing is not None:
            self.status_shown.emit(self.tr("Your change is on its way."))
            self.edit_requested.emit(editing, text)
        elif reply_to is not None:
            self.status_shown.emit(self.tr("Your reply is on its way."))
            self.reply_requested.emit(text, self._position_ms, reply_to)
        else:
            self.status_shown.emit(self.tr("Your comment is on its way."))
            self.comment_requested.emit(text, self._position_ms)

    def _on_comments_view_selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self._update_buttons()

    def _on_comments_model_reset(self) -> None:
        # A comment being answered or edited may scroll out of the list as playback moves on: the
        # reply or the edit goes on (only a removal, above, ends it).
        self._update_buttons()

    # -- helpers -------------------------------------------------------------------------------------
    def _show_target(self, text: str) -> None:
        self.target_label.setText(text)
        self.target_label.show()
        self.cancel_target_button.show()
        self._update_compose()

    def _update_compose(self) -> None:
        time = format_position_ms(self._position_ms)
        if self._editing is not None:
            self.comment_button.setText(self.tr("Save change"))
            self.comment_edit.setPlaceholderText(self.tr("Your comment"))
        elif self._reply_to is not None:
            self.comment_button.setText(self.tr("Reply at {time}").format(time=time))
            self.comment_edit.setPlaceholderText(self.tr("Your reply"))
        else:
            self.comment_button.setText(self.tr("Comment at {time}").format(time=time))
            self.comment_edit.setPlaceholderText(self.tr("Comment on this moment"))

    def _update_buttons(self) -> None:
        item = self.selected_comment()
        mine = item is not None and self.comments_model.is_mine(item)
        self.reply_button.setEnabled(self._signed_in and item is not None)
        self.edit_button.setEnabled(self._signed_in and mine)
        self.delete_button.setEnabled(self._signed_in and mine)
        self.report_button.setEnabled(self._signed_in and item is not None and not mine)
