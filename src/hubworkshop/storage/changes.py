"""When each part of a contribution last changed, so merging two copies keeps every
independent edit (`storage/merge.py`).

A contribution's fields fall into groups that change together (an action's owner and due
date, a text and the language detected in it); the row's `changed` column (migration 0008)
maps each group to the time it last changed, written by triggers on the table itself, so no
writer has to remember it (tags live in their own table: `set_tags` writes theirs). A group
missing from the map has not changed since the row was created.

The times travel with the row, in every copy and backup, whatever happened to the event log
(a bulk import logs one entry for thousands of rows, an erasure scrubs entries, an archive
restores rows without their history), so they are what a merge compares.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from hubworkshop.domain.fields import bad_time

GROUPS: Mapping[str, tuple[str, ...]] = {
    "text": ("text", "language"),
    "kind": ("kind",),
    "question": ("question",),
    "author": ("author",),
    "tags": (),  # the contribution_tags table
    "starred": ("starred",),
    "parked": ("parked",),
    "cluster": ("cluster",),
    "merged_into": ("merged_into",),
    "action": ("owner", "due"),
    "deleted": ("deleted_at",),
}
"""Each group of a contribution's fields that changes as one, and its columns."""


def change_times(row: Mapping[str, Any]) -> dict[str, str]:
    """When each group of a contribution row (with `changed` and `created_at`) last changed."""
    try:
        recorded = json.loads(row.get("changed") or "{}")
    except ValueError:
        recorded = {}
    if not isinstance(recorded, dict):
        recorded = {}
    created = str(row["created_at"])
    return {g: str(recorded.get(g) or created) for g in GROUPS}


def bad_changes(value: Any) -> str | None:
    """A `changed` column read from another copy: a JSON object of known groups to times."""
    if not isinstance(value, str) or len(value) > 4096:
        return "is not a map of change times (JSON text)"
    try:
        recorded = json.loads(value)
    except ValueError:
        return "is not JSON"
    if not isinstance(recorded, dict):
        return "is not a map of change times"
    for group, at in recorded.items():
        if group not in GROUPS:
            return f"names no part of a contribution ({group!r})"
        why = bad_time(at)
        if why is not None:
            return f"[{group!r}] {why}"
    return None


def encode(times: Mapping[str, str]) -> str:
    return json.dumps(dict(sorted(times.items())), separators=(",", ":"))


Row = dict[str, Any]


def merged_parts(
    whole: Row,
    mine: tuple[Row, list[str]],
    theirs: tuple[Row, list[str]],
    names: Mapping[int | None, str],
) -> tuple[Row, list[str]]:
    """One contribution from two versions of it (each a row and its tags): each group of
    fields from the side that changed it last, on a tie a fixed order of the values (the
    author by name, not by row id, which differs between files); the fields of no group
    from `whole`; the later update time. Returns the row, with its `changed`, and its tags."""
    sides = []
    for row, tags in (mine, theirs):
        values = {**row, "tags": tags, "author": names.get(row["author"], "")}
        sides.append((row, tags, values, change_times(row)))
    merged: Row = {
        **whole,
        "id": mine[0]["id"],
        "updated_at": max(mine[0]["updated_at"], theirs[0]["updated_at"]),
    }
    merged_tags, times = mine[1], {}
    for group, columns in GROUPS.items():
        keys = columns or ("tags",)
        row, tags, _values, at = max(
            sides, key=lambda side: (side[3][group], json.dumps([side[2][k] for k in keys]))
        )
        times[group] = at[group]
        if group == "tags":
            merged_tags = tags
        merged.update({k: row[k] for k in columns})
    merged["changed"] = encode(times)
    if encode(change_times(mine[0])) == merged["changed"]:
        merged["changed"] = mine[0]["changed"]  # the same times, however they were written
    return merged, merged_tags
