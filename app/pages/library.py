"""Library: podcasts on the left (list or grid, artwork loaded in the background), their episodes
in the middle (sortable, filterable, "all new" across podcasts), details on the right."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QItemSelection, QModelIndex, QPoint, QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QMenu,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStackedLayout,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.artwork import ArtworkLoader
from app.catalog import LibraryCatalog
from app.icons import icon
from app.models.episodes import EpisodeColumn, EpisodeFilter, EpisodeListModel, EpisodeRole
from app.models.podcasts import PodcastListModel, PodcastRole, PodcastSortFilterProxy
from app.models.rows import EpisodeRow, MediaKind, PodcastRow
from app.pages.episode_table import EpisodeTable
from app.tasks import TaskRunner
from app.widgets.empty_state import EmptyState

if TYPE_CHECKING:
    from app.components.episode_details import EpisodeDetailsPane

ALL_NEW_LIMIT = 5_000
""""All new episodes" lists at most this many of the newest unplayed episodes."""

FIRST_PART_ROWS = 100
"""An episode list is read in two parts: this many rows (more than a screenful) show at once, the
rest follows behind them without moving what the listener sees."""

FILTER_DELAY_MS = 120
"""Typing pauses this long before the episode list filters (one pass per word, not per key)."""


class LibraryPage(QWidget):
    subscribe_requested = Signal()
    import_opml_requested = Signal()
    refresh_requested = Signal()
    unsubscribe_requested = Signal(int)
    episode_activated = Signal(int)
    """The listener double-clicked or pressed Enter on an episode (play it)."""
    enqueue_requested = Signal(int)
    download_requested = Signal(int)
    mark_played_requested = Signal(list, bool)
    """Episode ids, and played (True) or unplayed (False)."""
    podcast_speed_requested = Signal(int)
    """Podcast id: the listener wants to choose the show's own playback speed."""
    podcast_auto_download_changed = Signal(int, bool)
    """Podcast id, and whether its new episodes are to be downloaded automatically."""
    podcasts_shown = Signal()
    """The podcast list was filled (or the welcome shown) and has had an event-loop turn to paint:
    start-up work that the first frame does not need waits for this."""
    details_built = Signal(object)
    """The :class:`EpisodeDetailsPane`, the moment it is built (on first use; see
    :attr:`details_pane`)."""

    def __init__(
        self,
        catalog: LibraryCatalog,
        tasks: TaskRunner,
        artwork: ArtworkLoader | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._catalog = catalog
        self._tasks = tasks
        self._artwork = artwork
        self._current_podcast: int | None = None
        self._operation_errors: list[str] = []
        self.podcast_model = PodcastListModel(self)
        self.podcast_proxy = PodcastSortFilterProxy(self)
        self.podcast_proxy.setSourceModel(self.podcast_model)
        self.episode_model = EpisodeListModel(self)
        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(FILTER_DELAY_MS)
        self._filter_timer.timeout.connect(self._on_filter_timer_timeout)
        self._setup_ui()
        if artwork is not None:
            artwork.artwork_ready.connect(self.podcast_model.set_artwork)
            self.podcast_model.artwork_wanted.connect(artwork.request)

    def _setup_ui(self) -> None:
        self._stack = QStackedLayout(self)
        self._stack.setContentsMargins(0, 0, 0, 0)
        self.welcome = EmptyState(
            self.tr("Welcome to Castwise"),
            self.tr("Subscribe to a podcast by its feed address, import your subscriptions from another "
                    "app as OPML, or find shows in Search."),
            self.tr("Subscribe by URL…"),
        )
        self.welcome.action_clicked.connect(self.subscribe_requested)
        welcome_import = QPushButton(self.tr("Import OPML…"))
        welcome_import.clicked.connect(self.import_opml_requested)
        self.welcome.layout().insertWidget(4, welcome_import, 0, Qt.AlignmentFlag.AlignHCenter)
        self._stack.addWidget(self.welcome)
        splitter = self._splitter = QSplitter(Qt.Orientation.Horizontal)
        self._stack.addWidget(splitter)
        self._stack.setCurrentIndex(1)

        left = QWidget()
        left.setMaximumWidth(230)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(4, 4, 4, 4)
        toolbar = QHBoxLayout()
        self.subscribe_button = self._tool_button("add", self.tr("Subscribe by URL"), self.subscribe_requested)
        self.import_button = self._tool_button("library", self.tr("Import OPML"), self.import_opml_requested)
        self.refresh_button = self._tool_button("refresh", self.tr("Refresh all podcasts"), self.refresh_requested)
        self.unsubscribe_button = self._tool_button("remove", self.tr("Unsubscribe"), None)
        self.unsubscribe_button.clicked.connect(self._on_unsubscribe_button_clicked)
        self.grid_button = QToolButton()
        self.grid_button.setText(self.tr("Grid"))
        self.grid_button.setCheckable(True)
        self.grid_button.setAccessibleName(self.tr("Show podcasts as a grid"))
        self.grid_button.toggled.connect(self._on_grid_button_toggled)
        self.podcast_sort_combo = QComboBox()
        self.podcast_sort_combo.setAccessibleName(self.tr("Sort podcasts"))
        self.podcast_sort_combo.addItem(self.tr("A–Z"), "title")
        self.podcast_sort_combo.addItem(self.tr("New episodes"), "new")
        self.podcast_sort_combo.currentIndexChanged.connect(self._on_podcast_sort_combo_changed)
        for button in (self.subscribe_button, self.import_button, self.refresh_button, self.unsubscribe_button):
            toolbar.addWidget(button)
        toolbar.addStretch(1)
        toolbar.addWidget(self.podcast_sort_combo)
        toolbar.addWidget(self.grid_button)
        left_layout.addLayout(toolbar)
        self.refresh_progress = QProgressBar()
        self.refresh_progress.setAccessibleName(self.tr("Refresh progress"))
        self.refresh_progress.setVisible(False)
        left_layout.addWidget(self.refresh_progress)
        self.all_new_button = QToolButton()
        self.all_new_button.setText(self.tr("All new episodes"))
        self.all_new_button.setCheckable(True)
        self.all_new_button.setChecked(True)
        self.all_new_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.all_new_button.clicked.connect(self._on_all_new_button_clicked)
        left_layout.addWidget(self.all_new_button)
        self.podcast_view = QListView()
        self.podcast_view.setModel(self.podcast_proxy)
        self.podcast_view.setUniformItemSizes(True)
        self.podcast_view.setIconSize(QSize(32, 32))
        self.podcast_view.setAccessibleName(self.tr("Podcasts"))
        self.podcast_view.selectionModel().selectionChanged.connect(self._on_podcast_view_selection_changed)
        self.podcast_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.podcast_view.customContextMenuRequested.connect(self._on_podcast_view_context_menu_requested)
        left_layout.addWidget(self.podcast_view, 1)
        self.errors_label = QLabel()
        self.errors_label.setWordWrap(True)
        self.errors_label.setVisible(False)
        left_layout.addWidget(self.errors_label)
        splitter.addWidget(left)

        middle = QWidget()
        middle_layout = QVBoxLayout(middle)
        middle_layout.setContentsMargins(4, 4, 4, 4)
        filters = QHBoxLayout()
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText(self.tr("Filter episodes"))
        self.filter_edit.setAccessibleName(self.tr("Filter episodes"))
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(lambda _text: self._filter_timer.start())
        self.state_combo = QComboBox()
        self.state_combo.setAccessibleName(self.tr("Show episodes"))
        for text, value in (
            (self.tr("All"), EpisodeFilter.ALL),
            (self.tr("Unplayed"), EpisodeFilter.UNPLAYED),
            (self.tr("In progress"), EpisodeFilter.IN_PROGRESS),
            (self.tr("Downloaded"), EpisodeFilter.DOWNLOADED),
            (self.tr("Played"), EpisodeFilter.PLAYED),
        ):
            self.state_combo.addItem(text, int(value))
        self.state_combo.currentIndexChanged.connect(lambda _index: self._on_filter_timer_timeout())
        filters.addWidget(self.filter_edit, 1)
        filters.addWidget(self.state_combo)
        middle_layout.addLayout(filters)
        # A table with one row height, painting each cell from its row in one call: 100k rows
        # show, filter and scroll within a frame (see app.pages.episode_table).
        self.episode_view = EpisodeTable(self.episode_model)
        self.episode_view.setAccessibleName(self.tr("Episodes"))
        self.episode_view.activated.connect(self._on_episode_view_activated)
        self.episode_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.episode_view.customContextMenuRequested.connect(self._on_episode_view_context_menu_requested)
        self.episode_view.selectionModel().currentRowChanged.connect(self._on_episode_view_current_changed)
        middle_layout.addWidget(self.episode_view, 1)
        self.count_label = QLabel()
        middle_layout.addWidget(self.count_label)
        splitter.addWidget(middle)

        # The details pane (notes, chapters, transcript) is built when first needed, usually the
        # first episode chosen; until then a line holds its place.
        self._details: EpisodeDetailsPane | None = None
        self._details_placeholder = QLabel(QCoreApplication.translate("EpisodeDetailsPane", "No episode selected"))
        self._details_placeholder.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self._details_placeholder.setContentsMargins(12, 12, 12, 12)
        self._details_placeholder.setMaximumWidth(400)
        splitter.addWidget(self._details_placeholder)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 3)
        splitter.setStretchFactor(2, 1)
        splitter.setSizes([200, 760, 320])

    @property
    def details_pane(self) -> EpisodeDetailsPane:
        """The episode's details, built (and :attr:`details_built` emitted) on first use."""
        if self._details is None:
            from app.components.episode_details import EpisodeDetailsPane

            pane = EpisodeDetailsPane()
            pane.setMaximumWidth(400)
            sizes = self._splitter.sizes()
            self._splitter.replaceWidget(self._splitter.indexOf(self._details_placeholder), pane)
            self._splitter.setSizes(sizes)
            self._details_placeholder.deleteLater()
            self._details = pane
            self.details_built.emit(pane)
        return self._details

    def built_details_pane(self) -> EpisodeDetailsPane | None:
        """The details pane if it exists already (nothing is built)."""
        return self._details

    def _tool_button(self, icon_name: str, text: str, signal: Signal | None) -> QToolButton:  # type: ignore[type-arg]
        button = QToolButton()
        button.setIcon(icon(icon_name))
        button.setToolTip(text)
        button.setAccessibleName(text)
        if signal is not None:
            button.clicked.connect(signal)
        return button

    # -- loading ---------------------------------------------------------------------------------
    def reload(self) -> None:
        """Re-read podcasts and the episodes on show, in the background."""
        self._tasks.submit(self._catalog.podcasts, key="library.podcasts", on_result=self._on_podcasts_loaded)
        self._load_episodes()

    def set_podcast_rows(self, rows: list[PodcastRow]) -> None:
        self._on_podcasts_loaded(rows)

    def current_podcast_id(self) -> int | None:
        return self._current_podcast

    def show_podcast(self, podcast_id: int | None) -> None:
        """Show one podcast's episodes, or "all new" (``None``)."""
        self._current_podcast = podcast_id
        self.all_new_button.setChecked(podcast_id is None)
        if podcast_id is None:
            self.podcast_view.clearSelection()
        else:
            row = self.podcast_model.row_of(podcast_id)
            if row is not None:
                proxy_index = self.podcast_proxy.mapFromSource(self.podcast_model.index(row, 0))
                self.podcast_view.setCurrentIndex(proxy_index)
        self._load_episodes()

    def _load_episodes(self) -> None:
        podcast_id = self._current_podcast
        # One podcast's list does not need a podcast column; "all new" does.
        self.episode_view.setColumnHidden(EpisodeColumn.PODCAST, podcast_id is not None)
        limit = ALL_NEW_LIMIT if podcast_id is None else None

        def first_part_loaded(rows: list[EpisodeRow]) -> None:
            self._on_episodes_loaded(rows)
            if len(rows) == FIRST_PART_ROWS:  # there may be more: read them behind the first screen
                self._tasks.submit(
                    self._catalog.episodes, podcast_id, unplayed_only=podcast_id is None,
                    limit=None if limit is None else limit - FIRST_PART_ROWS, offset=FIRST_PART_ROWS,
                    key="library.episodes", on_result=self._on_more_episodes_loaded,
                )

        # The same key: a podcast chosen meanwhile makes both parts of this one stale.
        self._tasks.submit(
            self._catalog.episodes, podcast_id, unplayed_only=podcast_id is None, limit=FIRST_PART_ROWS,
            key="library.episodes", on_result=first_part_loaded,
        )

    def set_refresh_progress(self, done: int, total: int) -> None:
        self.refresh_progress.setVisible(done < total)
        self.refresh_progress.setRange(0, total)
        self.refresh_progress.setValue(done)
        self.refresh_progress.setFormat(self.tr("Refreshing %v of %m"))

    def set_operation_errors(self, errors: list[str]) -> None:
        """Failures of the last import or subscribe (feeds that are not in the library)."""
        self._operation_errors = list(errors)
        self._show_errors()

    def _show_errors(self) -> None:
        failing = [
            self.tr("{title}: {error}").format(title=row.title, error=row.last_error)
            for row in self.podcast_model.rows()
            if row.last_error
        ]
        lines = self._operation_errors + failing
        self.errors_label.setText("\n".join(lines))
        self.errors_label.setVisible(bool(lines))

    # -- slots ----------------------------------------------------------------------------------
    def _on_podcasts_loaded(self, rows: list[PodcastRow]) -> None:
        self.podcast_model.set_rows(rows)
        self._stack.setCurrentIndex(1 if rows else 0)  # a new listener sees how to begin
        QTimer.singleShot(0, self.podcasts_shown)  # after the paint these rows cause
        self._show_errors()

    def _on_episodes_loaded(self, rows: list[EpisodeRow]) -> None:
        self.episode_model.set_rows(rows)
        self._show_count()

    def _on_more_episodes_loaded(self, rows: list[EpisodeRow]) -> None:
        self.episode_model.append_rows(rows)
        self._show_count()

    def _on_filter_timer_timeout(self) -> None:
        state = EpisodeFilter(int(self.state_combo.currentData()))
        self.episode_model.set_filter(self.filter_edit.text(), state)
        self._show_count()

    def _on_podcast_view_selection_changed(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        indexes = selected.indexes()
        if indexes:
            podcast_id = int(indexes[0].data(PodcastRole.PODCAST_ID))
            if podcast_id != self._current_podcast:
                self._current_podcast = podcast_id
                self.all_new_button.setChecked(False)
                self._load_episodes()

    def _on_podcast_sort_combo_changed(self, _index: int) -> None:
        if self.podcast_sort_combo.currentData() == "new":
            self.podcast_proxy.sort_by_new_episodes()
        else:
            self.podcast_proxy.sort_by_title()

    def _on_all_new_button_clicked(self) -> None:
        self.show_podcast(None)

    def _on_unsubscribe_button_clicked(self) -> None:
        if self._current_podcast is not None:
            self.unsubscribe_requested.emit(self._current_podcast)

    def _on_grid_button_toggled(self, grid: bool) -> None:
        if grid:
            self.podcast_view.setViewMode(QListView.ViewMode.IconMode)
            self.podcast_view.setIconSize(QSize(96, 96))
            self.podcast_view.setGridSize(QSize(120, 140))
            self.podcast_view.setWordWrap(True)
        else:
            self.podcast_view.setViewMode(QListView.ViewMode.ListMode)
            self.podcast_view.setIconSize(QSize(32, 32))
            self.podcast_view.setGridSize(QSize())
        self.podcast_view.setResizeMode(QListView.ResizeMode.Adjust)

    def _selected_rows(self) -> list[int]:
        return sorted({index.row() for index in self.episode_view.selectionModel().selectedRows()})

    def selected_episode_ids(self) -> list[int]:
        return [self.episode_model.row_at(row).episode_id for row in self._selected_rows()]

    def episode_menu(self) -> QMenu:
        """The actions on the selected episodes (the context menu)."""
        ids = self.selected_episode_ids()
        menu = QMenu(self)
        if len(ids) == 1:
            menu.addAction(self.tr("Play"), lambda: self.episode_activated.emit(ids[0]))
        enqueue = menu.addAction(self.tr("Add to Up Next"), lambda: [self.enqueue_requested.emit(i) for i in ids])
        download = menu.addAction(self.tr("Download"), lambda: [self.download_requested.emit(i) for i in ids])
        # Live streams (podcast:liveItem) can be neither queued nor downloaded; Play explains why.
        only_live = all(self.episode_model.row_at(row).media_kind is MediaKind.LIVE for row in self._selected_rows())
        enqueue.setEnabled(not only_live)
        download.setEnabled(not only_live)
        menu.addSeparator()
        menu.addAction(self.tr("Mark as played"), lambda: self.mark_played_requested.emit(ids, True))
        menu.addAction(self.tr("Mark as unplayed"), lambda: self.mark_played_requested.emit(ids, False))
        return menu

    def podcast_menu(self, podcast_id: int) -> QMenu:
        """The actions on one podcast (the podcast list's context menu)."""
        number = self.podcast_model.row_of(podcast_id)
        row = self.podcast_model.rows()[number] if number is not None else None
        menu = QMenu(self)
        menu.addAction(self.tr("Playback speed for this show…"), lambda: self.podcast_speed_requested.emit(podcast_id))
        auto = menu.addAction(self.tr("Auto-download new episodes"))
        auto.setCheckable(True)
        auto.setChecked(row is not None and row.auto_download)
        auto.toggled.connect(lambda checked: self.podcast_auto_download_changed.emit(podcast_id, checked))
        menu.addSeparator()
        menu.addAction(self.tr("Unsubscribe"), lambda: self.unsubscribe_requested.emit(podcast_id))
        return menu

    def _on_podcast_view_context_menu_requested(self, position: QPoint) -> None:
        index = self.podcast_view.indexAt(position)
        if index.isValid():
            podcast_id = int(index.data(PodcastRole.PODCAST_ID))
            self.podcast_menu(podcast_id).exec(self.podcast_view.viewport().mapToGlobal(position))

    def _on_episode_view_context_menu_requested(self, position: QPoint) -> None:
        if self.selected_episode_ids():
            self.episode_menu().exec(self.episode_view.viewport().mapToGlobal(position))

    def _on_episode_view_activated(self, index: QModelIndex) -> None:
        self.episode_activated.emit(int(index.data(EpisodeRole.EPISODE_ID)))

    def _on_episode_view_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            return
        episode_id = int(current.data(EpisodeRole.EPISODE_ID))
        self._tasks.submit(
            self._catalog.details, episode_id, key="library.details",
            on_result=lambda details: self.details_pane.show_episode(details)
        )

    def _show_count(self) -> None:
        shown, total = self.episode_model.rowCount(), self.episode_model.total_count()
        text = self.tr("{count} episodes").format(count=total) if shown == total else self.tr(
            "{shown} of {total} episodes"
        ).format(shown=shown, total=total)
        self.count_label.setText(text)
