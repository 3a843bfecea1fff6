"""What a room can do to its contributions: edit, delete, undo and redo, kinds, stars, tags,
votes, merge and split, clusters, parking, action owners, takeaways, and the activity screens.

`RoomScreen` (`room.py`) builds on this: it lays out the room, reads it, and captures.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import NamedTuple

from hubworkshop.domain.i18n import _, ngettext, role_label
from hubworkshop.domain.languages import languages_shown
from hubworkshop.domain.model import Contribution, Phase, Question, Room
from hubworkshop.domain.names import room_first
from hubworkshop.domain.records import VoteRound
from hubworkshop.domain.text import one_line
from hubworkshop.domain.timer import Countdown
from hubworkshop.tui.screens.base import HubScreen
from hubworkshop.tui.widgets.contribution_list import ContributionList
from hubworkshop.tui.widgets.room_panels import StatusBar
from hubworkshop.tui.widgets.text import plain
from hubworkshop.workshop import history as steps
from hubworkshop.workshop import points, voting
from hubworkshop.workshop.history import (
    Command,
    Delete,
    Edit,
    History,
    SetAction,
    SetCluster,
    SetTakeaways,
)


class RoomView(NamedTuple):
    """What the room shows above the list, read in one go by a worker."""

    question: Question | None
    phase: Phase | None
    countdown: Countdown
    position: str
    names: list[str]
    tags: list[str]
    vote: VoteRound | None = None
    """The room's open dot-vote round, if one is open."""
    room_names: tuple[str, ...] = ()
    """The room's own people: an `@name` that could mean two people means one of them."""


class ContributionActions(HubScreen):
    """The room's state that its actions share, the actions, and how a write reports back."""

    def __init__(self, room_id: str) -> None:
        super().__init__()
        self.room_id = room_id
        self.snapshot: RoomView | None = None
        self.history = History()
        self.merging: Contribution | None = None
        self.saving: int = 0

    @property
    def room(self) -> Room:
        return self.store.catalog.room(self.room_id)

    def question_languages(self, mode: str) -> list[str]:
        """The languages the question is shown in for an F2 mode: the room's own first."""
        return languages_shown(self.store.catalog.workshop().languages, mode, self.room.language)

    @property
    def contribution_list(self) -> ContributionList:
        return self.query_one(ContributionList)

    @property
    def _waiting(self) -> int:
        """Entries typed but not saved yet (the room screen has a capture queue)."""
        return 0

    @property
    def _held(self) -> bool:
        """Whether the entries waiting are held until the person says (a save failed, or
        they were left by a crash): nothing is being saved."""
        return False

    @property
    def _in_list(self) -> bool:
        return isinstance(self.focused, ContributionList)

    def refresh_status(self, message: str | None = None, *, error: bool = False) -> None:
        app = self.hub_app
        saved = (
            _("saved {time}").format(time=app.last_saved)
            if app.last_saved
            else _("nothing saved yet")
        )
        if self._held and self._waiting:
            # Nothing is being saved: entries wait for the person (Ctrl+R), never "saving…".
            saved = ngettext(
                "{n} entry not saved (Ctrl+R)", "{n} entries not saved (Ctrl+R)", self._waiting
            ).format(n=self._waiting)
        elif self.saving or self._waiting:
            saved = (
                _("saving… ({waiting})").format(waiting=self._waiting)
                if self._waiting
                else _("saving…")
            )
        where = _("LIST: Enter for actions, type to write") if self._in_list else _("typing")
        # What matters in the live moment first: a narrow terminal cuts the end of the line.
        parts = [where, saved]
        vote = self.snapshot.vote if self.snapshot is not None else None
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
            parts = [message] + [p for p in parts if p != saved or not self._held]
        status = self.query_one("#status", StatusBar)
        status.update(plain("  ·  ".join(parts)), layout=False)  # always one line
        status.set_class(error, "-error")

    def _target(self) -> Contribution | None:
        c = self.contribution_list.highlighted
        if c is None:
            self.notify(_("No contribution selected."), markup=False, timeout=2)
        return c

    def _write(
        self, description: str, fn: Callable[[], object], *, said: str | None = None
    ) -> None:
        """Run one store change in a worker; say so on screen (with `said`, once it is saved)
        when it is saved or fails."""

        def done(_: object) -> None:
            self.write_done()
            if said:
                self.notify(said, timeout=4, markup=False)

        self.saving += 1
        self.refresh_status()
        self.run_store(
            fn,
            done,
            failed=lambda message: self.write_failed(description, message),
            group="writes",
        )

    def _change(
        self,
        description: str,
        command: Command | Callable[[], Command],
        *,
        said: str | None = None,
    ) -> None:
        """Apply a change that can be undone (Ctrl+Z) and redone (Ctrl+Y): a command, or a function that
        builds it in the worker (for a command that must read the database first)."""
        store, actor, history = self.store, self.hub_app.user_name, self.history

        def run() -> None:
            history.run(store, command() if callable(command) else command, actor)

        self._write(description, run, said=said)

    def write_done(self) -> None:
        self.saving -= 1
        self.hub_app.mark_saved()
        self.refresh_status()
        self.sync()

    def write_failed(self, description: str, message: str) -> None:
        self.saving -= 1
        failed = _("{what} failed: {message}").format(what=description, message=message)
        self.refresh_status(failed, error=True)
        self.notify(failed, severity="error", markup=False)

    def action_edit(self) -> None:
        c = self._target()
        if c is not None:
            self.edit_contribution(c)

    def edit_contribution(self, c: Contribution) -> None:
        """The edit form: only what the note-taker changes is changed."""
        from hubworkshop.tui.dialogs.contribution import EditDialog, EditedFields, edit_of

        def edited(result: EditedFields | None) -> None:
            if result is None:
                return
            change = edit_of(c, result)
            if change is None:
                self.notify(_("Nothing changed."), markup=False, timeout=2)
                return
            self._change(_("Edit"), change)

        self.app.push_screen(EditDialog(c, self.hub_app.drafts()), edited)

    def action_delete(self) -> None:
        c = self._target()
        if c is not None:
            said = _("Deleted «{text}» · Ctrl+Z undoes it").format(text=one_line(c.text, 50))
            self._change(_("Delete"), Delete(c), said=said)

    def action_undo(self) -> None:
        self._step_history(undo=True)

    def action_redo(self) -> None:
        self._step_history(undo=False)

    def _step_history(self, *, undo: bool) -> None:
        history = self.history
        if not (history.can_undo if undo else history.can_redo):
            self.notify(
                _("Nothing to undo.") if undo else _("Nothing to redo."), markup=False, timeout=2
            )
            return
        store, actor = self.store, self.hub_app.user_name
        step = steps.undo if undo else steps.redo
        word = _("Undone") if undo else _("Redone")

        def stepped(command: Command | None) -> None:
            self.write_done()
            if command is not None:
                self.notify(f"{word}: {command.label}", timeout=2, markup=False)

        self.saving += 1
        self.refresh_status()
        self.run_store(
            lambda: step(history, store, actor),
            stepped,
            failed=lambda message: self.write_failed(word, message),
            group="writes",
        )

    def action_set_kind(self, kind: str) -> None:
        c = self._target()
        if c is not None and c.kind.value != kind:
            self._change(_("Kind"), Edit(c, kind=kind))

    def action_star(self) -> None:
        c = self._target()
        if c is not None:
            self._change(_("Star"), Edit(c, starred=not c.starred))

    def action_tag(self) -> None:
        from hubworkshop.tui.dialogs.contribution import TagDialog

        c = self._target()
        if c is None:
            return

        def tagged(tags: list[str] | None) -> None:
            if tags is not None:
                self._change(_("Tag"), Edit(c, tags=tuple(tags)))

        store, room_id = self.store, self.room_id

        def ask(tags: tuple[list[str], list[str]]) -> None:
            here, everywhere = tags
            self.app.push_screen(TagDialog(c.tags, here, everywhere), tagged)

        self.run_store(
            lambda: (store.contributions.tags(room=room_id), store.contributions.tags()), ask
        )

    # -- activities ------------------------------------------------------------------------

    def action_vote(self) -> None:
        """v: a participant puts a dot on the selected point."""
        from hubworkshop.tui.dialogs.common import ParticipantPicker

        c = self._target()
        if c is None:
            return
        note_taker = self.hub_app.user_name

        def read() -> tuple[VoteRound | None, list[str]]:
            people = room_first(self.store.participants.all(), self.room_id)
            return self.store.votes.round(self.room_id), people

        def ask(data: tuple[VoteRound | None, list[str]]) -> None:
            round_, names = data
            if round_ is None:
                self.notify(
                    _("No vote is open in this room: a facilitator opens one with V."),
                    severity="warning",
                    timeout=4,
                    markup=False,
                )
                return
            remaining = {n: voting.left(round_, n) for n in names}
            title = _("Dot for: {text}").format(text=one_line(c.text, 60))
            store, room, history = self.store, self.room_id, self.history

            def voted(name: str | None) -> None:
                if name:
                    self._write(
                        _("Vote"),
                        lambda: voting.cast(
                            store, c.id, name, note_taker=note_taker, room=room, history=history
                        ),
                        said=_("A dot from {name} · Ctrl+Z undoes it").format(name=name),
                    )

            self.app.push_screen(ParticipantPicker(title, names, remaining), voted)

        self.run_store(read, ask)

    def action_toggle_vote(self) -> None:
        """V (facilitator): open a dot-vote round, or close it and keep its ranking."""
        actor, role, store, room = (
            self.hub_app.user_name,
            self.hub_app.role,
            self.store,
            self.room_id,
        )

        def toggle() -> str:
            if store.votes.round(room) is None:
                dots = voting.open_round(store, room, role=role, actor=actor).dots
                return ngettext(
                    "Vote open: each participant has {n} dot.",
                    "Vote open: each participant has {n} dots.",
                    dots,
                ).format(n=dots)
            result = voting.close_round(store, room, role=role, actor=actor)
            dots = sum(t.dots for t in result)
            closed = _("Vote closed: {dots} on {points}.").format(
                dots=ngettext("{n} dot", "{n} dots", dots).format(n=dots),
                points=ngettext("{n} point", "{n} points", len(result)).format(n=len(result)),
            )
            # The result, most dots first: what the room voted for, not only how much.
            top = [f"{t.dots} · {one_line(t.text, 60)}" for t in result[:3]]
            return "\n".join([closed, *top])

        def toggled(message: str) -> None:
            self.notify(message, markup=False)
            self.sync()

        self.run_store(toggle, toggled)

    def action_merge(self) -> None:
        """m on a point, then m (or Enter) on the point to merge it into."""
        c = self._target()
        if c is None:
            return
        if self.merging is None:
            self.merging = c
            self.refresh_status(
                _(
                    "Merging {id}: move to the point to merge it into, then Enter · Esc cancels"
                ).format(id=c.short_id)
            )
            return
        source, self.merging = self.merging, None
        store, actor, history = self.store, self.hub_app.user_name, self.history
        self._write(
            _("Merge"),
            lambda: points.merge(store, source, c, actor=actor, history=history),
            said=_("Merged {source} into {target} · Ctrl+Z undoes it").format(
                source=source.short_id, target=c.short_id
            ),
        )

    def action_split(self) -> None:
        c = self._target()
        if c is None:
            return
        if not points.can_split(c):
            self.notify(_("Nothing is merged into this point."), markup=False, timeout=2)
            return
        store, actor, history = self.store, self.hub_app.user_name, self.history
        self._write(
            _("Split"),
            lambda: points.split(store, c, actor=actor, history=history),
            said=_("Split {id} · Ctrl+Z merges it again").format(id=c.short_id),
        )

    def action_cluster(self) -> None:
        from hubworkshop.tui.dialogs.common import TextDialog

        c = self._target()
        if c is None:
            return

        def named(name: str | None) -> None:
            if name is not None:
                self._change(_("Cluster"), SetCluster(c, name))

        def ask(known: list[str]) -> None:
            self.app.push_screen(
                TextDialog(
                    _("Cluster name"),
                    c.cluster or "",
                    _("Points with the same name form a cluster; empty removes it.")
                    + " "
                    + (
                        _("Known here: {names}.").format(names=", ".join(known[:12])) + " "
                        if known
                        else ""
                    )
                    + _("→ or End accepts a completion."),
                    suggestions=known,
                ),
                named,
            )

        self.run_store(lambda: self.store.points.clusters(self.room_id), ask)

    def action_park(self) -> None:
        c = self._target()
        if c is not None:
            self._change(_("Park"), Edit(c, parked=not c.parked))
            self.notify(
                _("Parked (kept in the record).") if not c.parked else _("Back in the discussion."),
                markup=False,
                timeout=2,
            )

    def action_action_owner(self) -> None:
        from hubworkshop.tui.dialogs.common import TextDialog

        c = self._target()
        if c is None:
            return

        def given(value: str | None) -> None:
            if value is None:
                return
            owner, _sep, due = value.partition(";")
            self._change(_("Action"), SetAction(c, owner, due))

        def check(value: str) -> str | None:
            due = value.partition(";")[2].strip()
            try:
                dt.date.fromisoformat(due) if due else None
            except ValueError:
                return _("“{due}” is not a date: write it as 2021-12-15.").format(due=due)
            return None

        current = "; ".join(x for x in (c.owner or "", c.due or "") if x)
        self.app.push_screen(
            TextDialog(
                _("Action: owner; due date"),
                current,
                _("For example: Amina; 2021-12-15. Either part may be empty."),
                check=check,
            ),
            given,
        )

    def action_takeaways(self) -> None:
        from hubworkshop.tui.dialogs.contribution import TakeawaysDialog

        def read() -> tuple[list[Contribution], list[str]]:
            starred = [c for c in self.store.contributions.find(room=self.room_id) if c.starred]
            return starred, [c.id for c in self.store.points.takeaways(self.room_id)]

        def ask(data: tuple[list[Contribution], list[str]]) -> None:
            starred, chosen = data
            if not starred:
                self.notify(
                    _("Star the key points first (s), then choose the takeaways."),
                    markup=False,
                    timeout=3,
                )
                return

            def chosen_(ids: list[str] | None) -> None:
                if ids is not None and ids != chosen:
                    self._change(
                        _("Takeaways"), SetTakeaways(self.room_id, tuple(chosen), tuple(ids))
                    )

            self.app.push_screen(TakeawaysDialog(starred, chosen), chosen_)

        self.run_store(read, ask)

    def action_ranking(self) -> None:
        from hubworkshop.tui.screens.ranking import RankingScreen

        self.app.push_screen(RankingScreen(self.room_id))

    def action_purpose(self) -> None:
        from hubworkshop.tui.screens.purpose import PurposeScreen

        self.app.push_screen(PurposeScreen(self.room_id))

    def action_report_back(self) -> None:
        from hubworkshop.tui.screens.report_back import ReportBackScreen

        self.app.push_screen(ReportBackScreen(list(self.store.catalog.rooms()), self.room_id))

    def action_roster(self) -> None:
        from hubworkshop.tui.screens.roster import RosterScreen

        self.app.push_screen(RosterScreen(self.room_id, self.history))

    def action_participants(self) -> None:
        from hubworkshop.tui.screens.participants import ParticipantsScreen

        self.app.push_screen(ParticipantsScreen(self.room_id, self.history))

    def action_hide(self) -> None:
        """Moderation: the point leaves the room's lists, pages and exports, logged (the
        participants' page screen approves it back)."""
        from hubworkshop.workshop.history import Moderate

        c = self.contribution_list.highlighted
        if c is not None:
            self._change(_("Hide"), Moderate(c, "hide"), said=_("Hidden."))

    # -- facilitator actions: the room's clock and question ------------------------------

    def action_toggle_timer(self) -> None:
        running = self.snapshot is not None and self.snapshot.countdown.running
        actor = self.hub_app.user_name
        if running:
            self._write(_("Timer"), lambda: self.store.rooms.pause_timer(self.room_id, actor=actor))
        else:
            self._write(_("Timer"), lambda: self.store.rooms.start_timer(self.room_id, actor=actor))

    def action_extend(self, minutes: int) -> None:
        actor = self.hub_app.user_name
        self._write(
            _("Timer"), lambda: self.store.rooms.extend_timer(self.room_id, minutes, actor=actor)
        )
        self.notify(_("+{n} min").format(n=minutes), markup=False, timeout=1.5)

    def action_move_question(self, step: int) -> None:
        questions = self.room.questions
        current = self.snapshot.question.id if self.snapshot and self.snapshot.question else None
        index = questions.index(current) if current in questions else -1
        if not 0 <= index + step < len(questions):
            self.notify(
                _("This is the room's last question.")
                if step > 0
                else _("This is the room's first question."),
                markup=False,
                timeout=3,
            )
            return
        self.open_question(questions[index + step])

    def open_question(self, question_id: str) -> None:
        actor = self.hub_app.user_name
        self._write(
            _("Question"),
            lambda: self.store.rooms.open_question(self.room_id, question_id, actor=actor),
        )

    def open_phase(self, phase_id: str) -> None:
        actor = self.hub_app.user_name
        self._write(
            _("Phase"), lambda: self.store.rooms.set_phase(self.room_id, phase_id, actor=actor)
        )
