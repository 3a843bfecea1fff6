"""Small widgets of the app's screens."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Digits, Static

from hubworkshop.domain.i18n import _, pgettext
from hubworkshop.domain.model import Phase, Question
from hubworkshop.domain.timer import format_remaining
from hubworkshop.tui.widgets.text import plain

LANGUAGE_MODES = ("first", "second", "both")
"""F2 cycles the question through the workshop's first language, its second, and both."""


def languages_shown(languages: tuple[str, ...], mode: str) -> list[str]:
    """The languages a question is shown in, for a language mode (first, second, both)."""
    if mode == "second" and len(languages) > 1:
        return [languages[1]]
    if mode == "both" and len(languages) > 1:
        return list(languages[:2])
    return [languages[0]]


class CountdownDisplay(Vertical):
    """The phase clock, in big digits: warning colour in the last minute, red past zero."""

    DEFAULT_CSS = """
    CountdownDisplay { width: auto; height: auto; padding: 0 1; }
    CountdownDisplay Digits { width: auto; }
    CountdownDisplay #timer-state { width: auto; color: $text-muted; }
    CountdownDisplay.-warning Digits { color: $warning; }
    CountdownDisplay.-over Digits { color: $error; }
    """

    def compose(self) -> ComposeResult:
        yield Digits("0:00", id="timer-digits")
        yield Static("", id="timer-state")

    def show(self, remaining: float, running: bool, total_seconds: int) -> None:
        shown = (format_remaining(remaining), running, total_seconds)
        if shown == getattr(self, "_shown", None):
            return  # an idle room repaints nothing
        self._shown = shown
        self.query_one(Digits).update(shown[0])
        state = (
            _("▶ running")
            if running
            else (_("⏸ paused") if remaining < total_seconds else _("ready"))
        )
        self.query_one("#timer-state", Static).update(state if total_seconds else _("no timer"))
        self.set_class(0 <= remaining < 60 and total_seconds > 0, "-warning")
        self.set_class(remaining < 0, "-over")


QuestionShown = tuple["Question | None", list[str], "Phase | None", str]
"""What the question panel shows: question, languages, phase, position."""


class QuestionPanel(Vertical):
    """The current question, large and readable, in one language or two side by side."""

    DEFAULT_CSS = """
    QuestionPanel { height: auto; }
    QuestionPanel .phase { color: $text-muted; }
    QuestionPanel Horizontal { height: auto; }
    QuestionPanel .question {
        text-style: bold; padding: 1 2; border: round $primary; width: 1fr; height: auto;
    }
    QuestionPanel .follow-ups { color: $text-muted; padding: 0 2; height: auto; }
    """

    def __init__(self, shown: QuestionShown | None = None) -> None:
        super().__init__()
        self._initial = shown

    def compose(self) -> ComposeResult:
        # Composed with the question already in it, when known: the first frame shows it.
        yield Static("", classes="phase")
        with Horizontal():
            yield Static("", classes="question", id="question-a")
            yield Static("", classes="question", id="question-b")
        yield Static("", classes="follow-ups")

    def on_mount(self) -> None:
        if self._initial is not None:
            self.show(*self._initial)

    def show(
        self,
        question: Question | None,
        languages: list[str],
        phase: Phase | None,
        position: str,
    ) -> None:
        phase_line = ""
        if phase is not None:
            part = f"{phase.part} · " if phase.part else ""
            activity = pgettext("activity", phase.activity.value)
            phase_line = f"{part}{phase.title} ({activity}) · "
        self.query_one(".phase", Static).update(plain(f"{phase_line}{position}"))
        first, second = self.query_one("#question-a", Static), self.query_one("#question-b", Static)
        if question is None:
            first.update(plain(_("No question is open.")))
            second.display = False
            return
        first.update(plain(question.text.get_text(languages[0])))
        first.border_title = languages[0].upper()
        second.display = len(languages) > 1
        if len(languages) > 1:
            second.update(plain(question.text.get_text(languages[1])))
            second.border_title = languages[1].upper()
        follow_ups = "\n".join(
            "  ·  ".join(f"• {f.get_text(lang)}" for lang in languages) for f in question.follow_ups
        )
        self.query_one(".follow-ups", Static).update(plain(follow_ups))


class DetailPane(Static):
    """The highlighted contribution in full, under the list: at most six lines.

    In a busy room every new contribution lands here, so it sets its own height and asks
    for a layout of the screen only when that height changes (an auto height would lay the
    screen out on every update, which cost more than the rest of the update together).
    """

    _lines = 0

    def show(self, content: Content) -> None:
        self.update(content, layout=False)
        self._fit()

    def on_resize(self) -> None:
        self._fit()  # a new width wraps the text differently

    def _fit(self) -> None:
        width = self.content_region.width
        if width <= 0:  # not laid out yet: the resize that follows fits it
            return
        lines = min(self.visual.get_height(self.styles, width), 5) if self.visual else 1  # type: ignore[arg-type]  # Textual 8.2.8 annotates RulesMap; RenderStyles is what it is given everywhere
        if lines != self._lines:
            self._lines = lines
            self.styles.height = lines + self.styles.gutter.height  # the border on top


class StatusBar(Static):
    """Always visible: the database, who is typing where, and whether everything is saved."""

    DEFAULT_CSS = """
    StatusBar { height: 1; background: $panel; color: $text-muted; padding: 0 1; }
    StatusBar.-error { background: $error 40%; color: $text; }
    """
