"""Modal dialogs: edit, tag, multi-line paste, filter, and the help screen."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Markdown, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from hubworkshop.domain.model import Kind
from hubworkshop.tui.widgets.basic import plain

DIALOG_CSS = """
{name} {{ align: center middle; background: $background 60%; }}
{name} > Vertical {{
    width: 80%; max-width: 110; height: auto; max-height: 90%;
    border: thick $primary; background: $surface; padding: 1 2;
}}
{name} .hint {{ color: $text-muted; margin-top: 1; }}
{name} TextArea {{ height: 12; }}
"""


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
        self.dismiss(editor.text if isinstance(editor, TextArea) else editor.value)

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


HELP = """\
# hubworkshop — keys

Everything is reachable from the keyboard; **Ctrl+P** opens the command palette with every action.

## Anywhere in a room

| Key | Action |
| --- | --- |
| F1 | this help (also `?` when not typing) |
| F2 | question language: English · French · both |
| F3 | presenter view (for screen sharing) |
| F4 | export: summaries (Markdown, wikitext) and data, with preview |
| F5 | start / pause the timer (facilitator) |
| F6 / F7 | add 1 / 5 minutes to the timer (facilitator) |
| F8 / F9 | next / previous question (facilitator) |
| Tab | move between the capture bar and the list |
| Ctrl+T | dark / light theme |
| Ctrl+Q | quit (everything is already saved) |

## Capture bar

| Type | Means |
| --- | --- |
| Enter | save (committed to the database before it shows in the list) |
| `?` `!` `+` `=` `~` `>` first | question, concern, proposal, agreement, disagreement, action |
| `@Name` | who said it (Tab/→ completes a known name; a new name is added as anonymous) |
| `#tag` | tag it |
| `\\` first | keep a leading `?` `!` … as text |
| Up (empty bar) | recall your last entry to correct it |
| Esc | to the list |

## Contribution list

| Key | Action |
| --- | --- |
| ↑ ↓ PgUp PgDn Home End | move |
| e | edit (same syntax as the capture bar) |
| d | delete · u undo your last change |
| 1–7 | kind: idea, question, concern, proposal, agreement, disagreement, action |
| t | tags · s star as a key point |
| / | search · f filter by kind or tag · Esc clears |
| Enter or i | back to the capture bar |
| v · V | a dot for this point · open or close the vote (facilitator) |
| m then m · M | merge into another point · split |
| c · p · o | cluster · park · action owner and due date |
| W · R · P | wrap-up takeaways · task ranking · purpose statement |
| B · N | report-back (facilitator) · participants |
| F10 | dashboard: every room at a glance |
"""


class HelpScreen(ModalScreen[None]):
    """The keys, as a facilitator or note-taker needs them."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; background: $background 60%; }
    HelpScreen > VerticalScroll {
        width: 90%; max-width: 100; height: 90%; border: thick $primary; background: $surface;
    }
    """
    BINDINGS = [
        Binding("escape,f1,q,question_mark", "dismiss", "Close"),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Markdown(HELP)
