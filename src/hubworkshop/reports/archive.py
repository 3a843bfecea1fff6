"""Reading the JSON archive back (docs/export-json.md): the full attributed export of a
whole workshop, checked field by field, as an `Archive` the store can rebuild a database from.

Every problem is one line naming the file and the field (`contributions[3].kind`), and the
line of the file for a JSON syntax error.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from hubworkshop.domain import fields
from hubworkshop.domain.errors import InputError
from hubworkshop.domain.events import EventName
from hubworkshop.domain.i18n import _
from hubworkshop.domain.model import (
    Activity,
    Bank,
    Consent,
    Kind,
    LocalText,
    Phase,
    Plan,
    Question,
    Role,
    Room,
    Theme,
)
from hubworkshop.domain.names import name_key
from hubworkshop.domain.records import (
    Archive,
    ArchivedContribution,
    PurposeStatement,
    TimelineEntry,
)
from hubworkshop.reports.data import JSON_SCHEMA_VERSION

T = TypeVar("T")


class _Reader:
    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, where: str, message: str) -> InputError:
        return InputError(f"{self.source}: {where}: {message}")

    def field(self, data: Any, where: str, key: str, kind: type[T] | tuple[type, ...]) -> Any:
        if not isinstance(data, dict):
            raise self.fail(where, "must be an object")
        if key not in data:
            raise self.fail(f"{where}.{key}".lstrip("."), "missing")
        value = data[key]
        if isinstance(value, bool) and kind in (int, str):
            raise self.fail(f"{where}.{key}".lstrip("."), f"must be {_name(kind)}")
        if not isinstance(value, kind):
            raise self.fail(f"{where}.{key}".lstrip("."), f"must be {_name(kind)}")
        return value

    def text(self, data: Any, where: str, key: str) -> str:
        return str(self.field(data, where, key, str))

    def maybe(self, data: Any, where: str, key: str) -> str | None:
        value = self.field(data, where, key, (str, type(None)))
        return None if value is None else str(value)

    def items(self, data: Any, where: str, key: str) -> list[Any]:
        return list(self.field(data, where, key, list))

    def strings(self, data: Any, where: str, key: str) -> tuple[str, ...]:
        values = self.items(data, where, key)
        for i, value in enumerate(values):
            if not isinstance(value, str):
                raise self.fail(f"{where}.{key}[{i}]".lstrip("."), "must be text")
        return tuple(values)

    def local(self, data: Any, where: str, key: str, default: str) -> LocalText:
        value = self.field(data, where, key, dict)
        if key.isdigit():  # an item of a list: follow_ups[2]
            where, key = f"{where}[{key}]", ""
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
            raise self.fail(f"{where}.{key}".strip("."), "must map languages to text")
        return LocalText(value, default)

    def parse(self, where: str, value: str, parse: Callable[[str], T], what: str) -> T:
        try:
            return parse(value)
        except ValueError:
            raise self.fail(where, f"'{value}' is not {what}") from None


def _name(kind: type | tuple[type, ...]) -> str:
    names = {str: "text", int: "a number", bool: "true or false", list: "a list", dict: "an object"}
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(names.get(k, "null") for k in kinds)


def read_archive(text: str, source: str) -> Archive:
    """The archive in `text` (from the file named `source`), or InputError saying what is wrong."""
    r = _Reader(source)
    if fields.json_too_deep(text):
        raise r.fail(
            "(document)", f"nests deeper than {fields.MAX_JSON_DEPTH} levels: not an archive"
        )
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(
            _("{source}:{lineno}: not JSON: {msg}").format(
                source=source, lineno=error.lineno, msg=error.msg
            )
        ) from None
    if not isinstance(data, dict) or data.get("format") != "hubworkshop-export":
        raise r.fail("format", "not a hubworkshop JSON export")
    version = r.field(data, "", "schema_version", int)
    if version != JSON_SCHEMA_VERSION:
        raise r.fail(
            "schema_version", f"{version} is not one this version reads ({JSON_SCHEMA_VERSION})"
        )
    scope = r.field(data, "", "scope", dict)
    if not r.field(data, "", "attributed", bool) or any(scope.get(k) for k in ("room", "theme")):
        raise r.fail(
            "attributed",
            "only the full archive of a whole workshop can be imported "
            "(hubworkshop export --format json --attribute, without --room or --theme)",
        )
    plan = _plan(r, data)
    people = r.field(data, "", "participants", dict)
    counts = r.field(people, "participants", "by_consent", dict)
    participants: dict[str, int] = {}
    for consent in Consent:
        value = r.field(counts, "participants.by_consent", consent.value, int)
        if value < 0:
            raise r.fail(f"participants.by_consent.{consent.value}", "must not be negative")
        if value > len(text):  # one placeholder per counted person: never more than the file
            raise r.fail(
                f"participants.by_consent.{consent.value}",
                f"{value} people is more than this file of {len(text)} characters can hold",
            )
        participants[consent.value] = value
    named = r.strings(people, "participants", "named")
    named_keys: set[str] = set()
    for i, name in enumerate(named):
        where = f"participants.named[{i}]"
        why = fields.bad_name(name)
        if why is not None:
            raise r.fail(where, why)
        if _PLACEHOLDER.fullmatch(name_key(name)):
            raise r.fail(where, f"{name!r} is how an import writes an unnamed person, not a name")
        if name_key(name) in named_keys:
            raise r.fail(where, f"{name!r} is listed twice")
        named_keys.add(name_key(name))
    if participants[Consent.NAMED.value] != len(named):
        raise r.fail(
            "participants.named",
            f"lists {len(named)} people, but by_consent.named counts "
            f"{participants[Consent.NAMED.value]}",
        )
    rooms = {room.id for room in plan.rooms}
    questions = {q.id for t in plan.bank.themes for q in t.questions}
    phases = {p.id for p in plan.phases}
    contributions = tuple(
        _contribution(r, item, f"contributions[{i}]", rooms, questions, phases)
        for i, item in enumerate(r.items(data, "", "contributions"))
    )
    ids = {c.id for c in contributions}
    if len(ids) != len(contributions):
        raise r.fail("contributions", "an id appears twice")
    for i, c in enumerate(contributions):
        for key in ("merged_into", "responds_to"):
            target = getattr(c, key)
            if target is not None and target not in ids:
                raise r.fail(f"contributions[{i}].{key}", f"no contribution '{target}'")
        # Consent must agree with the people the archive names: only a named person is
        # credited, and an off-the-record point is credited to no one.
        if c.author is not None and (c.off_record or name_key(c.author) not in named_keys):
            raise r.fail(
                f"contributions[{i}].author",
                f"{c.author!r} is not in participants.named"
                if not c.off_record
                else "an off-the-record contribution names no one",
            )
    cycle = fields.merge_cycle({c.id: c.merged_into for c in contributions})
    if cycle:
        raise r.fail(
            "contributions.merged_into",
            f"{' → '.join([*cycle, cycle[0]])} are merged into each other in a ring",
        )
    ranking = r.field(data, "", "task_ranking", dict)
    roles = {role.id for role in plan.bank.roles}
    room_orders = {
        room: _order(r, order, f"task_ranking.rooms.{room}", roles)
        for room, order in _rooms_map(r, ranking, "task_ranking", "rooms", rooms).items()
    }
    own_orders: dict[str, dict[str, tuple[str, ...]]] = {}
    for room, own in _rooms_map(r, ranking, "task_ranking", "participants", rooms).items():
        if not isinstance(own, dict):
            raise r.fail(f"task_ranking.participants.{room}", "must be an object")
        for who in own:
            if name_key(str(who)) not in named_keys:
                raise r.fail(
                    f"task_ranking.participants.{room}", f"{who!r} is not in participants.named"
                )
        own_orders[room] = {
            str(who): _order(r, order, f"task_ranking.participants.{room}.{who}", roles)
            for who, order in own.items()
        }
    statements = tuple(
        PurposeStatement(
            0,
            _known(
                r,
                r.text(item, f"purpose_statements[{i}]", "room"),
                rooms,
                f"purpose_statements[{i}].room",
            ),
            r.text(item, f"purpose_statements[{i}]", "text"),
            None,
            bool(r.field(item, f"purpose_statements[{i}]", "final", bool)),
            r.text(item, f"purpose_statements[{i}]", "created_at"),
        )
        for i, item in enumerate(r.items(data, "", "purpose_statements"))
    )
    takeaways: dict[str, tuple[str, ...]] = {}
    for room, chosen in _rooms_map(r, data, "", "takeaways", rooms).items():
        where = f"takeaways.{room}"
        if not isinstance(chosen, list) or not all(isinstance(c, str) and c in ids for c in chosen):
            raise r.fail(where, "must list ids of contributions in the archive")
        takeaways[room] = tuple(chosen)
    return Archive(
        plan=plan,
        participants=participants,
        named=named,
        contributions=contributions,
        room_orders=room_orders,
        own_orders=own_orders,
        purpose_statements=statements,
        takeaways=takeaways,
        timeline=_timeline(r, data, rooms, questions),
        room_states=_room_states(r, data, rooms, questions, phases),
    )


def _timeline(
    r: _Reader, data: Mapping[str, Any], rooms: set[str], questions: set[str]
) -> tuple[TimelineEntry, ...]:
    """The archive's timeline (none in archives from before issue #30)."""
    entries = []
    for i, item in enumerate(r.items(data, "", "timeline") if "timeline" in data else ()):
        where = f"timeline[{i}]"
        at = r.text(item, where, "at")
        if (why := fields.bad_time(at)) is not None:
            raise r.fail(f"{where}.at", why)
        room = _known(r, r.text(item, where, "room"), rooms, f"{where}.room")
        action = r.parse(f"{where}.action", r.text(item, where, "action"), EventName, "an event")
        subject = r.maybe(item, where, "subject")
        if subject is not None and subject not in questions:
            raise r.fail(f"{where}.subject", f"no question '{subject}'")
        entries.append(TimelineEntry(at, room, action, subject))
    return tuple(entries)


def _room_states(
    r: _Reader, data: Mapping[str, Any], rooms: set[str], questions: set[str], phases: set[str]
) -> dict[str, tuple[str | None, str | None]]:
    states: dict[str, tuple[str | None, str | None]] = {}
    found = _rooms_map(r, data, "", "room_states", rooms) if "room_states" in data else {}
    for room, state in found.items():
        where = f"room_states.{room}"
        question, phase = r.maybe(state, where, "question"), r.maybe(state, where, "phase")
        if question is not None and question not in questions:
            raise r.fail(f"{where}.question", f"no question '{question}'")
        if phase is not None and phase not in phases:
            raise r.fail(f"{where}.phase", f"no phase '{phase}'")
        states[room] = (question, phase)
    return states


def _plan(r: _Reader, data: Mapping[str, Any]) -> Plan:
    w = r.field(data, "", "workshop", dict)
    b = r.field(data, "", "bank", dict)
    languages = r.strings(w, "workshop", "languages")
    bank_languages = r.strings(b, "bank", "languages")
    if not languages or not bank_languages:
        raise r.fail("workshop.languages", "lists no language")
    for where, codes in (("workshop.languages", languages), ("bank.languages", bank_languages)):
        for i, code in enumerate(codes):
            if (why := fields.bad_language(code)) is not None:
                raise r.fail(f"{where}[{i}]", why)
    default = bank_languages[0]
    themes = []
    questions = {
        r.text(q, f"questions[{i}]", "id"): (i, q)
        for i, q in enumerate(r.items(data, "", "questions"))
    }
    for t_index, t in enumerate(r.items(data, "", "themes")):
        where = f"themes[{t_index}]"
        theme_id = r.text(t, where, "id")
        members = []
        for q_id in r.strings(t, where, "questions"):
            if q_id not in questions:
                raise r.fail(f"{where}.questions", f"no question '{q_id}'")
            i, q = questions[q_id]
            members.append(
                Question(
                    id=q_id,
                    theme=theme_id,
                    text=r.local(q, f"questions[{i}]", "text", default),
                    follow_ups=tuple(
                        r.local({str(n): f}, f"questions[{i}].follow_ups", str(n), default)
                        for n, f in enumerate(r.items(q, f"questions[{i}]", "follow_ups"))
                    ),
                    headline=bool(r.field(q, f"questions[{i}]", "headline", bool)),
                )
            )
        themes.append(Theme(theme_id, r.local(t, where, "title", default), tuple(members)))
    roles = tuple(
        Role(r.text(x, f"roles[{i}]", "id"), r.local(x, f"roles[{i}]", "label", default))
        for i, x in enumerate(r.items(data, "", "roles"))
    )
    phases = []
    for i, p in enumerate(r.items(data, "", "agenda")):
        where = f"agenda[{i}]"
        activity = r.parse(
            f"{where}.activity", r.text(p, where, "activity"), Activity, "an activity"
        )
        phases.append(
            Phase(
                id=r.text(p, where, "id"),
                title=r.text(p, where, "title"),
                activity=activity,
                start=r.parse(
                    f"{where}.start", r.text(p, where, "start"), dt.time.fromisoformat, "a time"
                ),
                minutes=int(r.field(p, where, "minutes", int)),
                part=r.text(p, where, "part"),
                # Archives written before issue #33 name no questions for a phase.
                questions=r.strings(p, where, "questions") if "questions" in p else (),
            )
        )
    for i, phase in enumerate(phases):
        for q_id in phase.questions:
            if q_id not in questions:
                raise r.fail(f"agenda[{i}].questions", f"no question '{q_id}'")
    rooms = tuple(
        Room(
            r.text(x, f"rooms[{i}]", "id"),
            r.text(x, f"rooms[{i}]", "name"),
            r.strings(x, f"rooms[{i}]", "questions"),
            # Archives written before issue #33 have no room language: the first.
            r.text(x, f"rooms[{i}]", "language") if "language" in x else "",
        )
        for i, x in enumerate(r.items(data, "", "rooms"))
    )
    for where, found in (
        ("rooms", [x.id for x in rooms]),
        ("themes", [t.id for t in themes]),
        ("questions", list(questions)),
        ("roles", [x.id for x in roles]),
        ("agenda", [p.id for p in phases]),
    ):
        for i, value in enumerate(found):
            if (why := fields.bad_id(value)) is not None:
                raise r.fail(f"{where}[{i}].id", why)
            if value in found[:i]:
                raise r.fail(f"{where}[{i}].id", f"'{value}' appears twice")
    for i, room in enumerate(rooms):
        if not room.questions:  # as a plan: a room discusses at least one question
            raise r.fail(f"rooms[{i}].questions", "lists no question")
        if room.language and room.language not in languages:
            raise r.fail(f"rooms[{i}].language", f"'{room.language}' is not a workshop language")
        for q_id in room.questions:
            if q_id not in questions:
                raise r.fail(f"rooms[{i}].questions", f"no question '{q_id}'")
    subject = (
        r.local(b, "bank", "ranking_subject", default) if "ranking_subject" in b else LocalText({})
    )
    bank = Bank(
        r.text(b, "bank", "id"),
        r.text(b, "bank", "title"),
        bank_languages,
        tuple(themes),
        roles,
        ranking_subject=subject,
    )
    return Plan(
        id=r.text(w, "workshop", "id"),
        title=r.text(w, "workshop", "title"),
        date=r.parse(
            "workshop.date", r.text(w, "workshop", "date"), dt.date.fromisoformat, "a date"
        ),
        start=r.parse(
            "workshop.start", r.text(w, "workshop", "start"), dt.time.fromisoformat, "a time"
        ),
        end=r.parse("workshop.end", r.text(w, "workshop", "end"), dt.time.fromisoformat, "a time"),
        timezone=r.text(w, "workshop", "timezone"),
        languages=languages,
        note=r.text(w, "workshop", "note"),
        dots=int(r.field(w, "workshop", "dots", int)),
        phases=tuple(phases),
        rooms=rooms,
        bank=bank,
        url=r.text(w, "workshop", "url"),
        organisers=r.text(w, "workshop", "organisers"),
    )


def _contribution(
    r: _Reader, item: Any, where: str, rooms: set[str], questions: set[str], phases: set[str]
) -> ArchivedContribution:
    kind = r.text(item, where, "kind")
    r.parse(f"{where}.kind", kind, Kind, "a kind")
    question = r.maybe(item, where, "question")
    if question is not None and question not in questions:
        raise r.fail(f"{where}.question", f"no question '{question}'")
    # Archives from before issue #30 record neither a phase nor what a point answers.
    phase = r.maybe(item, where, "phase") if "phase" in item else None
    if phase is not None and phase not in phases:
        raise r.fail(f"{where}.phase", f"no phase '{phase}'")
    votes = int(r.field(item, where, "votes", int))
    if votes < 0:
        raise r.fail(f"{where}.votes", "must not be negative")
    for key, check in _CHECKS.items():
        value = item.get(key)
        why = check(value) if value is not None or key in _REQUIRED else None
        if why is not None:
            raise r.fail(f"{where}.{key}", why)
    for t, tag in enumerate(item.get("tags") or ()):
        if (why := fields.bad_text(tag)) is not None:
            raise r.fail(f"{where}.tags[{t}]", why)
    return ArchivedContribution(
        id=r.text(item, where, "id"),
        room=_known(r, r.text(item, where, "room"), rooms, f"{where}.room"),
        question=question,
        kind=kind,
        text=r.text(item, where, "text"),
        language=r.text(item, where, "language"),
        author=r.maybe(item, where, "author"),
        off_record=bool(r.field(item, where, "off_record", bool)),
        tags=r.strings(item, where, "tags"),
        votes=votes,
        starred=bool(r.field(item, where, "starred", bool)),
        parked=bool(r.field(item, where, "parked", bool)),
        merged_into=r.maybe(item, where, "merged_into"),
        cluster=r.maybe(item, where, "cluster"),
        owner=r.maybe(item, where, "owner"),
        due=r.maybe(item, where, "due"),
        created_at=r.text(item, where, "created_at"),
        updated_at=r.text(item, where, "updated_at"),
        phase=phase,
        responds_to=r.maybe(item, where, "responds_to") if "responds_to" in item else None,
    )


_CHECKS = {
    "id": fields.bad_id,
    "text": fields.bad_text,
    "language": fields.bad_language,
    "votes": lambda v: fields.bad_count(v, 0, 1_000_000),
    "merged_into": fields.bad_id,
    "responds_to": fields.bad_id,
    "cluster": lambda v: fields.bad_text(v, empty=True),
    "owner": fields.bad_name,
    "author": fields.bad_name,
    "due": fields.bad_date,
    "created_at": fields.bad_time,
    "updated_at": fields.bad_time,
}
_REQUIRED = frozenset({"id", "text", "language", "votes", "created_at", "updated_at"})
_PLACEHOLDER = re.compile(r"\((anonymous|off the record) [0-9]+\)")


def _known(r: _Reader, value: str, known: set[str], where: str) -> str:
    if value not in known:
        raise r.fail(where, f"no room '{value}'")
    return value


def _rooms_map(r: _Reader, data: Any, where: str, key: str, rooms: set[str]) -> dict[str, Any]:
    value = r.field(data, where, key, dict)
    for room in value:
        _known(r, room, rooms, f"{where}.{key}".lstrip("."))
    return dict(value)


def _order(r: _Reader, order: Any, where: str, roles: set[str]) -> tuple[str, ...]:
    if not isinstance(order, list) or not all(isinstance(x, str) and x in roles for x in order):
        raise r.fail(where, "must list role ids")
    return tuple(order)
