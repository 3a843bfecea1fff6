"""A participant's own steps, from their phone or laptop: join a room with their consent,
add a point, edit or withdraw their own, vote within the budget, rank; and the moderation
a facilitator applies to what participants typed. The web page (web/) calls these; the
TUI and the command line can call them too. Nothing here knows HTTP.

Every step writes what the room already writes (a participant row, a contribution with
them as author, a dot, a ballot), through the store's one write path, with
`SELF_TYPED` as the note-taker: exports, consent, merge, forget and undo treat it alike.
A participant acts only in their own room and only on their own points.
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, NamedTuple

from hubworkshop.domain.consent import Surface, credited, policy
from hubworkshop.domain.errors import InputError, NotFoundError
from hubworkshop.domain.i18n import N_, _
from hubworkshop.domain.model import Consent, Contribution, Kind, Participant, Role, UserRole
from hubworkshop.domain.names import clean_name
from hubworkshop.domain.records import Draft
from hubworkshop.storage import pages
from hubworkshop.storage.pages import SELF_TYPED
from hubworkshop.workshop import ranking, voting
from hubworkshop.workshop.roles import facilitator_only

if TYPE_CHECKING:
    from hubworkshop.storage.store import Store

__all__ = ["SELF_TYPED"]

KINDS = (Kind.IDEA, Kind.CONCERN, Kind.QUESTION, Kind.PROPOSAL)
"""The kinds a participant may choose (the page's order; idea first)."""

GUEST_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
MAX_TEXT = 2000
"""Characters in one point, added or edited: every page of the room receives it."""


class Refused(InputError):
    """A step this participant may not take (not their room, not their point, phase over).
    Its message is one of ours (`N_`), shown in the participant's language by the face."""


class Point(NamedTuple):
    id: str
    kind: Kind
    text: str
    own: bool
    self_typed: bool
    votes: int | None
    """Dots on it: None while the results are hidden."""
    editable: bool


class RoomView(NamedTuple):
    room: str
    room_name: str
    question: str | None
    question_text: str
    points: list[Point]
    vote_open: bool
    dots: int
    used: int
    revealed: bool
    waiting: int
    roles: list[Role]
    ballot: list[str]
    moderation: str


def guest_name(store: Store) -> str:
    """A name for someone who did not give one: `Guest` and six random letters, nobody's."""
    for _attempt in range(20):
        name = "Guest " + "".join(secrets.choice(GUEST_ALPHABET) for _ in range(6))
        if not pages.name_taken(store, name):
            return name
    raise InputError(N_("no free guest name: try again"))


def join(
    store: Store,
    room: str,
    consent: Consent | str,
    *,
    name: str | None = None,
    language: str | None = None,
    returning: Participant | None = None,
) -> tuple[Participant, str]:
    """Join `room` with a consent; returns the participant and their uid (the page's cookie
    carries it). Named needs a name that is nobody's yet (a page never takes over a name on
    the roster: that would change someone else's consent); anonymous and off the record get
    a guest name. A `returning` participant (their cookie) keeps their row and moves room."""
    try:
        level = Consent(consent)
    except ValueError:
        raise Refused(N_("choose how your words may be used")) from None
    store.catalog.room(room)
    given = clean_name(name or "")
    if credited(level) and not given:
        raise Refused(N_("to be named, give the name to credit"))
    if returning is not None:
        # One browser, one person: joining again (another consent, a new name, another
        # room) changes their entry, never adds one (each entry has its own dots).
        store.participants.save(
            returning.name, returning.consent, language=language, room=room, actor=SELF_TYPED
        )
        person = set_consent(store, returning._replace(room=room), level, name=given or None)
        return person, pages.uid_of(store, person.id)
    if not credited(level):
        given = guest_name(store)
    elif pages.name_taken(store, given):
        raise Refused(NAME_REFUSED)
    with _name_checked():
        person = store.participants.save(
            given, level, language=language, room=room, actor=SELF_TYPED
        )
    return person, pages.uid_of(store, person.id)


NAME_REFUSED = N_("that name cannot be used here: add an initial or a surname")
"""One answer for a name on the roster and a name erased on request: the page tells a
stranger neither who is here nor who asked to be forgotten."""


@contextlib.contextmanager
def _name_checked() -> Iterator[None]:
    """A new name the store refuses (erased on request) is refused as any taken name is."""
    try:
        yield
    except Refused:
        raise
    except InputError:
        raise Refused(NAME_REFUSED) from None


def who(store: Store, uid: str) -> Participant | None:
    return pages.participant_by_uid(store, uid)


def set_consent(
    store: Store, person: Participant, consent: Consent | str, *, name: str | None = None
) -> Participant:
    """The participant changes how their words may be used. To be named they give the name
    to credit (a guest name is nobody's to credit); it must be nobody else's."""
    try:
        level = Consent(consent)
    except ValueError:
        raise Refused(N_("choose how your words may be used")) from None
    given = clean_name(name or "")
    if credited(level) and given and given != person.name:
        if pages.name_taken(store, given):
            raise Refused(NAME_REFUSED)
        with _name_checked():
            store.participants.rename(person.name, given, actor=SELF_TYPED)
        person = person._replace(name=given)
    elif credited(level) and person.name.startswith("Guest "):
        raise Refused(N_("to be named, give the name to credit"))
    return store.participants.save(person.name, level, actor=SELF_TYPED)


def _room_of(person: Participant) -> str:
    if not person.room:
        raise Refused(N_("join a room first"))
    return person.room


def add(store: Store, person: Participant, kind: Kind | str, text: str) -> Contribution:
    """A point in the participant's room, under its open question; held for approval when
    the room is pre-moderated."""
    room = _room_of(person)
    if kind not in {k.value for k in KINDS}:
        raise Refused(N_("choose what kind of point this is"))
    if not text.strip():
        raise Refused(N_("write your point first"))
    if len(text) > MAX_TEXT:
        raise Refused(N_("a point is at most 2,000 characters"))
    question = store.rooms.state(room).question
    draft = Draft(room=room, text=text.strip(), question=question, kind=kind, author=person.name)
    if pages.moderation(store, room) == "pre":
        return pages.add_waiting(store, draft, note_taker=SELF_TYPED)
    return store.contributions.add(draft, note_taker=SELF_TYPED)


def _own(store: Store, person: Participant, cid: str) -> Contribution:
    try:
        point = store.contributions.get(cid)
    except NotFoundError:
        raise Refused(N_("that point is not yours to change")) from None
    # Typed on this page by this person: never a note-taker's record of what someone said,
    # even under the same name (a name taken on the page is a claim, not a proof).
    if (
        point.author_id != person.id
        or point.note_taker != SELF_TYPED
        or point.id != cid
        or point.room != person.room
    ):
        raise Refused(N_("that point is not yours to change"))
    if point.deleted_at is not None and pages.is_held(store, cid) != "waiting":
        raise Refused(N_("that point was withdrawn or hidden"))
    if not _still_open(store, point):
        raise Refused(N_("that question is closed: your point stays as it is"))
    if point.votes or point.merged_count:
        # Others have put dots on these words, or merged points into them.
        raise Refused(N_("others have voted on your point: it stays as it is"))
    return point


def _still_open(store: Store, point: Contribution) -> bool:
    """Whether the point's question is still the room's open one (and opened before it)."""
    state = store.rooms.state(point.room)
    if point.question != state.question:
        return False
    if point.phase is not None and point.phase != state.phase:
        return False  # the agenda moved on: what was said in a phase stays
    return state.question_opened_at is None or point.created_at >= state.question_opened_at


def edit(store: Store, person: Participant, cid: str, text: str, kind: str | None = None) -> None:
    point = _own(store, person, cid)
    if not text.strip():
        raise Refused(N_("write your point first"))
    if len(text) > MAX_TEXT:
        raise Refused(N_("a point is at most 2,000 characters"))
    if kind is not None and kind not in {k.value for k in KINDS}:
        raise Refused(N_("choose what kind of point this is"))
    store.contributions.update(point.id, text=text.strip(), kind=kind, actor=SELF_TYPED)
    if pages.moderation(store, point.room) == "pre" and point.deleted_at is None:
        pages.wait_again(store, point.id, actor=SELF_TYPED)


def withdraw(store: Store, person: Participant, cid: str) -> None:
    point = _own(store, person, cid)
    if pages.is_held(store, point.id) == "waiting":
        pages.withdraw_waiting(store, point.id, actor=SELF_TYPED)
        return
    store.contributions.delete(point.id, actor=SELF_TYPED)


def vote(store: Store, person: Participant, cid: str) -> None:
    """One dot on a point of the participant's room, in its open round and within their
    budget (`workshop/voting.py`, as for the room's dots); the page names a point by its
    whole id."""
    room = _room_of(person)
    try:
        point = store.contributions.get(cid)
    except NotFoundError:
        raise Refused(N_("that point is not in your room")) from None
    if point.id != cid:
        raise Refused(N_("that point is not in your room"))
    try:
        voting.cast(store, point, person.name, note_taker=SELF_TYPED, room=room)
    except voting.NotThere:
        if point.merged_into is not None:  # a page drawn before the merge
            raise Refused(N_("that point was merged into another: put your dot there")) from None
        raise Refused(N_("that point is not in your room")) from None
    except voting.NotOpen:
        raise Refused(N_("no vote is open in your room")) from None
    except InputError:
        raise Refused(N_("you have used all your dots")) from None


def rank(store: Store, person: Participant, order: Sequence[str]) -> None:
    """The participant's own order of the bank's items (best first): a ballot
    (`workshop/ranking.py`)."""
    room = _room_of(person)
    try:
        ranking.record(store, room, order, participant=person.name, actor=SELF_TYPED)
    except InputError:
        raise Refused(N_("rank each item once")) from None


def move(store: Store, person: Participant, role: str, step: int) -> list[str]:
    """Move one item up (-1) or down (+1) in the participant's order, and keep the order."""
    order = ballot(store, person)
    if role not in order:
        raise Refused(N_("rank each item once"))
    order = ranking.moved(order, role, step)
    rank(store, person, order)
    return order


def ballot(store: Store, person: Participant) -> list[str]:
    """The participant's order, or the bank's while they have none."""
    room = _room_of(person)
    bank = [r.id for r in store.catalog.roles()]
    return ranking.ballot(store.rankings.all(), room, bank, person.name)


def room_view(store: Store, room: str, language: str) -> RoomView:
    """What every participant of a room sees alike: the open question in `language` when
    the bank has it, the points as the page surface may show them (no names), dots hidden
    until the round is closed (the facilitator's reveal), how many points wait for
    approval, and the items to rank (in the bank's order)."""
    info = store.catalog.room(room)
    state = store.rooms.state(room)
    text = ""
    if state.question:
        text = store.catalog.question(state.question).text.get_text(language)
    shown = policy(Surface.PAGE).visible(
        store.contributions.find(room=room, question=state.question)
        if state.question
        else store.contributions.find(room=room)
    )
    round_ = store.votes.round(room)
    revealed = round_ is None and pages.results_revealed(store, room)
    points = [
        Point(
            c.id,
            c.kind,
            c.text,
            False,
            c.note_taker == SELF_TYPED,
            c.votes if revealed else None,
            False,
        )
        for c in shown
        if c.merged_into is None
    ]
    roles = store.catalog.roles()
    return RoomView(
        room=room,
        room_name=info.name,
        question=state.question,
        question_text=text,
        points=points,
        vote_open=round_ is not None,
        dots=round_.dots if round_ else 0,
        used=0,
        revealed=revealed,
        waiting=pages.count_waiting(store, room),
        roles=roles,
        ballot=[r.id for r in roles],
        moderation=pages.moderation(store, room),
    )


def view(store: Store, person: Participant, language: str) -> RoomView:
    """The room as this participant sees it: `room_view`, their own points marked, their
    dots used, their order of the items."""
    room = _room_of(person)
    shared = room_view(store, room, language)
    own = {c.id for c in store.contributions.find(room=room) if c.author_id == person.id}
    used = 0
    if shared.vote_open:
        round_ = store.votes.round(room)
        used = voting.used(round_, person.name) if round_ else 0
    return shared._replace(
        points=[p._replace(own=p.id in own) for p in shared.points],
        used=used,
        ballot=ballot(store, person) if shared.roles else [],
    )


def mine(store: Store, person: Participant) -> list[Point]:
    """The participant's own points in their room (waiting ones too), newest last; those
    whose question is still open may be edited or withdrawn."""
    room = _room_of(person)
    own = [
        c
        for c in store.contributions.find(room=room)
        if c.author_id == person.id and c.note_taker == SELF_TYPED
    ]
    waiting = [c for c in pages.held(store, room, "waiting") if c.author_id == person.id]
    return [
        Point(c.id, c.kind, c.text, True, True, None, _still_open(store, c))
        for c in sorted([*own, *waiting], key=lambda c: c.seq)
    ]


# -- moderation, from the staff's faces -----------------------------------------------------


def set_moderation(
    store: Store, room: str, mode: str, *, role: UserRole, actor: str | None = None
) -> None:
    facilitator_only(role, _("only a facilitator moderates the room"))
    pages.set_moderation(store, room, mode, actor=actor)


def approve(store: Store, cid: str, *, role: UserRole, actor: str | None = None) -> None:
    facilitator_only(role, _("only a facilitator moderates the room"))
    pages.approve(store, cid, actor=actor)


def hide(store: Store, cid: str, *, role: UserRole, actor: str | None = None) -> None:
    facilitator_only(role, _("only a facilitator moderates the room"))
    pages.hide(store, cid, actor=actor)


def waiting(store: Store, room: str) -> list[Contribution]:
    return pages.held(store, room, "waiting")
