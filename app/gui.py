"""The desktop app's entry point: ``castwise`` with no command calls :func:`run`.

:func:`start` is the start-up sequence itself (the start-up benchmark runs exactly it): claim the
library for this process, build the window, show it, fill it, and only then, on the first
event-loop turn after the first frame, add what the first frame does not need (the tray, MPRIS).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from app.bootstrap import Application
    from app.desktop.integration import DesktopIntegration
    from app.desktop.single_instance import SingleInstance
    from player.engine import Engine

DESKTOP_DELAY_MS = 2_000
"""The tray and MPRIS are installed at the latest this long after start-up (milliseconds)."""

ALREADY_RUNNING = "castwise: Castwise is already running for this library; its window was brought to the front."


@dataclass
class Started:
    """A running app: :meth:`close` releases it in order (desktop hooks, services, the claim)."""

    application: Application
    instance: SingleInstance | None
    desktop: list[DesktopIntegration] = field(default_factory=list)
    closed: bool = False

    def settle(self) -> None:
        """Once start-up has settled: see :func:`app.interpreter.settle_long_lived_objects`."""
        from app.interpreter import settle_long_lived_objects

        if not self.closed:
            settle_long_lived_objects()

    def close(self) -> None:
        self.closed = True
        for desktop in self.desktop:
            desktop.close()
        self.application.close()
        if self.instance is not None:
            self.instance.close()


def start(
    app: QApplication,
    *,
    engine: Engine | None = None,
    log_to_file: bool = True,
    refresh: bool = True,
    desktop: bool = True,
) -> Started | None:
    """Start Castwise in ``app``: the shown, filling main window, or ``None`` when another process
    already runs this library (it was asked to raise its window; this one should exit).

    Raises :class:`library.errors.CastwiseError` when the library cannot be opened."""
    from PySide6.QtCore import QTimer

    from app.bootstrap import build
    from app.desktop.single_instance import SingleInstance
    from app.interpreter import SETTLE_DELAY_MS, prefer_responsiveness
    from library.paths import resolve_paths

    prefer_responsiveness()
    paths = resolve_paths()
    instance = SingleInstance(paths.database, app)
    if not instance.claim():
        return None
    try:
        application = build(paths, engine=engine, log_to_file=log_to_file)  # language and theme first
    except BaseException:
        instance.close()
        raise
    window = application.window
    instance.raise_requested.connect(lambda: raise_window(window))
    started = Started(application=application, instance=instance)
    window.show()
    window.load(refresh=refresh)
    QTimer.singleShot(SETTLE_DELAY_MS, started.settle)
    if desktop:
        # The tray and MPRIS (QtDBus) are not part of the first frame: they follow once the
        # library is on screen (or after DESKTOP_DELAY_MS, should reading it take longer).
        window.library_page.podcasts_shown.connect(lambda: _install_desktop(started))
        QTimer.singleShot(DESKTOP_DELAY_MS, lambda: _install_desktop(started))
    return started


def _install_desktop(started: Started) -> None:
    if started.desktop:
        return  # once
    from app.desktop.integration import install

    started.desktop.append(install(started.application.window))


def raise_window(window: object) -> None:
    """Bring ``window`` to the front (restored if minimised): a second start, the tray, MPRIS."""
    window.showNormal()  # type: ignore[attr-defined]
    window.raise_()  # type: ignore[attr-defined]
    window.activateWindow()  # type: ignore[attr-defined]


def run(demo: bool = False) -> int:
    """Start the GUI; returns the exit status. ``demo`` uses a fresh temporary library."""
    from PySide6.QtWidgets import QApplication

    from library.errors import CastwiseError

    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName("Castwise")
    app.setOrganizationName("Castwise")
    app.setDesktopFileName("castwise")
    _quit_on_signals(app)  # before the window exists: a SIGTERM during start-up still quits cleanly
    demo_session = None
    if demo:
        from app.demo import start_demo

        demo_session = start_demo()
    try:
        started = start(app)
    except CastwiseError as error:
        print(f"castwise: {error}", file=sys.stderr)
        return 1
    if started is None:
        print(ALREADY_RUNNING, file=sys.stderr)
        return 0
    if demo_session is not None:
        demo_session.populate(started.application)
    try:
        return int(app.exec())
    finally:
        started.close()
        if demo_session is not None:
            demo_session.close()


def _quit_on_signals(app: object) -> None:
    """SIGTERM (logout, ``kill``) and Ctrl+C close the app the normal way, so the playing position
    is saved and a demo library is removed. Python only sees a signal when it runs code, hence the
    idle timer that hands control to the interpreter a few times a second."""
    import signal

    from PySide6.QtCore import QTimer

    def request_quit(_signum: int, _frame: object) -> None:
        # Queued: a signal that arrives while the window is being built quits once the loop runs.
        QTimer.singleShot(0, app.quit)  # type: ignore[attr-defined]

    signal.signal(signal.SIGTERM, request_quit)
    signal.signal(signal.SIGINT, request_quit)
    timer = QTimer(app)  # type: ignore[arg-type]
    timer.timeout.connect(lambda: None)
    timer.start(250)
