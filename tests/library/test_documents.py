"""Episode chapters and transcripts are fetched once over real HTTP (127.0.0.1), cached by URL
hash, read back without a request, and refused with typed errors when missing or too large."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from library.cues import parse_cues
from library.documents import DocumentCache
from library.errors import CueParseError, DocumentFetchError, ErrorKind
from library.paths import resolve_paths
from tests.support.httpserver import LocalHTTPServer, Resource

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
CHAPTERS_JSON = CORPUS / "chapters" / "podcastns" / "podcastns_example.json"
TRANSCRIPT_VTT = CORPUS / "transcripts" / "transcriptator" / "transcriptator_podnews_daily_2024-01-25.vtt"


def _serve(server: LocalHTTPServer, path: str, file: Path, content_type: str, **options: object) -> str:
    server.add(path, Resource(body=file.read_bytes(), content_type=content_type, **options))  # type: ignore[arg-type]
    return server.url(path)


def test_chapters_are_fetched_once_then_read_from_the_cache(http_server: LocalHTTPServer) -> None:
    url = _serve(http_server, "/ep1/chapters.json", CHAPTERS_JSON, "application/json+chapters")
    cache = DocumentCache()
    first = cache.cues(url, "application/json+chapters")
    assert len(http_server.requests_for("/ep1/chapters.json")) == 1
    second = cache.cues(url, "application/json+chapters")
    assert len(http_server.requests_for("/ep1/chapters.json")) == 1
    assert first == second == parse_cues(CHAPTERS_JSON.read_bytes())
    assert [cue.title for cue in first][:3] == ["Intro", "Hearing Aids", "Progress Report"]
    # The default cache lives in the paths module's documents folder (under CASTWISE_HOME here).
    assert cache.folder == resolve_paths().documents_cache
    assert cache.path_for(url).read_bytes() == CHAPTERS_JSON.read_bytes()


def test_a_transcript_survives_a_new_cache_object(http_server: LocalHTTPServer) -> None:
    url = _serve(http_server, "/ep1/transcript.vtt", TRANSCRIPT_VTT, "text/vtt", gzip=True)
    cues = DocumentCache().cues(url, "text/vtt")
    assert len(cues) == 44
    assert cues[0].speaker == "SPEAKER_1"
    # Another session (a fresh object over the same folder) reads the file, not the network.
    again = DocumentCache().cues(url, "text/vtt")
    assert again == cues
    assert len(http_server.requests_for("/ep1/transcript.vtt")) == 1


def test_a_missing_document_is_a_fatal_typed_error(http_server: LocalHTTPServer) -> None:
    http_server.add("/gone.json", Resource(body=b"no such chapters", status=404))
    cache = DocumentCache()
    url = http_server.url("/gone.json")
    with pytest.raises(DocumentFetchError) as raised:
        cache.cues(url)
    assert raised.value.kind is ErrorKind.FATAL
    assert "404" in str(raised.value)
    assert cache.cached(url) is None


def test_an_oversized_document_is_refused(http_server: LocalHTTPServer) -> None:
    url = _serve(http_server, "/big.vtt", TRANSCRIPT_VTT, "text/vtt")
    cache = DocumentCache(max_bytes=1024)
    assert TRANSCRIPT_VTT.stat().st_size > 1024
    with pytest.raises(DocumentFetchError, match="larger than"):
        cache.get(url)
    assert cache.cached(url) is None
    assert not cache.folder.exists() or not any(cache.folder.iterdir())


def test_an_oversized_gzip_body_is_refused_after_decompression(http_server: LocalHTTPServer) -> None:
    # 2 MB of one repeated cue compresses to a few KB; the cap counts the inflated size.
    body = b"WEBVTT\n\n" + b"00:00:01.000 --> 00:00:02.000\nla la la la la la la la\n\n" * 40_000
    http_server.add("/bomb.vtt", Resource(body=body, content_type="text/vtt", gzip=True))
    with pytest.raises(DocumentFetchError, match="larger than"):
        DocumentCache(max_bytes=256 * 1024).get(http_server.url("/bomb.vtt"))


def test_a_stale_copy_is_refetched_and_served_when_the_server_is_down(http_server: LocalHTTPServer) -> None:
    url = _serve(http_server, "/ep2/chapters.json", CHAPTERS_JSON, "application/json")
    cache = DocumentCache(max_age_s=3600)
    cache.get(url)
    week_ago = time.time() - 7 * 24 * 3600
    os.utime(cache.path_for(url), (week_ago, week_ago))
    http_server.add("/ep2/chapters.json", Resource(body=b"busy", status=503))
    assert cache.cues(url)[0].title == "Intro"  # the old copy, since 503 is temporary
    assert len(http_server.requests_for("/ep2/chapters.json")) == 2


def test_refresh_fetches_a_corrected_document(http_server: LocalHTTPServer) -> None:
    url = _serve(http_server, "/ep3/chapters.json", CHAPTERS_JSON, "application/json")
    cache = DocumentCache()
    assert cache.cues(url)[0].title == "Intro"
    http_server.add(
        "/ep3/chapters.json", Resource(body=b'{"chapters": [{"startTime": 1, "title": "Fixed"}]}')
    )
    assert cache.cues(url)[0].title == "Intro"
    assert [cue.title for cue in cache.cues(url, refresh=True)] == ["Fixed"]


def test_an_unreadable_document_is_not_kept(http_server: LocalHTTPServer) -> None:
    http_server.add(
        "/ep4/transcript.html",
        Resource(body=b"<html><body>Transcript</body></html>", content_type="text/html"),
    )
    url = http_server.url("/ep4/transcript.html")
    cache = DocumentCache()
    with pytest.raises(CueParseError, match="HTML"):
        cache.cues(url, "text/html")
    assert cache.cached(url) is None


def test_private_tokens_stay_out_of_file_names(http_server: LocalHTTPServer) -> None:
    http_server.add("/premium/chapters.json", Resource(body=CHAPTERS_JSON.read_bytes()))
    url = http_server.url("/premium/chapters.json") + "?auth=SECRETTOKEN123"
    cache = DocumentCache()
    assert len(cache.cues(url)) == 9
    names = [path.name for path in cache.folder.iterdir()]
    assert names == [cache.path_for(url).name]
    assert all("SECRET" not in name for name in names)


def test_prefetch_for_a_downloaded_episode(http_server: LocalHTTPServer) -> None:
    chapters = _serve(http_server, "/ep5/chapters.json", CHAPTERS_JSON, "application/json")
    transcript = _serve(http_server, "/ep5/transcript.vtt", TRANSCRIPT_VTT, "text/vtt")
    http_server.add("/ep5/missing.srt", Resource(status=404))
    missing = http_server.url("/ep5/missing.srt")
    outcomes = DocumentCache().prefetch([chapters, transcript, missing])
    assert outcomes[chapters] is None and outcomes[transcript] is None
    assert isinstance(outcomes[missing], DocumentFetchError)

    # Offline afterwards: a fetcher that fails proves the cache answers.
    def offline(url: str, max_bytes: int, deadline_s: float) -> bytes:
        raise DocumentFetchError("offline")

    offline_cache = DocumentCache(fetcher=offline)
    assert len(offline_cache.cues(transcript)) == 44
    with pytest.raises(DocumentFetchError, match="offline"):
        offline_cache.cues(missing)
