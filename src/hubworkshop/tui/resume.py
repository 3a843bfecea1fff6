"""Coming back after a restart: the last room, role and name, remembered per database file.

Best effort: a read-only home must not stop a workshop.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


def state_file() -> Path:
    """Where the app remembers the last room per database, to come back to it after a restart."""
    base = os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state"
    return Path(base) / "hubworkshop" / "last-room.json"


def _load_state() -> dict[str, Any]:
    try:
        state = json.loads(state_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}


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


def last_room(db: Path) -> dict[str, Any] | None:
    remembered = _load_state().get(str(db.resolve()))
    return remembered if isinstance(remembered, dict) else None
