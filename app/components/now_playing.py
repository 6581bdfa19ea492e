"""The now-playing bar: transport controls, seek slider with elapsed/remaining, the timeline
lane (chapter marks, poll and question marks, comment density), speed, volume, sleep timer, the
chapter title, and room above the seek bar for the episode's interaction panel.

The bar only shows state and asks for changes through signals; the window connects those to the
playback adapter. Positions and durations are milliseconds.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QSlider,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.icons import icon
from app.time_text import format_position_ms
from app.widgets.timeline import CommentDensity, SeekSlider, TimelineLane, TimelineMark

SPEEDS: tuple[float, ...] = (0.5, 0.75, 1.0, 1.1, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0)
SLEEP_MINUTES: tuple[int, ...] = (5, 15, 30, 45, 60)
SLEEP_END_OF_EPISODE = -1
SLEEP_END_OF_CHAPTER = -2
SLEEP_OFF = 0


class NowPlayingBar(QWidget):
    play_pause_requested = Signal()
    seek_requested = Signal(int)
    """Absolute position in ms."""
    skip_requested = Signal(int)
    """Relative jump in ms (negative = back)."""
    speed_requested = Signal(float)
    volume_requested = Signal(int)
    """0-100."""
    next_chapter_requested = Signal()
    previous_chapter_requested = Signal()
    sleep_requested = Signal(int)
    """Minutes, or SLEEP_END_OF_EPISODE / SLEEP_END_OF_CHAPTER / SLEEP_OFF."""
    interactions_toggled = Signal(bool)
    """The listener opened (True) or closed the episode's polls-and-comments panel."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._duration_ms = 0
        self._position_ms = 0
        self._chapters: list[tuple[int, str]] = []
        self._interaction_marks: list[TimelineMark] = []
        self._interactions_available = False
        self.skip_back_ms = 15_000
        self.skip_forward_ms = 30_000
        self._setup_ui()
        self.set_episode(None, None, 0)

    def _setup_ui(self) -> None:
        self.setObjectName("nowPlayingBar")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 4, 8, 6)
        outer.setSpacing(2)
        # The interaction panel (polls, questions, comments) goes here when an episode has them.
        self.interaction_area = QVBoxLayout()
        self.interaction_area.setContentsMargins(0, 0, 0, 0)
        outer.addLayout(self.interaction_area)

        self.seek_slider = SeekSlider()
        self.seek_slider.setAccessibleName(self.tr("Position"))
        self.seek_slider.seek_requested.connect(self.seek_requested)
        self.seek_slider.sliderMoved.connect(self._on_seek_slider_moved)
        self.elapsed_label = QLabel("0:00")
        self.elapsed_label.setAccessibleName(self.tr("Time elapsed"))
        self.remaining_label = QLabel("-0:00")
        self.remaining_label.setAccessibleName(self.tr("Time remaining"))
        seek_row = QHBoxLayout()
        seek_row.addWidget(self.elapsed_label)
        seek_row.addWidget(self.seek_slider, 1)
        seek_row.addWidget(self.remaining_label)
        outer.addLayout(seek_row)

        self.timeline_lane = TimelineLane()
        self.timeline_lane.setAccessibleName(self.tr("Chapters, polls and comments"))
        self.timeline_lane.mark_clicked.connect(self.seek_requested)
        lane_row = QHBoxLayout()
        lane_row.addSpacing(self.elapsed_label.sizeHint().width() + 6)
        lane_row.addWidget(self.timeline_lane, 1)
        lane_row.addSpacing(self.remaining_label.sizeHint().width() + 6)
        outer.addLayout(lane_row)

        controls = QHBoxLayout()
        self.title_label = QLabel()
        self.title_label.setAccessibleName(self.tr("Episode playing"))
        self.title_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.chapter_label = QLabel()
        self.chapter_label.setAccessibleName(self.tr("Chapter playing"))
        titles = QVBoxLayout()
        titles.addWidget(self.title_label)
        titles.addWidget(self.chapter_label)
        controls.addLayout(titles, 1)

        self.skip_back_button = self._tool_button("skip-back", self.tr("Skip back"))
        self.skip_back_button.clicked.connect(lambda: self.skip_requested.emit(-self.skip_back_ms))
        self.play_button = self._tool_button("play", self.tr("Play"))
        self.play_button.clicked.connect(self.play_pause_requested)
        self.skip_forward_button = self._tool_button("skip-forward", self.tr("Skip forward"))
        self.skip_forward_button.clicked.connect(lambda: self.skip_requested.emit(self.skip_forward_ms))
        for button in (self.skip_back_button, self.play_button, self.skip_forward_button):
            controls.addWidget(button)
        controls.addStretch(1)

        self.interactions_button = QToolButton()
        self.interactions_button.setText(self.tr("Polls and comments"))
        self.interactions_button.setAccessibleName(self.tr("Polls and comments"))
        self.interactions_button.setToolTip(self.tr("Show the polls, questions and comments of this episode"))
        self.interactions_button.setCheckable(True)
        self.interactions_button.setAutoRaise(True)
        self.interactions_button.setVisible(False)
        self.interactions_button.toggled.connect(self.interactions_toggled)
        controls.addWidget(self.interactions_button)

        self.speed_combo = QComboBox()
        self.speed_combo.setAccessibleName(self.tr("Playback speed"))
        self.speed_combo.setToolTip(self.tr("Playback speed"))
        for speed in SPEEDS:
            self.speed_combo.addItem(f"{speed:g}×", speed)
        self.speed_combo.setCurrentIndex(SPEEDS.index(1.0))
        self.speed_combo.activated.connect(self._on_speed_combo_activated)
        controls.addWidget(self.speed_combo)

        self.sleep_button = self._tool_button("sleep", self.tr("Sleep timer"))
        self.sleep_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.sleep_button)
        for minutes in SLEEP_MINUTES:
            menu.addAction(self.tr("In {minutes} minutes").format(minutes=minutes)).setData(minutes)
        menu.addAction(self.tr("At the end of the episode")).setData(SLEEP_END_OF_EPISODE)
        menu.addAction(self.tr("At the end of the chapter")).setData(SLEEP_END_OF_CHAPTER)
        menu.addAction(self.tr("Off")).setData(SLEEP_OFF)
        menu.triggered.connect(lambda action: self.sleep_requested.emit(int(action.data())))
        self.sleep_button.setMenu(menu)
        controls.addWidget(self.sleep_button)

        volume_icon = QLabel()
        volume_icon.setPixmap(icon("volume").pixmap(18, 18))
        controls.addWidget(volume_icon)
        self.volume_slider = QSlider(Qt.Orientation.Horizontal)
        self.volume_slider.setRange(0, 100)
        self.volume_slider.setValue(100)
        self.volume_slider.setFixedWidth(100)
        self.volume_slider.setAccessibleName(self.tr("Volume"))
        self.volume_slider.setToolTip(self.tr("Volume"))
        self.volume_slider.valueChanged.connect(self.volume_requested)
        controls.addWidget(self.volume_slider)
        outer.addLayout(controls)

    def _tool_button(self, icon_name: str, name: str) -> QToolButton:
        button = QToolButton()
        button.setIcon(icon(icon_name))
        button.setToolTip(name)
        button.setAccessibleName(name)
        button.setAutoRaise(True)
        return button

    # -- state shown ------------------------------------------------------------------------
    def set_episode(self, title: str | None, podcast_title: str | None, duration_ms: int) -> None:
        self.set_titles(title, podcast_title)
        self.set_duration(duration_ms)
        self.set_chapters([])
        self.set_interactions_available(False)
        self.set_interactions([], [])
        self._set_enabled(title is not None)

    def set_titles(self, title: str | None, podcast_title: str | None) -> None:
        self.title_label.setText(
            f"{title} — {podcast_title}" if title and podcast_title else title or self.tr("Nothing playing")
        )

    def set_duration(self, duration_ms: int) -> None:
        self._duration_ms = max(0, duration_ms)
        self.seek_slider.setRange(0, self._duration_ms)
        self.timeline_lane.set_marks(self.timeline_lane.marks(), self._duration_ms)
        self._show_times(self._position_ms)

    def set_chapters(self, chapters: list[tuple[int, str]]) -> None:
        """Chapters as (start ms, title); shown as marks and as the current chapter's title."""
        self._chapters = sorted(chapters)
        self._show_marks()
        self._show_chapter(self._position_ms)

    def set_interactions(self, marks: list[TimelineMark], density: list[CommentDensity]) -> None:
        """Poll and question marks and comment density of the episode, shown in the lane beside
        the chapters; an episode with any of them offers the "Polls and comments" button."""
        self._interaction_marks = list(marks)
        self._show_marks()
        self.timeline_lane.set_density(density)
        self._show_interactions_button()

    def set_interactions_available(self, available: bool) -> None:
        """Whether the episode has interactions at all (some polls are for "any time" and have no
        mark): the "Polls and comments" button is offered either way."""
        self._interactions_available = available
        self._show_interactions_button()

    def set_interaction_panel(self, panel: QWidget) -> None:
        """Place ``panel`` above the seek bar (once); :attr:`interactions_button` shows it."""
        self.interaction_area.addWidget(panel)

    def set_position(self, position_ms: int) -> None:
        self._position_ms = max(0, position_ms)
        self.seek_slider.set_position(self._position_ms)
        self.timeline_lane.set_position(self._position_ms)
        if not self.seek_slider.isSliderDown():
            self._show_times(self._position_ms)
        self._show_chapter(self._position_ms)

    def set_playing(self, playing: bool) -> None:
        name = self.tr("Pause") if playing else self.tr("Play")
        self.play_button.setIcon(icon("pause" if playing else "play"))
        self.play_button.setToolTip(name)
        self.play_button.setAccessibleName(name)

    def set_speed(self, speed: float) -> None:
        index = self.speed_combo.findData(speed)
        if index < 0:
            self.speed_combo.addItem(f"{speed:g}×", speed)
            index = self.speed_combo.count() - 1
        self.speed_combo.setCurrentIndex(index)

    def set_volume(self, volume: int) -> None:
        self.volume_slider.blockSignals(True)
        self.volume_slider.setValue(volume)
        self.volume_slider.blockSignals(False)

    def set_sleep_remaining(self, text: str | None) -> None:
        self.sleep_button.setText(text or "")
        self.sleep_button.setToolButtonStyle(
            Qt.ToolButtonStyle.ToolButtonTextBesideIcon if text else Qt.ToolButtonStyle.ToolButtonIconOnly
        )

    def current_chapter_title(self) -> str:
        return self.chapter_label.text()

    def change_speed_by(self, steps: int) -> None:
        """Move the speed ``steps`` entries up or down the list (keyboard shortcuts)."""
        index = min(max(self.speed_combo.currentIndex() + steps, 0), self.speed_combo.count() - 1)
        self.speed_combo.setCurrentIndex(index)
        self._on_speed_combo_activated(index)

    # -- slots --------------------------------------------------------------------------------
    def _on_seek_slider_moved(self, value: int) -> None:
        self._show_times(value)

    def _on_speed_combo_activated(self, index: int) -> None:
        self.speed_requested.emit(float(self.speed_combo.itemData(index)))

    # -- helpers ------------------------------------------------------------------------------
    def _show_interactions_button(self) -> None:
        shown = self._interactions_available or bool(self._interaction_marks or self.timeline_lane.density())
        self.interactions_button.setVisible(shown)
        if not shown:
            self.interactions_button.setChecked(False)

    def _show_marks(self) -> None:
        chapters = [TimelineMark(start, title) for start, title in self._chapters]
        self.timeline_lane.set_marks(chapters + self._interaction_marks, self._duration_ms)

    def _show_times(self, position_ms: int) -> None:
        self.elapsed_label.setText(format_position_ms(position_ms))
        remaining = max(0, self._duration_ms - position_ms)
        self.remaining_label.setText(f"-{format_position_ms(remaining)}" if self._duration_ms else "--:--")

    def _show_chapter(self, position_ms: int) -> None:
        title = ""
        for start_ms, chapter_title in self._chapters:
            if start_ms > position_ms:
                break
            title = chapter_title
        if self.chapter_label.text() != title:
            self.chapter_label.setText(title)

    def _set_enabled(self, enabled: bool) -> None:
        for widget in (self.seek_slider, self.skip_back_button, self.skip_forward_button, self.play_button):
            widget.setEnabled(enabled)
