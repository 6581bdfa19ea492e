"""A real screenshot under Xvfb (a real X server, not the offscreen plugin): the window draws.

The test runs the app in a child process on a free Xvfb display, with a small library, and grabs
the screen with Qt. Setting ``CASTWISE_UPDATE_SCREENSHOT=1`` also copies the picture to
docs/screenshot.png for the README.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

CHILD = r"""
import sys
from pathlib import Path
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv)
from app.bootstrap import build
from app.theme import apply_theme
from player.null_engine import NullEngine
from app.models.rows import EpisodeRow, PodcastRow
from app.catalog import EpisodeDetails
apply_theme("light", app)
application = build(engine=NullEngine(), log_to_file=False)
window = application.window
window.resize(1280, 800)  # the whole screen: Xvfb has no window manager, so no frame
window.show()
page = window.library_page
page.set_podcast_rows([PodcastRow(n, title, author, new_count=new) for n, (title, author, new) in enumerate([
    ("Deep Time", "Ana Ruiz", 3), ("The Quiet Lab", "M. Chen", 0), ("History in Ten", "Li Wei", 1),
    ("Field Notes", "Sam Okafor", 2), ("Night Shift Science", "R. Patel", 0)], start=1)])
page.episode_model.set_rows([EpisodeRow(n, 1 + n % 5, ["Deep Time", "The Quiet Lab", "History in Ten",
    "Field Notes", "Night Shift Science"][n % 5], f"{n}: " + ["The age of ice", "Measuring nothing",
    "How salt built cities", "Birdsong at dawn", "Why we dream"][n % 5], 1_790_000_000 - n * 86_400,
    1800 + 60 * n, position_ms=600_000 if n % 4 == 1 else 0, played=n % 3 == 2, downloaded=n % 2 == 0)
    for n in range(1, 40)])
page.details_pane.show_episode(EpisodeDetails(1, 2, "The Quiet Lab", "1: Measuring nothing",
    "<p>What does an empty room weigh? We visit a lab that measures <b>nothing at all</b>.</p>",
    "http://127.0.0.1/1.mp3", "audio/mpeg", 1_860_000, 600_000, None,
    chapters=[(0, "Cold open"), (300_000, "The vacuum chamber"), (1_200_000, "What we learned")]))
bar = window.now_playing
bar.set_episode("1: Measuring nothing", "The Quiet Lab", 1_860_000)
bar.set_chapters([(0, "Cold open"), (300_000, "The vacuum chamber"), (1_200_000, "What we learned")])
bar.set_position(600_000)
def grab():
    screen = app.primaryScreen().grabWindow(0)
    screen.save(sys.argv[1])
    app.quit()
QTimer.singleShot(1500, grab)
app.exec()
application.close()
"""


def free_display() -> int:
    for number in range(90, 200):
        if not Path(f"/tmp/.X11-unix/X{number}").exists() and not Path(f"/tmp/.X{number}-lock").exists():
            return number
    raise RuntimeError("no free X display number")


@pytest.fixture
def xvfb_display():  # type: ignore[no-untyped-def]
    if shutil.which("Xvfb") is None:
        pytest.fail("Xvfb is not installed (scripts/dev.py installs it)")
    number = free_display()
    server = subprocess.Popen(
        ["Xvfb", f":{number}", "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    socket = Path(f"/tmp/.X11-unix/X{number}")
    for _ in range(100):
        if socket.exists():
            break
        time.sleep(0.05)
    yield f":{number}"
    server.terminate()
    server.wait(10)


def test_window_draws_under_a_real_x_server(xvfb_display: str, tmp_path: Path) -> None:
    from PySide6.QtGui import QImage

    shot = tmp_path / "screenshot.png"
    env = {**os.environ, "DISPLAY": xvfb_display, "QT_QPA_PLATFORM": "xcb", "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-c", CHILD, str(shot)], env=env, cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    image = QImage(str(shot))
    assert image.width() == 1280 and image.height() == 800
    colours = {image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)}
    assert len(colours) > 50  # text, icons, selection: far more than a blank or single-colour screen
    if os.environ.get("CASTWISE_UPDATE_SCREENSHOT") == "1":
        (ROOT / "docs").mkdir(exist_ok=True)
        shutil.copyfile(shot, ROOT / "docs" / "screenshot.png")
