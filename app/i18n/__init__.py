"""Translations: Qt .qm files under resources/translations, chosen by setting or locale.

Strings are marked with ``self.tr()`` in the widgets. ``python -m app.i18n.update`` extracts them
(pyside6-lupdate), fills the Chinese from :mod:`app.i18n.zh_CN` and compiles the ``.qm``
(pyside6-lrelease); another language is another table and another ``castwise_<lang>.ts``.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QLocale, QTranslator
from PySide6.QtWidgets import QApplication

TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent.parent / "resources" / "translations"
LANGUAGES = ("en", "zh_CN")


def pick_language(setting: str, locale: QLocale | None = None) -> str:
    """The language to load: the setting, or the system locale's when it is ``system``."""
    if setting in LANGUAGES:
        return setting
    name = (locale or QLocale.system()).name()
    return "zh_CN" if name.startswith("zh") else "en"


_installed: list[QTranslator] = []


def install_translator(app: QApplication, setting: str = "system") -> QTranslator | None:
    """Install the translation for ``setting`` (replacing one installed before); ``None`` for
    English, the source language."""
    while _installed:
        app.removeTranslator(_installed.pop())
    language = pick_language(setting)
    if language == "en":
        return None
    translator = QTranslator(app)
    if not translator.load(str(TRANSLATIONS_DIR / f"castwise_{language}.qm")):
        return None
    app.installTranslator(translator)
    _installed.append(translator)
    return translator
