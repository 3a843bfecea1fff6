"""The consent rule: the one place that decides what each surface may show of what people said.

People choose how they are recorded: **named** (may be credited), **anonymous** (quoted
without a name; the default for a new name) or **off the record** (left out of what is
published). Every screen, export and command that shows or writes contributions asks a
`ConsentPolicy` for its surface, and nothing else compares consent levels (a test checks).

| surface      | off-the-record points | names of speakers and owners              |
| ------------ | --------------------- | ----------------------------------------- |
| room         | shown                 | as recorded (the note-takers' own record) |
| dashboard    | counted, never shown  | never (counts only)                       |
| page         | shown (it is the room) | never (a participant's own are "yours")  |
| presenter    | left out              | never                                     |
| report-back  | left out              | never                                     |
| summary      | left out (counted)    | only with `attribute`, only if named      |
| archive      | only with `attribute` | only with `attribute`, only if named      |

The summary surface covers Markdown, wikitext and CSV; the archive is the JSON export.

Task-ranking ballots follow the same rule: outside the room an off-the-record participant's
own order is never counted, alone or inside a room's order; an anonymous one counts without
a name; a named one may be listed by name where names may be shown. Dots are counted
without names, like a show of hands, whoever cast them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from hubworkshop.domain.model import Consent, Contribution, Participant
from hubworkshop.domain.names import loose_key, name_key

Rankings = Mapping[str, Mapping[str | None, Sequence[str]]]
"""room -> participant name (None: the room's agreed order) -> role ids, best first."""


class Surface(StrEnum):
    """Where contributions are shown or written."""

    ROOM = "room"
    PRESENTER = "presenter"
    REPORT_BACK = "report-back"
    SUMMARY = "summary"
    ARCHIVE = "archive"
    PAGE = "page"
    """The participants' page of a room (web/): what everyone in the room heard, no names."""


_PUBLIC = frozenset({Surface.PRESENTER, Surface.REPORT_BACK, Surface.PAGE})
_IN_THE_ROOM = frozenset({Surface.ROOM, Surface.PAGE})


@dataclass(frozen=True, slots=True)
class ConsentPolicy:
    """What one surface may show. Build it with `policy()`."""

    surface: Surface
    attribute: bool = False
    consents: Mapping[str, Consent] = field(default_factory=dict)
    """Participants' consent by folded name: an action owner is a name too."""
    loose: Mapping[str, Consent] = field(default_factory=dict)
    """The strictest consent of the participants each accent-less spelling may mean: an
    owner written `jose nandu` points at `José Ñandú` when no one is called that exactly."""

    def shows(self, contribution: Contribution) -> bool:
        """Whether the contribution may appear at all on this surface."""
        if self.surface in _IN_THE_ROOM or contribution.consent is not Consent.OFF_RECORD:
            return True
        return self.surface is Surface.ARCHIVE and self.attribute

    def visible(self, contributions: Iterable[Contribution]) -> list[Contribution]:
        """The contributions this surface may show. One merged into a point that is not
        shown here stands as a point of its own (`merged_into` cleared), so what may be
        shown never disappears with what may not, and no hidden point's id leaks; a response
        to a point not shown here answers nothing (`responds_to` cleared)."""
        shown = [c for c in contributions if self.shows(c)]
        ids: set[str] | None = None
        for index, c in enumerate(shown):
            if c.merged_into is not None or c.responds_to is not None:
                if ids is None:
                    ids = {x.id for x in shown}
                if c.merged_into is not None and c.merged_into not in ids:
                    c = shown[index] = c._replace(merged_into=None)
                if c.responds_to is not None and c.responds_to not in ids:
                    shown[index] = c._replace(responds_to=None)
        return shown

    def author(self, contribution: Contribution) -> str | None:
        """The speaker's name as this surface may show it, or None."""
        if self.surface is Surface.ROOM:
            return contribution.author
        if self._names and contribution.consent is Consent.NAMED:
            return contribution.author
        return None

    def may_name(self, name: str | None) -> bool:
        """Whether a free-text name (an action owner) may be shown: never a participant who
        did not agree to be named; a name that is nobody on the roster may be."""
        if not name:
            return False
        if self.surface is Surface.ROOM:
            return True
        if not self._names:
            return False
        consent = self.consents.get(fold(name)) or self.loose.get(loose_key(name))
        return consent is None or consent is Consent.NAMED

    @property
    def publishable(self) -> bool:
        """False for what may hold off-the-record words (the attributed archive): such a file
        is made readable by its owner only, like the database."""
        return not (self.surface is Surface.ARCHIVE and self.attribute)

    def is_off_record(self, contribution: Contribution) -> bool:
        """For the archive, which keeps off-the-record points only to mark them so."""
        return contribution.consent is Consent.OFF_RECORD

    def ballots(self, rankings: Rankings) -> dict[str, dict[str | None, list[str]]]:
        """The task-ranking ballots this surface may count (rooms left with none are dropped):
        the room's agreed order (key None) and participants' own orders, never an
        off-the-record participant's outside the room."""
        kept: dict[str, dict[str | None, list[str]]] = {}
        for room, ballots in rankings.items():
            counted = {
                who: list(order)
                for who, order in ballots.items()
                if who is None or self.surface is Surface.ROOM or self._counted(who)
            }
            if counted:
                kept[room] = counted
        return kept

    def named_ballots(self, rankings: Rankings) -> dict[str, dict[str, list[str]]]:
        """Participants' own orders this surface may list under their names."""
        named: dict[str, dict[str, list[str]]] = {}
        for room, ballots in rankings.items():
            mine = {
                who: list(order)
                for who, order in ballots.items()
                if who is not None and self._names and self.consents.get(fold(who)) is Consent.NAMED
            }
            if mine:
                named[room] = dict(sorted(mine.items()))
        return named

    def _counted(self, who: str) -> bool:
        return self.consents.get(fold(who)) is not Consent.OFF_RECORD

    def named_people(self, participants: Iterable[Participant]) -> list[str]:
        """The participants this surface may list by name, sorted."""
        if not self._names:
            return []
        return sorted(p.name for p in participants if p.consent is Consent.NAMED)

    @property
    def _names(self) -> bool:
        return self.attribute and self.surface not in _PUBLIC


def policy(
    surface: Surface, *, attribute: bool = False, participants: Iterable[Participant] = ()
) -> ConsentPolicy:
    """The consent policy of a surface; `participants` lets it judge owners' names."""
    people = list(participants)
    loose: dict[str, Consent] = {}
    for p in people:
        key = loose_key(p.name)
        loose[key] = strictest(loose[key], p.consent) if key in loose else p.consent
    return ConsentPolicy(surface, attribute, {fold(p.name): p.consent for p in people}, loose)


_RESTRICTIVENESS = (Consent.NAMED, Consent.ANONYMOUS, Consent.OFF_RECORD)


def strictest(*levels: Consent) -> Consent:
    """The most restrictive of consent levels (off the record over anonymous over named):
    what one person entered twice keeps when the entries are merged."""
    return max(levels, key=_RESTRICTIVENESS.index)


def merge_needs_asking(*levels: Consent) -> bool:
    """Whether two entries of one person disagree on consent: merging them then asks which
    the person gave (never lowered, nor raised, without asking)."""
    return len(set(levels)) > 1


def consent_counts(participants: Iterable[Participant]) -> dict[str, int]:
    """How many participants chose each level, every level listed (for the archive)."""
    counts = dict.fromkeys((c.value for c in Consent), 0)
    for person in participants:
        counts[person.consent.value] += 1
    return counts


def fold(name: str) -> str:
    """Names compare as people write them (`domain/names.py`)."""
    return name_key(name)


def credited(consent: Consent) -> bool:
    """Whether a person chose to be named: only then do they give a name (the participants'
    page gives everyone else a guest name, so anonymity needs no name at all)."""
    return consent is Consent.NAMED


def erased_with_their_words(consent: Consent) -> bool:
    """Whether erasing a person must remove what they said too: an off-the-record person's
    words, left without a speaker, would read as anonymous and be published."""
    return consent is Consent.OFF_RECORD
