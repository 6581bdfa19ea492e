"""The layering rules of DESIGN.md, checked on every module's imports (module level and lazy)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OURS = {"app", "player", "library", "recommend", "account", "interactive", "service", "protocol", "resources"}
GUI_OR_WEB = {"PySide6", "shiboken6", "fastapi", "starlette", "uvicorn"}
HTTP_CLIENTS = {"httpx", "requests", "urllib3", "aiohttp", "http", "urllib", "socket", "websockets"}
TRAINING = {"torch", "transformers", "onnx", "onnxscript", "sentence_transformers"}


def imports_of(package: str) -> dict[Path, set[str]]:
    """Top-level module names each file of ``package`` imports, anywhere in the file."""
    found: dict[Path, set[str]] = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        names: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
        found[path.relative_to(ROOT)] = names
    return found


def violations(package: str, forbidden: set[str], *, skip: str | None = None) -> list[str]:
    return [
        f"{path}: imports {', '.join(sorted(names & forbidden))}"
        for path, names in imports_of(package).items()
        if names & forbidden and not (skip and str(path).startswith(skip))
    ]


@pytest.mark.parametrize("package", ["library", "player", "recommend", "account", "interactive", "protocol"])
def test_core_packages_never_import_gui_or_web_frameworks(package: str) -> None:
    assert violations(package, GUI_OR_WEB) == []


@pytest.mark.parametrize("package", ["library", "player", "recommend", "account", "interactive", "protocol", "service"])
def test_nothing_below_the_app_imports_the_app(package: str) -> None:
    assert violations(package, {"app"}) == []


def test_player_does_not_import_the_library() -> None:
    assert violations("player", OURS - {"player"}) == []


def test_protocol_imports_nothing_else_of_ours() -> None:
    assert violations("protocol", OURS - {"protocol"}) == []


def test_service_imports_no_desktop_package() -> None:
    assert violations("service", {"app", "player", "library", "recommend", "account", "interactive"}) == []


def test_recommender_run_time_opens_no_sockets_and_needs_no_torch() -> None:
    assert violations("recommend", HTTP_CLIENTS | TRAINING, skip="recommend/training") == []


def test_app_run_time_never_imports_training_code() -> None:
    bad = [
        f"{path}: imports recommend.training"
        for path in sorted((ROOT / "app").rglob("*.py"))
        if "recommend.training" in path.read_text(encoding="utf-8")
        and not str(path.relative_to(ROOT)).startswith("app/cli/")
    ]
    assert bad == []


def test_command_line_imports_neither_qt_nor_the_service_nor_vlc() -> None:
    """Building the whole ``castwise`` parser and parsing a feed command stays light."""
    code = (
        "import sys; from app.cli.main import build_parser; "
        "build_parser().parse_args(['feed', 'parse', 'x.xml']); "
        "heavy = sorted(m for m in ('PySide6', 'fastapi', 'uvicorn', 'vlc', 'torch', 'transformers', "
        "'onnxruntime', 'sqlalchemy', 'alembic') if m in sys.modules); print(','.join(heavy))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""
