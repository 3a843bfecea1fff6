"""Coming back after a restart: the last room and role, per person and per terminal.

Remembered per database file, and inside it under the person's name (when the app was told
who you are: `--name` or $HUBWORKSHOP_NOTE_TAKER) and under the terminal (its tty, or
$HUBWORKSHOP_TERMINAL, which a browser session sets). Started again with a name, the app
comes back to that person's room; without one, to what was last open in this very terminal.
Two people who share a machine account, in two terminals, never come back as each other;
a terminal the app does not know opens the start screen, which asks who you are.

Best effort: a read-only home must not stop a workshop.
"""

from __future__ import annotations

import fcntl
import json
import os
import sys
from pathlib import Path
from typing import Any

from hubworkshop.domain.names import name_key

TERMINAL_ENV = "HUBWORKSHOP_TERMINAL"


def state_file() -> Path:
    """Where the app remembers the last rooms, to come back to them after a restart."""
    base = os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state"
    return Path(base) / "hubworkshop" / "last-room.json"


def terminal_id() -> str | None:
    """This terminal: $HUBWORKSHOP_TERMINAL, else the tty the app runs on, else None."""
    if os.environ.get(TERMINAL_ENV):
        return os.environ[TERMINAL_ENV]
    for stream in (sys.stdin, sys.stdout):
        try:
            if stream is not None and stream.isatty():
                return os.ttyname(stream.fileno())
        except (OSError, ValueError, AttributeError):
            continue
    return None


STATE_LIMIT = 4 * 1024 * 1024
"""The state folder's files are a few KiB; beyond this they are not ours."""


def read_state_json(path: Path) -> Any:
    """A state file's JSON, or None: only a regular file of bounded size is read (a FIFO
    there would hang the app before its first screen, a device would never end)."""
    from hubworkshop.sources.files import UnreadableFile, read_source

    try:
        return json.loads(read_source(path, limit=STATE_LIMIT).decode("utf-8"))
    except (UnreadableFile, UnicodeDecodeError, ValueError, RecursionError):
        return None


def _load_state() -> dict[str, Any]:
    state = read_state_json(state_file())
    return state if isinstance(state, dict) else {}


def _entry(state: dict[str, Any], db: Path) -> dict[str, Any]:
    entry = state.get(str(db.resolve()))
    if not isinstance(entry, dict) or not isinstance(entry.get("people"), dict):
        entry = {"people": {}, "terminals": {}}  # also replaces the old one-per-file record
    entry.setdefault("terminals", {})
    state[str(db.resolve())] = entry
    return entry


def remember_room(
    db: Path,
    room: str | None,
    role: str,
    name: str | None,
    *,
    terminal: str | None = None,
    by_name: bool = True,
) -> None:
    """Keep (or, with `room` None, forget) where this person and this terminal are. A
    browser session (`by_name=False`) is kept by its terminal only: nobody finds its room
    by typing its name.

    Many app processes share the file (every browser session of `serve` is one): the read,
    change and write happen under an exclusive lock, and the new file replaces the old in one
    rename, so no process's entry is lost to another's write."""
    terminal = terminal or terminal_id()
    record = {"room": room, "role": role, "name": name}
    path = state_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path.with_suffix(".lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            state = _load_state()
            entry = _entry(state, db)
            for table, key in (
                ("people", name_key(name) if name and by_name else None),
                ("terminals", terminal),
            ):
                if key is None:
                    continue
                if room is None:
                    entry[table].pop(key, None)
                else:
                    entry[table][key] = record
            temporary = path.with_suffix(f".{os.getpid()}.tmp")
            temporary.write_text(json.dumps(state, indent=1), encoding="utf-8")
            os.replace(temporary, path)
    except OSError:
        pass


def last_room(
    db: Path, name: str | None = None, *, terminal: str | None = None
) -> dict[str, Any] | None:
    """Where this person (by name) or, without a name, this terminal was last."""
    entry = _load_state().get(str(db.resolve()))
    if not isinstance(entry, dict):
        return None
    if name:
        found = entry.get("people", {}).get(name_key(name))
    else:
        found = entry.get("terminals", {}).get(terminal or terminal_id())
    return found if isinstance(found, dict) else None
