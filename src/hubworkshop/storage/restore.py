"""A new workshop database rebuilt from the JSON archive (`hubworkshop import`).

The archive names only the people who agreed to be named; the others are counted. So the
new database holds the named participants by name and one placeholder per counted anonymous
or off-the-record person — `(anonymous 1)`, `(off the record 1)` — and the off-the-record
contributions are the first off-the-record placeholder's, which keeps them off the record.
Exported again, the database gives the same archive byte for byte.

The database is built under a temporary name and linked into place when complete: an
existing file is never replaced, and a failed import leaves nothing behind.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from hubworkshop.domain.errors import StoreError
from hubworkshop.domain.events import EventName
from hubworkshop.domain.i18n import _
from hubworkshop.domain.model import Consent
from hubworkshop.domain.names import name_key
from hubworkshop.domain.records import Archive
from hubworkshop.storage.files import (
    link_into_place,
    refuse_foreign_file,
    remove_with_side_files,
)
from hubworkshop.storage.store import Store
from hubworkshop.storage.version import EVENT_UID

PLACEHOLDER = {Consent.ANONYMOUS: "(anonymous {n})", Consent.OFF_RECORD: "(off the record {n})"}


def restore(path: Path, archive: Archive) -> list[str]:
    """Create the database at `path` from `archive`; returns what was added, as lines."""
    path = Path(path)
    refuse_foreign_file(path)
    if path.exists():
        raise StoreError(
            _("{path}: already exists; import creates a new database").format(path=path)
        )
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex[:12]}.importing")
    try:
        with Store.open(temporary, archive.plan) as store:
            added = _load(store, archive)
        link_into_place(temporary, path, exists="already exists; import creates a new database")
    finally:
        remove_with_side_files(temporary)
    return added


def _load(store: Store, archive: Archive) -> list[str]:
    now = store.clock()
    with store.write() as db:
        people: dict[str, int] = {}

        def person(name: str, consent: Consent) -> int:
            key = name_key(name)
            if key not in people:
                people[key] = db.insert(
                    "participants",
                    {
                        "name": name,
                        "consent": consent.value,
                        "created_at": now,
                        "updated_at": now,
                    },
                )
            return people[key]

        for name in archive.named:
            person(name, Consent.NAMED)
        placeholders: dict[Consent, list[int]] = {Consent.ANONYMOUS: [], Consent.OFF_RECORD: []}
        for consent, ids in placeholders.items():
            for n in range(1, archive.participants.get(consent.value, 0) + 1):
                ids.append(person(PLACEHOLDER[consent].format(n=n), consent))

        def author_of(off_record: bool, author: str | None) -> int | None:
            if off_record:
                if not placeholders[Consent.OFF_RECORD]:
                    placeholders[Consent.OFF_RECORD].append(
                        person(PLACEHOLDER[Consent.OFF_RECORD].format(n=1), Consent.OFF_RECORD)
                    )
                return placeholders[Consent.OFF_RECORD][0]
            return person(author, Consent.NAMED) if author else None

        contributions = archive.contributions
        db.conn.executemany(
            "INSERT INTO contributions (id, room, question, kind, text, language, author, "
            "parked, starred, cluster, owner, due, created_at, updated_at, phase, responds_to) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (c.id, c.room, c.question, c.kind, c.text, c.language,
                 author_of(c.off_record, c.author), int(c.parked), int(c.starred),
                 c.cluster, c.owner, c.due, c.created_at, c.updated_at, c.phase, c.responds_to)
                for c in contributions
            ],
        )  # fmt: skip
        # The workshop's time, as the summary reads it: the same minutes after the import.
        db.conn.executemany(
            f"INSERT INTO events (at, room, action, subject, uid) VALUES (?, ?, ?, ?, {EVENT_UID})",
            [(e.at, e.room, e.action.value, e.subject) for e in archive.timeline],
        )
        db.conn.executemany(
            "UPDATE room_state SET question = ?, phase = ? WHERE room = ?",
            [(question, phase, room) for room, (question, phase) in archive.room_states.items()],
        )
        db.conn.executemany(
            "UPDATE contributions SET merged_into = ? WHERE id = ?",
            [(c.merged_into, c.id) for c in contributions if c.merged_into],
        )
        db.conn.executemany(
            "INSERT INTO contribution_tags (contribution, tag) VALUES (?, ?)",
            [(c.id, tag) for c in contributions for tag in c.tags],
        )
        db.conn.executemany(
            "INSERT INTO votes (contribution, participant, dots, created_at) VALUES (?, NULL, ?, ?)",
            [(c.id, c.votes, c.created_at) for c in contributions if c.votes],
        )
        ballots: list[tuple[str, int | None, tuple[str, ...]]] = [
            (room, None, order) for room, order in archive.room_orders.items()
        ]
        for room, own in archive.own_orders.items():
            ballots += [(room, person(who, Consent.NAMED), order) for who, order in own.items()]
        db.conn.executemany(
            "INSERT INTO rankings (room, participant, role, position, created_at) "
            "VALUES (?, ?, ?, ?, ?)",
            [
                (room, pid, role, i, now)
                for room, pid, order in ballots
                for i, role in enumerate(order)
            ],
        )
        db.conn.executemany(
            "INSERT INTO purpose_statements (room, text, author, final, created_at) "
            "VALUES (?, ?, NULL, ?, ?)",
            [(s.room, s.text, int(s.final), s.created_at) for s in archive.purpose_statements],
        )
        db.conn.executemany(
            "INSERT INTO takeaways (room, position, contribution) VALUES (?, ?, ?)",
            [
                (room, i, cid)
                for room, ids in archive.takeaways.items()
                for i, cid in enumerate(ids)
            ],
        )
        added = [
            f"{len(contributions)} contributions",
            f"{len(people)} participants ({len(archive.named)} named)",
            f"{len(ballots)} rankings",
            f"{len(archive.purpose_statements)} purpose statement revisions",
            f"{sum(len(ids) for ids in archive.takeaways.values())} takeaways",
        ]
        store.database.log(
            EventName.WORKSHOP_IMPORT, subject=archive.plan.id, data={"added": added}
        )
    return added
