"""Which schema this code reads and writes, known without importing the migrations.

A database whose `user_version` is `SCHEMA_VERSION` needs nothing applied, so opening one
(every start of the app, every `hubworkshop add`) never loads sqlite-utils; `schema.py`
holds the migrations themselves, and a test checks the two agree.
"""

from __future__ import annotations

MIGRATION_SET = "hubworkshop"
MIGRATIONS_TABLE = "_sqlite_migrations"  # sqlite-utils' Migrations keep their record here
MIGRATION_NAMES = (
    "0001_initial",
    "0002_room_state",
    "0003_activities",
    "0004_live_points_index",
    "0005_stable_ids",
    "0006_plan_record",
    "0007_erasure_tombstones",
    "0008_change_times",
    "0009_contribution_context",
    "0010_participant_pages",
)
SCHEMA_VERSION = len(MIGRATION_NAMES)

EVENT_UID = (
    "printf('%014x', CAST((julianday('now') - 2440587.5) * 8640000000 AS INTEGER))"
    " || lower(hex(randomblob(9)))"
)
"""SQL for a new event's stable id: time first, so the unique index grows at its end (a
random id made every insert land on a random page), then 72 random bits."""
