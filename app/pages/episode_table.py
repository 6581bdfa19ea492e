"""The episode list's view: a table over :class:`~app.models.episodes.EpisodeListModel` built for
100k rows, and the delegate that paints its cells straight from the model's rows.

The view is a ``QTableView`` with fixed row heights rather than a ``QTreeView``: a tree keeps a
layout entry per row and rebuilds it with two calls into Python per row whenever the rows change,
so clearing a filter over 100k episodes froze the window for about half a second; a table only
needs the row count.

Dragging the scroll bar over 100k episodes repaints the whole list every frame, and Qt's own
delegate cost about a frame's budget on its own: it asks the model for about nine roles per cell
(each a call into Python) and lays every text out two or three times (size, elision, drawing)
through the style. This delegate reads the row once and lays each text out as few times as it can:
the texts that repeat down the list (podcast, state) are kept laid out and elided as
``QStaticText`` for their column width, dates and durations are measured from cached character
widths, and a title is elided with one layout before it is drawn. The view still
paints the row backgrounds (alternating colours) and the style the focus frame.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QPointF, QRect, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPalette, QStaticText, QTransform
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionFocusRect,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from app.models.episodes import EpisodeColumn, EpisodeListModel

_ALIGN = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_SELECTED = QStyle.StateFlag.State_Selected.value
_ACTIVE = QStyle.StateFlag.State_Active.value
_ENABLED = QStyle.StateFlag.State_Enabled.value
_HAS_FOCUS = QStyle.StateFlag.State_HasFocus.value
CACHE_LIMIT = 4_000
"""Laid-out texts kept: podcast names and states (a few hundred distinct ones are typical)."""
_REPEATING = frozenset({EpisodeColumn.PODCAST, EpisodeColumn.STATE})


COLUMN_WIDTHS_PX = {
    EpisodeColumn.PODCAST: 110,
    EpisodeColumn.PUBLISHED: 84,
    EpisodeColumn.DURATION: 60,
    EpisodeColumn.STATE: 130,
}
"""Starting widths of the columns beside the title, which takes the rest."""


class EpisodeTable(QTableView):
    """Rows of episodes: whole-row selection, sortable columns, fixed row height, no grid."""

    def __init__(self, model: EpisodeListModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.delegate = EpisodeDelegate(model, self)
        self.setItemDelegate(self.delegate)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setAlternatingRowColors(True)
        self.setTabKeyNavigation(False)  # Tab leaves the list, as in the rest of the window
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        rows = self.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # one height for all: no per-row layout
        rows.setDefaultSectionSize(self.fontMetrics().height() + 4)
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(EpisodeColumn.TITLE, QHeaderView.ResizeMode.Stretch)
        for column, width in COLUMN_WIDTHS_PX.items():
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, width)
        self.setSortingEnabled(True)
        self.sortByColumn(EpisodeColumn.PUBLISHED, Qt.SortOrder.DescendingOrder)

    def header(self) -> QHeaderView:
        """The column header (as a tree view names it)."""
        return self.horizontalHeader()


class EpisodeDelegate(QStyledItemDelegate):
    """For views showing an :class:`EpisodeListModel` directly (no proxy in between)."""

    def __init__(self, model: EpisodeListModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._model = model
        self._font: QFont | None = None
        self._fonts: tuple[QFont, QFont] = (QFont(), QFont())
        self._metrics: tuple[QFontMetrics, QFontMetrics] = (QFontMetrics(QFont()), QFontMetrics(QFont()))
        self._margin_px = 4
        self._laid_out: dict[tuple[str, int], QStaticText] = {}
        self._char_px: dict[str, int] = {}

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        model = self._model
        if index.model() is not model:
            super().paint(painter, option, index)
            return
        column = index.column()
        text, bold = model.cell_text(index.row(), column)
        state = option.state.value  # type: ignore[attr-defined]
        palette: QPalette = option.palette  # type: ignore[attr-defined]
        rect: QRect = option.rect  # type: ignore[attr-defined]
        widget: QWidget | None = option.widget  # type: ignore[attr-defined]
        if not state & _ENABLED:
            group = QPalette.ColorGroup.Disabled
        else:
            group = QPalette.ColorGroup.Normal if state & _ACTIVE else QPalette.ColorGroup.Inactive
        selected = state & _SELECTED
        if selected:
            painter.fillRect(rect, palette.brush(group, QPalette.ColorRole.Highlight))
        if text:
            self._check_font(option.font, widget)  # type: ignore[attr-defined]
            which = 1 if bold else 0
            margin = self._margin_px
            width = rect.width() - 2 * margin
            painter.setFont(self._fonts[which])
            painter.setPen(palette.color(group, QPalette.ColorRole.HighlightedText if selected
                                         else QPalette.ColorRole.Text))
            if column in _REPEATING:  # few distinct texts: laid out once, drawn from the cache
                static = self._static_text(text, width)
                top = rect.y() + (rect.height() - self._metrics[0].height()) / 2
                painter.drawStaticText(QPointF(rect.x() + margin, top), static)
            else:
                if column == EpisodeColumn.TITLE:  # one layout to elide (it returns a fitting title as is)
                    text = self._metrics[which].elidedText(text, Qt.TextElideMode.ElideRight, width)
                elif self._digits_width(text) > width:  # dates and durations: measured without a layout
                    text = self._metrics[0].elidedText(text, Qt.TextElideMode.ElideRight, width)
                painter.drawText(rect.adjusted(margin, 0, -margin, 0), _ALIGN, text)
        if state & _HAS_FOCUS and widget is not None:
            focus = QStyleOptionFocusRect()
            focus.initFrom(widget)
            focus.rect = rect
            focus.state = option.state | QStyle.StateFlag.State_KeyboardFocusChange  # type: ignore[attr-defined]
            focus.backgroundColor = palette.color(group, QPalette.ColorRole.Highlight if selected
                                                  else QPalette.ColorRole.Base)
            widget.style().drawPrimitive(QStyle.PrimitiveElement.PE_FrameFocusRect, focus, painter, widget)

    def _static_text(self, text: str, width: int) -> QStaticText:
        key = (text, width)
        static = self._laid_out.get(key)
        if static is None:
            if len(self._laid_out) >= CACHE_LIMIT:
                self._laid_out.clear()
            metrics = self._metrics[0]
            if metrics.horizontalAdvance(text) > width:
                text = metrics.elidedText(text, Qt.TextElideMode.ElideRight, width)
            static = QStaticText(text)
            static.setTextFormat(Qt.TextFormat.PlainText)
            static.prepare(QTransform(), self._fonts[0])
            self._laid_out[key] = static
        return static

    def _digits_width(self, text: str) -> int:
        """The width of a date or duration, in pixels, from cached character advances (these
        texts are digits and a few separators, with no kerning or shaping to speak of)."""
        advances = self._char_px
        width = 0
        for char in text:
            advance = advances.get(char)
            if advance is None:
                advance = advances[char] = self._metrics[0].horizontalAdvance(char)
            width += advance
        return width

    def _check_font(self, font: QFont, widget: QWidget | None) -> None:
        if self._font is not None and self._font == font:
            return
        bold = QFont(font)
        bold.setBold(True)
        self._font = QFont(font)
        self._fonts = (self._font, bold)
        self._metrics = (QFontMetrics(self._font), QFontMetrics(bold))
        self._laid_out.clear()
        self._char_px.clear()
        style = widget.style() if widget is not None else None
        if style is not None:  # the same text margin Qt's own delegate leaves
            self._margin_px = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, widget) + 1
