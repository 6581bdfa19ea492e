"""Size and time limits for feeds and the documents they link to (kept apart from the fetch code
so that reading a local file does not import an HTTP client)."""

from __future__ import annotations

DEFAULT_DEADLINE_S = 60.0
"""Total seconds one feed fetch may take, connection to last byte, redirects included."""
DEFAULT_MAX_BYTES = 64 * 1024 * 1024
"""Largest feed accepted, in bytes after decompression (the largest real feeds are ~30 MB)."""
DEFAULT_DOCUMENT_DEADLINE_S = 30.0
"""Total seconds for a chapters or transcript document."""
DEFAULT_DOCUMENT_MAX_BYTES = 16 * 1024 * 1024
"""Largest chapters or transcript document accepted, in bytes after decompression."""
