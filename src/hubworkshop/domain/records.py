"""What the store reads and writes besides the plan's own types: plain, immutable records.

The TUI, the CLI and the reports use these without importing the storage package.
"""

# Without `from __future__ import annotations`, as model.py (why: there).

from collections.abc import Mapping
from typing import Any, NamedTuple

from hubworkshop.domain.errors import NotFoundError
from hubworkshop.domain.events import EventName
from hubworkshop.domain.i18n import _
from hubworkshop.domain.model import (
    Contribution,
    Kind,
    LocalText,
    Participant,
    Phase,
    Plan,
    Question,
    Role,
    Room,
    Theme,
)
from hubworkshop.domain.timer import Countdown


class Workshop(NamedTuple):
    """The workshop as the database keeps it: the plan's event, and which bank it used."""

    id: str
    title: str
    date: str
    start: str
    end: str
    timezone: str
    languages: tuple[str, ...]
    note: str
    dots: int
    url: str
    organisers: str
    bank_id: str
    bank_title: str
    bank_languages: tuple[str, ...]
    created_at: str
    plan_source: str = ""
    """The plan file the database was made from (empty: not recorded)."""
    plan_sha256: str = ""
    ranking_subject: LocalText = LocalText({})
    """What the bank says its ranked items are ("What hubs should do"); may be empty."""

    @property
    def default_language(self) -> str:
        """The language of the workshop's own text: the first the plan lists."""
        return self.languages[0]

    @property
    def bank_default_language(self) -> str:
        return self.bank_languages[0]


class Draft(NamedTuple):
    """A contribution as a note-taker typed it, before it is stored."""

    room: str
    text: str
    question: str | None = None
    kind: Kind | str = Kind.IDEA
    author: str | None = None
    tags: tuple[str, ...] = ()
    language: str | None = None
    parked: bool = False
    responds_to: str | None = None
    """The point (its id, or a short id) an agreement or disagreement answers."""


class RoomState(NamedTuple):
    """A room's open question and phase timer (the timer is driven by the live room UI)."""

    room: str
    question: str | None
    question_opened_at: str | None
    phase: str | None
    timer_seconds: int
    timer_elapsed_ms: int
    timer_started_at: str | None
    updated_at: str

    @property
    def countdown(self) -> Countdown:
        return Countdown(self.timer_seconds, self.timer_elapsed_ms, self.timer_started_at)


class VoteRound(NamedTuple):
    id: int
    room: str
    dots: int
    opened_at: str
    used: dict[str, int]
    cast: int


class PurposeStatement(NamedTuple):
    id: int
    room: str
    text: str
    author: str | None
    final: bool
    created_at: str


class Event(NamedTuple):
    """One entry of the event log."""

    seq: int
    at: str
    actor: str | None
    room: str | None
    action: EventName
    subject: str | None
    data: dict[str, Any]
    uid: str | None = None  # the same in every copy of the workshop (`hubworkshop merge`)


class RoomOverview(NamedTuple):
    """One room at a glance, for the lead facilitator's dashboard."""

    room: Room
    state: RoomState | None
    kinds: dict[str, int]
    last_activity: str | None
    votes: int


class WorkshopRecord(NamedTuple):
    """Everything a report reads, taken from the database in one read transaction, so an
    export is consistent while terminals write."""

    workshop: Workshop
    phases: tuple[Phase, ...]
    rooms: Mapping[str, Room]
    themes: tuple[Theme, ...]
    questions: Mapping[str, Question]
    roles: tuple[Role, ...]
    participants: tuple[Participant, ...]
    contributions: tuple[Contribution, ...]
    """Every contribution not deleted, in capture order."""
    room_states: Mapping[str, RoomState]
    timeline: tuple[Event, ...]
    """The events that tell how long each room spent on each question."""
    rankings: Mapping[str, Mapping[str | None, list[str]]]
    """room -> participant name (None: the room's agreed order) -> role ids, best first."""
    purpose_statements: tuple[PurposeStatement, ...]
    takeaways: Mapping[str, tuple[Contribution, ...]]


def find_room(rooms: Mapping[str, Room], room_id: str) -> Room:
    """The room with this id, or a NotFoundError that lists the known rooms."""
    try:
        return rooms[room_id]
    except KeyError:
        known = ", ".join(rooms)
        raise NotFoundError(
            _("unknown room '{room_id}' (rooms: {known})").format(room_id=room_id, known=known)
        ) from None


class ArchivedContribution(NamedTuple):
    """One contribution as the JSON archive keeps it (docs/export-json.md)."""

    id: str
    room: str
    question: str | None
    kind: str
    text: str
    language: str
    author: str | None
    off_record: bool
    tags: tuple[str, ...]
    votes: int
    starred: bool
    parked: bool
    merged_into: str | None
    cluster: str | None
    owner: str | None
    due: str | None
    created_at: str
    updated_at: str
    phase: str | None = None
    responds_to: str | None = None


class TimelineEntry(NamedTuple):
    """One event of the archive's timeline: what the summary reads of the event log."""

    at: str
    room: str
    action: EventName
    subject: str | None


class Archive(NamedTuple):
    """Everything the full attributed JSON archive holds, to rebuild a workshop from it."""

    plan: Plan
    participants: Mapping[str, int]
    """How many participants chose each consent level."""
    named: tuple[str, ...]
    contributions: tuple[ArchivedContribution, ...]
    room_orders: Mapping[str, tuple[str, ...]]
    own_orders: Mapping[str, Mapping[str, tuple[str, ...]]]
    purpose_statements: tuple[PurposeStatement, ...]
    takeaways: Mapping[str, tuple[str, ...]]
    timeline: tuple[TimelineEntry, ...] = ()
    """Archives from before issue #30 have none: the workshop's minutes are then unknown."""
    room_states: Mapping[str, tuple[str | None, str | None]] = {}
    """room -> (its open question, its phase)."""
