"""Every facilitation activity from the command line: what the room's keys do, scriptable.

Each command calls what the terminal app calls (a step of `workshop/`: votes, ballots,
merges; or the store), so it validates the same way, writes the same events and shows up
live in every open terminal (they watch the database). `--as NAME` (or
$HUBWORKSHOP_NOTE_TAKER) is who did it, for the event log. The command line runs with the rights of whoever can write the database file, so it acts as a
facilitator: the commands that only a facilitator has in a room (the question, the phase,
the clock, opening and closing a vote) say so in what they print. Commands that
read print a table, or JSON with `--json`. Contributions are named by their id or its short
prefix (the 8 characters `list` shows).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from hubworkshop.cli.main import Settings, _pass_settings, _store_options, actor_option, cli
from hubworkshop.domain.errors import InputError
from hubworkshop.domain.i18n import _, nformat
from hubworkshop.domain.model import UserRole
from hubworkshop.domain.text import one_line
from hubworkshop.workshop import agenda, points, ranking, voting
from hubworkshop.workshop.people import known_as


def _room(command: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--room", required=True, help="Breakout room id.")(command)


def _new_flag(command: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--new",
        "new_person",
        is_flag=True,
        help="The name is a new participant (anonymous until their consent is recorded).",
    )(command)


def _json_flag(command: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON.")(command)


def _as_facilitator(line: str) -> None:
    """A facilitator's command done: its line, saying the role it acted as."""
    click.echo(_("{done} (as facilitator)").format(done=line))


def _print_json(value: Any) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2))


# -- dot-voting ----------------------------------------------------------------------------------


@cli.group()
def vote() -> None:
    """Dot-voting: open a round, cast dots, see it, close it."""


@vote.command("open")
@_store_options
@_room
@click.option("--dots", type=click.IntRange(1, 100), help="Dots per person (default: the plan's).")
@actor_option
@_pass_settings
def vote_open(settings: Settings, room: str, dots: int | None, actor: str | None) -> None:
    """Open a dot-vote round in a room (one at a time)."""
    with settings.open_store() as store:
        opened = voting.open_round(store, room, role=UserRole.FACILITATOR, dots=dots, actor=actor)
    _as_facilitator(
        _("vote {number} open in {room}: {value} dots each").format(
            number=opened.id, room=room, value=opened.dots
        )
    )


@vote.command("cast")
@_store_options
@click.argument("contribution")
@click.option("--by", "participant", required=True, help="The participant who casts the dots.")
@click.option("--dots", type=click.IntRange(1, 100), default=1, show_default=True)
@_new_flag
@actor_option
@_pass_settings
def vote_cast(
    settings: Settings,
    contribution: str,
    participant: str,
    dots: int,
    new_person: bool,
    actor: str | None,
) -> None:
    """Put a participant's dots on a contribution, inside the room's open round."""
    with settings.open_store() as store:
        target = store.contributions.get(contribution)
        if store.votes.round(target.room) is not None:  # else: no vote is open, said first
            participant = known_as(store, participant, new=new_person)
        done = voting.cast(store, target.id, participant, note_taker=actor, dots=dots)
    click.echo(
        _("{dots} on {short_id}; {participant} has {left} left").format(
            dots=nformat(dots, "{n} dot", "{n} dots"),
            short_id=target.short_id,
            participant=one_line(participant),
            left=done.left,
        )
    )


@vote.command("status")
@_store_options
@_room
@_json_flag
@_pass_settings
def vote_status(settings: Settings, room: str, as_json: bool) -> None:
    """Whether a vote is open in the room, and the dots each person has used."""
    with settings.open_store() as store:
        current = store.votes.round(room)
    if as_json:
        _print_json(
            None
            if current is None
            else {
                "round": current.id,
                "room": room,
                "dots": current.dots,
                "opened_at": current.opened_at,
                "used": dict(sorted(current.used.items())),
                "cast": current.cast,
            }
        )
    elif current is None:
        click.echo(_("no vote is open in {room}").format(room=room))
    else:
        click.echo(
            _("vote {id} open in {room} since {opened_at}: {dots} dots each, {cast} cast").format(
                id=current.id,
                room=room,
                opened_at=current.opened_at,
                dots=current.dots,
                cast=current.cast,
            )
        )
        for name, used in sorted(current.used.items()):
            click.echo(
                _("  {name}: {used} of {dots}").format(
                    name=one_line(name), used=used, dots=current.dots
                )
            )


@vote.command("close")
@_store_options
@_room
@_json_flag
@actor_option
@_pass_settings
def vote_close(settings: Settings, room: str, as_json: bool, actor: str | None) -> None:
    """Close the room's open round; prints its result, most dots first."""
    with settings.open_store() as store:
        result = voting.close_round(store, room, role=UserRole.FACILITATOR, actor=actor)
    if as_json:
        _print_json([t._asdict() for t in result])
        return
    _as_facilitator(_("vote closed in {room}").format(room=room))
    for t in result:
        click.echo(f"{t.dots:>3}  {t.id[:8]}  {one_line(t.text, 70)}")


# -- task ranking ------------------------------------------------------------------------------


@cli.group()
def rank() -> None:
    """Task ranking of the bank's items: a room's agreed order, or a participant's own."""


@rank.command("set")
@_store_options
@_room
@click.option("--by", "participant", help="A participant's own order (default: the room's).")
@click.argument("roles", nargs=-1, required=True, metavar="ITEMS...")
@_new_flag
@actor_option
@_pass_settings
def rank_set(
    settings: Settings,
    room: str,
    participant: str | None,
    roles: tuple[str, ...],
    new_person: bool,
    actor: str | None,
) -> None:
    """Record an order of item ids (the bank's), best first; items left out are
    abstentions."""
    with settings.open_store() as store:
        if participant is not None:
            participant = known_as(store, participant, new=new_person)
        ranking.record(store, room, roles, participant=participant, actor=actor)
    ranked = nformat(len(roles), "{n} item", "{n} items")
    if participant:
        said = _("{name}'s order in {room}: {ranked} ranked").format(
            name=one_line(participant), room=room, ranked=ranked
        )
    else:
        said = _("the room's order in {room}: {ranked} ranked").format(room=room, ranked=ranked)
    click.echo(said)


@rank.command("show")
@_store_options
@click.option("--room", help="Only this room.")
@_json_flag
@_pass_settings
def rank_show(settings: Settings, room: str | None, as_json: bool) -> None:
    """Every recorded order (the note-takers' record: everyone's, as in the room)."""
    with settings.open_store() as store:
        if room is not None:
            store.catalog.room(room)
        rankings = store.rankings.all()
    shown = {r: b for r, b in rankings.items() if room in (None, r)}
    if as_json:
        _print_json(
            {
                r: {"room": b.get(None), "participants": {k: v for k, v in b.items() if k}}
                for r, b in shown.items()
            }
        )
        return
    for room_id, ballots in shown.items():
        for who, order in ballots.items():
            click.echo(f"{room_id}  {one_line(who or '(room)')}: {', '.join(order)}")


# -- purpose statements -----------------------------------------------------------------------


@cli.group()
def purpose() -> None:
    """A room's purpose statement: revisions, and the final one to report."""


@purpose.command("add")
@_store_options
@_room
@click.option("--final", is_flag=True, help="This revision is the one to report.")
@click.argument("text")
@actor_option
@_pass_settings
def purpose_add(settings: Settings, room: str, final: bool, text: str, actor: str | None) -> None:
    """Keep a revision of the room's purpose statement."""
    with settings.open_store() as store:
        row = store.purposes.add(room, text, author=actor, final=final)
        # Numbered within the room (the first in a room is revision 1, whatever others did).
        number = [p.id for p in store.purposes.all(room)].index(row) + 1
    click.echo(
        (
            _("revision {number} of {room}'s purpose statement (final)")
            if final
            else _("revision {number} of {room}'s purpose statement")
        ).format(number=number, room=room)
    )


@purpose.command("show")
@_store_options
@click.option("--room", help="Only this room.")
@_json_flag
@_pass_settings
def purpose_show(settings: Settings, room: str | None, as_json: bool) -> None:
    """Every revision, oldest first."""
    with settings.open_store() as store:
        statements = store.purposes.all(room)
    if as_json:
        _print_json([s._asdict() for s in statements])
        return
    for s in statements:
        click.echo(f"{s.room}  {'final ' if s.final else ''}{s.created_at}  {one_line(s.text)}")


# -- contributions: merge, split, cluster, park, owner ------------------------------------------


@cli.command()
@_store_options
@click.argument("items", nargs=-1, required=True, metavar="OTHER.db… | SOURCE TARGET")
@actor_option
@_pass_settings
def merge(settings: Settings, items: tuple[str, ...], actor: str | None) -> None:
    """Bring copies of the workshop back (OTHER.db…), or make point SOURCE part of TARGET.

    With database files: every row they hold that this workshop lacks is added, in one
    transaction; merging twice adds nothing, and the order of merging does not matter; the
    stricter consent wins; a copy of another workshop is refused; the files are not changed.

    With two point ids: one point that keeps every text and author (m in the room).
    """
    if any(Path(item).exists() or item.endswith((".db", ".sqlite")) for item in items):
        from hubworkshop.storage.merge import merge as merge_copies

        with settings.open_store() as store:
            results = merge_copies(store, [Path(item) for item in items], actor=actor)
        for result in results:
            for line in result.lines():
                click.echo(line)
        return
    if len(items) != 2:
        raise click.UsageError(
            _("give the database files to merge (OTHER.db…), or two point ids: SOURCE TARGET")
        )
    source, target = items
    with settings.open_store() as store:
        done = points.merge(store, source, target, actor=actor)
    click.echo(
        _("merged {short_id} into {short_id2}").format(
            short_id=done.source.short_id, short_id2=done.target.short_id
        )
    )


@cli.command()
@_store_options
@click.argument("contribution")
@actor_option
@_pass_settings
def split(settings: Settings, contribution: str, actor: str | None) -> None:
    """Take apart a merged point: each contribution stands on its own again."""
    with settings.open_store() as store:
        done = points.split(store, contribution, actor=actor)
    click.echo(
        _("split {contributions} off {short_id}").format(
            contributions=nformat(len(done.places), "{n} contribution", "{n} contributions"),
            short_id=done.point.short_id,
        )
    )


@cli.command()
@_store_options
@click.argument("contribution")
@click.argument("name", required=False)
@click.option("--clear", is_flag=True, help="Take the contribution out of its cluster.")
@actor_option
@_pass_settings
def cluster(
    settings: Settings, contribution: str, name: str | None, clear: bool, actor: str | None
) -> None:
    """Put a contribution in the cluster NAME (or --clear it)."""
    if bool(name) == clear:
        raise click.UsageError(_("give a cluster NAME or --clear"))
    with settings.open_store() as store:
        store.points.set_cluster(
            store.contributions.get(contribution).id, None if clear else name, actor=actor
        )
    click.echo(f"{contribution}: " + ("no cluster" if clear else f"cluster {one_line(name or '')}"))


@cli.command()
@_store_options
@click.argument("contribution")
@click.option("--undo", is_flag=True, help="Bring it back into the discussion.")
@actor_option
@_pass_settings
def park(settings: Settings, contribution: str, undo: bool, actor: str | None) -> None:
    """Park a contribution for later (kept in the record), or bring it back."""
    with settings.open_store() as store:
        store.contributions.update(
            store.contributions.get(contribution).id, parked=not undo, actor=actor
        )
    click.echo(f"{contribution}: {'back in the discussion' if undo else 'parked'}")


@cli.command()
@_store_options
@click.argument("contribution")
@click.argument("name", required=False)
@click.option("--due", help="Due date, YYYY-MM-DD.")
@click.option("--clear", is_flag=True, help="Remove owner and due date.")
@_new_flag
@actor_option
@_pass_settings
def owner(
    settings: Settings,
    contribution: str,
    name: str | None,
    due: str | None,
    clear: bool,
    new_person: bool,
    actor: str | None,
) -> None:
    """Make a contribution an action item with an owner NAME and a --due date. A NAME that
    is a participant's, however typed, is spelled as the roster spells it."""
    if clear and (name or due):
        raise click.UsageError(_("--clear takes no NAME or --due"))
    if not (clear or name or due):
        raise click.UsageError(_("give an owner NAME, a --due date, or --clear"))
    with settings.open_store() as store:
        if name:
            name = known_as(store, name, new=new_person, anyone=True)
        store.points.set_action(
            store.contributions.get(contribution).id, owner=name, due=due, actor=actor
        )
    click.echo(
        f"{contribution}: action"
        + (f", owner {one_line(name)}" if name else "")
        + (f", due {due}" if due else "")
    )


# -- takeaways ---------------------------------------------------------------------------------


@cli.group()
def takeaways() -> None:
    """A room's key takeaways, for wrap-up and report-back."""


@takeaways.command("set")
@_store_options
@_room
@click.argument("contributions", nargs=-1)
@actor_option
@_pass_settings
def takeaways_set(
    settings: Settings, room: str, contributions: tuple[str, ...], actor: str | None
) -> None:
    """The room's takeaways, in order (none: clear them)."""
    with settings.open_store() as store:
        ids = [store.contributions.get(c).id for c in contributions]
        store.points.set_takeaways(room, ids, actor=actor)
    click.echo(f"{room}: {nformat(len(ids), '{n} takeaway', '{n} takeaways')}")


@takeaways.command("show")
@_store_options
@_room
@_json_flag
@_pass_settings
def takeaways_show(settings: Settings, room: str, as_json: bool) -> None:
    with settings.open_store() as store:
        chosen = store.points.takeaways(room)
    if as_json:
        _print_json([{"id": c.id, "text": c.text} for c in chosen])
        return
    for i, c in enumerate(chosen, 1):
        click.echo(f"{i}. {c.short_id}  {one_line(c.text, 70)}")


# -- the room: question, phase, clock ----------------------------------------------------------


@cli.group("room")
def room_group() -> None:
    """A room's question, phase and shared clock."""


@room_group.command("show")
@_store_options
@_room
@_json_flag
@_pass_settings
def room_show(settings: Settings, room: str, as_json: bool) -> None:
    """The room's current question, phase and clock."""
    with settings.open_store() as store:
        state = store.rooms.state(room)
    countdown = state.countdown
    remaining = round(countdown.remaining(dt.datetime.now(dt.UTC)))
    if as_json:
        _print_json(
            {**state._asdict(), "remaining_seconds": remaining, "running": countdown.running}
        )
        return
    click.echo(_("question: {value}").format(value=state.question or "-"))
    click.echo(_("phase:    {value}").format(value=state.phase or "-"))
    sign = "-" if remaining < 0 else ""
    minutes, seconds = divmod(abs(remaining), 60)
    click.echo(
        _("clock:    {sign}{minutes}:{seconds:02d} {value}").format(
            sign=sign,
            minutes=minutes,
            seconds=seconds,
            value=_("running") if countdown.running else _("paused"),
        )
    )


@room_group.command("question")
@_store_options
@_room
@click.argument("question", required=False)
@click.option("--next", "step", flag_value=1, help="The room's next question.")
@click.option("--previous", "step", flag_value=-1, help="The room's previous question.")
@actor_option
@_pass_settings
def room_question(
    settings: Settings, room: str, question: str | None, step: int | None, actor: str | None
) -> None:
    """Open QUESTION (an id from the bank) in the room, or step with --next / --previous."""
    if bool(question) == bool(step):
        raise click.UsageError(_("give a QUESTION id or --next / --previous"))
    role = UserRole.FACILITATOR  # the command line runs as the facilitator
    with settings.open_store() as store:
        if step:
            try:
                question = agenda.step_question(store, room, step, role=role, actor=actor)
            except agenda.AtEnd as end:
                raise InputError(
                    (
                        _("{room} is on its last question already")
                        if end.step > 0
                        else _("{room} is on its first question already")
                    ).format(room=room)
                ) from None
        else:
            assert question is not None
            agenda.open_question(store, room, question, role=role, actor=actor)
    _as_facilitator(f"{room}: {question}")


@room_group.command("phase")
@_store_options
@_room
@click.argument("phase")
@actor_option
@_pass_settings
def room_phase(settings: Settings, room: str, phase: str, actor: str | None) -> None:
    """Move the room to an agenda PHASE (its clock is reset to the phase's length)."""
    with settings.open_store() as store:
        agenda.set_phase(store, room, phase, role=UserRole.FACILITATOR, actor=actor)
    _as_facilitator(_("{room}: phase {phase}").format(room=room, phase=phase))


@room_group.command("timer")
@_store_options
@_room
@click.argument("action", type=click.Choice(["start", "pause", "extend"]))
@click.argument("minutes", type=click.IntRange(-600, 600), required=False)
@actor_option
@_pass_settings
def room_timer(
    settings: Settings, room: str, action: str, minutes: int | None, actor: str | None
) -> None:
    """Start or pause the room's clock, or extend it by MINUTES (negative shortens)."""
    if (action == "extend") != (minutes is not None):
        raise click.UsageError(_("'extend' takes MINUTES; 'start' and 'pause' take none"))
    role = UserRole.FACILITATOR
    with settings.open_store() as store:
        if action == "start":
            agenda.start_clock(store, room, role=role, actor=actor)
        elif action == "pause":
            agenda.pause_clock(store, room, role=role, actor=actor)
        else:
            assert minutes is not None
            agenda.extend_clock(store, room, minutes, role=role, actor=actor)
    _as_facilitator(
        {
            "start": _("{room}: timer started"),
            "pause": _("{room}: timer paused"),
        }.get(action, _("{room}: timer extended {minutes:+d} min")).format(
            room=room, minutes=minutes or 0
        )
    )
