"""The data exports: JSON (the archive; its schema is in docs/export-json.md) and CSV.

Pure functions from a `WorkshopRecord` to text. Consent comes from `domain/consent.py`: the
CSV follows the summary surface, the JSON the archive surface, which with `attribute`
keeps off-the-record contributions too, marked `"off_record": true` and without a name.
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from collections.abc import Sequence
from typing import Any

from hubworkshop.domain.consent import ConsentPolicy, Surface, consent_counts, policy
from hubworkshop.domain.events import EventName
from hubworkshop.domain.model import Participant
from hubworkshop.domain.ranking import across_rooms
from hubworkshop.domain.records import WorkshopRecord
from hubworkshop.reports.scope import ExportRequest, Scope

JSON_SCHEMA_VERSION = 1
_QUESTION_EVENTS = (EventName.QUESTION_OPEN, EventName.QUESTION_CLOSE)


def workshop_document(
    record: WorkshopRecord,
    *,
    attribute: bool = False,
    room: str | None = None,
    theme: str | None = None,
) -> dict[str, Any]:
    """The whole workshop as plain data, ordered so the same database gives the same output."""
    scope = Scope(room, theme)
    scope.check(record)
    workshop = record.workshop
    rooms = record.rooms
    consent = policy(Surface.ARCHIVE, attribute=attribute, participants=record.participants)
    everything = scope.contributions(record)
    kept = consent.visible(everything)
    kept_ids = {c.id for c in kept}
    participants: Sequence[Participant] = record.participants
    if room or theme:  # a part of the workshop: the people who spoke in it
        spoke = {c.author_id for c in everything}
        participants = [p for p in participants if p.id in spoke]
    scoped_rooms = [room] if room else ([] if theme else list(rooms))
    return {
        "format": "hubworkshop-export",
        "schema_version": JSON_SCHEMA_VERSION,
        "attributed": attribute,
        "scope": {"room": room, "theme": theme},
        "withheld": len(everything) - len(kept),
        "workshop": {
            key: getattr(workshop, key) if key != "languages" else list(workshop.languages)
            for key in (
                "id",
                "title",
                "date",
                "start",
                "end",
                "timezone",
                "languages",
                "note",
                "dots",
                "url",
                "organisers",
            )
        },
        "bank": {
            "id": workshop.bank_id,
            "title": workshop.bank_title,
            "languages": list(workshop.bank_languages),
            "ranking_subject": workshop.ranking_subject.as_dict(),
        },
        "agenda": [
            {
                "id": p.id,
                "part": p.part,
                "title": p.title,
                "activity": p.activity.value,
                "start": f"{p.start:%H:%M}",
                "minutes": p.minutes,
                "questions": list(p.questions),
            }
            for p in record.phases
        ],
        "themes": [
            {"id": t.id, "title": t.title.as_dict(), "questions": [q.id for q in t.questions]}
            for t in record.themes
        ],
        "questions": [
            {
                "id": q.id,
                "theme": q.theme,
                "headline": q.headline,
                "text": q.text.as_dict(),
                "follow_ups": [f.as_dict() for f in q.follow_ups],
            }
            for q in record.questions.values()
        ],
        "roles": [{"id": r.id, "label": r.label.as_dict()} for r in record.roles],
        "rooms": [
            {"id": r.id, "name": r.name, "language": r.language, "questions": list(r.questions)}
            for r in rooms.values()
        ],
        "participants": {
            "count": len(participants),
            "by_consent": consent_counts(participants),
            "named": consent.named_people(participants),
        },
        "contributions": [
            {
                "id": c.id,
                "short_id": c.short_id,
                "room": c.room,
                "question": c.question,
                "kind": c.kind.value,
                "text": c.text,
                "language": c.language,
                "author": consent.author(c),
                "off_record": consent.is_off_record(c),
                "tags": list(c.tags),
                "votes": c.votes,
                "starred": c.starred,
                "parked": c.parked,
                "merged_into": c.merged_into,
                "cluster": c.cluster,
                "owner": c.owner if consent.may_name(c.owner) else None,
                "due": c.due,
                "created_at": c.created_at,
                "updated_at": c.updated_at,
                "phase": c.phase,
                "responds_to": c.responds_to,
            }
            for c in kept
        ],
        # The workshop's time: what the summary reads from the event log (when each room
        # opened which question, started its clock, first and last did something), and
        # where each room stands, so an imported archive tells the same minutes.
        "timeline": [
            {
                "at": e.at,
                "room": e.room,
                "action": e.action.value,
                # The question opened or closed; other subjects (a contribution's id, a
                # person's name) are not the summary's business.
                "subject": e.subject if e.action in _QUESTION_EVENTS else None,
            }
            for e in record.timeline
            if e.room in scoped_rooms
        ],
        "room_states": {
            r: {"question": record.room_states[r].question, "phase": record.room_states[r].phase}
            for r in scoped_rooms
            if r in record.room_states
        },
        # Ranking, purpose statements and takeaways are rooms' outcomes: a theme has none.
        "task_ranking": _ranking(record, scoped_rooms, consent),
        "purpose_statements": [
            {"room": p.room, "text": p.text, "final": p.final, "created_at": p.created_at}
            for p in record.purpose_statements
            if p.room in scoped_rooms
        ],
        "takeaways": {
            r: [c.id for c in record.takeaways.get(r, ()) if c.id in kept_ids] for r in scoped_rooms
        },
    }


def _ranking(
    record: WorkshopRecord, rooms: Sequence[str], consent: ConsentPolicy
) -> dict[str, Any]:
    """Borda scores across `rooms` and each room's order, from the ballots the consent rule
    lets count; named participants' own orders only where names may be shown."""
    rankings = {r: b for r, b in consent.ballots(record.rankings).items() if r in rooms}
    scores, orders = across_rooms(rankings, [r.id for r in record.roles])
    return {
        "method": "borda",
        "scores": [
            {"role": s.role, "points": s.points, "rank": s.rank, "tied": s.tied} for s in scores
        ]
        if rankings
        else [],
        "rooms": {r: orders[r] for r in record.rooms if r in orders},
        "participants": consent.named_ballots(rankings),
    }


def to_json(record: WorkshopRecord, request: ExportRequest) -> str:
    """The JSON archive (docs/export-json.md); `lang` does not change it."""
    document = workshop_document(
        record, attribute=request.attribute, room=request.room, theme=request.theme
    )
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


CSV_COLUMNS = [
    "id",
    "short_id",
    "room",
    "theme",
    "question",
    "kind",
    "text",
    "language",
    "author",
    "tags",
    "votes",
    "starred",
    "parked",
    "created_at",
    "updated_at",
    "owner",
    "due",
    "cluster",
    "merged_into",
    "phase",
]
# A cell starting with one of these is a formula to a spreadsheet: prefix it with ' (OWASP).
# Spreadsheets skip leading spaces, line breaks and invisible characters (no-break space,
# zero-width space, a byte-order mark) before they look, so the guard skips them too.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> object:
    if isinstance(value, str) and _lead(value).startswith(_FORMULA_START):
        return "'" + value
    return value


def _lead(value: str) -> str:
    """The cell from its first character a spreadsheet would read as content."""
    for index, char in enumerate(value):
        if char in "\t\r":
            return value[index:]
        if not (char.isspace() or unicodedata.category(char) in ("Cf", "Cc", "Zs", "Zl", "Zp")):
            return value[index:]
    return ""


def to_csv(record: WorkshopRecord, request: ExportRequest) -> str:
    """One row per contribution, for spreadsheets; same consent rules as the summaries."""
    scope = request.scope
    scope.check(record)
    consent = policy(Surface.SUMMARY, attribute=request.attribute, participants=record.participants)
    theme_of = {q.id: q.theme for q in record.questions.values()}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for c in consent.visible(scope.contributions(record)):
        row = [
            c.id,
            c.short_id,
            c.room,
            theme_of.get(c.question or "", ""),
            c.question or "",
            c.kind.value,
            c.text,
            c.language,
            consent.author(c) or "",
            " ".join(c.tags),
            c.votes,
            int(c.starred),
            int(c.parked),
            c.created_at,
            c.updated_at,
            c.owner if c.owner and consent.may_name(c.owner) else "",
            c.due or "",
            c.cluster or "",
            c.merged_into or "",
            c.phase or "",
        ]
        writer.writerow([_cell(v) for v in row])
    return buffer.getvalue()
