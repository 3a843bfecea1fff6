"""Running a room's agenda, the same way from every face: its question, phase and clock.

The room (`tui/screens/room_controls.py`: F5-F9), line mode (`/next`, `/previous`,
`/timer`) and the command line (`hubworkshop room question|phase|timer`) call these. Each
face keeps only how it asks and how it words the answer; the rules are here once:

- only a facilitator runs the agenda (`role`; `workshop/roles.py`), whatever the face;
- the next or previous question is counted from the one the facilitator *saw* when the face
  showed it (`seen`), else from the room's current one: two facilitators pressing F8 at the
  same moment on question 2 both open question 3, rather than skipping to 4;
- before the first question and after the last there is nothing: `AtEnd` says which.
"""

from __future__ import annotations

from collections.abc import Sequence

from hubworkshop.domain.errors import InputError
from hubworkshop.domain.i18n import _
from hubworkshop.domain.model import UserRole
from hubworkshop.storage.store import Store
from hubworkshop.workshop.roles import facilitator_only


class AtEnd(InputError):
    """No question before the first or after the last; `step` says which end."""

    def __init__(self, message: str, step: int) -> None:
        super().__init__(message)
        self.step = step


def step_question(
    store: Store,
    room: str,
    step: int,
    *,
    role: UserRole,
    actor: str | None,
    seen: str | None = None,
) -> str:
    """Open the question `step` places from the one `seen` (else the room's current one);
    returns its id."""
    facilitator_only(role, _("only a facilitator moves the room's question"))
    current = seen if seen is not None else store.rooms.state(room).question
    question = neighbour(store.catalog.room(room).questions, current, step)
    store.rooms.open_question(room, question, actor=actor)
    return question


def neighbour(questions: Sequence[str], current: str | None, step: int) -> str:
    """The question `step` places from `current` in the room's order (from before the first
    when `current` is none of them); `AtEnd` past either end. A face may ask this first, to
    answer at once without a write."""
    index = questions.index(current) if current in questions else -1
    if not 0 <= index + step < len(questions):
        raise AtEnd(
            _("this is the room's last question")
            if step > 0
            else _("this is the room's first question"),
            step,
        )
    return questions[index + step]


def open_question(
    store: Store, room: str, question: str, *, role: UserRole, actor: str | None
) -> None:
    """Open `question` (an id of the bank) in the room."""
    facilitator_only(role, _("only a facilitator moves the room's question"))
    store.rooms.open_question(room, question, actor=actor)


def set_phase(store: Store, room: str, phase: str, *, role: UserRole, actor: str | None) -> None:
    """Move the room to an agenda phase (its clock reset to the phase's length)."""
    facilitator_only(role, _("only a facilitator moves the room to another phase"))
    store.rooms.set_phase(room, phase, actor=actor)


def start_clock(store: Store, room: str, *, role: UserRole, actor: str | None) -> None:
    facilitator_only(role, _("only a facilitator runs the room's clock"))
    store.rooms.start_timer(room, actor=actor)


def pause_clock(store: Store, room: str, *, role: UserRole, actor: str | None) -> None:
    facilitator_only(role, _("only a facilitator runs the room's clock"))
    store.rooms.pause_timer(room, actor=actor)


def toggle_clock(store: Store, room: str, *, role: UserRole, actor: str | None) -> bool:
    """Start the clock if it stands, else pause it; whether it runs now."""
    if store.rooms.countdown(room).running:
        pause_clock(store, room, role=role, actor=actor)
        return False
    start_clock(store, room, role=role, actor=actor)
    return True


def extend_clock(
    store: Store, room: str, minutes: int, *, role: UserRole, actor: str | None
) -> None:
    """Give the phase `minutes` more (fewer, when negative)."""
    facilitator_only(role, _("only a facilitator runs the room's clock"))
    store.rooms.extend_timer(room, minutes, actor=actor)
