"""One contract for every store, run on SQLite and on PostgreSQL (the ``store_url`` fixture).

What a user would notice is the same on both: what is remembered, in which order, what an
upsert keeps, what a failed transaction leaves, and how an older schema is brought up to date.
"""

from __future__ import annotations

import json
import time as time_module
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest

from bot.chat.decide import Action, Channel, Delivered, QuietHours, Route
from bot.chat.store import MIGRATIONS as CHAT_MIGRATIONS
from bot.chat.store import ChatStore, ConfigSubscription, Origin, Waiting, subscribed_read
from bot.cli import main
from bot.demo import DEMO_DATA, STAGES, SampleFeeds, serve
from tests.databases import listed, mention_count, unseen
from tests.fakes import pair
from tests.feeds import sample_feeds_toml
from watchers.db import Database, is_postgres_url, open_database
from watchers.diff import word_diff
from watchers.errors import StoreError
from watchers.fetch import Validators
from watchers.migrations import DatabaseLedger, migrate
from watchers.model import Change, ChangeKind, Entry, Extraction, Level, Mention, Source
from watchers.store import MIGRATIONS, SEEN_RETENTION, PollOutcome, Store

NOW = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)
INRU = pair("IND", "RUS")


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    opened = Store.open(store_url)
    yield opened
    opened.close()


def mention(descriptor: str, at: datetime = NOW, speaker: str | None = None) -> Mention:
    x = Extraction(INRU, descriptor, descriptor.lower(), f"They spoke of a {descriptor}.")
    x = replace(x, speaker=speaker)
    entry = Entry("wire", f"e-{descriptor}-{at.isoformat()}", "http://news.example/1", "Title")
    return Mention(x, entry, official=False, seen_at=at)


def reported(after: str, at: datetime = NOW, *sources: Source) -> Change:
    return Change(
        pair=INRU,
        kind=ChangeKind.REWORDING,
        before="special and privileged strategic partnership",
        after=after,
        diff=word_diff("special and privileged strategic partnership", after),
        quote=f"relations are a «{after}»",
        sources=sources or (Source("wire", "http://news.example/1", "Lavrov on India", at),),
        detected_at=at,
        speaker="RUS",
    )


# --- the history store -----------------------------------------------------------------------


def test_what_is_remembered_survives_reopening(store_url: str) -> None:
    store = Store.open(store_url)
    m = mention("special and privileged strategic partnership")
    store.set_pair_state(m, store.record_mention(m))
    store.record_poll("wire", NOW, Validators('"v1"', "Mon, 10 Mar 2025 12:00:00 GMT"), None)
    store.close()

    again = Store.open(store_url)
    state = again.pair_state(INRU.key)
    assert state is not None and state.descriptor == "special and privileged strategic partnership"
    assert again.validators("wire") == Validators('"v1"', "Mon, 10 Mar 2025 12:00:00 GMT")
    assert again.has_been_polled("wire")
    assert DatabaseLedger(again.connection).version("history") == len(MIGRATIONS)
    again.close()


def test_a_failed_poll_keeps_the_validators_of_the_last_good_one(store: Store) -> None:
    store.record_poll("wire", NOW, Validators('"v1"', None), None)
    store.record_poll("wire", NOW + timedelta(hours=1), None, "HTTP 503")
    assert store.validators("wire") == Validators('"v1"', None)
    assert store.has_been_polled("wire")
    store.record_poll("fresh", NOW, None, "timed out")
    assert not store.has_been_polled("fresh")


def test_first_seen_stays_while_the_words_stay_and_moves_when_they_change(store: Store) -> None:
    later, latest = NOW + timedelta(days=2), NOW + timedelta(days=5)
    for m in (mention("strategic partnership"), mention("strategic partnership", later)):
        store.set_pair_state(m, store.record_mention(m))
    state = store.pair_state(INRU.key)
    assert state is not None and (state.first_seen, state.last_seen) == (NOW, later)
    m = mention("special partnership", latest)
    store.set_pair_state(m, store.record_mention(m))
    state = store.pair_state(INRU.key)
    assert state is not None
    assert (state.descriptor, state.first_seen, state.last_seen) == (
        "special partnership",
        latest,
        latest,
    )
    assert mention_count(store, INRU.key) == 3
    assert mention_count(store) == 3


def test_seen_entries_are_remembered_refreshed_and_forgotten_after_retention(
    store: Store,
) -> None:
    store.mark_seen("wire", listed(["1", "2"]), NOW)
    assert unseen(store, "wire", ["1", "2", "3"]) == {"3"}
    assert unseen(store, "other", ["1"]) == {"1"}
    # "1" is listed again two days later: refreshed, so it outlives "2"
    store.mark_seen("wire", listed(["1"]), NOW + timedelta(days=2))
    store.mark_seen("wire", listed([]), NOW + SEEN_RETENTION + timedelta(days=1))
    assert unseen(store, "wire", ["1", "2"]) == {"2"}


def test_many_entry_ids_are_looked_up_at_once(store: Store) -> None:
    ids = [f"urn:entry:{n}" for n in range(1200)]
    store.mark_seen("wire", listed(ids[:700]), NOW)
    assert unseen(store, "wire", ids) == set(ids[700:])


def test_a_change_keeps_its_sources_in_order_and_takes_only_new_ones(store: Store) -> None:
    first = Source("wire", "http://news.example/1", "Lavrov on India", NOW)
    change = reported("particularly privileged strategic partnership", NOW, first)
    change_id = store.record_change(change)
    other_id = store.record_change(reported("all-weather partnership", NOW - timedelta(days=1)))
    assert change_id != other_id

    second = Source("mofa", "https://mea.example/s", "Joint statement", NOW, official=True)
    update = replace(
        change,
        change_id=str(change_id),
        revision=1,
        level=Level.OFFICIAL,
        sources=(first, second),
    )
    store.update_change(update, NOW + timedelta(hours=1))
    store.update_change(update, NOW + timedelta(hours=2))  # the same sources again: no copies

    got = store.change(str(change_id), INRU)
    assert got is not None
    assert (got.revision, got.level, got.after) == (1, Level.OFFICIAL, change.after)
    assert got.sources == (first, second)
    assert [c.after for c in store.changes_of(INRU)] == [
        "particularly privileged strategic partnership",
        "all-weather partnership",
    ]
    assert [c.after for c in store.recent_changes(INRU.key, limit=1)] == [change.after]
    assert store.change("999999", INRU) is None


def test_the_rules_read_back_words_speakers_changes_and_decisions(store: Store) -> None:
    first = mention("comprehensive partnership", speaker="IND")
    store.set_pair_state(first, store.record_mention(first))
    store.remember_words(first)
    later = mention("special partnership", NOW + timedelta(days=1), speaker="IND")
    store.remember_words(later)
    again = mention("comprehensive partnership", NOW + timedelta(days=2), speaker="RUS")
    store.remember_words(again)
    change_id = store.record_change(reported("special partnership"))
    asymmetry = replace(reported("strategic partnership"), kind=ChangeKind.ASYMMETRY)
    store.record_change(asymmetry)
    store.record_decision(INRU.key, NOW, "alerted", "new words", str(change_id))
    store.record_decision(INRU.key, NOW + timedelta(days=2), "same", "same words", None)

    h = store.pair_history(INRU)
    assert [(d.canonical, d.last_seen) for d in h.recent] == [
        ("comprehensive partnership", NOW + timedelta(days=2)),
        ("special partnership", NOW + timedelta(days=1)),
    ]
    india = h.speaker("IND")
    assert india is not None and india.descriptor == "special partnership"
    assert india.first_seen == NOW + timedelta(days=1)  # the words moved: first_seen too
    assert h.latest_change is not None and h.latest_change.change_id == str(change_id)
    assert h.latest_asymmetry is not None
    assert h.latest_asymmetry.after == "strategic partnership"
    assert store.last_decision(INRU.key) == ("same", "same words", NOW + timedelta(days=2))


def test_mentions_stored_together_are_read_back_as_of_each_one(store: Store) -> None:
    # A document's entries are stored in one statement and then decided on in turn: what an
    # entry is told of who said the words, and which mention becomes the words' evidence,
    # stops at its own mentions.
    words = "special partnership"
    early = mention(words, NOW - timedelta(hours=2))
    first = replace(mention(words), entry=replace(early.entry, entry_id="first"))
    second = replace(mention(words), entry=replace(early.entry, entry_id="second"))
    old, a, b = store.record_mentions([early, first, second])
    assert old < a < b
    since = NOW - timedelta(days=1)
    assert [h.entry_id for h in store.heard(INRU.key, words, since, up_to=a)] == [
        "first",
        early.entry.entry_id,
    ]
    assert len(store.heard(INRU.key, words, since)) == 3
    store.set_established(INRU.key, words, NOW, up_to=a)
    evidence = store.connection.execute("SELECT mention_id FROM pair_state").fetchone()
    assert evidence is not None and evidence[0] == a


def test_a_documents_histories_are_read_as_they_were_before_its_mentions(store: Store) -> None:
    # A document reads its pairs' histories and stores its mentions in one go: the
    # histories are the ones its decisions start from, and the mentions are stored in order
    # with their evidence, as ``record_mentions`` stores them.
    before = mention("special and privileged strategic partnership", NOW - timedelta(days=1))
    store.set_pair_state(before, store.record_mention(before))
    store.remember_words(before)
    expected = store.pair_histories([INRU])
    words = "particularly privileged strategic partnership"
    first = replace(mention(words), entry=replace(before.entry, entry_id="first"))
    second = replace(mention(words), entry=replace(before.entry, entry_id="second"))
    with store.document():
        store.lock_pairs([INRU.key])
        histories, ids = store.histories_and_mentions([INRU], [first, second])
    assert histories == expected
    assert ids[0] < ids[1]
    heard = store.heard(INRU.key, words, NOW - timedelta(hours=1))
    assert sorted(h.entry_id for h in heard) == ["first", "second"]
    assert store.histories_and_mentions([], []) == ({}, [])


def test_a_documents_many_mentions_are_given_back_their_own_ids_in_order(store: Store) -> None:
    # The decisions on each entry see the mentions up to its own last id: each id must be
    # that of the mention in its place, over more rows than one SQLite statement takes.
    words = ["strategic partnership", "old friendship", "uneasy truce"]
    mentions = [
        replace(
            mention(words[n % 3], NOW + timedelta(seconds=n)),
            entry=Entry("wire", f"urn:story:{n}", f"http://news.example/{n}", "Talks"),
        )
        for n in range(1200)
    ]
    with store.document():
        store.lock_pairs([INRU.key])
        _, ids = store.histories_and_mentions([INRU], mentions)
    rows = store.connection.execute("SELECT id, entry_id, descriptor FROM mentions").fetchall()
    stored = {int(r[0]): (r[1], r[2]) for r in rows}
    assert ids == sorted(ids) and len(set(ids)) == len(mentions)
    assert [stored[i] for i in ids] == [
        (m.entry.entry_id, m.extraction.descriptor) for m in mentions
    ]


def test_a_documents_many_entries_are_remembered_as_seen_with_their_edits(store: Store) -> None:
    ids = [f"urn:entry:{n}" for n in range(1200)]
    with store.document():
        store.mark_seen("wire", listed(ids[:700]), NOW)
    assert unseen(store, "wire", ids) == set(ids[700:])
    edited = {**listed(ids[:700]), ids[3]: "edited text"}
    with store.document():
        store.mark_seen("wire", edited, NOW + timedelta(hours=1))
    assert store.entries_to_read("wire", edited) == {}
    assert store.entries_to_read("wire", listed(ids[2:4])) == {ids[3]: True}


def test_a_failure_inside_a_transaction_keeps_none_of_its_writes(store: Store) -> None:
    with pytest.raises(RuntimeError), store.transaction():
        store.mark_seen("wire", listed(["1"]), NOW)
        store.record_poll("wire", NOW, Validators('"v"', None), None)
        raise RuntimeError("the disk filled up half-way")
    assert unseen(store, "wire", ["1"]) == {"1"}
    assert not store.has_been_polled("wire")
    # and the store goes on working
    store.mark_seen("wire", listed(["1"]), NOW)
    assert unseen(store, "wire", ["1"]) == set()


def test_a_poll_recorded_on_its_own_is_kept_at_once_and_leaves_no_transaction_open(
    store: Store, store_url: str
) -> None:
    store.record_poll("wire", NOW, Validators('"v2"', None), None)
    store.record_body("wire", "ab12", NOW)
    assert not store.connection.in_transaction
    other = Store.open(store_url)  # another process reading the store
    try:
        assert other.validators("wire") == Validators('"v2"', None)
        assert other.last_body("wire") == ("ab12", NOW)
    finally:
        other.close()


def test_polls_recorded_together_are_kept_as_if_recorded_one_by_one(
    store: Store, store_url: str
) -> None:
    store.record_poll("wire", NOW, Validators('"v1"', "Mon, 10 Mar 2025"), None)
    later = NOW + timedelta(hours=1)
    store.record_polls(
        [
            PollOutcome("wire", later, None, "HTTP 503", answer_seconds=2.5),
            PollOutcome("desk", later, Validators('"d1"', None), None, answer_seconds=0.1),
            PollOutcome("new", later, None, "timed out"),
        ]
    )
    assert not store.connection.in_transaction
    other = Store.open(store_url)  # another process reading the store
    try:
        # a failure keeps the validators of the last good poll, and is a poll all the same
        assert other.validators_of(["wire", "desk", "new", "never"]) == {
            "wire": Validators('"v1"', "Mon, 10 Mar 2025"),
            "desk": Validators('"d1"', None),
            "new": Validators(),
        }
        assert other.last_polls() == {"wire": later, "desk": later, "new": later}
        assert other.answer_seconds() == {"wire": 2.5, "desk": 0.1}
        assert other.has_been_polled("desk") and not other.has_been_polled("new")
    finally:
        other.close()


def test_writes_sent_together_are_kept_with_their_transaction_or_not_at_all(
    store: Store,
) -> None:
    db = store.connection
    with db, db.pipeline():
        db.execute("INSERT INTO feed_state (feed, last_polled_at) VALUES (?, ?)", ("a", "t1"))
        moved = db.execute("UPDATE feed_state SET last_polled_at = ? WHERE feed = ?", ("t2", "a"))
        # a read in the middle sees the writes sent before it
        assert db.execute("SELECT last_polled_at FROM feed_state").fetchall() == [("t2",)]
        db.executemany("INSERT INTO feed_state (feed, last_polled_at) VALUES (?, ?)", [("b", "t3")])
    assert moved.rowcount == 1
    assert not db.in_transaction
    # a write that fails, even one sent without waiting, takes its transaction with it
    with pytest.raises(StoreError), store.transaction(), db.pipeline():
        db.execute("INSERT INTO feed_state (feed, last_polled_at) VALUES (?, ?)", ("c", "t4"))
        db.execute("INSERT INTO feed_state (feed, last_polled_at) VALUES (?, ?)", ("a", "t5"))
    assert db.execute("SELECT feed FROM feed_state ORDER BY feed").fetchall() == [("a",), ("b",)]


def test_a_document_that_fails_half_way_keeps_none_of_its_writes(store: Store) -> None:
    with pytest.raises(StoreError), store.document():
        store.lock_pairs(["IND-RUS"])
        store.mark_seen("wire", listed(["1"]), NOW)
        store.record_poll("wire", NOW, Validators('"v"', None), None)
        store.connection.execute("SELECT no_such_column FROM feed_state")
    with pytest.raises(RuntimeError), store.document():
        store.lock_pairs(["IND-RUS"])
        store.mark_seen("wire", listed(["1"]), NOW)
        raise RuntimeError("the reading process died half-way")
    assert not store.connection.in_transaction
    assert unseen(store, "wire", ["1"]) == {"1"}
    assert not store.has_been_polled("wire")
    # and the next document is kept whole
    with store.document():
        store.lock_pairs(["IND-RUS"])
        store.mark_seen("wire", listed(["1"]), NOW)
        store.record_poll("wire", NOW, Validators('"v"', None), None)
    assert unseen(store, "wire", ["1"]) == set()
    assert store.validators("wire") == Validators('"v"', None)


def test_reads_sent_together_see_the_writes_sent_before_them(store: Store) -> None:
    db = store.connection
    store.record_poll("wire", NOW, Validators('"v1"', None), None)
    reads = [
        ("SELECT feed, etag FROM feed_state WHERE feed IN (?, ?) ORDER BY feed", ("wire", "desk")),
        ("SELECT COUNT(*) FROM feed_state WHERE etag IS NULL", ()),
    ]
    assert db.read_all(reads) == [[("wire", '"v1"')], [(0,)]]
    # in a pipeline on PostgreSQL the writes wait to be sent with the reads: they come first
    with db.pipeline(), store.transaction():
        db.execute("UPDATE feed_state SET etag = ? WHERE feed = ?", ('"v2"', "wire"))
        db.execute("INSERT INTO feed_state (feed) VALUES (?)", ("desk",))
        assert db.read_all(reads) == [[("desk", None), ("wire", '"v2"')], [(1,)]]
    # a read that fails fails its transaction, which keeps nothing
    with pytest.raises(StoreError), db.pipeline(), store.transaction():
        db.execute("UPDATE feed_state SET etag = ? WHERE feed = ?", ('"v3"', "wire"))
        db.read_all([*reads, ("SELECT no_such_column FROM feed_state", ())])
    assert db.read_all(reads)[0] == [("desk", None), ("wire", '"v2"')]


def test_feeds_are_claimed_with_their_validators(store: Store) -> None:
    store.record_poll("wire", NOW, Validators('"v1"', None), None)
    claimed = store.claim_feeds(["wire", "never", "wire"])
    assert claimed == {"wire": Validators('"v1"', None), "never": Validators()}
    store.release_feeds(list(claimed))


def test_a_claimed_feed_says_whether_it_was_polled_before(store: Store) -> None:
    store.record_poll("wire", NOW, Validators('"v1"', None), None)
    store.record_poll("broken", NOW, None, "HTTP 500")  # a failure makes no baseline
    store.claim_feeds(["wire", "broken", "never"])
    assert store.has_been_polled("wire")
    assert not store.has_been_polled("broken") and not store.has_been_polled("never")
    # its first successful poll, while it is still claimed, counts at once
    store.record_poll("never", NOW, Validators('"n1"', None), None)
    assert store.has_been_polled("never")
    # a document whose transaction failed made no baseline either
    with pytest.raises(RuntimeError), store.document():
        store.record_poll("broken", NOW, Validators('"b1"', None), None)
        raise RuntimeError("the reading process died half-way")
    assert not store.has_been_polled("broken")
    store.release_feeds(["wire", "broken", "never"])
    assert store.has_been_polled("never") and not store.has_been_polled("broken")


def test_a_claimed_feed_lists_what_was_seen_of_it_whether_polled_or_not(store: Store) -> None:
    with store.document():
        store.mark_seen("wire", listed(["1", "2"]), NOW)
        store.record_poll("wire", NOW, Validators('"v1"', None), None)
    store.claim_feeds(["wire", "never"])
    assert store.seen_entries("wire", most=10) == listed(["1", "2"])
    assert store.seen_entries("never", most=10) == {}
    # seen while claimed, with its first successful poll: listed from then on
    with store.document():
        store.mark_seen("never", listed(["7"]), NOW)
        store.record_poll("never", NOW, Validators('"n1"', None), None)
    assert store.seen_entries("never", most=10) == listed(["7"])
    store.release_feeds(["wire", "never"])
    assert store.seen_entries("never", most=0) is None


def test_a_feed_claimed_by_one_process_is_not_taken_by_another_until_freed(
    store_url: str,
) -> None:
    if not is_postgres_url(store_url):
        pytest.skip("a SQLite store serves one process, which takes every feed")
    first, second = Store.open(store_url), Store.open(store_url)
    try:
        assert set(first.claim_feeds(["a", "b"])) == {"a", "b"}
        assert set(second.claim_feeds(["a", "b", "c"])) == {"c"}
        first.release_feeds(["a"])
        assert set(second.claim_feeds(["a", "b"])) == {"a"}
        first.close()  # a killed worker's connection ends: its feeds are free
        for _ in range(100):  # once the server has seen the connection end
            if second.claim_feeds(["b"]):
                break
            time_module.sleep(0.05)
        else:
            raise AssertionError("the feed of a closed connection stayed taken")
    finally:
        first.close()
        second.close()


def test_a_bad_statement_is_a_store_error_and_the_store_goes_on(store: Store) -> None:
    with pytest.raises(StoreError), store.transaction():
        store.connection.execute("INSERT INTO no_such_table VALUES (1)")
    store.record_poll("wire", NOW, None, None)
    assert store.has_been_polled("wire")


# --- migrations ------------------------------------------------------------------------------


def _at_version(location: str, component: str, steps: tuple[str, ...], version: int) -> Database:
    """A database whose ``component`` tables stop at ``version``, as an older release left them."""
    db = open_database(location)
    migrate(DatabaseLedger(db), component, steps[:version])
    return db


def test_an_empty_database_gets_every_component_at_its_latest_version(store_url: str) -> None:
    store = Store.open(store_url)
    ChatStore(store.connection)
    ledger = DatabaseLedger(store.connection)
    assert ledger.version("history") == len(MIGRATIONS)
    assert ledger.version("chat") == len(CHAT_MIGRATIONS)
    store.close()


def test_the_previous_history_version_is_migrated_keeping_its_rows(store_url: str) -> None:
    db = _at_version(store_url, "history", MIGRATIONS, len(MIGRATIONS) - 1)
    with db:
        db.execute(
            """INSERT INTO changes (pair_key, kind, before, after, quote, speaker, level,
               detected_at) VALUES (?, 'new', NULL, 'comprehensive partnership', 'q', NULL,
               'reported', ?)""",
            (INRU.key, NOW.isoformat()),
        )
        db.execute("INSERT INTO feed_state (feed, etag) VALUES ('wire', '\"old\"')")
    db.close()

    store = Store.open(store_url)
    assert DatabaseLedger(store.connection).version("history") == len(MIGRATIONS)
    (old,) = store.changes_of(INRU)
    assert (old.after, old.revision, old.tier_arrow) == ("comprehensive partnership", 0, "")
    assert store.validators("wire").etag == '"old"'
    # what the new version added works at once
    new_id = store.record_change(reported("special partnership", NOW + timedelta(days=1)))
    assert store.changes_of(INRU, limit=1)[0].change_id == str(new_id)
    store.close()


def test_the_release_0_1_chat_tables_are_migrated_keeping_their_rows(store_url: str) -> None:
    # version 5: the tables as release 0.1 left them, two stores apart
    db = _at_version(store_url, "chat", CHAT_MIGRATIONS, 5)
    with db:
        db.execute(
            """INSERT INTO sub_subscriptions (platform, channel, pair_key, source, min_level,
               paused_reason, paused_at, created_at) VALUES ('discord', 'c1', ?, 'config',
               'official', 'Missing Permissions', ?, ?)""",
            (INRU.key, NOW.isoformat(), NOW.isoformat()),
        )
        db.execute(
            """INSERT INTO route_channels (platform, channel, quiet_start, quiet_end, zone,
               digest_at, digest_zone) VALUES ('discord', 'c1', '22:00', '07:00',
               'Asia/Kolkata', '09:00', 'Asia/Kolkata')"""
        )
        db.execute(
            "INSERT INTO sub_channels (platform, channel, digest) VALUES ('discord', 'c1', 1)"
        )
        db.execute(
            """INSERT INTO route_queue (platform, channel, change_id, pair_key, queued_at)
               VALUES ('discord', 'c1', '7', ?, ?)""",
            (INRU.key, NOW.isoformat()),
        )

    chat = ChatStore(db)
    assert DatabaseLedger(db).version("chat") == len(CHAT_MIGRATIONS)
    got = chat.get("discord", "c1", INRU.key)
    assert got is not None
    assert (got.min_level, got.paused_reason, got.paused_at, got.digest) == (
        Level.OFFICIAL,
        "Missing Permissions",
        NOW,
        True,
    )
    schedule = chat.schedule("discord", "c1")
    assert (schedule.digest_at, schedule.digest_zone) == (time(9, 0), "Asia/Kolkata")
    assert [cid for cid, _, _ in chat.queued("discord", "c1")] == ["7"]
    db.close()


def test_a_newer_schema_is_refused_and_left_alone(store_url: str) -> None:
    db = _at_version(store_url, "history", MIGRATIONS, len(MIGRATIONS))
    DatabaseLedger(db).run("history", len(MIGRATIONS) + 1, "")
    db.close()
    with pytest.raises(StoreError, match="newer"):
        Store.open(store_url)
    db = open_database(store_url)
    assert DatabaseLedger(db).version("history") == len(MIGRATIONS) + 1
    db.close()


def test_stores_opened_at_once_by_several_processes_migrate_once(store_url: str) -> None:
    """Workers starting together each open the store; one migrates, the others wait."""
    if not is_postgres_url(store_url):
        pytest.skip("only workers open a store at once, and workers run on PostgreSQL")

    def open_both() -> None:
        store = Store.open(store_url)
        ChatStore(store.connection)
        store.close()

    with ThreadPoolExecutor(4) as pool:
        for opened in [pool.submit(open_both) for _ in range(4)]:
            opened.result()
    db = open_database(store_url)
    ledger = DatabaseLedger(db)
    assert (ledger.version("history"), ledger.version("chat")) == (
        len(MIGRATIONS),
        len(CHAT_MIGRATIONS),
    )
    db.close()


# --- subscriptions ---------------------------------------------------------------------------


def test_subscriptions_behave_alike(store: Store) -> None:
    subs = ChatStore(store.connection)
    subs.load_config([ConfigSubscription("slack", "C1", INRU.key, Level.OFFICIAL)], now=NOW)
    subs.add("discord", "c1", INRU.key, now=NOW, created_by="u1")
    subs.add("discord", "c1", "CHN-RUS", now=NOW)
    assert subs.add("discord", "c1", INRU.key, now=NOW).created_by == "u1"  # not duplicated

    assert [(s.platform, s.channel, s.source) for s in subs.channels_for(INRU.key)] == [
        ("discord", "c1", Origin.CHAT),
        ("slack", "C1", Origin.CONFIG),
    ]
    assert subs.mute("discord", "c1", INRU.key, NOW + timedelta(hours=2))
    got = subs.get("discord", "c1", INRU.key)
    assert got is not None and got.muted(NOW) and not got.muted(NOW + timedelta(hours=3))

    assert subs.pause_channel("discord", "c1", "forbidden", now=NOW) == 2
    assert subs.pause_channel("discord", "c1", "forbidden", now=NOW) == 0  # paused already
    assert [s.channel for s in subs.channels_for(INRU.key)] == ["C1"]
    assert subs.resume_channel("discord", "c1") == 2

    subs.set_digest("slack", "C1", True)
    assert subs.digest("slack", "C1") and not subs.digest("discord", "c1")
    assert not subs.remove("slack", "C1", INRU.key)  # a config subscription stays
    assert subs.remove("discord", "c1", "CHN-RUS")
    assert not subs.remove("discord", "c1", "CHN-RUS")

    subs.pause_channel("slack", "C1", "gone", now=NOW)
    (resumed,) = subs.resume_config_pauses()
    assert (resumed.channel, resumed.pairs, resumed.paused_since) == ("C1", (INRU.key,), NOW)
    subs.load_config([], now=NOW)
    assert [s.channel for s in subs.all()] == ["c1"]


def test_pairs_watched_by_some_channel_are_found_in_one_ask(store: Store) -> None:
    subs = ChatStore(store.connection)
    subs.add("discord", "c1", INRU.key, now=NOW)
    subs.add("slack", "C1", INRU.key, now=NOW)
    subs.add("discord", "c2", "CHN-RUS", now=NOW)
    subs.add("discord", "c3", "USA-VNM", now=NOW)
    subs.pause_channel("discord", "c3", "gone", now=NOW)
    asked = [INRU.key, "CHN-RUS", "USA-VNM", "JPN-USA"]

    # a paused channel watches nothing until it is resumed, as routing says
    assert subs.subscribed_among(asked) == {INRU.key, "CHN-RUS"}
    assert subs.subscribed_among(asked) == {k for k in asked if subs.channels_for(k)}
    assert subs.subscribed_among([]) == set()
    subs.resume_channel("discord", "c3")
    assert subs.subscribed_among(asked) == {INRU.key, "CHN-RUS", "USA-VNM"}


def test_pairs_watched_are_asked_by_one_statement_text_on_postgresql_however_many(
    store: Store,
) -> None:
    # On PostgreSQL the keys go as one array, so the driver and the server read one text
    # for any count of pairs; SQLite lists them. Both answer alike.
    subs = ChatStore(store.connection)
    subs.add("discord", "c1", INRU.key, now=NOW)
    subs.add("discord", "c2", "CHN-RUS", now=NOW)
    many = [f"AAA-Z{n:02d}" for n in range(40)]
    asked = [[INRU.key], [INRU.key, "CHN-RUS", "JPN-USA"], [*many, "CHN-RUS"]]
    texts = set()
    for keys in asked:
        sql, params = subscribed_read(keys, store.connection.dialect)
        texts.add(sql)
        rows = store.connection.execute(sql, params).fetchall()
        assert {r[0] for r in rows} == subs.subscribed_among(keys)
    assert [subs.subscribed_among(keys) for keys in asked] == [
        {INRU.key},
        {INRU.key, "CHN-RUS"},
        {"CHN-RUS"},
    ]
    assert len(texts) == (1 if store.connection.dialect == "postgresql" else 3)


# --- what each channel got -------------------------------------------------------------------


def test_delivery_records_behave_alike(store: Store) -> None:
    routes = ChatStore(store.connection)
    c = Channel("discord", "c1", INRU.key)
    first = replace(reported("special partnership"), change_id="1")
    second = replace(reported("all-weather partnership"), change_id="2")

    routes.record_delivery(c, first, "m1", NOW)
    routes.record_delivery(c, replace(first, revision=1), None, NOW)  # an edit keeps the ref
    assert routes.delivered(c, "1") == Delivered(1, "m1")
    assert routes.delivered(c, "2") is None

    # held for a digest once, however often it is updated; oldest first
    for change in (second, first, second):
        routes.queue(c, change, NOW)
    assert [cid for cid, _, _ in routes.queued("discord", "c1")] == ["2", "1"]
    assert routes.queued_channels() == [("discord", "c1")]
    routes.clear_queue("discord", "c1", ["2", "1"])
    assert routes.queued_channels() == []

    # the retry line keeps its order, and a second wait keeps the first place
    later = NOW + timedelta(minutes=5)
    routes.wait(c, Waiting("2", INRU.key, 1, later, "503"), NOW)
    routes.wait(c, Waiting("1", INRU.key, 0, later, "503"), NOW)
    routes.wait(c, Waiting("2", INRU.key, 0, later, "again"), NOW)
    assert [(w.change_id, w.failures) for w in routes.waiting("discord", "c1")] == [
        ("2", 1),
        ("1", 0),
    ]
    routes.failed_again("discord", "c1", Waiting("2", INRU.key, 2, later, "502"))
    assert routes.waiting("discord", "c1")[0].error == "502"
    # a post tried keeps the time of its first try, whatever the later tries
    assert routes.waiting("discord", "c1")[0].tried_at is None
    routes.trying("discord", "c1", "2", NOW)
    routes.trying("discord", "c1", "2", later)
    assert [w.tried_at for w in routes.waiting("discord", "c1")] == [NOW, None]
    routes.done_waiting("discord", "c1", "2")
    assert [w.change_id for w in routes.waiting("discord", "c1")] == ["1"]
    assert routes.waiting_channels() == [("discord", "c1")]

    routes.record_decision(c, first, _route("alerted"), NOW)
    routes.record_decision(c, second, _route("muted"), later)
    assert routes.last_decision("discord", "c1", INRU.key) == ("muted", "why not", later)

    routes.set_quiet_hours("discord", "c1", QuietHours.parse("22:00-07:00", "Europe/Paris"))
    routes.set_digest_time("discord", "c1", time(8, 30), "Europe/Paris")
    routes.set_quiet_hours("discord", "c1", None)
    schedule = routes.schedule("discord", "c1")
    assert (schedule.quiet, schedule.digest_at, schedule.digest_zone) == (
        None,
        time(8, 30),
        "Europe/Paris",
    )


def _route(decision: str) -> Route:
    return Route(Action.POST, decision, "why not")


# --- the whole pipeline ----------------------------------------------------------------------


def test_poll_once_tells_the_demo_story_alike_on_either_store(
    store_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    feeds = SampleFeeds(DEMO_DATA)
    with serve(feeds) as base:
        where = f'url = "{store_url}"' if is_postgres_url(store_url) else f'path = "{store_url}"'
        config = tmp_path / "watchlist.toml"
        config.write_text(
            f"""[defaults]
baseline = false
[store]
{where}
[watch]
pairs = [["India", "Russia"]]
{sample_feeds_toml(base)}""",
            encoding="utf-8",
        )
        alerts = []
        for stage, _ in STAGES:
            feeds.stage = stage
            assert main(["--config", str(config), "--format", "json", "poll", "--once"]) == 0
            alerts += [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(a["pair"], a["kind"], a["before"], a["after"], a["revision"]) for a in alerts] == [
        (["IND", "RUS"], "new", None, "special and privileged strategic partnership", 0),
        (
            ["IND", "RUS"],
            "rewording",
            "special and privileged strategic partnership",
            "particularly privileged strategic partnership",
            0,
        ),
    ]
