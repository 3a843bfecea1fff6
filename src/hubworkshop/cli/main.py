"""The `hubworkshop` command. Every error reaches the user as one line, never a traceback."""

from __future__ import annotations

import io
import json
import os
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

import click

from hubworkshop import __version__
from hubworkshop.cli.terminal import inert_stdout
from hubworkshop.domain.errors import HubworkshopError, InputError, SourceError, StoreError
from hubworkshop.domain.i18n import _, available, set_ui_language
from hubworkshop.domain.model import Contribution, Kind, Plan, UserRole
from hubworkshop.domain.records import Draft
from hubworkshop.domain.text import one_line, printable
from hubworkshop.reports.formats import FORMATS, render
from hubworkshop.sources.bundled import (
    BUNDLED_PLANS,
    DB_ENV,
    NEW_PLAN_ENV,
    default_db,
    plan_file,
)
from hubworkshop.storage import Store

NOTE_TAKER_ENV = "HUBWORKSHOP_NOTE_TAKER"
DEBUG_ENV = "HUBWORKSHOP_DEBUG"


class Settings:
    """The --db and --plan in force: given on the group, on the command, or by default.

    No plan is ever used unless asked for: `--plan` (a file, or a bundled example by name),
    or `$HUBWORKSHOP_NEW_PLAN` for a new database only (`./dev run` sets it)."""

    def __init__(self) -> None:
        self.db: Path | None = None
        self.plan: Path | None = None
        """The plan --plan named, checked to exist when it was given."""

    @property
    def db_path(self) -> Path:
        return self.db or default_db()

    @property
    def plan_path(self) -> Path | None:
        """The plan a new database would be made from, if any was asked for."""
        if self.plan is not None:
            return self.plan
        new = os.environ.get(NEW_PLAN_ENV)
        return plan_file(new) if new else None

    def open_store(self, *, say_when_waiting: bool = True) -> Store:
        """The workshop's store. A command says so on stderr when its write waits for
        another program's (the room shows "saving…" instead)."""
        db = self.db_path
        existed = os.path.lexists(db)
        if not existed and self.plan_path is None:
            raise StoreError(
                _(
                    "{db}: no workshop here yet; make one from its plan with --plan PLAN.toml (or --plan {example}, the bundled example)"
                ).format(db=db, example=next(iter(BUNDLED_PLANS)))
            )
        store = Store.open(db, plan=self.read_plan)
        if existed and self.plan is not None:
            from hubworkshop.cli.plans import check_same_plan

            check_same_plan(store, self.plan, db)  # closes the store when it refuses
        if say_when_waiting:

            def waiting() -> None:
                click.echo(
                    printable(
                        _("{db}: waiting for another program to finish writing…").format(db=db)
                    ),
                    err=True,
                )

            store.connections.on_wait = waiting
        return store

    def read_plan(self) -> Plan:
        """Only a new database reads the plan (and its bank): `add` to an existing one and
        opening a room never load the Markdown and TOML readers."""
        from hubworkshop.sources.plan import read_plan

        path = self.plan_path
        if path is None:  # open_store refused this already; kept for other callers
            raise StoreError(_("no plan to make a new workshop from (--plan PLAN.toml)"))
        return read_plan(path)


def _store_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """--db and --plan, accepted before or after the command name."""

    def remember(attribute: str) -> Callable[[click.Context, click.Parameter, Path | None], Any]:
        def callback(ctx: click.Context, _param: click.Parameter, value: Path | None) -> Any:
            if value is not None:
                setattr(ctx.ensure_object(Settings), attribute, value)
            return value

        return callback

    def remember_plan(ctx: click.Context, _param: click.Parameter, value: str | None) -> Any:
        if value is not None:
            ctx.ensure_object(Settings).plan = plan_file(value)  # a missing one: an error
        return value

    command = click.option(
        "--plan",
        metavar="PLAN",
        callback=remember_plan,
        expose_value=False,
        is_eager=True,
        help="The plan a new workshop database is made from: a TOML file, or a bundled "
        "example by name (hubs-2021-11-27, community-conversation-2026). On an existing "
        "database it must be the plan the database was made from.",
    )(command)
    return click.option(
        "--db",
        type=click.Path(path_type=Path, dir_okay=False),
        callback=remember("db"),
        expose_value=False,
        is_eager=True,
        help=f"Workshop database (default: ${DB_ENV} or ./hubworkshop.db).",
    )(command)


def actor_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """--as NAME: who does it, for the event log (default: $HUBWORKSHOP_NOTE_TAKER)."""
    return click.option(
        "--as",
        "actor",
        envvar=NOTE_TAKER_ENV,
        help=f"Who does it, for the event log (${NOTE_TAKER_ENV}).",
    )(command)


def _acting_as(name: str | None) -> None:
    """`hubworkshop --as Ines vote open`: the group's --as is every command's default."""
    if name:
        os.environ[NOTE_TAKER_ENV] = name


def role_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """--role, for the app and line mode alike (a browser's is its link's: `serve`)."""
    return click.option(
        "--role",
        type=click.Choice([r.value for r in UserRole]),
        default=UserRole.NOTE_TAKER.value,
        show_default=True,
        help="Facilitators also run the timer and move through questions.",
    )(command)


def _pass_settings(command: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return command(click.get_current_context().ensure_object(Settings), *args, **kwargs)

    return wrapper


class _Commands(click.Group):
    """The workshop's commands, with the checks, the facilitation activities
    (`activities.py`), `publish` and the others below loaded only when one of them, or the
    list of all, is asked for: `add` stays quick."""

    LAZY = (
        "hubworkshop.cli.checks",
        "hubworkshop.cli.activities",
        "hubworkshop.cli.publish",
        "hubworkshop.cli.serve",
        "hubworkshop.cli.line",
        "hubworkshop.cli.records",
        "hubworkshop.cli.people",
    )

    def _load(self) -> None:
        import importlib

        for module in self.LAZY:
            importlib.import_module(module)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        found = super().get_command(ctx, cmd_name)
        if found is None:
            self._load()
            found = super().get_command(ctx, cmd_name)
        return found

    def list_commands(self, ctx: click.Context) -> list[str]:
        self._load()
        return super().list_commands(ctx)


@click.group(
    cls=_Commands,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@_store_options
@click.option("--room", help="Open straight into this breakout room.")
@role_option
@click.option(
    "--name",
    envvar=NOTE_TAKER_ENV,
    help=f"Your name, recorded with what you capture (${NOTE_TAKER_ENV}).",
)
@click.option(
    "--start",
    "start_screen",
    is_flag=True,
    help="Show the start screen instead of resuming the last room.",
)
@click.option(
    "--bidi",
    is_flag=True,
    help="Show right-to-left contributions in visual order, for terminals that do not "
    "reorder them (off by default: some terminals do).",
)
@click.option(
    "--steady-cursor",
    is_flag=True,
    envvar="HUBWORKSHOP_STEADY_CURSOR",
    help="A cursor that does not blink (each blink redraws the bar: `serve` sets this for its "
    "browser sessions).",
)
@click.option(
    "--ui-lang",
    envvar="HUBWORKSHOP_UI_LANG",
    metavar="LANG",
    is_eager=True,
    expose_value=False,
    callback=lambda _ctx, _param, value: _choose_ui_language(value),
    help="Language of the interface, e.g. fr (default: from the locale, $LANG; the question "
    "language is chosen apart, with F2).",
)
@click.option(
    "--as",
    "as_name",
    metavar="NAME",
    expose_value=False,
    callback=lambda _ctx, _param, value: _acting_as(value),
    help=f"Who does it, for every command's event log (as ${NOTE_TAKER_ENV}; a command's "
    "own --as wins).",
)
@click.option(
    "--served-as",
    type=click.Choice([r.value for r in UserRole]),
    hidden=True,
    help="Set by `serve` for a browser session: the role its link grants (no host files, "
    "no identity from the host's environment).",
)
@click.version_option(__version__, prog_name="hubworkshop")
@click.pass_context
def cli(
    ctx: click.Context,
    room: str | None,
    role: str,
    name: str | None,
    start_screen: bool,
    bidi: bool,
    steady_cursor: bool,
    served_as: str | None,
) -> None:
    """Run a live brainstorming workshop with breakout rooms, and summarise it.

    With no command, opens the workshop in the terminal app (back in the last room you had
    open, unless --start).
    """
    settings = ctx.ensure_object(Settings)
    inert_stdout(ctx.invoked_subcommand)  # what commands print to a terminal: escaped
    if ctx.invoked_subcommand is None:
        with settings.open_store(say_when_waiting=False) as store:
            if room is not None:
                store.catalog.room(room)
            from hubworkshop.tui.app import HubworkshopApp

            HubworkshopApp(
                store,
                room=room,
                role=role,
                user_name=name,
                resume=not start_screen,
                bidi=bidi,
                steady_cursor=steady_cursor,
                served_as=served_as,
            ).run()


# -- capture ------------------------------------------------------------------------------------


@cli.command()
@_store_options
@click.option("--room", required=True, help="Breakout room id.")
@click.option(
    "--question",
    "question",
    help="Question id (from the bank; default: the room's open question; '-' for none).",
)
@click.option(
    "--kind", type=click.Choice([k.value for k in Kind]), default=Kind.IDEA.value, show_default=True
)
@click.option("--answers", help="The point (its id) an agreement or disagreement answers.")
@click.option("--by", "author", help="Participant who said it (added as anonymous if new).")
@click.option("--tag", "tags", multiple=True, help="A tag; repeat for several.")
@click.option(
    "--lang",
    "language",
    help="Language the text was said in (default: detected from a text of four words or "
    "more, else the speaker's registered language, else detected, else the workshop's first).",
)
@click.option("--note-taker", envvar=NOTE_TAKER_ENV, help=f"Who captured it (${NOTE_TAKER_ENV}).")
@click.argument("text")
@_pass_settings
def add(
    settings: Settings,
    room: str,
    question: str | None,
    kind: str,
    answers: str | None,
    author: str | None,
    tags: tuple[str, ...],
    language: str | None,
    note_taker: str | None,
    text: str,
) -> None:
    """Store a contribution and print its id. TEXT '-' reads one contribution per line
    from standard input, all stored in one transaction."""
    lines = [text] if text != "-" else _stdin_lines()
    with settings.open_store() as store:
        if question is None:  # the room's open question, as its capture bar takes it
            question = store.rooms.state(room).question
        drafts = [
            Draft(room, line, question if question != "-" else None, kind, author, tags,
                  language, responds_to=answers)
            for line in lines
        ]  # fmt: skip
        meant: list[str] = []
        if author is not None:  # a name on no one yet: who it may have meant
            from hubworkshop.workshop.people import maybe_meant

            meant = maybe_meant(store, author)
        click.echo("\n".join(store.contributions.bulk_import(drafts, note_taker=note_taker)))
    if meant:
        from hubworkshop.domain.names import either

        click.echo(
            printable(
                _(
                    "note: '{name}' is new on the roster (anonymous); did you mean {names}? The room's participants (N) can merge the two."
                ).format(name=author, names=either(meant))
            ),
            err=True,
        )


def _stdin_lines() -> list[str]:
    """The non-blank lines of standard input, which must be UTF-8 and hold some text."""
    data = sys.stdin.buffer.read()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InputError(
            _("standard input, line {line}: not UTF-8 text (byte 0x{byte:02x})").format(
                line=line, byte=data[error.start]
            )
        ) from None
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        raise InputError(_("standard input is empty: nothing to add (one contribution per line)"))
    return lines


@cli.command("list")
@_store_options
@click.option("--room", help="Only this room.")
@click.option("--question", help="Only this question.")
@click.option("--kind", type=click.Choice([k.value for k in Kind]), help="Only this kind.")
@click.option("--tag", help="Only contributions with this tag.")
@click.option("--search", help="Only contributions containing every word of TEXT.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@_pass_settings
def list_(
    settings: Settings,
    room: str | None,
    question: str | None,
    kind: str | None,
    tag: str | None,
    search: str | None,
    as_json: bool,
) -> None:
    """List contributions in the order they were captured.

    This is the note-takers' working record (the room surface of the consent rule): it shows
    every contribution with its speaker and consent. Publish with `export`, not `list`."""
    from hubworkshop.domain.consent import ConsentPolicy, Surface, policy

    room_record: ConsentPolicy = policy(Surface.ROOM)  # the note-takers' working record
    with settings.open_store() as store:
        if room is not None:
            store.catalog.room(room)
        if question is not None:
            store.catalog.question(question)
        rows = store.contributions.find(
            room=room, question=question, kind=kind, tag=tag, search=search
        )
    if as_json:
        click.echo(
            json.dumps(
                [_as_dict(c, room_record.author(c)) for c in rows], ensure_ascii=False, indent=2
            )
        )
        return
    for c in rows:
        tags = " ".join(f"#{t}" for t in c.tags)
        name = room_record.author(c)
        # "—": nobody was recorded; "anonymous": someone was, who asked not to be named.
        author = one_line(name) if name else ("anonymous" if c.author else "—")
        row = f"{c.short_id}  {c.room:<12} {c.question or '-':<30} {c.kind.value:<12} "
        click.echo(one_line(f"{row}{author:<16} {c.text}{'  ' + tags if tags else ''}"))


def _as_dict(c: Contribution, author: str | None) -> dict[str, Any]:
    return {
        "id": c.id,
        "room": c.room,
        "question": c.question,
        "kind": c.kind.value,
        "text": c.text,
        "language": c.language,
        "author": author,
        "consent": c.consent.value if c.consent else None,
        "note_taker": c.note_taker,
        "tags": list(c.tags),
        "votes": c.votes,
        "starred": c.starred,
        "parked": c.parked,
        "created_at": c.created_at,
        "updated_at": c.updated_at,
    }


# -- export -------------------------------------------------------------------------------------


@cli.command()
@_store_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(FORMATS)),
    default="markdown",
    show_default=True,
)
@click.option("--room", help="Only this room.")
@click.option("--theme", help="Only this theme (across rooms).")
@click.option(
    "--lang",
    help="Language of headings and questions, one of the plan's (default: its first); "
    "contributions stay as said.",
)
@click.option(
    "--attribute",
    is_flag=True,
    help="Name participants whose consent is 'named' (never the others).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False, allow_dash=True),
    help="Write to this file (- for standard output). Never the database; an existing file "
    "only with --force.",
)
@click.option("--force", is_flag=True, help="Replace the --output file if it exists.")
@_pass_settings
def export(
    settings: Settings,
    fmt: str,
    room: str | None,
    theme: str | None,
    lang: str | None,
    attribute: bool,
    output: Path | None,
    force: bool,
) -> None:
    """Export a summary (Markdown, Meta-Wiki wikitext) or the data (JSON, CSV) of the whole
    workshop, one room or one theme. JSON schema: docs/export-json.md."""
    if room and theme:
        raise click.UsageError(_("give --room or --theme, not both"))
    to_stdout = output is None or str(output) == "-"
    if output is not None and not to_stdout:
        from hubworkshop.reports.output import check_output

        check_output(output, database=settings.db_path, force=force)  # before any work
    with settings.open_store() as store:
        record = store.snapshot()
    languages = record.workshop.languages
    if lang is not None and lang not in languages:
        raise click.UsageError(
            _("unknown language '{lang}' for --lang (this workshop's: {known})").format(
                lang=lang, known=", ".join(languages)
            )
        )
    lang = lang or languages[0]
    text = render(fmt, record, attribute=attribute, room=room, theme=theme, lang=lang)
    from hubworkshop.reports.labels import fallback_notice

    if FORMATS[fmt].summary and (notice := fallback_notice(lang)):
        click.echo(notice, err=True)  # the file says so too: never a silent English copy
    if to_stdout or output is None:
        click.echo(text, nl=False)
        return
    from hubworkshop.reports.output import write_output

    private = not FORMATS[fmt].publishable(attribute)
    write_output(output, text, database=settings.db_path, force=force, private=private)
    click.echo(f"wrote {output}" + (" (readable by you only)" if private else ""), err=True)


def _choose_ui_language(value: str | None) -> None:
    """--ui-lang (or $HUBWORKSHOP_UI_LANG): a language without a catalog says so, once."""
    chosen = set_ui_language(value)
    if value and chosen == "en" and not value.lower().startswith("en"):
        click.echo(
            _(
                "hubworkshop: no interface catalog for '{lang}' (have: {known}); using English"
            ).format(lang=value, known=", ".join(available())),
            err=True,
        )


def _asked_ui_language(args: list[str]) -> str | None:
    """--ui-lang as given on the command line (read before click parses it, so that --help
    is already in that language), else $HUBWORKSHOP_UI_LANG; None: from the locale."""
    for i, arg in enumerate(args):
        if arg == "--ui-lang" and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith("--ui-lang="):
            return arg.partition("=")[2]
    return os.environ.get("HUBWORKSHOP_UI_LANG") or None


def main(argv: list[str] | None = None) -> None:
    """Entry point: runs the command and turns every expected failure into one line (exit 2)."""
    args = sys.argv[1:] if argv is None else list(argv)
    set_ui_language(_asked_ui_language(args))
    if "--help" in args or "-h" in args:
        from hubworkshop.cli.help_catalog import translate_help

        translate_help(cli)
    try:
        cli.main(args=args, prog_name="hubworkshop", standalone_mode=False)
    except click.exceptions.Exit as done:
        sys.exit(done.exit_code)
    except click.ClickException as error:
        shown = io.StringIO()
        error.show(file=shown)
        click.echo(printable(shown.getvalue(), keep_newlines=True), err=True, nl=False)
        sys.exit(error.exit_code)
    except click.Abort:
        click.echo(_("aborted"), err=True)
        sys.exit(130)
    except SourceError as error:
        for problem in error.problems:
            click.echo(printable(str(problem), keep_newlines=True), err=True)
        sys.exit(2)
    except HubworkshopError as error:
        click.echo(
            printable(_("hubworkshop: {error}").format(error=error), keep_newlines=True), err=True
        )
        sys.exit(2)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as error:  # the last line of defence: still no traceback for users
        if os.environ.get(DEBUG_ENV):
            raise
        click.echo(
            _(
                "hubworkshop: internal error: {kind}: {error}\n(set {DEBUG_ENV}=1 to see the traceback, and please report it)"
            ).format(kind=type(error).__name__, error=printable(str(error)), DEBUG_ENV=DEBUG_ENV),
            err=True,
        )
        sys.exit(70)
