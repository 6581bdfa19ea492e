"""Refresh the translations: ``python -m app.i18n.update``.

Runs pyside6-lupdate over the app's modules, fills ``castwise_zh_CN.ts`` from
:mod:`app.i18n.zh_CN`, and compiles it with pyside6-lrelease. Prints the strings still untranslated.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

from app.i18n import TRANSLATIONS_DIR
from app.i18n.zh_CN import TRANSLATIONS

APP_DIR = Path(__file__).resolve().parent.parent
SKIPPED = ("cli",)  # the command line prints English (scripts parse it)


def _tool(name: str) -> str:
    beside = Path(sys.executable).with_name(name)
    found = str(beside) if beside.exists() else shutil.which(name)
    if not found:
        raise SystemExit(f"{name} not found (it ships with PySide6-Essentials)")
    return found


def sources() -> list[str]:
    """The modules with visible strings: all of app/ but the command line and the Qt-free wiring."""
    found = []
    for path in sorted(APP_DIR.rglob("*.py")):
        relative = path.relative_to(APP_DIR)
        if relative.parts[0] in SKIPPED or relative == Path("playback.py"):
            continue
        found.append(str(path))
    return found


def fill(ts_file: Path, table: dict[str, str]) -> list[str]:
    """Write translations from ``table`` into ``ts_file``; returns the sources still missing."""
    tree = ElementTree.parse(ts_file)
    missing = []
    for message in tree.iter("message"):
        source = message.findtext("source") or ""
        translation = message.find("translation")
        if translation is None:
            translation = ElementTree.SubElement(message, "translation")
        if source in table:
            translation.text = table[source]
            translation.attrib.pop("type", None)
        else:
            translation.set("type", "unfinished")
            missing.append(source)
    tree.write(ts_file, encoding="utf-8", xml_declaration=True)
    return missing


def main() -> int:
    ts_file = TRANSLATIONS_DIR / "castwise_zh_CN.ts"
    TRANSLATIONS_DIR.mkdir(parents=True, exist_ok=True)
    subprocess.run([_tool("pyside6-lupdate"), *sources(), "-no-obsolete", "-ts", str(ts_file)], check=True)
    missing = fill(ts_file, TRANSLATIONS)
    subprocess.run([_tool("pyside6-lrelease"), str(ts_file), "-qm", str(ts_file.with_suffix(".qm"))], check=True)
    for source in missing:
        print(f"untranslated: {source}")
    return 1 if missing else 0


if __name__ == "__main__":
    raise SystemExit(main())
