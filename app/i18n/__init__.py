"""Translations: Qt .qm files under resources/translations, chosen by setting or locale.

Strings are marked with ``self.tr()`` in the widgets; ``scripts``-free workflow:
``pyside6-lupdate app -ts resources/translations/castwise_zh_CN.ts`` then ``pyside6-lrelease``.
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


def install_translator(app: QApplication, setting: str = "system") -> QTranslator | None:
    """Load and install the translation for ``setting``; ``None`` for English (the source)."""
    language = pick_language(setting)
    if language == "en":
        return None
    translator = QTranslator(app)
    if not translator.load(str(TRANSLATIONS_DIR / f"castwise_{language}.qm")):
        return None
    app.installTranslator(translator)
    return translator
