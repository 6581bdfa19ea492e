"""An episode's transcript, once fetched, makes the episode findable by the words said in it; a
download also fetches the chapters and transcript documents so they work offline. Feeds,
documents and audio are served from 127.0.0.1; the commands run as a listener types them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.cli.main import main
from library.db import open_library
from library.db.lookup import resolve_episode
from library.documents import DocumentCache
from library.episode_documents import EpisodeDocuments
from library.paths import resolve_paths
from tests.library.feedfactory import Feed, Item, day
from tests.support.httpserver import LocalHTTPServer, Resource

CORPUS = Path("/work/shared/corpus")
VTT = CORPUS / "transcripts/podcastns/podcastns_example.vtt"  # Sarah and Gillian of Buzzsprout
SRT = CORPUS / "transcripts/podcastns/podcastns_example.srt"  # Travis on rookie mistakes
CHAPTERS = CORPUS / "chapters/podcastns/podcastns_example.json"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def _subscribe(server: LocalHTTPServer, capsys: pytest.CaptureFixture[str]) -> dict[str, str]:
    """A show with a VTT-transcribed episode and a downloadable SRT-transcribed, chaptered one."""
    urls = {
        "vtt": server.add("/t/trailer.vtt", Resource.from_file(VTT, "text/vtt")),
        "srt": server.add("/t/rookie.srt", Resource.from_file(SRT, "application/x-subrip")),
        "chapters": server.add("/c/rookie.json", Resource.from_file(CHAPTERS, "application/json+chapters")),
        "audio": server.add("/a/rookie.mp3", Resource(body=b"ID3" + bytes(20_000), content_type="audio/mpeg")),
    }
    feed = Feed(title="Show Talk", items=[
        Item("Trailers", guid="trailers", enclosure="http://127.0.0.1:9/none.mp3", published=day(1),
             description="Should you have one?",
             extra=f'<podcast:transcript url="{urls["vtt"]}" type="text/vtt" language="en"/>'),
        Item("Mistakes", guid="mistakes", enclosure=urls["audio"], published=day(2), description="What to avoid.",
             extra=(f'<podcast:transcript url="{urls["srt"]}" type="application/x-subrip"/>'
                    f'<podcast:chapters url="{urls["chapters"]}" type="application/json+chapters"/>')),
    ])
    feed_url = server.add("/show.xml", Resource(body=feed.xml(), content_type="application/rss+xml"))
    status, _out, err = run(capsys, "subscribe", feed_url)
    assert status == 0, err
    return urls


def _found(capsys: pytest.CaptureFixture[str], word: str) -> list[str]:
    status, out, _err = run(capsys, "search", "--json", word)
    assert status == 0
    return [hit["title"] for hit in json.loads(out)]


def test_a_fetched_transcript_makes_the_episode_findable_by_its_words(
    http_server: LocalHTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    _subscribe(http_server, capsys)
    assert _found(capsys, "Buzzsprout") == []  # said in the episode, written nowhere in the feed

    status, out, err = run(capsys, "transcript", "trailers")

    assert status == 0, err
    assert out.startswith("Sarah: In today's episode, you'll learn whether or not you should have a podcast trailer.")
    assert _found(capsys, "Buzzsprout") == ["Trailers"]
    assert _found(capsys, "gillian trailer") == ["Trailers"]
    run(capsys, "transcript", "trailers")  # read again from the cache: fetched once
    assert len([r for r in http_server.requests_for("/t/trailer.vtt") if r.method == "GET"]) == 1


def test_downloading_an_episode_fetches_its_chapters_and_transcript(
    http_server: LocalHTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    urls = _subscribe(http_server, capsys)
    assert _found(capsys, "rookie") == []

    status, out, err = run(capsys, "download", "mistakes")

    assert status == 0, err
    assert out.startswith("downloaded")
    assert _found(capsys, "rookie") == ["Mistakes"]
    cache = DocumentCache(resolve_paths().documents_cache)
    assert cache.cached(urls["chapters"]) == CHAPTERS.read_bytes()  # chapters work offline now
    assert cache.cached(urls["srt"]) == SRT.read_bytes()
    assert cache.cached(urls["vtt"]) is None  # the other episode was not downloaded
    http_server.add("/c/rookie.json", Resource(status=404, body=b"gone"))  # offline, as far as it knows
    with open_library() as library, library.session() as session:
        episode_id = resolve_episode(session, "mistakes").id
        marks = EpisodeDocuments(library, cache).chapter_marks(episode_id)
    assert marks[:2] == [(0, "Intro"), (168_000, "Hearing Aids")] and len(marks) == 9
