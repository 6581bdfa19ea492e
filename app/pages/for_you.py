"""For You: on-device recommendations with the reason for each pick.

The recommender (and its model, if installed) is loaded only when the page is first shown, in
the background, so it costs nothing at start-up. Without a model the recommender falls back to
recent episodes of the shows the listener plays and says why; with no listening yet, the page
shows a clear empty state. Under either, a line says where the model runs (GPU or CPU) and why.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.tasks import TaskRunner
from app.time_text import format_date_s
from app.widgets.empty_state import EmptyState

RecommendationSource = Callable[[], object]
"""Returns a ``recommend.service.RecommendationList`` (blocking: runs on a worker thread)."""


class ForYouPage(QWidget):
    play_requested = Signal(int)
    not_interested_requested = Signal(int)

    def __init__(self, tasks: TaskRunner | None = None, source: RecommendationSource | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._tasks = tasks
        self._source = source
        self._setup_ui()

    def _setup_ui(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self._stack = QStackedWidget()
        outer.addWidget(self._stack, 1)
        self.engine_label = QLabel()
        self.engine_label.setWordWrap(True)
        self.engine_label.setEnabled(False)  # the platform's dimmed text: a detail, not a message
        self.engine_label.hide()
        outer.addWidget(self.engine_label)
        self.empty_state = EmptyState(
            self.tr("Recommendations are on their way"),
            self.tr(
                "Castwise learns what you like on this computer, from what you play, like and skip. "
                "Once the recommender is installed and you have listened a little, picks with their "
                "reasons appear here. Your listening history never leaves this machine."
            ),
        )
        self._stack.addWidget(self.empty_state)
        page = QWidget()
        layout = QVBoxLayout(page)
        self.notice_label = QLabel()
        self.notice_label.setWordWrap(True)
        layout.addWidget(self.notice_label)
        self.list_widget = QListWidget()
        self.list_widget.setAccessibleName(self.tr("Recommended episodes"))
        self.list_widget.setUniformItemSizes(True)
        self.list_widget.itemActivated.connect(self._on_list_widget_item_activated)
        layout.addWidget(self.list_widget, 1)
        buttons = QHBoxLayout()
        self.play_button = QPushButton(self.tr("Play"))
        self.play_button.clicked.connect(lambda: self._emit_selected(self.play_requested))
        self.not_interested_button = QPushButton(self.tr("Not interested"))
        self.not_interested_button.clicked.connect(self._on_not_interested_button_clicked)
        for button in (self.play_button, self.not_interested_button):
            button.setAccessibleName(button.text())
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self._stack.addWidget(page)

    def reload(self) -> None:
        if self._tasks is None or self._source is None:
            return
        self.notice_label.setText(self.tr("Updating recommendations…"))
        self._tasks.submit(self._source, key="for-you", on_result=self.show_recommendations,
                           on_error=lambda error: self.notice_label.setText(str(error)))

    def show_recommendations(self, recommendations: object) -> None:
        items = list(getattr(recommendations, "items", []))
        self.list_widget.clear()
        for item in items:
            date = format_date_s(item.published.timestamp()) if item.published else ""
            entry = QListWidgetItem(f"{item.title} — {item.podcast_title}  {date}\n{item.reason}".strip())
            entry.setToolTip(item.reason)
            entry.setData(Qt.ItemDataRole.UserRole, item.episode_id)
            self.list_widget.addItem(entry)
        self.notice_label.setText(str(getattr(recommendations, "notice", "") or ""))
        engine = str(getattr(recommendations, "engine", "") or "")
        self.engine_label.setText(engine)
        self.engine_label.setVisible(bool(engine))
        self._stack.setCurrentIndex(1 if items else 0)

    def _selected_id(self) -> int | None:
        item = self.list_widget.currentItem()
        return int(item.data(Qt.ItemDataRole.UserRole)) if item is not None else None

    def _emit_selected(self, signal: Signal) -> None:  # type: ignore[type-arg]
        episode_id = self._selected_id()
        if episode_id is not None:
            signal.emit(episode_id)  # type: ignore[attr-defined]

    def _on_list_widget_item_activated(self, item: QListWidgetItem) -> None:
        self.play_requested.emit(int(item.data(Qt.ItemDataRole.UserRole)))

    def _on_not_interested_button_clicked(self) -> None:
        episode_id = self._selected_id()
        if episode_id is None:
            return
        self.not_interested_requested.emit(episode_id)
        self.list_widget.takeItem(self.list_widget.currentRow())
