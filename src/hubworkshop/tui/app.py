"""The terminal app: a thin layer over the store.

It watches the database for commits by other terminals (`Store.watch`) and tells the open
screens to load what changed. Screens talk to the store through workers (`workers.py`); the
command palette is built from the key bindings (`commands.py`).
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterable
from typing import Any

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from hubworkshop.domain.errors import StoreError
from hubworkshop.domain.i18n import N_, _, pgettext
from hubworkshop.domain.model import UserRole
from hubworkshop.storage import Store
from hubworkshop.storage.watcher import ChangeWatcher
from hubworkshop.tui.commands import binding_commands
from hubworkshop.tui.drafts import Drafts
from hubworkshop.tui.resume import last_room, remember_room
from hubworkshop.tui.screens.base import HubScreen
from hubworkshop.tui.screens.room import RoomScreen
from hubworkshop.tui.translation import in_language, translate_bindings
from hubworkshop.tui.upstream import read_esc_and_key_as_typed
from hubworkshop.tui.widgets.glyphs import with_drawable_icons
from hubworkshop.tui.widgets.text import show_in_visual_order
from hubworkshop.workshop.roles import runs_the_room

ROOMS_MODE = "rooms"
ROLE_GROUP = "role.take"


def collect_cycles_again() -> None:
    """After the first frame, when the command line started the app with Python's cycle
    collector off (`cli/__init__.py`): the app runs for hours, so the collector comes back,
    and what start-up built (modules, styles, widgets: alive for good) is frozen out of its
    walks, which keeps each full collection (a pause between two keys) short."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


class HubworkshopApp(App[None]):
    """hubworkshop: run a live brainstorming workshop with breakout rooms."""

    TITLE = "hubworkshop"
    # Every binding's tooltip is its name in the command palette (`commands.py`).
    BINDINGS = [
        Binding(
            "ctrl+q", "quit", N_("Quit"), priority=True, tooltip=N_("Quit (everything is saved)")
        ),
        Binding("f1", "help", N_("Help"), tooltip=N_("Help: keys and quick-capture syntax")),
        Binding(
            "ctrl+t,alt+t",
            "toggle_dark",
            N_("Theme"),
            show=False,
            tooltip=N_("Dark or light theme"),
        ),
        Binding(
            "ctrl+o", "rooms", N_("Rooms"), show=False, tooltip=N_("Back to the list of rooms")
        ),
        Binding("f4", "export", N_("Export"), tooltip=N_("Export summaries and data")),
        Binding(
            "f10", "dashboard", N_("Dashboard"), tooltip=N_("Dashboard: every room at a glance")
        ),
    ]

    def __init__(
        self,
        store: Store,
        *,
        room: str | None = None,
        role: str = UserRole.NOTE_TAKER,
        user_name: str | None = None,
        resume: bool = False,
        frozen_time: dt.datetime | None = None,
        bidi: bool = False,
        steady_cursor: bool = False,
        served_as: str | None = None,
    ) -> None:
        show_in_visual_order(bidi)
        read_esc_and_key_as_typed()
        translate_bindings()  # the footer's and help's words, in the interface language
        super().__init__()
        self.store = store
        self.initial_room = room
        # A browser session of `serve` is given a role by its link; it can never take more.
        self.granted = _role(served_as) if served_as else None
        # (A browser starts in the role its link grants; it may choose a lesser one.)
        self.role = self.granted or _role(role)
        self.user_name = None if self.served else user_name
        self.frozen_time = frozen_time
        self.steady_cursor = steady_cursor
        self.last_saved: str | None = None
        self._watcher: ChangeWatcher | None = None
        self._drafts: Drafts | None = None
        self._typed_ahead = ""  # typed after Enter on the start screen, for the room it opens
        self._drafts_of: str | None = None
        self.add_mode(ROOMS_MODE, _start_screen)
        self._role_taken: tuple[str, str, str | None] | None = None
        if room is None and resume:
            # A browser resumes only as itself (its terminal id), never by a name.
            remembered = last_room(store.path, self.user_name)
            if remembered and remembered.get("room") in store.catalog.rooms():
                self.initial_room = remembered["room"]
                self.role = self.within_grant(_role(remembered.get("role") or self.role))
                self.user_name = self.user_name or remembered.get("name")

    @property
    def served(self) -> bool:
        """A browser session of `serve`: it never reaches the host's files, its role is its
        link's, and who it is comes from the browser, never from the host's environment."""
        return self.granted is not None

    def within_grant(self, role: UserRole) -> UserRole:
        """`role`, or the note-taker's if this session's link does not grant it."""
        if self.granted is None or self.granted.grants(role):
            return role
        return UserRole.NOTE_TAKER

    def roles(self) -> list[UserRole]:
        """The roles this session may take (a note-taker's link: only that one)."""
        return [r for r in UserRole if self.within_grant(r) is r]

    def place(self) -> str:
        """What the status line says this is: the database's path in a terminal; in a
        browser, the workshop's title (the host's folders are none of a visitor's business)."""
        return self.store.catalog.workshop().title if self.served else str(self.store.path)

    def drafts(self) -> Drafts:
        """The drafts of whoever is at this terminal now (the name may change at the start).
        A browser's are its own, by its id: never found by a name another browser types."""
        if self._drafts is None or self._drafts_of != self.user_name:
            person = None if self.served else self.user_name
            self._drafts, self._drafts_of = Drafts(self.store.path, person), self.user_name
        return self._drafts

    def remember(self, room: str | None) -> None:
        """Where this terminal (and, in a terminal, this person) is, for the next start;
        and, entering a room, the role taken there, in the event log."""
        remember_room(self.store.path, room, self.role, self.user_name, by_name=not self.served)
        if room is not None and self._role_taken != (room, self.role, self.user_name):
            self._role_taken = (room, self.role, self.user_name)
            self._log_role(room, self.role.value, self.user_name)

    def _log_role(self, room: str, role: str, name: str | None) -> None:
        """Bookkeeping beside the session, never in its way: a write that would wait for
        a lock (another process writing, this app saving) is tried again 5 s later
        (`on_worker_state_changed`)."""
        store, face = self.store, "browser" if self.served else "terminal"

        def log() -> tuple[str, str, str | None] | None:
            try:
                store.rooms.take_role(room, role, actor=name, face=face, wait=False)
            except StoreError:
                return (room, role, name)  # to try again
            return None

        self.run_worker(log, thread=True, exit_on_error=False, group=ROLE_GROUP)

    @property
    def frozen(self) -> bool:
        """Snapshot tests freeze time: no clocks, no cursor blink, no database watcher."""
        return self.frozen_time is not None

    @property
    def cursor_blinks(self) -> bool:
        """Whether the text fields' cursors blink: not when frozen, nor with --steady-cursor
        (a blink is a redraw: in a served session 4 ms of CPU and 2 KB of traffic a second)."""
        return not self.frozen and not self.steady_cursor

    @property
    def facilitator(self) -> bool:
        """Whether this session runs the room (`workshop/roles.py`: the one rule)."""
        return runs_the_room(self.role)

    def now(self) -> dt.datetime:
        return self.frozen_time or dt.datetime.now(dt.UTC)

    def mark_saved(self) -> None:
        self.last_saved = f"{self.now():%H:%M:%S}"

    # -- screens ---------------------------------------------------------------------------

    def get_default_screen(self) -> Screen[Any]:
        # Opening straight into a room (asked for, or remembered), the room is the first
        # screen: composing the start screen only to cover it (or an empty screen, then the
        # room) delayed the question by a third. The start screen comes when asked for.
        if self.initial_room is not None:
            return RoomScreen(self.initial_room)
        from hubworkshop.tui.screens.start import StartScreen

        start = StartScreen()
        in_language(start)  # its module loaded just now, after the app translated the keys
        return start

    def push_screen(self, screen: Any, *args: Any, **kwargs: Any) -> Any:
        in_language(screen)  # a screen's module loads when first shown: its keys translated
        with_drawable_icons(screen)
        return super().push_screen(screen, *args, **kwargs)

    def switch_screen(self, screen: Any) -> Any:
        in_language(screen)
        return super().switch_screen(screen)

    def on_mount(self) -> None:
        self.sub_title = self.store.catalog.workshop().title
        self.call_after_refresh(collect_cycles_again)
        if self.initial_room is not None:
            # After the first frame: the question first, the bookkeeping after.
            self.call_after_refresh(self.remember, self.initial_room)
        if not self.frozen:
            self.set_interval(1.0, self.tick)
            # post_message is thread-safe and does not wait: a burst of commits while the app
            # is busy becomes one message (can_replace), and a message posted as the app
            # closes is dropped rather than left as a coroutine never run.
            self.call_after_refresh(self._start_watching)

    def open_room(self, room_id: str) -> None:
        self.push_screen(RoomScreen(room_id))
        self.remember(room_id)

    def type_ahead(self, text: str) -> None:
        """Text typed after the Enter that opens a room: into that room's bar, or kept until
        the room has one (it may not even be pushed yet; see `typed_ahead`)."""
        if isinstance(self.screen, RoomScreen) and self.screen.bar_ready:
            self.screen.type_into_bar(text)
        else:
            self._typed_ahead += text

    def typed_ahead(self) -> str:
        """What `type_ahead` kept, once: the room takes it when it mounts."""
        text, self._typed_ahead = self._typed_ahead, ""
        return text

    def action_rooms(self) -> None:
        from hubworkshop.tui.screens.start import StartScreen

        # Close the rooms, and whatever is open above them, down to the start screen.
        while not isinstance(self.screen, StartScreen) and len(self.screen_stack) > 1:
            self.pop_screen()
        if not isinstance(self.screen, StartScreen):
            # The app started in a room, the bottom of its stack: the start screen gets a
            # stack (a mode) of its own, and rooms opened from it go on that one. The first
            # room rests, unseen and unsynced, in the stack it started on.
            self.switch_mode(ROOMS_MODE)
        self.remember(None)

    def action_export(self) -> None:
        # The export and help screens are imported when first opened: they bring the Markdown
        # widget and its parser, which opening a room does not need.
        from hubworkshop.tui.screens.export import ExportScreen

        if isinstance(self.screen, ExportScreen):
            return
        room = self.screen.room_id if isinstance(self.screen, RoomScreen) else None
        self.push_screen(ExportScreen(room))

    def action_dashboard(self) -> None:
        from hubworkshop.tui.screens.dashboard import DashboardScreen

        if not isinstance(self.screen, DashboardScreen):
            self.push_screen(DashboardScreen())

    def action_help(self) -> None:
        from hubworkshop.tui.dialogs.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_toggle_dark(self) -> None:
        self.theme = "textual-light" if self.current_theme.dark else "textual-dark"

    def room_screens(self) -> list[RoomScreen]:
        return [s for s in self.screen_stack if isinstance(s, RoomScreen)]

    def tick(self) -> None:
        for screen in self.screen_stack:
            if isinstance(screen, HubScreen) and screen.is_mounted:
                screen.tick()

    # -- live sync -------------------------------------------------------------------------

    class DatabaseChanged(Message):
        """Another connection has committed."""

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, HubworkshopApp.DatabaseChanged)

    def _start_watching(self) -> None:
        self._watcher = self.store.watch(self._database_changed_elsewhere)
        # Whatever another terminal committed before the watcher looked is read now.
        self.post_message(self.DatabaseChanged())

    def _database_changed_elsewhere(self) -> None:
        """From the watcher's thread."""
        self.post_message(self.DatabaseChanged())

    def on_hubworkshop_app_database_changed(self) -> None:
        self.database_changed()

    def database_changed(self) -> None:
        for screen in self.screen_stack:
            if isinstance(screen, HubScreen) and screen.is_mounted:
                screen.sync()

    def _stop_watching(self) -> None:
        if self._watcher is not None:
            self._watcher.stop()

    async def action_quit(self) -> None:
        self._stop_watching()
        await super().action_quit()

    def on_unmount(self) -> None:
        self._stop_watching()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A failed worker becomes a visible message, never a crash."""
        worker = event.worker
        if worker.group == ROLE_GROUP and event.state is WorkerState.SUCCESS and worker.result:
            self.set_timer(5, lambda again=worker.result: self._log_role(*again))
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            error = event.worker.error
            self.notify(
                f"{type(error).__name__}: {error}", title=_("Error"), severity="error", markup=False
            )

    # -- command palette -------------------------------------------------------------------

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        allows = screen.palette_allows if isinstance(screen, HubScreen) else lambda _: True
        owners = screen.key_owners() if isinstance(screen, HubScreen) else [screen]
        yield from binding_commands(self, screen, allows, owners)
        from hubworkshop.tui.screens.start import StartScreen

        if isinstance(screen, StartScreen):
            for room in self.store.catalog.rooms().values():
                yield SystemCommand(
                    _("Open room: {name}").format(name=room.name),
                    _("Open this breakout room"),
                    lambda r=room.id: self.open_room(r),
                )
        if isinstance(screen, RoomScreen):
            yield from _menu_commands(screen)
            from hubworkshop.domain.languages import BOTH, language_modes, native_name

            for mode in language_modes(
                self.store.catalog.workshop().languages, screen.room.language
            ):
                name = _("two side by side") if mode == BOTH else native_name(mode)
                yield SystemCommand(
                    _("Question language: {name}").format(name=name),
                    _("Show the room's question in it (F2 goes through them all)"),
                    lambda m=mode: setattr(screen, "language_mode", m),
                    discover=False,
                )
        controls = screen.controls if isinstance(screen, RoomScreen) else None
        if isinstance(screen, RoomScreen) and controls is not None and self.facilitator:
            language = screen.question_languages(screen.language_mode)[0]
            for qid in screen.room.questions:
                question = self.store.catalog.question(qid)
                yield SystemCommand(
                    _("Go to question: {text}").format(text=question.text.get_text(language)),
                    qid,
                    lambda q=qid: controls.open_question(q),
                    discover=False,
                )
            for phase in self.store.catalog.phases():
                yield SystemCommand(
                    _("Phase: {title}").format(title=phase.title),
                    _("{start}, {minutes} min, {activity}: resets the timer").format(
                        start=f"{phase.start:%H:%M}",
                        minutes=phase.minutes,
                        activity=pgettext("activity", phase.activity.value),
                    ),
                    lambda p=phase.id: controls.open_phase(p),
                    discover=False,
                )


def _menu_commands(room: RoomScreen) -> Iterable[SystemCommand]:
    """The actions of the room's menu (Enter on the list) that no key of their own runs."""
    from hubworkshop.tui.dialogs.actions import MENU, action_name

    bound = {b.action for o in room.key_owners() for b in o.BINDINGS if isinstance(b, Binding)}
    for item in MENU:
        if item.action in bound or not room.palette_allows(action_name(item.action)):
            continue
        yield SystemCommand(
            _(item.label),
            _("{action} (Enter, then {key})").format(action=_(item.label), key=item.key),
            lambda action=item.action: room.perform(action),
        )


def _role(value: str) -> UserRole:
    try:
        return UserRole(value)
    except ValueError:
        return UserRole.NOTE_TAKER


def _start_screen() -> Screen[Any]:
    from hubworkshop.tui.screens.start import StartScreen

    return StartScreen()
