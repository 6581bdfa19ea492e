"""``castwise --demo`` as a listener starts it: a real process, and SIGTERM closes it cleanly
(the demo library is removed, nothing is left behind)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_demo_process_starts_and_closes_cleanly_on_sigterm(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "TMPDIR": str(tmp_path), "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([sys.executable, "-m", "app", "--demo"], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        homes: list[Path] = []
        while time.monotonic() < deadline and not homes:
            homes = [path for path in tmp_path.glob("castwise-demo-*") if (path / "data" / "library.sqlite3").exists()]
            time.sleep(0.2)
        assert homes, "the demo library was not created"
        time.sleep(2)  # let it subscribe to the demo feed
        process.send_signal(signal.SIGTERM)
        _out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err[-2000:]
    assert "Traceback" not in err
    assert list(tmp_path.glob("castwise-demo-*")) == []
