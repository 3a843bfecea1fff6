"""Drafts that survive a crash: what is in the capture bar and in an open editor (purpose
statement, edit form), kept as it is typed, per database, person and room.

They live beside the resume state (`resume.py`), one small JSON file per person (by name,
else by terminal) and database, rewritten atomically on each change. Best effort: a
read-only home must not stop a workshop.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from hubworkshop.domain.names import name_key
from hubworkshop.tui.resume import read_state_json, state_file, terminal_id


class Drafts:
    """One person's drafts in one database: slot (e.g. `lifecycle/bar`) -> text or fields."""

    def __init__(self, db: Path, person: str | None) -> None:
        who = name_key(person) if person else (terminal_id() or "someone")
        digest = hashlib.sha256(f"{Path(db).resolve()}\n{who}".encode()).hexdigest()[:24]
        self.path = state_file().parent / "drafts" / f"{digest}.json"
        self._slots: dict[str, Any] | None = None
        self._dirty = False

    @property
    def slots(self) -> dict[str, Any]:
        if self._slots is None:
            loaded = read_state_json(self.path)  # a regular file of bounded size, or nothing
            self._slots = loaded if isinstance(loaded, dict) else {}
        return self._slots

    def get(self, slot: str) -> Any:
        return self.slots.get(slot)

    def keep(self, slot: str, value: Any) -> None:
        """Keep `value` for `slot` (an empty value forgets it), on disk at once."""
        self.stage(slot, value)
        self.flush()

    def stage(self, slot: str, value: Any) -> None:
        """Keep `value` in memory; it reaches the disk at the next `flush()`. The capture
        bar stages every key and flushes twice a second: a keystroke costs no file write."""
        if not value:
            if self.slots.pop(slot, None) is not None:
                self._dirty = True
            return
        if self.slots.get(slot) != value:
            self.slots[slot] = value
            self._dirty = True

    def forget(self, slot: str) -> None:
        self.stage(slot, None)
        self.flush()

    def flush(self) -> None:
        if self._dirty:
            self._dirty = False
            self._write()

    def _write(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            temporary = self.path.with_suffix(".tmp")
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as file:
                json.dump(self.slots, file, ensure_ascii=False)
            os.replace(temporary, self.path)
        except OSError:
            pass
