"""The one way screens talk to the store: a call in a thread worker, its outcome as a message.

A worker never touches a widget. It runs the store call and posts `StoreCallDone` or
`StoreCallFailed` to the screen that asked; the screen's handler (`screens/base.py`) hands the
result to the callback on the UI thread. A screen that has closed meanwhile drops the
message. Reads whose results must reach the screen in order share a `serial` lock, held from
the read to the posting, so an older read can never overwrite a newer one.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from typing import Any, NamedTuple

from textual.message import Message

from hubworkshop.domain.errors import HubworkshopError

Done = Callable[[Any], None]
Failed = Callable[[str], None]

_ids = itertools.count(1)


class StoreCallDone(Message):
    """A store call succeeded: `result` is what it returned."""

    def __init__(self, call_id: int, result: Any) -> None:
        super().__init__()
        self.call_id = call_id
        self.result = result


class StoreCallFailed(Message):
    """A store call failed with an error meant for the user (one line)."""

    def __init__(self, call_id: int, error: HubworkshopError) -> None:
        super().__init__()
        self.call_id = call_id
        self.error = error


class StoreCall(NamedTuple):
    """What to do on the UI thread once a call has finished."""

    done: Done | None
    failed: Failed | None


def next_call_id() -> int:
    return next(_ids)


def run_call(
    post: Callable[[Message], bool],
    call_id: int,
    fn: Callable[[], Any],
    serial: threading.Lock | None,
) -> None:
    """In the worker thread: run `fn` and post its outcome."""
    with serial or _NO_LOCK:
        try:
            result = fn()
        except HubworkshopError as error:
            post(StoreCallFailed(call_id, error))
            return
        post(StoreCallDone(call_id, result))


class _NoLock:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


_NO_LOCK = _NoLock()
