"""Fetching creators' feeds safely: http(s) only, timeouts, a size cap, no internal addresses.

Every hop of a redirect is checked again. Internal addresses (loopback, private, link-local,
reserved, multicast) are refused unless the operator allows them (tests and local development).
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urljoin, urlsplit

import httpx

MAX_REDIRECTS = 5


class FetchError(ValueError):
    """The URL is not allowed, or fetching it failed; the message says which and why."""


def check_url(url: str, *, allow_internal: bool) -> None:
    """Raise :class:`FetchError` unless ``url`` is http(s) on a host that resolves to public addresses."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError("only http and https URLs can be fetched")
    if parts.username or parts.password:
        raise FetchError("URLs with credentials are not accepted")
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80),
                                   type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise FetchError("the feed's host name does not resolve") from None
    if allow_internal:
        return
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global or address.is_multicast:
            raise FetchError("the feed's host is an internal address")


def fetch_bytes(url: str, *, timeout_s: float, max_bytes: int, allow_internal: bool) -> bytes:
    """GET ``url`` and return at most ``max_bytes`` of body, or raise :class:`FetchError`."""
    with httpx.Client(timeout=timeout_s, follow_redirects=False, trust_env=False) as client:
        for _ in range(MAX_REDIRECTS + 1):
            check_url(url, allow_internal=allow_internal)
            try:
                with client.stream("GET", url, headers={"User-Agent": "Castwise-Service/1"}) as response:
                    if response.is_redirect:
                        url = urljoin(url, response.headers.get("location", ""))
                        continue
                    if response.status_code != 200:
                        raise FetchError(f"the feed answered HTTP {response.status_code}")
                    body = bytearray()
                    for chunk in response.iter_bytes():
                        body.extend(chunk)
                        if len(body) > max_bytes:
                            raise FetchError(f"the feed is larger than {max_bytes} bytes")
                    return bytes(body)
            except httpx.HTTPError as error:
                raise FetchError(f"the feed could not be fetched ({type(error).__name__})") from None
    raise FetchError("too many redirects")
