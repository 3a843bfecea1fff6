"""The command-line reference (docs/command-line.md), generated from the commands' `--help`.

`./dev docs` runs `python -m hubworkshop.cli.reference docs/command-line.md`, which writes the
file; `--check` only says whether it is current (`tests/test_docs.py` does the same). The
reference is what `hubworkshop COMMAND --help` prints in English at 80 columns, whatever the
interface language, the locale or the terminal of whoever runs the generator: the help texts
are read from the commands as written in the code (never through `help_catalog`'s
translation) and the width is fixed. Only the short introduction below is written by hand.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import click

WIDTH = 80
"""Columns of the help, as a terminal of 80 columns shows it."""

INTRO = """\
# The command line

`hubworkshop` with no command opens the terminal app ([running the day](running-the-day.md));
every other piece of work has a command, listed below with its `--help`. The room's keys and
the commands make the same change the same way: the same checks, the same entries in the
event log, and every open terminal shows the change within a second.

- **Where.** Every command takes `--db PATH` (default `./hubworkshop.db`, or
  `$HUBWORKSHOP_DB`) and `--plan PLAN`, before or after the command's name. A workshop is made
  only from a plan you name: see [banks and plans](banks-and-plans.md#from-a-plan-to-a-workshop).
- **Who.** `--as NAME` (or `$HUBWORKSHOP_NOTE_TAKER`) is who did it, for the event log. The
  command line acts as a facilitator: whoever can run it can write the database file, so there
  is no role to check; the commands only a facilitator has in a room (`room question`,
  `room phase`, `room timer`, `vote open`, `vote close`) say so in what they print
  (`value: timer started (as facilitator)`). A browser session never reaches the command line
  ([online](online.md)).
- **Which point.** A contribution is named by its id or the 8-character prefix `list` shows.
  Commands that read take `--json`. The commands refuse what the room refuses: a dot outside
  an open round, `room question --next` on the last question (it says so instead of
  wrapping).
- **Which person.** `add --by` finds a speaker however the name is typed (case, spaces,
  accents composed or not); a new name close to someone's (`jose nandu` beside `José Ñandú`)
  is still added, as a new anonymous person, with a note on stderr naming who may have been
  meant. `vote cast --by`, `rank set --by` and `owner` find people the same way but refuse a
  name on no one, naming who may have been meant (`--new` adds it): a typo never creates a
  voter. An action's owner may be nobody on the roster (`"The Movement Strategy team"`) when
  the name is close to no participant.
- **Text as given.** The quick syntax (`! … @name #tag`) is the capture bar's: `add` stores
  its TEXT exactly and takes kind, speaker and tags as options. `add -` reads one contribution
  per line from standard input, as UTF-8 (a byte-order mark is dropped), all in one
  transaction; input that is not UTF-8 is named with its line and first bad byte, and empty
  input says so; either way nothing is added.
- **Errors.** A wrong argument, an unknown room or question, or an unusable database prints
  one line on stderr and exits with status 2, never a traceback (`HUBWORKSHOP_DEBUG=1` shows
  the traceback of an unexpected internal error, which exits with 70). `bank check` and
  `plan check` exit with 1 when they find errors. A command whose write has waited a second
  for another program's says so on stderr and goes on waiting.
- **Output to a terminal is inert.** On a terminal, what commands print (`list`,
  `room show`, line mode) and every message that quotes a name, a title or a value you typed
  show control characters as visible escapes (`\\x1b`, `\\u202e`), so a contribution can never
  clear or recolour your terminal; a pipe or a file, `--json` and exports get the text
  exactly.
- **Language.** `--help` and messages follow the interface language (`--ui-lang fr` before
  the command, or [the locale](translating.md)); Click's own framing ("Usage:", "Options:")
  stays English. This reference is English.

| The room | The command |
| --- | --- |
| capture bar, Enter | `add` |
| v / V (open, close) | `vote cast` / `vote open`, `vote close`, `vote status` |
| R | `rank set`, `rank show` |
| P | `purpose add`, `purpose show` |
| m / M / c / p / o | `merge SOURCE TARGET` / `split` / `cluster` / `park` / `owner` |
| W | `takeaways set`, `takeaways show` |
| F8, F9, the palette / F5–F7 | `room question`, `room phase` / `room timer` |
| N (participants) | `participant` |
| F4 (export) | `export` |

Environment variables: `HUBWORKSHOP_DB` (the database), `HUBWORKSHOP_NEW_PLAN` (the plan a
*new* database is made from when `--plan` is not given; `./dev run` sets it to the Hubs
example), `HUBWORKSHOP_NOTE_TAKER` (your name), `HUBWORKSHOP_UI_LANG` (the interface
language), `HUBWORKSHOP_STEADY_CURSOR=1`, `HUBWORKSHOP_TERMINAL` (what the app calls this
terminal when it remembers your room; default: its tty), `HUBWORKSHOP_DEBUG=1`, and for
`serve` and `publish` their secrets ([online](online.md#two-links-two-roles),
[summaries](summaries.md#publishing-to-meta-wiki)).

<!-- Everything below is generated by `./dev docs` from the commands' --help: change the help
texts in the code, and this introduction in src/hubworkshop/cli/reference.py. -->
"""


def _commands(
    command: click.Command, ctx: click.Context
) -> Iterator[tuple[click.Command, click.Context]]:
    """`command` and every visible subcommand, depth first, in the order `--help` lists them."""
    yield command, ctx
    if isinstance(command, click.Group):
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is not None and not sub.hidden:
                yield from _commands(sub, click.Context(sub, info_name=name, parent=ctx))


def _anchor(path: str) -> str:
    """GitHub's anchor for a heading `hubworkshop vote open`."""
    return path.replace(" ", "-")


def reference() -> str:
    """docs/command-line.md: the introduction, a list of the commands, then each one's help."""
    from hubworkshop.cli.main import cli

    root = click.Context(
        cli,
        info_name="hubworkshop",
        # On a terminal, click leaves its last two columns free: so does the reference.
        terminal_width=WIDTH - 2,
        max_content_width=WIDTH,
        **cli.context_settings,
    )
    found = list(_commands(cli, root))
    lines = [INTRO, "## Commands", ""]
    for command, ctx in found[1:]:
        if isinstance(command, click.Group):
            continue
        path = ctx.command_path
        summary = command.get_short_help_str(limit=400)
        lines.append(f"- [`{path}`](#{_anchor(path)})" + (f": {summary}" if summary else ""))
    lines.append("")
    for command, ctx in found:
        path = ctx.command_path
        lines += [f"## {path}", "", "```text", command.get_help(ctx).rstrip(), "```", ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def main(args: list[str]) -> int:
    """`FILE` writes the reference there; `--check FILE` says whether FILE is current."""
    check = "--check" in args
    paths = [a for a in args if a != "--check"]
    if len(paths) != 1:
        print("usage: python -m hubworkshop.cli.reference [--check] FILE", file=sys.stderr)
        return 2
    target, text = Path(paths[0]), reference()
    current = target.is_file() and target.read_text(encoding="utf-8") == text
    if check:
        if not current:
            print(f"{target} is not current: run ./dev docs", file=sys.stderr)
        return 0 if current else 1
    if not current:
        target.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
