"""The layers keep their shape: which package may import what, read from the source.

``watchers`` goes from a feed to a change and never imports ``bot``; the deciding modules
take values and return values (no database, network, chat library or clock); the chat
layer is the same for every platform, and each platform's library is imported only by that
platform's adapter, and not by the package module the wiring reads before opening it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

DECIDING = [
    "watchers/model.py",
    "watchers/detect.py",
    "watchers/diff.py",
    "watchers/backdate.py",
    "watchers/history.py",
    "watchers/extraction/canonical.py",
    "watchers/extraction/extractor.py",
    "watchers/extraction/mentions.py",
    "watchers/extraction/pairs.py",
    "watchers/extraction/phrases.py",
    "watchers/extraction/supposed.py",
    "watchers/extraction/text.py",
    "bot/alert.py",
    "bot/chat/decide.py",
    "bot/platforms/slack/parse.py",
    *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "bot" / "render").glob("*.py")),
]
"""Modules that decide: values in, values out."""

IO_MODULES = (
    "sqlite3",
    "psycopg",
    "socket",
    "http",
    "urllib.request",
    "httpx",
    "aiohttp",
    "asyncio",
    "subprocess",
    "threading",
    "feedparser",
    "trafilatura",
    "apscheduler",
    "discord",
    "slack_bolt",
    "slack_sdk",
    "watchers.store",
    "watchers.fetch",
    "watchers.fulltext",
    "watchers.watcher",
    "bot.app",
    "bot.chat.store",
    "bot.chat.deliver",
    "bot.chat.wiring",
)
"""Databases, networks, threads and the modules of ours that use them."""

STILL_READS_TYPES_FROM = {("watchers/detect.py", "watchers.store")}
"""The decider still takes its input types from the store module, for its dataclasses only
(issue 11, point 5, moves them to ``watchers/model.py``)."""

CLOCKS = ("datetime.now", "datetime.utcnow", "date.today", "time.time", "time.monotonic")

PLATFORM_LIBRARIES = {
    "discord": ("discord",),
    "slack": ("slack_bolt", "slack_sdk"),
}


def imports(path: Path) -> Iterator[str]:
    """Every module ``path`` imports, at the top or inside a function."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module


def within(module: str, packages: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in packages)


def sources(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def test_watchers_never_imports_bot() -> None:
    found = {
        (str(path.relative_to(ROOT)), module)
        for path in sources("watchers")
        for module in imports(path)
        if within(module, ("bot",))
    }
    assert found == set()


@pytest.mark.parametrize("name", DECIDING)
def test_a_deciding_module_imports_no_io_and_reads_no_clock(name: str) -> None:
    path = ROOT / name
    io = {
        module
        for module in imports(path)
        if within(module, IO_MODULES) and (name, module) not in STILL_READS_TYPES_FROM
    }
    assert io == set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    calls = {ast.unparse(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
    assert {c for c in calls if c.endswith(CLOCKS)} == set()


def test_the_chat_layer_imports_no_platform() -> None:
    libraries = tuple(lib for libs in PLATFORM_LIBRARIES.values() for lib in libs)
    found = {
        (str(path.relative_to(ROOT)), module)
        for path in sources("bot/chat")
        for module in imports(path)
        if within(module, (*libraries, "aiohttp", "bot.platforms"))
    }
    assert found == set()


@pytest.mark.parametrize("kind", sorted(PLATFORM_LIBRARIES))
def test_a_platform_library_is_imported_by_its_adapter_only(kind: str) -> None:
    libraries = PLATFORM_LIBRARIES[kind]
    adapter = ROOT / "bot" / "platforms" / kind
    outside = {
        (str(path.relative_to(ROOT)), module)
        for path in [*sources("bot"), *sources("watchers")]
        if adapter not in path.parents
        for module in imports(path)
        if within(module, libraries)
    }
    assert outside == set()
    # The wiring reads the package module to decide whether to open the platform at all.
    assert [m for m in imports(adapter / "__init__.py") if within(m, (*libraries, "aiohttp"))] == []


def test_the_lexicon_is_read_by_the_config_only() -> None:
    # Run, reload, check-config, replay, history and the charts all use Config.lexicon, so a
    # broken lexicon is one more problem of the config, listed with the others.
    readers = {
        str(path.relative_to(ROOT))
        for path in sources("bot")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Name | ast.Attribute | ast.alias)
        and "load_lexicon"
        in (getattr(node, "id", None), getattr(node, "attr", None), getattr(node, "name", None))
    }
    assert readers == {"bot/config.py"}
