"""``castwise feed parse`` as a listener or a script runs it: a real subprocess, real files/HTTP."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from tests.support.httpserver import LocalHTTPServer, Resource

ROOT = Path(__file__).resolve().parents[3]
SCHEMA = json.loads((ROOT / "docs" / "schemas" / "feed-parse.schema.json").read_text(encoding="utf-8"))
BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<rss version="2.0"><channel><title>&lol3;</title></channel></rss>"""


def castwise(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app.cli.main", *args],
        cwd=ROOT,
        input=stdin.decode("latin-1") if stdin is not None else None,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )


def assert_one_line_error(result: subprocess.CompletedProcess[str], fragment: str) -> None:
    assert result.returncode != 0
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert fragment in lines[0]


@pytest.mark.parametrize(
    "relative",
    [
        "feeds/podcastns/podcastns_example.xml",  # Podcasting 2.0, fast path
        "feeds/feedsmith/atom/references/feedsmith_atom-10.xml",  # Atom, feedparser path
        "feeds/podcastfeedparser/podcastfeedparser_bc-sample-bad.xml",  # ill-formed
    ],
)
def test_json_output_follows_the_published_schema(corpus: Path, relative: str) -> None:
    result = castwise("feed", "parse", str(corpus / relative), "--json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    jsonschema.validate(document, SCHEMA)
    assert document["episodes"], "every corpus feed chosen here has items"


def test_json_carries_podcasting_2_fields(corpus: Path) -> None:
    result = castwise("feed", "parse", str(corpus / "feeds/podcastns/podcastns_example.xml"), "--json")
    document = json.loads(result.stdout)
    assert document["podcast"]["guid"] == "y0ur-gu1d-g035-h3r3"
    assert document["podcast"]["locked"] is True
    first = document["episodes"][0]
    assert first["published"] == "2020-10-09T04:30:38Z"
    assert first["chapters_url"] == "https://example.com/ep3_chapters.json"
    assert {person["name"] for person in first["persons"]} >= {"Adam Curry", "Dave Jones"}
    assert first["alternate_enclosures"][0]["sources"][0] == "https://example.com/file-03.mp3"
    assert first["season"] == 1 and first["episode"] == 3


def test_the_daily_lists_all_845_items_and_validates(corpus: Path) -> None:
    result = castwise(
        "feed", "parse", str(corpus / "feeds/podcastfeedparser/podcastfeedparser_the-daily.xml"), "--json"
    )
    document = json.loads(result.stdout)
    jsonschema.validate(document, SCHEMA)
    assert len(document["episodes"]) == 845


def test_items_without_enclosure_are_listed_with_null(tmp_path: Path) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_bytes(
        b'<rss version="2.0"><channel><title>T</title><item><title>Text only</title></item>'
        b'<item><title>Audio</title><enclosure url="http://x.test/a.mp3" type="audio/mpeg" length="9"/></item>'
        b"</channel></rss>"
    )
    document = json.loads(castwise("feed", "parse", str(feed), "--json").stdout)
    assert [episode["title"] for episode in document["episodes"]] == ["Text only", "Audio"]
    assert document["episodes"][0]["enclosure"] is None
    assert document["episodes"][1]["enclosure"] == {
        "url": "http://x.test/a.mp3",
        "type": "audio/mpeg",
        "length": 9,
    }


def test_a_valid_feed_without_items_exits_zero(tmp_path: Path) -> None:
    feed = tmp_path / "empty-show.xml"
    feed.write_bytes(b'<?xml version="1.0"?><rss version="2.0"><channel><title>Soon</title></channel></rss>')
    result = castwise("feed", "parse", str(feed), "--json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    jsonschema.validate(document, SCHEMA)
    assert document["podcast"]["title"] == "Soon"
    assert document["episodes"] == []


def test_the_human_summary_names_the_show_and_counts_episodes(corpus: Path) -> None:
    result = castwise("feed", "parse", str(corpus / "feeds/podcastns/podcastns_example.xml"))
    assert result.returncode == 0
    assert "Podcasting 2.0 Namespace Example" in result.stdout
    assert "3 episodes" in result.stdout
    assert "live (live, not supported yet)  Podcasting 2.0 Live Show" in result.stdout


def test_a_url_is_fetched_and_parsed(http_server: LocalHTTPServer, corpus: Path) -> None:
    url = http_server.add(
        "/feed.xml?auth=tok&x=",
        Resource.from_file(
            corpus / "feeds/podcastns/podcastns_example.xml", "application/rss+xml", gzip=True
        ),
    )
    result = castwise("feed", "parse", url, "--json")
    assert result.returncode == 0, result.stderr
    episodes = json.loads(result.stdout)["episodes"]
    assert [episode["live_status"] for episode in episodes] == [None, None, None, "live"]


def test_unusable_input_exits_non_zero_with_one_clear_line(
    tmp_path: Path, http_server: LocalHTTPServer, corpus: Path
) -> None:
    assert_one_line_error(castwise("feed", "parse", str(tmp_path / "missing.xml"), "--json"), "no such file")
    empty = tmp_path / "empty.xml"
    empty.write_bytes(b"  \n")
    assert_one_line_error(castwise("feed", "parse", str(empty), "--json"), "empty")
    html = tmp_path / "page.html"
    html.write_bytes(b"<!DOCTYPE html><html><head><title>Blog</title></head><body>Hi</body></html>")
    assert_one_line_error(castwise("feed", "parse", str(html), "--json"), "HTML")
    bomb = tmp_path / "bomb.xml"
    bomb.write_bytes(BILLION_LAUGHS)
    assert_one_line_error(castwise("feed", "parse", str(bomb), "--json"), "entities")
    assert_one_line_error(
        castwise("feed", "parse", str(corpus / "feeds/gofeed/universal/gofeed_unknown_feed.xml"), "--json"),
        "not a podcast feed",
    )
    assert_one_line_error(castwise("feed", "parse", http_server.url("/nothing?auth=secret"), "--json"), "404")
    assert_one_line_error(castwise("feed", "parse", str(tmp_path), "--json"), "not a file")


def test_errors_from_urls_never_print_the_token(http_server: LocalHTTPServer) -> None:
    result = castwise("feed", "parse", http_server.url("/gone?auth=VERYSECRET"))
    assert "VERYSECRET" not in result.stderr + result.stdout


def test_the_published_schema_is_a_valid_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert set(SCHEMA["$defs"]["episode"]["required"]) >= {"guid", "title", "published", "enclosure", "transcripts"}
