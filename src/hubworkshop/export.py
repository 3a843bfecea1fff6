"""Exports: pure functions from the store to text. The JSON schema is in docs/export-json.md.

Consent rules, shared by every format:

* Without `attribute`, no participant name appears anywhere, and contributions from
  participants who are "off the record" are left out (counted in `withheld`).
* With `attribute`, names appear only for participants whose consent is "named". The JSON
  export with `attribute` is the full archive: it keeps off-the-record contributions too,
  marked `"off_record": true` and still without a name.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from hubworkshop.model import Consent, Contribution
from hubworkshop.store import Store

JSON_SCHEMA_VERSION = 1


def _visible(contribution: Contribution, attribute: bool, keep_off_record: bool) -> bool:
    if contribution.consent is Consent.OFF_RECORD:
        return attribute and keep_off_record
    return True


def _name(contribution: Contribution, attribute: bool) -> str | None:
    if attribute and contribution.consent is Consent.NAMED:
        return contribution.author
    return None


def workshop_document(store: Store, *, attribute: bool = False) -> dict[str, Any]:
    """The whole workshop as plain data, ordered so the same database gives the same output."""
    workshop = store.workshop()
    rooms = store.rooms()
    everything = store.contributions()
    kept = [c for c in everything if _visible(c, attribute, keep_off_record=True)]
    participants = store.participants()
    return {
        "format": "hubworkshop-export",
        "schema_version": JSON_SCHEMA_VERSION,
        "attributed": attribute,
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
                "created_at": c.created_at,
                "updated_at": c.updated_at,
            }
            for c in kept
        ],
    }


def to_json(store: Store, *, attribute: bool = False) -> str:
    return (
        json.dumps(workshop_document(store, attribute=attribute), ensure_ascii=False, indent=2)
        + "\n"
    )


FORMATS: dict[str, Callable[..., str]] = {"json": to_json}
