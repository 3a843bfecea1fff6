"""The start screen: the workshop, its agenda and rooms; choose a room and a role."""

from __future__ import annotations

from rich import box
from rich.table import Table
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import (
    Input,
    OptionList,
    RadioButton,
    RadioSet,
    Static,
)
from textual.widgets.option_list import Option

from hubworkshop.domain.i18n import N_, _, pgettext, role_label
from hubworkshop.domain.model import UserRole
from hubworkshop.tui.screens.base import HubScreen
from hubworkshop.tui.widgets.capture_bar import for_the_bar
from hubworkshop.tui.widgets.glyphs import AppHeader
from hubworkshop.tui.widgets.key_footer import KeyFooter
from hubworkshop.tui.widgets.room_panels import StatusBar
from hubworkshop.tui.widgets.text import cell, plain


class NameInput(Input):
    """The start screen's name field. Enter opens the room; keys typed after it, already
    queued here before the room is on screen, belong in the room's bar, not in the name."""

    opened = False

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "enter":
            self.opened = True
        elif self.opened and event.is_printable:
            event.prevent_default()  # not Input's: bubbles up to the start screen


class StartScreen(HubScreen):
    """Pick a room, say who you are and what you do here, press Enter."""

    DEFAULT_CSS = """
    StartScreen #start { padding: 1 2; height: 1fr; overflow-y: auto; }
    StartScreen #title { text-style: bold; color: $accent; }
    StartScreen #subtitle { color: $text-muted; margin-bottom: 1; }
    StartScreen #agenda { width: 3fr; height: auto; max-height: 100%; overflow-x: hidden; }
    StartScreen #choose { width: 2fr; margin-left: 2; height: auto; }
    StartScreen #start > Horizontal { height: auto; }
    StartScreen #rooms { height: auto; max-height: 12; border: round $primary; }
    StartScreen #rooms:focus { border: round $accent; }
    StartScreen RadioSet { width: 100%; layout: horizontal; }
    StartScreen .label { color: $text-muted; }
    StartScreen.-narrow #start, StartScreen.-short #start { padding: 0 1; }
    StartScreen.-narrow #start > Horizontal, StartScreen.-short #start > Horizontal {
        layout: vertical;
    }
    StartScreen.-narrow #choose, StartScreen.-short #choose {
        dock: top; width: 100%; margin: 0 0 1 0;
    }
    StartScreen.-narrow #agenda, StartScreen.-short #agenda { width: 100%; }
    """
    # Below 100 columns or 28 rows the choice (room, role, name) comes first, full width,
    # and the agenda under it: at 80x24 everything one needs to start is on screen.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (28, "-tall")]
    BINDINGS = [
        Binding("enter", "open_room", N_("Open room"), priority=False),
        Binding("f1,question_mark", "app.help", N_("Help")),
    ]

    def compose(self) -> ComposeResult:
        app = self.hub_app
        workshop = app.store.catalog.workshop()
        yield AppHeader()
        with Vertical(id="start"):
            yield Static(plain(workshop.title), id="title")
            yield Static(
                plain(
                    f"{workshop.date}  {workshop.start}–{workshop.end} "
                    f"{workshop.timezone}  ·  "
                    + _("languages: {codes}").format(codes=", ".join(workshop.languages))
                    + f"  ·  {workshop.note}"
                ),
                id="subtitle",
            )
            with Horizontal():
                yield Static(self.agenda(), id="agenda")
                with Vertical(id="choose"):
                    yield Static(_("Room  (↑ ↓ to choose, Enter to open)"), classes="label")
                    yield OptionList(
                        *(
                            Option(plain(room.name), id=room.id)
                            for room in app.store.catalog.rooms().values()
                        ),
                        id="rooms",
                    )
                    yield Static(_("You are"), classes="label")
                    with RadioSet(id="role"):
                        # Only the roles this session may take: a `serve` note-taker's link
                        # shows no facilitator's choice.
                        labels = {
                            UserRole.NOTE_TAKER: _("Note-taker"),
                            UserRole.FACILITATOR: _("Facilitator"),
                        }
                        for role in app.roles():
                            yield RadioButton(labels[role], value=app.role is role, id=role.value)
                    yield Static(self.name_label(), id="name-label", classes="label")
                    yield NameInput(
                        app.user_name or "",
                        placeholder=_("e.g. Asaf"),
                        id="name",
                        select_on_focus=False,  # the keys typed on the list are already in
                    )
        place = _("workshop: {title}") if app.served else _("database: {path}")
        yield StatusBar(plain(place.format(title=app.place(), path=app.place())))
        yield KeyFooter()

    def agenda(self) -> Table:
        """The day's phases: read-only, so a table drawn once (a DataTable cost a sixth of
        the start-up time, for eight rows nobody selects)."""
        table = Table(box=box.SIMPLE_HEAD, expand=True, row_styles=["", "dim"], pad_edge=False)
        table.add_column(_("Time"), no_wrap=True)
        table.add_column(_("Min"), justify="right", no_wrap=True)
        table.add_column(_("Phase"), ratio=1)
        for phase in self.hub_app.store.catalog.phases():
            title = f"{phase.part} — {phase.title}" if phase.part else phase.title
            activity = pgettext("activity", phase.activity.value)
            phase_cell = cell(title).append(f" · {activity}", style="italic dim")
            table.add_row(f"{phase.start:%H:%M}", str(phase.minutes), phase_cell)
        return table

    def on_mount(self) -> None:
        self.query_one("#name", Input).cursor_blink = self.hub_app.cursor_blinks
        rooms = self.query_one("#rooms", OptionList)
        rooms.highlighted = 0
        rooms.focus()

    def name_label(self) -> str:
        return _("Your name (recorded as {role})").format(role=role_label(self.hub_app.role.value))

    @on(RadioSet.Changed, "#role")
    def role_changed(self, event: RadioSet.Changed) -> None:
        self.hub_app.role = self.hub_app.within_grant(
            UserRole(event.pressed.id or UserRole.NOTE_TAKER)
        )
        self.query_one("#name-label", Static).update(self.name_label())

    @on(Input.Changed, "#name")
    def name_changed(self, event: Input.Changed) -> None:
        self.hub_app.user_name = event.value.strip() or None

    @on(Input.Submitted, "#name")
    def name_submitted(self) -> None:
        self.action_open_room()

    @on(OptionList.OptionSelected, "#rooms")
    def room_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.hub_app.open_room(event.option.id)

    def action_open_room(self) -> None:
        rooms = self.query_one("#rooms", OptionList)
        if rooms.highlighted is not None:
            option = rooms.get_option_at_index(rooms.highlighted)
            if option.id:
                self.hub_app.open_room(option.id)

    _opening = False
    _naming = False  # keys typed on the room list are going to the name field

    def on_screen_resume(self) -> None:
        """Back from a room: keys are the start screen's again."""
        self._opening = False
        self.query_one(NameInput).opened = False

    def on_key(self, event: events.Key) -> None:
        """Characters typed after the Enter that opens a room go to the room's bar, in order
        (a fast note-taker starts typing at once; a browser delivers queued keys together).
        Each key passes here in the order typed, while Enter's binding opens the room only
        once Enter reaches the app, after the next keys may have passed: so the Enter is
        noticed here."""
        if self._opening and (typed := for_the_bar(event)):
            event.stop()  # an Enter after it saves in the room; it does not open a second one
            event.prevent_default()
            self.hub_app.type_ahead(typed)
            return
        rooms = self.query_one("#rooms", OptionList)
        name = self.query_one(NameInput)
        if self.focused is rooms and not event.is_printable:
            # The person is choosing a room now: a letter typed next is a stray key, no
            # longer part of the name. (Not on the list's focus: a browser's focus coming
            # back gives the list the focus again in the middle of a name being typed.)
            self._naming = False
        if (
            self.focused in (rooms, None)
            and event.is_printable
            and (self._naming or (not name.value and event.character not in (" ", "?")))
        ):
            # Someone new (no name yet) starts by typing their name: it goes to the name
            # field, and so do the keys that arrive before the field has the focus. (? on the
            # list is help; a name already there is never replaced by a stray key.)
            event.stop()
            event.prevent_default()
            if not self._naming:
                self._naming = True
                name.focus()
            name.insert_text_at_cursor(event.character or "")
        elif self.focused is name and event.key in ("up", "down"):
            # The room, chosen from the name field too: type a name, ↓, Enter.
            event.stop()
            event.prevent_default()
            rooms.action_cursor_up() if event.key == "up" else rooms.action_cursor_down()
        elif event.key == "enter":
            self._opening = rooms.highlighted is not None and (
                self.focused is rooms or isinstance(self.focused, NameInput)
            )
