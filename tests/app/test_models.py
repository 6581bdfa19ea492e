"""Every list model passes Qt's model tester, and sorts/filters the way a listener expects."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.models.downloads import DownloadListModel, DownloadRole
from app.models.episodes import EpisodeColumn, EpisodeFilter, EpisodeListModel, EpisodeRole
from app.models.podcasts import PodcastListModel, PodcastRole, PodcastSortFilterProxy
from app.models.queue import QueueModel, QueueRole
from app.models.rows import DownloadRow, EpisodeRow, PodcastRow


def episodes(count: int) -> list[EpisodeRow]:
    return [
        EpisodeRow(
            episode_id=n,
            podcast_id=n % 3,
            podcast_title=f"Show {n % 3}",
            title=f"Episode {n:03d} about {'history' if n % 2 else 'science'}",
            published_s=1_700_000_000 + n * 86_400,
            duration_s=600 + n,
            position_ms=5_000 if n % 5 == 0 else 0,
            played=n % 7 == 0,
            downloaded=n % 4 == 0,
        )
        for n in range(count)
    ]


def test_episode_model_passes_the_model_tester(qtmodeltester) -> None:
    model = EpisodeListModel()
    model.set_rows(episodes(50))
    qtmodeltester.check(model, force_py=True)
    model.set_filter("history")  # the tester keeps watching every change after check()
    model.sort(EpisodeColumn.TITLE, Qt.SortOrder.AscendingOrder)
    assert model.rowCount() == 25


def test_episodes_sort_newest_first_and_by_title() -> None:
    model = EpisodeListModel()
    model.set_rows(episodes(30))
    assert model.data(model.index(0, EpisodeColumn.PUBLISHED)) == "2023-12-13"  # the newest, n = 29
    model.sort(EpisodeColumn.TITLE, Qt.SortOrder.AscendingOrder)
    titles = [model.data(model.index(row, EpisodeColumn.TITLE)) for row in range(model.rowCount())]
    assert titles == sorted(titles, key=str.casefold)


def test_episode_filter_by_text_and_state() -> None:
    model = EpisodeListModel()
    model.set_rows(episodes(70))
    model.set_filter("HISTORY")
    assert model.rowCount() == 35
    assert all("history" in model.row_at(r).title for r in range(model.rowCount()))
    model.set_filter("history", EpisodeFilter.DOWNLOADED)
    assert model.rowCount() == 0  # odd ids are never a multiple of four
    model.set_filter("", EpisodeFilter.PLAYED)
    assert {model.row_at(r).episode_id for r in range(model.rowCount())} == set(range(0, 70, 7))
    model.set_filter("", EpisodeFilter.ALL)
    assert model.rowCount() == 70


def test_episode_state_reads_played_in_progress_downloaded() -> None:
    model = EpisodeListModel()
    rows = episodes(11)
    model.set_rows(rows)
    text = {
        model.data(model.index(r, 0), EpisodeRole.EPISODE_ID): model.data(model.index(r, EpisodeColumn.STATE))
        for r in range(model.rowCount())
    }
    assert text[7] == "Played"
    assert text[5].startswith("In progress (")
    assert text[0] == "Played · Downloaded"
    assert text[1] == "New"


def test_update_row_keeps_position_and_announces_the_change(qtbot) -> None:
    model = EpisodeListModel()
    rows = episodes(10)
    model.set_rows(rows)
    row = model.visible_row_of(3)
    with qtbot.waitSignal(model.dataChanged):
        model.update_row(EpisodeRow(**{**{f: getattr(rows[3], f) for f in rows[3].__slots__}, "played": True}))
    assert model.visible_row_of(3) == row
    assert model.data(model.index(row, EpisodeColumn.STATE)) == "Played"


def test_podcast_proxy_sorts_case_insensitively_and_filters(qtmodeltester) -> None:
    model = PodcastListModel()
    model.set_rows(
        [
            PodcastRow(1, "zebra talk", new_count=1),
            PodcastRow(2, "Apple Hour", new_count=5),
            PodcastRow(3, "mango minutes", new_count=0, last_error="HTTP 404"),
        ]
    )
    proxy = PodcastSortFilterProxy()
    proxy.setSourceModel(model)
    qtmodeltester.check(proxy, force_py=True)
    ids = [proxy.data(proxy.index(r, 0), PodcastRole.PODCAST_ID) for r in range(proxy.rowCount())]
    assert ids == [2, 3, 1]
    proxy.sort_by_new_episodes()
    assert [proxy.data(proxy.index(r, 0), PodcastRole.PODCAST_ID) for r in range(3)] == [2, 1, 3]
    proxy.setFilterFixedString("MANGO")
    assert proxy.rowCount() == 1
    assert "HTTP 404" in proxy.data(proxy.index(0, 0), Qt.ItemDataRole.ToolTipRole)


def test_queue_model_moves_rows(qtmodeltester) -> None:
    model = QueueModel()
    model.set_rows(episodes(4))
    qtmodeltester.check(model, force_py=True)
    assert model.move(0, 2)
    assert model.episode_ids() == [1, 2, 0, 3]
    assert model.move(3, 0)
    assert model.episode_ids() == [3, 1, 2, 0]
    assert model.data(model.index(0, 0), QueueRole.EPISODE_ID) == 3


def test_download_model_upserts_progress(qtmodeltester) -> None:
    model = DownloadListModel()
    qtmodeltester.check(model, force_py=True)
    model.upsert(DownloadRow(9, "Episode nine", state="downloading", bytes_done=50, bytes_total=200))
    model.upsert(DownloadRow(9, "Episode nine", state="downloading", bytes_done=150, bytes_total=200))
    assert model.rowCount() == 1
    assert model.data(model.index(0, 0), DownloadRole.PROGRESS_PERCENT) == 75
    model.remove(9)
    assert model.rowCount() == 0


def test_episode_list_read_in_two_parts_keeps_what_the_listener_sees(qtmodeltester) -> None:
    rows = sorted(episodes(300), key=lambda row: -(row.published_s or 0))  # as the library reads them
    model = EpisodeListModel()
    model.set_rows(rows[:100])
    qtmodeltester.check(model, force_py=True)
    from PySide6.QtCore import QPersistentModelIndex

    selected = QPersistentModelIndex(model.index(5, 0))
    chosen = model.data(selected, EpisodeRole.EPISODE_ID)
    inserted: list[tuple[int, int]] = []
    model.rowsInserted.connect(lambda _parent, first, last: inserted.append((first, last)))
    model.append_rows(rows[100:])
    assert inserted == [(100, 299)]  # added below, nothing above moved
    assert selected.row() == 5 and model.data(selected, EpisodeRole.EPISODE_ID) == chosen
    assert [model.row_at(r).episode_id for r in range(300)] == [row.episode_id for row in rows]


def test_episode_rest_merges_into_another_sort_order_keeping_the_selection() -> None:
    rows = sorted(episodes(60), key=lambda row: -(row.published_s or 0))
    model = EpisodeListModel()
    model.set_rows(rows[:20])
    model.sort(EpisodeColumn.TITLE, Qt.SortOrder.AscendingOrder)
    from PySide6.QtCore import QPersistentModelIndex

    selected = QPersistentModelIndex(model.index(3, 0))
    chosen = model.data(selected, EpisodeRole.EPISODE_ID)
    model.append_rows(rows[20:])
    titles = [model.row_at(r).title for r in range(model.rowCount())]
    assert titles == sorted(titles, key=str.casefold) and len(titles) == 60
    assert model.data(selected, EpisodeRole.EPISODE_ID) == chosen  # the selection followed its episode


def test_podcast_artwork_is_asked_only_for_rows_on_screen(qtbot) -> None:
    from PySide6.QtWidgets import QListView

    model = PodcastListModel()
    model.set_rows([PodcastRow(n, f"Show {n:03d}", image_url=f"http://127.0.0.1:9/{n}.png") for n in range(300)])
    asked: list[str] = []
    model.artwork_wanted.connect(asked.append)
    view = QListView()
    view.setUniformItemSizes(True)
    view.setModel(model)
    view.resize(200, 300)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitUntil(lambda: "http://127.0.0.1:9/0.png" in asked)
    assert 0 < len(asked) < 60  # a screenful, not the 300 shows of the library
    view.scrollToBottom()
    qtbot.waitUntil(lambda: "http://127.0.0.1:9/299.png" in asked)
    assert len(asked) == len(set(asked))  # each image asked for once


def test_podcast_sort_by_new_episodes_keeps_the_selection(qtbot) -> None:
    from PySide6.QtCore import QPersistentModelIndex

    model = PodcastListModel()
    model.set_rows([PodcastRow(1, "zebra talk", new_count=1), PodcastRow(2, "Apple Hour", new_count=5),
                    PodcastRow(3, "mango minutes", new_count=0)])
    selected = QPersistentModelIndex(model.index(2, 0))  # zebra talk
    model.sort_by("new")
    assert [model.data(model.index(r, 0), PodcastRole.PODCAST_ID) for r in range(3)] == [2, 1, 3]
    assert model.data(selected, PodcastRole.PODCAST_ID) == 1 and selected.row() == 1
    model.set_rows(model.rows())  # a reload keeps the chosen order
    assert [model.data(model.index(r, 0), PodcastRole.PODCAST_ID) for r in range(3)] == [2, 1, 3]


def test_episode_delegate_draws_every_cell_and_the_selection(qtbot) -> None:
    from PySide6.QtCore import QItemSelectionModel
    from PySide6.QtGui import QColor, QPalette
    from PySide6.QtWidgets import QTreeView

    from app.pages.episode_table import EpisodeDelegate

    rows = episodes(3)
    rows[1] = EpisodeRow(**{**{f: getattr(rows[1], f) for f in rows[1].__slots__}, "duration_s": None,
                            "title": "A very long title " * 10})
    model = EpisodeListModel()
    model.set_rows(rows)
    view = QTreeView()
    view.setModel(model)
    view.setRootIsDecorated(False)
    view.setUniformRowHeights(True)
    view.setItemDelegate(EpisodeDelegate(model, view))
    view.resize(700, 200)
    qtbot.addWidget(view)
    view.show()
    selected = model.visible_row_of(rows[1].episode_id)
    assert selected is not None
    view.selectionModel().setCurrentIndex(model.index(selected, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
                                          | QItemSelectionModel.SelectionFlag.Rows)
    qtbot.waitExposed(view)
    image = view.viewport().grab().toImage()
    highlight = view.palette().color(QPalette.ColorGroup.Active, QPalette.ColorRole.Highlight)

    def cell_pixels(row: int, column: int) -> list[QColor]:
        rect = view.visualRect(model.index(row, column)).adjusted(2, 2, -2, -2)
        return [image.pixelColor(x, y) for x in range(rect.left(), rect.right()) for y in range(rect.top(), rect.bottom())]

    def inked(pixels: list[QColor]) -> int:  # dark text pixels on a light background
        return sum(1 for colour in pixels if colour.lightness() < 110)

    for column in range(len(EpisodeColumn)):
        other = 0 if selected != 0 else 2
        assert inked(cell_pixels(other, column)) > 5, f"column {column} drew no text"
    selected_cells = cell_pixels(selected, EpisodeColumn.PODCAST)
    assert sum(1 for colour in selected_cells if colour == highlight) > len(selected_cells) // 2
    duration = cell_pixels(selected, EpisodeColumn.DURATION)
    assert all(colour == highlight for colour in duration)  # unknown duration: an empty cell
