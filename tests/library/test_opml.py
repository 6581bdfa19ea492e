"""OPML import of other apps' real exports (nested, untitled, broken), export that round-trips,
private feeds kept out of exports, and hostile XML refused."""

from __future__ import annotations

import csv
import json
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from library.errors import ErrorKind, OpmlError
from library.opml import OpmlEntry, is_private, read_opml, read_opml_document, write_opml

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
OPML = CORPUS / "opml"
ALL_OPML = sorted(path for path in OPML.rglob("*") if path.is_file())

# Deliberately invalid files, and the words of the message a listener sees for each.
INVALID = {
    "castero/castero_broken_no_body.xml": "no <body>",
    "newsboat/newsboat_body-element-missing.opml": "no <body>",
    "holllo-opml/samples/holllo-opml_invalid_xml.opml": "XML is broken",
    "newsboat/newsboat_opml-element-missing.opml": "root element is <not-opml>",
}

# Where our subscription count differs from MANIFEST.csv's heuristic count, and why.
COUNT_DIFFERENCES = {
    # "test_resources/podcast1.rss" is a relative path, not a feed address.
    "anytime/anytime_opml_import_test1.opml": 0,
    # The xmlUrl values are placeholder words ("Outline XML URL").
    "holllo-opml/samples/holllo-opml_valid_opml_with_everything.opml": 0,
    # "|~/fetch_tweets.py" is a newsboat command, never run by Castwise.
    "newsboat/newsboat_piped.opml": 1,
    # The manifest's count drops "Signal v. Noise", whose description holds an unescaped
    # <a href>; recovery keeps the subscription.
    "feeder/feeder_Programming.opml": 50,
}


def _manifest_counts() -> dict[str, int]:
    with (CORPUS / "MANIFEST.csv").open(newline="", encoding="utf-8") as handle:
        return {
            row["path"].removeprefix("opml/"): int(row["items_or_entries"] or 0)
            for row in csv.DictReader(handle)
            if row["category"] == "opml"
        }


def _url(entry: OpmlEntry) -> str:
    return entry.feed_url


def _name(path: Path) -> str:
    return str(path.relative_to(OPML))


def test_the_corpus_is_all_here() -> None:
    assert len(ALL_OPML) == 62


@pytest.mark.parametrize("path", ALL_OPML, ids=_name)
def test_every_corpus_opml_file_imports_or_says_why_not(path: Path) -> None:
    name = _name(path)
    if name in INVALID:
        with pytest.raises(OpmlError) as raised:
            read_opml(path.read_bytes())
        assert raised.value.kind is ErrorKind.BAD_INPUT
        assert INVALID[name] in str(raised.value)
        return
    entries = read_opml(path.read_bytes())
    assert len(entries) == COUNT_DIFFERENCES.get(name, _manifest_counts()[name])
    assert len({entry.feed_url for entry in entries}) == len(entries)
    assert all(entry.feed_url.startswith(("http://", "https://")) for entry in entries)


def test_feedsmith_reference_subscriptions_match() -> None:
    expected = json.loads(
        (CORPUS / "expected/feedsmith/opml/references/feedsmith_subscriptions.json").read_text(
            encoding="utf-8"
        )
    )
    entries = read_opml((OPML / "feedsmith/feedsmith_subscriptions.opml").read_bytes())
    assert [(e.feed_url, e.title, e.html_url, e.description) for e in entries] == [
        (o["xmlUrl"], o["text"], o.get("htmlUrl"), o.get("description")) for o in expected["body"]["outlines"]
    ]


@pytest.mark.parametrize("name", ["category", "countries", "directory", "places", "script"])
def test_feedsmith_outlines_without_feeds_import_nothing(name: str) -> None:
    # These OPML 2.0 samples are outlines of places, links and scripts: no subscriptions.
    expected = json.loads(
        (CORPUS / f"expected/feedsmith/opml/references/feedsmith_{name}.json").read_text(encoding="utf-8")
    )
    assert "xmlUrl" not in json.dumps(expected)
    assert read_opml((OPML / f"feedsmith/feedsmith_{name}.opml").read_bytes()) == []


def test_nested_outlines_become_category_paths() -> None:
    entries = read_opml((OPML / "newsboat/newsboat_test-urls+.opml").read_bytes())
    assert entries[0].feed_url == "http://test1.url.cc/feed.xml"
    assert entries[0].title == "CC Test"
    assert entries[0].categories == ("tag1", "tag2")
    rome = read_opml((OPML / "rome/rome_opml_2.0.xml").read_bytes())
    assert rome[0].categories == ("Subscriptions",)
    assert rome[0].title == "Bloglines | News"


def test_outlines_without_titles_and_without_urls() -> None:
    untitled = read_opml((OPML / "newsboat/newsboat_category.opml").read_bytes())
    assert untitled == [OpmlEntry("http://feeds.bbci.co.uk/news/business/rss.xml?edition=int")]
    pocket = read_opml_document(
        (OPML / "podcastarchiver/podcastarchiver_opml_pocketcasts_valid.xml").read_bytes()
    )
    assert [entry.title for entry in pocket.entries] == ["Lautsprecher"]
    assert [(skip.title, skip.reason) for skip in pocket.skipped] == [
        ("Other", "the outline has no feed address"),
        ("Another", "the outline has no feed address"),
    ]


def test_a_command_outline_is_never_imported() -> None:
    document = read_opml_document((OPML / "newsboat/newsboat_piped.opml").read_bytes())
    assert [entry.feed_url for entry in document.entries] == ["https://example.com/feed.atom"]
    assert document.skipped[0].url == "|~/fetch_tweets.py"
    assert "never runs commands" in document.skipped[0].reason


@pytest.mark.parametrize("spelling", ["xmlurl", "XMLURL", "XmlUrl"])
def test_xml_url_in_any_case(spelling: str) -> None:
    original = (OPML / "feeder/feeder_antennapod-feeds.opml").read_bytes()
    respelled = original.replace(b"xmlUrl=", spelling.encode() + b"=")
    assert respelled != original
    assert read_opml(respelled) == read_opml(original)
    assert len(read_opml(original)) == 8


def test_broken_exports_are_recovered_outline_by_outline() -> None:
    document = read_opml_document((OPML / "feeder/feeder_Programming.opml").read_bytes())
    assert document.recovered
    signal = next(entry for entry in document.entries if entry.title == "Signal v. Noise")
    assert signal.feed_url == "https://m.signalvnoise.com/feed/"
    mismatched = read_opml_document((OPML / "castero/castero_broken_parse.xml").read_bytes())
    assert [(e.feed_url, e.categories) for e in mismatched.entries] == [
        ("http://feed1", ("feeds",)),
        ("http://feed2", ("feeds",)),
    ]


def test_podcast_app_schemes_become_web_addresses() -> None:
    data = (
        b'<opml version="2.0"><body>'
        b'<outline text="A" xmlUrl="feed://example.org/a.xml"/>'
        b'<outline text="B" xmlUrl="itpc://example.org/b.xml"/>'
        b'<outline text="C" xmlUrl="feed:https://example.org/c.xml"/>'
        b'<outline text="D" xmlUrl="pcast://example.org/d.xml"/>'
        b'<outline text="A again" xmlUrl="http://example.org/a.xml"/>'
        b"</body></opml>"
    )
    assert [entry.feed_url for entry in read_opml(data)] == [
        "http://example.org/a.xml",
        "http://example.org/b.xml",
        "https://example.org/c.xml",
        "http://example.org/d.xml",
    ]


HOSTILE = {
    "billion laughs": (
        b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
        b'<opml version="2.0"><body><outline text="&c;" xmlUrl="http://example.org/"/></body></opml>'
    ),
    "external entity": (
        b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
        b'<opml version="2.0"><body><outline text="&secret;" xmlUrl="http://example.org/"/></body></opml>'
    ),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_entity_declarations_are_refused(name: str) -> None:
    with pytest.raises(OpmlError, match="entit"):
        read_opml(HOSTILE[name])


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "empty"),
        (b"   \n", "empty"),
        (b"<!DOCTYPE html><html><body><p>Sign in</p></body></html>", "web page"),
        (b'<rss version="2.0"><channel><title>x</title></channel></rss>', "a feed"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "XML is broken"),
    ],
)
def test_unusable_documents_say_what_they_are(data: bytes, words: str) -> None:
    with pytest.raises(OpmlError, match=words):
        read_opml(data)


@settings(max_examples=200, deadline=None)
@given(
    st.binary(max_size=300)
    | st.text(alphabet=list("<>/=\"' outlinexmlUrlopmlbody:http"), max_size=300).map(str.encode)
)
def test_arbitrary_input_never_crashes(data: bytes) -> None:
    try:
        entries = read_opml(data)
    except OpmlError:
        return
    assert all(entry.feed_url.startswith(("http://", "https://")) for entry in entries)


# --- export -------------------------------------------------------------------------------------

VALID = [path for path in ALL_OPML if _name(path) not in INVALID]


@pytest.mark.parametrize("path", VALID, ids=_name)
def test_export_round_trips_every_corpus_file(path: Path) -> None:
    entries = read_opml(path.read_bytes())
    exported = write_opml(entries, title="Castwise subscriptions", include_private=True)
    # Export groups feeds by category (first-seen order), so compare independent of order.
    assert sorted(read_opml(exported), key=_url) == sorted(entries, key=_url)
    document = read_opml_document(exported)
    assert document.title == "Castwise subscriptions" and not document.recovered


def test_export_is_opml_2_that_other_apps_read() -> None:
    entries = read_opml((OPML / "netnewswire/netnewswire_Subs.opml").read_bytes())
    root = ElementTree.fromstring(write_opml(entries, title="Mine & yours"))
    assert root.tag == "opml" and root.attrib["version"] == "2.0"
    assert root.find("head/title").text == "Mine & yours"
    assert root.find("head/dateCreated").text.endswith("GMT")
    feeds = [outline for outline in root.iter("outline") if "xmlUrl" in outline.attrib]
    assert len(feeds) == 207
    # OPML 2.0 requires "text" on every outline; apps read "type" and "xmlUrl" for feeds.
    assert all(outline.attrib.get("text") for outline in root.iter("outline"))
    assert all(outline.attrib["type"] == "rss" for outline in feeds)


def test_titles_with_markup_characters_and_emoji_survive() -> None:
    entries = [
        OpmlEntry(
            "https://example.org/feed?a=1&b=2",
            title='Tom & Jerry\'s <"Show"> 🎙️',
            categories=("Kids & Family",),
        ),
        OpmlEntry("https://example.org/other", title=None, html_url="https://example.org/"),
    ]
    assert read_opml(write_opml(entries, title="t")) == entries


PRIVATE_ENTRIES = [
    OpmlEntry("https://listener:hunter2secret@feeds.example.org/premium.xml", title="Basic auth"),
    OpmlEntry("https://www.patreon.com/rss/show?auth=Zx9SECRETTOKEN&show=1", title="Patreon"),
    OpmlEntry("https://feeds.example.org/members.xml?token=TOKENVALUE42", title="Token"),
    OpmlEntry("https://feeds.example.org/members.xml?key=KEYVALUE42", title="Key"),
    OpmlEntry("https://supercast.example.org/feed/abc", title="Flagged", private=True),
]
PUBLIC_ENTRY = OpmlEntry("https://feeds.example.org/public.xml?format=mp3", title="Public")


def test_private_feeds_are_left_out_of_exports() -> None:
    exported = write_opml([*PRIVATE_ENTRIES, PUBLIC_ENTRY], title="Mine")
    assert read_opml(exported) == [PUBLIC_ENTRY]
    for secret in (b"hunter2secret", b"Zx9SECRETTOKEN", b"TOKENVALUE42", b"KEYVALUE42", b"supercast"):
        assert secret not in exported
    assert all(is_private(entry) for entry in PRIVATE_ENTRIES)
    assert not is_private(PUBLIC_ENTRY)


def test_private_feeds_are_exported_when_the_listener_asks() -> None:
    exported = write_opml([*PRIVATE_ENTRIES, PUBLIC_ENTRY], title="Mine", include_private=True)
    assert [entry.feed_url for entry in read_opml(exported)] == [
        entry.feed_url for entry in [*PRIVATE_ENTRIES, PUBLIC_ENTRY]
    ]
    # The token URL is written exactly, "&" and all, so the private feed still works elsewhere.
    assert b"auth=Zx9SECRETTOKEN&amp;show=1" in exported


def test_export_groups_feeds_in_category_outlines() -> None:
    entries = [
        OpmlEntry("https://a.example/feed", title="A", categories=("News",)),
        OpmlEntry("https://b.example/feed", title="B"),
        OpmlEntry("https://c.example/feed", title="C", categories=("News", "Tech")),
        OpmlEntry("https://d.example/feed", title="D", categories=("News",)),
    ]
    body = ElementTree.fromstring(write_opml(entries, title="t")).find("body")
    assert body is not None
    news = body[0]
    assert news.attrib["text"] == "News" and "xmlUrl" not in news.attrib
    assert [child.attrib["text"] for child in news] == ["A", "Tech", "D"]
    assert [child.attrib["text"] for child in news[1]] == ["C"]
    assert body[1].attrib["xmlUrl"] == "https://b.example/feed"


def test_category_folders_marked_as_feeds_are_not_reported_as_lost() -> None:
    # Flym marks its category folders type='rss' (with no xmlUrl): they are folders, not feeds.
    document = read_opml_document((OPML / "feeder/feeder_Flym_auto_backup.opml").read_bytes())
    assert document.skipped == []
    assert document.entries[0].categories == ("black humor",)
    assert {entry.categories for entry in document.entries} >= {("black humor",), ("comics",)}
