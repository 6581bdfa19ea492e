"""``castwise --demo``: a fresh temporary library with a demo podcast served from 127.0.0.1.

The episodes' audio is spoken by espeak-ng and encoded by sox at first run (into the temporary
folder); without those tools the demo still shows the podcast, marked as having nothing to play.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

EPISODES: tuple[tuple[str, str], ...] = (
    ("Welcome to Castwise", "Welcome to Castwise, the podcast player that learns what you like on your own computer."),
    ("Chapters and the timeline", "This episode has chapters. Look at the marks under the seek bar and click one."),
    ("Up Next", "Add episodes to Up Next and they play one after another, even after a restart."),
)


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # the demo's requests are not news
        pass


@dataclass
class DemoSession:
    home: Path
    server: ThreadingHTTPServer
    feed_url: str

    def populate(self, application: Any) -> None:
        """Subscribe the freshly built app to the demo feed (in the background)."""
        application.window.subscribe(self.feed_url)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        shutil.rmtree(self.home, ignore_errors=True)


def _speak(text: str, target: Path) -> bool:
    espeak, sox = shutil.which("espeak-ng"), shutil.which("sox")
    if not (espeak and sox):
        return False
    wav = target.with_suffix(".wav")
    try:
        subprocess.run([espeak, "-w", str(wav), text], check=True, capture_output=True, timeout=60)
        subprocess.run([sox, str(wav), str(target)], check=True, capture_output=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return False
    finally:
        wav.unlink(missing_ok=True)
    return target.exists()


def build_feed(base_url: str, media: list[tuple[str, str, str | None]]) -> str:
    """RSS for the demo: ``media`` as (title, notes, file name or None)."""
    now = datetime.now(UTC)
    items = []
    for number, (title, notes, file_name) in enumerate(media):
        enclosure = f'<enclosure url="{base_url}/{file_name}" type="audio/mpeg" length="0"/>' if file_name else ""
        items.append(
            f"<item><title>{escape(title)}</title><guid>castwise-demo-{number}</guid>"
            f"<pubDate>{format_datetime(now - timedelta(days=number))}</pubDate>"
            f"<description>{escape('<p>' + escape(notes) + '</p>')}</description>{enclosure}"
            '<psc:chapters version="1.2"><psc:chapter start="00:00:00" title="Hello"/>'
            '<psc:chapter start="00:00:03" title="The point"/></psc:chapters></item>'
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
        'xmlns:psc="http://podlove.org/simple-chapters"><channel><title>Castwise Demo</title>'
        f"<link>{base_url}</link><description>A tour of Castwise in three short episodes.</description>"
        f"{''.join(items)}</channel></rss>"
    )


def start_demo() -> DemoSession:
    """Point CASTWISE_HOME at a new temporary folder and serve the demo podcast from it."""
    home = Path(tempfile.mkdtemp(prefix="castwise-demo-"))
    os.environ["CASTWISE_HOME"] = str(home)
    site = home / "site"
    site.mkdir()
    media: list[tuple[str, str, str | None]] = []
    for number, (title, notes) in enumerate(EPISODES):
        file_name = f"episode-{number}.mp3"
        media.append((title, notes, file_name if _speak(notes, site / file_name) else None))
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(site)))
    base_url = f"http://127.0.0.1:{server.server_address[1]}"
    (site / "feed.xml").write_text(build_feed(base_url, media), encoding="utf-8")
    threading.Thread(target=server.serve_forever, name="castwise-demo-server", daemon=True).start()
    return DemoSession(home=home, server=server, feed_url=f"{base_url}/feed.xml")
