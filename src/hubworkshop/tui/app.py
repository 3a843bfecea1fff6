"""The terminal app. This first version shows the workshop, its agenda and its rooms.

User text (and plan text) is always passed to widgets as `Content`, never as a markup string.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from hubworkshop.store import Store
from hubworkshop.text import printable


def plain(text: str) -> Content:
    """User text as literal content: no markup, no control characters."""
    return Content(printable(text, keep_newlines=True))


def cell(text: str) -> Text:
    """User text for a DataTable cell (a plain `str` cell would be parsed as markup)."""
    return Text(printable(text))


class StatusBar(Static):
    """The database path, always visible."""

    DEFAULT_CSS = """
    StatusBar { height: 1; background: $panel; color: $text-muted; padding: 0 1; }
    """


class StartScreen(Screen):
    """The workshop, its agenda and its rooms; pick a room to open it."""

    BINDINGS = [Binding("enter", "open_room", "Open room", show=True)]

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store

    def compose(self) -> ComposeResult:
        workshop = self.store.workshop()
        yield Header()
        with Vertical(id="start"):
            yield Static(plain(workshop["title"]), id="title")
            yield Static(
                plain(
                    f"{workshop['date']}  {workshop['start']}–{workshop['end']} "
                    f"{workshop['timezone']}  ·  languages: {', '.join(workshop['languages'])}"
                    f"  ·  {workshop['note']}"
                ),
                id="subtitle",
            )
            with Horizontal():
                yield DataTable(id="agenda", cursor_type="none", zebra_stripes=True)
                yield OptionList(
                    *(
                        Option(plain(f"{room.name}  ({len(room.questions)} questions)"), id=room.id)
                        for room in self.store.rooms().values()
                    ),
                    id="rooms",
                )
        yield StatusBar(plain(f"database: {self.store.path}"))
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#agenda", DataTable)
        table.add_columns("Time", "Phase", "Activity", "Min")
        for phase in self.store.phases():
            title = f"{phase.part} — {phase.title}" if phase.part else phase.title
            table.add_row(
                f"{phase.start:%H:%M}", cell(title), phase.activity.value, str(phase.minutes)
            )
        self.query_one("#rooms", OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.app.push_screen(RoomScreen(self.store, event.option.id))

    def action_open_room(self) -> None:
        rooms = self.query_one("#rooms", OptionList)
        if rooms.highlighted is not None:
            rooms.action_select()


class RoomScreen(Screen):
    """A breakout room: its questions, one at a time."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Rooms"),
        Binding("n", "move(1)", "Next question"),
        Binding("p", "move(-1)", "Previous question"),
    ]

    def __init__(self, store: Store, room_id: str) -> None:
        super().__init__()
        self.store = store
        self.room = store.room(room_id)
        self.position = 0

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="room"):
            yield Static(plain(self.room.name), id="room-name")
            yield Static(id="question")
            yield Static(id="follow-ups")
        yield StatusBar(plain(f"database: {self.store.path}"))
        yield Footer()

    def on_mount(self) -> None:
        self.show_question()

    def show_question(self) -> None:
        question = self.store.question(self.room.questions[self.position])
        language = self.store.workshop()["languages"][0]
        count = len(self.room.questions)
        self.query_one("#question", Static).update(
            plain(f"{self.position + 1}/{count}  {question.text.get_text(language)}")
        )
        follow_ups = "\n".join(f"• {f.get_text(language)}" for f in question.follow_ups)
        self.query_one("#follow-ups", Static).update(plain(follow_ups))

    def action_move(self, step: int) -> None:
        self.position = (self.position + step) % len(self.room.questions)
        self.show_question()


class HubworkshopApp(App):
    """hubworkshop: run a live brainstorming workshop with breakout rooms."""

    CSS_PATH = "app.tcss"
    TITLE = "hubworkshop"
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", priority=True)]

    def __init__(self, store: Store, *, room: str | None = None) -> None:
        super().__init__()
        self.store = store
        self.initial_room = room

    def on_mount(self) -> None:
        self.sub_title = self.store.workshop()["title"]
        self.push_screen(StartScreen(self.store))
        if self.initial_room is not None:
            self.push_screen(RoomScreen(self.store, self.initial_room))
