"""The votes benchmark's load generator: lean HTTP/1.1 over asyncio protocols.

A general client (httpx) spends more CPU per request than the service it measures, and every
process shares the same two cores, so the load generator here does the least a correct client
must: keep-alive connections, one request in flight per connection, each request pre-encoded,
responses framed by ``Content-Length`` (votes) or chunked transfer encoding (the live stream),
and a transport error retried on a fresh connection with the same ``Idempotency-Key``.

Every 201 is checked to be a receipt of the poll voted on; every other answer is counted by
status. Nothing here trusts the service: the benchmark counts ballots in the database itself.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

RETRIES = 5
"""Attempts per vote when the connection fails (the same key each time)."""


class _Reply(asyncio.Protocol):
    """One keep-alive connection: at most one request in flight, its response framed by length."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.waiter: asyncio.Future[tuple[int, bytes, bool]] | None = None
        self.closed = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        if self.waiter is not None and not self.waiter.done():
            try:
                reply = _parse_reply(self.buffer)
            except (ConnectionError, ValueError) as error:
                self.waiter.set_exception(ConnectionError(str(error)))
                if self.transport is not None:
                    self.transport.close()
                return
            if reply is not None:
                self.waiter.set_result(reply)

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(ConnectionError("the service closed the connection"))

    async def exchange(self, request: bytes) -> tuple[int, bytes, bool]:
        """Send ``request``; answer (status, body, keep_alive)."""
        assert self.transport is not None
        if self.closed:
            raise ConnectionError("connection already closed")
        self.waiter = asyncio.get_running_loop().create_future()
        self.transport.write(request)
        return await self.waiter


def _parse_reply(buffer: bytearray) -> tuple[int, bytes, bool] | None:
    """A complete response at the start of ``buffer`` (removed from it), or None yet."""
    end = buffer.find(b"\r\n\r\n")
    if end < 0:
        return None
    head = bytes(buffer[:end]).lower()
    start = head.find(b"\r\ncontent-length:")
    if start < 0:
        raise ConnectionError("a response without Content-Length")
    stop = head.find(b"\r\n", start + 2)
    length = int(head[start + 17:stop if stop >= 0 else len(head)])
    if len(buffer) < end + 4 + length:
        return None
    status = int(head[9:12])
    body = bytes(buffer[end + 4:end + 4 + length])
    del buffer[:end + 4 + length]
    return status, body, b"\r\nconnection: close" not in head


@dataclass
class VoteRun:
    """What one load run saw: acknowledged votes, latencies (milliseconds), errors by kind."""

    acknowledged: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    answered_s: list[float] = field(default_factory=list)
    """When each latency was measured (seconds since the run started), to find slow moments."""
    errors: dict[str, int] = field(default_factory=dict)
    elapsed_s: float = 0.0

    def count(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1


def vote_request(host: str, port: int, poll_id: int, token: str, key: str, option_id: int) -> bytes:
    body = b'{"option_ids":[%d]}' % option_id
    return (f"POST /api/v1/polls/{poll_id}/votes HTTP/1.1\r\nHost: {host}:{port}\r\n"
            f"Authorization: Bearer {token}\r\nIdempotency-Key: {key}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n").encode() + body


async def vote_all(host: str, port: int, poll_id: int, options: list[int], tokens: list[str], *,
                   concurrency: int, tag: str, rate: float = 0.0) -> VoteRun:
    """Send each token's one vote (option ``index % len(options)``, key ``{tag}-vote-{index}``).

    ``rate`` 0: closed loop, ``concurrency`` connections each sending its next vote as soon as the
    last one is answered (latency from sending). ``rate`` > 0: open loop, vote ``i`` due at
    ``i / rate`` seconds whether or not earlier ones were answered, over at most ``concurrency``
    connections; latency counts from the moment the vote was due, so a service that falls behind
    pays for the queue it causes (no coordinated omission).
    """
    loop = asyncio.get_running_loop()
    run = VoteRun()
    receipt_mark = b'{"poll_id":%d,' % poll_id
    idle: list[_Reply] = []

    async def connection() -> _Reply:
        while idle:
            reply = idle.pop()
            if not reply.closed:
                return reply
        _transport, protocol = await loop.create_connection(_Reply, host, port)
        return protocol

    async def send(index: int, due: float) -> None:
        request = vote_request(host, port, poll_id, tokens[index], f"{tag}-vote-{index:08d}",
                               options[index % len(options)])
        for _attempt in range(RETRIES):
            try:
                reply = await connection()
                status, body, keep_alive = await reply.exchange(request)
            except (ConnectionError, OSError) as error:  # retried with the same key
                run.count(type(error).__name__)
                continue
            now = time.perf_counter()
            run.latencies_ms.append((now - due) * 1000)
            run.answered_s.append(now - started)
            if status == 201 and body.startswith(receipt_mark):
                run.acknowledged += 1
            else:
                run.count(str(status))
            if keep_alive:
                idle.append(reply)
            elif reply.transport is not None:
                reply.transport.close()
            return
        run.count("gave up")

    started = time.perf_counter()
    if rate <= 0:
        pending = list(range(len(tokens)))
        pending.reverse()

        async def worker() -> None:
            while pending:
                await send(pending.pop(), time.perf_counter())

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    else:
        slots = asyncio.Semaphore(concurrency)

        async def paced(index: int, due: float) -> None:
            async with slots:
                await send(index, due)

        tasks: list[asyncio.Task[None]] = []
        for index in range(len(tokens)):
            due = started + index / rate
            if due > time.perf_counter():
                await asyncio.sleep(due - time.perf_counter())
            tasks.append(asyncio.create_task(paced(index, due)))
        await asyncio.gather(*tasks)
    run.elapsed_s = time.perf_counter() - started
    for reply in idle:
        if reply.transport is not None:
            reply.transport.close()
    return run


class _Stream(asyncio.Protocol):
    """One live stream (server-sent events over chunked transfer encoding)."""

    def __init__(self, on_event: Callable[[str, bytes], None], on_open: Callable[[], None]) -> None:
        self.on_event, self.on_open = on_event, on_open
        self.raw = bytearray()
        self.text = bytearray()
        self.head_done = False
        self.opened = False
        self.lost = asyncio.get_running_loop().create_future()

    def data_received(self, data: bytes) -> None:
        self.raw += data
        if not self.head_done:
            end = self.raw.find(b"\r\n\r\n")
            if end < 0:
                return
            head = bytes(self.raw[:end]).lower()
            if not head.startswith(b"http/1.1 200") or b"transfer-encoding: chunked" not in head:
                raise ConnectionError(f"the live stream answered {head[:40]!r}")
            del self.raw[:end + 4]
            self.head_done = True
        while True:  # unframe every complete chunk
            line_end = self.raw.find(b"\r\n")
            if line_end < 0:
                break
            size = int(bytes(self.raw[:line_end]).split(b";")[0], 16)
            if len(self.raw) < line_end + 2 + size + 2:
                break
            self.text += self.raw[line_end + 2:line_end + 2 + size]
            del self.raw[:line_end + 2 + size + 2]
        while (end := self.text.find(b"\n\n")) >= 0:
            block = bytes(self.text[:end])
            del self.text[:end + 2]
            self._message(block)

    def _message(self, block: bytes) -> None:
        event, data = "", b""
        for line in block.split(b"\n"):
            if line.startswith(b"event: "):
                event = line[7:].decode()
            elif line.startswith(b"data: "):
                data = line[6:]
            elif line.startswith(b": connected") and not self.opened:
                self.opened = True
                self.on_open()
        if event:
            self.on_event(event, data)

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.lost.done():
            self.lost.set_result(None)


@dataclass
class Following:
    """What each listener saw: its last ``poll.tally`` of the poll, and how many it got."""

    last: list[dict[str, Any] | None]
    received: list[int]


async def follow(host: str, port: int, episode_id: int, poll_id: int, tokens: list[str], *,
                 on_all_open: Callable[[], None], until: Callable[[], bool]) -> Following:
    """Hold one live stream per token until ``until()`` is true; ``on_all_open`` once all are open."""
    loop = asyncio.get_running_loop()
    following = Following(last=[None] * len(tokens), received=[0] * len(tokens))
    opened = 0

    def opener() -> None:
        nonlocal opened
        opened += 1
        if opened == len(tokens):
            on_all_open()

    def listener(index: int) -> Callable[[str, bytes], None]:
        def on_event(event: str, data: bytes) -> None:
            if event == "poll.tally":
                payload = json.loads(data)
                if payload["poll_id"] == poll_id:
                    following.last[index] = payload
                    following.received[index] += 1
        return on_event

    transports: list[asyncio.BaseTransport] = []
    for index, token in enumerate(tokens):
        transport, _protocol = await loop.create_connection(
            lambda index=index: _Stream(listener(index), opener), host, port)  # type: ignore[misc]
        transport.write(f"GET /api/v1/interactive-episodes/{episode_id}/live HTTP/1.1\r\nHost: {host}:{port}\r\n"
                        f"Authorization: Bearer {token}\r\nAccept: text/event-stream\r\n\r\n".encode())
        transports.append(transport)
    while not until():
        await asyncio.sleep(0.1)
    for stream in transports:
        stream.close()
    return following


def run_loop(coroutine: Any) -> Any:
    """Run ``coroutine`` on uvloop when installed (less CPU per message), else asyncio's loop."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coroutine)
    return uvloop.run(coroutine)
