"""Chinese: every visible string is translated, and the window speaks it when chosen."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

from PySide6.QtCore import QLocale, Qt

from app.i18n import TRANSLATIONS_DIR, pick_language
from app.i18n.update import sources


def test_every_string_in_the_code_has_a_chinese_translation(tmp_path: Path) -> None:
    lupdate = Path(sys.executable).with_name("pyside6-lupdate")
    fresh = tmp_path / "castwise_check.ts"
    subprocess.run([str(lupdate), *sources(), "-ts", str(fresh)], check=True, capture_output=True)
    in_code = {message.findtext("source") for message in ElementTree.parse(fresh).iter("message")}
    shipped = ElementTree.parse(TRANSLATIONS_DIR / "castwise_zh_CN.ts")
    translated = {
        message.findtext("source")
        for message in shipped.iter("message")
        if (message.find("translation") is not None and message.find("translation").text
            and message.find("translation").get("type") != "unfinished")
    }
    assert len(in_code) > 150
    assert sorted(in_code - translated) == [], "run: python -m app.i18n.update"
    assert (TRANSLATIONS_DIR / "castwise_zh_CN.qm").stat().st_mtime >= (TRANSLATIONS_DIR / "castwise_zh_CN.ts").stat().st_mtime - 1


def test_language_follows_the_setting_or_the_locale() -> None:
    assert pick_language("zh_CN") == "zh_CN"
    assert pick_language("en", QLocale("zh_CN")) == "en"
    assert pick_language("system", QLocale("zh_TW")) == "zh_CN"
    assert pick_language("system", QLocale("de_DE")) == "en"


def test_the_window_in_chinese(qtbot, castwise_home) -> None:
    from PySide6.QtWidgets import QApplication

    from app.bootstrap import build
    from app.i18n import install_translator
    from app.preferences import LANGUAGE, Preferences
    from library.db import open_library
    from player.null_engine import NullEngine

    with open_library() as library:
        Preferences(library).set(LANGUAGE, "zh_CN")
    application = build(engine=NullEngine(), log_to_file=False)
    try:
        window = application.window
        qtbot.addWidget(window)
        sidebar = [window.sidebar.item(row).text() for row in range(window.sidebar.count())]
        assert sidebar == ["资料库", "待播", "下载", "为你推荐", "搜索", "设置"]
        assert window.now_playing.play_button.accessibleName() == "播放"
        assert window.library_page.episode_model.headerData(0, Qt.Orientation.Horizontal) == "标题"
    finally:
        application.close()
        install_translator(QApplication.instance(), "en")
