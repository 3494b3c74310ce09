"""Turning feed HTML into plain text for extraction."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

_BLOCK_TAGS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr"}
_SKIP_TAGS = {"script", "style"}


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self._skipping += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS and self._skipping:
            self._skipping -= 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    """Plain text of an HTML fragment: tags dropped, entities decoded, paragraphs kept."""
    if "<" not in markup:
        return _tidy(html.unescape(markup))
    plain = _plain_markup_text(markup)
    if plain is not None:
        return _tidy(plain)
    collector = _TextCollector()
    try:
        collector.feed(markup)
        collector.close()
    except AssertionError:  # html.parser gives up on some broken markup ("<![ x")
        return _tidy(html.unescape(_strip_tags(markup)))
    return _tidy("".join(collector.parts))


# A tag of plain markup: a name of letters and digits, attributes with no "<" or ">" (in
# quotes or out), an end tag with none. Anything else in a fragment (a comment, a lone "<")
# leaves it to the HTML parser.
_PLAIN_TAG = re.compile(
    r"""<([A-Za-z][A-Za-z0-9]*)(?:\s(?:[^<>"']|"[^<>"]*"|'[^<>']*')*)?/?>"""
    r"|</([A-Za-z][A-Za-z0-9]*)\s*>"
)
# elements whose content the HTML parser reads as raw text (in some Python versions)
_RAW_TEXT_TAGS = {
    "script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes",
    "noscript", "plaintext",
}  # fmt: skip


def _plain_markup_text(markup: str) -> str | None:
    """For a fragment of plain markup (the news of most feeds: paragraphs, links, emphasis),
    its text as ``_TextCollector`` gives it once tidied, found by one pattern rather than
    the HTML parser; None for any other fragment."""
    parts: list[str] = []
    end = 0
    for tag in _PLAIN_TAG.finditer(markup):
        text = markup[end : tag.start()]
        if "<" in text:
            return None
        parts.append(html.unescape(text))
        name = (tag.group(1) or tag.group(2)).lower()
        if name in _RAW_TEXT_TAGS:
            return None
        if name in _BLOCK_TAGS:
            parts.append("\n\n")
        end = tag.end()
    rest = markup[end:]
    if "<" in rest:
        return None
    parts.append(html.unescape(rest))
    return "".join(parts)


_SKIPPED = re.compile(r"<(script|style)\b.*?</\1\s*>|<!--.*?-->", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"</?[A-Za-z][^>]*>")


def _strip_tags(markup: str) -> str:
    """Tags dropped by pattern, for markup the HTML parser refuses."""
    return _TAG.sub(" ", _SKIPPED.sub(" ", markup))


_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")


def _tidy(text: str) -> str:
    paragraphs = (_SPACES.sub(" ", p).strip() for p in _PARAGRAPH_BREAK.split(text))
    return "\n\n".join(p for p in paragraphs if p)
