"""Backup, erasure and restore from the command line: `hubworkshop backup DEST`,
`hubworkshop forget NAME`, `hubworkshop import ARCHIVE --db NEW` (loaded only when one of them
is asked for)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from hubworkshop.cli.main import Settings, _pass_settings, _store_options, actor_option, cli
from hubworkshop.domain.errors import InputError
from hubworkshop.domain.i18n import _, nformat
from hubworkshop.domain.names import clean_name
from hubworkshop.domain.text import one_line


@cli.command()
@_store_options
@click.argument("destination", type=click.Path(path_type=Path, dir_okay=False))
@_pass_settings
def backup(settings: Settings, destination: Path) -> None:
    """Copy the workshop database to DESTINATION (a new file), consistently, while terminals
    keep writing. The copy is readable by you only, like the database."""
    from hubworkshop.storage.backup import backup as copy

    with settings.open_store() as store:
        count = copy(store, destination)
    click.echo(
        _("backed up {contributions} to {destination} (integrity check: ok)").format(
            contributions=nformat(count, "{n} contribution", "{n} contributions"),
            destination=destination,
        )
    )


@cli.command()
@_store_options
@click.argument("name")
@click.option(
    "--with-contributions",
    is_flag=True,
    help="Remove what they said too (by default it stays, anonymous).",
)
@actor_option
@_pass_settings
def forget(settings: Settings, name: str, with_contributions: bool, actor: str | None) -> None:
    """Erase a person's name from the workshop, on their request: roster, authorship, dots,
    rankings, owners and every event; then the file is compacted so the name is gone."""
    from hubworkshop.storage.erase import forget as erase
    from hubworkshop.tui.forget_here import forget_here

    spellings: set[str] = set()
    with settings.open_store() as store:
        done = erase(
            store, name, with_contributions=with_contributions, actor=actor, spellings=spellings
        )
    remembered = forget_here(settings.db_path, spellings)
    n = done["contributions"]
    theirs = (
        nformat(n, "{n} contribution removed", "{n} contributions removed")
        if with_contributions
        else nformat(n, "{n} contribution now anonymous", "{n} contributions now anonymous")
    )
    click.echo(
        _("forgot {name}: {contributions}, {dots}, {rankings}, {owned}, {events} rewritten").format(
            name=one_line(clean_name(name)),
            contributions=theirs,
            dots=nformat(done["dots"], "{n} dot", "{n} dots"),
            rankings=nformat(done["rankings"], "{n} ranking", "{n} rankings"),
            owned=nformat(done["owned actions"], "{n} owned action", "{n} owned actions"),
            events=nformat(done["events rewritten"], "{n} event", "{n} events"),
        )
    )
    click.echo(
        _(
            "this machine's state folder: {n} remembered rooms and drafts removed; other machines, backups and exports made earlier still hold what they held"
        ).format(n=remembered)
    )
    if done["not compacted"]:
        click.echo(
            _(
                "the disk is full: the file could not be compacted and keeps its size; what the erasure freed was overwritten with zeros"
            ),
            err=True,
        )
    if not done["wal cleared"]:
        click.echo(
            _(
                "other terminals still have the workshop open: the write-ahead log keeps old pages until the last of them closes (SQLite then empties it)"
            ),
            err=True,
        )


ARCHIVE_LIMIT = 2**30
"""An archive of 100,000 contributions is about 60 MB; a GiB is no archive."""


@cli.command("import")
@click.argument("archive", type=click.Path(path_type=Path, dir_okay=False, allow_dash=True))
@click.option(
    "--db",
    "db",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="The new database to create (an existing file is never replaced).",
)
def import_(archive: Path, db: Path) -> None:
    """Rebuild a workshop database from its full JSON archive (export --format json
    --attribute). ARCHIVE '-' reads standard input."""
    from hubworkshop.reports.archive import read_archive
    from hubworkshop.sources.files import UnreadableFile, read_source
    from hubworkshop.storage.restore import restore

    if str(archive) == "-":
        data = sys.stdin.buffer.read(ARCHIVE_LIMIT + 1)
        if len(data) > ARCHIVE_LIMIT:
            raise InputError(
                _("-: larger than {mib} MiB: not an archive").format(mib=ARCHIVE_LIMIT >> 20)
            )
    else:
        try:  # never blocks on a FIFO, never reads a device
            data = read_source(archive, limit=ARCHIVE_LIMIT)
        except UnreadableFile as problem:
            raise InputError(f"{archive}: {problem}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InputError(
            _("{archive}:{line}: not UTF-8 text").format(archive=archive, line=line)
        ) from None
    for line in restore(db, read_archive(text, str(archive))):
        click.echo(_("added {line}").format(line=line))
    click.echo(_("created {db}").format(db=db), err=True)
