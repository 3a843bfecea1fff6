"""The workshop as planned: the snapshot of the plan and question bank a database keeps.

None of it changes after the database is created, so each part is read once and cached.
"""

from __future__ import annotations

import datetime as dt
import json

from hubworkshop.domain.errors import NotFoundError
from hubworkshop.domain.events import EventName
from hubworkshop.domain.i18n import _
from hubworkshop.domain.model import Activity, LocalText, Phase, Plan, Question, Role, Room, Theme
from hubworkshop.domain.records import Workshop, find_room
from hubworkshop.storage.base import Database
from hubworkshop.storage.rows import dumps


class Catalog:
    """The plan and question bank as the database keeps them (read once, then cached)."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self._workshop: Workshop | None = None
        self._phases: list[Phase] | None = None
        self._rooms: dict[str, Room] | None = None
        self._questions: dict[str, Question] | None = None

    def workshop(self) -> Workshop:
        """The workshop as planned, and the bank it used."""
        if self._workshop is None:
            with self.database.read() as db:
                row = next(db.query("SELECT * FROM workshop"))
            row["languages"] = tuple(json.loads(row["languages"]))
            row["bank_languages"] = tuple(json.loads(row["bank_languages"]))
            row["ranking_subject"] = LocalText(
                json.loads(row["ranking_subject"]), row["bank_languages"][0]
            )
            self._workshop = Workshop(**row)
        return self._workshop

    def phases(self) -> list[Phase]:
        """The agenda. It never changes after creation, so this is cached."""
        if self._phases is None:
            self._phases = self._read_phases()
        return list(self._phases)

    def _read_phases(self) -> list[Phase]:
        with self.database.read() as db:
            rows = list(db.query("SELECT * FROM phases ORDER BY position"))
        return [
            Phase(
                id=r["id"],
                title=r["title"],
                activity=Activity(r["activity"]),
                start=dt.time.fromisoformat(r["start"]),
                minutes=r["minutes"],
                part=r["part"],
                questions=tuple(json.loads(r["questions"])),
            )
            for r in rows
        ]

    def rooms(self) -> dict[str, Room]:
        """Rooms by id, in plan order. They never change after creation, so this is cached."""
        if self._rooms is None:
            with self.database.read() as db:
                rooms = list(db.query("SELECT id, name, language FROM rooms ORDER BY position"))
                links = list(
                    db.query("SELECT room, question FROM room_questions ORDER BY position")
                )
            self._rooms = {
                r["id"]: Room(
                    r["id"],
                    r["name"],
                    tuple(q["question"] for q in links if q["room"] == r["id"]),
                    r["language"],
                )
                for r in rooms
            }
        return self._rooms

    def room(self, room_id: str) -> Room:
        return find_room(self.rooms(), room_id)

    def questions(self) -> dict[str, Question]:
        """Every question of the bank snapshot, by id, in bank order."""
        if self._questions is None:
            default = self.workshop().bank_default_language
            with self.database.read() as db:
                rows = list(
                    db.query(
                        "SELECT q.* FROM questions q JOIN themes t ON t.id = q.theme "
                        "ORDER BY t.position, q.position"
                    )
                )
            self._questions = {
                r["id"]: Question(
                    id=r["id"],
                    theme=r["theme"],
                    text=LocalText(json.loads(r["text"]), default),
                    follow_ups=tuple(LocalText(f, default) for f in json.loads(r["follow_ups"])),
                    headline=bool(r["headline"]),
                )
                for r in rows
            }
        return self._questions

    def question(self, question_id: str) -> Question:
        try:
            return self.questions()[question_id]
        except KeyError:
            raise NotFoundError(
                _("unknown question id '{question_id}' (questions: {known})").format(
                    question_id=question_id, known=", ".join(self.questions())
                )
            ) from None

    def themes(self) -> list[Theme]:
        default = self.workshop().bank_default_language
        with self.database.read() as db:
            rows = list(db.query("SELECT * FROM themes ORDER BY position"))
        questions = self.questions().values()
        return [
            Theme(
                r["id"],
                LocalText(json.loads(r["title"]), default),
                tuple(q for q in questions if q.theme == r["id"]),
            )
            for r in rows
        ]

    def roles(self) -> list[Role]:
        default = self.workshop().bank_default_language
        with self.database.read() as db:
            rows = list(db.query("SELECT * FROM roles ORDER BY position"))
        return [Role(r["id"], LocalText(json.loads(r["label"]), default)) for r in rows]

    def seed(self, plan: Plan) -> None:
        """Copy the plan and its whole question bank into a new database."""
        db = self.database.connections.writer  # inside the write that creates the database
        bank = plan.bank
        now = self.database.clock()
        db.insert(
            "workshop",
            {
                "id": plan.id,
                "title": plan.title,
                "date": plan.date.isoformat(),
                "start": f"{plan.start:%H:%M}",
                "end": f"{plan.end:%H:%M}",
                "timezone": plan.timezone,
                "languages": json.dumps(list(plan.languages)),
                "note": plan.note,
                "dots": plan.dots,
                "url": plan.url,
                "organisers": plan.organisers,
                "bank_id": bank.id,
                "bank_title": bank.title,
                "bank_languages": json.dumps(list(bank.languages)),
                "created_at": now,
                "plan_source": plan.source,
                "plan_sha256": plan.fingerprint,
                "ranking_subject": dumps(bank.ranking_subject),
            },
        )
        db.insert_all(
            "phases",
            [
                {
                    "id": p.id,
                    "position": i,
                    "part": p.part,
                    "title": p.title,
                    "activity": p.activity.value,
                    "start": f"{p.start:%H:%M}",
                    "minutes": p.minutes,
                    "questions": json.dumps(list(p.questions)),
                }
                for i, p in enumerate(plan.phases)
            ],
        )
        db.insert_all(
            "themes",
            [
                {"id": t.id, "position": i, "title": dumps(t.title)}
                for i, t in enumerate(bank.themes)
            ],
        )
        db.insert_all(
            "questions",
            [
                {
                    "id": q.id,
                    "theme": t.id,
                    "position": i,
                    "headline": int(q.headline),
                    "text": dumps(q.text),
                    "follow_ups": json.dumps(
                        [f.as_dict() for f in q.follow_ups], ensure_ascii=False
                    ),
                }
                for t in bank.themes
                for i, q in enumerate(t.questions)
            ],
        )
        db.insert_all(
            "roles",
            [
                {"id": r.id, "position": i, "label": dumps(r.label)}
                for i, r in enumerate(bank.roles)
            ],
        )
        db.insert_all(
            "rooms",
            [
                {"id": r.id, "position": i, "name": r.name, "language": r.language}
                for i, r in enumerate(plan.rooms)
            ],
        )
        db.insert_all(
            "room_questions",
            [
                {"room": r.id, "question": q, "position": i}
                for r in plan.rooms
                for i, q in enumerate(r.questions)
            ],
        )
        first = next(
            (p for p in plan.phases if p.activity is Activity.BRAINSTORM),
            plan.phases[0] if plan.phases else None,
        )
        db.insert_all(
            "room_state",
            [
                {
                    "room": r.id,
                    "question": r.questions[0],
                    "question_opened_at": None,
                    "phase": first.id if first else None,
                    "timer_seconds": first.minutes * 60 if first else 0,
                    "updated_at": now,
                }
                for r in plan.rooms
            ],
        )
        self.database.log(EventName.WORKSHOP_CREATE, subject=plan.id, data={"bank": bank.id})

    # -- transactions ------------------------------------------------------------------------
