"""What the participants' page needs of the database (migration 0010): who a page's visitor
is (their participant row, found by its random uid), each room's moderation and its link
while `serve` runs, and points held for approval or hidden by a facilitator.

Everything a participant does on the page is stored as the room already stores it: a
contribution row with them as its author, a dot in the open round, a ballot in `rankings`,
each with its event. Only the note-taker field says where it was typed (`SELF_TYPED`), so
exports, consent, merge, forget, undo and the dashboard treat it like any other.

A held point is a contribution row soft-deleted meanwhile (every list and export skips it,
as it skips any deleted point) with a `held` row saying why: waiting for approval (a
pre-moderated room) or hidden by a facilitator. Both are logged; nothing is deleted.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING

from hubworkshop.domain.errors import InputError, NotFoundError
from hubworkshop.domain.events import EventName
from hubworkshop.domain.i18n import _
from hubworkshop.domain.model import Contribution, Kind, Participant
from hubworkshop.domain.records import Draft
from hubworkshop.storage.rows import (
    CONTRIBUTION_SELECT,
    INSERT_CONTRIBUTION,
    KIND_OF,
    clean_text,
    enum,
    participant,
    read_contributions,
)
from hubworkshop.storage.version import EVENT_UID

if TYPE_CHECKING:
    from hubworkshop.storage.store import Store

SELF_TYPED = "(typed by the participant)"
"""The note-taker field of what a participant typed on their own device."""

MODERATIONS = ("post", "pre")
"""post: a point shows at once and a facilitator may hide it; pre: it shows once approved."""


def participant_by_uid(store: Store, uid: str) -> Participant | None:
    """The participant whose random uid a page's signed cookie carries; None once they are
    forgotten (or merged into another entry: they join again)."""
    with store.read() as db:
        rows = list(db.query("SELECT * FROM participants WHERE uid = ?", [uid]))
    return participant(rows[0]) if rows else None


def uid_of(store: Store, participant_id: int) -> str:
    with store.read() as db:
        row = db.execute("SELECT uid FROM participants WHERE id = ?", [participant_id]).fetchone()
    if row is None:
        raise NotFoundError(_("unknown participant"))
    return str(row[0])


def name_taken(store: Store, name: str) -> bool:
    """Whether `name` is someone's on the roster, as people write names (case, accents)."""
    from hubworkshop.storage.participants import _same_person

    with store.read() as db:
        return _same_person(db, name) is not None


# -- a room's page: moderation and link ---------------------------------------------------


def moderation(store: Store, room: str) -> str:
    with store.read() as db:
        row = db.execute("SELECT moderation FROM room_pages WHERE room = ?", [room]).fetchone()
    return str(row[0]) if row else "post"


def set_moderation(store: Store, room: str, mode: str, *, actor: str | None = None) -> None:
    if mode not in MODERATIONS:
        raise InputError(
            _("moderation: '{mode}' is not one of {known}").format(
                mode=mode, known=", ".join(MODERATIONS)
            )
        )
    store.catalog.room(room)
    with store.write() as db:
        before = db.execute("SELECT moderation FROM room_pages WHERE room = ?", [room]).fetchone()
        if before is not None and before[0] == mode:
            return
        db.execute(
            "INSERT INTO room_pages (room, moderation, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT (room) DO UPDATE SET moderation = excluded.moderation, "
            "updated_at = excluded.updated_at",
            [room, mode, store.clock()],
        )
        store.database.log(
            EventName.ROOM_MODERATION,
            room=room,
            actor=actor,
            data={"before": before[0] if before else "post", "after": mode},
        )


def publish_links(store: Store, links: Mapping[str, tuple[str, str]], base: str = "") -> None:
    """Each room's link secret and typed code while `serve` runs (room -> (secret, code)),
    and the page's address at `base`, so that the staff's terminals can show them and
    draw the QR code; `clear_links` when it stops."""
    with store.write() as db:
        now = store.clock()
        db.execute("UPDATE room_pages SET secret = NULL, code = NULL, link = NULL")
        for room, (secret, code) in links.items():
            link = f"{base}/p/{secret}/" if base else None
            db.execute(
                "INSERT INTO room_pages (room, secret, code, link, updated_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (room) DO UPDATE SET "
                "secret = excluded.secret, code = excluded.code, link = excluded.link, "
                "updated_at = excluded.updated_at",
                [room, secret, code, link, now],
            )


def clear_links(store: Store) -> None:
    with store.write() as db:
        db.execute("UPDATE room_pages SET secret = NULL, code = NULL, link = NULL")


def room_address(store: Store, room: str) -> tuple[str, str] | None:
    """The room's page address (with its secret: the QR code's) and typed code while
    `serve` runs, else None."""
    with store.read() as db:
        row = db.execute(
            "SELECT link, code FROM room_pages WHERE room = ? AND link IS NOT NULL", [room]
        ).fetchone()
    return (str(row[0]), str(row[1])) if row else None


def room_link(store: Store, room: str) -> tuple[str, str] | None:
    """The room's (secret, code) while `serve` runs, else None."""
    with store.read() as db:
        row = db.execute(
            "SELECT secret, code FROM room_pages WHERE room = ? AND secret IS NOT NULL", [room]
        ).fetchone()
    return (str(row[0]), str(row[1])) if row else None


# -- held points --------------------------------------------------------------------------


def add_waiting(store: Store, draft: Draft, *, note_taker: str) -> Contribution:
    """A point for a pre-moderated room: stored, logged and held in one transaction, so no
    terminal ever draws it before it is approved."""
    room = store.catalog.room(draft.room)
    kind = (KIND_OF.get(str(draft.kind)) or enum(Kind, draft.kind, "kind")).value
    text = clean_text(draft.text)
    [language] = store.contributions.languages_of([(draft, text)])
    cid = store.new_id()
    with store.write() as db:
        now = store.clock()
        author = (
            store.participants.id_in(db, draft.author, room.id, note_taker)
            if draft.author
            else None
        )
        db.execute(
            INSERT_CONTRIBUTION,
            # responds_to (None): a participant's point answers none
            [
                cid,
                room.id,
                draft.question,
                kind,
                text,
                language,
                author,
                0,
                note_taker,
                now,
                now,
                None,
            ],
        )
        db.execute("UPDATE contributions SET deleted_at = ? WHERE id = ?", [now, cid])
        db.execute(
            "INSERT INTO held (contribution, room, state, at) VALUES (?, ?, 'waiting', ?)",
            [cid, room.id, now],
        )
        db.execute(
            "INSERT INTO events (at, actor, room, action, subject, data, uid) "
            f"VALUES (?, ?, ?, ?, ?, ?, {EVENT_UID})",
            [
                now,
                note_taker,
                room.id,
                EventName.CONTRIBUTION_HOLD.value,
                cid,
                json.dumps({"kind": kind, "question": draft.question, "state": "waiting"}),
            ],
        )
    return held_contribution(store, cid)


def held_contribution(store: Store, cid: str) -> Contribution:
    with store.read() as db:
        rows = read_contributions(db, f"{CONTRIBUTION_SELECT} WHERE c.id = ?", [cid])
    if not rows:
        raise NotFoundError(
            _("unknown contribution '{contribution_id}'").format(contribution_id=cid)
        )
    return rows[0]


def held(store: Store, room: str, state: str = "waiting") -> list[Contribution]:
    """The room's points waiting for approval (or hidden), oldest first."""
    with store.read() as db:
        return read_contributions(
            db,
            f"{CONTRIBUTION_SELECT} JOIN held h ON h.contribution = c.id "
            "WHERE h.room = ? AND h.state = ? ORDER BY c.seq",
            [room, state],
        )


def count_waiting(store: Store, room: str) -> int:
    with store.read() as db:
        row = db.execute(
            "SELECT count(*) FROM held WHERE room = ? AND state = 'waiting'", [room]
        ).fetchone()
    return int(row[0])


def approve(store: Store, cid: str, *, actor: str | None = None) -> None:
    """A waiting (or hidden) point shows in the room and its exports from now on."""
    with store.write() as db:
        row = db.execute("SELECT room, state FROM held WHERE contribution = ?", [cid]).fetchone()
        if row is None:
            raise InputError(_("this point is not held"))
        db.execute(
            "UPDATE contributions SET deleted_at = NULL, updated_at = ? WHERE id = ?",
            [store.clock(), cid],
        )
        db.execute("DELETE FROM held WHERE contribution = ?", [cid])
        store.database.log(
            EventName.CONTRIBUTION_APPROVE,
            subject=cid,
            room=row[0],
            actor=actor,
            data={"was": row[1]},
        )


def hide(store: Store, cid: str, *, actor: str | None = None) -> None:
    """A facilitator hides a point: it leaves the room's lists, pages and exports, the log
    says who hid it, and `approve` brings it back."""
    current = store.contributions.get(cid)
    if current.merged_count:
        raise InputError(_("split the points merged into this one before hiding it"))
    _hold(store, current, "hidden", EventName.CONTRIBUTION_HIDE, actor, None)


def withdraw_waiting(store: Store, cid: str, *, actor: str | None = None) -> None:
    """Its author withdraws a point still waiting for approval: it leaves the waiting list
    for good (no approval can publish words their author took back), and the log says so."""
    with store.write() as db:
        row = db.execute("SELECT room FROM held WHERE contribution = ?", [cid]).fetchone()
        if row is None:
            return
        # Deleted as its author asked, and no longer held: nothing can approve it.
        db.execute("DELETE FROM held WHERE contribution = ?", [cid])
        store.database.log(EventName.CONTRIBUTION_DELETE, subject=cid, room=row[0], actor=actor)


def wait_again(store: Store, cid: str, *, actor: str | None = None) -> None:
    """A point edited in a pre-moderated room waits for approval again: an approval is of
    the words approved, not of whatever its author writes next."""
    current = store.contributions.get(cid)
    data = {"state": "waiting", "edited": True}
    _hold(store, current, "waiting", EventName.CONTRIBUTION_HOLD, actor, data)


def _hold(
    store: Store,
    point: Contribution,
    state: str,
    event: EventName,
    actor: str | None,
    data: dict[str, object] | None,
) -> None:
    """Take `point` out of every list (soft-deleted) and hold it as `state`, logged."""
    with store.write() as db:
        now = store.clock()
        db.execute(
            "UPDATE contributions SET deleted_at = ?, updated_at = ? WHERE id = ?",
            [now, now, point.id],
        )
        db.execute(
            "INSERT INTO held (contribution, room, state, at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (contribution) DO UPDATE SET state = excluded.state, at = excluded.at",
            [point.id, point.room, state, now],
        )
        store.database.log(event, subject=point.id, room=point.room, actor=actor, data=data)


def is_held(store: Store, cid: str) -> str | None:
    with store.read() as db:
        row = db.execute("SELECT state FROM held WHERE contribution = ?", [cid]).fetchone()
    return str(row[0]) if row else None


def results_revealed(store: Store, room: str) -> bool:
    """Whether the room's last dot-vote is closed: closing it is the facilitator's reveal."""
    with store.read() as db:
        row = db.execute(
            "SELECT closed_at FROM vote_rounds WHERE room = ? ORDER BY id DESC LIMIT 1", [room]
        ).fetchone()
    return row is not None and row[0] is not None


def last_event(store: Store) -> int:
    """The log's last entry: when it has not moved, no page has anything new to show."""
    with store.read() as db:
        return int(db.execute("SELECT coalesce(max(seq), 0) FROM events").fetchone()[0])


def room_versions(store: Store, rooms: list[str]) -> dict[str, int]:
    """Each room's last logged change (with the workshop's own, which every room shows)."""
    with store.read() as db:
        common = db.execute(
            "SELECT coalesce(max(seq), 0) FROM events WHERE room IS NULL"
        ).fetchone()[0]
        return {
            room: max(
                common,
                db.execute(
                    "SELECT coalesce(max(seq), 0) FROM events WHERE room = ?", [room]
                ).fetchone()[0],
            )
            for room in rooms
        }
