"""Report-back in plenary: room by room, the purpose statement, takeaways and most-voted points.

Read out to everyone, so it shows only what the report-back surface of the consent rule
allows (`domain/consent.py`).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from hubworkshop.domain.consent import Surface, policy
from hubworkshop.domain.i18n import N_, _
from hubworkshop.domain.model import Contribution
from hubworkshop.domain.records import PurposeStatement
from hubworkshop.domain.text import one_line
from hubworkshop.tui.screens.base import HubScreen
from hubworkshop.tui.widgets.text import plain, said

REPORT_BACK = policy(Surface.REPORT_BACK)


class ReportBackScreen(HubScreen):
    """Plenary: step room by room through takeaways, purpose statement and top-voted points."""

    DEFAULT_CSS = """
    ReportBackScreen { padding: 1 3; }
    ReportBackScreen #rb-room { text-style: bold; color: $accent; }
    ReportBackScreen .rb-label { color: $text-muted; margin-top: 1; text-style: bold; }
    ReportBackScreen #rb-purpose { text-style: bold; padding: 0 2; border: round $primary; }
    ReportBackScreen #rb-hint { dock: bottom; color: $text-disabled; }
    """
    BINDINGS = [
        Binding("right,n,space", "step(1)", N_("Next room")),
        Binding("left,p", "step(-1)", N_("Previous room")),
        Binding("escape", "app.pop_screen", N_("Back")),
    ]

    def __init__(self, rooms: list[str], start_room: str | None = None) -> None:
        super().__init__()
        self.rooms = rooms
        self.index = rooms.index(start_room) if start_room in rooms else 0

    def compose(self) -> ComposeResult:
        yield Static("", id="rb-room")
        yield Static(_("Purpose statement"), classes="rb-label")
        yield Static("", id="rb-purpose")
        yield Static(_("Key takeaways"), classes="rb-label")
        yield Static("", id="rb-takeaways")
        yield Static(_("Most voted"), classes="rb-label")
        yield Static("", id="rb-voted")
        yield Static(_("← → step through rooms · Esc back"), id="rb-hint")

    def on_mount(self) -> None:
        self.load()

    def sync(self) -> None:
        self.load()

    def action_step(self, step: int) -> None:
        self.index = (self.index + step) % len(self.rooms)
        self.load()

    def load(self) -> None:
        room_id = self.rooms[self.index]

        def read() -> tuple[list[PurposeStatement], list[Contribution], list[Contribution]]:
            statements = self.store.purposes.all(room_id)
            final = [s for s in statements if s.final] or statements[-1:]
            takeaways = REPORT_BACK.visible(self.store.points.takeaways(room_id))
            voted = sorted(
                (
                    c
                    for c in REPORT_BACK.visible(self.store.contributions.find(room=room_id))
                    if c.votes
                ),
                key=lambda c: (-c.votes, c.seq),
            )[:5]
            return final, takeaways, voted

        self.run_store(read, lambda data: self.show(room_id, *data))

    def show(
        self,
        room_id: str,
        final: list[PurposeStatement],
        takeaways: list[Contribution],
        voted: list[Contribution],
    ) -> None:
        room = self.store.catalog.room(room_id)
        self.query_one("#rb-room", Static).update(
            plain(
                f"{room.name}   ("
                + _("{n} of {total}").format(n=self.index + 1, total=len(self.rooms))
                + ")"
            )
        )
        visible = takeaways
        self.query_one("#rb-purpose", Static).update(
            plain(final[0].text if final else _("No purpose statement yet."))
        )
        self.query_one("#rb-takeaways", Static).update(
            plain(
                "\n".join(f"{i + 1}. {one_line(said(c.text))}" for i, c in enumerate(visible))
                or _("No takeaways chosen yet.")
            )
        )
        self.query_one("#rb-voted", Static).update(
            plain(
                "\n".join(f"●{c.votes}  {one_line(said(c.text))}" for c in voted)
                or _("No votes yet.")
            )
        )
