"""The room's participants' page, from the staff's side: its QR code and short link while
`serve` runs, its moderation (post: points show at once, a facilitator may hide one;
pre: they show once approved), and the points waiting for approval. Every decision is a
function of `workshop/participate.py`, logged."""

from __future__ import annotations

import io
from typing import NamedTuple

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from hubworkshop.domain.i18n import N_, _, kind_label, ngettext
from hubworkshop.domain.model import Contribution
from hubworkshop.storage import pages
from hubworkshop.tui.screens.base import HubScreen
from hubworkshop.tui.widgets.glyphs import AppHeader
from hubworkshop.tui.widgets.key_footer import KeyFooter
from hubworkshop.tui.widgets.text import plain
from hubworkshop.workshop import participate
from hubworkshop.workshop.history import History, Moderate


class PageState(NamedTuple):
    address: tuple[str, str] | None
    moderation: str
    waiting: list[Contribution]


def qr_text(link: str) -> str:
    """The link's QR code in half blocks, light on dark (as a terminal shows it)."""
    import segno  # only here: drawn when this screen or the presenter view asks

    out = io.StringIO()
    segno.make(link, error="l", boost_error=False).terminal(out=out, compact=True, border=1)
    return out.getvalue().rstrip("\n")


def join_line(address: tuple[str, str] | None) -> str:
    """The short way in, for a slide or a chat: the code page and the room's code."""
    if address is None:
        return _("No participants' page: start `hubworkshop serve` to give each room a link.")
    link, code = address
    join = link.split("/p/", 1)[0] + "/join"
    return _("Join: {join} · code {code}").format(join=join, code=f"{code[:4]}-{code[4:]}")


_MODERATION = frozenset({"toggle_moderation", "approve", "hide"})


class ParticipantsScreen(HubScreen):
    """The room's page: QR code, link and code; moderation; points waiting for approval."""

    DEFAULT_CSS = """
    ParticipantsScreen #page-body { height: 1fr; }
    ParticipantsScreen #page-qr { width: auto; padding: 0 1; }
    ParticipantsScreen #page-side { width: 1fr; padding: 0 1; }
    ParticipantsScreen #page-waiting { height: 1fr; }
    """
    BINDINGS = [
        Binding("m", "toggle_moderation", N_("Moderation")),
        Binding("a", "approve", N_("Approve")),
        Binding("h", "hide", N_("Hide")),
        Binding("escape", "app.pop_screen", N_("Back")),
    ]

    def __init__(self, room_id: str, history: History | None = None) -> None:
        super().__init__()
        self.room_id = room_id
        self.history = history or History()
        """The room's undo history: a hiding or an approval here undoes with Ctrl+Z back in
        the room."""
        self.state = PageState(None, "post", [])

    def compose(self) -> ComposeResult:
        yield AppHeader()
        with Horizontal(id="page-body"):
            yield Static("", id="page-qr")
            with Vertical(id="page-side"):
                yield Static("", id="page-link")
                yield Static("", id="page-moderation")
                yield Static("", id="page-count")
                yield OptionList(id="page-waiting")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.load()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Moderation's keys are a facilitator's: a note-taker's footer does not offer them
        (the steps refuse them too: `workshop/roles.py`)."""
        return action not in _MODERATION or self.hub_app.facilitator

    def sync(self) -> None:
        self.load()

    def load(self) -> None:
        store, room = self.store, self.room_id

        def read() -> PageState:
            return PageState(
                pages.room_address(store, room),
                pages.moderation(store, room),
                participate.waiting(store, room),
            )

        self.run_store(read, self.show)

    def show(self, state: PageState) -> None:
        self.state = state
        qr = self.query_one("#page-qr", Static)
        if state.address is not None:
            qr.update(Text(qr_text(state.address[0])))
            qr.display = True
        else:
            qr.display = False
        link = Text(join_line(state.address))
        if state.address is not None:
            link.append("\n" + _("Room link (the QR code's): {link}").format(link=state.address[0]))
        self.query_one("#page-link", Static).update(link)
        n = len(state.waiting)
        if self.hub_app.facilitator:
            mode = (
                _("Moderation: after (points show at once; a facilitator may hide one) · m: change")
                if state.moderation == "post"
                else _("Moderation: before (points show once approved) · m: change")
            )
            count = ngettext(
                "{n} point waiting for approval · a: approve · h: hide",
                "{n} points waiting for approval · a: approve · h: hide",
                n,
            )
        else:  # a note-taker sees the page's state, not keys they may not use
            mode = (
                _("Moderation: after (points show at once; a facilitator may hide one)")
                if state.moderation == "post"
                else _("Moderation: before (points show once approved)")
            )
            count = ngettext(
                "{n} point waiting for a facilitator's approval",
                "{n} points waiting for a facilitator's approval",
                n,
            )
        self.query_one("#page-moderation", Static).update(plain(mode))
        self.query_one("#page-count", Static).update(plain(count.format(n=n)))
        waiting = self.query_one("#page-waiting", OptionList)
        # Drawn again whenever another terminal or a participant writes: the point the
        # facilitator had chosen stays chosen (by id), so `a` never lands on another one.
        chosen = self._selected()
        waiting.clear_options()
        waiting.add_options(
            [Option(Text(f"{kind_label(c.kind.value)}: {c.text}"), id=c.id) for c in state.waiting]
        )
        ids = [c.id for c in state.waiting]
        if ids:
            waiting.highlighted = ids.index(chosen) if chosen in ids else 0

    def _selected(self) -> str | None:
        waiting = self.query_one("#page-waiting", OptionList)
        if waiting.highlighted is None or waiting.highlighted >= waiting.option_count:
            return None
        return waiting.get_option_at_index(waiting.highlighted).id

    def _decide(self, step: str) -> None:
        if not self.hub_app.facilitator:  # the step refuses too: this says it sooner
            self.notify(_("Only a facilitator moderates the room."), markup=False)
            return
        store, room, actor = self.store, self.room_id, self.hub_app.user_name
        role = self.hub_app.role
        if step == "moderation":
            mode = "pre" if self.state.moderation == "post" else "post"
            self.run_store(
                lambda: participate.set_moderation(store, room, mode, role=role, actor=actor),
                lambda _r: self.load(),
            )
            return
        chosen = self._selected()
        if chosen is None:
            return
        history = self.history

        def act() -> None:
            point = pages.held_contribution(store, chosen)
            history.run(store, Moderate(point, step, role), actor)

        self.run_store(act, lambda _r: self.load())

    def action_toggle_moderation(self) -> None:
        self._decide("moderation")

    def action_approve(self) -> None:
        self._decide("approve")

    def action_hide(self) -> None:
        self._decide("hide")
