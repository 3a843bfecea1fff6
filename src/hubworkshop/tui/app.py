"""The terminal app: a thin layer over the store.

It watches the database for commits by other terminals (`PRAGMA data_version`, polled on a
connection of its own in a worker thread) and tells the open screens to load what changed.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import threading
from collections.abc import Iterable
from concurrent.futures import CancelledError
from pathlib import Path

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from hubworkshop.storage.store import Store
from hubworkshop.tui.dialogs.basic import HelpScreen
from hubworkshop.tui.screens.activities import DashboardScreen, HubScreen
from hubworkshop.tui.screens.export import ExportScreen
from hubworkshop.tui.screens.room import PresenterScreen, RoomScreen
from hubworkshop.tui.screens.start import StartScreen

ROLES = ("note-taker", "facilitator")
POLL_SECONDS = 0.2


def state_file() -> Path:
    """Where the app remembers the last room per database, to come back to it after a restart."""
    base = os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state"
    return Path(base) / "hubworkshop" / "last-room.json"


def _load_state() -> dict:
    try:
        return json.loads(state_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def remember_room(db: Path, room: str | None, role: str, name: str | None) -> None:
    """Best effort: a read-only home must not stop a workshop."""
    state = _load_state()
    key = str(db.resolve())
    if room is None:
        state.pop(key, None)
    else:
        state[key] = {"room": room, "role": role, "name": name}
    try:
        path = state_file()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(state, indent=1), encoding="utf-8")
    except OSError:
        pass


def last_room(db: Path) -> dict | None:
    return _load_state().get(str(db.resolve()))


class HubworkshopApp(App):
    """hubworkshop: run a live brainstorming workshop with breakout rooms."""

    TITLE = "hubworkshop"
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", priority=True, tooltip="Everything is already saved"),
        Binding("f1", "help", "Help", tooltip="Keys and quick-capture syntax"),
        Binding("ctrl+t", "toggle_dark", "Theme", show=False, tooltip="Dark or light theme"),
        Binding("ctrl+o", "rooms", "Rooms", show=False, tooltip="Back to the list of rooms"),
        Binding("f4", "export", "Export", tooltip="Summaries and data for the committee"),
        Binding("f10", "dashboard", "Dashboard", tooltip="Every room at a glance"),
    ]

    def __init__(
        self,
        store: Store,
        *,
        room: str | None = None,
        role: str = "note-taker",
        user_name: str | None = None,
        resume: bool = False,
        frozen_time: dt.datetime | None = None,
    ) -> None:
        super().__init__()
        self.store = store
        self.initial_room = room
        self.role = role if role in ROLES else "note-taker"
        self.user_name = user_name
        self.frozen_time = frozen_time
        self.last_saved: str | None = None
        self._stop_watching = threading.Event()
        if room is None and resume:
            remembered = last_room(store.path)
            if remembered and remembered.get("room") in store.rooms():
                self.initial_room = remembered["room"]
                self.role = remembered.get("role") or self.role
                self.user_name = self.user_name or remembered.get("name")

    @property
    def frozen(self) -> bool:
        """Snapshot tests freeze time: no clocks, no cursor blink, no database watcher."""
        return self.frozen_time is not None

    def now(self) -> dt.datetime:
        return self.frozen_time or dt.datetime.now(dt.UTC)

    def mark_saved(self) -> None:
        self.last_saved = f"{self.now():%H:%M:%S}"

    # -- screens ---------------------------------------------------------------------------

    def get_default_screen(self) -> Screen:
        # The start screen is the app's first screen, rather than pushed over an empty one.
        return StartScreen()

    def on_mount(self) -> None:
        self.sub_title = self.store.workshop()["title"]
        if self.initial_room is not None:
            self.open_room(self.initial_room)
        if not self.frozen:
            self.set_interval(1.0, self.tick)
            self.watch_database()

    def open_room(self, room_id: str) -> None:
        self.push_screen(RoomScreen(room_id))
        remember_room(self.store.path, room_id, self.role, self.user_name)

    def action_rooms(self) -> None:
        while not isinstance(self.screen, StartScreen):  # rooms, and whatever is open above
            self.pop_screen()
        remember_room(self.store.path, None, self.role, self.user_name)

    def action_export(self) -> None:
        if isinstance(self.screen, ExportScreen):
            return
        room = self.screen.room_id if isinstance(self.screen, RoomScreen) else None
        self.push_screen(ExportScreen(room))

    def action_dashboard(self) -> None:
        if not isinstance(self.screen, DashboardScreen):
            self.push_screen(DashboardScreen())

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_toggle_dark(self) -> None:
        self.theme = "textual-light" if self.current_theme.dark else "textual-dark"

    def room_screens(self) -> list[RoomScreen]:
        return [s for s in self.screen_stack if isinstance(s, RoomScreen)]

    def tick(self) -> None:
        for screen in self.screen_stack:
            if (
                isinstance(screen, RoomScreen | PresenterScreen | DashboardScreen)
                and screen.is_mounted
            ):
                screen.tick()

    # -- live sync -------------------------------------------------------------------------

    def watch_database(self) -> None:
        """Start the watcher: a daemon thread, not a worker, so waiting for workers ends."""
        threading.Thread(target=self._watch, name="hubworkshop-watcher", daemon=True).start()

    def _watch(self) -> None:
        """Poll `PRAGMA data_version` (microseconds) on a connection of our own."""
        try:
            conn = sqlite3.connect(self.store.path, check_same_thread=False)
            last = conn.execute("PRAGMA data_version").fetchone()[0]
            while not self._stop_watching.wait(POLL_SECONDS):
                version = conn.execute("PRAGMA data_version").fetchone()[0]
                if version != last:
                    last = version
                    # post_message is thread-safe and does not wait: a burst of commits while
                    # the app is busy becomes one message (can_replace), and a message posted
                    # as the app closes is dropped rather than left as a coroutine never run.
                    self.post_message(self.DatabaseChanged())
        except (sqlite3.Error, RuntimeError, CancelledError):
            return  # the app is closing, or the database went away: nothing to watch

    class DatabaseChanged(Message):
        """Another connection has committed."""

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, HubworkshopApp.DatabaseChanged)

    def on_hubworkshop_app_database_changed(self) -> None:
        self.database_changed()

    def database_changed(self) -> None:
        for screen in self.screen_stack:
            if isinstance(screen, RoomScreen) and screen.is_mounted:
                screen.sync()
            elif isinstance(screen, PresenterScreen) and screen.is_mounted:
                screen.refresh_view()
            elif isinstance(screen, HubScreen) and screen.is_mounted:
                screen.sync()

    async def action_quit(self) -> None:
        self._stop_watching.set()
        await super().action_quit()

    def on_unmount(self) -> None:
        self._stop_watching.set()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A failed database worker becomes a visible message, never a crash."""
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            error = event.worker.error
            self.notify(f"{type(error).__name__}: {error}", title="Error", severity="error")

    # -- command palette -------------------------------------------------------------------

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Help", "Keys and quick-capture syntax (F1)", self.action_help)
        yield SystemCommand(
            "Toggle dark / light", "Switch the theme (Ctrl+T)", self.action_toggle_dark
        )
        yield SystemCommand(
            "Export", "Summaries (Markdown, wikitext) and data (F4)", self.action_export
        )
        if isinstance(screen, StartScreen):
            for room in self.store.rooms().values():
                yield SystemCommand(
                    f"Open room: {room.name}",
                    "Open this breakout room",
                    lambda r=room.id: self.open_room(r),
                )
            return
        if not isinstance(screen, RoomScreen):
            return
        yield SystemCommand("Rooms", "Back to the list of rooms (Ctrl+O)", self.action_rooms)
        yield SystemCommand("Presenter view", "For screen sharing (F3)", screen.action_presenter)
        yield SystemCommand(
            "Language", "Question in English, French or both (F2)", screen.action_cycle_language
        )
        yield SystemCommand("Search", "Search contributions (/)", screen.action_search)
        yield SystemCommand("Filter", "Show one kind or one tag (f)", screen.action_filter)
        yield SystemCommand(
            "Clear filters", "Show every contribution (Esc)", screen.action_clear_filters
        )
        yield SystemCommand("Undo", "Undo your last change (u)", screen.action_undo)
        yield SystemCommand(
            "Edit contribution", "Edit the selected contribution (e)", screen.action_edit
        )
        yield SystemCommand(
            "Delete contribution", "Delete the selected contribution (d)", screen.action_delete
        )
        yield SystemCommand(
            "Star as key point", "Star or unstar the selected contribution (s)", screen.action_star
        )
        yield SystemCommand(
            "Tag contribution", "Set the selected contribution's tags (t)", screen.action_tag
        )
        yield SystemCommand(
            "Vote: add a dot", "A participant votes for the selected point (v)", screen.action_vote
        )
        yield SystemCommand(
            "Merge into another point", "m here, then m on the target", screen.action_merge
        )
        yield SystemCommand(
            "Split merged point", "Undo merges of the selected point (M)", screen.action_split
        )
        yield SystemCommand(
            "Cluster", "Group the selected point under a name (c)", screen.action_cluster
        )
        yield SystemCommand(
            "Park / unpark", "Off-topic: keep it in the record (p)", screen.action_park
        )
        yield SystemCommand("Action owner and due date", "(o)", screen.action_action_owner)
        yield SystemCommand(
            "Wrap-up: key takeaways", "Choose and order starred points (W)", screen.action_takeaways
        )
        yield SystemCommand("Task ranking", "Order what hubs should do (R)", screen.action_ranking)
        yield SystemCommand("Purpose statement", "Draft and revise (P)", screen.action_purpose)
        yield SystemCommand(
            "Participants", "Roster, consent and language (N)", screen.action_roster
        )
        yield SystemCommand("Dashboard", "Every room at a glance (F10)", self.action_dashboard)
        if self.role != "facilitator":
            return
        yield SystemCommand(
            "Open / close dot-vote",
            "Each participant gets the plan's dots (V)",
            screen.action_toggle_vote,
        )
        yield SystemCommand(
            "Report-back", "Step through rooms in plenary (B)", screen.action_report_back
        )
        yield SystemCommand(
            "Start / pause timer", "The phase clock (F5)", screen.action_toggle_timer
        )
        yield SystemCommand("Extend timer by 1 minute", "(F6)", lambda: screen.action_extend(1))
        yield SystemCommand("Extend timer by 5 minutes", "(F7)", lambda: screen.action_extend(5))
        yield SystemCommand("Next question", "(F8)", lambda: screen.action_move_question(1))
        yield SystemCommand("Previous question", "(F9)", lambda: screen.action_move_question(-1))
        languages = self.store.workshop()["languages"]
        for qid in screen.room.questions:
            question = self.store.question(qid)
            yield SystemCommand(
                f"Go to question: {question.text.get_text(languages[0])}",
                qid,
                lambda q=qid: screen.open_question(q),
                discover=False,
            )
        for phase in self.store.phases():
            yield SystemCommand(
                f"Phase: {phase.title}",
                f"{phase.start:%H:%M}, {phase.minutes} min, {phase.activity.value}: resets the timer",
                lambda p=phase.id: screen.open_phase(p),
                discover=False,
            )
