"""What every service of the store shares: the database's connections, its clock, its ids and
the event-log writer."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from hubworkshop.domain.events import EventName
from hubworkshop.storage.connections import Connections
from hubworkshop.storage.sql import Db
from hubworkshop.storage.version import EVENT_UID


def utc_now() -> str:
    """The current time as ISO 8601 UTC with milliseconds, e.g. 2021-11-27T13:05:00.000Z."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def random_id() -> str:
    """A new random (version 4) UUID, as `str(uuid.uuid4())` writes it, in a third of the
    time: a bulk import of 100,000 lines spent half a second making ids."""
    h = os.urandom(16).hex()
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{_VARIANT[h[16]]}{h[17:20]}-{h[20:]}"


_VARIANT = {digit: "89ab"[int(digit, 16) & 3] for digit in "0123456789abcdef"}
"""The first hex digit of a UUID's fourth group, with its top bits set to the RFC 4122
variant (10xx)."""


class Database:
    """One workshop file as every service sees it: where writes and reads go, the clock, new
    ids, and the event log every write appends to. It holds no workshop knowledge itself."""

    def __init__(
        self, connections: Connections, path: Path, clock: Callable[[], str] = utc_now
    ) -> None:
        self.connections = connections
        self.path = path
        self.clock = clock
        self.new_id: Callable[[], str] = random_id

    @property
    def db(self) -> Db:
        """The write connection (for tests and maintenance; the store's code uses write())."""
        return self.connections.writer

    @contextlib.contextmanager
    def write(self, *, wait: bool = True) -> Iterator[Db]:
        """One write transaction: `BEGIN IMMEDIATE` ... `COMMIT`, returning after the commit
        (with `wait=False`, refused at once if it would wait for a lock)."""
        with self.connections.write(wait=wait) as db:
            yield db

    @contextlib.contextmanager
    def read(self, *, transaction: bool = False) -> Iterator[Db]:
        """A read connection; it never waits for a write of this process."""
        with self.connections.read(transaction=transaction) as db:
            yield db

    def log(
        self,
        action: EventName,
        *,
        subject: str | None = None,
        room: str | None = None,
        actor: str | None = None,
        data: dict[str, Any] | None = None,
    ) -> None:
        """Inside a write: append to the event log, in the same transaction as the change."""
        self.connections.writer.execute(
            "INSERT INTO events (at, actor, room, action, subject, data, uid) "
            f"VALUES (?, ?, ?, ?, ?, ?, {EVENT_UID})",
            (
                self.clock(),
                actor,
                room,
                action.value,
                subject,
                json.dumps(data or {}, ensure_ascii=False),
            ),
        )
