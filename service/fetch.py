"""Fetching creators' feeds and media safely: http(s) only, timeouts, a size cap, no internal
addresses, and no DNS rebinding.

Each hop (the first URL and every redirect) resolves its host name exactly once, refuses it if
any address is internal (loopback, private, link-local, reserved, multicast, unspecified) unless
the operator allows internal fetches (tests and local development), and then connects to that
very address: the request goes to the checked IP with the original ``Host`` header and TLS server
name, so a second DNS answer can never swap in an internal address between check and connect.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx

MAX_REDIRECTS = 5
USER_AGENT = "Castwise-Service/1"


class FetchError(ValueError):
    """The URL is not allowed, or fetching it failed; the message says which and why."""


class FetchUnreachable(FetchError):
    """The URL was allowed but its host did not answer (connection or read failed)."""


@dataclass(frozen=True)
class PinnedTarget:
    """One hop's URL and the single address it was checked against and must connect to."""

    url: str
    host: str
    """Host name as written in the URL (sent as ``Host`` and as the TLS server name)."""
    address: str
    """The resolved IP address the connection goes to."""

    def request(self, client: httpx.Client, headers: Mapping[str, str]) -> httpx.Request:
        """A GET of :attr:`url` addressed to :attr:`address`, looking like a request to :attr:`host`."""
        original = httpx.URL(self.url)
        extensions = {"sni_hostname": self.host} if original.scheme == "https" else {}
        return client.build_request("GET", original.copy_with(host=self.address),
                                    headers={**headers, "Host": original.netloc.decode("ascii")},
                                    extensions=extensions)


def _is_internal(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped  # ::ffff:127.0.0.1 is loopback too
    return not address.is_global or address.is_multicast


def resolve(url: str, *, allow_internal: bool) -> PinnedTarget:
    """Check ``url`` and resolve its host once; raise :class:`FetchError` if it may not be fetched.

    Refused: schemes other than http(s), URLs with credentials, hosts that do not resolve, and
    (unless ``allow_internal``) hosts with any internal address among their answers.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError("only http and https URLs can be fetched")
    if parts.username or parts.password:
        raise FetchError("URLs with credentials are not accepted")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, ValueError):
        raise FetchError("the feed's host name does not resolve") from None
    addresses = []
    for info in infos:
        try:
            addresses.append(ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]))
        except ValueError:
            continue
    if not addresses:
        raise FetchError("the feed's host name does not resolve")
    if not allow_internal and any(_is_internal(address) for address in addresses):
        # Refuse the whole name, not just its bad answers: a name mixing public and internal
        # answers is what a rebinding attack looks like.
        raise FetchError("the feed's host is an internal address")
    return PinnedTarget(url=url, host=parts.hostname, address=str(addresses[0]))


def check_url(url: str, *, allow_internal: bool) -> None:
    """Raise :class:`FetchError` unless ``url`` may be fetched now (see :func:`resolve`)."""
    resolve(url, allow_internal=allow_internal)


def open_stream(client: httpx.Client, url: str, *, allow_internal: bool,
                headers: Mapping[str, str] | None = None) -> httpx.Response:
    """GET ``url`` through ``client`` (which must not follow redirects itself), following up to
    :data:`MAX_REDIRECTS` redirects, each hop resolved, checked and pinned on its own.

    Returns the final response opened for streaming (the caller closes it); raises
    :class:`FetchError` for refused hops, too many redirects, or transport errors.
    """
    sent = {"User-Agent": USER_AGENT, **(headers or {})}
    for _ in range(MAX_REDIRECTS + 1):
        target = resolve(url, allow_internal=allow_internal)
        try:
            response = client.send(target.request(client, sent), stream=True)
        except httpx.HTTPError as error:
            raise FetchUnreachable(f"the feed could not be fetched ({type(error).__name__})") from None
        if not response.is_redirect:
            return response
        response.close()
        url = urljoin(url, response.headers.get("location", ""))
    raise FetchError("too many redirects")


def fetch_bytes(url: str, *, timeout_s: float, max_bytes: int, allow_internal: bool) -> bytes:
    """GET ``url`` and return at most ``max_bytes`` of body, or raise :class:`FetchError`.

    ``timeout_s`` (seconds) bounds connecting and each read.
    """
    with httpx.Client(timeout=timeout_s, follow_redirects=False, trust_env=False) as client:
        response = open_stream(client, url, allow_internal=allow_internal)
        try:
            if response.status_code != 200:
                raise FetchError(f"the feed answered HTTP {response.status_code}")
            body = bytearray()
            for chunk in response.iter_bytes():
                body.extend(chunk)
                if len(body) > max_bytes:
                    raise FetchError(f"the feed is larger than {max_bytes} bytes")
            return bytes(body)
        except httpx.HTTPError as error:
            raise FetchUnreachable(f"the feed could not be fetched ({type(error).__name__})") from None
        finally:
            response.close()
