"""Directory search over recorded real iTunes and Podcast Index answers, served from 127.0.0.1."""

from __future__ import annotations

import hashlib
import json

from app.directory import DirectorySearch
from tests.support.httpserver import Resource


def serve(http_server, corpus, *, itunes_status: int = 200) -> DirectorySearch:  # type: ignore[no-untyped-def]
    itunes = (corpus / "directory" / "itunes" / "gnomepodcasts_search_10.txt").read_bytes()
    index = (corpus / "directory" / "podcastindex" / "podcastindexgo_example_podcasts_by_title.json").read_bytes()
    http_server.add("/itunes", Resource(body=itunes if itunes_status == 200 else b"oops", status=itunes_status,
                                        content_type="text/javascript"))
    http_server.add("/pi", Resource(body=index, content_type="application/json"))
    return DirectorySearch(itunes_url=http_server.url("/itunes"), podcastindex_url=http_server.url("/pi"),
                           podcastindex_key="KEY123", podcastindex_secret="SECRET456")


def test_results_from_both_directories_are_merged(http_server, corpus) -> None:
    directory = serve(http_server, corpus)
    results, errors = directory.search("test")
    assert errors == []
    index = json.loads((corpus / "directory" / "podcastindex" / "podcastindexgo_example_podcasts_by_title.json").read_text())
    expected_urls = {feed["url"] for feed in index["feeds"]}
    urls = [url for _title, _author, url in results]
    assert len(urls) == len(set(urls))  # no feed listed twice
    assert expected_urls <= set(urls)
    assert len(urls) >= 10 + len(expected_urls) - 1
    request = next(r for r in http_server.requests if r.path.startswith("/pi?"))
    headers = {key.lower(): value for key, value in request.headers.items()}
    assert headers["x-auth-key"] == "KEY123"
    digest = hashlib.sha1(("KEY123" + "SECRET456" + headers["x-auth-date"]).encode()).hexdigest()
    assert headers["authorization"] == digest


def test_one_directory_failing_leaves_the_other_results_and_says_why(http_server, corpus) -> None:
    directory = serve(http_server, corpus, itunes_status=503)
    results, errors = directory.search("test")
    assert len(errors) == 1 and errors[0].startswith("iTunes") and "503" in errors[0]
    assert results  # Podcast Index still answered
