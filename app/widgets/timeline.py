"""The seek slider and the timeline lane under it.

:class:`TimelineLane` paints marks at moments of an episode: chapter starts, polls and questions
(each mark has a kind that picks its colour), and under them how many comments listeners left
in each slice of the episode (a faint histogram). Clicking a mark asks to seek there. Positions
are milliseconds throughout.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QSizePolicy, QSlider, QStyle, QStyleOptionSlider, QToolTip, QWidget


@dataclass(frozen=True, slots=True)
class TimelineMark:
    start_ms: int
    title: str
    kind: str = "chapter"
    """``chapter``, ``poll``, ``question`` or ``comment``: decides the colour."""


@dataclass(frozen=True, slots=True)
class CommentDensity:
    """How many comments fall in ``[start_ms, start_ms + length_ms)``."""

    start_ms: int
    length_ms: int
    comments: int


_KIND_COLOURS = {"chapter": QColor("#3d8bfd"), "poll": QColor("#f0a020"), "question": QColor("#b05cd6"),
                 "comment": QColor("#30b070")}
_DENSITY_ALPHA = 110


class SeekSlider(QSlider):
    """A horizontal slider in milliseconds that jumps to the clicked point (not by page steps)
    and tells apart the listener dragging it from the position moving under it."""

    seek_requested = Signal(int)
    """The listener chose a new position (ms): on release after a drag, or on a click."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.setRange(0, 0)
        self.setSingleStep(5_000)
        self.setPageStep(30_000)
        self.setTracking(False)
        self.sliderReleased.connect(self._on_self_released)
        self.actionTriggered.connect(self._on_self_action_triggered)

    def set_position(self, position_ms: int) -> None:
        """Move the handle to the playing position unless the listener is dragging it."""
        if not self.isSliderDown():
            self.blockSignals(True)
            self.setValue(position_ms)
            self.blockSignals(False)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.maximum() > 0:
            value = self._value_at(event.position().toPoint())
            if not self._handle_rect().contains(event.position().toPoint()):
                self.setValue(value)
                self.seek_requested.emit(value)
                event.accept()
                return
        super().mousePressEvent(event)

    def _value_at(self, point: QPoint) -> int:
        return QStyle.sliderValueFromPosition(self.minimum(), self.maximum(), point.x(), self.width())

    def _handle_rect(self) -> QRect:
        option = QStyleOptionSlider()
        self.initStyleOption(option)
        return self.style().subControlRect(
            QStyle.ComplexControl.CC_Slider, option, QStyle.SubControl.SC_SliderHandle, self
        )

    def _on_self_released(self) -> None:
        self.seek_requested.emit(self.sliderPosition())

    def _on_self_action_triggered(self, action: int) -> None:
        # Keyboard steps (arrows, page up/down) seek at once; drags wait for the release.
        if action != QSlider.SliderAction.SliderMove:
            self.seek_requested.emit(self.sliderPosition())


class TimelineLane(QWidget):
    """A thin strip that paints :class:`TimelineMark` ticks across an episode's duration."""

    mark_clicked = Signal(int)
    """The start (ms) of the mark the listener clicked."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._marks: list[TimelineMark] = []
        self._density: list[CommentDensity] = []
        self._duration_ms = 0
        self._position_ms = 0
        self.setMinimumHeight(10)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMouseTracking(True)

    def sizeHint(self) -> QSize:
        return QSize(200, 12)

    def set_marks(self, marks: list[TimelineMark], duration_ms: int) -> None:
        self._marks = sorted(marks, key=lambda mark: mark.start_ms)
        self._duration_ms = max(0, duration_ms)
        self.update()

    def marks(self) -> list[TimelineMark]:
        return list(self._marks)

    def set_density(self, density: list[CommentDensity]) -> None:
        """Comment counts per slice of the episode (empty: none shown)."""
        self._density = [item for item in density if item.comments > 0]
        self.update()

    def density(self) -> list[CommentDensity]:
        return list(self._density)

    def set_position(self, position_ms: int) -> None:
        if position_ms != self._position_ms:
            self._position_ms = position_ms
            self.update()

    def x_of(self, position_ms: int) -> int:
        """The pixel column of ``position_ms`` (used by painting, hit tests and tests)."""
        if self._duration_ms <= 0:
            return 0
        return round(position_ms * (self.width() - 1) / self._duration_ms)

    def mark_at(self, x: int, tolerance_px: int = 4) -> TimelineMark | None:
        best: TimelineMark | None = None
        best_distance = tolerance_px + 1
        for mark in self._marks:
            distance = abs(self.x_of(mark.start_ms) - x)
            if distance < best_distance:
                best, best_distance = mark, distance
        return best

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        palette = self.palette()
        groove = palette.color(QPalette.ColorRole.Mid)
        painter.fillRect(0, self.height() // 2, self.width(), 1, groove)
        if self._duration_ms > 0:
            played = palette.color(QPalette.ColorRole.Highlight)
            painter.fillRect(0, self.height() // 2 - 1, self.x_of(self._position_ms), 3, played)
            self._paint_density(painter)
            for mark in self._marks:
                colour = _KIND_COLOURS.get(mark.kind, groove)
                painter.fillRect(self.x_of(mark.start_ms) - 1, 1, 3, self.height() - 2, colour)
        painter.end()

    def _paint_density(self, painter: QPainter) -> None:
        # Busier slices rise higher from the bottom edge; the busiest fills the lane's height.
        if not self._density:
            return
        busiest = max(item.comments for item in self._density)
        colour = QColor(_KIND_COLOURS["comment"])
        colour.setAlpha(_DENSITY_ALPHA)
        for item in self._density:
            left = self.x_of(item.start_ms)
            right = max(left + 1, self.x_of(min(item.start_ms + item.length_ms, self._duration_ms)))
            height = max(2, round(self.height() * item.comments / busiest))
            painter.fillRect(left, self.height() - height, right - left, height, colour)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        mark = self.mark_at(event.position().toPoint().x())
        if mark is not None:
            QToolTip.showText(event.globalPosition().toPoint(), mark.title, self)
        else:
            QToolTip.hideText()
        super().mouseMoveEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        mark = self.mark_at(event.position().toPoint().x())
        if mark is not None and event.button() == Qt.MouseButton.LeftButton:
            self.mark_clicked.emit(mark.start_ms)
            event.accept()
            return
        super().mousePressEvent(event)
