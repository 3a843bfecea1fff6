"""What a staff room shows, read from the workshop: the room above its list, the list's rows,
and what changed since the room last looked.

The terminal app's room (`tui/screens/room.py`) calls these from its workers and only draws
what they return; the participants' page has its own view of a room (`participate.py`:
nothing there names a person without their consent, and its rows are the page's). Each
function is one read, without Textual, and can be called from any thread.
"""

from __future__ import annotations

from typing import NamedTuple

from hubworkshop.domain.events import EventName
from hubworkshop.domain.i18n import _, kind_label
from hubworkshop.domain.model import Contribution, Kind, Phase, Question
from hubworkshop.domain.records import Event, VoteRound
from hubworkshop.domain.timer import Countdown
from hubworkshop.storage.store import Store


class RoomView(NamedTuple):
    """What the room shows above the list, read in one go."""

    question: Question | None
    phase: Phase | None
    countdown: Countdown
    position: str
    names: list[str]
    tags: list[str]
    vote: VoteRound | None = None
    """The room's open dot-vote round, if one is open."""
    room_names: tuple[str, ...] = ()
    """The room's own people: an `@name` that could mean two people means one of them."""


class RowFilter(NamedTuple):
    """Which contributions the list shows. `search` needs the database to decide."""

    kind: Kind | None = None
    tag: str | None = None
    search: str = ""
    question: str | None = None
    """Only what was said on this question (the one open when the filter was chosen)."""

    def matches(self, contribution: Contribution) -> bool:
        if contribution.deleted_at is not None or contribution.merged_into is not None:
            return False
        if self.kind is not None and contribution.kind is not self.kind:
            return False
        if self.question is not None and contribution.question != self.question:
            return False
        return self.tag is None or self.tag in contribution.tags

    @property
    def active(self) -> bool:
        return (
            self.kind is not None
            or self.tag is not None
            or bool(self.search)
            or self.question is not None
        )

    def describe(self) -> str:
        parts = []
        if self.question is not None:
            parts.append(_("this question only"))
        if self.kind is not None:
            parts.append(_("kind: {kind}").format(kind=kind_label(self.kind.value)))
        if self.tag is not None:
            parts.append(f"#{self.tag}")
        if self.search:
            parts.append(_("search: “{words}”").format(words=self.search))
        return " · ".join(parts) or _("all contributions")


class Rows(NamedTuple):
    """The list's rows (their numbers, in order) and the last logged event they include."""

    seqs: list[int]
    last_event: int


class Changes(NamedTuple):
    """What was logged since the room last looked."""

    rows: list[Contribution]
    """The contributions added or changed, as they are now."""
    last_event: int
    room_changed: bool
    """The question, phase, clock, names, tags or vote may have moved: read the room again."""
    renamed: bool
    """Someone was renamed or merged: the list shows who said what, read it again."""


PEOPLE_CHANGED = frozenset({EventName.PARTICIPANT_RENAME, EventName.PARTICIPANT_MERGE})


def read_room(store: Store, room_id: str, *, everything: bool = True) -> RoomView:
    """What the room shows above the list; without `everything`, no names, tags or vote."""
    room = store.catalog.room(room_id)
    people = store.participants.all() if everything else []
    state = store.rooms.state(room_id)
    question = store.catalog.questions().get(state.question) if state.question else None
    phase = next((p for p in store.catalog.phases() if p.id == state.phase), None)
    position = ""
    if state.question in room.questions:
        position = _("question {n} of {total}").format(
            n=room.questions.index(state.question) + 1, total=len(room.questions)
        )
    return RoomView(
        question=question,
        phase=phase,
        countdown=Countdown(state.timer_seconds, state.timer_elapsed_ms, state.timer_started_at),
        position=position,
        names=[p.name for p in people],
        tags=store.contributions.tags() if everything else [],
        vote=store.votes.round(room_id) if everything else None,
        room_names=tuple(p.name for p in people if p.room == room_id),
    )


def read_rows(store: Store, room_id: str, row_filter: RowFilter) -> Rows:
    """The rows `row_filter` shows, and the log's position they are read at: everything
    logged after it is in `read_changes(store, room_id, rows.last_event, …)`."""
    last_event = store.events.last_seq()
    seqs = store.contributions.seqs(
        room=room_id,
        question=row_filter.question,
        kind=row_filter.kind,
        tag=row_filter.tag,
        search=row_filter.search or None,
    )
    return Rows(seqs, last_event)


def read_changes(
    store: Store, room_id: str, after_seq: int, known_tags: set[str]
) -> Changes | None:
    """What was logged for the room (and the whole workshop) after `after_seq`; None if
    nothing was. `known_tags`: the tags the room knows, so a new one reads the room again."""
    events = store.events.all(room=room_id, after_seq=after_seq, with_global=True)
    if not events:
        return None
    changed = list(
        dict.fromkeys(e.subject for e in events if e.subject and e.action.names_contribution)
    )
    rows: list[Contribution] = []
    for start in range(0, len(changed), 500):
        rows.extend(store.contributions.by_ids(changed[start : start + 500]))
    return Changes(
        rows=rows,
        last_event=events[-1].seq,
        room_changed=any(_may_change_room(e, known_tags) for e in events),
        renamed=any(e.action in PEOPLE_CHANGED or e.action.changes_drawn_names for e in events),
    )


def _may_change_room(event: Event, known_tags: set[str]) -> bool:
    """Whether the question, phase, clock, names or tags may have moved. Most events are new
    contributions: with thirty terminals in a room, re-reading the room for each one was
    most of the work a commit caused. A dot changes the open vote's count on the status
    line, so it counts."""
    if event.action is EventName.CONTRIBUTION_ADD:
        return not set(event.data.get("tags") or ()) <= known_tags
    return True
