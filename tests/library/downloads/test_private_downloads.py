"""Episodes of a basic-auth private feed (audio and transcript) download with the feed's credentials
from the keyring, through ``castwise download`` in this process (the test keyring lives here), and
the password never reaches a log line or the terminal."""

from __future__ import annotations

import base64
import json
import logging
import random
from pathlib import Path

import pytest
from sqlalchemy import select

from app.cli.main import main
from library.db import open_library
from library.db.models import Episode
from library.paths import resolve_paths
from library.subscriptions import Subscriptions
from tests.library.feedfactory import Feed, Item, day
from tests.support.httpserver import LocalHTTPServer, Resource

USER, PASSWORD = "ann", "s3cret-Pa55word"
VTT = Path("/work/shared/corpus/transcripts/podcastns/podcastns_example.vtt")
TOKEN = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()


def _subscribe_private_show(server: LocalHTTPServer, enclosures: dict[str, str], extra: str = "") -> None:
    feed = Feed(title="Members Only", items=[
        Item(title, guid=title, enclosure=url, published=day(n + 1), extra=extra)
        for n, (title, url) in enumerate(enclosures.items())
    ])
    url = server.add("/members.xml", Resource(body=feed.xml(), content_type="application/rss+xml",
                                              basic_auth=(USER, PASSWORD)))
    with open_library() as library:
        Subscriptions(library).subscribe(url, username=USER, password=PASSWORD)


def _episode_id(guid: str) -> int:
    with open_library() as library, library.session() as session:
        return session.scalars(select(Episode.id).where(Episode.guid == guid)).one()


def test_an_episode_of_a_basic_auth_feed_downloads_and_the_password_stays_out_of_logs(
    http_server: LocalHTTPServer, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str],
) -> None:
    body = random.Random(7).randbytes(50_000)
    audio = http_server.add("/audio/bonus.mp3", Resource(body=body, content_type="audio/mpeg",
                                                          basic_auth=(USER, PASSWORD)))
    transcript = http_server.add("/audio/bonus.vtt", Resource.from_file(VTT, "text/vtt", basic_auth=(USER, PASSWORD)))
    _subscribe_private_show(http_server, {"Bonus": audio},
                            extra=f'<podcast:transcript url="{transcript}" type="text/vtt"/>')
    caplog.set_level(logging.DEBUG)

    status = main(["download", str(_episode_id("Bonus"))])

    out, err = capsys.readouterr()
    assert status == 0, err
    path = resolve_paths().downloads / "Members Only" / "Bonus.mp3"
    assert path.read_bytes() == body
    assert out.startswith(f"downloaded  {_episode_id('Bonus')}  Bonus")
    [request] = [r for r in http_server.requests_for("/audio/bonus.mp3") if r.method == "GET"]
    assert request.headers["Authorization"] == f"Basic {TOKEN}"
    # The transcript behind the same password came along, and search finds its words.
    main(["search", "--json", "Buzzsprout"])
    found, _ = capsys.readouterr()
    assert [hit["title"] for hit in json.loads(found)] == ["Bonus"]
    for secret in (PASSWORD, TOKEN):
        assert secret not in caplog.text
        assert secret not in out + err


def test_the_credentials_are_not_sent_to_another_host(http_server: LocalHTTPServer,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    # "localhost" is a different origin from the feed's 127.0.0.1: the audio is public there.
    elsewhere = http_server.add("/cdn/ep.mp3", Resource(body=b"x" * 5_000, content_type="audio/mpeg"))
    elsewhere = elsewhere.replace("127.0.0.1", "localhost")
    _subscribe_private_show(http_server, {"Public audio": elsewhere})

    status = main(["download", str(_episode_id("Public audio"))])

    assert status == 0, capsys.readouterr().err
    [request] = [r for r in http_server.requests_for("/cdn/ep.mp3") if r.method == "GET"]
    assert "Authorization" not in request.headers
