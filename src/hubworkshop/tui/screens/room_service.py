"""What the room's parts share, without knowing each other: the room, the workshop through
the screen's workers, this terminal's undo history, and how a change is written and said.

The room screen (`room.py`) makes one `RoomService` and hands it to each part it composes
(the facilitator's controls, the list's actions, the capture desk). A part asks it to write;
the screen, through the two functions it gave, redraws the status line and reads back what
changed. No part reaches into another: what one part tells another goes through the screen.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from hubworkshop.domain.i18n import _
from hubworkshop.domain.model import Room
from hubworkshop.tui.screens.base import HubScreen
from hubworkshop.tui.workers import Done, Failed
from hubworkshop.workshop import history as steps
from hubworkshop.workshop.history import Command, History

if TYPE_CHECKING:
    from hubworkshop.storage import Store
    from hubworkshop.tui.app import HubworkshopApp


class RoomService:
    """One room's door to the workshop, for the parts of its screen."""

    def __init__(
        self,
        host: HubScreen,
        room_id: str,
        *,
        status: Callable[[str | None, bool], None],
        sync: Callable[[], None],
    ) -> None:
        self.host = host
        self.room_id = room_id
        self.history = History()
        self.saving = 0
        """Changes sent to the database and not back yet: the status line says "saving…"."""
        self._status = status
        self._sync = sync

    @property
    def app(self) -> HubworkshopApp:
        return self.host.hub_app

    @property
    def store(self) -> Store:
        return self.host.hub_app.store

    @property
    def room(self) -> Room:
        return self.store.catalog.room(self.room_id)

    def status(self, message: str | None = None, *, error: bool = False) -> None:
        """Redraw the status line (with `message` first, whole)."""
        self._status(message, error)

    def sync(self) -> None:
        """Read back what changed since the room last looked."""
        self._sync()

    def read(
        self,
        fn: Callable[[], Any],
        done: Done | None = None,
        *,
        failed: Failed | None = None,
        group: str = "store",
    ) -> None:
        """A store call in a worker, its result to `done`, its error to `failed` (by default
        a notification)."""
        self.host.run_store(fn, done, failed=failed, group=group)

    def write(self, description: str, fn: Callable[[], object], *, said: str | None = None) -> None:
        """Run one store change in a worker; say so on screen (with `said`, once it is saved)
        when it is saved or fails."""

        def done(_: object) -> None:
            self.write_done()
            if said:
                self.host.notify(said, timeout=4, markup=False)

        self.saving += 1
        self.status()
        self.host.run_store(
            fn,
            done,
            failed=lambda message: self.write_failed(description, message),
            group="writes",
        )

    def change(
        self,
        description: str,
        command: Command | Callable[[], Command],
        *,
        said: str | None = None,
    ) -> None:
        """Apply a change that can be undone (Ctrl+Z) and redone (Ctrl+Y): a command, or a function
        that builds it in the worker (for a command that must read the database first)."""
        store, actor, history = self.store, self.app.user_name, self.history

        def run() -> None:
            history.run(store, command() if callable(command) else command, actor)

        self.write(description, run, said=said)

    def step(self, *, undo: bool) -> None:
        """Undo (or redo) this terminal's last change."""
        history = self.history
        if not (history.can_undo if undo else history.can_redo):
            self.host.notify(
                _("Nothing to undo.") if undo else _("Nothing to redo."), markup=False, timeout=2
            )
            return
        store, actor = self.store, self.app.user_name
        step = steps.undo if undo else steps.redo
        word = _("Undone") if undo else _("Redone")

        def stepped(command: Command | None) -> None:
            self.write_done()
            if command is not None:
                self.host.notify(f"{word}: {command.label}", timeout=2, markup=False)

        self.saving += 1
        self.status()
        self.host.run_store(
            lambda: step(history, store, actor),
            stepped,
            failed=lambda message: self.write_failed(word, message),
            group="writes",
        )

    def write_done(self) -> None:
        self.saving -= 1
        self.app.mark_saved()
        self.status()
        self.sync()

    def write_failed(self, description: str, message: str) -> None:
        self.saving -= 1
        failed = _("{what} failed: {message}").format(what=description, message=message)
        self.status(failed, error=True)
        self.host.notify(failed, severity="error", markup=False)
