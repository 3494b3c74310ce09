"""``python -m bot`` runs the partnership-watch command line."""

from bot.cli import main

raise SystemExit(main())
