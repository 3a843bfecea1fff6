"""`hubworkshop line`: the room as lines, for screen readers and braille displays.

No full-screen drawing: the terminal's own cursor and line editing, one line in, one line
out, nothing but plain text and newlines written. What is typed uses the capture bar's quick
syntax (`! concern @Amina #funding`); commands are words (`/next`, `/timer`, `/vote ID`,
`/list 10`, `/search WORDS`, `/help`). Every new contribution from any terminal is printed as
one line (`Amina, concern: …`), and so are question changes, the timer at 5 minutes, 1 minute
and zero, and an opened vote. Same database, same consent and durability as the app: each
line is saved in one transaction before `saved` is printed.
"""

from __future__ import annotations

import datetime as dt
import sys
import threading
from typing import TextIO

import click

from hubworkshop.cli.main import (
    NOTE_TAKER_ENV,
    Settings,
    _pass_settings,
    _store_options,
    cli,
    role_option,
)
from hubworkshop.domain.errors import HubworkshopError
from hubworkshop.domain.events import EventName
from hubworkshop.domain.i18n import N_, _, kind_label, nformat, role_label
from hubworkshop.domain.languages import language_modes, languages_shown, next_mode
from hubworkshop.domain.model import Contribution, UserRole
from hubworkshop.domain.text import printable
from hubworkshop.storage import Store
from hubworkshop.workshop import agenda, voting
from hubworkshop.workshop.capture import capture_lines
from hubworkshop.workshop.roles import runs_the_room

HELP = N_("""commands: /vote ID (a dot) · /list N (the last N points) · /search WORDS ·
/question · /lang [CODE|both] (the question's language: the next, or this one) · /help · /quit
anything else is a contribution: ? question ! concern + proposal = agree ~ disagree
> action, @name for who said it, #tag, %fr for its language""")
FACILITATOR_HELP = N_("as facilitator: /next /previous (question) · /timer (start or pause)")
FACILITATOR_VERBS = frozenset({"next", "previous", "timer"})
"""What only a facilitator does in a room: move its question, run its clock."""

ALERTS = (300, 60, 0)  # seconds left at which the timer is announced


def said(c: Contribution) -> str:
    """One contribution as one plain line: `Amina, concern: text (1a2b3c4d)`."""
    who = c.author or _("someone")
    return plain(
        _("{who}, {kind}: {text} ({id})").format(
            who=who, kind=kind_label(c.kind.value), text=c.text, id=c.short_id
        )
    )


def plain(text: str) -> str:
    """Text for a line-mode terminal: control and escape characters shown, one line."""
    return printable(" / ".join(part for part in text.splitlines() if part.strip()) or text)


class LineRoom:
    def __init__(
        self,
        store: Store,
        room: str,
        name: str | None,
        out: TextIO,
        role: UserRole = UserRole.NOTE_TAKER,
    ) -> None:
        self.store, self.room, self.name, self.out = store, room, name, out
        self.role = role
        self.lock = threading.Lock()
        self.last_seq = store.events.last_seq()
        self.alerted: set[int] = set()
        self.stop = threading.Event()
        self.language_mode = ""  # the room's own language (`domain/languages.py`)

    def say(self, line: str) -> None:
        with self.lock:  # escaped again here: no line reaches the terminal raw
            self.out.write(printable(line, keep_newlines=True) + "\n")
            self.out.flush()

    announced: str | None = None
    """The question last said: a new one is said once, whoever moved the room to it (a
    /next of one's own was said twice, by the command and by the watcher)."""

    def announce_question(self) -> None:
        self._announce(self.store.rooms.state(self.room).question, self.question_line())

    def _announce(self, current: str | None, line: str) -> None:
        with self.lock:
            if current == self.announced:
                return
            self.announced = current
        self.say(line)

    def question_line(self) -> str:
        """The question, in the language(s) /lang chose: the room's own at first."""
        state = self.store.rooms.state(self.room)
        question = self.store.catalog.questions().get(state.question or "")
        if question is None:
            return plain(_("question: {text}").format(text=_("none")))
        shown = languages_shown(
            self.store.catalog.workshop().languages,
            self.language_mode,
            self.store.catalog.room(self.room).language,
        )
        return "\n".join(
            plain(
                _("question ({lang}): {text}").format(lang=lang, text=question.text.get_text(lang))
            )
            for lang in shown
        )

    # -- what others do ------------------------------------------------------------------------

    def watch(self) -> None:
        from hubworkshop.storage.watcher import ChangeWatcher

        watcher = ChangeWatcher(self.store.connections, self.catch_up, interval=0.2).start()
        while not self.stop.wait(1.0):
            self.check_timer()
        watcher.stop()

    def catch_up(self) -> None:
        events = self.store.events.all(room=self.room, after_seq=self.last_seq)
        if not events:
            return
        added = [e.subject for e in events if e.action is EventName.CONTRIBUTION_ADD and e.subject]
        rows = self.store.contributions.by_ids(added)
        moved = any(e.action is EventName.QUESTION_OPEN for e in events)
        question = self.store.rooms.state(self.room).question if moved else None
        line = self.question_line() if moved else ""
        # Only once everything is read, and before anything is said: a read that meets a
        # locked database is tried again from the same point by the watcher, and nothing
        # logged meanwhile is skipped or said twice.
        self.last_seq = events[-1].seq
        for c in rows:
            if c.note_taker != self.name or self.name is None:
                self.say(said(c))
        if moved:
            self._announce(question, line)
        for e in events:
            if e.action is EventName.VOTE_OPEN:
                self.say(
                    _("a vote is open: {dots} dots each (/vote ID)").format(
                        dots=e.data.get("dots", "")
                    )
                )
            elif e.action is EventName.VOTE_CLOSE:
                self.say(_("the vote is closed"))
            elif e.action in (EventName.TIMER_START, EventName.PHASE_OPEN, EventName.TIMER_EXTEND):
                self.alerted.clear()

    def check_timer(self) -> None:
        countdown = self.store.rooms.countdown(self.room)
        if not countdown.running:
            return
        left = countdown.remaining(dt.datetime.now(dt.UTC))
        for mark in sorted(ALERTS):  # the most urgent first: a jump past zero says only that
            if left <= mark and mark not in self.alerted:
                self.alerted.update(m for m in ALERTS if m >= mark)
                self.say(
                    _("time is up")
                    if mark == 0
                    else nformat(mark // 60, "{n} minute left", "{n} minutes left")
                )
                break

    # -- what this person types ----------------------------------------------------------------

    def handle(self, line: str) -> bool:
        """One typed line; False to stop."""
        text = line.rstrip("\n")
        if not text.strip():
            return True
        try:
            if text.startswith("/"):
                return self.command(text[1:].split())
            if self.store.file_is_gone():
                # SQLite would write to the file it holds, which nobody will ever read.
                self.say(
                    _(
                        "not saved: {path} was removed or replaced since line mode opened it; "
                        "start line mode again (your line: {line})"
                    ).format(path=self.store.path, line=plain(text))
                )
                return True
            [row] = capture_lines(self.store, self.room, [text], note_taker=self.name).rows
            self.say(_("saved: {line}").format(line=said(row)))
        except HubworkshopError as error:
            self.say(_("not saved: {reason}").format(reason=plain(str(error))))
        return True

    def command(self, words: list[str]) -> bool:
        verb, rest = (words[0].lower(), words[1:]) if words else ("help", [])
        store, room = self.store, self.room
        if verb in ("quit", "exit"):
            return False
        if verb in FACILITATOR_VERBS and not runs_the_room(self.role):
            self.say(
                _("/{verb}: only a facilitator does that (line mode started as {role})").format(
                    verb=verb, role=role_label(self.role.value)
                )
            )
            return True
        if verb == "help":
            for line in _(HELP).splitlines():
                self.say(line)
            if runs_the_room(self.role):
                self.say(_(FACILITATOR_HELP))
        elif verb == "question":
            self.say(self.question_line())
        elif verb == "lang":
            languages = store.catalog.workshop().languages
            own = store.catalog.room(room).language
            if not rest:
                self.language_mode = next_mode(languages, self.language_mode, own)
            elif rest[0] in language_modes(languages, own):
                self.language_mode = rest[0]
            else:
                choices = " ".join(language_modes(languages, own))
                self.say(_("/lang takes one of: {choices}").format(choices=choices))
                return True
            self.say(self.question_line())
        elif verb in ("next", "previous"):
            step = 1 if verb == "next" else -1
            try:
                agenda.step_question(store, room, step, role=self.role, actor=self.name)
            except agenda.AtEnd as end:
                self.say(str(end))
            else:
                self.announce_question()
        elif verb == "timer":
            running = agenda.toggle_clock(store, room, role=self.role, actor=self.name)
            self.say(_("timer started") if running else _("timer paused"))
        elif verb == "vote" and rest:
            if not self.name:
                self.say(_("not saved: give your name (--name) to vote"))
            else:
                # The dot of the one typing, on a point of this room (`workshop/voting.py`).
                done = voting.cast(store, rest[0], self.name, note_taker=self.name, room=room)
                self.say(
                    _("a dot on {id}; {left}").format(
                        id=done.vote.point.short_id,
                        left=nformat(done.left, "{n} dot left", "{n} dots left"),
                    )
                )
        elif verb == "list":
            count = int(rest[0]) if rest and rest[0].isdigit() else 10
            seqs = store.contributions.seqs(room=room)[-count:]
            rows = store.contributions.by_seqs(seqs)
            for seq in seqs:
                if seq in rows:
                    self.say(said(rows[seq]))
        elif verb == "search" and rest:
            seqs = store.contributions.seqs(room=room, search=" ".join(rest))[-20:]
            rows = store.contributions.by_seqs(seqs)
            self.say(_("{n} found").format(n=len(seqs)) if seqs else _("no match"))
            for seq in seqs:
                if seq in rows:
                    self.say(said(rows[seq]))
        else:
            self.say(_("unknown command /{verb}: /help lists them").format(verb=verb))
        return True


@cli.command()
@_store_options
@click.option("--room", required=True, help="Breakout room id.")
@click.option(
    "--name",
    envvar=NOTE_TAKER_ENV,
    help=f"Your name, recorded with what you type (${NOTE_TAKER_ENV}).",
)
@role_option
@_pass_settings
def line(settings: Settings, room: str, name: str | None, role: str) -> None:
    """The room as plain lines, for screen readers and braille displays: type a line to add
    a contribution, /help for commands; new contributions from every terminal are printed."""
    with settings.open_store() as store:
        store.catalog.room(room)
        store.rooms.take_role(room, role, actor=name, face="line")
        session = LineRoom(store, room, name, sys.stdout, UserRole(role))
        session.announced = store.rooms.state(room).question
        session.say(plain(f"{store.catalog.room(room).name}. {session.question_line()}"))
        session.say(_("type a contribution and press Enter; /help for commands"))
        watcher = threading.Thread(target=session.watch, daemon=True)
        watcher.start()
        try:
            for typed in sys.stdin:
                if not session.handle(typed):
                    break
        except KeyboardInterrupt:
            pass
        finally:
            session.stop.set()
