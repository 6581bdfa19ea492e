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
    from app.i18n import install_translator
    from app.preferences import LANGUAGE
    from app.theme import apply_theme
    from library.errors import CastwiseError
    from library.settings import THEME

    try:
        application = build()
    except CastwiseError as error:
        print(f"castwise: {error}", file=sys.stderr)
        return 1
    preferences = application.services.preferences
    install_translator(app, str(preferences.get(LANGUAGE)))
    apply_theme(str(preferences.get(THEME)), app)
    window = application.window
    from app.desktop.integration import install

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
