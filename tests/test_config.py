from pathlib import Path

import pytest

from bot.config import config_path, load_config
from tests.fakes import FakeCountries
from tests.feeds import config_problems
from watchers.detect import Rules
from watchers.errors import ConfigError
from watchers.fetch import FetchLimits
from watchers.model import Level

GOOD = """
[defaults]
poll_interval = "15m"

[store]
path = "state/pw.sqlite3"

[[feeds]]
name = "Kremlin"
url = "http://en.kremlin.example/feed"
official = true
poll_interval = "1h"

[[feeds]]
name = "Desk"
url = "https://desk.example/rss"
baseline = false

[watch]
pairs = [["India", "Russia"], ["US", "Viet Nam"]]

[[subscriptions]]
platform = "discord"
channel = "123"
pairs = [["Russia", "India"]]
level = "official"
webhook_env = "DISCORD_WEBHOOK_DESK"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "watchlist.toml"
    path.write_text(text, encoding="utf-8")
    return path


def problems(tmp_path: Path, text: str) -> list[str]:
    return [f"{p.key}: {p.reason}" for p in config_problems(write(tmp_path, text))]


def test_a_good_config_is_read_into_values(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, GOOD), FakeCountries())
    kremlin, desk = config.feeds
    assert (kremlin.official, kremlin.poll_interval, kremlin.baseline) == (True, 3600, True)
    assert (desk.official, desk.poll_interval, desk.baseline) == (False, 900, False)
    assert [p.key for p in config.pairs] == ["IND-RUS", "USA-VNM"]
    (sub,) = config.subscriptions
    assert (sub.platform, sub.channel, sub.level, sub.webhook_env) == (
        "discord",
        "123",
        Level.OFFICIAL,
        "DISCORD_WEBHOOK_DESK",
    )
    assert config.store_path == Path("state/pw.sqlite3")
    assert config.watched_keys() == {"IND-RUS", "USA-VNM"}


def test_every_problem_is_listed_at_once_with_its_key(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        """
[defaults]
pol_interval = "15m"

[[feeds]]
name = "A"
url = "ftp://a.example/feed"
poll_interval = "often"

[[feeds]]
url = "https://b.example/feed"

[[feeds]]
name = "A"
url = "https://c.example/feed"
official = "yes"

[watch]
pairs = [["India", "Atlantis"], ["India"], ["Russia", "Russia"]]

[[subscriptions]]
platform = "irc"
channel = "#x"
level = "urgent"
""",
    )
    assert found == [
        "defaults.pol_interval: unknown key (expected one of: baseline, bytes_ahead, "
        "connect_timeout, deadline, fetches_at_once, fulltext, fulltext_deadline, "
        "fulltext_max_bytes, max_bytes, max_redirects, poll_interval, polls_at_once, "
        "polls_per_host, read_timeout, reading_processes)",
        "feeds[0].url: must be an http(s) URL, got 'ftp://a.example/feed'",
        "feeds[0].poll_interval: 'often' is not a duration like 90s, 15m, 2h, 3d or 1w",
        "feeds[1].name: is required",
        "feeds[2].name: duplicate feed name 'A'",
        "feeds[2].official: must be true or false, got 'yes'",
        "watch.pairs[0]: unknown country 'Atlantis'",
        'watch.pairs[1]: must be two country names, like ["India", "Russia"]',
        "watch.pairs[2]: a pair needs two different countries, got 'Russia' twice",
        "subscriptions[0].platform: must be one of discord, slack, got 'irc'",
        "subscriptions[0].level: must be one of reported, multi-source, official, got 'urgent'",
    ]


def test_unknown_country_gets_suggestions(tmp_path: Path) -> None:
    (found,) = problems(tmp_path, '[watch]\npairs = [["Vietnum", "Russia"]]\n')
    assert found == "watch.pairs[0]: unknown country 'Vietnum' (did you mean Vietnam?)"


def test_webhook_urls_never_belong_in_the_file(tmp_path: Path) -> None:
    (found,) = problems(
        tmp_path,
        '[[subscriptions]]\nplatform = "discord"\nchannel = "1"\n'
        'webhook_env = "https://discord.com/api/webhooks/1/secret"\n',
    )
    assert "never put the URL itself here" in found


def test_broken_toml_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, "[feeds\nname="), FakeCountries())
    assert str(caught.value).startswith(str(tmp_path / "watchlist.toml") + ": -: not valid TOML")


def test_config_path_prefers_flag_then_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARTNERSHIP_WATCH_CONFIG", "/etc/pw.toml")
    assert config_path("mine.toml") == Path("mine.toml")
    assert config_path(None) == Path("/etc/pw.toml")
    monkeypatch.delenv("PARTNERSHIP_WATCH_CONFIG")
    assert config_path(None) == Path("config/watchlist.toml")


def test_durations_too_long_to_mean_anything_are_refused(tmp_path: Path) -> None:
    # "forever" typed as a huge number would pass and then fail every poll
    found = problems(
        tmp_path,
        """
[defaults]
poll_interval = "99999999999w"

[alerts]
flipflop_days = 1e10
syndication_hours = 1e12
backdate_days = 1e10
""",
    )
    assert found == [
        "defaults.poll_interval: must be at most a year (365d), got '99999999999w'",
        "alerts.flipflop_days: must be at most 36500, got 10000000000.0",
        "alerts.syndication_hours: must be at most 876000, got 1000000000000.0",
        "alerts.backdate_days: must be at most 36500, got 10000000000.0",
    ]


def test_a_discord_channel_posted_to_by_the_bot_is_its_numeric_id(tmp_path: Path) -> None:
    # "#desk" passed and then every alert for it failed for hours before being given up.
    found = problems(
        tmp_path,
        '[[subscriptions]]\nplatform = "discord"\nchannel = "#desk"\n'
        'pairs = [["India", "Russia"]]\n',
    )
    assert found == [
        "subscriptions[0].channel: a Discord channel is named by its numeric id (Developer "
        "Mode, then Copy Channel ID), unless webhook_env names its webhook; got '#desk'"
    ]


def test_a_console_subscription_is_refused_with_what_to_do_instead(tmp_path: Path) -> None:
    # It used to be accepted and do nothing: its level was ignored and /watch why answered
    # for a channel nobody reads.
    found = problems(
        tmp_path,
        '[[subscriptions]]\nplatform = "console"\nchannel = "desk"\n'
        'pairs = [["India", "Russia"]]\n',
    )
    assert found == [
        "subscriptions[0].platform: console is not a chat platform: poll and run print every "
        "change to the terminal already; subscribe a channel of discord or slack"
    ]


def test_the_lexicon_is_read_with_the_config_and_its_problems_listed_with_the_others(
    tmp_path: Path,
) -> None:
    (tmp_path / "my-tiers.toml").write_text("[ladders\n", encoding="utf-8")
    path = write(tmp_path, '[alerts]\nlexicon = "my-tiers.toml"\nreaffirm = true\n')
    config, lexicon = config_problems(path)
    assert (config.file, config.key) == (str(path), "alerts.reaffirm")
    assert (lexicon.file, lexicon.key) == ("my-tiers.toml", "-")
    assert lexicon.reason.startswith("not valid TOML")


def test_how_far_fetching_runs_ahead_of_reading_is_set_in_the_defaults(tmp_path: Path) -> None:
    config = load_config(
        write(tmp_path, "[defaults]\nfetches_at_once = 8\nbytes_ahead = 2_000_000\n"),
        FakeCountries(),
    )
    assert config.fetch == FetchLimits(fetches_at_once=8, bytes_ahead=2_000_000)
    problems = config_problems(write(tmp_path, "[defaults]\nfetches_at_once = 0\n"))
    assert [p.key for p in problems] == ["defaults.fetches_at_once"]


def test_a_key_left_out_takes_the_default_of_the_value_it_fills(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, "[defaults]\nread_timeout = 5\n"), FakeCountries())
    assert config.fetch == FetchLimits(read_timeout=5.0)
    assert config.alerts == Rules()
    assert config.lexicon.ladders  # the shipped lexicon
