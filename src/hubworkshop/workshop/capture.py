"""Capture: one typed line becomes a stored contribution, the same way from every face.

The room's capture bar (`tui/screens/room_capture.py`), line mode (`cli/line.py`) and, later,
the participants' page call `capture_lines`. Each line is read with the quick syntax
(`domain/capture.py`) against the people the database knows at the moment of saving (another
terminal may have added someone a moment ago), goes under the room's open question as the
database has it then, and all lines are stored in one transaction: every line or none. A
line's `^id` names the point it answers (`= ^3f2a9c1e agrees`); an unknown id saves nothing.
Storage detects the language of a line that gives none (`storage/contributions.py`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import NamedTuple

from hubworkshop.domain.capture import parse_capture
from hubworkshop.domain.model import Contribution
from hubworkshop.domain.names import name_key
from hubworkshop.domain.records import Draft
from hubworkshop.storage import Store


class Captured(NamedTuple):
    """What a capture stored, and the names it met for the first time."""

    rows: list[Contribution]
    new_people: list[str]
    """Speakers named for the first time: each is a new person, anonymous until their
    consent is recorded. A face says so; it never happens silently."""


def has_text(raw: str, known_names: Iterable[str] = ()) -> bool:
    """Whether `raw` holds something to save besides its markers: `! #funding` does not."""
    return bool(parse_capture(raw, known_names).text)


def capture_lines(
    store: Store, room: str, lines: Sequence[str], *, note_taker: str | None
) -> Captured:
    """Store `lines` (quick syntax) as contributions of `room`, in one transaction."""
    people = store.participants.all()
    names = [p.name for p in people]
    here = [p.name for p in people if p.room == room]
    known = {name_key(n) for n in names}
    captures = [parse_capture(line, names, here) for line in lines]
    question = store.rooms.state(room).question
    rows = store.contributions.add_many(
        [
            Draft(
                room=room,
                text=c.text,
                question=question,
                kind=c.kind,
                author=c.author,
                tags=c.tags,
                language=c.language,
                responds_to=c.responds_to,
            )
            for c in captures
        ],
        note_taker=note_taker,
    )
    new = {c.author for c in rows if c.author and name_key(c.author) not in known}
    return Captured(rows, sorted(new))
