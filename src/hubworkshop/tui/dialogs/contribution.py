"""Dialogs about contributions: edit, tags, a multi-line paste, the list filter, and the
wrap-up takeaways.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from hubworkshop.domain.model import Contribution, Kind
from hubworkshop.domain.text import one_line
from hubworkshop.tui.dialogs.common import DIALOG_CSS
from hubworkshop.tui.widgets.text import plain


class TakeawaysDialog(ModalScreen[list[str] | None]):
    """Wrap-up: choose the room's key takeaways among its starred points, and their order."""

    DEFAULT_CSS = DIALOG_CSS.format(name="TakeawaysDialog")
    BINDINGS = [
        Binding("space", "toggle_item", "In / out"),
        Binding("shift+up", "move(-1)", "Move up"),
        Binding("shift+down", "move(1)", "Move down"),
        Binding("ctrl+s", "save", "Save"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, candidates: list[Contribution], chosen: list[str]) -> None:
        super().__init__()
        ordered = [c for i in chosen for c in candidates if c.id == i]
        self.items = ordered + [c for c in candidates if c.id not in chosen]
        self.chosen = set(chosen)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Key takeaways (starred points)", classes="title")
            yield OptionList(id="takeaways")
            yield Static(
                "Space: in or out · Shift+↑/↓: order · Ctrl+S: save · Esc: cancel", classes="hint"
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


class EditDialog(ModalScreen[str | None]):
    """Correct a contribution, in the capture bar's own syntax (kind, @name and #tags too).

    A contribution whose text has several lines is edited in a multi-line editor (text only).
    """

    DEFAULT_CSS = DIALOG_CSS.format(name="EditDialog")
    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "save", "Save"),
    ]

    def __init__(self, value: str, *, multiline: bool) -> None:
        super().__init__()
        self.value = value
        self.multiline = multiline

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Edit contribution", classes="title")
            if self.multiline:
                yield TextArea(self.value, id="edit-text", soft_wrap=True)
                yield Static("Ctrl+S saves · Esc cancels", classes="hint")
            else:
                yield Input(self.value, id="edit-text", select_on_focus=False)
                yield Static(
                    "Enter saves · Esc cancels · same syntax as the capture bar: "
                    "? ! + = ~ > kind, @name, #tag",
                    classes="hint",
                )

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value)

    def action_save(self) -> None:
        editor = self.query_one("#edit-text")
        if isinstance(editor, TextArea):
            self.dismiss(editor.text)
        elif isinstance(editor, Input):
            self.dismiss(editor.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class TagDialog(ModalScreen[list[str] | None]):
    """Set a contribution's tags: words separated by spaces, with or without '#'."""

    DEFAULT_CSS = DIALOG_CSS.format(name="TagDialog")
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, tags: tuple[str, ...], known: list[str]) -> None:
        super().__init__()
        self.tags = tags
        self.known = known

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Tags", classes="title")
            yield Input(" ".join(f"#{t}" for t in self.tags), id="tags", select_on_focus=False)
            known = " ".join(f"#{t}" for t in self.known[:30])
            yield Static(plain(f"In this room: {known}" if known else ""), classes="hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss([t.lstrip("#") for t in event.value.split() if t.lstrip("#")])

    def action_cancel(self) -> None:
        self.dismiss(None)


class PasteDialog(ModalScreen[str | None]):
    """Several lines were pasted: one contribution per line, all as one, or cancel."""

    DEFAULT_CSS = DIALOG_CSS.format(name="PasteDialog")
    BINDINGS = [
        Binding("enter", "choose('lines')", "One per line"),
        Binding("j", "choose('join')", "Join into one"),
        Binding("escape", "choose(None)", "Cancel"),
    ]

    def __init__(self, text: str) -> None:
        super().__init__()
        self.lines = [line for line in text.splitlines() if line.strip()]

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(f"You pasted {len(self.lines)} lines.", classes="title")
            preview = "\n".join(f"• {line[:200]}" for line in self.lines[:8])
            if len(self.lines) > 8:
                preview += f"\n… and {len(self.lines) - 8} more"
            with VerticalScroll():
                yield Static(plain(preview))
            yield Static(
                f"Enter: store {len(self.lines)} contributions, one per line · "
                "j: join them into one · Esc: cancel",
                classes="hint",
            )

    def action_choose(self, choice: str | None) -> None:
        self.dismiss(choice)


class FilterDialog(ModalScreen[tuple[str, str | None] | None]):
    """Show only one kind, or one tag; or everything again."""

    DEFAULT_CSS = DIALOG_CSS.format(name="FilterDialog")
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, tags: list[str]) -> None:
        super().__init__()
        self.tags = tags

    def compose(self) -> ComposeResult:
        options = [Option("Everything (clear filters)", id="all:")]
        options += [Option(f"Kind: {k.value}", id=f"kind:{k.value}") for k in Kind]
        options += [Option(plain(f"Tag: #{t}"), id=f"tag:{t}") for t in self.tags]
        with Vertical():
            yield Static("Filter the list", classes="title")
            yield OptionList(*options, id="filters")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        what, _, value = (event.option.id or "all:").partition(":")
        self.dismiss((what, value or None))

    def action_cancel(self) -> None:
        self.dismiss(None)
