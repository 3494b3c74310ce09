from datetime import UTC, datetime
from pathlib import Path

import pytest

from watchers.errors import ParseError
from watchers.parse import parse_feed
from watchers.text import html_to_text

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


@pytest.mark.parametrize(
    "body", [b"<html><body>Not found</body></html>", b"", b"\x00\xff garbage"]
)
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
    levels = "".join(
        f'<!ENTITY e{n} "{f"&e{n - 1};" * 10 if n else "lol"}">' for n in range(9)
    )
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
