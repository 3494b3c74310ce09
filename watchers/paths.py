"""Where the project's data files live, in a checkout and when installed."""

from __future__ import annotations

from pathlib import Path


def config_dir() -> Path:
    """The ``config/`` directory: the checkout's when running from one, else the installed copy."""
    package = Path(__file__).resolve().parent
    checkout = package.parent / "config"
    if checkout.is_dir():
        return checkout
    # The wheel force-includes config/ as watchers/_config (see pyproject.toml).
    return package / "_config"
