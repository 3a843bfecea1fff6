"""The `hubworkshop` command: `main.py` holds the group and the workshop's own commands,
`activities.py` the facilitation activities (votes, ranking, purpose, merges, the clock),
loaded only when one of them is run."""

from __future__ import annotations

import gc
import os
import sys

__all__ = ["main"]


def main(argv: list[str] | None = None) -> None:
    """Entry point (see `cli.main.main`)."""
    if argv is None:
        argv = sys.argv[1:]
        command = _command(argv)
        if command not in _STAYING:
            # A command is over in a blink, and until then Python's cycle collector would
            # only walk the modules being imported: 4-8 ms of an `add`, 8-20 ms of the room's
            # first frame. The app (no command) switches it back on after that frame.
            gc.disable()
        if command == "add":
            _detect_ahead(argv)
        elif command is None:
            _detect_with_the_server()
    from hubworkshop.cli.main import main as run

    run(argv)


def _detect_with_the_server() -> None:
    """A browser session of `hubworkshop serve` asks the server's detector rather than
    loading Lingua's models itself (`cli/ahead.share`)."""
    from hubworkshop.cli.ahead import SHARED_ENV

    if shared := os.environ.get(SHARED_ENV):
        from hubworkshop.cli.ahead import use_shared_helper

        use_shared_helper(shared)


def _detect_ahead(args: list[str]) -> None:
    """When an `add` looks like it will detect its text's language (no --lang), start the
    helper process that loads the detector (`cli/ahead.py`) now, while Python imports the
    command line: a single `hubworkshop add` would otherwise wait about 20 ms more for it
    (`domain/detect.py`).

    This reads the arguments more loosely than click will, which is fine: it is a guess about
    work to start early. A wrong guess only loads models that are not used, or not ahead;
    what is stored is decided by the command itself, exactly as without it."""
    if "-" in args:  # `add -` reads many lines: detected in bulk
        return
    if any(a.startswith(("--lang", "--help")) or a == "-h" for a in args):
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


# Commands that run until stopped, and keep Python's cycle collector on from the start.
_STAYING = frozenset({"serve", "line"})

# The group's options that take a value (cli/main.py): what follows them is not the command.
_GROUP_VALUES = (
    *("--db", "--plan", "--room", "--role", "--name", "--ui-lang", "--served-as", "--as"),
)


def _command(args: list[str]) -> str | None:
    """The command `args` run, as click will most likely read them: the first word that is
    neither an option nor an option's value."""
    words = iter(args)
    for arg in words:
        if arg in _GROUP_VALUES:
            next(words, None)
        elif not arg.startswith("-"):
            return arg
    return None
