"""In a Discord alert only the source links we add are links; URLs in feed text are not."""

from __future__ import annotations

import json
import re
from dataclasses import replace

from bot.alert import alert_from_change
from bot.render.discord import render_discord
from tests.fakes import rewording
from watchers.model import Source

PLANTED = "https://phish.example/login"
QUOTE = f"Moscow spoke of a particularly privileged strategic partnership, see {PLANTED} now."
# what Discord makes a link of: a scheme, "://", then no space
LINKABLE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^\s)\"\\]+")


def test_a_url_in_feed_text_is_shown_but_not_linked() -> None:
    change = replace(
        rewording(quote=QUOTE),
        sources=(Source("Wire http://mirror.example", "https://news.example.org/1", "T", None),),
    )
    embed = render_discord(alert_from_change(change))["embeds"][0]
    text = json.dumps(embed, ensure_ascii=False)
    description = embed["description"]
    assert "phish.example/login" in description
    assert not LINKABLE.search(description)
    # the one link is ours: the source, as a masked link or the embed's url
    assert {m.group(0) for m in LINKABLE.finditer(text)} == {"https://news.example.org/1"}
