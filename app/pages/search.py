"""Search: the library (full-text, as you type) and the podcast directories (on Enter)."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QLineEdit, QListWidget, QListWidgetItem, QSplitter, QVBoxLayout, QWidget

from app.catalog import LibraryCatalog
from app.tasks import TaskRunner
from app.time_text import format_date_s
from library.search import SearchResult, search

SEARCH_DELAY_MS = 150


class SearchPage(QWidget):
    episode_activated = Signal(int)
    podcast_activated = Signal(int)
    directory_search_requested = Signal(str)
    subscribe_url_requested = Signal(str)

    def __init__(self, catalog: LibraryCatalog, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._catalog = catalog
        self._tasks = tasks
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._setup_ui()

    def _setup_ui(self) -> None:
        layout = QVBoxLayout(self)
        self.query_edit = QLineEdit()
        self.query_edit.setPlaceholderText(self.tr("Search your library; press Enter to search podcast directories"))
        self.query_edit.setAccessibleName(self.tr("Search"))
        self.query_edit.setClearButtonEnabled(True)
        self.query_edit.textChanged.connect(lambda _text: self._timer.start())
        self.query_edit.returnPressed.connect(self._on_query_edit_return_pressed)
        layout.addWidget(self.query_edit)
        splitter = QSplitter(Qt.Orientation.Vertical)
        library_box = QWidget()
        library_layout = QVBoxLayout(library_box)
        library_layout.setContentsMargins(0, 0, 0, 0)
        library_layout.addWidget(QLabel(self.tr("In your library")))
        self.library_results = QListWidget()
        self.library_results.setUniformItemSizes(True)
        self.library_results.setAccessibleName(self.tr("Library results"))
        self.library_results.itemActivated.connect(self._on_library_results_item_activated)
        library_layout.addWidget(self.library_results)
        splitter.addWidget(library_box)
        directory_box = QWidget()
        directory_layout = QVBoxLayout(directory_box)
        directory_layout.setContentsMargins(0, 0, 0, 0)
        self.directory_label = QLabel(self.tr("In podcast directories (double-click to subscribe)"))
        directory_layout.addWidget(self.directory_label)
        self.directory_results = QListWidget()
        self.directory_results.setUniformItemSizes(True)
        self.directory_results.setAccessibleName(self.tr("Directory results"))
        self.directory_results.itemActivated.connect(self._on_directory_results_item_activated)
        directory_layout.addWidget(self.directory_results)
        splitter.addWidget(directory_box)
        layout.addWidget(splitter, 1)

    def _run_search(self, query: str) -> list[SearchResult]:
        with self._catalog.session() as session:
            return search(session, query, limit=50)

    def _on_timer_timeout(self) -> None:
        query = self.query_edit.text().strip()
        if not query:
            self.library_results.clear()
            return
        self._tasks.submit(self._run_search, query, key="search.library", on_result=self._on_library_results_loaded)

    def _on_library_results_loaded(self, results: list[SearchResult]) -> None:
        self.library_results.clear()
        for result in results:
            if result.kind == "podcast":
                text = self.tr("Podcast: {title}").format(title=result.title)
            else:
                date = format_date_s(result.published.timestamp()) if result.published else ""
                text = f"{result.title} — {result.podcast_title}  {date}".rstrip()
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, (result.kind, result.id))
            self.library_results.addItem(item)
        if not results:
            self.library_results.addItem(self.tr("Nothing in your library matches."))

    def _on_query_edit_return_pressed(self) -> None:
        query = self.query_edit.text().strip()
        if query:
            self.directory_results.clear()
            self.directory_label.setText(self.tr("Searching podcast directories…"))
            self.directory_search_requested.emit(query)

    def show_directory_results(self, results: list[tuple[str, str, str]], errors: list[str]) -> None:
        """``results`` as (title, author, feed URL); ``errors`` as readable lines per directory."""
        self.directory_results.clear()
        for title, author, feed_url in results:
            item = QListWidgetItem(f"{title} — {author}" if author else title)
            item.setToolTip(feed_url)
            item.setData(Qt.ItemDataRole.UserRole, feed_url)
            self.directory_results.addItem(item)
        label = self.tr("In podcast directories (double-click to subscribe)")
        if errors:
            label = f"{label}\n" + "\n".join(errors)
        self.directory_label.setText(label)

    def _on_library_results_item_activated(self, item: QListWidgetItem) -> None:
        data = item.data(Qt.ItemDataRole.UserRole)
        if not data:
            return
        kind, identifier = data
        (self.podcast_activated if kind == "podcast" else self.episode_activated).emit(int(identifier))

    def _on_directory_results_item_activated(self, item: QListWidgetItem) -> None:
        url = item.data(Qt.ItemDataRole.UserRole)
        if url:
            self.subscribe_url_requested.emit(str(url))
