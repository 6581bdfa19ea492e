"""The desktop app's entry point: ``castwise`` with no command calls :func:`run`."""

from __future__ import annotations

import sys


def run(demo: bool = False) -> int:
    """Start the GUI; returns the exit status. ``demo`` uses a fresh temporary library."""
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName("Castwise")
    app.setOrganizationName("Castwise")
    app.setDesktopFileName("castwise")
    demo_session = None
    if demo:
        from app.demo import start_demo

        demo_session = start_demo()
    from app.bootstrap import build
    from app.desktop.integration import install
    from library.errors import CastwiseError

    try:
        application = build()  # applies the listener's language and theme before any widget
    except CastwiseError as error:
        print(f"castwise: {error}", file=sys.stderr)
        return 1
    window = application.window
    desktop = install(window)
    _quit_on_signals(app)
    window.show()
    window.load()
    if demo_session is not None:
        demo_session.populate(application)
    try:
        return int(app.exec())
    finally:
        desktop.close()
        application.close()
        if demo_session is not None:
            demo_session.close()


def _quit_on_signals(app: object) -> None:
    """SIGTERM (logout, ``kill``) and Ctrl+C close the app the normal way, so the playing position
    is saved and a demo library is removed. Python only sees a signal when it runs code, hence the
    idle timer that hands control to the interpreter a few times a second."""
    import signal

    from PySide6.QtCore import QTimer

    def request_quit(_signum: int, _frame: object) -> None:
        app.quit()  # type: ignore[attr-defined]

    signal.signal(signal.SIGTERM, request_quit)
    signal.signal(signal.SIGINT, request_quit)
    timer = QTimer(app)  # type: ignore[arg-type]
    timer.timeout.connect(lambda: None)
    timer.start(250)
