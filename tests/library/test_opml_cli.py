"""``castwise opml import`` / ``opml export`` against a real library and feeds on 127.0.0.1."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.cli.main import main
from library.opml import read_opml
from tests.library.feedfactory import numbered_feed
from tests.support.httpserver import LocalHTTPServer, Resource

RSS = "application/rss+xml"
TOKEN = "patreonTOKEN123"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.fixture
def feeds(http_server: LocalHTTPServer) -> dict[str, str]:
    return {
        "news": http_server.add("/news.xml", Resource(body=numbered_feed(2, title="News Hour").xml(), content_type=RSS)),
        "tech": http_server.add("/tech.xml", Resource(body=numbered_feed(1, title="Tech Talk").xml(), content_type=RSS)),
        "private": http_server.add(f"/vip.xml?auth={TOKEN}",
                                   Resource(body=numbered_feed(1, title="Members Only").xml(), content_type=RSS)),
        "dead": http_server.add("/dead.xml", Resource(status=404, body=b"gone")),
    }


def test_import_nested_outlines_then_export_with_and_without_private_feeds(
    feeds: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "subscribe", feeds["tech"])
    opml = tmp_path / "subscriptions.opml"
    opml.write_text(
        f"""<?xml version="1.0"?>
<opml version="1.0"><head><title>From another app</title></head><body>
  <outline text="News"><outline text="News Hour" type="rss" xmlUrl="{feeds['news']}"/></outline>
  <outline type="rss" xmlUrl="{feeds['tech']}"/>
  <outline text="" type="rss" xmlUrl="{feeds['private'].replace('&', '&amp;')}"/>
  <outline text="Dead" type="rss" xmlUrl="{feeds['dead']}"/>
  <outline text="No address" type="rss"/>
</body></opml>""",
        encoding="utf-8",
    )
    status, out, err = run(capsys, "opml", "import", str(opml))
    assert status == 0
    assert "updated       News Hour (id 2): 2 new, 0 changed" in out
    assert "updated       Members Only (id 3)" in out
    assert "failed        Dead (id 4)" in out and "[not-found]" in out
    assert "skipped       No address: the outline has no feed address" in out
    assert out.splitlines()[-1] == "3 podcasts added (1 failed to load), 1 already subscribed, 1 skipped"
    assert "3/3" in err
    assert TOKEN not in out + err
    titles = [line.strip().split("  ")[1] for line in run(capsys, "list")[1].splitlines()]
    assert titles == ["Dead", "Members Only (private)", "News Hour", "Tech Talk"]

    public = tmp_path / "public.opml"
    status, _, err = run(capsys, "opml", "export", str(public))
    assert status == 0 and "1 private feeds left out" in err
    exported = read_opml(public.read_bytes())
    assert sorted(entry.feed_url for entry in exported) == sorted([feeds["dead"], feeds["news"], feeds["tech"]])
    assert TOKEN not in public.read_text()

    everything = tmp_path / "everything.opml"
    assert run(capsys, "opml", "export", "--include-private", str(everything))[0] == 0
    urls = {entry.title: entry.feed_url for entry in read_opml(everything.read_bytes())}
    assert urls["Members Only"] == feeds["private"]  # the token, exactly as issued


def test_exported_file_imports_into_a_fresh_library(
    feeds: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    run(capsys, "subscribe", feeds["news"])
    run(capsys, "subscribe", feeds["private"])
    exported = tmp_path / "out.opml"
    run(capsys, "opml", "export", "--include-private", str(exported))
    monkeypatch.setenv("CASTWISE_HOME", str(tmp_path / "other-machine"))
    status, out, _ = run(capsys, "opml", "import", str(exported))
    assert status == 0 and out.splitlines()[-1] == "2 podcasts added (0 failed to load), 0 already subscribed, 0 skipped"
    listing = run(capsys, "list")[1]
    assert "Members Only (private)" in listing and "News Hour" in listing


def test_import_of_a_file_that_is_not_opml_is_one_clear_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "page.opml"
    page.write_text("<html><body>hello</body></html>")
    status, out, err = run(capsys, "opml", "import", str(page))
    assert status == 1 and out == ""
    assert err.startswith("castwise: ") and len(err.strip().splitlines()) == 1
    status, _, err = run(capsys, "opml", "import", str(tmp_path / "missing.opml"))
    assert status == 1 and "cannot read" in err
