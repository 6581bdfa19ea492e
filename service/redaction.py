"""Keep secrets out of logs: a filter that masks tokens, private feed paths and signed URLs.

Installed on the root and uvicorn loggers by :func:`install`. Routes never log secrets on
purpose; this filter catches what frameworks log for us (access lines carry full paths).
"""

from __future__ import annotations

import logging
import re

_PATTERNS = [
    (re.compile(r"(/feeds/\d+/\d+/)[A-Za-z0-9_\-]+"), r"\1***"),
    (re.compile(r"(?i)([?&](?:sig|token|secret|password|refresh_token|access_token|x-amz-signature|x-amz-credential"
                r"|x-amz-security-token|signature)=)[^&\s\"]+"), r"\1***"),
    (re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._\-]+"), r"\1***"),
    (re.compile(r"(?i)(basic\s+)[A-Za-z0-9+/=]+"), r"\1***"),
]


def redact(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactingFilter(logging.Filter):
    """Masks secrets in a record's message and arguments, keeping the arguments' shape (uvicorn's
    access formatter unpacks them)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_masked(value) for value in record.args)
        elif isinstance(record.args, dict):
            record.args = {key: _masked(value) for key, value in record.args.items()}
        return True


def _masked(value: object) -> object:
    """``value`` itself unless its text holds a secret (then the masked text): numbers stay numbers."""
    if isinstance(value, int | float) or value is None:
        return value
    text = str(value)
    cleaned = redact(text)
    return value if cleaned == text else cleaned


_FILTER = RedactingFilter()


def install() -> None:
    """Attach the filter to the loggers and handlers that exist now (idempotent)."""
    for name in ("", "uvicorn", "uvicorn.access", "uvicorn.error", "castwise.service"):
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
        for handler in logger.handlers:
            if _FILTER not in handler.filters:
                handler.addFilter(_FILTER)
