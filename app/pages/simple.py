"""The smaller pages: Up Next and Downloads."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHBoxLayout,
    QListView,
    QPushButton,
    QStackedLayout,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionProgressBar,
    QStyleOptionViewItem,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from app.catalog import LibraryCatalog
from app.models.downloads import DownloadColumn, DownloadListModel, DownloadRole
from app.models.queue import QueueModel, QueueRole
from app.tasks import TaskRunner
from app.widgets.empty_state import EmptyState


class UpNextPage(QWidget):
    """The queue: play an entry, remove it, move it up or down."""

    play_requested = Signal(int)
    remove_requested = Signal(int)
    move_requested = Signal(int, int)
    """Episode id and its new index in the queue."""

    def __init__(self, catalog: LibraryCatalog, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._catalog = catalog
        self._tasks = tasks
        self.model = QueueModel(self)
        self._setup_ui()

    def _setup_ui(self) -> None:
        self._stack = QStackedLayout(self)
        self.empty_state = EmptyState(
            self.tr("Nothing up next"),
            self.tr("Add episodes with “Add to Up Next” and they will play one after another."),
        )
        page = QWidget()
        layout = QVBoxLayout(page)
        self.view = QListView()
        self.view.setModel(self.model)
        self.view.setUniformItemSizes(True)
        self.view.setAccessibleName(self.tr("Up Next"))
        self.view.activated.connect(self._on_view_activated)
        layout.addWidget(self.view, 1)
        buttons = QHBoxLayout()
        self.play_button = QPushButton(self.tr("Play"))
        self.play_button.clicked.connect(self._on_play_button_clicked)
        self.move_up_button = QPushButton(self.tr("Move up"))
        self.move_up_button.clicked.connect(lambda: self._move_selected(-1))
        self.move_down_button = QPushButton(self.tr("Move down"))
        self.move_down_button.clicked.connect(lambda: self._move_selected(1))
        self.remove_button = QPushButton(self.tr("Remove"))
        self.remove_button.clicked.connect(self._on_remove_button_clicked)
        for button in (self.play_button, self.move_up_button, self.move_down_button, self.remove_button):
            button.setAccessibleName(button.text())
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self._stack.addWidget(self.empty_state)
        self._stack.addWidget(page)

    def reload(self) -> None:
        self._tasks.submit(self._catalog.queue, key="upnext", on_result=self._on_queue_loaded)

    def _on_queue_loaded(self, rows: list) -> None:  # type: ignore[type-arg]
        self.model.set_rows(rows)
        self._stack.setCurrentIndex(1 if rows else 0)

    def _selected_id(self) -> int | None:
        index = self.view.currentIndex()
        return int(index.data(QueueRole.EPISODE_ID)) if index.isValid() else None

    def _on_view_activated(self, index: QModelIndex) -> None:
        self.play_requested.emit(int(index.data(QueueRole.EPISODE_ID)))

    def _on_play_button_clicked(self) -> None:
        episode_id = self._selected_id()
        if episode_id is not None:
            self.play_requested.emit(episode_id)

    def _on_remove_button_clicked(self) -> None:
        episode_id = self._selected_id()
        if episode_id is not None:
            self.remove_requested.emit(episode_id)

    def _move_selected(self, delta: int) -> None:
        row = self.view.currentIndex().row()
        if row < 0:
            return
        episode_id = self.model.episode_ids()[row]
        if self.model.move(row, row + delta):
            self.view.setCurrentIndex(self.model.index(row + delta, 0))
            self.move_requested.emit(episode_id, row + delta)


class ProgressDelegate(QStyledItemDelegate):
    """Paints the progress column as a progress bar."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        bar = QStyleOptionProgressBar()
        bar.rect = option.rect.adjusted(2, 3, -2, -3)  # type: ignore[attr-defined]
        bar.minimum, bar.maximum = 0, 100  # type: ignore[attr-defined]
        bar.progress = int(index.data(DownloadRole.PROGRESS_PERCENT) or 0)  # type: ignore[attr-defined]
        bar.text = f"{bar.progress}%"  # type: ignore[attr-defined]
        bar.textVisible = True  # type: ignore[attr-defined]
        QApplication.style().drawControl(QStyle.ControlElement.CE_ProgressBar, bar, painter)


class DownloadsPage(QWidget):
    pause_requested = Signal(int)
    resume_requested = Signal(int)
    cancel_requested = Signal(int)

    def __init__(self, catalog: LibraryCatalog, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._catalog = catalog
        self._tasks = tasks
        self.model = DownloadListModel(self)
        self._setup_ui()

    def _setup_ui(self) -> None:
        layout = QVBoxLayout(self)
        self.view = QTreeView()
        self.view.setModel(self.model)
        self.view.setRootIsDecorated(False)
        self.view.setUniformRowHeights(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setAccessibleName(self.tr("Downloads"))
        self.view.setItemDelegateForColumn(DownloadColumn.PROGRESS, ProgressDelegate(self.view))
        self.view.header().resizeSection(DownloadColumn.TITLE, 380)
        layout.addWidget(self.view, 1)
        buttons = QHBoxLayout()
        for text, signal in (
            (self.tr("Pause"), self.pause_requested),
            (self.tr("Resume"), self.resume_requested),
            (self.tr("Cancel"), self.cancel_requested),
        ):
            button = QPushButton(text)
            button.setAccessibleName(text)
            button.clicked.connect(lambda _checked=False, s=signal: self._emit_selected(s))
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)

    def reload(self) -> None:
        self._tasks.submit(self._catalog.downloads, key="downloads", on_result=self.model.set_rows)

    def _emit_selected(self, signal: Signal) -> None:  # type: ignore[type-arg]
        index = self.view.currentIndex()
        if index.isValid():
            signal.emit(int(self.model.index(index.row(), 0).data(DownloadRole.EPISODE_ID)))  # type: ignore[attr-defined]
