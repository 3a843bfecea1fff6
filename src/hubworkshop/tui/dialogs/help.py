"""The help screen: keys and the quick-capture syntax."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

from hubworkshop.domain.i18n import N_, _

HELP_TITLE = N_("hubworkshop — keys")
HELP_INTRO = N_(
    "Everything is reachable from the keyboard; **Ctrl+P** opens the command palette with "
    "every action."
)
SECTIONS: list[tuple[str, tuple[str, str], list[tuple[str, str]]]] = [
    (
        N_("Anywhere in a room"),
        (N_("Key"), N_("Action")),
        [
            ("F1", N_("this help (outside a room, also `?`)")),
            ("F2", N_("question language: the room's, each other, two side by side")),
            ("F3", N_("presenter view (for screen sharing)")),
            ("F4", N_("export: summaries (Markdown, wikitext) and data, with preview")),
            ("F5", N_("start / pause the timer (facilitator)")),
            ("F6 / F7", N_("add 1 / 5 minutes to the timer (facilitator)")),
            ("F8 / F9", N_("next / previous question (facilitator)")),
            ("Tab", N_("move between the capture bar and the list")),
            ("Ctrl+T", N_("dark / light theme (in a browser, from the palette: Ctrl+P)")),
            ("Ctrl+P", N_("command palette: every action")),
            ("Ctrl+Q", N_("quit (everything is already saved)")),
        ],
    ),
    (
        N_("Capture bar"),
        (N_("Type"), N_("Means")),
        [
            ("Enter", N_("save (committed to the database before it shows in the list)")),
            (
                "`?` `!` `+` `=` `~` `>` first",
                N_("question, concern, proposal, agreement, disagreement, action"),
            ),
            (
                "`@Name`",
                N_("who said it (Tab/→ completes a known name; a new name is added as anonymous)"),
            ),
            ("`#tag`", N_("tag it")),
            ("`\\` first", N_("keep a leading `?` `!` … as text")),
            ("Up (empty bar)", N_("your last entry, in the edit form")),
            ("Esc", N_("to the list")),
        ],
    ),
    (
        N_("Contribution list"),
        (N_("Key"), N_("Action")),
        [
            ("↑ ↓ PgUp PgDn Home End", N_("move")),
            (
                N_("any character"),
                N_("goes to the capture bar: in a room, typing always writes, never a command"),
            ),
            ("Enter", N_("the point's actions and the room's, each with its letter")),
            ("Delete", N_("delete (it says what it deleted)")),
            ("Ctrl+Z · Ctrl+Y", N_("undo your last change · redo it")),
            ("Ctrl+F", N_("search · Esc clears the search and filters")),
            ("F10", N_("dashboard: every room at a glance")),
        ],
    ),
    (
        N_("Actions menu (Enter on a point)"),
        (N_("Key"), N_("Action")),
        [
            ("e", N_("edit: text, kind, speaker and tags, each a field")),
            ("1–7", N_("kind: idea, question, concern, proposal, agreement, disagreement, action")),
            ("t · s", N_("tags · star as a key point")),
            ("v · V", N_("a dot for this point · open or close the vote (facilitator)")),
            ("m · M", N_("merge into another point (then Enter on it) · split")),
            ("c · p · o · d", N_("cluster · park · action owner and due date · delete")),
            ("/ · f · u · U", N_("search · filter by kind or tag · undo · redo")),
            ("W · R · P", N_("wrap-up takeaways · task ranking · purpose statement")),
            ("B · N", N_("report-back (facilitator) · participants")),
        ],
    ),
]


def help_markdown() -> str:
    """The help as Markdown, in the interface language (key names stay as keyboards say)."""
    parts = [f"# {_(HELP_TITLE)}", "", _(HELP_INTRO)]
    for title, (key, action), rows in SECTIONS:
        parts += ["", f"## {_(title)}", "", f"| {_(key)} | {_(action)} |", "| --- | --- |"]
        parts += [f"| {keys} | {_(what)} |" for keys, what in rows]
    return "\n".join(parts) + "\n"


class HelpScreen(ModalScreen[None]):
    """The keys, as a facilitator or note-taker needs them."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; background: $background 60%; }
    HelpScreen > VerticalScroll {
        width: 90%; max-width: 100; height: 90%; border: thick $primary; background: $surface;
    }
    """
    BINDINGS = [
        Binding("escape,f1,q,question_mark", "dismiss", N_("Close")),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Markdown(help_markdown())
