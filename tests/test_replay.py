"""Replay: an archive of dated snapshots through the pipeline, and the scenario of issue 4.

The scenario, from feed items written for it: a United States–Vietnam upgrade reported by
four feeds within two hours and confirmed by an official feed is one upgrade alert whose
level rises to official; a flip-flop back to the old wording, and a backdated mention, are
no alert; a new descriptor for another watched pair is one alert. One alert per real
change, no more.
"""

from __future__ import annotations

import io
import json
import re
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from pathlib import Path

import pytest

from bot.config import load_config
from bot.replay import find_snapshots, print_event, replay, snapshot_time
from tests.fakes import FakeCountries
from tests.markers import SentenceMarkers, plain
from watchers.errors import ConfigError
from watchers.model import ChangeKind, Level


def rss(title: str, items: list[tuple[str, datetime, str]]) -> str:
    body = "".join(
        f"<item><guid>https://{title}.example/{guid}</guid><title>{escape(guid)}</title>"
        f"<link>https://{title}.example/{guid}</link>"
        f"<pubDate>{format_datetime(published)}</pubDate>"
        f"<description>{escape(text)}</description></item>"
        for guid, published, text in items
    )
    head = f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>'
    return f"{head}{body}</channel></rss>"


WATCHLIST = """
[[feeds]]
name = "asia-desk"
url = "https://asia-desk.example/feed"

[[feeds]]
name = "region-wire"
url = "https://region-wire.example/feed"

[[feeds]]
name = "morning-post"
url = "https://morning-post.example/feed"

[[feeds]]
name = "daily-ledger"
url = "https://daily-ledger.example/feed"

[[feeds]]
name = "mofa"
url = "https://mofa.example/feed"
official = true

[watch]
pairs = [["United States", "Vietnam"], ["India", "Russia"], ["China", "Pakistan"]]
"""

T0 = datetime(2023, 9, 1, 8, 0, tzinfo=UTC)
T1 = datetime(2023, 9, 10, 12, 0, tzinfo=UTC)

# What each feed carried, item by item: (when it was published, guid, text).
ITEMS: dict[str, list[tuple[datetime, str, str]]] = {
    "asia-desk": [
        (T0, "ties", "Vietnam and the United States have a {USA-VNM: comprehensive partnership}, "
                     "officials said on Friday."),
        (T1, "upgrade", "On Sunday Vietnam and the United States raised relations to a "
                        "{USA-VNM: comprehensive strategic partnership} during talks in Hanoi."),
    ],
    "region-wire": [
        (T1 + timedelta(minutes=30), "hanoi", "The United States and Vietnam agreed on Sunday "
         "to form a {USA-VNM: comprehensive strategic partnership}, skipping a step."),
        (T1 + timedelta(days=2), "comment", "Some commentators on Tuesday still spoke of a "
         "{USA-VNM: comprehensive partnership} between the United States and Vietnam."),
    ],
    "morning-post": [
        (T1 + timedelta(hours=1), "jump", "The United States and Vietnam now share a "
         "{USA-VNM: comprehensive strategic partnership}, the highest level Hanoi grants."),
        (T1 + timedelta(days=3), "history", "Back in 2015 China and Pakistan agreed an "
         "{CHN-PAK: all-weather strategic cooperative partnership}, a diplomat recalled."),
    ],
    "daily-ledger": [
        (T1 + timedelta(hours=1, minutes=45), "sign", "Vietnam and the United States signed a "
         "joint statement on Sunday that lifts ties to a "
         "{USA-VNM: comprehensive strategic partnership}."),
        (T1 + timedelta(days=4), "delhi", "On Thursday Russia's envoy called relations with "
         "India a {IND-RUS@RUS: special and privileged strategic partnership}."),
    ],
    "mofa": [
        (T1 + timedelta(hours=5), "statement", "The joint statement of Vietnam and the United "
         "States issued today establishes a {USA-VNM: comprehensive strategic partnership}."),
    ],
}  # fmt: skip


def stamp(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H-%MZ")


def write_archive(root: Path, *, marked: bool = True) -> Path:
    """One baseline snapshot of every feed at T0, then a snapshot when each item appears.

    Each snapshot carries the feed's items so far, as a real feed would. Unmarked, the items
    are the plain sentences, for the real extractor.
    """
    root.mkdir()
    (root / "watchlist.toml").write_text(WATCHLIST, encoding="utf-8")
    times = {T0} | {t for items in ITEMS.values() for t, _, _ in items}
    for at in sorted(times):
        for feed, items in ITEMS.items():
            shown = [
                (guid, t, text if marked else plain(text))
                for t, guid, text in items
                if t <= at
            ]
            if at != T0 and not any(t == at for t, _, _ in items):
                continue  # the feed was not polled then
            folder = root / stamp(at)
            folder.mkdir(exist_ok=True)
            (folder / f"{feed}.xml").write_text(rss(feed, shown), encoding="utf-8")
    return root


async def test_issue_scenario_one_alert_per_real_change(tmp_path: Path) -> None:
    archive = write_archive(tmp_path / "archive")
    config = load_config(archive / "watchlist.toml", FakeCountries())
    out = io.StringIO()
    result = await replay(
        config, archive, extractor=SentenceMarkers(), emit=print_event(out, "json")
    )
    assert result.errors == []
    events = [json.loads(line) for line in out.getvalue().splitlines()]

    alerts = [e for e in events if e["event"] == "alert"]
    assert [(a["pair"], a["kind"]) for a in alerts] == [
        (["USA", "VNM"], "upgrade"),
        (["IND", "RUS"], "new"),
    ]
    upgrade = alerts[0]
    assert upgrade["before"] == "comprehensive partnership"
    assert upgrade["after"] == "comprehensive strategic partnership"
    assert upgrade["level"] == "reported"
    assert upgrade["detected_at"] == T1.isoformat()

    updates = [e for e in events if e["event"] == "update"]
    assert {u["id"] for u in updates} == {upgrade["id"]}
    assert [u["level"] for u in updates] == [
        "multi-source",
        "multi-source",
        "multi-source",
        "official",
    ]
    assert [len(u["sources"]) for u in updates] == [2, 3, 4, 5]
    assert updates[-1]["sources"][-1]["official"] is True
    assert alerts[1]["speaker"] == "RUS"


async def test_scenario_says_why_nothing_else_alerted(tmp_path: Path) -> None:
    archive = write_archive(tmp_path / "archive")
    config = load_config(archive / "watchlist.toml", FakeCountries())
    result = await replay(config, archive, extractor=SentenceMarkers())
    kinds = [(e.kind, e.alert.kind) for e in result.events]
    assert kinds.count(("alert", ChangeKind.UPGRADE)) == 1
    assert result.events[-2].alert.level is Level.OFFICIAL
    assert result.snapshots == 5 + 8  # five baselines, then one snapshot per later item


async def test_text_output_prints_alerts_in_full_and_updates_in_a_line(tmp_path: Path) -> None:
    archive = write_archive(tmp_path / "archive")
    config = load_config(archive / "watchlist.toml", FakeCountries())
    out = io.StringIO()
    await replay(config, archive, extractor=SentenceMarkers(), emit=print_event(out, "text"))
    text = out.getvalue()
    assert text.count("United States–Vietnam: upgrade · reported") == 1
    assert "diff:  comprehensive {+strategic+} partnership" in text
    assert re.search(
        r"update \w+: United States–Vietnam: upgrade · official, 5 sources \(\+ mofa\)", text
    )
    assert "India–Russia: new descriptor" in text


def test_snapshot_folders_are_named_by_utc_time(tmp_path: Path) -> None:
    want = datetime(2023, 9, 10, 12, 30, tzinfo=UTC)
    for name in ("2023-09-10T12-30Z", "2023-09-10T1230Z", "20230910T123000Z",
                 "2023-09-10T12:30:00+00:00"):  # fmt: skip
        assert snapshot_time(name) == want, name
    assert snapshot_time("notes") is None
    assert snapshot_time("2023-13-40T12-30Z") is None


def test_a_bad_archive_names_every_problem(tmp_path: Path) -> None:
    (tmp_path / "later").mkdir()
    (tmp_path / "misc").mkdir()
    with pytest.raises(ConfigError) as caught:
        find_snapshots(tmp_path)
    assert {p.file.rsplit("/", 1)[-1] for p in caught.value.problems} == {"later", "misc"}
    empty = tmp_path / "empty"
    (empty / "2023-09-10T12-30Z").mkdir(parents=True)
    with pytest.raises(ConfigError, match="no feed snapshots"):
        find_snapshots(empty)
    with pytest.raises(ConfigError, match="not a folder"):
        find_snapshots(tmp_path / "missing")


def test_the_command_replays_an_archive_with_the_real_extractor(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.cli import main

    archive = write_archive(tmp_path / "archive", marked=False)
    assert main(["replay", str(archive), "--format", "json"]) == 0
    events = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    alerts = [(e["pair"], e["kind"]) for e in events if e["event"] == "alert"]
    assert alerts == [(["USA", "VNM"], "upgrade"), (["IND", "RUS"], "new")]
    updates = [e for e in events if e["event"] == "update"]
    assert updates and updates[-1]["level"] == "official"

