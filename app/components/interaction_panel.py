"""The panel above the seek bar for the playing episode's polls, questions and comments.

When playback reaches a poll it offers the options and a Vote button; the results appear only
after voting (as the service shows them) and follow the live tallies. A question offers an answer
box and the consent checkbox that lets the creator publish (pin) the answer. Below, the comments
near the current moment can be read (in threads, live), replied to and reported, the listener's
own edited or deleted, and a new one posted at the moment playing; the answers the creator
published are listed above them.
Signed out, the panel says that voting needs an account and offers to sign in.

The panel shows what it is given and asks for actions through signals; it knows no service.
Positions are milliseconds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.components.interaction_comments_box import InteractionCommentsBox

if TYPE_CHECKING:
    from app.adapters.interactive import PinnedAnswer
    from protocol.interactive import InteractionPublic, PollPublic, PollTally

MAX_ANSWER_CHARS = 2000


class InteractionPanel(QFrame):
    vote_requested = Signal(int, list)
    """Poll id and the chosen option ids."""
    answer_requested = Signal(int, str, bool)
    """Question id, the answer, and whether the creator may publish it."""
    comment_requested = Signal(str, int)
    """The comment and the moment it belongs to (ms)."""
    reply_requested = Signal(str, int, int)
    """A reply, its moment (ms) and the id of the comment it answers."""
    edit_requested = Signal(int, str)
    """The listener's own comment id and its new text."""
    delete_requested = Signal(int)
    """The listener's own comment id, to delete with its replies."""
    report_requested = Signal(int, str)
    """Comment id and the reason."""
    sign_in_requested = Signal()
    comments_requested = Signal(int)
    """The listener wants the comments near this moment (ms)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._signed_in = False
        self._position_ms = 0
        self._poll: PollPublic | None = None
        self._voted_poll_ids: set[int] = set()
        self._question_id: int | None = None
        self._option_buttons: dict[int, QAbstractButton] = {}
        self._result_bars: dict[int, QProgressBar] = {}
        self._setup_ui()
        self.set_signed_in(False)

    def _setup_ui(self) -> None:
        self.setObjectName("interactionPanel")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 6, 8, 6)
        self.title_label = QLabel(self.tr("Polls and comments"))
        self.title_label.setStyleSheet("font-weight: bold")
        self.prompt_label = QLabel()
        self.prompt_label.setWordWrap(True)
        self.prompt_label.setTextFormat(Qt.TextFormat.PlainText)  # a creator's text, never markup
        self.prompt_label.setAccessibleName(self.tr("Poll or question"))
        outer.addWidget(self.title_label)
        outer.addWidget(self.prompt_label)

        self.stack = QStackedWidget()
        self.idle_page = QLabel(self.tr("Polls and questions appear here when the episode reaches them."))
        self.idle_page.setWordWrap(True)
        self.stack.addWidget(self.idle_page)

        self.poll_page = QWidget()
        poll_layout = QVBoxLayout(self.poll_page)
        poll_layout.setContentsMargins(0, 0, 0, 0)
        self.options_box = QVBoxLayout()
        poll_layout.addLayout(self.options_box)
        self.vote_button = QPushButton(self.tr("Vote"))
        self.vote_button.clicked.connect(self._on_vote_clicked)
        poll_layout.addWidget(self.vote_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.results_box = QVBoxLayout()
        poll_layout.addLayout(self.results_box)
        self.total_label = QLabel()
        poll_layout.addWidget(self.total_label)
        self.stack.addWidget(self.poll_page)

        self.question_page = QWidget()
        question_layout = QVBoxLayout(self.question_page)
        question_layout.setContentsMargins(0, 0, 0, 0)
        self.answer_edit = QPlainTextEdit()
        self.answer_edit.setAccessibleName(self.tr("Your answer"))
        self.answer_edit.setPlaceholderText(self.tr("Your answer (only the creator sees it)"))
        self.answer_edit.setMaximumHeight(70)
        self.consent_check = QCheckBox(self.tr("The creator may publish my answer"))
        self.send_answer_button = QPushButton(self.tr("Send answer"))
        self.send_answer_button.clicked.connect(self._on_send_answer_clicked)
        question_layout.addWidget(self.answer_edit)
        question_layout.addWidget(self.consent_check)
        question_layout.addWidget(self.send_answer_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.stack.addWidget(self.question_page)

        self.signed_out_page = QWidget()
        signed_out = QVBoxLayout(self.signed_out_page)
        signed_out.setContentsMargins(0, 0, 0, 0)
        self.signed_out_label = QLabel(self.tr("Voting, answering and commenting need a Castwise account. You can read the comments without one."))
        self.signed_out_label.setWordWrap(True)
        self.sign_in_button = QPushButton(self.tr("Sign in…"))
        self.sign_in_button.clicked.connect(self.sign_in_requested)
        signed_out.addWidget(self.signed_out_label)
        signed_out.addWidget(self.sign_in_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.stack.addWidget(self.signed_out_page)
        # The poll or question on the left, the comments near the moment on the right: the panel
        # stays low, so the library above keeps its room.
        body = QHBoxLayout()
        body.addWidget(self.stack, 1)
        self.comments_box = InteractionCommentsBox()
        body.addWidget(self.comments_box, 1)
        outer.addLayout(body)
        box = self.comments_box
        # The box's parts, by the names the window and screen readers have always used.
        self.comments_model, self.comments_view = box.comments_model, box.comments_view
        self.comment_edit, self.comment_button = box.comment_edit, box.comment_button
        self.report_button, self.report_menu = box.report_button, box.report_menu
        self.refresh_comments_button = box.refresh_comments_button
        for signal, relay in ((box.comment_requested, self.comment_requested),
                              (box.reply_requested, self.reply_requested),
                              (box.edit_requested, self.edit_requested),
                              (box.delete_requested, self.delete_requested),
                              (box.report_requested, self.report_requested),
                              (box.comments_requested, self.comments_requested)):
            signal.connect(relay)
        box.status_shown.connect(self.show_status)
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.status_label.setAccessibleName(self.tr("Poll and comment messages"))
        outer.addWidget(self.status_label)
        self.set_position(0)

    # -- state shown ---------------------------------------------------------------------------------
    def clear(self) -> None:
        """A new episode: nothing offered yet."""
        self._poll = None
        self._question_id = None
        self._voted_poll_ids.clear()
        self.prompt_label.clear()
        self.title_label.setText(self.tr("Polls and comments"))
        self.comments_box.clear()
        self.status_label.clear()
        self.stack.setCurrentWidget(self.idle_page if self._signed_in else self.signed_out_page)

    def set_signed_in(self, signed_in: bool, own_name: str | None = None) -> None:
        """Signed in (as ``own_name``: their comments can be edited and deleted) or not."""
        self._signed_in = signed_in
        self.comments_box.set_signed_in(signed_in, own_name)
        if not signed_in:
            self.stack.setCurrentWidget(self.signed_out_page)
        elif self.stack.currentWidget() is self.signed_out_page:
            self.stack.setCurrentWidget(self.poll_page if self._poll is not None else self.idle_page)

    def set_position(self, position_ms: int) -> None:
        self._position_ms = max(0, position_ms)
        self.comments_box.set_position(self._position_ms)

    def offer_poll(self, poll_id: int, prompt: str) -> None:
        """Playback reached poll ``poll_id``: show its prompt (its options follow with :meth:`show_poll`)."""
        self.title_label.setText(self.tr("Poll"))
        self.prompt_label.setText(prompt)
        self._question_id = None
        if self._poll is None or self._poll.id != poll_id:
            self._clear_layout(self.options_box)
            self._clear_layout(self.results_box)
            self.total_label.clear()
        self.stack.setCurrentWidget(self.poll_page if self._signed_in else self.signed_out_page)

    def show_poll(self, poll: PollPublic) -> None:
        """The poll's options, or its results once this account has voted."""
        same = self._poll is not None and self._poll.id == poll.id
        self._poll = poll
        self.title_label.setText(self.tr("Poll"))
        self.prompt_label.setText(poll.prompt)
        voted = poll.my_option_ids is not None or poll.id in self._voted_poll_ids
        if not same or not self._option_buttons:
            self._build_options(poll)
        for option_id, button in self._option_buttons.items():
            button.setEnabled(not voted and poll.is_open)
            button.setChecked(option_id in (poll.my_option_ids or []) or (button.isChecked() and not voted))
        self.vote_button.setEnabled(not voted and poll.is_open)
        self.vote_button.setText(self.tr("Voted") if voted else self.tr("Vote"))
        if poll.total_votes is not None and all(option.votes is not None for option in poll.options):
            self._show_results({option.id: option.votes or 0 for option in poll.options}, poll.total_votes)
        elif not poll.is_open:
            self.status_label.setText(self.tr("This poll is closed."))
        self.stack.setCurrentWidget(self.poll_page if self._signed_in else self.signed_out_page)

    def show_tally(self, tally: PollTally) -> None:
        """A live tally: shown when it is the poll on screen and its counts are visible to us."""
        if self._poll is None or tally.poll_id != self._poll.id:
            return
        if not tally.is_open and self._poll.is_open:  # the creator closed it just now
            self._poll = self._poll.model_copy(update={"is_open": False})
            for button in self._option_buttons.values():
                button.setEnabled(False)
            self.vote_button.setEnabled(False)
            if self._poll.id not in self._voted_poll_ids and self._poll.my_option_ids is None:
                self.status_label.setText(self.tr("This poll is closed."))
        if tally.counts is not None:
            self._show_results({int(key): value for key, value in tally.counts.items()}, tally.total)

    def offer_question(self, question_id: int, prompt: str) -> None:
        self.title_label.setText(self.tr("Question"))
        self.prompt_label.setText(prompt)
        self._question_id = question_id
        self.answer_edit.clear()
        self.consent_check.setChecked(False)
        self.send_answer_button.setEnabled(True)
        self.stack.setCurrentWidget(self.question_page if self._signed_in else self.signed_out_page)

    def show_comments(self, comments: list[InteractionPublic]) -> None:
        self.comments_box.show_comments(comments)

    def add_live_comment(self, item: InteractionPublic, near: bool) -> None:
        """A comment or reply arrived or was edited live (see :meth:`InteractionCommentsBox.add_live_comment`)."""
        self.comments_box.add_live_comment(item, near)

    def remove_comments(self, comment_ids: list[int]) -> None:
        self.comments_box.remove_comments(comment_ids)

    def set_pinned_answers(self, answers: list[PinnedAnswer]) -> None:
        """The answers the creator published to the episode's questions."""
        self.comments_box.set_pinned_answers(answers)

    def show_status(self, text: str) -> None:
        self.status_label.setText(text)

    def results_text(self) -> list[str]:
        """The results as shown, one line per option (tests and screen readers read these)."""
        return [bar.text() for bar in self._result_bars.values()]

    def option_buttons(self) -> dict[int, QAbstractButton]:
        """The choice buttons of the poll on screen, by option id."""
        return dict(self._option_buttons)

    def report_selected(self, reason: str) -> None:
        """Report the comment selected in the list (nothing when none is selected)."""
        self.comments_box.report_selected(reason)

    def mark_voted(self, poll_id: int) -> None:
        """The vote for ``poll_id`` is stored and on its way: no second vote from this panel."""
        self._voted_poll_ids.add(poll_id)
        if self._poll is not None and self._poll.id == poll_id:
            for button in self._option_buttons.values():
                button.setEnabled(False)
            self.vote_button.setEnabled(False)
            self.vote_button.setText(self.tr("Voted"))

    # -- slots ---------------------------------------------------------------------------------------
    def _on_vote_clicked(self) -> None:
        if self._poll is None:
            return
        chosen = [option_id for option_id, button in self._option_buttons.items() if button.isChecked()]
        if not chosen:
            self.status_label.setText(self.tr("Choose an option first."))
            return
        self.mark_voted(self._poll.id)
        self.status_label.setText(self.tr("Your vote is on its way."))
        self.vote_requested.emit(self._poll.id, chosen)

    def _on_send_answer_clicked(self) -> None:
        text = self.answer_edit.toPlainText().strip()
        if self._question_id is None or not text:
            self.status_label.setText(self.tr("Write an answer first."))
            return
        self.send_answer_button.setEnabled(False)
        self.status_label.setText(self.tr("Your answer is on its way."))
        self.answer_requested.emit(self._question_id, text[:MAX_ANSWER_CHARS], self.consent_check.isChecked())

    # -- helpers -------------------------------------------------------------------------------------
    def _build_options(self, poll: PollPublic) -> None:
        self._clear_layout(self.options_box)
        self._clear_layout(self.results_box)
        self._option_buttons = {}
        self._result_bars = {}
        self.total_label.clear()
        group = QButtonGroup(self.poll_page)
        group.setExclusive(poll.kind == "single")
        for option in poll.options:
            button: QAbstractButton = QRadioButton(option.label) if poll.kind == "single" else QCheckBox(option.label)
            group.addButton(button)
            self.options_box.addWidget(button)
            self._option_buttons[option.id] = button

    def _show_results(self, counts: dict[int, int], total: int) -> None:
        if self._poll is None:
            return
        if not self._result_bars:
            for option in self._poll.options:
                bar = QProgressBar()
                bar.setTextVisible(True)
                self.results_box.addWidget(bar)
                self._result_bars[option.id] = bar
        labels = {option.id: option.label for option in self._poll.options}
        for option_id, bar in self._result_bars.items():
            votes = counts.get(option_id, 0)
            bar.setRange(0, max(total, 1))
            bar.setValue(votes)
            text = self.tr("{option}: {votes}").format(option=labels.get(option_id, ""), votes=votes)
            bar.setFormat(text.replace("%", "%%"))  # QProgressBar reads % as a placeholder
            bar.setAccessibleName(text)
        self.total_label.setText(self.tr("Votes in all: {total}").format(total=total))

    @staticmethod
    def _clear_layout(layout: QVBoxLayout) -> None:
        while layout.count():
            item = layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
