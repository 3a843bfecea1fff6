"""Dialogs about contributions: edit, tags, a multi-line paste, the list filter, and the
wrap-up takeaways.
"""

from __future__ import annotations

from typing import NamedTuple

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Select, Static, TextArea
from textual.widgets.option_list import Option

from hubworkshop.domain.i18n import N_, _, kind_label
from hubworkshop.domain.model import Contribution, Kind
from hubworkshop.domain.text import one_line
from hubworkshop.tui.dialogs.common import DIALOG_CSS
from hubworkshop.tui.drafts import Drafts
from hubworkshop.tui.widgets.capture_bar import CompletingInput, WordSuggester
from hubworkshop.tui.widgets.inputs import OrderedInput
from hubworkshop.tui.widgets.text import plain
from hubworkshop.workshop.history import Edit


class TakeawaysDialog(ModalScreen[list[str] | None]):
    """Wrap-up: choose the room's key takeaways among its starred points, and their order."""

    DEFAULT_CSS = DIALOG_CSS.format(name="TakeawaysDialog")
    BINDINGS = [
        Binding("space", "toggle_item", N_("In / out")),
        Binding("shift+up", "move(-1)", N_("Move up")),
        Binding("shift+down", "move(1)", N_("Move down")),
        Binding("ctrl+s", "save", N_("Save")),
        Binding("escape", "cancel", N_("Cancel")),
    ]

    def __init__(self, candidates: list[Contribution], chosen: list[str]) -> None:
        super().__init__()
        ordered = [c for i in chosen for c in candidates if c.id == i]
        self.items = ordered + [c for c in candidates if c.id not in chosen]
        self.chosen = set(chosen)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(_("Key takeaways (starred points)"), classes="title")
            yield OptionList(id="takeaways")
            yield Static(
                _("Space: in or out · Shift+↑/↓: order · Ctrl+S: save · Esc: cancel"),
                classes="hint",
            )

    def on_mount(self) -> None:
        self.redraw(0)
        self.query_one(OptionList).focus()

    def redraw(self, highlight: int) -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        for c in self.items:
            mark = "☑" if c.id in self.chosen else "☐"
            options.add_option(Option(plain(f"{mark} {one_line(c.text, 90)}"), id=c.id))
        if self.items:
            options.highlighted = min(highlight, len(self.items) - 1)

    def action_toggle_item(self) -> None:
        index = self.query_one(OptionList).highlighted
        if index is None:
            return
        item = self.items[index].id
        self.chosen.symmetric_difference_update({item})
        self.redraw(index)

    def action_move(self, step: int) -> None:
        index = self.query_one(OptionList).highlighted
        if index is None or not 0 <= index + step < len(self.items):
            return
        self.items[index], self.items[index + step] = self.items[index + step], self.items[index]
        self.redraw(index + step)

    def action_save(self) -> None:
        self.dismiss([c.id for c in self.items if c.id in self.chosen])

    def action_cancel(self) -> None:
        self.dismiss(None)


class EditedFields(NamedTuple):
    """What the edit form holds when saved."""

    text: str
    kind: Kind
    author: str | None
    tags: tuple[str, ...]


class EditDialog(ModalScreen[EditedFields | None]):
    """Correct a contribution, field by field: its words, kind, speaker and tags.

    Nothing is parsed: the text is kept as written, `@` and `#` included, and a field the
    note-taker did not touch comes back exactly as it was, so saving unchanged changes
    nothing. A text of several lines is edited in a multi-line editor.
    """

    DEFAULT_CSS = (
        DIALOG_CSS.format(name="EditDialog")
        + """
    EditDialog .field { color: $text-muted; }
    EditDialog Select { width: 100%; }
    EditDialog.-short > Vertical { padding: 0 2; max-height: 100%; }
    EditDialog.-short .hint { margin-top: 0; }
    EditDialog.-short TextArea { height: 5; }
    """
    )
    # Below 30 rows (80 x 24), the form drops its padding and the hint's blank line, so every
    # field and the hint (how to save) stay on screen.
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]
    BINDINGS = [
        Binding("escape", "cancel", N_("Cancel")),
        Binding("ctrl+s", "save", N_("Save")),
    ]

    def __init__(self, contribution: Contribution, drafts: Drafts | None = None) -> None:
        super().__init__()
        self.contribution = contribution
        self.drafts = drafts
        self.slot = f"edit/{contribution.id}"
        kept = drafts.get(self.slot) if drafts is not None else None
        self.restored = (
            Form(*kept)
            if isinstance(kept, list) and len(kept) == 4 and all(isinstance(x, str) for x in kept)
            else None
        )

    def compose(self) -> ComposeResult:
        c = self.contribution
        form = self.restored or form_of(c)
        with Vertical():
            title = _("Edit contribution {id}").format(id=c.short_id)
            if self.restored is not None:
                title += " — " + _("your unsaved edit from before the restart")
            yield Static(plain(title), classes="title")
            yield Static(_("Text"), classes="field")
            if "\n" in c.text:
                yield TextArea(form.text, id="edit-text", soft_wrap=True)
            else:
                yield OrderedInput(form.text, id="edit-text", select_on_focus=False)
            yield Static(_("Kind"), classes="field")
            yield Select(
                [(kind_label(kind.value), kind.value) for kind in Kind],
                value=form.kind,
                allow_blank=False,
                id="edit-kind",
            )
            yield Static(_("Said by (empty: nobody named)"), classes="field")
            yield OrderedInput(form.author, id="edit-author", select_on_focus=False)
            yield Static(_("Tags (words; # is optional)"), classes="field")
            yield OrderedInput(form.tags, id="edit-tags", select_on_focus=False)
            yield Static(_("Tab: next field · Enter or Ctrl+S saves · Esc cancels"), classes="hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def on_mount(self) -> None:
        self.query_one("#edit-text").focus()

    def form(self) -> Form:
        editor = self.query_one("#edit-text")
        text = (
            editor.text
            if isinstance(editor, TextArea)
            else self.query_one("#edit-text", Input).value
        )
        return Form(
            text,
            str(self.query_one("#edit-kind", Select).value),
            self.query_one("#edit-author", Input).value,
            self.query_one("#edit-tags", Input).value,
        )

    def fields(self) -> EditedFields:
        return read_form(self.form())

    @on(Input.Changed)
    @on(TextArea.Changed)
    @on(Select.Changed)
    def keep_draft(self) -> None:
        """The form as typed, kept until it is saved or cancelled (a crash keeps it)."""
        if self.drafts is not None and self.is_mounted:
            form = self.form()
            unchanged = form == form_of(self.contribution)
            self.drafts.keep(self.slot, None if unchanged else list(form))

    def action_save(self) -> None:
        fields = self.fields()
        if self.drafts is not None:
            self.drafts.forget(self.slot)
        self.dismiss(fields)

    def action_cancel(self) -> None:
        if self.drafts is not None:
            self.drafts.forget(self.slot)
        self.dismiss(None)


class Form(NamedTuple):
    """The edit form's fields, as the person sees and types them."""

    text: str
    kind: str
    author: str
    tags: str


def form_of(c: Contribution) -> Form:
    """What the form shows for a contribution: its text exactly, never re-parsed."""
    return Form(c.text, c.kind.value, c.author or "", " ".join(f"#{t}" for t in c.tags))


def read_form(form: Form) -> EditedFields:
    """The fields a saved form holds; `read_form(form_of(c))` gives `c`'s own."""
    author = " ".join(form.author.split()) or None
    tags = (word.lstrip("#") for word in form.tags.split())
    return EditedFields(
        form.text, Kind(form.kind), author, tuple(t for t in dict.fromkeys(tags) if t)
    )


def edit_of(before: Contribution, edited: EditedFields) -> Edit | None:
    """The change a saved form makes: only the fields that differ, or None for none."""
    text = edited.text if edited.text != before.text and edited.text.strip() else None
    kind = edited.kind if edited.kind is not before.kind else None
    author = (edited.author or "") if edited.author != before.author else None
    tags = edited.tags if tuple(sorted(edited.tags)) != before.tags else None
    if text is None and kind is None and author is None and tags is None:
        return None
    return Edit(before, text=text, kind=kind, author=author, tags=tags)


class TagDialog(ModalScreen[list[str] | None]):
    """Set a contribution's tags: words separated by spaces, with or without '#'."""

    DEFAULT_CSS = DIALOG_CSS.format(name="TagDialog")
    BINDINGS = [Binding("escape", "cancel", N_("Cancel"))]

    def __init__(self, tags: tuple[str, ...], here: list[str], elsewhere: list[str]) -> None:
        super().__init__()
        self.tags = tags
        self.here = here
        self.elsewhere = [t for t in elsewhere if t not in here]

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(_("Tags"), classes="title")
            yield CompletingInput(
                " ".join(f"#{t}" for t in self.tags),
                id="tags",
                select_on_focus=False,
                suggester=WordSuggester([*self.here, *self.elsewhere], last_word=True),
            )
            lines = []
            if self.here:
                lines.append(_("In this room:") + " " + " ".join(f"#{t}" for t in self.here[:30]))
            if self.elsewhere:
                lines.append(
                    _("Other rooms:") + " " + " ".join(f"#{t}" for t in self.elsewhere[:30])
                )
            lines.append(_("→ or End accepts a completion · Enter saves · Esc cancels"))
            yield Static(plain("\n".join(lines)), classes="hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss([t.lstrip("#") for t in event.value.split() if t.lstrip("#")])

    def action_cancel(self) -> None:
        self.dismiss(None)


class PasteDialog(ModalScreen[str | None]):
    """Several lines were pasted: one contribution per line, all as one, or cancel."""

    DEFAULT_CSS = DIALOG_CSS.format(name="PasteDialog")
    BINDINGS = [
        Binding("enter", "choose('lines')", N_("One per line")),
        Binding("j", "choose('join')", N_("Join into one")),
        Binding("escape", "choose(None)", N_("Cancel")),
    ]

    def __init__(self, text: str, storable: int | None = None) -> None:
        """`storable`: how many of the lines have something to save besides markers (all,
        if not given); "one per line" stores those."""
        super().__init__()
        self.lines = [line for line in text.splitlines() if line.strip()]
        self.storable = len(self.lines) if storable is None else storable

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(
                plain(_("You pasted {n} lines.").format(n=len(self.lines))), classes="title"
            )
            preview = "\n".join(f"• {line[:200]}" for line in self.lines[:8])
            if len(self.lines) > 8:
                preview += "\n… " + _("and {n} more").format(n=len(self.lines) - 8)
            with VerticalScroll():
                yield Static(plain(preview))
            yield Static(
                plain(
                    _(
                        "Enter: store {n} contributions, one per line · "
                        "j: join them into one · Esc: cancel"
                    ).format(n=self.storable)
                ),
                classes="hint",
            )

    def action_choose(self, choice: str | None) -> None:
        self.dismiss(choice)


class FilterDialog(ModalScreen[tuple[str, str | None] | None]):
    """Show only one kind, or one tag; or everything again."""

    DEFAULT_CSS = DIALOG_CSS.format(name="FilterDialog")
    BINDINGS = [Binding("escape", "cancel", N_("Cancel"))]

    def __init__(self, tags: list[str]) -> None:
        super().__init__()
        self.tags = tags

    def compose(self) -> ComposeResult:
        options = [Option(_("Everything (clear filters)"), id="all:")]
        options += [Option(_("This question only (the one open now)"), id="question:")]
        options += [Option(f"Kind: {k.value}", id=f"kind:{k.value}") for k in Kind]
        options += [Option(plain(f"Tag: #{t}"), id=f"tag:{t}") for t in self.tags]
        with Vertical():
            yield Static(_("Filter the list"), classes="title")
            yield OptionList(*options, id="filters")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        what, _sep, value = (event.option.id or "all:").partition(":")
        self.dismiss((what, value or None))

    def action_cancel(self) -> None:
        self.dismiss(None)
