"""The reusable widgets on their own: the timeline lane paints marks where they belong and
answers clicks; the seek slider seeks on a click; the bar reads elapsed and remaining time."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QImage

from app.components.now_playing import NowPlayingBar
from app.widgets.timeline import SeekSlider, TimelineLane, TimelineMark


def render(widget) -> QImage:  # type: ignore[no-untyped-def]
    image = QImage(widget.size(), QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    widget.render(image)
    return image


def test_timeline_lane_paints_chapter_marks_at_their_moments(qtbot) -> None:
    lane = TimelineLane()
    qtbot.addWidget(lane)
    lane.resize(601, 12)
    lane.set_marks([TimelineMark(0, "Intro"), TimelineMark(30_000, "Middle"), TimelineMark(45_000, "Poll", "poll")],
                   duration_ms=60_000)
    image = render(lane)
    chapter = QColor("#3d8bfd").rgb()
    poll = QColor("#f0a020").rgb()
    assert lane.x_of(30_000) == 300
    assert image.pixel(300, 2) == chapter
    assert image.pixel(450, 2) == poll
    assert image.pixel(150, 2) not in (chapter, poll)  # nothing between the marks
    with qtbot.waitSignal(lane.mark_clicked) as clicked:
        qtbot.mouseClick(lane, Qt.MouseButton.LeftButton, pos=QPoint(302, 6))
    assert clicked.args == [30_000]
    with qtbot.assertNotEmitted(lane.mark_clicked):
        qtbot.mouseClick(lane, Qt.MouseButton.LeftButton, pos=QPoint(200, 6))


def test_seek_slider_jumps_where_clicked(qtbot) -> None:
    slider = SeekSlider()
    qtbot.addWidget(slider)
    slider.resize(400, 20)
    slider.setRange(0, 100_000)
    slider.show()
    with qtbot.waitSignal(slider.seek_requested) as seek:
        qtbot.mouseClick(slider, Qt.MouseButton.LeftButton, pos=QPoint(300, 10))
    assert 65_000 < seek.args[0] < 85_000
    slider.set_position(10_000)
    assert slider.value() == 10_000


def test_now_playing_bar_shows_times_and_the_current_chapter(qtbot) -> None:
    bar = NowPlayingBar()
    qtbot.addWidget(bar)
    assert not bar.play_button.isEnabled()
    bar.set_episode("Measuring nothing", "The Quiet Lab", 3_725_000)
    bar.set_chapters([(0, "Cold open"), (600_000, "The chamber")])
    bar.set_position(605_000)
    assert bar.elapsed_label.text() == "10:05"
    assert bar.remaining_label.text() == "-52:00"
    assert bar.chapter_label.text() == "The chamber"
    assert bar.title_label.text() == "Measuring nothing — The Quiet Lab"
    assert bar.play_button.isEnabled()
    with qtbot.waitSignal(bar.skip_requested) as skip:
        bar.skip_back_button.click()
    assert skip.args == [-bar.skip_back_ms]
    with qtbot.waitSignal(bar.sleep_requested) as sleep:
        bar.sleep_button.menu().actions()[2].trigger()
    assert sleep.args == [30]
