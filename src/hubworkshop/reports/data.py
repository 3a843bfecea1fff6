"""Exports: pure functions from the store to text. The JSON schema is in docs/export-json.md.

Consent rules, shared by every format:

* Without `attribute`, no participant name appears anywhere, and contributions from
  participants who are "off the record" are left out (counted in `withheld`).
* With `attribute`, names appear only for participants whose consent is "named". The JSON
  export with `attribute` is the full archive: it keeps off-the-record contributions too,
  marked `"off_record": true` and still without a name.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from typing import Any

from hubworkshop.domain.errors import NotFoundError
from hubworkshop.domain.model import Consent, Contribution
from hubworkshop.domain.ranking import across_rooms
from hubworkshop.reports.summary import summary_markdown, summary_wikitext
from hubworkshop.storage.store import Store

JSON_SCHEMA_VERSION = 1


def _visible(contribution: Contribution, attribute: bool, keep_off_record: bool) -> bool:
    if contribution.consent is Consent.OFF_RECORD:
        return attribute and keep_off_record
    return True


def _name(contribution: Contribution, attribute: bool) -> str | None:
    if attribute and contribution.consent is Consent.NAMED:
        return contribution.author
    return None


def _scoped(store: Store, room: str | None, theme: str | None) -> list[Contribution]:
    contributions = store.contributions(room=room)
    if theme is not None:
        questions = {q.id for t in store.themes() if t.id == theme for q in t.questions}
        if not questions:
            known = ", ".join(t.id for t in store.themes())
            raise NotFoundError(f"unknown theme '{theme}' (themes: {known})")
        contributions = [c for c in contributions if c.question in questions]
    if room is not None:
        store.room(room)
    return contributions


def workshop_document(
    store: Store,
    *,
    attribute: bool = False,
    room: str | None = None,
    theme: str | None = None,
) -> dict[str, Any]:
    """The whole workshop as plain data, ordered so the same database gives the same output."""
    workshop = store.workshop()
    rooms = store.rooms()
    everything = _scoped(store, room, theme)
    kept = [c for c in everything if _visible(c, attribute, keep_off_record=True)]
    kept_ids = {c.id for c in kept}
    participants = store.participants()
    consents = {p.name.casefold(): p.consent for p in participants}
    return {
        "format": "hubworkshop-export",
        "schema_version": JSON_SCHEMA_VERSION,
        "attributed": attribute,
        "scope": {"room": room, "theme": theme},
        "withheld": len(everything) - len(kept),
        "workshop": {
            key: workshop[key]
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
            "id": workshop["bank_id"],
            "title": workshop["bank_title"],
            "languages": workshop["bank_languages"],
        },
        "agenda": [
            {
                "id": p.id,
                "part": p.part,
                "title": p.title,
                "activity": p.activity.value,
                "start": f"{p.start:%H:%M}",
                "minutes": p.minutes,
            }
            for p in store.phases()
        ],
        "themes": [
            {"id": t.id, "title": t.title.as_dict(), "questions": [q.id for q in t.questions]}
            for t in store.themes()
        ],
        "questions": [
            {
                "id": q.id,
                "theme": q.theme,
                "headline": q.headline,
                "text": q.text.as_dict(),
                "follow_ups": [f.as_dict() for f in q.follow_ups],
            }
            for q in store.questions().values()
        ],
        "roles": [{"id": r.id, "label": r.label.as_dict()} for r in store.roles()],
        "rooms": [
            {"id": r.id, "name": r.name, "questions": list(r.questions)} for r in rooms.values()
        ],
        "participants": {
            "count": len(participants),
            "by_consent": {
                c.value: sum(1 for p in participants if p.consent is c) for c in Consent
            },
            "named": sorted(p.name for p in participants if p.consent is Consent.NAMED)
            if attribute
            else [],
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
                "author": _name(c, attribute),
                "off_record": c.consent is Consent.OFF_RECORD,
                "tags": list(c.tags),
                "votes": c.votes,
                "starred": c.starred,
                "parked": c.parked,
                "merged_into": c.merged_into,
                "cluster": c.cluster,
                "owner": c.owner if attribute and _may_name(c.owner, consents) else None,
                "due": c.due,
                "created_at": c.created_at,
                "updated_at": c.updated_at,
            }
            for c in kept
        ],
        "task_ranking": _ranking(store, room),
        "purpose_statements": [
            {"room": p.room, "text": p.text, "final": p.final, "created_at": p.created_at}
            for p in store.purpose_statements(room)
        ],
        "takeaways": {
            r: [c.id for c in store.takeaways(r) if c.id in kept_ids]
            for r in ([room] if room else rooms)
        },
    }


def _may_name(name: str | None, consents: dict[str, Consent]) -> bool:
    if not name:
        return False
    consent = consents.get(name.casefold())
    return consent is None or consent is Consent.NAMED


def _ranking(store: Store, room: str | None) -> dict[str, Any]:
    """Borda scores across rooms and each room's order (participants' own orders stay out)."""
    rankings = store.rankings()
    if room is not None:
        rankings = {r: b for r, b in rankings.items() if r == room}
    scores, orders = across_rooms(rankings, [r.id for r in store.roles()])
    return {
        "method": "borda",
        "scores": [
            {"role": s.role, "points": s.points, "rank": s.rank, "tied": s.tied} for s in scores
        ]
        if rankings
        else [],
        "rooms": {r: orders[r] for r in store.rooms() if r in orders},
    }


def to_json(store: Store, *, attribute: bool = False, room=None, theme=None, lang="en") -> str:
    document = workshop_document(store, attribute=attribute, room=room, theme=theme)
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
]
# A cell starting with one of these is a formula to a spreadsheet: prefix it with ' (OWASP).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def to_csv(store: Store, *, attribute: bool = False, room=None, theme=None, lang="en") -> str:
    """One row per contribution, for spreadsheets; same consent rules as the summaries."""
    theme_of = {q.id: q.theme for q in store.questions().values()}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for c in _scoped(store, room, theme):
        if not _visible(c, attribute, keep_off_record=False):
            continue
        row = [
            c.id,
            c.short_id,
            c.room,
            theme_of.get(c.question or "", ""),
            c.question or "",
            c.kind.value,
            c.text,
            c.language,
            _name(c, attribute) or "",
            " ".join(c.tags),
            c.votes,
            int(c.starred),
            int(c.parked),
            c.created_at,
            c.updated_at,
        ]
        writer.writerow([_cell(v) for v in row])
    return buffer.getvalue()


def to_markdown(store: Store, *, attribute: bool = False, room=None, theme=None, lang="en") -> str:
    return summary_markdown(store, room=room, theme=theme, lang=lang, attribute=attribute)


def to_wikitext(store: Store, *, attribute: bool = False, room=None, theme=None, lang="en") -> str:
    return summary_wikitext(store, room=room, theme=theme, lang=lang, attribute=attribute)


FORMATS: dict[str, Callable[..., str]] = {
    "markdown": to_markdown,
    "wikitext": to_wikitext,
    "json": to_json,
    "csv": to_csv,
}
EXTENSIONS = {"markdown": "md", "wikitext": "wiki", "json": "json", "csv": "csv"}
