"""Building small RSS documents and config files for tests."""

from __future__ import annotations

from html import escape
from pathlib import Path

import pytest

from bot.config import load_config
from tests.fakes import FakeCountries
from watchers.errors import ConfigError, Problem


def rss(
    *items: tuple[str, str, str],
    title: str = "Test feed",
    published: str = "Mon, 10 Mar 2025 10:00:00 +0000",
) -> bytes:
    """An RSS 2.0 document; each item is (guid, title, description), all published then."""
    body = "".join(
        f'<item><guid isPermaLink="false">{escape(guid)}</guid><title>{escape(t)}</title>'
        f"<link>http://news.example/{escape(guid)}</link>"
        f"<pubDate>{published}</pubDate>"
        f"<description>{escape(text)}</description></item>"
        for guid, t, text in items
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>{escape(title)}</title>'
        f"{body}</channel></rss>"
    ).encode()


def watchlist(folder: Path, body: str) -> Path:
    """``watchlist.toml`` in ``folder``: its store there, no baseline polls, then ``body``."""
    path = folder / "watchlist.toml"
    store = folder / "store.sqlite3"
    path.write_text(
        f'[defaults]\nbaseline = false\n\n[store]\npath = "{store}"\n\n{body}', encoding="utf-8"
    )
    return path


def config_problems(path: Path) -> list[Problem]:
    """Every problem ``load_config`` finds in the config at ``path`` (which must not load)."""
    with pytest.raises(ConfigError) as caught:
        load_config(path, FakeCountries())
    return caught.value.problems


def sample_feeds_toml(base: str) -> str:
    """The ``[[feeds]]`` of the demo's two sample feeds, served at ``base``."""
    return f"""
[[feeds]]
name = "Kremlin news (sample)"
url = "{base}/kremlin.xml"
official = true

[[feeds]]
name = "World desk (sample)"
url = "{base}/world.xml"
"""
