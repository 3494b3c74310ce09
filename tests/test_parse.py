import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from feedparser.datetimes import _parse_date
from feedparser.urls import _urljoin
from hypothesis import given, settings
from hypothesis import strategies as st

from watchers.errors import ParseError
from watchers.parse import _date, _resolved, feedparser_entries, lean_entries, parse_feed
from watchers.text import _TextCollector, _tidy, html_to_text

RSS = b"""<?xml version="1.0"?>
<rss version="2.0"><channel><title>t</title>
<item><title>One &amp; two</title><link>http://news.example/a</link>
<guid isPermaLink="false">a-1</guid>
<pubDate>Mon, 10 Mar 2025 14:00:00 +0300</pubDate>
<description>&lt;p&gt;Hello &lt;b&gt;world&lt;/b&gt;.&lt;/p&gt;
&lt;script&gt;alert(1)&lt;/script&gt;</description></item>
<item><title>Relative</title><guid>/items/7</guid></item>
</channel></rss>"""


def test_entries_carry_text_links_ids_and_utc_times() -> None:
    first, _ = parse_feed("f", RSS, {"content-location": "http://news.example/feed"})
    assert first.title == "One & two"
    assert first.summary == "Hello world."  # tags and scripts dropped
    assert first.url == "http://news.example/a"
    assert first.entry_id == "a-1"
    assert first.published == datetime(2025, 3, 10, 11, 0, tzinfo=UTC)


def test_plain_guid_resolves_against_content_location() -> None:
    # feedparser treats a plain <guid> as a permalink and resolves it against the feed's URL
    _, second = parse_feed("f", RSS, {"content-location": "http://news.example/feed"})
    assert second.entry_id == "http://news.example/items/7"


def test_atom_content_is_used() -> None:
    atom = b"""<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>
    <entry><id>urn:x:1</id><title>T</title><updated>2025-01-26T09:00:00Z</updated>
    <content type="html">&lt;p&gt;First.&lt;/p&gt;&lt;p&gt;Second.&lt;/p&gt;</content>
    </entry></feed>"""
    (entry,) = parse_feed("f", atom, {})
    assert entry.content == "First.\n\nSecond."
    assert entry.published == datetime(2025, 1, 26, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize("body", [b"<html><body>Not found</body></html>", b"", b"\x00\xff garbage"])
def test_non_feeds_are_refused_naming_the_feed(body: bytes) -> None:
    with pytest.raises(ParseError, match="feed 'broken': not a feed"):
        parse_feed("broken", body, {})


@pytest.mark.parametrize(
    "body",
    [
        # a character reference beyond Unicode
        b'<rss version="2.0"><channel><item><title>a&#x110000;b</title></item></channel></rss>',
        # an item closed inside its link
        b'<rss version="2.0"><channel><item><link>ht</item>tp://x/1</link></item></channel></rss>',
    ],
)
def test_documents_that_break_the_feed_parser_are_the_feeds_problem(body: bytes) -> None:
    with pytest.raises(ParseError, match="feed 'odd': not a feed we can read"):
        parse_feed("odd", body, {})


def test_markup_the_html_parser_gives_up_on_still_gives_its_text() -> None:
    markup = "<p>India and Russia <![ agree</p><script>x()</script> on a <b>strategic</b> path"
    assert html_to_text(markup) == "India and Russia <![ agree on a strategic path"


def test_a_feed_in_another_encoding_is_read_as_declared() -> None:
    body = (
        '<?xml version="1.0" encoding="windows-1251"?><rss version="2.0"><channel><title>t'
        "</title><item><guid>1</guid><title>Россия и Индия</title></item></channel></rss>"
    ).encode("cp1251")
    (entry,) = parse_feed("ru", body, {"content-type": "application/rss+xml"})
    assert entry.title == "Россия и Индия"


def test_entries_without_id_link_or_date_get_a_stable_id() -> None:
    body = (
        b'<rss version="2.0"><channel><title>t</title>'
        b"<item><title>Talks</title><description>India and Russia met.</description></item>"
        b"<item><title>Other talks</title></item></channel></rss>"
    )
    first = parse_feed("f", body, {})
    again = parse_feed("f", body, {})
    assert [e.entry_id for e in first] == [e.entry_id for e in again]
    assert len({e.entry_id for e in first}) == 2
    assert all(e.url is None and e.published is None for e in first)


def test_entities_are_neither_expanded_without_bound_nor_read_from_files(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-MARKER", encoding="utf-8")
    levels = "".join(f'<!ENTITY e{n} "{f"&e{n - 1};" * 10 if n else "lol"}">' for n in range(9))
    body = (
        f'<?xml version="1.0"?><!DOCTYPE rss [{levels}'
        f'<!ENTITY file SYSTEM "file://{secret}">]>'
        '<rss version="2.0"><channel><title>t</title>'
        "<item><guid>1</guid><title>&e8;</title><description>&file;</description></item>"
        "</channel></rss>"
    ).encode()
    (entry,) = parse_feed("f", body, {})
    assert len(entry.title) < 1000  # ten to the eighth "lol"s were asked for
    assert "SECRET-MARKER" not in entry.summary


def test_an_html_page_sent_instead_of_the_feed_is_said_to_be_one() -> None:
    # a "checking your browser" page, or an error page served with 200
    page = b"<html><head><title>Just a moment</title></head><body><p>Checking<br></body></html>"
    with pytest.raises(ParseError, match="not a feed: the server sent a text/html page"):
        parse_feed("guarded", page, {"content-type": "text/html; charset=UTF-8"})


# --- the lean reading of plain feeds gives feedparser's entries ------------------------------

BASE = {"content-location": "http://news.example/feeds/world.xml"}


def rss_doc(items: str, *, declaration: str = '<?xml version="1.0" encoding="UTF-8"?>') -> bytes:
    return (
        f'{declaration}<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:media="http://search.yahoo.com/mrss/">'
        f"<channel><title>World</title><link>http://news.example/</link>{items}</channel></rss>"
    ).encode()


def atom_doc(entries: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>World</title><id>urn:world</id><updated>2025-03-10T10:00:00Z</updated>{entries}"
        "</feed>"
    ).encode()


PLAIN_FEEDS = {
    "guid permalink, relative, no link": rss_doc(
        "<item><guid>/items/7</guid><title>A</title></item>"
    ),
    "guid then link": rss_doc(
        "<item><guid>http://news.example/g/1</guid><link>/a/1</link><title>A</title></item>"
    ),
    "link then guid": rss_doc(
        "<item><link>http://news.example/a/1</link><guid>http://news.example/g/1</guid></item>"
    ),
    "guid not a permalink": rss_doc(
        '<item><guid isPermaLink="false">abc-1</guid><title>Talks</title></item>'
    ),
    "plain-word guid": rss_doc("<item><guid>abc-1</guid><title>Talks</title></item>"),
    "empty guid and title": rss_doc("<item><guid></guid><title></title></item>"),
    "content before description": rss_doc(
        "<item><guid>1</guid><content:encoded><![CDATA[<p>Full <b>text</b>.</p>]]>"
        "</content:encoded><description>Short.</description></item>"
    ),
    "content only": rss_doc(
        "<item><guid>1</guid><content:encoded>&lt;p&gt;Only content.&lt;/p&gt;</content:encoded>"
        "</item>"
    ),
    "dc:date only": rss_doc(
        "<item><guid>1</guid><title>T</title><dc:date>2025-03-10T10:00:00+03:00</dc:date></item>"
    ),
    "garbage dates": rss_doc(
        "<item><guid>1</guid><pubDate>yesterday at noon</pubDate></item>"
        "<item><guid>2</guid><pubDate>Mon, 45 Foo 2025 99:00:00 +0000</pubDate></item>"
        "<item><guid>3</guid><pubDate>2025-03-10</pubDate></item>"
        "<item><guid>4</guid><pubDate>-1</pubDate></item>"
        "<item><guid>5</guid><pubDate>0000-00-00T00:00:00Z</pubDate></item>"
        "<item><guid>6</guid><dc:date>99999-01-01T00:00:00Z</dc:date></item>"
    ),
    "accents, cp1252 points and mojibake": rss_doc(
        "<item><guid>1</guid><title>Café in Hà Nội &#150; talks &#8211; “quoted”</title>"
        "<description>RÃ©sumÃ© of the talks</description></item>"
    ),
    "escaped ampersands in links": rss_doc(
        "<item><guid isPermaLink='false'>1</guid>"
        "<link>http://news.example/a?x=1&amp;amp;y=2&amp;z=3</link></item>"
    ),
    "whitespace and CDATA": rss_doc(
        "<item>\n  <guid>\n 1 \n</guid>\n  <title>\n  Leaders  meet \n</title>\n"
        "  <description><![CDATA[ <p>India and <i>Russia</i></p><script>x()</script> ]]>"
        "</description>\n</item>"
    ),
    "elements that feed no field": rss_doc(
        "<item><guid>1</guid><title>T</title><category>World</category><author>a@b.c</author>"
        "<dc:creator>Desk</dc:creator><enclosure url='http://x/a.mp3' type='audio/mpeg'/>"
        "<media:thumbnail url='http://x/a.jpg'/><comments>http://x/c</comments></item>"
    ),
    "no declaration": rss_doc("<item><guid>1</guid><title>T</title></item>", declaration=""),
    "atom, every field": atom_doc(
        "<entry><id>tag:news.example,2025:1</id><title type='html'>&lt;b&gt;Talks&lt;/b&gt;</title>"
        "<link rel='alternate' type='text/html' href='/world/1'/>"
        "<link rel='self' href='http://news.example/api/1'/>"
        "<published>2025-03-10T10:00:00Z</published><updated>2025-03-11T10:00:00Z</updated>"
        "<summary>Short.</summary><content type='html'>&lt;p&gt;Long.&lt;/p&gt;</content>"
        "<author><name>Desk</name></author><category term='world'/></entry>"
    ),
    "atom, link before id, content only": atom_doc(
        "<entry><link href='http://news.example/2'/><id>http://news.example/id/2</id>"
        "<title>Two</title><updated>2025-03-10T10:00:00+01:00</updated>"
        "<content>Plain text content &amp; more</content></entry>"
    ),
    "atom, relative id and self link only": atom_doc(
        "<entry><id>/ids/3</id><title>Three</title><link rel='self' href='/api/3'/></entry>"
    ),
    "atom, no entries": atom_doc(""),
    "the demo feed": (
        Path(__file__).parent.parent / "bot/demo_data/poll1/kremlin.xml"
    ).read_bytes(),
}


@pytest.mark.parametrize("name", sorted(PLAIN_FEEDS))
def test_plain_feeds_are_read_lean_with_feedparsers_entries(name: str) -> None:
    body = PLAIN_FEEDS[name]
    lean = lean_entries("f", body, BASE)
    assert lean is not None, "a plain feed takes the lean path"
    assert lean == feedparser_entries("f", body, BASE)


def test_every_bundled_demo_feed_reads_the_same_both_ways() -> None:
    demo = sorted((Path(__file__).parent.parent / "bot/demo_data").glob("*/*.xml"))
    assert len(demo) >= 4
    for path in demo:
        body = path.read_bytes()
        assert lean_entries("f", body, BASE) == feedparser_entries("f", body, BASE), path


OTHER_FEEDS = {
    "a DOCTYPE": b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "India">]><rss version="2.0">'
    b"<channel><item><guid>1</guid><title>&a;</title></item></channel></rss>",
    "RSS 1.0": b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
    b' xmlns="http://purl.org/rss/1.0/"><channel rdf:about="http://x/"><title>t</title></channel>'
    b'<item rdf:about="http://x/1"><title>One</title><link>http://x/1</link></item></rdf:RDF>',
    "XHTML content": atom_doc(
        "<entry><id>1</id><content type='xhtml'><div xmlns='http://www.w3.org/1999/xhtml'>"
        "<p>India</p></div></content></entry>"
    ),
    "markup not escaped": rss_doc(
        "<item><guid>1</guid><description><p>Hi</p></description></item>"
    ),
    "HTML entities": rss_doc("<item><guid>1</guid><title>A&nbsp;B</title></item>"),
    "another encoding": rss_doc(
        "<item><guid>1</guid><title>Talks</title></item>",
        declaration='<?xml version="1.0" encoding="iso-8859-1"?>',
    ),
    "media title": rss_doc(
        "<item><guid>1</guid><title>T</title><media:content url='http://x/v'>"
        "<media:title>Video title</media:title></media:content></item>"
    ),
    "xml:base": rss_doc('<item xml:base="http://other.example/"><guid>/1</guid></item>'),
    "two descriptions": rss_doc(
        "<item><guid>1</guid><description>One</description><description>Two</description></item>"
    ),
}


@pytest.mark.parametrize("name", sorted(OTHER_FEEDS))
def test_other_feeds_go_to_feedparser(name: str) -> None:
    assert lean_entries("f", OTHER_FEEDS[name], BASE) is None
    assert parse_feed("f", OTHER_FEEDS[name], BASE) == feedparser_entries(
        "f", OTHER_FEEDS[name], BASE
    )


def test_text_xml_without_a_charset_goes_to_feedparser() -> None:
    body = rss_doc("<item><guid>1</guid><title>Café</title></item>")
    headers = {**BASE, "content-type": "text/xml"}
    assert lean_entries("f", body, headers) is None
    assert lean_entries("f", body, {**headers, "content-type": "text/xml; charset=utf-8"})


# --- JSON Feed ---------------------------------------------------------------------------------

JSON_FEED = b"""{
  "version": "https://jsonfeed.org/version/1.1",
  "title": "Desk",
  "items": [
    {"id": "a-1", "url": "/world/1", "title": "Talks in Moscow",
     "content_html": "<p>India and Russia met.</p><script>x()</script>",
     "summary": "Ministers met.", "date_published": "2025-03-10T14:00:00+03:00"},
    {"id": 2, "content_text": "Plain words only.", "date_modified": "2025-03-11T09:00:00Z"},
    {"id": "3", "title": "Garbage date", "date_published": "the tenth of March"},
    "not an item"
  ]
}"""


def test_a_json_feed_is_read() -> None:
    first, second, third = parse_feed("json", JSON_FEED, BASE)
    assert (first.entry_id, first.url, first.title) == (
        "a-1",
        "http://news.example/world/1",
        "Talks in Moscow",
    )
    assert first.content == "India and Russia met."  # scripts dropped, like any feed's HTML
    assert first.summary == "Ministers met."
    assert first.published == datetime(2025, 3, 10, 11, 0, tzinfo=UTC)
    assert (second.entry_id, second.content) == ("2", "Plain words only.")
    assert second.published == datetime(2025, 3, 11, 9, 0, tzinfo=UTC)
    assert third.published is None


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b'{"items": []}', "a JSON document, but not a JSON Feed"),
        (b'{"version": "https://jsonfeed.org/version/1", "items": {}}', "not a JSON Feed"),
        (b'{"version": ', "JSON that cannot be read"),
        (b"{" + b'"a":[' * 100_000, "JSON that cannot be read"),
    ],
)
def test_json_that_is_not_a_json_feed_is_refused_saying_so(body: bytes, reason: str) -> None:
    with pytest.raises(ParseError, match=re.escape(reason)):
        parse_feed("json", body, {"content-type": "application/feed+json"})


def test_dates_no_calendar_holds_leave_the_entry_undated() -> None:
    body = rss_doc(
        "<item><guid>1</guid><title>A</title><pubDate>-1</pubDate></item>"
        "<item><guid>2</guid><title>B</title><pubDate>Mon, 10 Mar 2025 10:00:00 +0000</pubDate>"
        "</item>"
    )
    first, second = parse_feed("f", body, BASE)
    assert first.published is None
    assert second.published == datetime(2025, 3, 10, 10, 0, tzinfo=UTC)


# Pieces of feed HTML, plain and not: the text of a fragment made of them is the same
# whether the one-pattern reading of plain markup takes it or the HTML parser does.
_MARKUP_PIECES = [
    "<p>", "</p>", "<P>", "</P >", "<br>", "<br/>", "<br />", "<div class=lead>", "</div>",
    '<a href="http://news.example/a?b=1&amp;c=2">', "<a href='x'>", "</a>", "<b>", "</b>",
    "<em>", "</em>", "<li>", "<h2>", "</h2>", "<img src=x alt=''/>", "<script>", "</script>",
    "<style>", "<title>", "<!-- note -->", "<!DOCTYPE html>", "<p:tag>", "<a title='1 > 0'>",
    '<a href="x>', "<3", "a < b", ">", "&amp;", "&lt;p&gt;", "&#39;", "&#x2019;", "&nbsp;",
    "&bogus;", "&", "&amp", "Ties", " between ", "India and Russia", ".", "\n", "\n\n", "\t",
    "\u00a0", '"', "'", "caf\u00e9",
]  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_MARKUP_PIECES), max_size=12))
def test_plain_markup_is_read_as_the_html_parser_reads_it(pieces: list[str]) -> None:
    markup = "".join(pieces)
    collector = _TextCollector()
    collector.feed(markup)
    collector.close()
    assert html_to_text(markup) == _tidy("".join(collector.parts))


def test_news_in_plain_markup_loses_its_tags_and_keeps_its_paragraphs() -> None:
    markup = (
        '<p>Ties between <a href="http://news.example/x">India</a> &amp; Russia</p>'
        "<p>A <b>second</b> paragraph<br/>and a line</p>"
    )
    assert html_to_text(markup) == (
        "Ties between India & Russia\n\nA second paragraph\n\nand a line"
    )


_URL_PIECES = [
    "http://", "https://", "HTTP://", "ftp://", "news.example", "a.b-c", ":8080", ":", "/",
    "//", "/items", "/7", "?", "?a=1", "#", "#top", ";p", "%20", "~x", " ", "\t", "..", ".",
    "é", "[::1]", "@", "items/8",
]  # fmt: skip
_BASES = ["", "http://news.example/feed", "https://news.example/a/b?c", "feed://x/y"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_URL_PIECES), min_size=1, max_size=6), st.sampled_from(_BASES))
def test_links_are_resolved_as_feedparser_resolves_them(pieces: list[str], base: str) -> None:
    url = "".join(pieces)
    assert _resolved(base, url) == _urljoin(base, url)


@pytest.mark.parametrize(
    "value",
    [
        "Mon, 10 Mar 2025 14:00:00 +0300",
        "Tue, 11 Mar 2025 14:00:00 GMT",
        "Sat, 1 Mar 2025 09:05 EST",
        "Thu, 31 Feb 2025 25:00:00 GMT",
        "Sun Jan  4 16:29:06 PST 2004",
        "March 10, 2025",
        "Monday",
        "T10:00",
        "2025-03-10T12:00:00Z",
        "10 Mar 2025 14:00:00 +0000",
        "Ⅻ",
    ],
)
def test_dates_are_read_as_feedparser_reads_them(value: str) -> None:
    assert _date(value) == _parse_date(value)
