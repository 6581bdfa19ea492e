"""parse_feed: what a listener sees from a feed - episodes, show notes, dates, Podcasting 2.0 data -
and the typed errors for what is not a feed."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from library.errors import ErrorKind, FeedParseError
from library.feeds.parse import parse_feed, parse_feed_fast, parse_feed_tolerant
from library.feeds.values import parse_date, parse_duration, parse_explicit

PODCAST_NS = 'xmlns:podcast="https://podcastindex.org/namespace/1.0"'
ITUNES_NS = 'xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"'
CONTENT_NS = 'xmlns:content="http://purl.org/rss/1.0/modules/content/"'
PSC_NS = 'xmlns:psc="http://podlove.org/simple-chapters"'


def rss(items: str, channel: str = "<title>Show</title>", encoding: str = "utf-8") -> bytes:
    return (
        f'<?xml version="1.0" encoding="{encoding}"?>'
        f'<rss version="2.0" {PODCAST_NS} {ITUNES_NS} {CONTENT_NS} {PSC_NS}><channel>{channel}{items}</channel></rss>'
    ).encode(encoding)


FULL_ITEM = """
<item>
  <title> Episode 12: Rivers </title>
  <guid isPermaLink="false">ep-12</guid>
  <pubDate>Tue, 10 Jun 2025 09:30:00 +0200</pubDate>
  <link>https://show.test/12</link>
  <description>short text</description>
  <content:encoded><![CDATA[<p>Long <b>notes</b> <a href="https://x.test/" onclick="steal()">link</a>
    <img src="https://x.test/i.png"><script>alert(1)</script></p>]]></content:encoded>
  <enclosure url="https://cdn.test/12.mp3" type="audio/mpeg" length="12345"/>
  <itunes:duration>1:02:03</itunes:duration>
  <itunes:explicit>yes</itunes:explicit>
  <itunes:season>2</itunes:season>
  <itunes:episode>12</itunes:episode>
  <itunes:episodeType>Full</itunes:episodeType>
  <itunes:image href="https://show.test/12.jpg"/>
  <podcast:chapters url="https://show.test/12/chapters.json" type="application/json+chapters"/>
  <podcast:transcript url="https://show.test/12.vtt" type="text/vtt" language="en" rel="captions"/>
  <podcast:transcript url="https://show.test/12.srt" type="application/x-subrip"/>
  <podcast:person role="guest" href="https://ada.test" img="https://ada.test/a.jpg">Ada</podcast:person>
  <podcast:person>Host Person</podcast:person>
  <podcast:alternateEnclosure type="audio/opus" length="999" bitrate="64000" title="Small" default="false">
    <podcast:source uri="https://cdn.test/12.opus"/>
    <podcast:source uri="ipfs://abc"/>
  </podcast:alternateEnclosure>
  <podcast:soundbite startTime="73.5" duration="60">Best bit</podcast:soundbite>
  <podcast:funding url="https://give.test/12">Tip this episode</podcast:funding>
  <podcast:socialInteract uri="https://social.test/@ada/12" protocol="activitypub" accountId="@ada"/>
  <podcast:value type="lightning" method="keysend"><podcast:valueRecipient name="Guest" address="03ff" split="50"/></podcast:value>
  <psc:chapters version="1.2"><psc:chapter start="00:00:00" title="Intro"/>
    <psc:chapter start="00:01:30.500" title="Rivers" href="https://rivers.test"/></psc:chapters>
</item>"""

FULL_CHANNEL = """
<title>River Talk</title><link>https://show.test/</link><language>en-gb</language>
<description>About rivers &amp; lakes</description>
<itunes:author>Ada Lovelace</itunes:author><itunes:image href="https://show.test/cover.jpg"/>
<itunes:category text="Science"><itunes:category text="Earth Sciences"/></itunes:category>
<itunes:explicit>false</itunes:explicit>
<itunes:new-feed-url>https://new.show.test/feed</itunes:new-feed-url>
<podcast:guid>917393e3-1b1e-5cef-ace4-edaa54e1f810</podcast:guid>
<podcast:locked owner="ada@show.test">yes</podcast:locked>
<podcast:funding url="https://give.test/">Support us</podcast:funding>
<podcast:medium>podcast</podcast:medium>
<podcast:txt purpose="verify">S6lpp-7ZCn8-dZfGc-OoyaG</podcast:txt>
<podcast:person role="host">Ada Lovelace</podcast:person>
<podcast:value type="lightning" method="keysend" suggested="0.00000005">
  <podcast:valueRecipient name="Ada" type="node" address="02abc" split="100"/></podcast:value>
<podcast:socialInteract uri="https://social.test/@ada/1" protocol="activitypub" accountId="@ada"/>
"""


def test_a_podcasting_2_feed_gives_every_field_on_the_fast_path() -> None:
    data = rss(FULL_ITEM, FULL_CHANNEL)
    feed = parse_feed_fast(data)
    assert feed is not None  # well-formed RSS 2.0 takes the fast path
    podcast = feed.podcast
    assert podcast.title == "River Talk"
    assert podcast.author == "Ada Lovelace"
    assert podcast.image == "https://show.test/cover.jpg"
    assert podcast.categories == ["Science", "Earth Sciences"]
    assert podcast.language == "en-gb"
    assert podcast.explicit is False
    assert podcast.new_feed_url == "https://new.show.test/feed"
    assert podcast.guid == "917393e3-1b1e-5cef-ace4-edaa54e1f810"
    assert podcast.locked is True
    assert podcast.funding[0].url == "https://give.test/" and podcast.funding[0].title == "Support us"
    assert podcast.medium == "podcast"
    assert podcast.txt == [{"purpose": "verify", "text": "S6lpp-7ZCn8-dZfGc-OoyaG"}]
    assert podcast.persons[0].name == "Ada Lovelace"
    assert podcast.value[0]["recipients"][0]["address"] == "02abc"
    assert podcast.social_interact[0]["protocol"] == "activitypub"

    [episode] = feed.episodes
    assert episode.guid == "ep-12"
    assert episode.title == "Episode 12: Rivers"
    assert episode.published == datetime(2025, 6, 10, 7, 30, tzinfo=UTC)
    assert episode.duration_s == 3723
    assert episode.explicit is True
    assert (episode.season, episode.episode, episode.episode_type) == (2, 12, "full")
    assert episode.image == "https://show.test/12.jpg"
    assert episode.enclosure is not None
    assert (episode.enclosure.url, episode.enclosure.type, episode.enclosure.length) == (
        "https://cdn.test/12.mp3",
        "audio/mpeg",
        12345,
    )
    assert episode.chapters_url == "https://show.test/12/chapters.json"
    assert [(t.url, t.type, t.language, t.rel) for t in episode.transcripts] == [
        ("https://show.test/12.vtt", "text/vtt", "en", "captions"),
        ("https://show.test/12.srt", "application/x-subrip", None, None),
    ]
    assert [(p.name, p.role, p.group) for p in episode.persons] == [
        ("Ada", "guest", "cast"),
        ("Host Person", "host", "cast"),
    ]
    [alternate] = episode.alternate_enclosures
    assert alternate.sources == ["https://cdn.test/12.opus", "ipfs://abc"]
    assert (alternate.type, alternate.length, alternate.bitrate, alternate.default) == (
        "audio/opus",
        999,
        64000,
        False,
    )
    assert episode.soundbites == [{"start_s": 73.5, "duration_s": 60.0, "title": "Best bit"}]
    assert episode.funding[0].url == "https://give.test/12"
    assert episode.social_interact == [
        {"uri": "https://social.test/@ada/12", "protocol": "activitypub", "accountId": "@ada"}
    ]
    assert episode.value[0]["recipients"] == [{"name": "Guest", "address": "03ff", "split": "50"}]
    assert len(feed.podcast.value) == 1  # the episode's value block stays with the episode
    assert [(c.start_ms, c.title, c.href) for c in episode.chapters] == [
        (0, "Intro", None),
        (90_500, "Rivers", "https://rivers.test"),
    ]


def test_the_feedparser_path_gives_the_same_podcasting_2_fields() -> None:
    data = rss(FULL_ITEM, FULL_CHANNEL)
    fast = parse_feed_fast(data)
    tolerant = parse_feed_tolerant(data)
    assert fast is not None
    assert tolerant.to_json()["episodes"][0] | {"description": None} == fast.to_json()["episodes"][0] | {
        "description": None
    }
    assert tolerant.podcast.guid == fast.podcast.guid
    assert tolerant.podcast.funding == fast.podcast.funding


def test_atom_feeds_get_itunes_and_podcast_tags_too() -> None:
    data = f"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom" {PODCAST_NS} {ITUNES_NS}>
      <title>Atom Show</title><id>urn:show</id><updated>2024-01-01T00:00:00Z</updated>
      <entry><title>First</title><id>urn:ep:1</id><updated>2024-01-02T10:00:00Z</updated>
        <link rel="enclosure" href="https://cdn.test/1.m4a" type="audio/mp4" length="77"/>
        <itunes:duration>300</itunes:duration><podcast:episode>4</podcast:episode>
        <podcast:transcript url="https://t.test/1.json" type="application/json"/></entry>
    </feed>""".encode()
    assert parse_feed_fast(data) is None  # Atom goes to feedparser
    feed = parse_feed(data)
    [episode] = feed.episodes
    assert (episode.guid, episode.title, episode.duration_s, episode.episode) == ("urn:ep:1", "First", 300, 4)
    assert episode.enclosure is not None and episode.enclosure.url == "https://cdn.test/1.m4a"
    assert episode.transcripts[0].url == "https://t.test/1.json"
    assert episode.published == datetime(2024, 1, 2, 10, tzinfo=UTC)


def test_show_notes_prefer_content_encoded_and_are_sanitized() -> None:
    [episode] = parse_feed(rss(FULL_ITEM)).episodes
    notes = episode.description or ""
    assert "Long <b>notes</b>" in notes
    assert 'href="https://x.test/"' in notes
    assert '<img src="https://x.test/i.png">' in notes
    assert "script" not in notes and "alert" not in notes and "onclick" not in notes
    [plain] = parse_feed(
        rss("<item><title>a</title><description>Only &lt;i&gt;this&lt;/i&gt;</description></item>")
    ).episodes
    assert plain.description == "Only <i>this</i>"


def test_javascript_links_are_removed_from_show_notes() -> None:
    item = '<item><title>x</title><description><![CDATA[<a href="javascript:alert(1)">x</a><iframe src="https://e.test"></iframe>]]></description></item>'
    [episode] = parse_feed(rss(item)).episodes
    assert "javascript" not in (episode.description or "")
    assert "iframe" not in (episode.description or "")


def test_every_item_is_listed_including_those_without_enclosure() -> None:
    items = (
        "<item><title>Trailer text post</title></item>"
        '<item><title>Audio</title><enclosure url="https://cdn.test/a.mp3" type="audio/mpeg"/></item>'
        "<item><description>No title either</description></item>"
    )
    episodes = parse_feed(rss(items)).episodes
    assert [episode.title for episode in episodes] == ["Trailer text post", "Audio", None]
    assert [episode.enclosure is not None for episode in episodes] == [False, True, False]


def test_duplicates_are_merged_by_guid_then_enclosure_url() -> None:
    items = (
        '<item><guid>a</guid><title>A</title><enclosure url="https://c.test/a.mp3"/></item>'
        "<item><guid>a</guid><title>A again</title><itunes:duration>60</itunes:duration></item>"
        '<item><title>B</title><enclosure url="https://c.test/b.mp3"/></item>'
        '<item><title>B copy</title><enclosure url="https://c.test/b.mp3"/></item>'
        "<item><title>Loose 1</title></item><item><title>Loose 2</title></item>"
    )
    for feed in (parse_feed(rss(items)), parse_feed_tolerant(rss(items))):
        assert [episode.title for episode in feed.episodes] == ["A", "B", "Loose 1", "Loose 2"]
        assert feed.episodes[0].duration_s == 60  # the duplicate filled a gap of the first


def test_relative_links_resolve_against_the_feed_url_but_guids_stay_as_written() -> None:
    item = '<item><guid>ep/1</guid><link>/ep/1.html</link><enclosure url="media/1.mp3"/></item>'
    for feed in (
        parse_feed(rss(item), "https://host.test/show/feed.xml"),
        parse_feed_tolerant(rss(item), "https://host.test/show/feed.xml"),
    ):
        [episode] = feed.episodes
        assert episode.guid == "ep/1"
        assert episode.link == "https://host.test/ep/1.html"
        assert episode.enclosure is not None and episode.enclosure.url == "https://host.test/show/media/1.mp3"


def test_relative_links_and_images_inside_show_notes_resolve_against_the_feed_url() -> None:
    notes = '<![CDATA[<p>See <a href="/ep/2.html">part two</a> <img src="art/2.png"> <a href="https://x.test/">x</a></p>]]>'
    item = f"<item><title>Notes</title><description>{notes}</description></item>"
    for feed in (
        parse_feed(rss(item), "https://host.test/show/feed.xml"),
        parse_feed_tolerant(rss(item), "https://host.test/show/feed.xml"),
    ):
        description = feed.episodes[0].description or ""
        assert 'href="https://host.test/ep/2.html"' in description
        assert 'src="https://host.test/show/art/2.png"' in description
        assert 'href="https://x.test/"' in description
    # Without a feed URL (a local file) the links stay as written rather than vanish.
    assert 'href="/ep/2.html"' in (parse_feed(rss(item)).episodes[0].description or "")


def test_token_urls_in_enclosures_are_kept_exactly() -> None:
    item = '<item><enclosure url="https://p.test/e.mp3?auth=Ab%2Fc&amp;x=" type="audio/mpeg"/></item>'
    [episode] = parse_feed(rss(item)).episodes
    assert episode.enclosure is not None and episode.enclosure.url == "https://p.test/e.mp3?auth=Ab%2Fc&x="


def test_latin1_and_windows_1252_feeds_decode_correctly() -> None:
    for encoding in ("iso-8859-1", "windows-1252"):
        feed = parse_feed(
            rss(
                "<item><title>Café – “quoted”</title></item>".replace("–", "-")
                .replace("“", '"')
                .replace("”", '"'),
                encoding=encoding,
            )
        )
        assert feed.episodes[0].title == 'Café - "quoted"'
    feed = parse_feed(rss("<item><title>Straße € ‘x’</title></item>", encoding="windows-1252"))
    assert feed.episodes[0].title == "Straße € ‘x’"


def test_utf16_feeds_parse() -> None:
    data = '<?xml version="1.0" encoding="utf-16"?><rss version="2.0"><channel><title>Ünï</title><item><title>日本</title></item></channel></rss>'
    feed = parse_feed(data.encode("utf-16"))
    assert feed.podcast.title == "Ünï"
    assert feed.episodes[0].title == "日本"


def test_the_http_charset_wins_over_the_xml_declaration() -> None:
    data = '<?xml version="1.0" encoding="iso-8859-1"?><rss version="2.0"><channel><item><title>Ünï</title></item></channel></rss>'
    feed = parse_feed(data.encode("utf-8"), content_type="application/rss+xml; charset=utf-8")
    assert feed.episodes[0].title == "Ünï"


def test_an_ill_formed_feed_gives_a_best_effort_result(corpus: Path) -> None:
    data = (corpus / "feeds/podcastfeedparser/podcastfeedparser_bc-sample-bad.xml").read_bytes()
    assert parse_feed_fast(data) is None
    feed = parse_feed(data)  # <rss> without <channel>, and a mismatched tag near the end
    assert [episode.title for episode in feed.episodes][:2] == [
        "Confidential Business Information under TSCA",
        "Chemical Regulation in the Middle East",
    ]
    assert all(episode.enclosure for episode in feed.episodes)


def test_a_valid_feed_with_no_items_is_a_feed() -> None:
    feed = parse_feed(rss("", "<title>Coming soon</title>"))
    assert feed.podcast.title == "Coming soon"
    assert feed.episodes == []


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"", "empty"),
        (b"  \r\n\t ", "empty"),
        (b"\xef\xbb\xbf  ", "empty"),
        (b"<!DOCTYPE html><html><head><title>x</title></head><body>hi</body></html>", "HTML"),
        (b"<html lang='en'><body>Podcast coming soon</body></html>", "HTML"),
        (b"<!-- x --><HTML><BODY>404</BODY></HTML>", "HTML"),
        (b"just some text", "not a podcast feed"),
        (b"<?xml version='1.0'?><opml version='2.0'><body/></opml>", "not a podcast feed"),
        (b'{"hello": "world"}', "not a JSON Feed"),
        (b"{not json", "neither XML nor valid JSON"),
    ],
)
def test_unusable_documents_raise_a_typed_error(data: bytes, fragment: str) -> None:
    with pytest.raises(FeedParseError, match=fragment) as raised:
        parse_feed(data)
    assert raised.value.kind is ErrorKind.BAD_INPUT


def test_json_feed_attachments_become_enclosures() -> None:
    data = b"""{"version": "https://jsonfeed.org/version/1.1", "title": "J", "items": [
      {"id": 7, "title": "Seven", "date_published": "2024-05-01T12:00:00+02:00", "content_text": "a < b",
       "attachments": [{"url": "https://c.test/7.mp3", "mime_type": "audio/mpeg", "size_in_bytes": 10,
                        "duration_in_seconds": 61}]}]}"""
    [episode] = parse_feed(data).episodes
    assert (episode.guid, episode.title, episode.duration_s) == ("7", "Seven", 61)
    assert episode.published == datetime(2024, 5, 1, 10, tzinfo=UTC)
    assert episode.description == "a &lt; b"
    assert episode.enclosure is not None and episode.enclosure.url == "https://c.test/7.mp3"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Tue, 10 Jun 2025 09:30:00 +0200", datetime(2025, 6, 10, 7, 30, tzinfo=UTC)),
        ("Tue, 10 Jun 2025 09:30:00 GMT", datetime(2025, 6, 10, 9, 30, tzinfo=UTC)),
        ("Tue, 10 Jun 2025 09:30:00 EST", datetime(2025, 6, 10, 14, 30, tzinfo=UTC)),
        ("10 Jun 2025 09:30 -0000", datetime(2025, 6, 10, 9, 30, tzinfo=UTC)),
        ("2025-06-10T09:30:00Z", datetime(2025, 6, 10, 9, 30, tzinfo=UTC)),
        ("2025-06-10T09:30:00+05:30", datetime(2025, 6, 10, 4, 0, tzinfo=UTC)),
        ("2025-06-10", datetime(2025, 6, 10, tzinfo=UTC)),
        ("not a date", None),
        ("", None),
    ],
)
def test_dates_become_aware_utc(text: str, expected: datetime | None) -> None:
    parsed = parse_date(text)
    assert parsed == expected
    if parsed is not None:
        assert parsed.utcoffset() is not None and parsed.utcoffset().total_seconds() == 0  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("3723", 3723),
        ("3723.5", 3723.5),
        ("1:02:03", 3723),
        ("01:02:03.5", 3723.5),
        ("62:03", 3723),
        (" 45 ", 45),
        ("1h 2m 3s", 3723),
        ("", None),
        ("soon", None),
        ("-5", None),
        ("1:2:3:4", None),
    ],
)
def test_itunes_duration_in_every_format(text: str, seconds: float | None) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize(
    ("text", "explicit"),
    [
        ("yes", True),
        ("Explicit", True),
        ("true", True),
        ("no", False),
        ("clean", False),
        ("False", False),
        ("maybe", None),
    ],
)
def test_itunes_explicit_values(text: str, explicit: bool | None) -> None:
    assert parse_explicit(text) is explicit


def test_podlove_chapters_from_the_corpus(corpus: Path) -> None:
    data = (corpus / "feeds/feedparser/wellformed/psc/feedparser_rss2.0simplechapter.xml").read_bytes()
    [episode] = parse_feed(data).episodes
    assert [chapter.title for chapter in episode.chapters][:2] == ["Welcome", "Introducing Podlove"]
    assert episode.chapters[1].start_ms == 187_250
    assert episode.chapters[1].href == "http://podlove.org/"


def test_audio_or_video_media_content_makes_an_item_playable() -> None:
    media = 'xmlns:media="http://search.yahoo.com/mrss/"'
    data = f"""<rss version="2.0" {media}><channel><title>M</title>
      <item><title>Video</title><media:thumbnail url="https://m.test/t.jpg"/>
        <media:group><media:content url="https://m.test/v.mp4" type="video/mp4" fileSize="42"/></media:group></item>
      <item><title>Image only</title><media:content url="https://m.test/p.jpg" type="image/jpeg"/></item>
      <item><title>Both</title><enclosure url="https://m.test/e.mp3" type="audio/mpeg"/>
        <media:content url="https://m.test/other.mp3" medium="audio"/></item>
    </channel></rss>""".encode()
    for feed in (parse_feed(data), parse_feed_tolerant(data)):
        enclosures = [episode.enclosure for episode in feed.episodes]
        assert enclosures[0] is not None and (enclosures[0].url, enclosures[0].length) == (
            "https://m.test/v.mp4",
            42,
        )
        assert enclosures[1] is None
        assert enclosures[2] is not None and enclosures[2].url == "https://m.test/e.mp3"


def test_live_items_do_not_leak_into_the_channel() -> None:
    channel = """<title>Live show</title>
      <podcast:liveItem status="pending" start="2030-01-01T10:00:00Z" end="2030-01-01T11:00:00Z">
        <title>Soon live</title><podcast:value type="lightning" method="keysend"/>
        <podcast:socialInteract uri="https://live.test/1" protocol="activitypub"/>
        <podcast:person>Guest Star</podcast:person>
      </podcast:liveItem>
      <podcast:value type="lightning" method="keysend"><podcast:valueRecipient address="x" split="100"/></podcast:value>"""
    for feed in (parse_feed(rss("", channel)), parse_feed_tolerant(rss("", channel))):
        assert feed.podcast.title == "Live show"
        assert len(feed.podcast.value) == 1 and feed.podcast.value[0]["recipients"] == [
            {"address": "x", "split": "100"}
        ]
        assert feed.podcast.social_interact == []
        assert feed.podcast.persons == []
        # The live item is listed as a live episode of its own, never as an ordinary one.
        assert [(episode.title, episode.live_status) for episode in feed.episodes] == [
            ("Soon live", "pending")
        ]
        assert [person.name for person in feed.episodes[0].persons] == ["Guest Star"]


def test_live_items_of_a_real_feed_are_listed_with_status_and_times(corpus: Path) -> None:
    data = (corpus / "feeds/podcastns/podcastns_example.xml").read_bytes()
    for feed in (parse_feed(data), parse_feed_tolerant(data)):
        live = [episode for episode in feed.episodes if episode.live_status is not None]
        assert [episode.title for episode in feed.episodes if episode.live_status is None] == [
            "Episode 3 - The Future",
            "Episode 2 - The Present",
            "Episode 1 - The Past",
        ]
        assert len(live) == 1
        assert live[0].title == "Podcasting 2.0 Live Show"
        assert live[0].guid == "https://example.com/live"
        assert live[0].live_status == "live"
        assert live[0].live_start == datetime(2021, 9, 26, 13, 30, tzinfo=UTC)
        assert live[0].live_end == datetime(2021, 9, 26, 15, 30, tzinfo=UTC)
        assert live[0].enclosure is not None
        assert live[0].enclosure.url == "https://example.com/pc20/livestream?format=.mp3"
        assert live[0].description is not None and "future of podcasting" in live[0].description


def test_a_live_item_whose_recording_was_published_gives_only_the_episode() -> None:
    channel = """<title>Show</title>
      <podcast:liveItem status="ended" start="2030-01-01T10:00:00Z">
        <title>Live now</title><guid>ep-7</guid>
        <enclosure url="https://live.test/stream" type="audio/mpeg" length="0"/>
      </podcast:liveItem>"""
    items = '<item><title>Episode 7</title><guid>ep-7</guid><enclosure url="https://m.test/7.mp3"/></item>'
    for feed in (parse_feed(rss(items, channel)), parse_feed_tolerant(rss(items, channel))):
        assert [(episode.title, episode.live_status) for episode in feed.episodes] == [("Episode 7", None)]


def test_empty_content_encoded_falls_back_to_the_description() -> None:
    item = "<item><title>t</title><content:encoded>  </content:encoded><description>Real notes</description></item>"
    assert parse_feed(rss(item)).episodes[0].description == "Real notes"


def test_a_stale_server_charset_does_not_garble_a_valid_utf8_feed() -> None:
    data = '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><item><title>Ünï “x”</title></item></channel></rss>'
    for document in (data, data.replace('<?xml version="1.0" encoding="UTF-8"?>', "")):
        feed = parse_feed(document.encode("utf-8"), content_type="text/xml; charset=ISO-8859-1")
        assert feed.episodes[0].title == "Ünï “x”"
    atom = '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Ünï</title></feed>'
    assert (
        parse_feed(atom.encode(), content_type="application/atom+xml; charset=iso-8859-1").podcast.title
        == "Ünï"
    )


def test_media_rss_under_the_rssboard_namespace_counts_too() -> None:
    data = b"""<rss version="0.92" xmlns:media="http://www.rssboard.org/media-rss"><channel><title>R</title>
      <item><title>Only media</title><media:content url="clip.mp3" type="audio/mpeg"/></item></channel></rss>"""
    [episode] = parse_feed(data, "https://r.test/feed.xml").episodes  # RSS 0.92: the feedparser path
    assert episode.enclosure is not None and episode.enclosure.url == "https://r.test/clip.mp3"
