"""Errors and problems that reach a user as one clear line, never a traceback."""

from __future__ import annotations

from pathlib import Path
from typing import Literal, NamedTuple

from hubworkshop.domain.i18n import _


class Problem(NamedTuple):
    """Something wrong (or worth a warning) at a place in a user's file."""

    path: Path
    line: int | None
    message: str
    severity: Literal["error", "warning"] = "error"

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else f"{self.path}"
        prefix = _("warning: ") if self.severity == "warning" else ""
        return f"{where}: {prefix}{self.message}"


class HubworkshopError(Exception):
    """Base of every error we expect and explain to the user."""


class SourceError(HubworkshopError):
    """A question bank or plan has errors; each one names its file and line."""

    def __init__(self, problems: list[Problem]):
        self.problems = [p for p in problems if p.severity == "error"]
        super().__init__("\n".join(str(p) for p in self.problems))


class StoreError(HubworkshopError):
    """The database cannot be used as asked: not SQLite, corrupt, newer, locked, read-only."""


class NotFoundError(HubworkshopError):
    """An unknown room, question, participant or contribution."""


class InputError(HubworkshopError):
    """A value a user typed cannot be stored as it is (empty text, unknown kind...)."""
