"""Export and import of the whole state: a round trip keeps it all, a bad file changes nothing."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, time
from pathlib import Path

import pytest

from bot.alert import PingTarget
from bot.chat.decide import Channel, QuietHours
from bot.chat.pings import PingStore
from bot.chat.store import ChatStore, Waiting
from bot.cli import main
from bot.state import export_lines, import_lines, open_state
from tests.databases import mention_count
from tests.fakes import rewording
from tests.story import store_with_story
from watchers.errors import ConfigError
from watchers.history import pair_story
from watchers.model import ChangeKind
from watchers.store import Store
from watchers.tiers import shipped_lexicon

NOW = datetime(2025, 3, 14, 9, 0, tzinfo=UTC)


def fill(store: Store) -> None:
    """History, a change, subscriptions, channel settings and owed deliveries."""
    pair = store_with_story(store)
    change = rewording(at=NOW)
    change_id = str(store.record_change(change))
    subs = ChatStore(store.connection)
    subs.add("discord", "555", pair.key, now=NOW, created_by="42")
    subs.add("slack", "C1", pair.key, now=NOW)
    subs.set_digest("slack", "C1", True)
    routes = ChatStore(store.connection)
    routes.set_quiet_hours("discord", "555", QuietHours(time(22), time(7), "Europe/Paris"))
    routes.set_digest_time("slack", "C1", time(9, 30), "Asia/Kolkata")
    channel = Channel("discord", "555", pair.key)
    routes.wait(channel, Waiting(change_id, pair.key, 2, NOW, "HTTP 503"), NOW)
    routes.queue(Channel("slack", "C1", pair.key), replace(change, change_id=change_id), NOW)
    pings = PingStore(store.connection)
    group = PingTarget("group", "S0ANALYSTS")
    pings.set("slack", "C1", group, [ChangeKind.DOWNGRADE], now=NOW)


def test_export_then_import_gives_back_the_same_state(tmp_path: Path) -> None:
    source = open_state(tmp_path / "a.sqlite3")
    fill(source)
    exported = list(export_lines(source, NOW))

    target = open_state(tmp_path / "b.sqlite3")
    counts = import_lines(target, exported)
    assert set(counts) == {
        "history", "subscriptions", "channel settings", "owed deliveries"
    }  # fmt: skip
    assert list(export_lines(target, NOW)) == exported

    # read back through the stores as the service reads them
    subs_a, subs_b = ChatStore(source.connection), ChatStore(target.connection)
    assert subs_b.all() == subs_a.all() and len(subs_b.all()) == 2
    assert subs_b.digest("slack", "C1")
    routes = ChatStore(target.connection)
    assert routes.schedule("discord", "555") == ChatStore(source.connection).schedule(
        "discord", "555"
    )
    assert [w.error for w in routes.waiting("discord", "555")] == ["HTTP 503"]
    assert [q[1] for q in routes.queued("slack", "C1")] == ["IND-RUS"]
    pinged = PingStore(target.connection).targets("slack", "C1", ChangeKind.DOWNGRADE)
    assert pinged == (PingTarget("group", "S0ANALYSTS"),)
    pair = store_with_story(Store.open(":memory:"))
    stories = [
        pair_story(pair, s.mentions_of(pair.key), shipped_lexicon()) for s in (source, target)
    ]
    assert stories[0] == stories[1] and stories[0].descriptors
    assert target.pair_history(pair).latest_change == source.pair_history(pair).latest_change
    source.close()
    target.close()


def test_each_line_names_its_section_and_the_header_its_version(tmp_path: Path) -> None:
    store = open_state(tmp_path / "a.sqlite3")
    fill(store)
    header, *rows = (json.loads(line) for line in export_lines(store, NOW))
    assert header["format"] == "partnership-watch-state" and header["version"] == 1
    assert set(header["schemas"]) >= {"history", "chat", "backfill"}
    sections = {r["table"]: r["section"] for r in rows}
    assert sections["mentions"] == "history"
    assert sections["chat_subscriptions"] == "subscriptions"
    assert sections["chat_settings"] == "channel settings"
    assert sections["chat_retries"] == "owed deliveries"
    store.close()


def test_a_newer_or_broken_file_is_refused_whole(tmp_path: Path) -> None:
    source = open_state(tmp_path / "a.sqlite3")
    fill(source)
    lines = list(export_lines(source, NOW))
    header = json.loads(lines[0])
    newer = json.dumps({**header, "version": 99})
    broken = json.dumps({"section": "history", "table": "mentions", "row": {"colour": "red"}})
    target = open_state(tmp_path / "b.sqlite3")
    with pytest.raises(ConfigError) as refused:
        import_lines(target, [newer, *lines[1:], "{oops", broken], source="backup.jsonl")
    reasons = [str(p) for p in refused.value.problems]
    assert "backup.jsonl: line 1: version 99 is newer than this program's 1" in reasons
    assert any("not JSON" in r for r in reasons)
    assert any("mentions: unknown column colour" in r for r in reasons)
    assert mention_count(target) == 0


def test_import_refuses_a_store_that_holds_data(tmp_path: Path) -> None:
    source = open_state(tmp_path / "a.sqlite3")
    fill(source)
    lines = list(export_lines(source, NOW))
    with pytest.raises(ConfigError, match="the store is not empty"):
        import_lines(source, lines)


def test_export_and_import_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = open_state(tmp_path / "a.sqlite3")
    fill(store)
    store.close()
    for name, db in (("a.toml", "a.sqlite3"), ("b.toml", "b.sqlite3")):
        (tmp_path / name).write_text(f'[store]\npath = "{tmp_path / db}"\n', encoding="utf-8")
    backup = tmp_path / "backup.jsonl"
    assert main(["--config", str(tmp_path / "a.toml"), "export", str(backup)]) == 0
    assert main(["--config", str(tmp_path / "b.toml"), "import", str(backup)]) == 0
    out = capsys.readouterr().out
    assert "imported into" in out and "subscriptions 2" in out
    assert main(["--config", str(tmp_path / "b.toml"), "import", str(backup)]) == 2
    err = capsys.readouterr().err
    assert "partnership-watch: 1 problem:" in err and "the store is not empty" in err
    assert "config" not in err


def test_an_export_from_before_the_outbox_owes_its_changes_to_nobody_again(
    tmp_path: Path,
) -> None:
    source = open_state(tmp_path / "a.sqlite3")
    fill(source)
    lines = list(export_lines(source, NOW))
    # What an older release wrote: changes without the routed mark.
    old = []
    for line in lines:
        record = json.loads(line)
        if record.get("table") == "changes":
            record["row"].pop("routed_revision")
        old.append(json.dumps(record))

    target = open_state(tmp_path / "b.sqlite3")
    import_lines(target, old)
    assert ChatStore(target.connection).unrouted() == []  # not posted again at the next start

    again = open_state(tmp_path / "c.sqlite3")
    import_lines(again, lines)  # a current export keeps what was not routed yet
    assert ChatStore(again.connection).unrouted() == ChatStore(source.connection).unrouted()
    for store in (source, target, again):
        store.close()
