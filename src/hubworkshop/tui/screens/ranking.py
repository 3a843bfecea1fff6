"""Task ranking: a room's (or a participant's) order of the bank's items, and the Borda
chart."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from hubworkshop.domain.consent import Surface, policy
from hubworkshop.domain.i18n import N_, _, ngettext
from hubworkshop.domain.model import Role
from hubworkshop.domain.names import room_first
from hubworkshop.domain.ranking import (
    Rankings,
    Score,
    across_rooms,
    bar_length,
    ranking_chart,
)
from hubworkshop.tui.dialogs.common import ParticipantPicker
from hubworkshop.tui.screens.base import HubScreen
from hubworkshop.tui.widgets.glyphs import AppHeader
from hubworkshop.tui.widgets.key_footer import KeyFooter
from hubworkshop.tui.widgets.text import plain
from hubworkshop.workshop import ranking


def bar_chart(scores: list[Score], labels: dict[str, str], width: int) -> Text:
    """Horizontal bars, one per role, scaled to the best score: the rows the HTML summary's
    chart draws too (`domain.ranking.ranking_chart`)."""
    text = Text()
    if not scores:
        return Text(_("No ranking recorded yet."))
    rows = ranking_chart(scores, labels)
    top = max(r.value for r in rows)
    label_width = min(max(len(r.label) for r in rows), 34)
    bar_room = max(width - label_width - 16, 10)
    for r in rows:
        label = r.label[:label_width].ljust(label_width)
        bar = "█" * round(bar_length(r.value, top, bar_room))
        tie = " =" if r.tied else "  "
        text.append(f"{r.rank:>2}. {label} ", "bold" if r.rank == 1 else "")
        text.append(bar, "green" if r.rank <= 3 else "cyan")
        text.append(f" {r.value}{tie}\n")
    return text


class RankingScreen(HubScreen):
    """Task ranking: order the bank's items for this room; see the workshop's Borda chart."""

    DEFAULT_CSS = """
    RankingScreen #ranking { height: 1fr; }
    RankingScreen #order-box { width: 1fr; padding: 0 1; }
    RankingScreen #chart-box { width: 1fr; padding: 0 1; border-left: solid $primary; }
    RankingScreen .label { color: $text-muted; }
    RankingScreen #roles { height: auto; max-height: 100%; }
    """
    BINDINGS = [
        Binding("shift+up,ctrl+up,minus", "move(-1)", N_("Move up")),
        Binding("shift+down,ctrl+down,plus", "move(1)", N_("Move down")),
        Binding("ctrl+s", "save", N_("Save room order"), priority=True),
        Binding("ctrl+n,alt+n", "save_for", N_("Save as someone's order"), priority=True),
        Binding("escape", "app.pop_screen", N_("Back")),
    ]

    def __init__(self, room_id: str) -> None:
        super().__init__()
        self.room_id = room_id
        self.order: list[Role] = []
        self.language = ""

    def compose(self) -> ComposeResult:
        yield AppHeader()
        with Horizontal(id="ranking"):
            with Vertical(id="order-box"):
                yield Static(_("This room's order"), id="subject", classes="label")
                yield OptionList(id="roles")
                yield Static(
                    _(
                        "Shift+↑/↓ (or - and +) move an item · Ctrl+S saves the room's agreed "
                        "order · Ctrl+N saves it as one participant's order"
                    ),
                    classes="label",
                )
            with VerticalScroll(id="chart-box"):
                yield Static(_("Across rooms (Borda count)"), classes="label")
                yield Static("", id="chart")
                yield Static("", id="chart-note", classes="label")
        yield KeyFooter()

    def on_mount(self) -> None:
        room = self.store.catalog.room(self.room_id)
        self.title = _("Task ranking — {room}").format(room=room.name)
        self.language = room.language or self.store.catalog.workshop().default_language
        subject = self.store.catalog.workshop().ranking_subject.get_text(self.language)
        if subject:  # the bank's words for what is ranked, in the room's language
            self.query_one("#subject", Static).update(
                plain(_("This room's order: {subject}").format(subject=subject))
            )
        self.load()

    def load(self) -> None:
        def read() -> tuple[list[Role], Rankings]:
            # The chart is the workshop's result, shown as report-back would show it: no
            # off-the-record participant's order counts in it (`domain/consent.py`).
            shown = policy(Surface.REPORT_BACK, participants=self.store.participants.all())
            return self.store.catalog.roles(), shown.ballots(self.store.rankings.all())

        self.run_store(read, self.show)

    def sync(self) -> None:
        self.load()

    def show(self, data: tuple[list[Role], Rankings]) -> None:
        roles, rankings = data
        by_id = {r.id: r for r in roles}
        if not self.order:
            ids = ranking.ballot(rankings, self.room_id, [r.id for r in roles])
            self.order = [by_id[i] for i in ids]
            self.redraw(0)
            self.query_one("#roles", OptionList).focus()
        scores, _orders = across_rooms(rankings, [r.id for r in roles])
        labels = {r.id: r.label.get_text(self.language) for r in roles}
        width = max(self.query_one("#chart-box").size.width - 2, 40)
        self.query_one("#chart", Static).update(
            bar_chart(scores if rankings else [], labels, width)
        )
        self.query_one("#chart-note", Static).update(
            ngettext(
                "{n} room ranked. First of {items} earns {top} points, last 0; unranked items "
                "earn nothing (abstention); = marks a tie.",
                "{n} rooms ranked. First of {items} earns {top} points, last 0; unranked items "
                "earn nothing (abstention); = marks a tie.",
                len(rankings),
            ).format(n=len(rankings), items=len(roles), top=len(roles) - 1)
        )

    def redraw(self, highlight: int) -> None:
        roles = self.query_one("#roles", OptionList)
        roles.clear_options()
        for i, role in enumerate(self.order):
            label = role.label.get_text(self.language)
            roles.add_option(Option(plain(f"{i + 1}. {label}"), id=role.id))
        roles.highlighted = highlight

    def action_move(self, step: int) -> None:
        index = self.query_one("#roles", OptionList).highlighted
        if index is None or not 0 <= index + step < len(self.order):
            return
        by_id = {r.id: r for r in self.order}
        ids = ranking.moved([r.id for r in self.order], self.order[index].id, step)
        self.order = [by_id[i] for i in ids]
        self.redraw(index + step)

    def action_save(self) -> None:
        ids = [r.id for r in self.order]
        store, room, actor = self.store, self.room_id, self.hub_app.user_name
        self.run_store(
            lambda: ranking.record(store, room, ids, actor=actor),
            self.saying(_("Room order saved."), self.load),
        )

    def action_save_for(self) -> None:
        """Record this order as one participant's; a room without an agreed order is the
        Borda count of its participants' orders."""
        ids = [r.id for r in self.order]
        store, room, actor = self.store, self.room_id, self.hub_app.user_name

        def chosen(name: str | None) -> None:
            if name:
                self.run_store(
                    lambda: ranking.record(store, room, ids, participant=name, actor=actor),
                    self.saying(_("Saved as {name}'s order.").format(name=name), self.load),
                )

        def ask(names: list[str]) -> None:
            self.app.push_screen(ParticipantPicker(_("Whose order is this?"), names), chosen)

        self.run_store(lambda: room_first(self.store.participants.all(), self.room_id), ask)
