"""The lead facilitator's dashboard: every room at a glance, live; Enter jumps into one."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from hubworkshop.domain.i18n import N_, _, kind_label
from hubworkshop.domain.languages import room_language
from hubworkshop.domain.model import Kind, Phase, Question
from hubworkshop.domain.records import RoomOverview
from hubworkshop.domain.text import one_line
from hubworkshop.domain.timer import format_remaining
from hubworkshop.tui.screens.base import HubScreen
from hubworkshop.tui.widgets.glyphs import AppHeader
from hubworkshop.tui.widgets.key_footer import KeyFooter
from hubworkshop.tui.widgets.text import cell


@dataclass(frozen=True, slots=True)
class DashboardRow:
    room: RoomOverview
    question: Question | None
    phase: Phase | None


class DashboardScreen(HubScreen):
    """Every room at a glance, refreshing live; Enter jumps into a room."""

    DEFAULT_CSS = """
    DashboardScreen DataTable { height: 1fr; }
    DashboardScreen #dash-note { color: $text-muted; padding: 0 1; }
    """
    BINDINGS = [
        Binding("enter", "open_room", N_("Open room")),
        Binding(
            "f2",
            "cycle_language",
            N_("Language"),
            tooltip=N_("Questions in each room's language, or all in one of the plan's"),
        ),
        Binding("escape", "app.pop_screen", N_("Back")),
    ]
    KINDS = [
        Kind.IDEA,
        Kind.QUESTION,
        Kind.CONCERN,
        Kind.PROPOSAL,
        Kind.AGREEMENT,
        Kind.DISAGREEMENT,
        Kind.ACTION,
    ]

    def __init__(self) -> None:
        super().__init__()
        self.overview: list[DashboardRow] = []
        self.language = ""
        """The questions' language: empty, each room's own; else one of the plan's (F2)."""

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield DataTable(id="dashboard", cursor_type="row", zebra_stripes=True)
        yield Static(
            _("Refreshes by itself · Enter opens a room · F2 question language · Esc back"),
            id="dash-note",
        )
        yield KeyFooter()

    def action_cycle_language(self) -> None:
        modes = ["", *self.store.catalog.workshop().languages]
        self.language = modes[(modes.index(self.language) + 1) % len(modes)]
        self.show(self.overview)

    def on_mount(self) -> None:
        self.title = _("Dashboard — all rooms")
        self.narrow: bool | None = None
        self.query_one(DataTable).focus()
        self.load()

    WIDE = 120
    """Below this many columns the kinds are one total, and names and questions shorter."""

    def _columns(self, narrow: bool) -> None:
        table = self.query_one(DataTable)
        if narrow == self.narrow:
            return
        self.narrow = narrow
        table.clear(columns=True)
        if narrow:
            table.add_columns(
                _("Room"), _("Question"), _("Left"), _("Points"), _("Dots"), _("Last")
            )
        else:
            # Kinds by their capture-bar prefix: idea ? question ! concern + proposal ...
            table.add_columns(
                _("Room"), _("Question"), _("Phase"), _("Left"), kind_label("idea"),
                "?", "!", "+", "=", "~", ">", _("Dots"), _("Last"),
            )  # fmt: skip

    def on_resize(self) -> None:
        if self.overview:
            self.show(self.overview)

    def sync(self) -> None:
        self.load()

    def load(self) -> None:
        self.run_store(self.read, self.show)

    def read(self) -> list[DashboardRow]:
        questions = self.store.catalog.questions()
        phases = {p.id: p for p in self.store.catalog.phases()}
        rows = []
        for room in self.store.events.room_overview():
            state = room.state
            question = questions.get(state.question) if state and state.question else None
            phase = phases.get(state.phase) if state and state.phase else None
            rows.append(DashboardRow(room, question, phase))
        return rows

    def show(self, overview: list[DashboardRow]) -> None:
        self.overview = overview
        table = self.query_one(DataTable)
        cursor = table.cursor_row
        narrow = self.size.width < self.WIDE
        self._columns(narrow)
        table.clear()
        now = self.hub_app.now()
        languages = self.store.catalog.workshop().languages
        for row in overview:
            room, question, phase = row.room, row.question, row.phase
            language = self.language or room_language(languages, room.room.language)
            countdown = room.state.countdown if room.state else None
            left = "—"
            if countdown is not None and countdown.total_seconds:
                left = format_remaining(countdown.remaining(now))
            if countdown is not None and countdown.running:
                left += " ▶"
            last = (room.last_activity or "")[11:19]
            if narrow:
                table.add_row(
                    cell(one_line(room.room.name, 18)),
                    cell(one_line(question.text.get_text(language), 22) if question else "—"),
                    left,
                    str(sum(room.kinds.values())),
                    str(room.votes),
                    last,
                    key=room.room.id,
                )
                continue
            table.add_row(
                cell(one_line(room.room.name, 28)),
                cell(one_line(question.text.get_text(language), 36) if question else "—"),
                cell(one_line(phase.title, 18) if phase else "—"),
                left,
                *(str(room.kinds.get(k.value, 0)) for k in self.KINDS),
                str(room.votes),
                last,
                key=room.room.id,
            )
        if overview:
            table.move_cursor(row=min(cursor, len(overview) - 1))

    def tick(self) -> None:
        """Time left moves only while a clock runs: otherwise there is nothing to redraw."""
        if any(row.room.state and row.room.state.timer_started_at for row in self.overview):
            self.show(self.overview)

    @on(DataTable.RowSelected)
    def action_open_room(self) -> None:
        table = self.query_one(DataTable)
        if self.overview:
            room_id = self.overview[table.cursor_row].room.room.id
            self.app.pop_screen()
            self.hub_app.open_room(room_id)
