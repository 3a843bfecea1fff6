"""The presenter view, for screen sharing: the question large, the clock, the latest points.

It is seen by everyone on the call, so it shows only what the consent rule lets the presenter
surface show (`domain/consent.py`): no off-the-record points, no names.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from hubworkshop.domain.consent import Surface, policy
from hubworkshop.domain.i18n import N_, _, kind_label
from hubworkshop.tui.screens.base import HubScreen

if TYPE_CHECKING:
    from hubworkshop.tui.screens.room import RoomScreen

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Static

from hubworkshop.domain.model import Contribution
from hubworkshop.tui.widgets.contribution_list import KIND_STYLES
from hubworkshop.tui.widgets.room_panels import (
    CountdownDisplay,
    QuestionPanel,
)
from hubworkshop.tui.widgets.text import plain, said_in

PRESENTER = policy(Surface.PRESENTER)
LATEST_READ = 200  # the newest points read, of which those that may be shown fill the screen


class PresenterScreen(HubScreen):
    """For screen sharing: the question large, the clock, the latest contributions. No chrome."""

    DEFAULT_CSS = """
    PresenterScreen { padding: 1 2 0 2; }
    PresenterScreen #presenter-top { height: auto; }
    PresenterScreen #presenter-phase { color: $text-muted; width: 1fr; padding-top: 1; }
    PresenterScreen QuestionPanel Horizontal { layout: vertical; }
    PresenterScreen QuestionPanel .question { border: heavy $accent; padding: 0 2; }
    PresenterScreen QuestionPanel .phase { display: none; }
    PresenterScreen #presenter-bottom { height: 1fr; margin-top: 1; }
    PresenterScreen #latest { height: 1fr; width: 1fr; }
    PresenterScreen #presenter-qr { width: auto; display: none; padding-left: 2; }
    PresenterScreen #presenter-join { height: 1; display: none; }
    PresenterScreen #presenter-hint { dock: bottom; color: $text-disabled; height: 1; }
    """
    BINDINGS = [
        Binding("escape,f3", "app.pop_screen", N_("Back")),
        Binding("f2", "cycle_language", N_("Language"), show=False),
        Binding("j", "toggle_qr", N_("QR code"), show=False),
    ]

    def __init__(self, room_id: str, room_screen: RoomScreen) -> None:
        super().__init__()
        self.room_id = room_id
        self.room_screen = room_screen
        self._latest_lock = threading.Lock()
        self.address: tuple[str, str] | None = None
        self.showing_qr: bool | None = None
        """None: the QR code beside the points when the screen is tall enough for both."""

    def compose(self) -> ComposeResult:
        with Horizontal(id="presenter-top"):
            yield Static("", id="presenter-phase")
            yield CountdownDisplay()
        yield QuestionPanel()
        with Horizontal(id="presenter-bottom"):
            yield Static("", id="latest")
            yield Static("", id="presenter-qr")
        yield Static("", id="presenter-join")
        yield Static(_("Esc: back to the room · F2: language · J: QR code"), id="presenter-hint")

    def on_mount(self) -> None:
        self.refresh_view()

    def action_cycle_language(self) -> None:
        self.room_screen.action_cycle_language()
        self.refresh_view()

    def tick(self) -> None:
        self.room_screen.tick()
        snapshot = self.room_screen.snapshot
        displays = self.query(CountdownDisplay)
        if snapshot is not None and displays:
            countdown = snapshot.countdown
            displays.first().show(
                countdown.remaining(self.room_screen.hub_app.now()),
                countdown.running,
                countdown.total_seconds,
            )

    def sync(self) -> None:
        self.refresh_view()

    def refresh_view(self) -> None:
        screen = self.room_screen
        snapshot = screen.snapshot
        heading = self.query("#presenter-phase").results(Static)
        heading_widget = next(heading, None)
        if snapshot is None or heading_widget is None:
            # (a change read while the screen was still composing: its own mount shows it)
            return
        shown = screen.question_languages(screen.language_mode)
        phase = snapshot.phase
        title = f"{screen.room.name}\n{phase.title if phase else ''} · {snapshot.position}"
        heading_widget.update(plain(title))
        self.query_one(QuestionPanel).show(snapshot.question, shown, phase, snapshot.position)
        self.tick()
        self.load_latest()
        self.load_join()

    def load_join(self) -> None:
        """The room's participants' page while `serve` runs: its QR code beside the latest
        points (J hides or shows it) and the short way in on the bottom line."""
        from hubworkshop.storage.pages import room_address

        store, room = self.store, self.room_id
        self.run_store(lambda: room_address(store, room), self.show_join, group="presenter-join")

    def show_join(self, address: tuple[str, str] | None) -> None:
        from hubworkshop.tui.screens.participants import join_line, qr_text

        self.address = address
        line = self.query_one("#presenter-join", Static)
        line.display = address is not None
        line.update(plain(join_line(address)) if address else "")
        code = qr_text(address[0]) if address is not None else ""
        roomy = self.size.height >= code.count("\n") + 16  # the question and clock too
        showing = address is not None and (roomy if self.showing_qr is None else self.showing_qr)
        qr = self.query_one("#presenter-qr", Static)
        qr.display = showing
        qr.update(Text(code))
        # Asked for on a small screen: the code alone, whole (a cut code does not scan).
        alone = showing and not roomy
        for widget in (self.query_one("#presenter-top"), self.query_one(QuestionPanel)):
            widget.display = not alone
        self.query_one("#latest").display = not alone

    def action_toggle_qr(self) -> None:
        if self.address is None:
            self.notify(
                _("No participants' page yet: it is served by `hubworkshop serve`."),
                markup=False,
                timeout=4,
            )
            return
        shown = self.query_one("#presenter-qr", Static).display
        self.showing_qr = not shown
        self.show_join(self.address)

    def load_latest(self) -> None:
        """The current question's newest points that everyone may see: publishable, not parked."""
        store, room_id = self.store, self.room_id
        snapshot = self.room_screen.snapshot
        question = snapshot.question.id if snapshot is not None and snapshot.question else None

        def read() -> list[Contribution]:
            if question is None:
                return []
            seqs = store.contributions.seqs(room=room_id, question=question)[-LATEST_READ:]
            rows = store.contributions.by_seqs(seqs)
            points = [rows[s] for s in seqs if s in rows]
            # Points merged into one that may not be shown here stand on their own.
            for hidden in [c for c in points if c.merged_count and not PRESENTER.shows(c)]:
                points += store.points.merged_into(hidden.id)
            points.sort(key=lambda c: c.seq)
            return [c for c in PRESENTER.visible(points) if not c.parked]

        self.run_store(read, self.show_latest, serial=self._latest_lock, group="presenter")

    def show_latest(self, latest: list[Contribution]) -> None:
        """The newest contributions that fit, one line each, cut with an ellipsis."""
        latest_box = self.query_one("#latest")
        height, width = max(latest_box.size.height, 3), max(latest_box.size.width, 20)
        text = Text(no_wrap=True, overflow="ellipsis")
        for c in latest[-height:]:
            if text:
                text.append("\n")
            text.append("★ " if c.starred else "• ", "bold yellow" if c.starred else "")
            kind = f"{kind_label(c.kind.value)}: "
            text.append(kind, KIND_STYLES[c.kind])
            # Cut in reading order before --bidi reorders: a sentence keeps its beginning.
            text.append(said_in(c.text, width - 2 - cell_len(kind)))
        self.query_one("#latest", Static).update(text or Text(_("No contributions yet.")))
