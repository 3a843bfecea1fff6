"""Participants: names, consent, language and room; every change logged."""

from __future__ import annotations

import sqlite3
from typing import Any

from hubworkshop.domain.errors import InputError, NotFoundError
from hubworkshop.domain.events import EventName
from hubworkshop.domain.i18n import _
from hubworkshop.domain.languages import language_code
from hubworkshop.domain.model import Consent, Participant
from hubworkshop.domain.names import either, name_key, similar_names
from hubworkshop.storage.base import Database
from hubworkshop.storage.catalog import Catalog
from hubworkshop.storage.rows import clean_name, enum, first, participant
from hubworkshop.storage.sql import Db


class Participants:
    """The people of a workshop: names as they write them, consent, language, merges."""

    def __init__(self, database: Database, catalog: Catalog) -> None:
        self.database = database
        self.catalog = catalog

    def all(self, room: str | None = None) -> list[Participant]:
        sql = "SELECT * FROM participants"
        params: list[Any] = []
        if room is not None:
            sql += " WHERE room = ?"
            params.append(room)
        with self.database.read() as db:
            rows = list(db.query(sql + " ORDER BY name COLLATE NOCASE, id", params))
        return [participant(r) for r in rows]

    def save(
        self,
        name: str,
        consent: Consent | str | None = None,
        *,
        language: str | None = None,
        room: str | None = None,
        actor: str | None = None,
    ) -> Participant:
        """Add a participant, or update their consent, language or room. Logs every change."""
        name = clean_name(name)
        consent = enum(Consent, consent, "consent") if consent is not None else None
        if language is not None:
            try:
                language = language_code(language)
            except ValueError as error:
                raise InputError(str(error)) from None
        if room is not None:
            self.catalog.room(room)
        with self.database.write() as db:
            row = _same_person(db, name)
            now = self.database.clock()
            if row is None:
                refuse_erased(db, name)
                values = {
                    "name": name,
                    "consent": (consent or Consent.ANONYMOUS).value,
                    "language": language,
                    "room": room,
                    "created_at": now,
                    "updated_at": now,
                }
                pid = db.insert("participants", values)
                self.database.log(
                    EventName.PARTICIPANT_ADD, subject=str(pid), room=room, actor=actor, data=values
                )
            else:
                pid = row["id"]
                changes = {
                    key: value
                    for key, value in (
                        ("consent", consent.value if consent else None),
                        ("language", language),
                        ("room", room),
                    )
                    if value is not None and row[key] != value
                }
                if changes:
                    db.update("participants", "id", pid, {**changes, "updated_at": now})
                    before = {key: row[key] for key in changes}
                    self.database.log(
                        EventName.PARTICIPANT_UPDATE,
                        subject=str(pid),
                        room=room or row["room"],
                        actor=actor,
                        data={"before": before, "after": changes},
                    )
            return participant(next(db.query("SELECT * FROM participants WHERE id = ?", [pid])))

    def rename(self, name: str, new_name: str, *, actor: str | None = None) -> None:
        """Give a person the name they go by. A name that is already someone else's (as
        people write names: case, accents) is refused: merge the two entries instead."""
        new_name = clean_name(new_name)
        with self.database.write() as db:
            row = _same_person(db, clean_name(name))
            if row is None:
                raise no_such_person(db, name)
            other = _same_person(db, new_name)
            if other is not None and other["id"] != row["id"]:
                raise InputError(
                    _("'{other}' is already on the roster: merge the two entries instead").format(
                        other=other["name"]
                    )
                )
            if row["name"] == new_name:
                return
            if other is None:
                refuse_erased(db, new_name)
            db.update(
                "participants",
                "id",
                row["id"],
                {"name": new_name, "updated_at": self.database.clock()},
            )
            self.database.log(
                EventName.PARTICIPANT_RENAME,
                subject=str(row["id"]),
                actor=actor,
                data={"before": row["name"], "after": new_name},
            )

    def merge(
        self,
        source: str,
        target: str,
        *,
        consent: Consent | str | None = None,
        actor: str | None = None,
    ) -> dict[str, Any]:
        """One person entered twice: everything `source` said, voted and ranked becomes
        `target`'s, and `source` leaves the roster. Their consent is `consent`, the one the
        person gave (the app and the command line ask when the two entries differ); else
        the more restrictive of the two (off the record over anonymous over named), so no
        one is published more than they agreed to. Returns what it changed, for
        `unmerge_participants` (an undo)."""
        with self.database.write() as db:
            gone, kept = _same_person(db, clean_name(source)), _same_person(db, clean_name(target))
            if gone is None or kept is None:
                raise no_such_person(db, source if gone is None else target)
            if gone["id"] == kept["id"]:
                raise InputError(_("a person cannot be merged with themselves"))
            from hubworkshop.domain.consent import strictest  # not on the hot paths

            consent = (
                Consent(consent)
                if consent is not None
                else strictest(Consent(gone["consent"]), Consent(kept["consent"]))
            )
            ids = [kept["id"], gone["id"]]
            undo = {
                "gone": dict(gone),
                "kept": {k: kept[k] for k in ("id", "name", "consent", "language", "room")},
                "contributions": [
                    r[0]
                    for r in db.execute("SELECT id FROM contributions WHERE author = ?", ids[1:])
                ],
                "votes": [
                    r[0] for r in db.execute("SELECT uid FROM votes WHERE participant = ?", ids[1:])
                ],
                "rankings": [
                    dict(r)
                    for r in db.query("SELECT * FROM rankings WHERE participant = ?", ids[1:])
                ],
            }
            db.execute("UPDATE contributions SET author = ? WHERE author = ?", ids)
            db.execute("UPDATE votes SET participant = ? WHERE participant = ?", ids)
            # Both ranked a room: the surviving entry's order stands.
            db.execute(
                "DELETE FROM rankings WHERE participant = ? AND room IN "
                "(SELECT room FROM rankings WHERE participant = ?)",
                [gone["id"], kept["id"]],
            )
            db.execute("UPDATE rankings SET participant = ? WHERE participant = ?", ids)
            db.execute("DELETE FROM participants WHERE id = ?", [gone["id"]])
            db.update(
                "participants",
                "id",
                kept["id"],
                {
                    "consent": consent.value,
                    "language": kept["language"] or gone["language"],
                    "room": kept["room"] or gone["room"],
                    "updated_at": self.database.clock(),
                },
            )
            self.database.log(
                EventName.PARTICIPANT_MERGE,
                subject=str(kept["id"]),
                actor=actor,
                data={
                    "merged": gone["name"],
                    "into": kept["name"],
                    "consent": {
                        "before": [gone["consent"], kept["consent"]],
                        "after": consent.value,
                    },
                },
            )
        return undo

    def unmerge(self, undo: dict[str, Any], *, actor: str | None = None) -> None:
        """Undo `merge_participants`: the person merged away comes back, with their words,
        dots and ballots, and the one kept gets back their consent, language and room.
        Refused if either was erased since, or the name was given to someone else."""
        gone, kept = undo["gone"], undo["kept"]
        with self.database.write() as db:
            refuse_erased(db, gone["name"])
            erased = db.execute(
                "SELECT 1 FROM erasures WHERE kind = 'person' AND value = ?", [gone["uid"]]
            ).fetchone()
            if (
                erased
                or first(db.query("SELECT id FROM participants WHERE id = ?", [kept["id"]])) is None
            ):
                raise InputError(_("{name} is no longer in the workshop").format(name=kept["name"]))
            if _same_person(db, gone["name"]) is not None:
                raise InputError(
                    _("{name} is on the roster again: merge or rename them first").format(
                        name=gone["name"]
                    )
                )
            values = {k: v for k, v in gone.items() if k != "id"}
            taken = db.execute("SELECT 1 FROM participants WHERE id = ?", [gone["id"]]).fetchone()
            pid = db.insert("participants", values if taken else gone)
            marks = ", ".join("?" for _ in undo["contributions"])
            db.execute(
                f"UPDATE contributions SET author = ? WHERE author = ? AND id IN ({marks})",
                [pid, kept["id"], *undo["contributions"]],
            )
            marks = ", ".join("?" for _ in undo["votes"])
            db.execute(
                f"UPDATE votes SET participant = ? WHERE participant = ? AND uid IN ({marks})",
                [pid, kept["id"], *undo["votes"]],
            )
            for ballot in undo["rankings"]:
                db.execute("DELETE FROM rankings WHERE id = ?", [ballot["id"]])
                db.insert("rankings", {**ballot, "participant": pid})
            db.update(
                "participants",
                "id",
                kept["id"],
                {k: kept[k] for k in ("consent", "language", "room")}
                | {"updated_at": self.database.clock()},
            )
            self.database.log(
                EventName.PARTICIPANT_ADD,
                subject=str(pid),
                room=gone["room"],
                actor=actor,
                data={"name": gone["name"], "split_from": kept["name"]},
            )

    def remove(self, pid: int, *, actor: str | None = None) -> bool:
        """Take back a person added by mistake (an undone edit or vote added them): only if
        nothing refers to them, so no word, dot or ballot is left without its person."""
        with self.database.write() as db:
            used = db.execute(
                "SELECT EXISTS (SELECT 1 FROM contributions WHERE author = ?) "
                "OR EXISTS (SELECT 1 FROM votes WHERE participant = ?) "
                "OR EXISTS (SELECT 1 FROM rankings WHERE participant = ?)",
                [pid, pid, pid],
            ).fetchone()[0]
            row = first(db.query("SELECT room FROM participants WHERE id = ?", [pid]))
            if used or row is None:
                return False
            db.execute("DELETE FROM participants WHERE id = ?", [pid])
            self.database.log(
                EventName.PARTICIPANT_REMOVE, subject=str(pid), room=row["room"], actor=actor
            )
            return True

    def id_in(self, db: Db, name: str, room: str | None, actor: str | None) -> int:
        """Inside a write: the id of a participant, added as anonymous if new."""
        name = clean_name(name)
        row = _same_person(db, name)
        if row is not None:
            return int(row["id"])
        refuse_erased(db, name)
        now = self.database.clock()
        values = {
            "name": name,
            "consent": Consent.ANONYMOUS.value,
            "language": None,
            "room": room,
            "created_at": now,
            "updated_at": now,
        }
        pid = db.insert("participants", values)
        self.database.log(
            EventName.PARTICIPANT_ADD, subject=str(pid), room=room, actor=actor, data=values
        )
        return pid


def _same_person(db: Db, name: str) -> dict[str, Any] | None:
    """Inside a write: the participant with this name however it is spelled (case, composed
    or decomposed accents). The write lock makes the look-up and a following insert one step
    for every process."""
    key = name_key(name)
    for row in db.query("SELECT * FROM participants ORDER BY id"):
        if name_key(row["name"]) == key:
            return row
    return None


def refuse_erased(db: Db, name: str) -> None:
    """Inside a write: refuse a new participant under a name erased on request here (a
    merged copy would erase them again, and no one should come back under it by accident)."""
    from hubworkshop.domain.names import name_token  # only when a person is new

    try:
        salt = db.execute("SELECT id FROM workshop LIMIT 1").fetchone()
        token = name_token(name, str(salt[0]) if salt else "")
        erased = db.execute(
            "SELECT 1 FROM erasures WHERE kind = 'name' AND value = ?", [token]
        ).fetchone()
    except sqlite3.OperationalError:  # an older file, still being migrated: nothing erased
        return
    if erased:
        raise InputError(
            _(
                "'{name}' was erased from this workshop on request; add the person under another name"
            ).format(name=name)
        )


def no_such_person(db: Db, name: str) -> NotFoundError:
    """The error for a name on no one, naming who may have been meant (a request to forget
    `Jose Nandu` is about `José Ñandú`, but only a person can say so)."""
    names = [row["name"] for row in db.query("SELECT name FROM participants ORDER BY id")]
    meant = similar_names(name, names)
    if not meant:
        return NotFoundError(_("no participant called '{name}'").format(name=name))
    return NotFoundError(
        _("no participant called '{name}'; did you mean {names}?").format(
            name=name, names=either(meant)
        )
    )
