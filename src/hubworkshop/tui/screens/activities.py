"""Facilitation activities: dot-voting, task ranking, purpose statements, wrap-up, report-back,
the lead facilitator's dashboard and the participants' roster.

Like the room, every screen reads and writes the store in worker threads only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Header, Input, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from hubworkshop.domain.errors import HubworkshopError
from hubworkshop.domain.model import Consent, Contribution, Kind, Role
from hubworkshop.domain.ranking import across_rooms
from hubworkshop.domain.text import one_line
from hubworkshop.domain.timer import Countdown, format_remaining
from hubworkshop.tui.dialogs.basic import DIALOG_CSS
from hubworkshop.tui.widgets.basic import KeyFooter, cell, plain

if TYPE_CHECKING:
    from hubworkshop.storage.store import Store
    from hubworkshop.tui.app import HubworkshopApp


class HubScreen(Screen):
    """A screen of the app that talks to the store through workers."""

    @property
    def hub_app(self) -> HubworkshopApp:
        return self.app  # type: ignore[return-value]

    @property
    def store(self) -> Store:
        return self.hub_app.store

    def run_store(self, fn: Callable[[], Any], done: Callable[[Any], None] | None = None) -> None:
        """Run `fn` (a store call) in a worker; show its error, or hand its result to `done`."""

        def run() -> None:
            try:
                result = fn()
            except HubworkshopError as error:
                self.app.call_from_thread(self.notify, str(error), severity="error")
                return
            if done is not None:
                self.app.call_from_thread(done, result)

        self.run_worker(run, thread=True, group="activity", exit_on_error=False)

    def sync(self) -> None:
        """Another terminal changed the database: show it."""


# -- dialogs -------------------------------------------------------------------------------------


class ParticipantPicker(ModalScreen[str | None]):
    """Who is voting? Pick a participant, or type a new name."""

    DEFAULT_CSS = DIALOG_CSS.format(name="ParticipantPicker")
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, names: list[str], remaining: dict[str, int] | None = None):
        super().__init__()
        self.title_text = title
        self.names = names
        self.remaining = remaining or {}

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(plain(self.title_text), classes="title")
            options = []
            for name in self.names:
                left = self.remaining.get(name)
                suffix = f"  ({left} left)" if left is not None else ""
                options.append(Option(plain(f"{name}{suffix}"), id=name))
            yield OptionList(*options, id="people")
            yield Input(placeholder="…or type a new name and press Enter", id="new-name")

    def on_mount(self) -> None:
        people = self.query_one("#people", OptionList)
        (people if self.names else self.query_one("#new-name", Input)).focus()

    @on(OptionList.OptionSelected)
    def picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    @on(Input.Submitted)
    def typed(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class TextDialog(ModalScreen[str | None]):
    """One line of text (a cluster name, an owner and due date...)."""

    DEFAULT_CSS = DIALOG_CSS.format(name="TextDialog")
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, value: str = "", hint: str = "") -> None:
        super().__init__()
        self.title_text, self.value, self.hint = title, value, hint

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(plain(self.title_text), classes="title")
            yield Input(self.value, id="text", select_on_focus=False)
            yield Static(plain(self.hint), classes="hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class TakeawaysDialog(ModalScreen[list[str] | None]):
    """Wrap-up: choose the room's key takeaways among its starred points, and their order."""

    DEFAULT_CSS = DIALOG_CSS.format(name="TakeawaysDialog")
    BINDINGS = [
        Binding("space", "toggle", "In / out"),
        Binding("shift+up", "move(-1)", "Move up"),
        Binding("shift+down", "move(1)", "Move down"),
        Binding("ctrl+s", "save", "Save"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, candidates: list[Contribution], chosen: list[str]) -> None:
        super().__init__()
        ordered = [c for i in chosen for c in candidates if c.id == i]
        self.items = ordered + [c for c in candidates if c.id not in chosen]
        self.chosen = set(chosen)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Key takeaways (starred points)", classes="title")
            yield OptionList(id="takeaways")
            yield Static(
                "Space: in or out · Shift+↑/↓: order · Ctrl+S: save · Esc: cancel", classes="hint"
            )

    def on_mount(self) -> None:
        self.redraw(0)
        self.query_one(OptionList).focus()

    def redraw(self, highlight: int) -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        for c in self.items:
            mark = "☑" if c.id in self.chosen else "☐"
            options.add_option(Option(plain(f"{mark} {one_line(c.text, 90)}"), id=c.id))
        if self.items:
            options.highlighted = min(highlight, len(self.items) - 1)

    def action_toggle(self) -> None:
        index = self.query_one(OptionList).highlighted
        if index is None:
            return
        item = self.items[index].id
        self.chosen.symmetric_difference_update({item})
        self.redraw(index)

    def action_move(self, step: int) -> None:
        index = self.query_one(OptionList).highlighted
        if index is None or not 0 <= index + step < len(self.items):
            return
        self.items[index], self.items[index + step] = self.items[index + step], self.items[index]
        self.redraw(index + step)

    def action_save(self) -> None:
        self.dismiss([c.id for c in self.items if c.id in self.chosen])

    def action_cancel(self) -> None:
        self.dismiss(None)


# -- task ranking --------------------------------------------------------------------------------


def bar_chart(scores, labels: dict[str, str], width: int) -> Text:
    """Horizontal bars, one per role, scaled to the best score."""
    text = Text()
    if not scores:
        return Text("No ranking recorded yet.")
    top = max(s.points for s in scores) or 1
    label_width = min(max(len(labels[s.role]) for s in scores), 34)
    bar_room = max(width - label_width - 16, 10)
    for s in scores:
        label = labels[s.role][:label_width].ljust(label_width)
        bar = "█" * round(bar_room * s.points / top)
        tie = " =" if s.tied else "  "
        text.append(f"{s.rank:>2}. {label} ", "bold" if s.rank == 1 else "")
        text.append(bar, "green" if s.rank <= 3 else "cyan")
        text.append(f" {s.points}{tie}\n")
    return text


class RankingScreen(HubScreen):
    """Task ranking: order the hub roles for this room; see the workshop's Borda chart."""

    DEFAULT_CSS = """
    RankingScreen #ranking { height: 1fr; }
    RankingScreen #order-box { width: 1fr; padding: 0 1; }
    RankingScreen #chart-box { width: 1fr; padding: 0 1; border-left: solid $primary; }
    RankingScreen .label { color: $text-muted; }
    RankingScreen #roles { height: auto; max-height: 100%; }
    """
    BINDINGS = [
        Binding("shift+up,ctrl+up,minus", "move(-1)", "Move up"),
        Binding("shift+down,ctrl+down,plus", "move(1)", "Move down"),
        Binding("ctrl+s", "save", "Save room order", priority=True),
        Binding("ctrl+n", "save_for", "Save as someone's order", priority=True),
        Binding("escape", "app.pop_screen", "Back"),
    ]

    def __init__(self, room_id: str) -> None:
        super().__init__()
        self.room_id = room_id
        self.order: list[Role] = []

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="ranking"):
            with Vertical(id="order-box"):
                yield Static("This room's order of what hubs should do", classes="label")
                yield OptionList(id="roles")
                yield Static(
                    "Shift+↑/↓ (or - and +) move a role · Ctrl+S saves the room's agreed "
                    "order · Ctrl+N saves it as one participant's order",
                    classes="label",
                )
            with VerticalScroll(id="chart-box"):
                yield Static("Across rooms (Borda count)", classes="label")
                yield Static("", id="chart")
                yield Static("", id="chart-note", classes="label")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.title = f"Task ranking — {self.store.room(self.room_id).name}"
        self.load()

    def load(self) -> None:
        def read():
            roles = self.store.roles()
            rankings = self.store.rankings()
            return roles, rankings

        self.run_store(read, self.show)

    def sync(self) -> None:
        self.load()

    def show(self, data) -> None:
        roles, rankings = data
        by_id = {r.id: r for r in roles}
        if not self.order:
            mine = rankings.get(self.room_id, {}).get(None)
            ids = (
                mine + [r.id for r in roles if r.id not in mine] if mine else [r.id for r in roles]
            )
            self.order = [by_id[i] for i in ids]
            self.redraw(0)
            self.query_one("#roles", OptionList).focus()
        scores, _orders = across_rooms(rankings, [r.id for r in roles])
        labels = {r.id: r.label.get_text("en") for r in roles}
        width = max(self.query_one("#chart-box").size.width - 2, 40)
        self.query_one("#chart", Static).update(
            bar_chart(scores if rankings else [], labels, width)
        )
        self.query_one("#chart-note", Static).update(
            f"{len(rankings)} room(s) ranked. First of {len(roles)} earns {len(roles) - 1} points, "
            "last 0; unranked roles earn nothing (abstention); = marks a tie."
        )

    def redraw(self, highlight: int) -> None:
        roles = self.query_one("#roles", OptionList)
        roles.clear_options()
        for i, role in enumerate(self.order):
            roles.add_option(Option(plain(f"{i + 1}. {role.label.get_text('en')}"), id=role.id))
        roles.highlighted = highlight

    def action_move(self, step: int) -> None:
        index = self.query_one("#roles", OptionList).highlighted
        if index is None or not 0 <= index + step < len(self.order):
            return
        self.order[index], self.order[index + step] = self.order[index + step], self.order[index]
        self.redraw(index + step)

    def action_save(self) -> None:
        ids = [r.id for r in self.order]
        actor = self.hub_app.user_name
        self.run_store(
            lambda: self.store.record_ranking(self.room_id, ids, actor=actor),
            lambda _: (self.notify("Room order saved."), self.load()),
        )

    def action_save_for(self) -> None:
        """Record this order as one participant's; a room without an agreed order is the
        Borda count of its participants' orders."""
        ids = [r.id for r in self.order]
        actor = self.hub_app.user_name

        def chosen(name: str | None) -> None:
            if name:
                self.run_store(
                    lambda: self.store.record_ranking(
                        self.room_id, ids, participant=name, actor=actor
                    ),
                    lambda _: (self.notify(f"Saved as {name}'s order."), self.load()),
                )

        def ask(names: list[str]) -> None:
            self.app.push_screen(ParticipantPicker("Whose order is this?", names), chosen)

        self.run_store(lambda: [p.name for p in self.store.participants()], ask)


# -- purpose statement ---------------------------------------------------------------------------


class PurposeScreen(HubScreen):
    """Draft and revise the room's purpose statement; every revision is kept with its time."""

    DEFAULT_CSS = """
    PurposeScreen #purpose { height: 1fr; }
    PurposeScreen TextArea { height: 1fr; width: 2fr; }
    PurposeScreen #revisions { width: 1fr; padding: 0 1; border-left: solid $primary; }
    """
    BINDINGS = [
        Binding("ctrl+s", "save(False)", "Save revision", priority=True),
        Binding("ctrl+f", "save(True)", "Save as final", priority=True),
        Binding("escape", "app.pop_screen", "Back"),
    ]

    def __init__(self, room_id: str) -> None:
        super().__init__()
        self.room_id = room_id

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="purpose"):
            yield TextArea(id="statement", soft_wrap=True)
            yield VerticalScroll(Static("", id="revision-list"), id="revisions")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.title = f"Purpose statement — {self.store.room(self.room_id).name}"
        self.query_one(TextArea).focus()
        self.load(fill=True)

    def load(self, fill: bool = False) -> None:
        self.run_store(
            lambda: self.store.purpose_statements(self.room_id),
            lambda revisions: self.show(revisions, fill),
        )

    def sync(self) -> None:
        self.load()

    def show(self, revisions, fill: bool) -> None:
        if fill and revisions:
            self.query_one(TextArea).load_text(revisions[-1].text)
        lines = [
            f"{'★ final' if r.final else 'draft'} · {r.created_at[11:16]} UTC"
            f"{' · ' + r.author if r.author else ''}\n{r.text}\n"
            for r in reversed(revisions)
        ]
        self.query_one("#revision-list", Static).update(
            plain("\n".join(lines) or "No revision yet: write, then Ctrl+S.")
        )

    def action_save(self, final: bool) -> None:
        text = self.query_one(TextArea).text
        if not text.strip():
            self.notify("Write the statement first.", severity="warning")
            return
        author = self.hub_app.user_name
        self.run_store(
            lambda: self.store.add_purpose_statement(
                self.room_id, text, author=author, final=final
            ),
            lambda _: (
                self.notify("Final version saved." if final else "Revision saved."),
                self.load(),
            ),
        )


# -- report-back ---------------------------------------------------------------------------------


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
        Binding("right,n,space", "step(1)", "Next room"),
        Binding("left,p", "step(-1)", "Previous room"),
        Binding("escape", "app.pop_screen", "Back"),
    ]

    def __init__(self, rooms: list[str], start_room: str | None = None) -> None:
        super().__init__()
        self.rooms = rooms
        self.index = rooms.index(start_room) if start_room in rooms else 0

    def compose(self) -> ComposeResult:
        yield Static("", id="rb-room")
        yield Static("Purpose statement", classes="rb-label")
        yield Static("", id="rb-purpose")
        yield Static("Key takeaways", classes="rb-label")
        yield Static("", id="rb-takeaways")
        yield Static("Most voted", classes="rb-label")
        yield Static("", id="rb-voted")
        yield Static("← → step through rooms · Esc back", id="rb-hint")

    def on_mount(self) -> None:
        self.load()

    def sync(self) -> None:
        self.load()

    def action_step(self, step: int) -> None:
        self.index = (self.index + step) % len(self.rooms)
        self.load()

    def load(self) -> None:
        room_id = self.rooms[self.index]

        def read():
            statements = self.store.purpose_statements(room_id)
            final = [s for s in statements if s.final] or statements[-1:]
            takeaways = self.store.takeaways(room_id)
            voted = sorted(
                (c for c in self.store.contributions(room=room_id) if c.votes),
                key=lambda c: (-c.votes, c.seq),
            )[:5]
            return final, takeaways, voted

        self.run_store(read, lambda data: self.show(room_id, *data))

    def show(self, room_id: str, final, takeaways, voted) -> None:
        room = self.store.room(room_id)
        self.query_one("#rb-room", Static).update(
            plain(f"{room.name}   ({self.index + 1} of {len(self.rooms)})")
        )
        visible = [c for c in takeaways if c.consent is not Consent.OFF_RECORD]
        self.query_one("#rb-purpose", Static).update(
            plain(final[0].text if final else "No purpose statement yet.")
        )
        self.query_one("#rb-takeaways", Static).update(
            plain(
                "\n".join(f"{i + 1}. {one_line(c.text)}" for i, c in enumerate(visible))
                or "No takeaways chosen yet."
            )
        )
        self.query_one("#rb-voted", Static).update(
            plain(
                "\n".join(
                    f"●{c.votes}  {one_line(c.text)}"
                    for c in voted
                    if c.consent is not Consent.OFF_RECORD
                )
                or "No votes yet."
            )
        )


# -- dashboard -----------------------------------------------------------------------------------


class DashboardScreen(HubScreen):
    """Every room at a glance, refreshing live; Enter jumps into a room."""

    DEFAULT_CSS = """
    DashboardScreen DataTable { height: 1fr; }
    DashboardScreen #dash-note { color: $text-muted; padding: 0 1; }
    """
    BINDINGS = [
        Binding("enter", "open_room", "Open room"),
        Binding("escape", "app.pop_screen", "Back"),
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
        self.overview: list[dict] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(id="dashboard", cursor_type="row", zebra_stripes=True)
        yield Static("Refreshes by itself · Enter opens a room · Esc back", id="dash-note")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.title = "Dashboard — all rooms"
        table = self.query_one(DataTable)
        # Kinds by their capture-bar prefix: idea ? question ! concern + proposal = agree ...
        table.add_columns(
            "Room",
            "Question",
            "Phase",
            "Left",
            "idea",
            "?",
            "!",
            "+",
            "=",
            "~",
            ">",
            "Dots",
            "Last",
        )
        table.focus()
        self.load()

    def sync(self) -> None:
        self.load()

    def load(self) -> None:
        self.run_store(self.read, self.show)

    def read(self) -> list[dict]:
        overview = self.store.room_overview()
        questions = self.store.questions()
        phases = {p.id: p for p in self.store.phases()}
        for row in overview:
            state = row["state"]
            row["question"] = questions.get(state.question) if state and state.question else None
            row["phase"] = phases.get(state.phase) if state and state.phase else None
        return overview

    def show(self, overview: list[dict]) -> None:
        self.overview = overview
        table = self.query_one(DataTable)
        cursor = table.cursor_row
        table.clear()
        now = self.hub_app.now()
        for row in overview:
            state = row["state"]
            countdown = Countdown(
                state.timer_seconds, state.timer_elapsed_ms, state.timer_started_at
            )
            left = format_remaining(countdown.remaining(now)) if state.timer_seconds else "—"
            if countdown.running:
                left += " ▶"
            question = row["question"]
            table.add_row(
                cell(one_line(row["room"].name, 28)),
                cell(one_line(question.text.get_text("en"), 36) if question else "—"),
                cell(one_line(row["phase"].title, 18) if row["phase"] else "—"),
                left,
                *(str(row["kinds"].get(k.value, 0)) for k in self.KINDS),
                str(row["votes"]),
                (row["last_activity"] or "")[11:19],
                key=row["room"].id,
            )
        if overview:
            table.move_cursor(row=min(cursor, len(overview) - 1))

    def tick(self) -> None:
        """Time left moves only while a clock runs: otherwise there is nothing to redraw."""
        if any(row["state"] and row["state"].timer_started_at for row in self.overview):
            self.show(self.overview)

    @on(DataTable.RowSelected)
    def action_open_room(self) -> None:
        table = self.query_one(DataTable)
        if self.overview:
            room_id = self.overview[table.cursor_row]["room"].id
            self.app.pop_screen()
            self.hub_app.open_room(room_id)


# -- participants --------------------------------------------------------------------------------


CONSENT_CYCLE = [Consent.ANONYMOUS, Consent.NAMED, Consent.OFF_RECORD]


class RosterScreen(HubScreen):
    """The room's participants: add people, set consent and language. Changes are logged."""

    DEFAULT_CSS = """
    RosterScreen DataTable { height: 1fr; }
    RosterScreen #roster-note { color: $text-muted; padding: 0 1; }
    """
    BINDINGS = [
        Binding("a", "add", "Add person"),
        Binding("c", "consent", "Consent"),
        Binding("l", "language", "Language"),
        Binding("escape", "app.pop_screen", "Back"),
    ]

    def __init__(self, room_id: str) -> None:
        super().__init__()
        self.room_id = room_id
        self.people: list = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(id="roster", cursor_type="row", zebra_stripes=True)
        yield Static(
            "a: add · c: consent (anonymous → named → off the record) · l: language · "
            "named: may be credited · anonymous: quoted without a name · off the record: "
            "left out of summaries",
            id="roster-note",
        )
        yield KeyFooter()

    def on_mount(self) -> None:
        self.title = f"Participants — {self.store.room(self.room_id).name}"
        self.query_one(DataTable).add_columns("Name", "Consent", "Language", "Room")
        self.query_one(DataTable).focus()
        self.load()

    def sync(self) -> None:
        self.load()

    def load(self) -> None:
        self.run_store(self.store.participants, self.show)

    def show(self, people) -> None:
        here = [p for p in people if p.room in (self.room_id, None)]
        self.people = here
        table = self.query_one(DataTable)
        cursor = table.cursor_row
        table.clear()
        for p in here:
            table.add_row(
                cell(p.name), p.consent.value, p.language or "", p.room or "", key=str(p.id)
            )
        if here:
            table.move_cursor(row=min(cursor, len(here) - 1))

    def selected(self):
        table = self.query_one(DataTable)
        return self.people[table.cursor_row] if self.people else None

    def action_add(self) -> None:
        def added(name: str | None) -> None:
            if name and name.strip():
                self.run_store(
                    lambda: self.store.set_participant(
                        name, room=self.room_id, actor=self.hub_app.user_name
                    ),
                    lambda _: self.load(),
                )

        self.app.push_screen(
            TextDialog("Add a participant", hint="New people start anonymous."), added
        )

    def action_consent(self) -> None:
        person = self.selected()
        if person is None:
            return
        following = CONSENT_CYCLE[(CONSENT_CYCLE.index(person.consent) + 1) % len(CONSENT_CYCLE)]
        self.run_store(
            lambda: self.store.set_participant(
                person.name, following, actor=self.hub_app.user_name
            ),
            lambda _: self.load(),
        )

    def action_language(self) -> None:
        person = self.selected()
        if person is None:
            return

        def chosen(code: str | None) -> None:
            if code and code.strip():
                self.run_store(
                    lambda: self.store.set_participant(
                        person.name, language=code.strip(), actor=self.hub_app.user_name
                    ),
                    lambda _: self.load(),
                )

        self.app.push_screen(
            TextDialog(f"Language of {person.name}", person.language or "", "e.g. en, fr, ar"),
            chosen,
        )
