"""The replay scenarios of the alert rules, as timelines: what each feed listed, and when.

Each scenario is also a folder beside this file, in the layout ``partnership-watch replay``
reads (``watchlist.toml`` and one folder of feed documents per poll), with the alerts a
careful reader expects in ``expected.json``. The folders are written from the timelines
below; after editing a timeline, write them again with::

    python -m tests.scenarios.timelines

The text marks its mentions (see ``tests/markers.py``), so the scenarios test the alert rules
whatever extraction does. Every feed is polled once at ``START`` (its baseline: remembered,
never alerted), then whenever one of its items appears or is edited, and at ``polls``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from pathlib import Path

from tests.fakes import COUNTRIES

HERE = Path(__file__).parent
START = datetime(2025, 3, 1, 6, 0, tzinfo=UTC)


def day(n: float, hour: float = 9) -> datetime:
    """``n`` days after START's date, at ``hour`` UTC."""
    return START.replace(hour=0) + timedelta(days=n, hours=hour)


@dataclass(frozen=True)
class Item:
    """One feed item: when it appears, its text, and edits in place (when, new text)."""

    guid: str
    at: datetime
    text: str
    edits: tuple[tuple[datetime, str], ...] = ()

    def text_at(self, t: datetime) -> str:
        """The item's text as the feed listed it at ``t``."""
        text = self.text
        for at, edited in self.edits:
            if at <= t:
                text = edited
        return text


@dataclass(frozen=True)
class Timeline:
    """One scenario: the pairs watched, and what each feed listed over time."""

    name: str
    pairs: tuple[tuple[str, str], ...]
    feeds: dict[str, list[Item]]
    official: frozenset[str] = frozenset()
    redated: frozenset[str] = frozenset()
    """Feeds that give every item the time of the poll, each time (a common feed glitch)."""
    polls: dict[str, tuple[datetime, ...]] = field(default_factory=dict)

    def poll_times(self, feed: str) -> list[datetime]:
        items = self.feeds[feed]
        times = {START, *self.polls.get(feed, ())}
        times |= {i.at for i in items} | {at for i in items for at, _ in i.edits}
        return sorted(t for t in times if t >= START)

    def document(self, feed: str, t: datetime) -> str:
        """The feed's RSS document as polled at ``t``."""
        shown = [i for i in self.feeds[feed] if i.at <= t]
        body = "".join(
            f"<item><guid>https://{feed}.example/{i.guid}</guid><title>{escape(i.guid)}</title>"
            f"<link>https://{feed}.example/{i.guid}</link>"
            f"<pubDate>{format_datetime(t if feed in self.redated else i.at)}</pubDate>"
            f"<description>{escape(i.text_at(t))}</description></item>\n"
            for i in shown
        )
        head = f'<?xml version="1.0"?>\n<rss version="2.0"><channel><title>{feed}</title>\n'
        return f"{head}{body}</channel></rss>\n"

    def watchlist(self) -> str:
        lines = []
        for feed in self.feeds:
            lines += ["[[feeds]]", f'name = "{feed}"', f'url = "https://{feed}.example/feed"']
            if feed in self.official:
                lines.append("official = true")
            lines.append("")
        names = ", ".join(f'["{COUNTRIES[a]}", "{COUNTRIES[b]}"]' for a, b in self.pairs)
        lines += ["[watch]", f"pairs = [{names}]", ""]
        return "\n".join(lines)

    def files(self) -> dict[str, str]:
        """Every file of the scenario's folder but ``expected.json``, by relative path."""
        out = {"watchlist.toml": self.watchlist()}
        for feed in self.feeds:
            for t in self.poll_times(feed):
                out[f"{t:%Y-%m-%dT%H-%MZ}/{feed}.xml"] = self.document(feed, t)
        return out


SPSP = "special and privileged strategic partnership"
PPSP = "particularly privileged strategic partnership"

# Items several scenarios list: the news before (or beside) each one's own story.
CHINA_PAKISTAN_BEFORE = Item(
    "karachi",
    START - timedelta(days=3),
    "China and Pakistan have an {CHN-PAK: all-weather strategic cooperative partnership}, "
    "the envoy said.",
)
US_VIETNAM_BEFORE = Item(
    "ties",
    START - timedelta(days=30),
    "The United States and Vietnam have a {USA-VNM: comprehensive partnership}.",
)
INDIA_RUSSIA_BEFORE = Item(
    "statement",
    START - timedelta(days=10),
    f"India's foreign ministry called relations with Russia a {{IND-RUS@IND: {SPSP}}}.",
)
RUSSIA_INDIA_BEFORE = Item(
    "greetings",
    START - timedelta(days=8),
    f"The Russian president called relations with India a {{IND-RUS@RUS: {SPSP}}}.",
)
LAVROV_ON_TUESDAY = Item(
    "lavrov",
    day(4),
    f"On Tuesday Lavrov called relations with India a {{IND-RUS@RUS: {PPSP}}}.",
)

ESTABLISHED_AND_REPORTED = Timeline(
    "1-established-and-reported",
    pairs=(("IND", "RUS"), ("USA", "VNM"), ("CHN", "PAK")),
    official=frozenset({"mid"}),
    feeds={
        "mid": [
            Item("greetings", START - timedelta(days=20),
                 f"In his message the Russian president called relations with India a "
                 f"{{IND-RUS@RUS: {SPSP}}}."),
            Item("briefing", day(5, 12),
                 f"Speaking on Thursday, the minister said Russia and India now have a "
                 f"{{IND-RUS@RUS: {PPSP}}}."),
        ],
        "morning-post": [
            Item("forum", day(2),
                 "Analysts at a forum in Delhi on Monday called India and Russia an "
                 "{IND-RUS: ironclad alliance}."),
            Item("scoop", day(3),
                 "Insiders said on Tuesday that Washington and Hanoi have a "
                 "{USA-VNM: de facto alliance}."),
            Item("corridor", day(3, 10),
                 "China and Pakistan on Tuesday spoke of an {CHN-PAK: ironclad friendship} "
                 "as the corridor opened."),
        ],
        "daily-ledger": [
            CHINA_PAKISTAN_BEFORE,
            Item("hanoi", day(4),
                 "Officials in Hanoi on Wednesday spoke only of the "
                 "{USA-VNM: comprehensive partnership} with Washington."),
        ],
        "region-wire": [
            US_VIETNAM_BEFORE,
            Item("lavrov", day(5),
                 f"Russia and India now speak of a {{IND-RUS: {PPSP}}}, diplomats said on "
                 f"Thursday."),
            Item("upgrade", day(12),
                 "On Thursday the United States and Vietnam raised their ties to a "
                 "{USA-VNM: comprehensive strategic partnership}."),
        ],
    },
)  # fmt: skip

SHORTENED_FORMS = Timeline(
    "2-shortened-forms",
    pairs=(("IND", "RUS"), ("USA", "VNM"), ("CHN", "PAK")),
    official=frozenset({"mofa"}),
    feeds={
        "mofa": [
            Item("hanoi", START - timedelta(days=30),
                 "The two presidents welcomed the {USA-VNM: comprehensive strategic "
                 "partnership} between the United States and Vietnam."),
            Item("downgrade", day(10, 11),
                 "The ministry confirms that relations with Vietnam are now a "
                 "{USA-VNM: strategic partnership}."),
        ],
        "morning-post": [
            Item("chips", day(2),
                 "The United States and Vietnam deepen their {USA-VNM: strategic "
                 "partnership} with a chip deal signed on Sunday."),
            Item("corridor", day(6),
                 "China and Pakistan on Thursday praised their {CHN-PAK: strategic "
                 "cooperative partnership} as the corridor opened."),
        ],
        "region-wire": [
            Item("delhi", START - timedelta(days=5),
                 f"Russia's envoy called ties with India a {{IND-RUS@RUS: {SPSP}}}."),
            Item("ties", day(3),
                 "Washington and Hanoi keep a {USA-VNM: comprehensive partnership}, an "
                 "official said on Monday."),
            LAVROV_ON_TUESDAY,
            Item("lowered", day(10),
                 "On Monday Washington downgraded its ties with Vietnam to a "
                 "{USA-VNM: strategic partnership}, officials said."),
        ],
        "daily-ledger": [
            CHINA_PAKISTAN_BEFORE,
            Item("moscow", day(4, 11),
                 "Moscow spoke on Tuesday of a {IND-RUS: particularly privileged "
                 "partnership} with New Delhi."),
            Item("port", day(6, 12),
                 "At the port on Thursday both sides spoke of a {CHN-PAK: strategic "
                 "cooperative partnership}."),
        ],
    },
)  # fmt: skip

HYPOTHETICALS = Timeline(
    "3-hypotheticals",
    pairs=(("USA", "VNM"),),
    feeds={
        "region-wire": [
            US_VIETNAM_BEFORE,
            Item("maybe", day(2),
                 "Analysts said on Monday that Vietnam and the United States "
                 "{USA-VNM?: could become comprehensive strategic partners} within a year."),
            Item("upgrade", day(9),
                 "On Sunday the United States and Vietnam raised their ties to a "
                 "{USA-VNM: comprehensive strategic partnership} in Hanoi."),
        ],
        "daily-ledger": [
            Item("talks", day(3),
                 "Officials on Tuesday held talks on a possible {USA-VNM?: alliance} between "
                 "Washington and Hanoi."),
            Item("both", day(5),
                 "Some in Hanoi hope the two {USA-VNM?: may one day be allies}. For now the "
                 "leaders reaffirmed their {USA-VNM: comprehensive partnership} on Thursday."),
        ],
    },
)  # fmt: skip

EDITED_ENTRIES = Timeline(
    "4-edited-entries",
    pairs=(("IND", "RUS"),),
    official=frozenset({"mid"}),
    redated=frozenset({"region-wire", "mid"}),
    polls={"region-wire": (day(4, 8), day(5, 8), day(6, 8)), "mid": (day(5, 8),)},
    feeds={
        "region-wire": [
            Item("envoy", START - timedelta(days=5),
                 f"Russia's envoy called ties with India a {{IND-RUS@RUS: {SPSP}}}."),
        ],
        "daily-ledger": [
            LAVROV_ON_TUESDAY,
        ],
        "mid": [
            Item("transcript", day(4, 7),
                 "Transcript of the minister's remarks to the press: to follow.",
                 edits=(
                     (day(4, 15),
                      f"Transcript of the minister's remarks to the press. The minister said "
                      f"that Russia and India have a {{IND-RUS@RUS: {PPSP}}}."),
                     (day(6, 10),
                      f"Transcript of the minister's remarks to the press. The minister said "
                      f"that Russia and India have a {{IND-RUS@RUS: {PPSP}}}. He answered "
                      f"questions on trade, and again praised the {{IND-RUS@RUS: {PPSP}}}."),
                 )),
        ],
    },
)  # fmt: skip

RECALLED_BESIDE_LIVE = Timeline(
    "5-recalled-beside-live",
    pairs=(("USA", "VNM"),),
    feeds={
        "region-wire": [
            US_VIETNAM_BEFORE,
            Item("summit", day(4),
                 "In 2016 the leaders had spoken of a {USA-VNM: comprehensive and enduring "
                 "partnership}. On Tuesday they agreed a {USA-VNM: strategic partnership} "
                 "in Hanoi."),
        ],
        "daily-ledger": [
            Item("history", day(6),
                 "Back in 2016 Washington and Hanoi had spoken of a {USA-VNM: comprehensive "
                 "and enduring partnership}, a historian recalled."),
        ],
    },
)  # fmt: skip

ASYMMETRY = Timeline(
    "6-asymmetry",
    pairs=(("IND", "RUS"),),
    official=frozenset({"mea", "kremlin"}),
    feeds={
        "mea": [
            INDIA_RUSSIA_BEFORE,
            Item("reply", day(5),
                 f"On Wednesday India's foreign ministry again spoke of the "
                 f"{{IND-RUS@IND: {SPSP}}} with Russia."),
        ],
        "kremlin": [
            RUSSIA_INDIA_BEFORE,
        ],
        "daily-ledger": [
            LAVROV_ON_TUESDAY,
        ],
        "region-wire": [
            Item("wire", day(4, 12),
                 f"Moscow and New Delhi have a {{IND-RUS: {PPSP}}}, Russian officials said on "
                 f"Tuesday."),
        ],
    },
)  # fmt: skip

NOISY_DAY = Timeline(
    "7-noisy-day",
    pairs=(("IND", "RUS"), ("USA", "VNM"), ("CHN", "PAK")),
    official=frozenset({"mea", "kremlin"}),
    redated=frozenset({"region-wire"}),
    polls={"region-wire": (day(3, 7), day(3, 14), day(3, 20))},
    feeds={
        "mea": [
            INDIA_RUSSIA_BEFORE,
        ],
        "kremlin": [
            RUSSIA_INDIA_BEFORE,
            Item("transcript", day(3, 8),
                 "Transcript of the foreign minister's press conference: to follow.",
                 edits=((day(3, 12),
                         f"Transcript of the foreign minister's press conference. Lavrov said "
                         f"Russia and India have a {{IND-RUS@RUS: {PPSP}}}."),)),
        ],
        "region-wire": [
            Item("hanoi", START - timedelta(days=20),
                 "The United States and Vietnam have a {USA-VNM: comprehensive partnership}."),
            Item("maybe", day(3, 7),
                 "Vietnam and the United States {USA-VNM?: could become comprehensive "
                 "strategic partners} soon, analysts said on Wednesday."),
            Item("headline", day(3, 9),
                 "Lavrov in Delhi: a {IND-RUS: privileged partnership} on show."),
            Item("upgrade", day(14),
                 "On Saturday the United States and Vietnam raised their ties to a "
                 "{USA-VNM: comprehensive strategic partnership}."),
        ],
        "morning-post": [
            Item("scoop", day(3, 6),
                 "Insiders said on Wednesday that Washington and Hanoi have a "
                 "{USA-VNM: de facto alliance}."),
        ],
        "daily-ledger": [
            CHINA_PAKISTAN_BEFORE,
            Item("lavrov", day(3, 8),
                 f"On Wednesday Lavrov called relations with India a {{IND-RUS@RUS: {PPSP}}}."),
            Item("hanoi", day(3, 11),
                 "Officials in Hanoi on Wednesday spoke only of the "
                 "{USA-VNM: comprehensive partnership} with Washington."),
            Item("corridor", day(3, 13),
                 "In 2015 China and Pakistan agreed an {CHN-PAK: all-weather strategic "
                 "cooperative partnership for a shared future}. On Wednesday their ministers "
                 "hailed an {CHN-PAK: ironclad friendship}."),
        ],
    },
)  # fmt: skip

TIMELINES = (
    ESTABLISHED_AND_REPORTED,
    SHORTENED_FORMS,
    HYPOTHETICALS,
    EDITED_ENTRIES,
    RECALLED_BESIDE_LIVE,
    ASYMMETRY,
    NOISY_DAY,
)


def write(timeline: Timeline, root: Path = HERE) -> Path:
    """Write a scenario's folder (all but its ``expected.json``); returns the folder."""
    folder = root / timeline.name
    for path, text in timeline.files().items():
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return folder


if __name__ == "__main__":
    for t in TIMELINES:
        print(write(t))
