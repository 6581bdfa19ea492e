"""The library commands end to end: ``castwise subscribe/list/episodes/search/refresh/unsubscribe``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli.main import main
from tests.library.feedfactory import Feed, Item, day, numbered_feed
from tests.support.httpserver import LocalHTTPServer, Resource

ROOT = Path(__file__).resolve().parents[2]
RSS = "application/rss+xml"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_subscribe_list_episodes_search_refresh_unsubscribe(
    http_server: LocalHTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    feed = numbered_feed(3, title="Roman Tales")
    feed.items[0].title = "The fall of Rome"
    url = http_server.add("/rome.xml", Resource(body=feed.xml(), content_type=RSS))
    zh = Feed(title="忽左忽右", items=[Item("中国历史上的丝绸之路", guid="zh-1", published=day(1))])
    zh_url = http_server.add("/zh.xml", Resource(body=zh.xml(), content_type=RSS))

    status, out, _ = run(capsys, "subscribe", url)
    assert status == 0 and out.strip() == "Subscribed to Roman Tales (id 1): 3 episodes"
    status, out, _ = run(capsys, "subscribe", "--json", zh_url)
    assert status == 0 and json.loads(out)["podcast_id"] == 2

    status, out, _ = run(capsys, "list")
    assert status == 0
    assert out.splitlines() == ["     1  Roman Tales  (3 episodes)", "     2  忽左忽右  (1 episodes)"]

    status, out, _ = run(capsys, "episodes", url)  # by feed URL, same as by id
    lines = out.splitlines()
    assert lines[0] == "Roman Tales (id 1)"
    assert [line.split("  ")[-1] for line in lines[1:]] == ["The fall of Rome", "Episode 2", "Episode 1"]
    assert "2024-05-03" in lines[1] and "30:00" in lines[1]
    assert run(capsys, "episodes", "1")[1] == out

    status, out, _ = run(capsys, "search", "--json", "历史")
    assert status == 0
    [hit] = json.loads(out)
    assert (hit["kind"], hit["title"], hit["podcast_title"]) == ("episode", "中国历史上的丝绸之路", "忽左忽右")
    status, out, _ = run(capsys, "search", "fall", "of", "rom")
    assert out.splitlines() == [f"episode {3:>8}  2024-05-03  The fall of Rome — Roman Tales"]

    status, out, err = run(capsys, "refresh")
    assert status == 0
    assert "not modified  Roman Tales (id 1)" in out
    assert out.splitlines()[-1] == "2 feeds refreshed: 0 new episodes, 0 failed"
    assert "2/2" in err  # the progress bar

    status, out, _ = run(capsys, "unsubscribe", url)
    assert status == 0 and out.strip() == "Unsubscribed from Roman Tales (id 1)"
    assert run(capsys, "list")[1].splitlines() == ["     2  忽左忽右  (1 episodes)"]


def test_refresh_reports_each_outcome(http_server: LocalHTTPServer, capsys: pytest.CaptureFixture[str]) -> None:
    good = http_server.add("/good.xml", Resource(body=numbered_feed(1, title="Good").xml(), content_type=RSS))
    bad = http_server.add("/bad.xml", Resource(body=numbered_feed(1, title="Bad").xml(), content_type=RSS))
    run(capsys, "subscribe", good)
    run(capsys, "subscribe", bad)
    http_server.add("/good.xml", Resource(body=numbered_feed(3, title="Good").xml(), content_type=RSS))
    http_server.add("/bad.xml", Resource(status=404, body=b"no"))
    status, out, _ = run(capsys, "refresh", "--all")
    assert status == 0
    assert "updated       Good (id 1): 2 new, 0 changed" in out
    assert "failed        Bad (id 2):" in out and "404" in out and "[not-found]" in out
    status, out, _ = run(capsys, "refresh", "--json", "2")
    [report] = json.loads(out)["feeds"]
    assert (report["outcome"], report["reason"], report["error_kind"]) == ("failed", "not-found", "fatal")
    assert "[failed]" in run(capsys, "list")[1]


def test_errors_are_one_line_without_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "episodes", "42")
    assert status == 1 and out == ""
    assert err.strip() == "castwise: No podcast '42' in the library (see `castwise list` for ids)."
    status, _, err = run(capsys, "unsubscribe", "https://user:hunter22@example.org/feed?auth=tok123")
    assert status == 1 and "hunter22" not in err and "tok123" not in err
    status, _, err = run(capsys, "subscribe", "http://127.0.0.1:9/nothing-listens-here.xml")
    assert status == 1 and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_private_feed_url_never_printed(http_server: LocalHTTPServer, capsys: pytest.CaptureFixture[str]) -> None:
    http_server.add("/p.xml?auth=tok-9f8e7d", Resource(body=numbered_feed(1).xml(), content_type=RSS))
    status, out, err = run(capsys, "subscribe", http_server.url("/p.xml?auth=tok-9f8e7d"))
    assert status == 0
    for argv in (["list"], ["list", "--json"], ["refresh"], ["episodes", "1"]):
        status, out, err = run(capsys, *argv)
        assert status == 0 and "tok-9f8e7d" not in out + err, argv
    assert "(private)" in run(capsys, "list")[1]


def test_the_command_runs_as_a_process(http_server: LocalHTTPServer, castwise_home: Path) -> None:
    url = http_server.add("/f.xml", Resource(body=numbered_feed(2).xml(), content_type=RSS))
    environment = {**os.environ, "CASTWISE_HOME": str(castwise_home)}

    def castwise(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "app.cli.main", *argv], cwd=ROOT, env=environment,
                              capture_output=True, text=True, timeout=120)

    assert castwise("subscribe", url).returncode == 0
    result = castwise("episodes", "1", "--json")
    assert result.returncode == 0, result.stderr
    assert [episode["title"] for episode in json.loads(result.stdout)] == ["Episode 2", "Episode 1"]


def test_semantic_search_without_a_model_falls_back_to_words(
    http_server: LocalHTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    feed = numbered_feed(2, title="Roman Tales")
    feed.items[0].title = "The fall of Rome"
    run(capsys, "subscribe", http_server.add("/rome.xml", Resource(body=feed.xml(), content_type=RSS)))
    status, out, err = run(capsys, "search", "--semantic", "rome")
    assert status == 0
    assert out.splitlines() == [f"episode {2:>8}  2024-05-02  The fall of Rome — Roman Tales  (matches your words)"]
    assert "model" in err  # the listener is told why meaning is not used


def _show_with_audio(server: LocalHTTPServer, slug: str, count: int) -> tuple[str, Feed]:
    """A feed of ``count`` episodes whose audio the server really serves."""
    feed = Feed(title=slug.title(), items=[
        Item(f"{slug} {n}", guid=f"{slug}-{n}", enclosure=server.add(f"/{slug}/{n}.mp3", Resource(
            body=f"{slug} audio {n}".encode() * 500, content_type="audio/mpeg")), published=day(n))
        for n in range(count, 0, -1)
    ])
    return server.add(f"/{slug}.xml", Resource(body=feed.xml(), content_type=RSS)), feed


def test_refresh_downloads_the_new_episodes_of_podcasts_with_auto_download(
    http_server: LocalHTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    from sqlalchemy import update

    from library.db import open_library
    from library.db.models import Podcast
    from library.paths import resolve_paths

    auto_url, _ = _show_with_audio(http_server, "auto", 1)
    manual_url, _ = _show_with_audio(http_server, "manual", 1)
    run(capsys, "subscribe", auto_url)
    run(capsys, "subscribe", manual_url)
    with open_library() as library, library.transaction() as session:
        session.execute(update(Podcast).where(Podcast.id == 1).values(auto_download=True))
    _show_with_audio(http_server, "auto", 2)  # each feed now lists a second episode
    _show_with_audio(http_server, "manual", 2)

    status, out, _ = run(capsys, "refresh")

    assert status == 0
    folder = resolve_paths().downloads
    # Only the new episode of the opted-in podcast: not the one known before, not the other show.
    assert [path.name for path in (folder / "Auto").iterdir()] == ["auto 2.mp3"]
    assert (folder / "Auto" / "auto 2.mp3").read_bytes() == b"auto audio 2" * 500
    assert not (folder / "Manual").exists()
    assert any(line.startswith("downloaded") and "auto 2" in line for line in out.splitlines())
    assert out.splitlines()[-1] == "2 feeds refreshed: 2 new episodes, 0 failed; 1 downloaded"
    assert len(http_server.requests_for("/manual/2.mp3")) == 0

    _show_with_audio(http_server, "auto", 3)
    status, out, _ = run(capsys, "refresh", "--json", "--no-download", "1")
    assert status == 0 and json.loads(out)["downloads"] == []
    assert not (folder / "Auto" / "auto 3.mp3").exists()
    _show_with_audio(http_server, "auto", 4)
    status, out, _ = run(capsys, "refresh", "--json", "1")
    # Episode 3 was first seen by the --no-download run, so only 4 is new now.
    [download] = json.loads(out)["downloads"]
    assert download["ok"] and download["path"] == str(folder / "Auto" / "auto 4.mp3")
    assert not (folder / "Auto" / "auto 3.mp3").exists()
