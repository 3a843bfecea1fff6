"""Export screen: choose scope, format, language and attribution; preview; write the file.

Exporting only reads the database, so it is safe in the middle of a session. In a browser
session of `serve` there is no file field: the export is delivered to that browser as a
download (Textual's `deliver_text`), never written to a path on the server.
"""

from __future__ import annotations

import io
import threading
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import (
    Checkbox,
    Input,
    Markdown,
    RadioButton,
    RadioSet,
    Select,
    Static,
    TextArea,
)

from hubworkshop.domain.i18n import N_, _
from hubworkshop.domain.languages import display_name, native_name
from hubworkshop.reports.formats import FORMATS
from hubworkshop.reports.labels import LABELS, labels_fallback
from hubworkshop.reports.scope import ExportRequest
from hubworkshop.tui.screens.base import HubScreen
from hubworkshop.tui.upstream import heading_anchor
from hubworkshop.tui.widgets.glyphs import AppHeader
from hubworkshop.tui.widgets.inputs import OrderedInput
from hubworkshop.tui.widgets.key_footer import KeyFooter
from hubworkshop.tui.widgets.text import plain

PREVIEW_LIMIT = 60_000


class ExportScreen(HubScreen):
    """Summaries for the drafting committee, and the data behind them."""

    DEFAULT_CSS = """
    ExportScreen #export-options { width: 44; padding: 0 1; height: 1fr; }
    ExportScreen #export-options .label { color: $text-muted; margin-top: 1; }
    ExportScreen RadioSet { width: 100%; }
    ExportScreen #preview-box { width: 1fr; border-left: solid $primary; }
    ExportScreen #preview-text { height: 1fr; }
    ExportScreen #preview-scroll { height: 1fr; }
    ExportScreen #export-result { margin-top: 1; }
    ExportScreen #export-result.-error { color: $error; }
    """
    BINDINGS = [
        Binding("ctrl+s", "write", N_("Write file"), priority=True),
        Binding("ctrl+s", "download", N_("Download"), priority=True),
        Binding("escape", "app.pop_screen", N_("Back")),
    ]

    def __init__(self, room: str | None = None) -> None:
        super().__init__()
        self.initial_room = room
        self._preview_lock = threading.Lock()

    @staticmethod
    def language_choice(lang: str) -> str:
        """A summary language as offered: what it can deliver, and how. Without a catalog,
        the headings are in the fallback language and the questions in this one."""
        fallback = labels_fallback(lang)
        if fallback is None:
            return native_name(lang)
        return _("{language} (questions; headings in {fallback})").format(
            language=native_name(lang), fallback=display_name(fallback)
        )

    def compose(self) -> ComposeResult:
        store = self.hub_app.store
        languages = store.catalog.workshop().languages
        scopes: list[tuple[str, str]] = [(_("Whole workshop"), "all:")]
        scopes += [
            (_("Room: {name}").format(name=room.name), f"room:{room.id}")
            for room in store.catalog.rooms().values()
        ]
        scopes += [
            (
                _("Theme: {name}").format(name=theme.title.get_text(languages[0])),
                f"theme:{theme.id}",
            )
            for theme in store.catalog.themes()
        ]
        yield AppHeader()
        with Horizontal():
            with VerticalScroll(id="export-options"):
                yield Static(_("Scope"), classes="label")
                yield Select(
                    scopes,
                    value=f"room:{self.initial_room}" if self.initial_room else "all:",
                    allow_blank=False,
                    id="scope",
                )
                yield Static(_("Format"), classes="label")
                with RadioSet(id="format"):
                    for i, export_format in enumerate(FORMATS.values()):
                        yield RadioButton(
                            _(export_format.description),
                            value=i == 0,
                            id=f"format-{export_format.name}",
                        )
                yield Static(_("Language of headings and questions"), classes="label")
                with RadioSet(id="lang"):
                    for i, lang in enumerate(languages):
                        yield RadioButton(
                            self.language_choice(lang), value=i == 0, id=f"lang-{lang}"
                        )
                yield Checkbox(_("Name those who agreed"), id="attribute")
                if self.hub_app.served:
                    yield Static(
                        _("Ctrl+S downloads the file in your browser · Esc goes back"),
                        classes="label",
                    )
                else:
                    yield Static(_("File"), classes="label")
                    yield OrderedInput(id="path")
                    yield Static(_("Ctrl+S writes the file · Esc goes back"), classes="label")
                yield Static("", id="export-result")
            with Vertical(id="preview-box"):
                with VerticalScroll(id="preview-scroll"):
                    yield Markdown(id="preview-markdown")
                yield TextArea(id="preview-text", read_only=True, soft_wrap=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.title = _("Export")
        if not self.hub_app.served:
            self.query_one("#path", Input).cursor_blink = self.hub_app.cursor_blinks
            self.query_one("#path", Input).value = self.default_path()
        self.query_one("#scope", Select).focus()
        self.refresh_preview()

    # -- choices ---------------------------------------------------------------------------

    def choices(self) -> tuple[str, ExportRequest]:
        """The format, and what the export is asked for, as the screen shows them now."""
        scope = str(self.query_one("#scope", Select).value)
        what, _sep, value = scope.partition(":")
        fmt_button = self.query_one("#format", RadioSet).pressed_button
        lang_button = self.query_one("#lang", RadioSet).pressed_button
        default_lang = self.hub_app.store.catalog.workshop().default_language
        fmt = (fmt_button.id or "").removeprefix("format-") if fmt_button else "markdown"
        return fmt, ExportRequest(
            room=value if what == "room" else None,
            theme=value if what == "theme" else None,
            lang=(lang_button.id or "").removeprefix("lang-") if lang_button else default_lang,
            attribute=self.query_one("#attribute", Checkbox).value,
        )

    def default_path(self) -> str:
        fmt, c = self.choices()
        scope = (c.room and f"room-{c.room}") or (c.theme and f"theme-{c.theme}") or "all"
        name = f"{self.hub_app.store.catalog.workshop().id}-{scope}-{c.lang}"
        if c.attribute:
            name += "-attributed"
        return f"{name}.{FORMATS[fmt].extension}"

    @on(Select.Changed)
    @on(RadioSet.Changed)
    @on(Checkbox.Changed)
    def choice_changed(self) -> None:
        """The file name follows the choices; a folder typed before it is kept."""
        if self.hub_app.served:
            self.refresh_preview()
            return
        path = self.query_one("#path", Input)
        folder = Path(path.value).parent if path.value else Path()
        path.value = str(folder / self.default_path())
        self.refresh_preview()

    # -- preview and writing ---------------------------------------------------------------

    def refresh_preview(self) -> None:
        fmt, request = self.choices()
        store = self.hub_app.store
        self.run_store(
            lambda: (fmt, FORMATS[fmt].render(store.snapshot(), request)),
            lambda shown: self.show_preview(*shown),
            failed=lambda message: self.show_result(message, True),
            serial=self._preview_lock,
            group="export-preview",
        )

    def show_preview(self, fmt: str, text: str) -> None:
        shortened = len(text) > PREVIEW_LIMIT
        if shortened:
            text = (
                text[:PREVIEW_LIMIT]
                + "\n\n… "
                + _("(preview shortened; the file has everything)")
                + "\n"
            )
        area = self.query_one("#preview-text", TextArea)
        self.query_one("#preview-scroll").display = fmt == "markdown"
        area.display = fmt != "markdown"
        if fmt == "markdown":
            self.call_later(self._show_markdown, text)
        else:
            area.load_text(text)
            # Opens on the Outcomes, which the lead facilitator reads out in plenary.
            marks = ('id="outcomes"', f"== {self.outcomes} ==", f"## {self.outcomes}")
            line = next(
                (i for i, said in enumerate(text.splitlines()) if any(m in said for m in marks)),
                None,
            )
            if line is not None:
                area.move_cursor((line, 0))
                self.call_after_refresh(area.scroll_to, y=line, animate=False)

    @property
    def outcomes(self) -> str:
        """The Outcomes heading in the language the summary is asked in."""
        return LABELS[self.choices()[1].lang]["outcomes"]

    async def _show_markdown(self, text: str) -> None:
        markdown = self.query_one("#preview-markdown", Markdown)
        await markdown.update(text)
        self.call_after_refresh(markdown.goto_anchor, heading_anchor(self.outcomes))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """A browser session downloads; a terminal writes a file."""
        if action in ("write", "download"):
            return (action == "download") == self.hub_app.served
        return True

    def action_download(self) -> None:
        """Send the export to this browser as a download (textual-serve's single-use link);
        nothing is written on the server."""
        if not self.hub_app.served:
            return
        fmt, request = self.choices()
        store = self.hub_app.store
        name = self.default_path()

        def delivered(text: str) -> None:
            self.app.deliver_text(
                io.StringIO(text),
                save_filename=name,
                mime_type=FORMATS[fmt].mime_type,
                encoding="utf-8",
            )
            self.show_result(
                _("Sent {name} to your browser's downloads ({size:,} bytes)").format(
                    name=name, size=len(text.encode())
                ),
                False,
            )

        self.run_store(
            lambda: FORMATS[fmt].render(store.snapshot(), request),
            delivered,
            failed=lambda message: self.show_result(message, True),
            group="export-write",
        )

    def action_write(self) -> None:
        """Write the file; a file already there is replaced only if the person says so.
        Never in a browser session: it has no file field, and the server's files are not a
        visitor's (`action_download`)."""
        if self.hub_app.served:
            return
        from hubworkshop.reports.output import OutputError, OutputExists, check_output

        path = Path(self.query_one("#path", Input).value.strip() or self.default_path())
        database = self.hub_app.store.path
        try:
            check_output(path, database=database, force=False)
        except OutputExists:
            from hubworkshop.tui.dialogs.common import ConfirmDialog

            def answered(replace: bool | None) -> None:
                if replace:
                    self.write_file(path, force=True)

            self.app.push_screen(
                ConfirmDialog(_("{path} exists. Replace it?").format(path=path)), answered
            )
            return
        except OutputError as error:
            self.show_result(str(error), True)
            return
        self.write_file(path, force=False)

    def write_file(self, path: Path, *, force: bool) -> None:
        from hubworkshop.reports.output import write_output

        fmt, request = self.choices()
        store = self.hub_app.store
        private = not FORMATS[fmt].publishable(request.attribute)

        def write() -> str:
            text = FORMATS[fmt].render(store.snapshot(), request)
            size = write_output(path, text, database=store.path, force=force, private=private)
            if private:
                return _("Wrote {path} ({size:,} bytes, readable by you only)").format(
                    path=path.resolve(), size=size
                )
            return _("Wrote {path} ({size:,} bytes)").format(path=path.resolve(), size=size)

        self.run_store(
            write,
            lambda message: self.show_result(message, False),
            failed=lambda message: self.show_result(message, True),
            group="export-write",
        )

    def show_result(self, message: str, error: bool) -> None:
        result = self.query_one("#export-result", Static)
        result.update(plain(message))
        result.set_class(error, "-error")
        self.notify(message, severity="error" if error else "information", markup=False)
