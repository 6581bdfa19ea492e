"""Hostile XML is refused before any parser expands it: entity bombs and external entities."""

from __future__ import annotations

from pathlib import Path

import feedparser
import pytest

from library.errors import ErrorKind, FeedParseError
from library.feeds.parse import parse_feed, parse_feed_tolerant
from library.feeds.xmlpass import read_feed

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>&lol9;</title><item><title>&lol9;</title></item></channel></rss>"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>&secret;</title></channel></rss>"""

PARAMETER_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/evil.dtd"> %remote;]>
<rss version="2.0"><channel><title>x</title></channel></rss>"""


@pytest.fixture
def feedparser_calls(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Records every call into feedparser (which still runs for real)."""
    calls: list[object] = []
    real_parse = feedparser.parse

    def spy(*args: object, **kwargs: object) -> object:
        calls.append(args)
        return real_parse(*args, **kwargs)

    monkeypatch.setattr(feedparser, "parse", spy)
    return calls


@pytest.mark.parametrize(
    "document", [BILLION_LAUGHS, EXTERNAL_ENTITY, PARAMETER_ENTITY], ids=["bomb", "external", "parameter"]
)
@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_entity_declarations_are_refused_before_feedparser_sees_them(
    document: str, encoding: str, feedparser_calls: list[object]
) -> None:
    data = document.replace('<?xml version="1.0"?>', f'<?xml version="1.0" encoding="{encoding}"?>').encode(
        encoding
    )
    with pytest.raises(FeedParseError, match="entities") as raised:
        parse_feed(data)
    assert raised.value.kind is ErrorKind.BAD_INPUT
    with pytest.raises(FeedParseError, match="entit"):
        parse_feed_tolerant(data)
    assert feedparser_calls == []


def test_the_expat_pass_refuses_entities_on_its_own() -> None:
    with pytest.raises(FeedParseError, match="entity"):
        read_feed(BILLION_LAUGHS.encode())
    with pytest.raises(FeedParseError, match="entity"):
        read_feed(EXTERNAL_ENTITY.encode())


def test_a_doctype_without_entities_is_harmless_and_parses(corpus: Path) -> None:
    # RSS 0.91 files name Netscape's DTD; nothing is fetched and nothing is declared.
    data = (corpus / "feeds/gofeed/rss/gofeed_version_rss_091_netscape.xml").read_bytes()
    assert b"<!DOCTYPE" in data
    parse_feed(data)


def test_the_predefined_xml_entities_still_work() -> None:
    data = b'<rss version="2.0"><channel><item><title>Q&amp;A &lt;live&gt; &#8212; &#x263A;</title></item></channel></rss>'
    assert parse_feed(data).episodes[0].title == "Q&A <live> \u2014 \u263a"


def test_a_corpus_feed_declaring_an_entity_is_refused(corpus: Path) -> None:
    data = (corpus / "feeds/feedparser/wellformed/rss/feedparser_entity_in_doctype.xml").read_bytes()
    with pytest.raises(FeedParseError, match="entities"):
        parse_feed(data)


def test_a_long_comment_before_the_doctype_does_not_hide_it() -> None:
    padded = BILLION_LAUGHS.replace(
        '<?xml version="1.0"?>', '<?xml version="1.0"?><!--' + "x" * 50_000 + "-->"
    )
    with pytest.raises(FeedParseError, match="entities"):
        parse_feed(padded.encode())
