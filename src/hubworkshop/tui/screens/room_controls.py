"""The facilitator's controls: the room's clock and question (F5–F9), the dot-vote (V) and
the report-back (B).

A container around the room's body, so its keys work wherever the focus is in the room (the
bar, the list, the search field). The room composes it only for a facilitator: for a
note-taker these keys do not exist at all, not merely refuse.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.binding import Binding
from textual.containers import Vertical

from hubworkshop.domain.i18n import N_, _, ngettext
from hubworkshop.domain.text import one_line
from hubworkshop.tui.screens.room_service import RoomService
from hubworkshop.workshop import agenda, voting
from hubworkshop.workshop.room_view import RoomView

if TYPE_CHECKING:
    from textual.widget import Widget


class FacilitatorControls(Vertical):
    """The room's body, with the facilitator's keys over it."""

    BINDINGS = [
        Binding("f5", "toggle_timer", N_("Timer ▶/‖"), tooltip=N_("Start or pause the timer")),
        Binding(
            "f6", "extend(1)", N_("+1 min"), show=False, tooltip=N_("Extend the timer by 1 minute")
        ),
        Binding(
            "f7", "extend(5)", N_("+5 min"), show=False, tooltip=N_("Extend the timer by 5 minutes")
        ),
        Binding("f8", "move_question(1)", N_("Next Q"), tooltip=N_("Next question")),
        Binding(
            "f9", "move_question(-1)", N_("Prev Q"), show=False, tooltip=N_("Previous question")
        ),
    ]

    ACTIONS = frozenset({"toggle_timer", "extend", "move_question", "toggle_vote", "report_back"})
    """What only a facilitator does (the menu and the palette offer these to no one else)."""

    def __init__(self, service: RoomService, *children: Widget, id: str | None = None) -> None:
        super().__init__(*children, id=id)
        self.service = service
        self.snapshot: RoomView | None = None
        """The room as last read (the screen hands it down): the clock, the question."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # The role is the session's for as long as the room is open; should it change, the
        # keys go with it.
        return self.service.app.facilitator

    # -- the clock --------------------------------------------------------------------------

    # Each key is a step of `workshop/agenda.py`, which refuses it to anyone but a
    # facilitator whatever the face; here it is also composed for a facilitator only.

    def _agenda(self, description: str, step: Callable[..., object], *args: object) -> None:
        """Run `step(store, room, *args, role=..., actor=...)` in a worker, as this session."""
        service = self.service
        store, room, role, actor = (
            service.store,
            service.room_id,
            service.app.role,
            service.app.user_name,
        )
        service.write(description, lambda: step(store, room, *args, role=role, actor=actor))

    def action_toggle_timer(self) -> None:
        running = self.snapshot is not None and self.snapshot.countdown.running
        self._agenda(_("Timer"), agenda.pause_clock if running else agenda.start_clock)

    def action_extend(self, minutes: int) -> None:
        self._agenda(_("Timer"), agenda.extend_clock, minutes)
        self.notify(_("+{n} min").format(n=minutes), markup=False, timeout=1.5)

    # -- the question and the phase ----------------------------------------------------------

    def action_move_question(self, step: int) -> None:
        """F8/F9: from the question on this screen (a facilitator pressing at the same moment
        in another terminal opens the same one, rather than the one after)."""
        snapshot = self.snapshot
        seen = snapshot.question.id if snapshot and snapshot.question else None
        try:
            question = agenda.neighbour(self.service.room.questions, seen, step)
        except agenda.AtEnd as end:
            self.notify(
                _("This is the room's last question.")
                if end.step > 0
                else _("This is the room's first question."),
                markup=False,
                timeout=3,
            )
            return
        self.open_question(question)

    def open_question(self, question_id: str) -> None:
        self._agenda(_("Question"), agenda.open_question, question_id)

    def open_phase(self, phase_id: str) -> None:
        self._agenda(_("Phase"), agenda.set_phase, phase_id)

    # -- the room's activities ---------------------------------------------------------------

    def action_toggle_vote(self) -> None:
        """V: open a dot-vote round, or close it and keep its ranking."""
        service = self.service
        store, room_id, actor = service.store, service.room_id, service.app.user_name
        role = service.app.role

        def toggle() -> str:
            if store.votes.round(room_id) is None:
                dots = voting.open_round(store, room_id, role=role, actor=actor).dots
                return ngettext(
                    "Vote open: each participant has {n} dot.",
                    "Vote open: each participant has {n} dots.",
                    dots,
                ).format(n=dots)
            result = voting.close_round(store, room_id, role=role, actor=actor)
            dots = sum(t.dots for t in result)
            closed = _("Vote closed: {dots} on {points}.").format(
                dots=ngettext("{n} dot", "{n} dots", dots).format(n=dots),
                points=ngettext("{n} point", "{n} points", len(result)).format(n=len(result)),
            )
            # The result, most dots first: what the room voted for, not only how much.
            top = [f"{t.dots} · {one_line(t.text, 60)}" for t in result[:3]]
            return "\n".join([closed, *top])

        def toggled(message: str) -> None:
            self.notify(message, markup=False)
            service.sync()

        service.read(toggle, toggled)

    def action_report_back(self) -> None:
        from hubworkshop.tui.screens.report_back import ReportBackScreen

        store = self.service.store
        self.app.push_screen(ReportBackScreen(list(store.catalog.rooms()), self.service.room_id))
