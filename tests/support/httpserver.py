"""A real HTTP/1.1 server on 127.0.0.1 for tests and benchmarks: feeds, media, and misbehaviour.

Each route is a :class:`Resource`. The server honours ``Range`` (single ranges, ``206`` and
``416``), conditional GET (``ETag`` / ``If-None-Match``, ``Last-Modified`` / ``If-Modified-Since``),
optional gzip, redirects, HTTP basic auth, and can misbehave on purpose: cut the connection after
N body bytes, drip the body slowly, or claim a wrong length. Every request is recorded.

    with LocalHTTPServer() as server:
        server.add("/feed.xml", Resource(body=xml, content_type="application/rss+xml"))
        url = server.url("/feed.xml")
"""

from __future__ import annotations

import base64
import email.utils
import gzip as gzip_module
import hashlib
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


@dataclass
class Resource:
    body: bytes = b""
    content_type: str = "application/octet-stream"
    status: int = 200
    etag: str | None = "auto"
    """``"auto"`` derives a strong ETag from the body; ``None`` sends none."""
    last_modified: float | None = None
    """Seconds since the epoch, sent as ``Last-Modified`` when set."""
    gzip: bool = False
    """Compress the body when the client accepts gzip."""
    redirect_to: str | None = None
    """Answer with ``status`` (301/302/307/308) and this ``Location``."""
    basic_auth: tuple[str, str] | None = None
    cut_after: int | None = None
    """Close the connection after sending this many body bytes (a dropped connection)."""
    cut_times: int | None = None
    """Cut only on the first N requests (``None``: always)."""
    drip_bytes_per_s: float | None = None
    """Send the body slowly, in small pieces, at about this rate."""
    declared_length: int | None = None
    """Send this Content-Length instead of the real one (a lying server)."""
    ranges: bool = True
    """Honour Range requests (``False`` answers 200 with the whole body)."""
    extra_headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_file(cls, path: str | Path, content_type: str = "application/octet-stream", **kwargs: object) -> Resource:
        return cls(body=Path(path).read_bytes(), content_type=content_type, **kwargs)  # type: ignore[arg-type]


@dataclass
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]


class LocalHTTPServer:
    """A threaded HTTP server bound to 127.0.0.1 on a free port; use as a context manager."""

    def __init__(self) -> None:
        self.resources: dict[str, Resource] = {}
        self.requests: list[RecordedRequest] = []
        self._served: dict[str, int] = {}
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def add(self, path: str, resource: Resource) -> str:
        """Serve ``resource`` at ``path`` (which may include a query string); returns its URL."""
        with self._lock:
            self.resources[path] = resource
        return self.url(path)

    def requests_for(self, path: str) -> list[RecordedRequest]:
        with self._lock:
            return [request for request in self.requests if request.path == path]

    def start(self) -> LocalHTTPServer:
        self._thread = threading.Thread(target=self._server.serve_forever, name="test-http", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> LocalHTTPServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- request handling -------------------------------------------------------------------

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:  # quiet
                pass

            def do_HEAD(self) -> None:
                owner._serve(self, head=True)

            def do_GET(self) -> None:
                owner._serve(self, head=False)

        return Handler

    def _serve(self, handler: BaseHTTPRequestHandler, *, head: bool) -> None:
        path = handler.path
        with self._lock:
            self.requests.append(RecordedRequest(handler.command, path, dict(handler.headers.items())))
            resource = self.resources.get(path) or self.resources.get(path.split("?", 1)[0])
            count = self._served.get(path, 0)
            self._served[path] = count + 1
        if resource is None:
            self._send_simple(handler, 404, b"not found")
            return
        if resource.basic_auth is not None:
            expected = "Basic " + base64.b64encode(":".join(resource.basic_auth).encode()).decode()
            if handler.headers.get("Authorization") != expected:
                handler.send_response(401)
                handler.send_header("WWW-Authenticate", 'Basic realm="test"')
                handler.send_header("Content-Length", "0")
                handler.end_headers()
                return
        if resource.redirect_to is not None:
            handler.send_response(resource.status)
            handler.send_header("Location", resource.redirect_to)
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return
        if resource.status >= 400:
            self._send_simple(handler, resource.status, resource.body)
            return

        etag = resource.etag
        if etag == "auto":
            etag = '"' + hashlib.sha1(resource.body).hexdigest()[:16] + '"'
        last_modified = (
            email.utils.formatdate(resource.last_modified, usegmt=True) if resource.last_modified else None
        )
        if self._not_modified(handler, etag, resource.last_modified):
            handler.send_response(304)
            if etag:
                handler.send_header("ETag", etag)
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return

        body = resource.body
        status = resource.status
        headers: dict[str, str] = {"Content-Type": resource.content_type}
        if resource.ranges:
            headers["Accept-Ranges"] = "bytes"
        range_header = handler.headers.get("Range")
        if range_header and resource.ranges:
            parsed = _parse_range(range_header, len(body))
            if parsed is None:
                handler.send_response(416)
                handler.send_header("Content-Range", f"bytes */{len(body)}")
                handler.send_header("Content-Length", "0")
                handler.end_headers()
                return
            start, end = parsed
            body = body[start : end + 1]
            status = 206
            headers["Content-Range"] = f"bytes {start}-{end}/{len(resource.body)}"
        elif resource.gzip and "gzip" in handler.headers.get("Accept-Encoding", ""):
            body = gzip_module.compress(body)
            headers["Content-Encoding"] = "gzip"
        if etag:
            headers["ETag"] = etag
        if last_modified:
            headers["Last-Modified"] = last_modified
        headers.update(resource.extra_headers)
        length = resource.declared_length if resource.declared_length is not None else len(body)
        headers["Content-Length"] = str(length)

        handler.send_response(status)
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.end_headers()
        if head:
            return
        cut = resource.cut_after
        if cut is not None and resource.cut_times is not None and count >= resource.cut_times:
            cut = None
        self._write_body(handler, body, cut, resource.drip_bytes_per_s)

    @staticmethod
    def _not_modified(handler: BaseHTTPRequestHandler, etag: str | None, last_modified: float | None) -> bool:
        if_none_match = handler.headers.get("If-None-Match")
        if if_none_match is not None:
            return etag is not None and etag in [tag.strip() for tag in if_none_match.split(",")]
        if_modified_since = handler.headers.get("If-Modified-Since")
        if if_modified_since and last_modified is not None:
            try:
                since = email.utils.parsedate_to_datetime(if_modified_since).timestamp()
            except (TypeError, ValueError):
                return False
            return int(last_modified) <= int(since)
        return False

    @staticmethod
    def _write_body(handler: BaseHTTPRequestHandler, body: bytes, cut: int | None, drip: float | None) -> None:
        try:
            if cut is not None:
                handler.wfile.write(body[:cut])
                handler.wfile.flush()
                handler.close_connection = True
                handler.connection.shutdown(2)
                return
            if drip:
                chunk = max(1, int(drip / 10))
                for offset in range(0, len(body), chunk):
                    handler.wfile.write(body[offset : offset + chunk])
                    handler.wfile.flush()
                    time.sleep(chunk / drip)
                return
            view = memoryview(body)
            for offset in range(0, len(body), 1 << 20):
                handler.wfile.write(view[offset : offset + (1 << 20)])
        except (BrokenPipeError, ConnectionResetError, OSError):
            handler.close_connection = True

    @staticmethod
    def _send_simple(handler: BaseHTTPRequestHandler, status: int, body: bytes) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", "text/plain")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        try:
            handler.wfile.write(body)
        except OSError:
            pass


_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def _parse_range(header: str, size: int) -> tuple[int, int] | None:
    """Parse a single-range ``Range`` header; returns inclusive (start, end) or None if unsatisfiable."""
    match = _RANGE.match(header.strip())
    if not match:
        return None
    first, last = match.groups()
    if first == "" and last == "":
        return None
    if first == "":  # suffix range: the last N bytes
        length = int(last)
        if length == 0:
            return None
        return max(0, size - length), size - 1
    start = int(first)
    end = int(last) if last else size - 1
    if start >= size or end < start:
        return None
    return start, min(end, size - 1)
