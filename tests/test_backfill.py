"""Backfill: an archive into the history without alerting, resumable, then live polls as usual."""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from bot.backfill import Item, backfill, parse_article, read_archive
from bot.cli import main, poll_once
from bot.config import Config, load_config
from tests.databases import mention_count
from tests.fakes import FakeClock
from tests.feeds import rss
from watchers.countries import default_countries
from watchers.extraction import default_extractor
from watchers.history import pair_story
from watchers.model import Pair
from watchers.store import Store
from watchers.tiers import shipped_lexicon

START = datetime(2022, 1, 3, 9, 0, tzinfo=UTC)
UPGRADE_AT = datetime(2023, 3, 1, tzinfo=UTC)
FEED = "Asia desk"

STRATEGIC = "Vietnam and Australia reviewed their strategic partnership at talks in Canberra."
COMPREHENSIVE = (
    "Vietnam and Australia said their comprehensive strategic partnership now covers energy."
)
FRANCE = "India and France agreed to deepen their strategic partnership, the ministers said."
NOTHING = "Kenya and Ghana discussed shipping costs at a regional meeting."


def archive_lines(count: int = 300) -> list[str]:
    """``count`` articles over two years: Vietnam–Australia move up in March 2023."""
    lines = []
    for i in range(count):
        at = START + timedelta(days=2 * i + 0.5 * (i % 3))
        if i % 3 == 0:
            text = COMPREHENSIVE if at >= UPGRADE_AT else STRATEGIC
        else:
            text = FRANCE if i % 3 == 1 else NOTHING
        record = {
            "url": f"https://asia.example/{i}",
            "title": f"Regional roundup {i}",
            "text": text,
            "published": at.isoformat().replace("+00:00", "Z"),
            "feed": FEED,
        }
        lines.append(json.dumps(record))
    return lines


CONFIG = """
[store]
path = "{store}"

[[feeds]]
name = "Asia desk"
url = "{url}"

[watch]
pairs = [["Vietnam", "Australia"], ["India", "France"]]
"""


def write_config(tmp_path: Path, url: str = "https://asia.example/rss") -> Config:
    path = tmp_path / "watchlist.toml"
    text = CONFIG.replace("{store}", str(tmp_path / "store.sqlite3")).replace("{url}", url)
    path.write_text(text, encoding="utf-8")
    return load_config(path, default_countries())


def pair(a: str, b: str) -> Pair:
    countries = default_countries()
    first, second = countries.lookup(a), countries.lookup(b)
    assert first is not None and second is not None
    return Pair.of(first, second)


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    path = tmp_path / "archive.jsonl"
    path.write_text("\n".join(archive_lines()) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store.open(tmp_path / "store.sqlite3")
    yield s
    s.close()


def changes_recorded(store: Store) -> int:
    return int(store.connection.execute("SELECT count(*) FROM changes").fetchone()[0])


async def test_backfill_fills_the_history_in_time_order_and_alerts_nothing(
    tmp_path: Path, archive: Path, store: Store
) -> None:
    config = write_config(tmp_path)
    summary = await backfill(config, store, read_archive(archive), extractor=default_extractor())
    assert (summary.items, summary.loaded, summary.entries) == (300, 300, 300)
    assert summary.mentions == 200  # two articles in three name a pair
    assert changes_recorded(store) == 0

    story = pair_story(
        pair("Vietnam", "Australia"), store.mentions_of("AUS-VNM"), shipped_lexicon()
    )
    assert [(c.kind, c.after) for c in story.changes] == [
        ("new", "strategic partnership"),
        ("upgrade", "comprehensive strategic partnership"),
    ]
    # dated by the articles, not by the day of the backfill
    assert story.changes[0].at == START
    assert UPGRADE_AT <= story.changes[1].at < UPGRADE_AT + timedelta(days=7)


async def test_after_a_backfill_a_live_poll_alerts_only_on_what_is_new(
    tmp_path: Path, archive: Path, store: Store, httpserver: HTTPServer
) -> None:
    config = write_config(tmp_path, httpserver.url_for("/asia.xml"))
    await backfill(config, store, read_archive(archive), extractor=default_extractor())
    store.close()
    live = "Mon, 08 Jan 2024 10:00:00 +0000"
    httpserver.expect_request("/asia.xml").respond_with_data(
        rss(
            # still listed by the feed, and read by the backfill already
            ("https://asia.example/299", "Regional roundup 299", COMPREHENSIVE),
            # new, with the words the pairs already have
            ("https://asia.example/300", "Roundup", FRANCE),
            ("https://asia.example/301", "Roundup", COMPREHENSIVE),
            # new, with new words
            (
                "https://asia.example/302",
                "Paris visit",
                FRANCE.replace("deepen their", "a special"),
            ),
            published=live,
        ),
        content_type="application/rss+xml",
    )
    out = io.StringIO()
    clock = FakeClock(datetime(2024, 1, 8, 12, 0, tzinfo=UTC))
    assert await poll_once(config, out, "json", clock=clock) == 0
    alerts = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [(a["pair"], a["before"], a["after"]) for a in alerts] == [
        (["FRA", "IND"], "strategic partnership", "special strategic partnership")
    ]


class StopAfter:
    """A progress that stops the backfill while its ``n``-th item is being written."""

    class Stopped(Exception):
        pass

    def __init__(self, n: int) -> None:
        self.n = n
        self.steps = 0

    def start(self, total: int) -> None:
        pass

    def step(self, item: Item) -> None:
        self.steps += 1
        if self.steps == self.n:
            raise self.Stopped


async def test_an_interrupted_backfill_resumes_without_counting_twice(
    tmp_path: Path, archive: Path, store: Store
) -> None:
    config = write_config(tmp_path)
    with pytest.raises(StopAfter.Stopped):
        await backfill(
            config, store, read_archive(archive), extractor=default_extractor(),
            progress=StopAfter(120),
        )  # fmt: skip
    stopped_at = mention_count(store)
    assert 0 < stopped_at < 200
    summary = await backfill(config, store, read_archive(archive), extractor=default_extractor())
    assert (summary.done_before, summary.loaded) == (119, 181)
    assert mention_count(store) == 200

    fresh = Store.open(tmp_path / "fresh.sqlite3")
    await backfill(config, fresh, read_archive(archive), extractor=default_extractor())
    assert fresh.mentions_of("FRA-IND") == store.mentions_of("FRA-IND")
    fresh.close()

    again = await backfill(config, store, read_archive(archive), extractor=default_extractor())
    assert (again.done_before, again.loaded, mention_count(store)) == (300, 0, 200)


def test_bad_lines_are_left_out_with_their_line_number_and_the_rest_loads(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_config(tmp_path)
    path = tmp_path / "archive.jsonl"
    good = archive_lines(3)
    lines = [good[0], "{not json", json.dumps({"text": FRANCE}), good[1], good[2]]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    config = str(tmp_path / "watchlist.toml")
    assert main(["--config", config, "backfill", str(path), "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("backfill: 3 of 3 items loaded, 2022-01-03 to ")
    assert "archive.jsonl line 2: not JSON" in out
    assert 'archive.jsonl line 3: "published" must be an ISO date' in out


def test_an_article_without_a_url_is_known_by_its_words() -> None:
    line = json.dumps({"title": "T", "text": FRANCE, "published": "2024-05-01"})
    article = parse_article(line)
    assert article.published == datetime(2024, 5, 1, tzinfo=UTC)
    assert article.entry_id == parse_article(line).entry_id
    assert article.feed == "archive"


def test_a_replay_folder_backfills_its_snapshots(tmp_path: Path, store: Store) -> None:
    config = write_config(tmp_path)
    for stamp, text in (("2023-01-05T08-00Z", STRATEGIC), ("2023-06-05T08-00Z", COMPREHENSIVE)):
        folder = tmp_path / "snapshots" / stamp
        folder.mkdir(parents=True)
        item = (stamp, "Roundup", text)
        published = f"{stamp[8:10]} {'Jan' if stamp[5:7] == '01' else 'Jun'} 2023 08:00:00 +0000"
        (folder / "asia-desk.xml").write_bytes(rss(item, published=f"Thu, {published}"))
    summary = asyncio.run(
        backfill(config, store, read_archive(tmp_path / "snapshots"), extractor=default_extractor())
    )
    assert (summary.loaded, summary.mentions, changes_recorded(store)) == (2, 2, 0)
    state = store.pair_state("AUS-VNM")
    assert state is not None and state.descriptor == "comprehensive strategic partnership"
