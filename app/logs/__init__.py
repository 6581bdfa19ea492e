"""The log file (secrets and private URLs removed) and "Report a problem"."""

from __future__ import annotations

import logging
import logging.handlers
import platform
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from library.redact import redact_text

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class RedactingFormatter(logging.Formatter):
    """Formats as usual, then removes credentials, tokens and private URL parts from the line."""

    def format(self, record: logging.LogRecord) -> str:
        return redact_text(super().format(record))


def setup_logging(log_file: Path, level: int = logging.INFO) -> logging.Handler:
    """Send Castwise's log to ``log_file`` (rotated at 1 MB, 3 kept), redacted."""
    log_file.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.handlers.RotatingFileHandler(log_file, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
    handler.setFormatter(RedactingFormatter(LOG_FORMAT))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(min(root.level or level, level))
    return handler


def castwise_version() -> str:
    try:
        return version("castwise")
    except PackageNotFoundError:
        return "source checkout"


def problem_report(log_file: Path, *, max_log_bytes: int = 200_000) -> str:
    """The text "Report a problem" offers to copy or save: version, platform and the log's tail.

    The log is redacted again here, so a line written before a secret was known is still safe.
    """
    lines = [
        f"Castwise {castwise_version()}",
        f"Python {sys.version.split()[0]} on {platform.platform()}",
        "",
    ]
    try:
        data = log_file.read_bytes()[-max_log_bytes:]
        lines.append(redact_text(data.decode("utf-8", errors="replace")))
    except OSError:
        lines.append("(no log file yet)")
    return "\n".join(lines)
