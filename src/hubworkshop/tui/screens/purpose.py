"""The room's purpose statement: drafts and revisions, each kept with its time."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Static, TextArea

from hubworkshop.domain.i18n import N_, _
from hubworkshop.domain.records import PurposeStatement
from hubworkshop.tui.screens.base import HubScreen
from hubworkshop.tui.widgets.glyphs import AppHeader
from hubworkshop.tui.widgets.key_footer import KeyFooter
from hubworkshop.tui.widgets.text import plain


class PurposeScreen(HubScreen):
    """Draft and revise the room's purpose statement; every revision is kept with its time."""

    DEFAULT_CSS = """
    PurposeScreen #purpose { height: 1fr; }
    PurposeScreen TextArea { height: 1fr; width: 2fr; }
    PurposeScreen #revisions { width: 1fr; padding: 0 1; border-left: solid $primary; }
    """
    BINDINGS = [
        Binding("ctrl+s", "save(False)", N_("Save revision"), priority=True),
        Binding("ctrl+f", "save(True)", N_("Save as final"), priority=True),
        Binding("escape", "app.pop_screen", N_("Back")),
    ]

    def __init__(self, room_id: str) -> None:
        super().__init__()
        self.room_id = room_id

    def compose(self) -> ComposeResult:
        yield AppHeader()
        with Horizontal(id="purpose"):
            yield TextArea(id="statement", soft_wrap=True)
            yield VerticalScroll(Static("", id="revision-list"), id="revisions")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.title = _("Purpose statement — {room}").format(
            room=self.store.catalog.room(self.room_id).name
        )
        self.query_one(TextArea).focus()
        self.load(fill=True)

    def load(self, fill: bool = False) -> None:
        self.run_store(
            lambda: self.store.purposes.all(self.room_id),
            lambda revisions: self.show(revisions, fill),
        )

    def sync(self) -> None:
        self.load()

    @on(TextArea.Changed)
    def keep_draft(self, event: TextArea.Changed) -> None:
        """The statement as typed is kept, to be offered back after a crash."""
        self.hub_app.drafts().keep(f"{self.room_id}/purpose", event.text_area.text)

    def show(self, revisions: list[PurposeStatement], fill: bool) -> None:
        if fill:
            kept = self.hub_app.drafts().get(f"{self.room_id}/purpose")
            latest = revisions[-1].text if revisions else ""
            if isinstance(kept, str) and kept.strip() and kept != latest:
                self.query_one(TextArea).load_text(kept)
                self.notify(
                    _("Your unsaved statement is back; Ctrl+S saves it as a revision."),
                    timeout=5,
                    markup=False,
                )
            elif revisions:
                self.query_one(TextArea).load_text(latest)
        lines = [
            f"{'★ ' + _('final') if r.final else _('draft')} · {r.created_at[11:16]} UTC"
            f"{' · ' + r.author if r.author else ''}\n{r.text}\n"
            for r in reversed(revisions)
        ]
        self.query_one("#revision-list", Static).update(
            plain("\n".join(lines) or _("No revision yet: write, then Ctrl+S."))
        )

    def action_save(self, final: bool) -> None:
        text = self.query_one(TextArea).text
        if not text.strip():
            self.notify(_("Write the statement first."), markup=False, severity="warning")
            return
        author = self.hub_app.user_name
        self.run_store(
            lambda: self.store.purposes.add(self.room_id, text, author=author, final=final),
            self.saying(_("Final version saved.") if final else _("Revision saved."), self.load),
        )
