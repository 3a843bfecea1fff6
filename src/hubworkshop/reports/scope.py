"""What an export covers: the whole workshop, one room, or one theme."""

from __future__ import annotations

from dataclasses import dataclass

from hubworkshop.domain.errors import NotFoundError
from hubworkshop.domain.i18n import _
from hubworkshop.domain.model import Contribution, Theme
from hubworkshop.domain.records import WorkshopRecord, find_room


@dataclass(frozen=True, slots=True)
class ExportRequest:
    """What an export is asked for, whatever its format."""

    room: str | None = None
    theme: str | None = None
    lang: str = "en"
    """The language of headings and the bank's text (summaries only)."""
    attribute: bool = False
    """Name the participants who agreed to be named."""

    @property
    def scope(self) -> Scope:
        return Scope(self.room, self.theme)


@dataclass(frozen=True, slots=True)
class Scope:
    """The part of the workshop an export is about, checked against the record."""

    room: str | None = None
    theme: str | None = None

    def check(self, record: WorkshopRecord) -> None:
        """Raise NotFoundError, naming the known ones, for an unknown room or theme."""
        if self.room is not None:
            find_room(record.rooms, self.room)
        if self.theme is not None and self.theme not in {t.id for t in record.themes}:
            known = ", ".join(t.id for t in record.themes)
            raise NotFoundError(
                _("unknown theme '{theme}' (themes: {known})").format(theme=self.theme, known=known)
            )

    def themes(self, record: WorkshopRecord) -> list[Theme]:
        """The themes the scope is about: one theme, or the themes of a room's questions."""
        themes = [t for t in record.themes if self.theme in (None, t.id)]
        if self.room is not None:
            asked = set(record.rooms[self.room].questions)
            themes = [t for t in themes if any(q.id in asked for q in t.questions)]
        return themes

    def has_question(self, record: WorkshopRecord, question_id: str) -> bool:
        """Whether a bank question belongs to the scope (a room's plan, a theme)."""
        if self.room is not None and question_id not in record.rooms[self.room].questions:
            return False
        return any(q.id == question_id for t in self.themes(record) for q in t.questions)

    def contributions(self, record: WorkshopRecord) -> list[Contribution]:
        """Every contribution in scope, whoever may see it (consent is the caller's to apply)."""
        found = record.contributions
        if self.room is not None:
            found = tuple(c for c in found if c.room == self.room)
        if self.theme is not None:
            questions = {q.id for t in self.themes(record) for q in t.questions}
            found = tuple(c for c in found if c.question in questions)
        return list(found)
