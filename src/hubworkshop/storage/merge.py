"""Copies of one workshop brought back together (`hubworkshop merge OTHER.db…`).

A note-taker who worked offline brings a copy of the workshop file back; every row it holds
that this database lacks is added, in one write transaction. Rows are matched by ids that
are the same in every copy: contributions by their id, participants, votes, vote rounds,
purpose revisions and events by their `uid` (migration 0005), a person added on both sides
by their name however it is typed; rankings by room and person, takeaways by room.

The rules make merging idempotent (a second merge adds nothing) and order-independent
(a+b and b+a hold the same workshop):

- a row on one side only is added; nothing either side holds is removed (a deletion is a
  change of the contribution, `deleted_at`, and travels like any other change);
- a row on both sides that differs keeps the version changed last (`updated_at`; on a tie,
  a fixed order of the values), a person keeps the more restrictive consent
  (`domain.consent.strictest`), a vote round closed on either side is closed;
- one ballot per room and person: the later one; one final purpose statement per room: the
  latest revision marked final; a room's takeaways: those set last according to the log;
- a person erased on either side (`hubworkshop forget`, which logs the person's random uid,
  never the name) is erased in the result, with the contributions the erasure removed.

A copy of another workshop (its workshop id differs) is refused, as is one whose rooms or
questions this workshop does not have. The other file is never changed: it is read from a
copy, migrated there if it was written by an older hubworkshop.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hubworkshop.domain.consent import erased_with_their_words, strictest
from hubworkshop.domain.errors import StoreError
from hubworkshop.domain.events import EventName
from hubworkshop.domain.i18n import NN_, _, nformat
from hubworkshop.domain.model import Consent
from hubworkshop.domain.names import name_key
from hubworkshop.storage.changes import change_times, encode, merged_parts
from hubworkshop.storage.erase import (
    compact,
    lineage,
    rebuild_search_index,
    record_erasure,
    remove_contributions,
    scrub_names,
)
from hubworkshop.storage.merge_copy import read_copy
from hubworkshop.storage.merge_erasures import ErasureMerge
from hubworkshop.storage.sql import Db
from hubworkshop.storage.store import Store

Row = dict[str, Any]

# What a contribution is, apart from where it is stored (seq) and its id.
_FIELDS = (
    "room", "question", "kind", "text", "language", "author", "note_taker", "created_at",
    "updated_at", "deleted_at", "parked", "starred", "merged_into", "cluster", "owner", "due",
    "phase", "responds_to",
)  # fmt: skip
_NAMED_EVENTS = {  # events whose subject is a local row id, and of which table
    EventName.VOTE_OPEN.value: "vote_rounds",
    EventName.VOTE_CLOSE.value: "vote_rounds",
    EventName.PURPOSE_REVISE.value: "purpose_statements",
    EventName.PARTICIPANT_ADD.value: "participants",
}


_LABELS = {  # what a merge counts: singular, plural
    "participants": NN_("{n} participant added", "{n} participants added"),
    "participants updated": NN_("{n} participant updated", "{n} participants updated"),
    "erased": NN_(
        "{n} person erased here, as the other copy asked",
        "{n} people erased here, as the other copy asked",
    ),
    "contributions": NN_("{n} contribution added", "{n} contributions added"),
    "contributions changed": NN_("{n} contribution changed", "{n} contributions changed"),
    "vote rounds": NN_("{n} vote round added", "{n} vote rounds added"),
    "vote rounds closed": NN_("{n} vote round closed", "{n} vote rounds closed"),
    "dots": NN_("{n} dot added", "{n} dots added"),
    "dots withdrawn": NN_(
        "{n} dot withdrawn, as the other copy undid it",
        "{n} dots withdrawn, as the other copy undid them",
    ),
    "rankings": NN_("{n} ranking added", "{n} rankings added"),
    "rankings replaced": NN_(
        "{n} ranking replaced by a later one", "{n} rankings replaced by later ones"
    ),
    "purpose statements": NN_(
        "{n} purpose statement revision added", "{n} purpose statement revisions added"
    ),
    "takeaways": NN_("{n} room's takeaways set", "{n} rooms' takeaways set"),
    "room state": NN_(
        "{n} room's question and clock updated", "{n} rooms' question and clock updated"
    ),
    "events": NN_("{n} log entry added", "{n} log entries added"),
}


@dataclass
class MergeResult:
    """What one merged file added or changed, as counts (only the non-zero ones are kept)."""

    source: Path
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, what: str, n: int = 1) -> None:
        if n:
            self.counts[what] = self.counts.get(what, 0) + n

    def lines(self) -> list[str]:
        if not self.counts:
            return [
                _("{source}: nothing to add; this workshop already holds all of it").format(
                    source=self.source
                )
            ]
        return [f"{self.source}:"] + [
            "  " + nformat(n, *_LABELS[what]) for what, n in self.counts.items()
        ]


def merge(store: Store, sources: Sequence[Path], *, actor: str | None = None) -> list[MergeResult]:
    """Merge every file of `sources` into `store`, in one write transaction."""
    with tempfile.TemporaryDirectory(prefix="hubworkshop-merge-") as scratch:
        copies = [read_copy(Path(path), store, Path(scratch)) for path in sources]
    results = []
    erased_any = False
    store.connections.writer.conn.execute("PRAGMA secure_delete = ON")
    with store.write() as db:
        for source, other in copies:
            result = MergeResult(source)
            _Merge(store, db, other, result).run()
            erased_any |= "erased" in result.counts
            if result.counts:
                store.database.log(
                    EventName.WORKSHOP_MERGE,
                    actor=actor,
                    subject=source.name,
                    data={"added": result.counts},
                )
            results.append(result)
    if erased_any:
        compact(store)
    return results


# -- one merge ---------------------------------------------------------------------------------


def _version(row: Row, keys: Iterable[str]) -> tuple[str, str]:
    """Which of two versions of a row wins: the later `updated_at`, then a fixed order."""
    values = [row.get(k) for k in keys]
    return (str(row.get("updated_at") or ""), json.dumps(values, sort_keys=True, default=str))


class _Merge(ErasureMerge):
    def __init__(self, store: Store, db: Db, other: dict[str, list[Row]], result: MergeResult):
        self.store, self.db, self.other, self.result = store, db, other, result
        self.conn = db.conn
        self.person: dict[int, int | None] = {}  # their participant id -> ours (None: erased)
        self.erased_names: set[str] = set()  # as the other copy spells them
        self.erased_keys: set[str] = set()
        self.rounds: dict[int, int] = {}
        self.purposes: dict[int, int] = {}
        self.removed: set[str] = set()
        self.dropped_authors: set[int] = set()

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return [dict(r) for r in self.db.query(sql, params)]

    def run(self) -> None:
        self.check_same_workshop()
        self.erasures()
        self.participants()
        self.vote_rounds()
        self.contributions()
        self.votes()
        self.rankings()
        self.purpose_statements()
        self.events()
        self.takeaways()
        self.room_state()
        self.check()

    # -- what may be merged at all

    def check_same_workshop(self) -> None:
        ours = self.rows("SELECT id, title FROM workshop")[0]
        theirs = self.other["workshop"][0]
        source = self.result.source
        if theirs["id"] != ours["id"]:
            raise StoreError(
                _(
                    "{source}: a different workshop ({title!r}, id {id}); this one is {our_title!r} (id {our_id}). Nothing was merged."
                ).format(
                    source=source,
                    title=theirs["title"],
                    id=theirs["id"],
                    our_title=ours["title"],
                    our_id=ours["id"],
                )
            )
        for table, what in (("rooms", "room"), ("questions", "question"), ("roles", "role")):
            known = {r["id"] for r in self.rows(f"SELECT id FROM {table}")}
            for row in self.other[table]:
                if row["id"] not in known:
                    raise StoreError(
                        _(
                            "{source}: has a {what} this workshop does not have ({row!r}); nothing was merged"
                        ).format(source=source, what=what, row=row["id"])
                    )
        known_ids = {
            what: {r["id"] for r in self.rows(f"SELECT id FROM {table}")}
            for what, table in (("room", "rooms"), ("question", "questions"), ("role", "roles"),
                                ("phase", "phases"))
        }  # fmt: skip
        for table, column, what in _REFERENCES:
            for index, row in enumerate(self.other[table]):
                value = row.get(column)
                if value is not None and value not in known_ids[what]:
                    raise StoreError(
                        _(
                            "{source}: {table}[{index}].{column}: no {what} {value!r} in this workshop; nothing was merged"
                        ).format(
                            source=source,
                            table=table,
                            index=index,
                            column=column,
                            what=what,
                            value=value,
                        )
                    )

    # -- people

    def participants(self) -> None:
        ours = self.rows("SELECT * FROM participants")
        by_uid = {r["uid"]: r for r in ours}
        by_name = {name_key(r["name"]): r for r in ours}
        live = {r["id"] for r in self.other["participants"]}
        for theirs in sorted(self.other["participants"], key=lambda r: r["id"]):
            _pids, names = lineage(theirs["id"], theirs["name"], live, self.their_events)
            hit = self.erased_person(theirs["uid"], names)
            if hit is not None:
                self.person[theirs["id"]] = None
                self.erased_names.update(names)
                self.erased_keys.update(name_key(n) for n in names)
                record_erasure(self.conn, None, names, [], hit)
                self.erased_tokens.update({self.token(n): hit for n in names})
                if hit or erased_with_their_words(Consent(theirs["consent"])):
                    self.dropped_authors.add(theirs["id"])  # erased with their contributions
                continue
            mine = by_uid.get(theirs["uid"]) or by_name.get(name_key(theirs["name"]))
            if mine is None:
                values = {k: theirs[k] for k in _PERSON if k != "id"}
                pid = self.db.insert("participants", values)
                self.person[theirs["id"]] = pid
                by_name[name_key(theirs["name"])] = {**values, "id": pid}
                self.result.add("participants")
                continue
            self.person[theirs["id"]] = mine["id"]
            merged = _merged_person(mine, theirs)
            if any(merged[k] != mine[k] for k in merged):
                holder = by_name.get(name_key(merged["name"]))
                if holder is not None and holder["id"] != mine["id"]:
                    merged["name"] = mine["name"]  # that name belongs to someone else here
                sets = ", ".join(f"{k} = ?" for k in merged)
                self.db.execute(
                    f"UPDATE participants SET {sets} WHERE id = ?",
                    [*merged.values(), mine["id"]],
                )
                updated = {**mine, **merged}
                by_uid[mine["uid"]] = by_uid[updated["uid"]] = updated
                by_name.pop(name_key(mine["name"]), None)
                by_name[name_key(updated["name"])] = updated
                self.result.add("participants updated")

    def author(self, pid: int | None) -> int | None:
        return None if pid is None else self.person.get(pid)

    def scrub(self, value: str | None) -> str | None:
        """A name field of the other copy, emptied if it names someone erased."""
        if value is None:
            return value
        if name_key(value) in self.erased_keys or self.erased_name(value):
            return None
        return value

    # -- contributions and what hangs on them

    def vote_rounds(self) -> None:
        ours = {r["uid"]: r for r in self.rows("SELECT * FROM vote_rounds")}
        for theirs in sorted(self.other["vote_rounds"], key=lambda r: (r["opened_at"], r["uid"])):
            mine = ours.get(theirs["uid"])
            if mine is None:
                values = {
                    k: theirs[k] for k in ("room", "dots", "opened_at", "closed_at", "result")
                }
                self.rounds[theirs["id"]] = self.db.insert(
                    "vote_rounds", {**values, "uid": theirs["uid"]}
                )
                self.result.add("vote rounds")
                continue
            self.rounds[theirs["id"]] = mine["id"]
            if theirs["closed_at"] and (
                not mine["closed_at"]
                or (theirs["closed_at"], theirs["result"] or "")
                > (mine["closed_at"], mine["result"] or "")
            ):
                self.db.execute(
                    "UPDATE vote_rounds SET closed_at = ?, result = ? WHERE id = ?",
                    [theirs["closed_at"], theirs["result"], mine["id"]],
                )
                self.result.add("vote rounds closed")

    def contributions(self) -> None:
        tags: dict[str, list[str]] = {}
        for row in self.other["contribution_tags"]:
            tags.setdefault(row["contribution"], []).append(row["tag"])
        ours = {r["id"]: r for r in self.rows("SELECT * FROM contributions")}
        our_tags: dict[str, list[str]] = {}
        for row in self.rows("SELECT contribution, tag FROM contribution_tags"):
            our_tags.setdefault(row["contribution"], []).append(row["tag"])
        incoming = sorted(self.other["contributions"], key=lambda r: (r["created_at"], r["id"]))
        names = {
            r["id"]: name_key(r["name"]) for r in self.rows("SELECT id, name FROM participants")
        }
        merged_into: list[tuple[str | None, str]] = []
        gone_here: list[str] = []  # words of someone erased there, still here: erased too
        for theirs in incoming:
            if theirs["id"] in self.removed or theirs["author"] in self.dropped_authors:
                self.removed.add(theirs["id"])
                if theirs["id"] in ours:
                    gone_here.append(theirs["id"])
                continue
            theirs = {
                **theirs,
                "author": self.author(theirs["author"]),
                "note_taker": self.scrub(theirs["note_taker"]),
                "owner": self.scrub(theirs["owner"]),
            }
            theirs_tags = sorted(tags.get(theirs["id"], []))
            mine = ours.get(theirs["id"])
            if mine is None:
                values = {k: theirs[k] for k in _FIELDS if k != "merged_into"}
                self.db.insert(
                    "contributions",
                    {"id": theirs["id"], **values, "changed": encode(change_times(theirs))},
                )
                self._set_tags(theirs["id"], theirs_tags)
                merged_into.append((theirs["merged_into"], theirs["id"]))
                self.result.add("contributions")
                continue
            mine_tags = sorted(our_tags.get(mine["id"], []))
            whole = max(mine, theirs, key=lambda r: _version(r, _FIELDS))  # fields of no part
            row, row_tags = merged_parts(whole, (mine, mine_tags), (theirs, theirs_tags), names)
            if row_tags == mine_tags and all(row[k] == mine[k] for k in (*_FIELDS, "changed")):
                continue
            sets = ", ".join(f"{k} = ?" for k in (*_FIELDS, "changed") if k != "merged_into")
            self.db.execute(
                f"UPDATE contributions SET {sets} WHERE id = ?",
                [*(row[k] for k in (*_FIELDS, "changed") if k != "merged_into"), row["id"]],
            )
            if row_tags != mine_tags:
                self._set_tags(row["id"], row_tags)
            if row["merged_into"] != mine["merged_into"]:
                merged_into.append((row["merged_into"], row["id"]))
            self.result.add("contributions changed")
        if gone_here:
            remove_contributions(self.conn, gone_here)
            record_erasure(self.conn, None, set(), gone_here, True)
            rebuild_search_index(self.conn)
        self.conn.executemany(
            "UPDATE contributions SET merged_into = ? WHERE id = ?",
            [(target, cid) for target, cid in merged_into if target not in self.removed],
        )
        # A response to a point neither copy keeps (erased) answers nothing.
        self.conn.execute(
            "UPDATE contributions SET responds_to = NULL WHERE responds_to IS NOT NULL "
            "AND responds_to NOT IN (SELECT id FROM contributions)"
        )

    def _set_tags(self, contribution: str, tags: list[str]) -> None:
        self.db.execute("DELETE FROM contribution_tags WHERE contribution = ?", [contribution])
        self.conn.executemany(
            "INSERT INTO contribution_tags (contribution, tag) VALUES (?, ?)",
            [(contribution, tag) for tag in tags],
        )

    def votes(self) -> None:
        """Every vote either side holds, but those withdrawn (undone) on either side."""
        self.conn.executemany(
            "INSERT OR IGNORE INTO withdrawn_votes (uid, at) VALUES (?, ?)",
            [(r["uid"], r["at"]) for r in self.other["withdrawn_votes"]],
        )
        withdrawn = {r["uid"] for r in self.rows("SELECT uid FROM withdrawn_votes")}
        gone = self.rows(
            "SELECT uid, dots FROM votes WHERE uid IN (SELECT uid FROM withdrawn_votes)"
        )
        if gone:
            self.db.execute("DELETE FROM votes WHERE uid IN (SELECT uid FROM withdrawn_votes)")
            self.result.add("dots withdrawn", sum(r["dots"] for r in gone))
        ours = {r["uid"] for r in self.rows("SELECT uid FROM votes")}
        known = {r["id"] for r in self.rows("SELECT id FROM contributions")}
        for theirs in sorted(self.other["votes"], key=lambda r: (r["created_at"], r["uid"])):
            if theirs["uid"] in ours | withdrawn or theirs["contribution"] not in known:
                continue
            self.db.insert(
                "votes",
                {
                    "uid": theirs["uid"],
                    "contribution": theirs["contribution"],
                    "participant": self.author(theirs["participant"]),
                    "dots": theirs["dots"],
                    "note_taker": self.scrub(theirs["note_taker"]),
                    "created_at": theirs["created_at"],
                    "round": self.rounds.get(theirs["round"]) if theirs["round"] else None,
                },
            )
            self.result.add("dots", theirs["dots"])

    def rankings(self) -> None:
        """One ballot per room and person (or the room's own order): the later one."""
        ours = _ballots(self.rows("SELECT * FROM rankings"))
        theirs_rows = [
            {**r, "participant": self.author(r["participant"])}
            for r in self.other["rankings"]
            if r["participant"] is None or self.author(r["participant"]) is not None
        ]
        for key, (created, order) in sorted(_ballots(theirs_rows).items(), key=str):
            mine = ours.get(key)
            if mine is not None and (mine[0], mine[1]) >= (created, order):
                continue
            room, pid = key
            self.db.execute("DELETE FROM rankings WHERE room = ? AND participant IS ?", [room, pid])
            self.conn.executemany(
                "INSERT INTO rankings (room, participant, role, position, created_at) "
                "VALUES (?, ?, ?, ?, ?)",
                [(room, pid, role, i, created) for i, role in enumerate(order)],
            )
            self.result.add("rankings" if mine is None else "rankings replaced")

    def purpose_statements(self) -> None:
        ours = {r["uid"]: r["id"] for r in self.rows("SELECT id, uid FROM purpose_statements")}
        rooms = set()
        for theirs in sorted(
            self.other["purpose_statements"], key=lambda r: (r["created_at"], r["uid"])
        ):
            if theirs["uid"] in ours:
                self.purposes[theirs["id"]] = ours[theirs["uid"]]
                continue
            values = {k: theirs[k] for k in ("room", "text", "final", "created_at", "uid")}
            self.purposes[theirs["id"]] = self.db.insert(
                "purpose_statements", {**values, "author": self.scrub(theirs["author"])}
            )
            rooms.add(theirs["room"])
            self.result.add("purpose statements")
        for room in sorted(rooms):  # one final statement per room: the latest marked so
            finals = self.rows(
                "SELECT id FROM purpose_statements WHERE room = ? AND final = 1 "
                "ORDER BY created_at DESC, uid DESC",
                [room],
            )
            for row in finals[1:]:
                self.db.execute("UPDATE purpose_statements SET final = 0 WHERE id = ?", [row["id"]])

    def events(self) -> None:
        ours = {r["uid"] for r in self.rows("SELECT uid FROM events")}
        local = {"vote_rounds": self.rounds, "purpose_statements": self.purposes}
        added = []
        for theirs in sorted(self.other["events"], key=lambda r: (r["at"], r["uid"])):
            if theirs["uid"] in ours or theirs["subject"] in self.removed:
                continue
            data = json.loads(theirs["data"] or "{}")
            if isinstance(data, dict) and isinstance(data.get("participant"), int):
                data["participant"] = self.author(data["participant"])
            subject = theirs["subject"]
            table = _NAMED_EVENTS.get(theirs["action"])
            if table == "participants" and subject and subject.isdigit():
                mapped = self.author(int(subject))
                subject = None if mapped is None else str(mapped)
            elif table and subject and subject.isdigit():
                mapped_row = local[table].get(int(subject))
                subject = None if mapped_row is None else str(mapped_row)
            if self.erased_names:
                data = scrub_names(data, self.erased_names)
            data = self.scrub_values(data)
            added.append(
                (theirs["at"], self.scrub(theirs["actor"]), theirs["room"], theirs["action"],
                 subject, json.dumps(data, ensure_ascii=False), theirs["uid"])
            )  # fmt: skip
        self.conn.executemany(
            "INSERT INTO events (at, actor, room, action, subject, data, uid) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            added,
        )
        self.result.add("events", len(added))

    def takeaways(self) -> None:
        """A room's takeaways: the list set last according to the (merged) log."""
        ours: dict[str, list[str]] = {}
        for row in self.rows("SELECT room, contribution FROM takeaways ORDER BY room, position"):
            ours.setdefault(row["room"], []).append(row["contribution"])
        theirs: dict[str, list[str]] = {}
        for row in sorted(self.other["takeaways"], key=lambda r: (r["room"], r["position"])):
            theirs.setdefault(row["room"], []).append(row["contribution"])
        known = {r["id"] for r in self.rows("SELECT id FROM contributions")}
        set_there = {  # rooms whose takeaways the other copy set, even to none
            e["room"]
            for e in self.other["events"]
            if e["action"] == EventName.WRAPUP_TAKEAWAYS.value and e["room"]
        }
        for room in sorted(set(theirs) | set(ours) | set_there):
            if theirs.get(room, []) == ours.get(room, []):
                continue
            last = self.rows(
                "SELECT data FROM events WHERE room = ? AND action = ? ORDER BY at DESC, uid DESC "
                "LIMIT 1",
                [room, EventName.WRAPUP_TAKEAWAYS.value],
            )
            chosen = json.loads(last[0]["data"]).get("takeaways") if last else None
            if chosen is None:
                chosen = max(theirs.get(room, []), ours.get(room, []))
            chosen = [cid for cid in chosen if cid in known]
            if chosen == ours.get(room, []):
                continue
            self.db.execute("DELETE FROM takeaways WHERE room = ?", [room])
            self.conn.executemany(
                "INSERT INTO takeaways (room, position, contribution) VALUES (?, ?, ?)",
                [(room, i, cid) for i, cid in enumerate(chosen)],
            )
            self.result.add("takeaways")

    def room_state(self) -> None:
        """Each room's question and clock: the state changed last."""
        keys = ("question", "question_opened_at", "phase", "timer_seconds", "timer_elapsed_ms",
                "timer_started_at", "updated_at")  # fmt: skip
        ours = {r["room"]: r for r in self.rows("SELECT * FROM room_state")}
        for theirs in self.other["room_state"]:
            mine = ours.get(theirs["room"])
            if mine is not None and _version(mine, keys) >= _version(theirs, keys):
                continue
            self.result.add("room state")
            if mine is None:
                self.db.insert("room_state", theirs)
            else:
                sets = ", ".join(f"{k} = ?" for k in keys)
                self.db.execute(
                    f"UPDATE room_state SET {sets} WHERE room = ?",
                    [*(theirs[k] for k in keys), theirs["room"]],
                )


_REFERENCES = (  # (table, column, what it names) of the copy, checked against this workshop
    ("participants", "room", "room"), ("contributions", "room", "room"),
    ("contributions", "question", "question"), ("vote_rounds", "room", "room"),
    ("rankings", "room", "room"), ("rankings", "role", "role"),
    ("purpose_statements", "room", "room"), ("takeaways", "room", "room"),
    ("room_state", "room", "room"), ("room_state", "question", "question"),
    ("room_state", "phase", "phase"),
)  # fmt: skip
_PERSON = ("id", "name", "consent", "language", "room", "created_at", "updated_at", "uid")


def _merged_person(mine: Row, theirs: Row) -> Row:
    """One person from two copies: the fields changed last, the stricter consent, the first
    creation, and the smaller uid (so either order of merging gives the same row)."""
    keys = ("name", "language", "room")
    later = max(mine, theirs, key=lambda r: _version(r, keys))
    return {
        "name": later["name"],
        "language": later["language"],
        "room": later["room"],
        "consent": strictest(Consent(mine["consent"]), Consent(theirs["consent"])).value,
        "created_at": min(mine["created_at"], theirs["created_at"]),
        "updated_at": max(mine["updated_at"], theirs["updated_at"]),
        "uid": min(mine["uid"], theirs["uid"]),
    }


def _ballots(rows: Iterable[Row]) -> dict[tuple[str, int | None], tuple[str, tuple[str, ...]]]:
    """(room, participant) -> (when it was recorded, the order of roles)."""
    grouped: dict[tuple[str, int | None], list[Row]] = {}
    for row in rows:
        grouped.setdefault((row["room"], row["participant"]), []).append(row)
    return {
        key: (
            max(r["created_at"] for r in group),
            tuple(r["role"] for r in sorted(group, key=lambda r: r["position"])),
        )
        for key, group in grouped.items()
    }
