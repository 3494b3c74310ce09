"""The Slack app manifest in config/ creates an app that can do what the code does, no more."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

MANIFEST = Path(__file__).resolve().parent.parent / "config" / "slack-manifest.yml"


def manifest() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    return loaded


def test_bot_scopes_are_exactly_what_the_code_calls_for() -> None:
    scopes = manifest()["oauth_config"]["scopes"]
    # commands: /watch; chat:write: chat.postMessage and chat.update;
    # users:read: users.info; usergroups:read: usergroups.users.list;
    # files:write: files.getUploadURLExternal and files.completeUploadExternal (the chart);
    # channels:history, groups:history: conversations.history in public and private
    # channels, to find a post whose answer was lost before posting it again.
    assert sorted(scopes["bot"]) == [
        "channels:history", "chat:write", "commands", "files:write", "groups:history",
        "usergroups:read", "users:read",
    ]  # fmt: skip
    assert "user" not in scopes


def test_the_watch_command_is_declared() -> None:
    [command] = manifest()["features"]["slash_commands"]
    assert command["command"] == "/watch"
    assert command["description"]
    assert "url" not in command  # Socket Mode: Slack needs no public URL


def test_socket_mode_and_interactivity_are_on() -> None:
    settings = manifest()["settings"]
    assert settings["socket_mode_enabled"] is True
    assert settings["interactivity"]["is_enabled"] is True
    assert manifest()["features"]["bot_user"]["display_name"] == "partnership-watch"


def test_fields_fit_the_manifest_schema_limits() -> None:
    # Limits from Slack's published manifest schema (version 1).
    info = manifest()["display_information"]
    assert 1 <= len(info["name"]) <= 35
    assert 1 <= len(info["description"]) <= 140
    assert re.fullmatch(r"#[0-9a-fA-F]{6}", info["background_color"])
    assert 1 <= len(manifest()["features"]["bot_user"]["display_name"]) <= 80
    [command] = manifest()["features"]["slash_commands"]
    assert re.fullmatch(r"/[a-z0-9_-]{1,31}", command["command"])
    assert 1 <= len(command["description"]) <= 2000
    assert 1 <= len(command["usage_hint"]) <= 1000
