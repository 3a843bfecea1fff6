"""The workshop's vocabulary: plain data, shared by the bank, the plan, the store and the UI."""

# No `from __future__ import annotations` here: with it, typing.NamedTuple compiles every
# field's annotation string at import (a ForwardRef each), 1.4 ms of every command's start
# for this module and records.py together.

import datetime as dt
from collections.abc import Iterator, Mapping
from enum import StrEnum
from types import MappingProxyType
from typing import NamedTuple

DEFAULT_LANGUAGE = "en"


class Kind(StrEnum):
    """What a contribution is. Quick-capture prefixes are in `quick.py`."""

    IDEA = "idea"
    QUESTION = "question"
    CONCERN = "concern"
    PROPOSAL = "proposal"
    AGREEMENT = "agreement"
    DISAGREEMENT = "disagreement"
    ACTION = "action"


class Consent(StrEnum):
    """How a participant agreed to appear in summaries."""

    NAMED = "named"
    ANONYMOUS = "anonymous"
    OFF_RECORD = "off-record"


class UserRole(StrEnum):
    """Who is at a terminal. Only facilitators move a room's clock and question."""

    NOTE_TAKER = "note-taker"
    FACILITATOR = "facilitator"

    def grants(self, role: "UserRole") -> bool:
        """Whether a session given this role (a `serve` link) may act as `role`: a
        facilitator may also take notes; a note-taker never runs the room."""
        return self is UserRole.FACILITATOR or role is UserRole.NOTE_TAKER


class Activity(StrEnum):
    """What a phase of the agenda is for; the room screen adapts to it."""

    PLENARY = "plenary"
    BRAINSTORM = "brainstorm"
    DISCUSSION = "discussion"
    PURPOSE_STATEMENT = "purpose-statement"
    TASK_RANKING = "task-ranking"
    BREAK = "break"
    WRAP_UP = "wrap-up"


class LocalText(Mapping[str, str]):
    """One text in several languages; a missing language falls back to the default one."""

    __slots__ = ("_default", "_texts")

    def __init__(self, texts: Mapping[str, str], default: str = DEFAULT_LANGUAGE):
        self._texts = MappingProxyType(dict(texts))
        self._default = default

    def __getitem__(self, lang: str) -> str:
        return self._texts[lang]

    def __iter__(self) -> Iterator[str]:
        return iter(self._texts)

    def __len__(self) -> int:
        return len(self._texts)

    def __repr__(self) -> str:
        return f"LocalText({dict(self._texts)!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Mapping) and dict(self._texts) == dict(other)

    def __hash__(self) -> int:
        return hash(tuple(sorted(self._texts.items())))

    def get_text(self, lang: str) -> str:
        """The text in `lang`, else along its fallback chain (`pt-BR` -> `pt`), else in the
        default language."""
        found = self._texts.get(lang)
        if found:
            return found
        base = lang.replace("_", "-").split("-")[0].lower()
        return self._texts.get(base) or self._texts.get(self._default, "")

    def has(self, lang: str) -> bool:
        return bool(self._texts.get(lang))

    def as_dict(self) -> dict[str, str]:
        return dict(self._texts)


class Question(NamedTuple):
    id: str
    theme: str
    text: LocalText
    follow_ups: tuple[LocalText, ...] = ()
    headline: bool = False


class Theme(NamedTuple):
    id: str
    title: LocalText
    questions: tuple[Question, ...]


class Role(NamedTuple):
    """One item of the task-ranking activity, as the bank names it (`## roles` in bank.md)."""

    id: str
    label: LocalText


class Bank(NamedTuple):
    id: str
    title: str
    languages: tuple[str, ...]
    themes: tuple[Theme, ...]
    roles: tuple[Role, ...]
    ranking_subject: LocalText = LocalText({})
    """What the ranked items are, in the bank's languages ("What hubs should do"); empty
    when the bank does not say."""

    @property
    def questions(self) -> dict[str, Question]:
        return {q.id: q for theme in self.themes for q in theme.questions}


class Phase(NamedTuple):
    id: str
    title: str
    activity: Activity
    start: dt.time
    minutes: int
    part: str = ""
    questions: tuple[str, ...] = ()
    """The questions this phase discusses (the plan's optional `questions`): opening the
    phase opens the first of them a room has, and opening one of them opens the phase."""

    @property
    def end(self) -> dt.time:
        return add_minutes(self.start, self.minutes)


class Room(NamedTuple):
    id: str
    name: str
    questions: tuple[str, ...]
    language: str = ""
    """The language the room works in (one of the plan's); empty: the workshop's first."""


class Plan(NamedTuple):
    id: str
    title: str
    date: dt.date
    start: dt.time
    end: dt.time
    timezone: str
    languages: tuple[str, ...]
    note: str
    dots: int
    phases: tuple[Phase, ...]
    rooms: tuple[Room, ...]
    bank: Bank
    url: str = ""
    organisers: str = ""
    source: str = ""
    """The plan file it was read from (empty when it came from an archive)."""
    fingerprint: str = ""
    """The SHA-256 of that file's bytes: what a database records of the plan it was made
    from, to refuse another plan later."""


class Participant(NamedTuple):
    id: int
    name: str
    consent: Consent
    language: str | None = None
    room: str | None = None


class Contribution(NamedTuple):
    id: str
    seq: int
    room: str
    question: str | None
    kind: Kind
    text: str
    language: str
    author_id: int | None
    author: str | None
    consent: Consent | None
    note_taker: str | None
    created_at: str
    updated_at: str
    deleted_at: str | None = None
    parked: bool = False
    starred: bool = False
    tags: tuple[str, ...] = ()
    votes: int = 0
    merged_into: str | None = None
    merged_count: int = 0
    cluster: str | None = None
    owner: str | None = None
    due: str | None = None
    phase: str | None = None
    """The agenda phase the room was in when the contribution was saved (None: not known)."""
    responds_to: str | None = None
    """The point an agreement or disagreement answers (its id), if the note-taker said."""

    @property
    def short_id(self) -> str:
        return self.id[:8]


def add_minutes(t: dt.time, minutes: int) -> dt.time:
    moment = dt.datetime.combine(dt.date(2000, 1, 1), t) + dt.timedelta(minutes=minutes)
    return moment.time()


def minutes_between(a: dt.time, b: dt.time) -> int:
    day = dt.date(2000, 1, 1)
    return int((dt.datetime.combine(day, b) - dt.datetime.combine(day, a)).total_seconds() // 60)
