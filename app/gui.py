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
