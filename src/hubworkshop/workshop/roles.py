"""Who may do what, decided once: the steps of `workshop/` refuse what a role may not do,
whatever face asks (the room, line mode, the command line, the participants' page), so a
face that forgot to hide a key still cannot do it.

A note-taker captures, edits, tags, merges and puts dots; running the room - its question,
phase and clock (`agenda.py`), opening and closing a vote (`voting.py`) - is the
facilitator's, and those steps refuse anyone else. A face shows only what its role may do
(`tui/screens/room_controls.py` is composed for a facilitator only; line mode's help lists
`/next` only to one), and asks the same rule, `runs_the_room`. Moderating the participants'
page is the facilitator's too: `participate.set_moderation`, `approve`, `hide` and the
undoable `history.Moderate` refuse anyone else (the terminal app, the only face that offers
them today, also leaves their keys out of a note-taker's footer and menus).
"""

from __future__ import annotations

from hubworkshop.domain.errors import InputError
from hubworkshop.domain.model import UserRole


class NotAllowed(InputError):
    """The role this session was given may not do this."""


def runs_the_room(role: UserRole) -> bool:
    """Whether `role` runs the room: its agenda, its votes, its page's moderation."""
    return role is UserRole.FACILITATOR


def facilitator_only(role: UserRole, message: str) -> None:
    """Refuse, with `message` (said to the user), unless `role` runs the room."""
    if not runs_the_room(role):
        raise NotAllowed(message)
