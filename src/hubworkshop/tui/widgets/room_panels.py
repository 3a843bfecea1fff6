"""Small widgets of the app's screens."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.geometry import Size
from textual.renderables.digits import DIGITS, DIGITS3X3
from textual.widget import Widget
from textual.widgets import Static

from hubworkshop.domain.i18n import _, ngettext, pgettext, role_label
from hubworkshop.domain.model import Phase, Question
from hubworkshop.domain.records import VoteRound
from hubworkshop.domain.timer import Countdown, format_remaining
from hubworkshop.tui.widgets.text import plain
from hubworkshop.workshop import voting

if TYPE_CHECKING:
    from hubworkshop.tui.app import HubworkshopApp


class BigDigits(Widget):
    """A clock in big digits: Textual's own 3x3 font (as its Digits widget draws it), shown
    as plain content. Textual's Digits goes through a Rich renderable and brings a stylesheet
    of its own, which made the room's first frame about 10 ms later."""

    def __init__(self, value: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.value = value

    def update(self, value: str) -> None:
        layout = _width(value) != _width(self.value)
        self.value = value
        self.refresh(layout=layout)

    def render(self) -> Content:
        rows: tuple[list[str], list[str], list[str]] = ([], [], [])
        for character in self.value.replace(".", "•"):
            position = DIGITS.find(character)
            for row, pieces in enumerate(rows):
                if position < 0:  # not in the font: on the bottom line, as Textual does
                    pieces.append(character if row == 2 else " ")
                else:
                    pieces.append(DIGITS3X3[position * 3 + row].ljust(3))
        return Content("\n".join("".join(pieces) for pieces in rows))

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return _width(self.value)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return 3


def _width(value: str) -> int:
    """How many cells `value` takes in big digits (as Textual's Digits counts them)."""
    return sum(3 if character in DIGITS else 1 for character in value)


class CountdownDisplay(Vertical):
    """The phase clock, in big digits: warning colour in the last minute, red past zero."""

    DEFAULT_CSS = """
    CountdownDisplay { width: auto; height: auto; padding: 0 1; }
    CountdownDisplay BigDigits { width: auto; height: 3; }
    CountdownDisplay #timer-state { width: auto; color: $text-muted; }
    CountdownDisplay.-warning BigDigits { color: $warning; }
    CountdownDisplay.-over BigDigits { color: $error; }
    """

    def __init__(self, shown: tuple[float, bool, int] | None = None) -> None:
        """`shown`: the clock to draw from the start (remaining, running, total seconds), so
        the first frame needs no second layout for it."""
        super().__init__()
        self._initial = shown
        if shown is not None:
            self._set_state_classes(*shown)

    def compose(self) -> ComposeResult:
        digits, state = "0:00", ""
        if self._initial is not None:
            self._shown = (format_remaining(self._initial[0]), *self._initial[1:])
            digits, state = self._shown[0], self._state(*self._initial)
        yield BigDigits(digits, id="timer-digits")
        yield Static(state, id="timer-state", markup=False)

    def show(self, remaining: float, running: bool, total_seconds: int) -> None:
        shown = (format_remaining(remaining), running, total_seconds)
        if shown == getattr(self, "_shown", None):
            return  # an idle room repaints nothing
        self._shown = shown
        self.query_one(BigDigits).update(shown[0])
        self.query_one("#timer-state", Static).update(
            self._state(remaining, running, total_seconds)
        )
        self._set_state_classes(remaining, running, total_seconds)

    @staticmethod
    def _state(remaining: float, running: bool, total_seconds: int) -> str:
        if not total_seconds:
            return _("no timer")
        if running:
            return _("▶ running")
        return _("‖ paused") if remaining < total_seconds else _("ready")

    def _set_state_classes(self, remaining: float, _running: bool, total_seconds: int) -> None:
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


class RoomHead(Horizontal):
    """Above a room's list: its QuestionPanel (in the languages F2 chose) and CountdownDisplay
    (the phase clock, which rings once when the phase's time is up), composed inside it by
    the room so that they come with the room's first frame."""

    rang_at_zero = False

    def show_question(
        self, question: Question | None, languages: list[str], phase: Phase | None, position: str
    ) -> None:
        self.query_one(QuestionPanel).show(question, languages, phase, position)

    def tick(self, countdown: Countdown, now: dt.datetime) -> None:
        """Redraw the clock from the room's shared countdown (every second)."""
        displays = self.query(CountdownDisplay)
        if not displays:  # not composed yet, or closing
            return
        remaining = countdown.remaining(now)
        displays.first().show(remaining, countdown.running, countdown.total_seconds)
        if countdown.running and remaining <= 0 and not self.rang_at_zero:
            self.rang_at_zero = True
            self.app.bell()
            self.notify(_("Time is up for this phase."), markup=False, severity="warning")
        elif remaining > 0:
            self.rang_at_zero = False


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

    def show_room(
        self,
        app: HubworkshopApp,
        *,
        in_list: bool,
        saving: int,
        waiting: int,
        held: bool,
        vote: VoteRound | None,
        message: str | None = None,
        error: bool = False,
    ) -> None:
        """A room's line: where keys go, whether all is saved (`saving` changes and `waiting`
        entries under way; `held`: they wait for the person), the open vote, who is here;
        `message` (a prompt, an error) first."""
        saved = (
            _("saved {time}").format(time=app.last_saved)
            if app.last_saved
            else _("nothing saved yet")
        )
        if held and waiting:
            # Nothing is being saved: entries wait for the person (Ctrl+R), never "saving…".
            saved = ngettext(
                "{n} entry not saved (Ctrl+R)", "{n} entries not saved (Ctrl+R)", waiting
            ).format(n=waiting)
        elif saving or waiting:
            saved = _("saving… ({waiting})").format(waiting=waiting) if waiting else _("saving…")
        where = _("LIST: Enter for actions, type to write") if in_list else _("typing")
        # What matters in the live moment first: a narrow terminal cuts the end of the line.
        parts = [where, saved]
        if vote is not None:
            if app.user_name and voting.used(vote, app.user_name):
                parts.append(
                    _(
                        "VOTE OPEN: {dots} dots each, {left} left for you, {cast} cast (Enter v)"
                    ).format(dots=vote.dots, left=voting.left(vote, app.user_name), cast=vote.cast)
                )
            else:
                parts.append(
                    _("VOTE OPEN: {dots} dots each, {cast} cast (Enter v)").format(
                        dots=vote.dots, cast=vote.cast
                    )
                )
        parts += [
            _("{role}: {name}").format(
                role=role_label(app.role), name=app.user_name or _("unnamed")
            ),
            app.place(),
        ]
        if message:
            # A prompt or an error first, whole: what comes after it may be cut, never it
            # (a merge's prompt was cut off at 120 columns, and nothing seemed to happen).
            parts = [message] + [p for p in parts if p != saved or not held]
        self.update(plain("  ·  ".join(parts)), layout=False)  # always one line
        self.set_class(error, "-error")
