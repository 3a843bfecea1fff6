"""Backup and erasure from the command line: `hubworkshop backup DEST`, `hubworkshop forget NAME`
(loaded only when one of them is asked for)."""

from __future__ import annotations

from pathlib import Path

import click

from hubworkshop.cli.main import Settings, _pass_settings, _store_options, actor_option, cli
from hubworkshop.domain.i18n import _, nformat


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

    with settings.open_store() as store:
        done = erase(store, name, with_contributions=with_contributions, actor=actor)
    n = done["contributions"]
    theirs = (
        nformat(n, "{n} contribution removed", "{n} contributions removed")
        if with_contributions
        else nformat(n, "{n} contribution now anonymous", "{n} contributions now anonymous")
    )
    click.echo(
        _("forgot {name}: {contributions}, {dots}, {rankings}, {owned}, {events} rewritten").format(
            name=name,
            contributions=theirs,
            dots=nformat(done["dots"], "{n} dot", "{n} dots"),
            rankings=nformat(done["rankings"], "{n} ranking", "{n} rankings"),
            owned=nformat(done["owned actions"], "{n} owned action", "{n} owned actions"),
            events=nformat(done["events rewritten"], "{n} event", "{n} events"),
        )
    )
    if not done["wal cleared"]:
        click.echo(
            _(
                "other terminals still have the workshop open: the write-ahead log keeps old pages until the last of them closes (SQLite then empties it)"
            ),
            err=True,
        )
