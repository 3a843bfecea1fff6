"""What every screen of the app that reads or writes the workshop shares."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual import on
from textual.screen import Screen
from textual.widget import Widget

from hubworkshop.tui.workers import (
    Done,
    Failed,
    StoreCall,
    StoreCallDone,
    StoreCallFailed,
    next_call_id,
    run_call,
)

if TYPE_CHECKING:
    from hubworkshop.storage import Store
    from hubworkshop.tui.app import HubworkshopApp


class HubScreen(Screen[None]):
    """A screen that talks to the store through workers (`tui/workers.py`)."""

    def __init__(self) -> None:
        super().__init__()
        self._calls: dict[int, StoreCall] = {}

    @property
    def hub_app(self) -> HubworkshopApp:
        from hubworkshop.tui.app import HubworkshopApp

        assert isinstance(self.app, HubworkshopApp)
        return self.app

    @property
    def store(self) -> Store:
        return self.hub_app.store

    def run_store(
        self,
        fn: Callable[[], Any],
        done: Done | None = None,
        *,
        failed: Failed | None = None,
        serial: threading.Lock | None = None,
        group: str = "store",
    ) -> None:
        """Run `fn` (a store call) in a worker; hand its result to `done`, or its error to
        `failed` (by default a notification), on the UI thread."""
        call_id = next_call_id()
        self._calls[call_id] = StoreCall(done, failed)
        self.run_worker(
            lambda: run_call(self.post_message, call_id, fn, serial),
            thread=True,
            group=group,
            exit_on_error=False,
        )

    @on(StoreCallDone)
    def _store_call_done(self, message: StoreCallDone) -> None:
        message.stop()
        call = self._calls.pop(message.call_id, None)
        if call is not None and call.done is not None:
            call.done(message.result)

    @on(StoreCallFailed)
    def _store_call_failed(self, message: StoreCallFailed) -> None:
        message.stop()
        call = self._calls.pop(message.call_id, None)
        if call is not None and call.failed is not None:
            call.failed(str(message.error))
        else:
            self.notify(str(message.error), severity="error", markup=False)

    def saying(self, message: str, then: Callable[[], None] | None = None) -> Done:
        """A `done` callback that tells the person `message`, then calls `then`."""

        def done(_: object) -> None:
            self.notify(message, markup=False)
            if then is not None:
                then()

        return done

    def key_owners(self) -> list[Widget]:
        """This screen and the parts of it that own keys and actions, outermost first: the
        command palette offers all their bindings."""
        return [self]

    def palette_allows(self, action: str) -> bool:
        """Whether the command palette offers this screen's `action` to this user."""
        return True

    def sync(self) -> None:
        """Another terminal changed the database: show it."""

    def tick(self) -> None:
        """Called every second: screens with a clock redraw it."""
