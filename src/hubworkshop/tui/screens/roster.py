"""The room's participants: add people, set consent and language; every change is logged."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from hubworkshop.domain.i18n import N_, _, pgettext
from hubworkshop.domain.languages import language_code
from hubworkshop.domain.model import Consent, Participant
from hubworkshop.tui.dialogs.common import TextDialog
from hubworkshop.tui.screens.base import HubScreen
from hubworkshop.tui.widgets.glyphs import AppHeader
from hubworkshop.tui.widgets.key_footer import KeyFooter
from hubworkshop.tui.widgets.text import cell
from hubworkshop.workshop import history as steps
from hubworkshop.workshop import people
from hubworkshop.workshop.history import Command, History, Rename, SetConsent


def consent_choices() -> list[tuple[str, str]]:
    """The three consent levels as a person chooses them: what each means for their words."""
    return [
        (Consent.NAMED.value, _("named: may be credited by name")),
        (Consent.ANONYMOUS.value, _("anonymous: quoted without a name")),
        (Consent.OFF_RECORD.value, _("off the record: left out of every summary")),
    ]


class RosterScreen(HubScreen):
    """The room's participants: add people, set consent and language. Changes are logged."""

    DEFAULT_CSS = """
    RosterScreen DataTable { height: 1fr; }
    RosterScreen #roster-note { color: $text-muted; padding: 0 1; }
    """
    BINDINGS = [
        Binding("a", "add", N_("Add person")),
        Binding("c", "consent", N_("Consent")),
        Binding("l", "language", N_("Language")),
        Binding("r", "rename", N_("Rename")),
        Binding("m", "merge", N_("Merge into…")),
        Binding("escape", "app.pop_screen", N_("Back")),
        Binding("ctrl+z", "undo", N_("Undo"), show=False),
        Binding("ctrl+y", "redo", N_("Redo"), show=False),
    ]

    def __init__(self, room_id: str, history: History | None = None) -> None:
        super().__init__()
        self.room_id = room_id
        self.history = history or History()
        """The room's undo history: a consent set here is undone here or back in the room."""
        self.people: list[Participant] = []
        self.everyone: list[Participant] = []

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield DataTable(id="roster", cursor_type="row", zebra_stripes=True)
        yield Static(
            _(
                "a: add · c: consent (named, anonymous or off the record) · l: language · "
                "r: rename · m: merge one person entered twice (asked which consent they gave) · "
                "named: may be credited · anonymous: quoted without a name · off the record: "
                "left out of summaries"
            ),
            id="roster-note",
        )
        yield KeyFooter()

    def on_mount(self) -> None:
        self.title = _("Participants — {room}").format(
            room=self.store.catalog.room(self.room_id).name
        )
        self.query_one(DataTable).add_columns(_("Name"), _("Consent"), _("Language"), _("Room"))
        self.query_one(DataTable).focus()
        self.load()

    def sync(self) -> None:
        self.load()

    def load(self) -> None:
        self.run_store(self.store.participants.all, self.show)

    def show(self, people: list[Participant]) -> None:
        self.everyone = people
        here = [p for p in people if p.room in (self.room_id, None)]
        table = self.query_one(DataTable)
        cursor = table.cursor_row
        # Another terminal may add someone above: the cursor stays on the same person (by
        # id), never on whoever now stands in that row, so a consent goes to who was chosen.
        chosen = self.people[cursor].id if 0 <= cursor < len(self.people) else None
        self.people = here
        table.clear()
        for p in here:
            table.add_row(
                cell(p.name),
                pgettext("consent", p.consent.value),
                p.language or "",
                p.room or "",
                key=str(p.id),
            )
        if here:
            ids = [p.id for p in here]
            table.move_cursor(
                row=ids.index(chosen) if chosen in ids else min(cursor, len(here) - 1)
            )

    def selected(self) -> Participant | None:
        table = self.query_one(DataTable)
        return self.people[table.cursor_row] if self.people else None

    def action_add(self) -> None:
        def added(name: str | None) -> None:
            if name and name.strip():
                self.run_store(
                    lambda: self.store.participants.save(
                        name, room=self.room_id, actor=self.hub_app.user_name
                    ),
                    lambda _: self.load(),
                )

        self.app.push_screen(
            TextDialog(_("Add a participant"), hint=_("New people start anonymous.")), added
        )

    def action_consent(self) -> None:
        """The consent the person gave, chosen from the three: never stepped through (a
        cycle made someone going off the record pass through named)."""
        from hubworkshop.tui.dialogs.common import ChoiceDialog

        person = self.selected()
        if person is None:
            return

        def chosen(consent: str | None) -> None:
            if consent and consent != person.consent.value:
                change = SetConsent(person.id, person.name, person.consent, Consent(consent))
                store, actor, history = self.store, self.hub_app.user_name, self.history
                self.run_store(
                    lambda: history.run(store, change, actor),
                    lambda _: self.load(),
                )

        self.app.push_screen(
            ChoiceDialog(
                _("Consent of {name}").format(name=person.name),
                consent_choices(),
                person.consent.value,
            ),
            chosen,
        )

    def action_undo(self) -> None:
        self._step(undo=True)

    def action_redo(self) -> None:
        self._step(undo=False)

    def _step(self, *, undo: bool) -> None:
        store, actor, history = self.store, self.hub_app.user_name, self.history
        step, word = (steps.undo, _("Undone")) if undo else (steps.redo, _("Redone"))

        def stepped(command: Command | None) -> None:
            self.load()
            if command is None:
                nothing = _("Nothing to undo.") if undo else _("Nothing to redo.")
                self.notify(nothing, markup=False, timeout=2)
            else:
                self.notify(f"{word}: {command.label}", markup=False, timeout=2)

        self.run_store(lambda: step(history, store, actor), stepped)

    def action_language(self) -> None:
        person = self.selected()
        if person is None:
            return

        def chosen(code: str | None) -> None:
            if code and code.strip():
                self.run_store(
                    lambda: self.store.participants.save(
                        person.name, language=code.strip(), actor=self.hub_app.user_name
                    ),
                    lambda _: self.load(),
                )

        def check(value: str) -> str | None:
            try:
                language_code(value) if value.strip() else None
            except ValueError as problem:
                return str(problem)
            return None

        self.app.push_screen(
            TextDialog(
                _("Language of {name}").format(name=person.name),
                person.language or "",
                _("e.g. en, fr, ar"),
                check,
            ),
            chosen,
        )

    def action_rename(self) -> None:
        person = self.selected()
        if person is None:
            return
        actor = self.hub_app.user_name

        def renamed(name: str | None) -> None:
            if name and name.strip() and name.strip() != person.name:
                change = Rename(person.id, person.name, name.strip())
                store, history = self.store, self.history
                self.run_store(
                    lambda: history.run(store, change, actor),
                    self.saying(
                        _("Renamed {old} to {new}.").format(old=person.name, new=name.strip()),
                        self.load,
                    ),
                )

        self.app.push_screen(
            TextDialog(
                _("Rename {name}").format(name=person.name),
                person.name,
                _(
                    "Their contributions follow the new name. A name already on the roster: "
                    "merge instead (m)."
                ),
            ),
            renamed,
        )

    def action_merge(self) -> None:
        from hubworkshop.domain.consent import merge_needs_asking, strictest
        from hubworkshop.tui.dialogs.common import ParticipantPicker

        person = self.selected()
        if person is None:
            return
        actor = self.hub_app.user_name
        others = [p.name for p in self.everyone if p.id != person.id]

        def merge(target: str, consent: str | None) -> None:
            store, history = self.store, self.history
            self.run_store(
                lambda: people.merge(
                    store, person.name, target, consent=consent, actor=actor, history=history
                ),
                self.saying(
                    _("{name} merged into {target} · Ctrl+Z undoes it").format(
                        name=person.name, target=target
                    ),
                    self.load,
                ),
            )

        def chosen(target: str | None) -> None:
            if not target:
                return
            other = next((p for p in self.everyone if p.name == target), None)
            if other is None or not merge_needs_asking(person.consent, other.consent):
                merge(target, None)
                return
            # Two consents for one person: ask which the person gave, showing both, the
            # stricter preselected (a merge never lowers consent without asking).
            from hubworkshop.tui.dialogs.common import ChoiceDialog

            labels = dict(consent_choices())
            both = [
                (c.value, f"{labels[c.value]}  ({name})")
                for c, name in ((person.consent, person.name), (other.consent, other.name))
            ]
            self.app.push_screen(
                ChoiceDialog(
                    _("{name} and {target} are one person: which consent did they give?").format(
                        name=person.name, target=target
                    ),
                    both,
                    strictest(person.consent, other.consent).value,
                ),
                lambda consent: merge(target, consent) if consent else None,
            )

        self.app.push_screen(
            ParticipantPicker(_("{name} is the same person as…").format(name=person.name), others),
            chosen,
        )
