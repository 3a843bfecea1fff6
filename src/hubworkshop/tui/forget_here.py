"""What this machine remembers of a person outside the database, erased with them
(`hubworkshop forget`): their entries in the state folder's `last-room.json` (as a person,
and terminals last used under their name) and their drafts, and any draft that mentions
them. Other machines keep their own state folders; `forget` says so.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
from pathlib import Path
from typing import Any

from hubworkshop.domain.names import name_key
from hubworkshop.tui.resume import read_state_json, state_file


def forget_here(db: Path, spellings: set[str]) -> int:
    """Remove what the state folder keeps of these spellings for any database; returns how
    many entries and drafts were removed."""
    keys = {name_key(s) for s in spellings}
    pattern = re.compile(
        "|".join(re.escape(s) for s in sorted(spellings, key=len, reverse=True)), re.IGNORECASE
    )
    removed = 0
    path = state_file()
    try:
        with open(path.with_suffix(".lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            state = read_state_json(path)
            if isinstance(state, dict):
                for entry in state.values():
                    removed += _forget_in_entry(entry, keys)
                if removed:
                    temporary = path.with_suffix(f".{os.getpid()}.tmp")
                    temporary.write_text(json.dumps(state, indent=1), encoding="utf-8")
                    os.replace(temporary, path)
    except OSError:
        pass
    drafts = path.parent / "drafts"
    try:
        files = sorted(drafts.glob("*.json"))
    except OSError:
        files = []
    for draft in files:
        slots = read_state_json(draft)
        if not isinstance(slots, dict):
            continue
        kept = {
            slot: value
            for slot, value in slots.items()
            if not pattern.search(json.dumps(value, ensure_ascii=False))
        }
        try:
            if not kept:
                draft.unlink()
            elif len(kept) != len(slots):
                temporary = draft.with_suffix(".tmp")
                fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                with os.fdopen(fd, "w", encoding="utf-8") as file:
                    json.dump(kept, file, ensure_ascii=False)
                os.replace(temporary, draft)
            else:
                continue
        except OSError:
            continue
        removed += len(slots) - len(kept) or 1
    for key in keys:  # a person's own drafts, named by a hash of the database and the name
        digest = hashlib.sha256(f"{Path(db).resolve()}\n{key}".encode()).hexdigest()[:24]
        own = drafts / f"{digest}.json"
        try:
            own.unlink()
            removed += 1
        except OSError:
            pass
    return removed


def _forget_in_entry(entry: Any, keys: set[str]) -> int:
    if not isinstance(entry, dict):
        return 0
    removed = 0
    people = entry.get("people")
    if isinstance(people, dict):
        for key in [k for k in people if isinstance(k, str) and name_key(k) in keys]:
            del people[key]
            removed += 1
    terminals = entry.get("terminals")
    if isinstance(terminals, dict):
        for terminal, record in list(terminals.items()):
            name = record.get("name") if isinstance(record, dict) else None
            if isinstance(name, str) and name_key(name) in keys:
                del terminals[terminal]
                removed += 1
    return removed
