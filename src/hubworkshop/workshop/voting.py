"""Dot-voting, the same way from every face: open a round, put a dot, take it back, close it.

The room (`tui/screens/room_actions.py`: v and V), line mode (`/vote ID`), the command line
(`hubworkshop vote open|cast|close`) and the participants' page (`workshop/participate.py`)
call these. What each face still does is its own: how it asks who votes (a picker, `--by`,
the name line mode started with, the page's cookie) and how it says the result.

The rules, written here once:

- only a facilitator opens or closes a round (`role`);
- a dot goes on a point that is not deleted nor merged into another (the dot goes on the
  point it was merged into: the room and the page offer only that one), inside the open round of the point's room, and,
  when the voter is in a room (the room screen, line mode, the page), of that room;
- each voter has the round's budget of dots: checked here first, for a message that says so,
  and again by the store inside the write transaction, so terminals voting at once cannot
  overspend;
- a dot put from the room is an undo entry (`workshop/history.py`, `Vote`): Ctrl+Z takes it
  back, and so does `take_back` for a face that keeps the cast.
"""

from __future__ import annotations

from typing import NamedTuple

from hubworkshop.domain.errors import InputError
from hubworkshop.domain.i18n import _
from hubworkshop.domain.model import Contribution, UserRole
from hubworkshop.domain.names import name_key
from hubworkshop.domain.records import VoteRound
from hubworkshop.storage.store import Store
from hubworkshop.workshop.history import Command, History, Vote, apply
from hubworkshop.workshop.roles import facilitator_only


class NotOpen(InputError):
    """No round is open in the point's room."""


class NotThere(InputError):
    """The point is deleted, or not in the voter's room."""


class OverBudget(InputError):
    """The voter has no dots left in this round."""


class Cast(NamedTuple):
    """A dot (or several) put, and what the voter has left."""

    vote: Vote
    """As applied: `take_back` (or the room's Ctrl+Z) reverts it."""
    left: int
    """The voter's dots left in the round, this cast counted."""


class Tally(NamedTuple):
    """One point of a closed round's result."""

    id: str
    dots: int
    text: str


def used(round_: VoteRound, name: str) -> int:
    """The dots `name` has put in the round, however the name is typed (case, spaces,
    composed or decomposed accents: `domain/names.py`)."""
    key = name_key(name)
    return sum(n for voter, n in round_.used.items() if name_key(voter) == key)


def left(round_: VoteRound, name: str) -> int:
    """The dots `name` may still put in the round: the budget rule."""
    return max(round_.dots - used(round_, name), 0)


def _facilitator(role: UserRole) -> None:
    facilitator_only(role, _("only a facilitator opens or closes a vote"))


def open_round(
    store: Store, room: str, *, role: UserRole, dots: int | None = None, actor: str | None
) -> VoteRound:
    """Open a round in `room` (one at a time): each voter gets `dots`, else the plan's."""
    _facilitator(role)
    number = store.votes.open(room, dots=dots, actor=actor)
    round_ = store.votes.round(room)
    if round_ is None or round_.id != number:  # closed at once by another terminal's V
        return VoteRound(number, room, dots or store.catalog.workshop().dots, "", {}, 0)
    return round_


def close_round(store: Store, room: str, *, role: UserRole, actor: str | None) -> list[Tally]:
    """Close the room's round and keep its result: each point's dots, most first."""
    _facilitator(role)
    ranking = store.votes.close(room, actor=actor)
    texts = {c.id: c.text for c in store.contributions.by_ids([cid for cid, _n in ranking])}
    return [Tally(cid, dots, texts.get(cid, "")) for cid, dots in ranking]


def cast(
    store: Store,
    point: Contribution | str,
    voter: str,
    *,
    note_taker: str | None,
    dots: int = 1,
    room: str | None = None,
    history: History | None = None,
) -> Cast:
    """`voter` puts `dots` on `point` (a row, or an id or its prefix). With `room` (the
    voter's), the point must be one of that room's; with `history` (the room's), the dot is
    an undo entry, and a voter it adds to the roster leaves with it at Ctrl+Z."""
    target = store.contributions.get(point) if isinstance(point, str) else point
    if target.deleted_at is not None:
        raise NotThere(_("{id} is deleted: restore it before voting").format(id=target.short_id))
    if target.merged_into is not None:
        into = store.contributions.get(target.merged_into)
        raise NotThere(
            _("{id} was merged into {into}: put the dot on {into}").format(
                id=target.short_id, into=into.short_id
            )
        )
    if room is not None and target.room != room:
        raise NotThere(_("{id} is not a point of this room").format(id=target.short_id))
    round_ = store.votes.round(target.room)
    if round_ is None:
        raise NotOpen(
            _(
                "no vote is open in {room}: a facilitator opens one first (V in the room, or `hubworkshop vote open --room {id}`)"
            ).format(room=store.catalog.room(target.room).name, id=target.room)
        )
    spent = used(round_, voter)
    if voter.strip() and dots >= 1 and spent + dots > round_.dots:
        raise OverBudget(
            _("{participant} has used {used} of {dots} dots in this vote").format(
                participant=voter, used=spent, dots=round_.dots
            )
        )
    command = Vote(target, voter, note_taker, dots)
    if history is None:
        # Nothing to undo here: the dot only (the store checks the round and the budget
        # again inside its transaction).
        uid = store.votes.add(target.id, participant=voter, dots=dots, note_taker=note_taker)
        done: Command = command._replace(uid=uid)
    else:
        done = apply(store, command, note_taker, history)
    assert isinstance(done, Vote)
    return Cast(done, max(round_.dots - spent - dots, 0))


def take_back(store: Store, done: Cast, *, actor: str | None) -> None:
    """Withdraw a cast: refused once its round is closed (the result the room was told)."""
    done.vote.revert(store, actor)
