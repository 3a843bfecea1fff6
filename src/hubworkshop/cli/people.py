"""`hubworkshop participant`: the roster from the command line (loaded when asked for)."""

from __future__ import annotations

import click

from hubworkshop.cli.main import Settings, _pass_settings, _store_options, cli
from hubworkshop.domain.errors import InputError
from hubworkshop.domain.i18n import _
from hubworkshop.domain.model import Consent
from hubworkshop.domain.text import one_line, printable
from hubworkshop.storage import Store


@cli.command()
@_store_options
@click.argument("name")
@click.option(
    "--consent",
    type=click.Choice([c.value for c in Consent]),
    help="named: may be credited; anonymous: quoted without a name; off-record: left out.",
)
@click.option("--room", help="Breakout room the participant is in.")
@click.option("--lang", "language", help="Language the participant speaks in the workshop.")
@click.option(
    "--merge-into",
    "target",
    metavar="NAME",
    help="One person entered twice: NAME's entry keeps everything of this one (--consent "
    "says which consent the person gave, when the two differ).",
)
@_pass_settings
def participant(
    settings: Settings,
    name: str,
    consent: str | None,
    room: str | None,
    language: str | None,
    target: str | None,
) -> None:
    """Add a participant or change their consent, room or language, or merge one person
    entered twice (--merge-into)."""
    with settings.open_store() as store:
        if target is not None:
            if room or language:
                raise click.UsageError(_("--merge-into takes no --room or --lang"))
            _merge_people(store, name, target, consent)
            return
        person = store.participants.save(name, consent, room=room, language=language, actor="cli")
    click.echo(f"{one_line(person.name)}: {person.consent.value}")


def _merge_people(store: Store, name: str, target: str, consent: str | None) -> None:
    """Merging two entries of one person never lowers or raises consent without asking:
    when theirs differ, --consent is required (`workshop/people.py`)."""
    from hubworkshop.domain.consent import strictest
    from hubworkshop.domain.names import name_key
    from hubworkshop.workshop import people

    kept = next((p for p in store.participants.all() if name_key(p.name) == name_key(target)), None)
    try:
        people.merge(store, name, target, consent=consent, actor="cli")
    except people.ConsentToAsk as asked:
        one, other = asked.one, asked.other
        raise InputError(
            printable(
                _(
                    "{one} is {one_consent} and {other} is {other_consent}: say which consent "
                    "the person gave with --consent (the stricter is {stricter})"
                ).format(
                    one=one.name,
                    one_consent=one.consent.value,
                    other=other.name,
                    other_consent=other.consent.value,
                    stricter=strictest(one.consent, other.consent).value,
                )
            )
        ) from None
    after = next(p for p in store.participants.all() if kept is None or p.id == kept.id)
    click.echo(
        _("{name} merged into {target}: {consent}").format(
            name=one_line(name), target=one_line(after.name), consent=after.consent.value
        )
    )
