import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.databases import listed, mention_count, unseen
from tests.fakes import pair
from watchers.errors import StoreError
from watchers.fetch import Validators
from watchers.migrations import DatabaseLedger
from watchers.model import ChangeStatus, Entry, Extraction, Level, Mention
from watchers.store import MIGRATIONS, SEEN_RETENTION, Store

NOW = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)


def mention(descriptor: str, seen_at: datetime = NOW) -> Mention:
    x = Extraction(
        pair("IND", "RUS"), descriptor, descriptor.lower(), f"They spoke of a {descriptor}."
    )
    entry = Entry("feed", "e1", "http://news.example/1", "Title", published=NOW)
    return Mention(x, entry, official=False, seen_at=seen_at)


def test_schema_is_created_and_reopening_keeps_history(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "store.sqlite3"
    store = Store.open(path)
    m = mention("special and privileged strategic partnership")
    store.set_pair_state(m, store.record_mention(m))
    store.record_poll("feed", NOW, Validators('"e"', None), None)
    store.close()

    again = Store.open(path)
    state = again.pair_state("IND-RUS")
    assert state is not None and state.descriptor == "special and privileged strategic partnership"
    assert again.validators("feed") == Validators('"e"', None)
    assert again.has_been_polled("feed")
    version = DatabaseLedger(again.connection).version("history")
    assert version == len(MIGRATIONS)


def test_first_seen_stays_while_the_descriptor_stays(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "s.sqlite3")
    later = datetime(2025, 3, 12, tzinfo=UTC)
    for m in (mention("strategic partnership"), mention("strategic partnership", later)):
        store.set_pair_state(m, store.record_mention(m))
    state = store.pair_state("IND-RUS")
    assert state is not None
    assert (state.first_seen, state.last_seen) == (NOW, later)
    m = mention("special partnership", later)
    store.set_pair_state(m, store.record_mention(m))
    state = store.pair_state("IND-RUS")
    assert state is not None and state.first_seen == later
    assert mention_count(store, "IND-RUS") == 3


def test_failed_poll_keeps_validators_and_is_not_a_baseline(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "s.sqlite3")
    store.record_poll("feed", NOW, None, "HTTP 500")
    assert not store.has_been_polled("feed")
    assert store.validators("feed") == Validators()


def test_seen_entries_are_remembered_per_feed(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "s.sqlite3")
    store.mark_seen("a", listed(["1", "2"]), NOW)
    assert unseen(store, "a", ["1", "2", "3"]) == {"3"}
    assert unseen(store, "b", ["1"]) == {"1"}


def test_a_store_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    with sqlite3.connect(path) as c:
        c.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    with pytest.raises(StoreError, match="newer than this program"):
        Store.open(path)


def test_an_unusable_path_is_a_store_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="cannot open the store"):
        Store.open(blocker / "store.sqlite3")


def test_entries_a_feed_stopped_listing_long_ago_are_forgotten(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "s.sqlite3")
    store.mark_seen("a", listed(["kept", "dropped"]), NOW)
    store.mark_seen("b", listed(["other feed"]), NOW)
    # months later the feed still lists one entry and has moved on from the other
    later = NOW + SEEN_RETENTION + timedelta(days=1)
    store.mark_seen("a", listed(["kept", "new"]), later)
    assert unseen(store, "a", ["kept", "new", "dropped"]) == {"dropped"}
    assert unseen(store, "b", ["other feed"]) == set()  # only the polled feed is pruned
    (rows,) = store.connection.execute("SELECT count(*) FROM seen_entries").fetchone()
    assert rows == 3


def test_a_feed_quiet_for_months_does_not_repeat_its_entries(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "s.sqlite3")
    store.mark_seen("a", listed(["1", "2"]), NOW)
    # the feed answered "not modified" for months; then it lists the same entries and one more
    later = NOW + 3 * SEEN_RETENTION
    assert unseen(store, "a", ["1", "2", "3"]) == {"3"}
    store.mark_seen("a", listed(["1", "2", "3"]), later)
    assert unseen(store, "a", ["1", "2", "3"]) == set()


def test_a_file_that_is_not_a_store_is_refused_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    path.write_bytes(b"not a database, perhaps a config file saved over it\n" * 100)
    with pytest.raises(
        StoreError, match=f"cannot open the store: the store {path} failed: file is not a"
    ):
        Store.open(path)
    assert path.read_bytes().startswith(b"not a database")  # left as it was


def test_a_read_only_store_fails_writes_with_a_store_error(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    Store.open(path).close()
    store = Store(sqlite3.connect(f"file:{path}?mode=ro", uri=True))
    with pytest.raises(StoreError, match="readonly"):
        store.record_poll("feed", NOW, None, "HTTP 500")
    store.close()


def test_a_read_only_store_says_so(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    Store.open(path).close()
    # What a read-only mount or file gives; as root, file modes would not stop the writes.
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    store = Store(connection, str(path))
    with pytest.raises(StoreError) as caught, store.transaction():
        connection.execute("INSERT INTO feed_state (feed) VALUES ('x')")
    assert str(caught.value) == (
        f"the store {path} is read-only here (attempt to write a readonly database): "
        "the file and its folder must be writable"
    )
    connection.close()


def test_a_full_disk_says_so(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    store = Store.open(path)
    # A store that may not grow is what a full disk looks like to SQLite.
    (pages,) = store.connection.execute("PRAGMA page_count").fetchone()
    store.connection.execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(StoreError) as caught, store.transaction():
        store.connection.executemany(
            "INSERT INTO feed_state (feed) VALUES (?)", [(f"feed {i}" * 50,) for i in range(5000)]
        )
    assert str(caught.value) == (
        f"the disk holding the store {path} is full (database or disk is full)"
    )
    store.close()


def test_a_store_whose_folder_cannot_be_made_says_what_to_fix(tmp_path: Path) -> None:
    (tmp_path / "not-a-folder").write_text("", encoding="utf-8")
    with pytest.raises(StoreError, match=r"cannot open the store: .*not-a-folder"):
        Store.open(tmp_path / "not-a-folder" / "store.sqlite3")


DATA = Path(__file__).parent / "data"
TABLES = (
    "feed_state",
    "seen_entries",
    "mentions",
    "pair_state",
    "changes",
    "change_sources",
    "speaker_state",
    "pair_descriptors",
    "pair_decisions",
)


@pytest.mark.parametrize("ledger", ["user_version", "schema_versions"])
def test_a_store_of_the_previous_release_opens_and_migrates_without_loss(
    tmp_path: Path, ledger: str
) -> None:
    path = tmp_path / "old.sqlite3"
    old = sqlite3.connect(path)
    old.executescript((DATA / "store-v2.sql").read_text(encoding="utf-8"))
    if ledger == "schema_versions":  # as the shared migration helper records version 2
        ledger_of_old = DatabaseLedger(old)
        assert ledger_of_old.version("history") is None  # creates the ledger's table
        ledger_of_old.run("history", 2, "")
        old.execute("PRAGMA user_version = 0")
        old.commit()
    before = {t: old.execute(f"SELECT * FROM {t} ORDER BY rowid").fetchall() for t in TABLES}
    old.close()
    assert all(before[t] for t in TABLES)

    store = Store.open(path)
    assert DatabaseLedger(store.connection).version("history") == len(MIGRATIONS) == 6
    for table, rows in before.items():
        after = store.connection.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall()
        assert [r[: len(rows[0])] for r in after] == rows, table
    # its changes were what the pair said, with the level they had reached
    usvn = pair("USA", "VNM")
    upgrade = store.changes_of(usvn)[0]
    assert upgrade.status is ChangeStatus.ESTABLISHED and upgrade.level is Level.OFFICIAL
    assert upgrade.change_id is not None
    assert [level for level, _ in store.level_history(upgrade.change_id)] == [Level.OFFICIAL]
    # the entries it had seen are not read again, whatever their hash
    for feed, entry_id, *_ in before["seen_entries"]:
        assert store.entries_to_read(feed, {entry_id: "a hash"}) == {}
    store.close()


def test_an_entry_is_read_again_when_its_words_change(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "s.sqlite3")
    store.mark_seen("a", {"1": "h1", "2": "h2"}, NOW)
    assert store.entries_to_read("a", {"1": "h1", "2": "h2", "3": "h3"}) == {"3": False}
    assert store.entries_to_read("a", {"1": "h1", "2": "edited"}) == {"2": True}
    store.mark_seen("a", {"1": "h1", "2": "edited"}, NOW + timedelta(minutes=5))
    assert store.entries_to_read("a", {"1": "h1", "2": "edited"}) == {}


def test_entry_fingerprints_follow_the_words_not_the_dates() -> None:
    entry = Entry("feed", "e1", "http://news.example/1", "Title", summary="Words.", published=NOW)
    redated = replace(entry, published=NOW + timedelta(hours=6))
    spaced = replace(entry, summary="  Words. ")
    edited = replace(entry, summary="Words, and more words.")
    assert entry.fingerprint() == redated.fingerprint() == spaced.fingerprint()
    assert entry.fingerprint() != edited.fingerprint()


def test_words_confirmed_by_time_become_the_established_ones(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "s.sqlite3")
    m = mention("All-Weather Strategic Partnership")  # its canonical form is the extractor's
    store.record_mention(m)
    later = NOW + timedelta(days=8)
    store.set_established("IND-RUS", "All-Weather Strategic Partnership", later)
    state = store.pair_state("IND-RUS")
    assert state is not None and state.descriptor == "All-Weather Strategic Partnership"
    assert state.first_seen == later
    with pytest.raises(StoreError):
        store.set_established("CHN-PAK", "ironclad friendship", later)
