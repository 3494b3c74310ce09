"""Rendering alerts: golden files for every kind and renderer, platform limits, hostile text.

Each case under ``tests/golden/render/<case>/`` states its input and what a reader should
see (``input.json``) next to the expected output of each renderer. To re-create the
expected files after an intended change, run with ``PW_UPDATE_GOLDEN=1`` and review the
diff before committing it.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.alert import Alert, alert_from_change
from bot.render.discord import render_discord
from bot.render.json import alert_to_json
from bot.render.limits import DISCORD, SLACK
from bot.render.slack import render_slack
from bot.render.text import render_text
from tests.payload_limits import discord_problems, slack_problems
from watchers.diff import word_diff
from watchers.model import Change, ChangeKind, Country, Level, Pair, Source
from watchers.tiers import load_lexicon

GOLDEN = Path(__file__).parent / "golden" / "render"
CASES = sorted(p.name for p in GOLDEN.iterdir() if (p / "input.json").is_file())
UPDATE = os.environ.get("PW_UPDATE_GOLDEN") == "1"
LEXICON = load_lexicon()


def change_from_spec(spec: dict[str, Any]) -> Change:
    """A Change as the detector would hand it over, from a golden case's input."""
    (a_code, a_name), (b_code, b_name) = spec["pair"]
    pair = Pair.of(Country(a_code, a_name), Country(b_code, b_name))
    sources = tuple(
        Source(
            feed=s["feed"],
            url=s.get("url"),
            title=s["title"],
            published=datetime.fromisoformat(s["published"]) if s.get("published") else None,
            official=s.get("official", False),
        )
        for s in spec["sources"]
    )
    change = Change(
        pair=pair,
        kind=ChangeKind(spec["kind"]),
        before=spec["before"],
        after=spec["after"],
        diff=word_diff(spec["before"], spec["after"]),
        quote=spec["quote"],
        sources=sources,
        detected_at=datetime.fromisoformat(spec["detected_at"]),
        speaker=spec.get("speaker"),
        level=Level(spec["level"]),
        change_id=spec.get("change_id"),
        revision=spec.get("revision", 0),
    )
    return LEXICON.annotate(change)


def alert_for(case: str) -> Alert:
    spec = json.loads((GOLDEN / case / "input.json").read_text(encoding="utf-8"))
    return alert_from_change(change_from_spec(spec["change"]))


def rendered(alert: Alert) -> dict[str, str]:
    def dump(obj: dict[str, Any]) -> str:
        # Readable UTF-8, but the invisible zero-width space spelled out so reviewers see it.
        text = json.dumps(obj, indent=2, ensure_ascii=False).replace("\u200b", "\\u200b")
        return text + "\n"

    return {
        "text.txt": render_text(alert) + "\n",
        "discord.json": dump(render_discord(alert)),
        "slack.json": dump(render_slack(alert)),
        "alert.json": dump(alert_to_json(alert)),
    }


def test_every_kind_has_a_golden_case() -> None:
    kinds = {
        json.loads((GOLDEN / c / "input.json").read_text(encoding="utf-8"))["change"]["kind"]
        for c in CASES
    }
    assert kinds == {k.value for k in ChangeKind}


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("output", ["text.txt", "discord.json", "slack.json", "alert.json"])
def test_golden(case: str, output: str) -> None:
    got = rendered(alert_for(case))[output]
    path = GOLDEN / case / output
    if UPDATE:
        path.write_text(got, encoding="utf-8")
    assert path.is_file(), f"no golden file {path.name} for {case}; run with PW_UPDATE_GOLDEN=1"
    assert got == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("case", CASES)
def test_golden_payloads_are_within_limits(case: str) -> None:
    alert = alert_for(case)
    assert discord_problems(render_discord(alert)) == []
    assert slack_problems(render_slack(alert)) == []


# --- What readers notice in the goldens, asserted directly ---------------------------------


def test_discord_colour_and_diff_marks_follow_the_kind() -> None:
    up = render_discord(alert_for("upgrade-usa-vietnam"))["embeds"][0]
    down = render_discord(alert_for("downgrade-canada-india"))["embeds"][0]
    assert up["color"] != down["color"]
    assert "**strategic**" in up["description"]
    assert "~~strategic~~" in down["description"]
    assert "comprehensive partnership ↑ comprehensive strategic partnership" in up["description"]


def test_update_points_to_the_official_source() -> None:
    alert = alert_for("upgrade-usa-vietnam-update")
    discord = render_discord(alert)
    slack = render_slack(alert)
    official = "https://gov.example.org/statements/joint-statement"
    assert discord["embeds"][0]["url"] == official
    assert slack["blocks"][-1]["elements"][0]["url"] == official
    assert "now official" in discord["embeds"][0]["title"]
    assert "now official" in slack["blocks"][0]["text"]["text"]


# --- Limits ---------------------------------------------------------------------------------

FILLER = "the two sides agreed to deepen cooperation in many fields over the coming years"
WORDS = FILLER.split()


def _huge_change(quote_words: int = 5000, sources: int = 40, title_words: int = 300) -> Change:
    filler = " ".join(WORDS[i % len(WORDS)] for i in range(quote_words))
    quote = f"{filler} and called it a special and privileged strategic partnership {filler}."
    start = quote.index("special and")
    published = datetime(2025, 1, 1, tzinfo=UTC)
    return LEXICON.annotate(
        Change(
            pair=Pair.of(Country("IND", "India"), Country("RUS", "Russia")),
            kind=ChangeKind.REWORDING,
            before="particularly privileged strategic partnership",
            after="special and privileged strategic partnership",
            diff=word_diff(
                "particularly privileged strategic partnership",
                "special and privileged strategic partnership",
            ),
            quote=quote,
            span=(start, start + len("special and privileged strategic partnership")),
            sources=tuple(
                Source(
                    feed=f"feed-{i}",
                    url=f"https://news{i}.example.com/" + "a/" * 200,
                    title=" ".join(["Headline"] * title_words) + f" {i}",
                    published=published + timedelta(minutes=i),
                )
                for i in range(sources)
            ),
            detected_at=published,
            speaker="RUS",
            level=Level.MULTI_SOURCE,
        )
    )


def test_huge_quote_and_forty_sources_stay_within_every_limit() -> None:
    alert = alert_from_change(_huge_change())
    discord = render_discord(alert)
    slack = render_slack(alert)
    assert discord_problems(discord) == []
    assert slack_problems(slack) == []
    embed = discord["embeds"][0]
    # The phrase survives shortening, marked, and the sources say how many were left out.
    assert "**special and privileged strategic partnership**" in embed["description"]
    sources = next(f for f in embed["fields"] if f["name"].startswith("Sources"))
    assert sources["name"] == "Sources (40)"
    assert re.search(r"… and \d+ more$", sources["value"])
    assert "*special and privileged strategic partnership*" in slack["blocks"][2]["text"]["text"]
    assert re.search(r" · and 3\d more$", slack["blocks"][4]["elements"][0]["text"])


def test_shortened_quote_is_never_cut_inside_a_word() -> None:
    alert = alert_from_change(_huge_change())
    body = alert.quote.text.strip("…")
    around = "and called it a special privileged strategic partnership"
    words = set(WORDS) | set(around.split())
    for word in body.replace(".", "").split():
        assert word in words, word


@pytest.mark.parametrize("quote_words", [0, 1, 40, 700, 3000])
@pytest.mark.parametrize("sources", [0, 1, 9, 40])
def test_limits_hold_for_any_size(quote_words: int, sources: int) -> None:
    alert = alert_from_change(_huge_change(quote_words, sources, title_words=quote_words // 10))
    assert discord_problems(render_discord(alert)) == []
    assert slack_problems(render_slack(alert)) == []


def test_one_giant_word_is_cut_without_leaving_half_an_escape() -> None:
    word = "*&<" * 3000
    change = replace(
        _huge_change(10, 1), quote=f"{word} special and privileged strategic partnership"
    )
    change = replace(change, span=None)
    alert = alert_from_change(change)
    slack = render_slack(alert)
    assert slack_problems(slack) == []
    for block in slack["blocks"]:
        text = block.get("text", {}).get("text", "")
        assert not re.search(r"&[a-z]*$", text.rstrip("…”"))
    assert discord_problems(render_discord(alert)) == []


def test_limit_checks_catch_what_breaks_the_rules() -> None:
    payload = {"content": "x" * 2001, "embeds": [{"title": "t" * 257, "fields": [{}] * 26}]}
    problems = " | ".join(discord_problems(payload))
    for word in ("content", "title", "fields", "allowed_mentions", "empty name"):
        assert word in problems
    assert DISCORD.description == 4096 and DISCORD.total == 6000 and DISCORD.embeds == 10
    slack = {"blocks": [{"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}] * 51}
    problems = " | ".join(slack_problems(slack))
    assert "fallback" in problems and "51 > 50 blocks" in problems and "151 > 150" in problems
    assert SLACK.text_object == 3000


# --- Hostile feed text ----------------------------------------------------------------------

DISCORD_PINGS = [
    r"@everyone",
    r"@here",
    r"(?<!\\)<@!?\d+>",
    r"(?<!\\)<@&\d+>",
    r"(?<!\\)<#\d+>",
    # A masked link whose target is the feed's: an unescaped "[", text, "](" and the URL.
    r"(?<!\\)\[(?:[^\[\]\\]|\\.)*\]\(https://evil",
]
SLACK_PINGS = [r"<!channel>", r"<!here>", r"<!everyone>", r"<@U", r"@here", r"@everyone", r"<#"]


def _strings(obj: Any) -> list[str]:
    if isinstance(obj, str):
        return [obj]
    if isinstance(obj, dict):
        return [s for v in obj.values() for s in _strings(v)]
    if isinstance(obj, list):
        return [s for v in obj for s in _strings(v)]
    return []


def test_hostile_text_pings_nobody_on_discord() -> None:
    payload = render_discord(alert_for("hostile-feed-text"))
    assert payload["allowed_mentions"] == {"parse": []}
    for text in _strings(payload):
        for pattern in DISCORD_PINGS:
            assert not re.search(pattern, text), (pattern, text)
        assert "\x1b" not in text and "\u202e" not in text
    embed = payload["embeds"][0]
    assert "url" not in embed  # javascript: is not a link
    # Markdown from the feed is shown as typed, not applied.
    assert r"\*\*special and privileged" not in embed["description"]
    assert r"\`code\`" in embed["description"] and r"\~\~gone\~\~" in embed["description"]


def test_hostile_text_pings_nobody_on_slack() -> None:
    payload = render_slack(alert_for("hostile-feed-text"))
    for text in _strings(payload):
        for pattern in SLACK_PINGS:
            assert not re.search(pattern, text), (pattern, text)
        assert "\x1b" not in text and "\u202e" not in text
    assert all(b["type"] != "actions" for b in payload["blocks"])
    quote = payload["blocks"][2]["text"]["text"]
    assert "&amp; more &gt; less" in quote and "`" not in quote


def test_hostile_text_cannot_drive_the_terminal() -> None:
    text = render_text(alert_for("hostile-feed-text"))
    assert "\x1b" not in text and "\u202e" not in text
    assert "javascript:" not in text
    assert all(ch == "\n" or ch >= " " for ch in text)


def test_every_alert_carries_no_mentions_even_when_nothing_is_hostile() -> None:
    for case in CASES:
        assert render_discord(alert_for(case))["allowed_mentions"] == {"parse": []}


# --- Any feed text at all -------------------------------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

HOSTILE_BITS = st.sampled_from(
    [
        "@everyone",
        "@here",
        "<@123>",
        "<@&45>",
        "<#67>",
        "<!channel>",
        "<!here>",
        "**",
        "__",
        "~~",
        "`",
        "|",
        "[x](https://evil.example)",
        "&",
        "<",
        ">",
        "\\",
        "\x1b[2J",
        "\u202e",
        "\n",
        "#",
        "- ",
        "> ",
        "special and privileged strategic partnership",
        " ",
        "word",
    ]
)
FEED_TEXT = st.lists(st.one_of(HOSTILE_BITS, st.text(max_size=20)), max_size=60).map("".join)


@settings(max_examples=150, deadline=None)
@given(quote=FEED_TEXT, title=FEED_TEXT, feed=FEED_TEXT, url=FEED_TEXT, n=st.integers(0, 45))
def test_any_feed_text_stays_within_limits_and_pings_nobody(
    quote: str, title: str, feed: str, url: str, n: int
) -> None:
    base = _huge_change(0, 0)
    sources = tuple(Source(feed or "f", "https://ok.example/" + url, title, None) for _ in range(n))
    alert = alert_from_change(replace(base, quote=quote, span=None, sources=sources))
    discord = render_discord(alert)
    slack = render_slack(alert)
    assert discord_problems(discord) == []
    assert slack_problems(slack) == []
    for text in _strings(discord):
        for pattern in DISCORD_PINGS:
            assert not re.search(pattern, text)
    for text in _strings(slack):
        for pattern in SLACK_PINGS:
            assert not re.search(pattern, text)
    assert "\x1b" not in render_text(alert)
