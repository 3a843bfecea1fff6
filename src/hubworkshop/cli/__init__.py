"""The `hubworkshop` command: `main.py` holds the group and the workshop's own commands,
`activities.py` the facilitation activities (votes, ranking, purpose, merges, the clock),
loaded only when one of them is run."""

from __future__ import annotations

import os
import sys

__all__ = ["main"]


def main(argv: list[str] | None = None) -> None:
    """Entry point (see `cli.main.main`)."""
    if argv is None:
        argv = sys.argv[1:]
        _detect_ahead(argv)
    from hubworkshop.cli.main import main as run

    run(argv)


def _detect_ahead(args: list[str]) -> None:
    """When the command looks like an `add` that will detect its text's language (no
    --lang), have the detector load in a helper process now (`cli/ahead.py`), while Python imports the
    command line (`domain/detect.py`): a single `hubworkshop add` would otherwise wait about
    20 ms more for it.

    This reads the arguments more loosely than click will, which is fine: it is a guess about
    work to start early. A wrong guess only loads models that are not used, or not ahead;
    what is stored is decided by the command itself, exactly as without it."""
    if "add" not in args or "-" in args or any(a.startswith(("--lang", "--help")) for a in args):
        return
    from hubworkshop.sources.bundled import DB_ENV, DEFAULT_DB_NAME

    db = os.environ.get(DB_ENV) or DEFAULT_DB_NAME
    for i, arg in enumerate(args):
        if arg == "--db" and i + 1 < len(args):
            db = args[i + 1]
        elif arg.startswith("--db="):
            db = arg.removeprefix("--db=")
    from hubworkshop.cli.ahead import start

    start(db)
