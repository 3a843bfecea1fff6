"""Undo and redo: a person's changes as commands that know how to apply and revert themselves.

Every action the room offers on the workshop is one of these commands: a capture, a delete,
an edit (text, kind, author, star, park, tags), an action's owner and due date, a cluster, a
merge and a split, a vote, a person's consent, the room's takeaways, a point hidden or
approved (moderation). Undo returns the
workshop to exactly what it was; redo applies the change again.

The room keeps one `History` per screen (this terminal's own changes, across the screens it
opens: the roster's consent); anything else can drive a store the same way
(`history.run(store, command, actor)`). Commands are plain data: what was there before and
what the change sets. A command that learns something as it applies (the id of the vote it
cast, the points a split set apart) returns itself as applied, and that is what undo reverts.

Undo is a change like any other, so it survives merging copies: an undone edit is a later
change of the same part of the point (`storage/changes.py`), an undone vote is withdrawn for
good (its id is kept, so a copy that still holds it does not bring it back), and a redone
vote is a new one. What an erasure took cannot come back through undo: the store refuses it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, NamedTuple, Protocol

from hubworkshop.domain.errors import InputError
from hubworkshop.domain.i18n import _
from hubworkshop.domain.model import Consent, Contribution, Kind, UserRole
from hubworkshop.storage import pages
from hubworkshop.storage.store import Store
from hubworkshop.workshop.roles import facilitator_only


class Command(Protocol):
    """A change to the workshop that can be reverted (undo) and applied again (redo)."""

    @property
    def label(self) -> str:
        """What it did, for "Undone: …" messages, e.g. "edit of 1a2b3c4d"."""
        ...

    def apply(self, store: Store, actor: str | None) -> Command | None:
        """Make the change; return the command as applied if it learnt something doing it
        (None: this command itself)."""
        ...

    def revert(self, store: Store, actor: str | None) -> None: ...


class Added(NamedTuple):
    """Contributions captured (the capture bar stores them; undo deletes, redo restores)."""

    contribution: Contribution

    @property
    def label(self) -> str:
        return _("add of {id}").format(id=self.contribution.short_id)

    def apply(self, store: Store, actor: str | None) -> None:
        store.contributions.restore(self.contribution.id, actor=actor)

    def revert(self, store: Store, actor: str | None) -> None:
        store.contributions.delete(self.contribution.id, actor=actor)


class Delete(NamedTuple):
    contribution: Contribution

    @property
    def label(self) -> str:
        return _("delete of {id}").format(id=self.contribution.short_id)

    def apply(self, store: Store, actor: str | None) -> None:
        store.contributions.delete(self.contribution.id, actor=actor)

    def revert(self, store: Store, actor: str | None) -> None:
        store.contributions.restore(self.contribution.id, actor=actor)


def restore(store: Store, before: Contribution, actor: str | None) -> None:
    """Put back every field a person can edit, as it was in `before`: the owner and due
    date too (an undone owner left them behind, on a point no longer an action)."""
    c = before
    now = store.contributions.get(c.id)
    if (now.owner, now.due) != (c.owner, c.due):
        store.points.set_action(c.id, owner=c.owner, due=c.due, actor=actor)  # (makes it an action)
    store.contributions.update(
        c.id,
        text=c.text,
        kind=c.kind,
        author=c.author or "",
        starred=c.starred,
        parked=c.parked,
        actor=actor,
    )
    store.contributions.set_tags(c.id, c.tags, actor=actor)


class Edit(NamedTuple):
    """Change some fields of a contribution; None leaves a field as it is."""

    before: Contribution
    text: str | None = None
    kind: Kind | str | None = None
    author: str | None = None
    """A participant's name; "" removes the author."""
    starred: bool | None = None
    parked: bool | None = None
    tags: tuple[str, ...] | None = None
    added: tuple[int, ...] = ()
    """The person the edit added as the author, if new (known once applied)."""

    @property
    def label(self) -> str:
        return _("edit of {id}").format(id=self.before.short_id)

    def apply(self, store: Store, actor: str | None) -> Edit:
        people = _people(store) if self.author else set()
        store.contributions.update(
            self.before.id,
            text=self.text,
            kind=self.kind,
            author=self.author,
            starred=self.starred,
            parked=self.parked,
            actor=actor,
        )
        if self.tags is not None and tuple(sorted(self.tags)) != self.before.tags:
            store.contributions.set_tags(self.before.id, self.tags, actor=actor)
        return self._replace(added=tuple(_people(store) - people) if self.author else ())

    def revert(self, store: Store, actor: str | None) -> None:
        restore(store, self.before, actor)
        _take_back(store, self.added, actor)


def _people(store: Store) -> set[int]:
    return {p.id for p in store.participants.all()}


def _take_back(store: Store, added: tuple[int, ...], actor: str | None) -> None:
    """The people a change added, taken away with it (if nothing else refers to them)."""
    for pid in added:
        store.participants.remove(pid, actor=actor)


class SetAction(NamedTuple):
    """An action item's owner and due date (either may be empty)."""

    before: Contribution
    owner: str | None
    due: str | None

    @property
    def label(self) -> str:
        return _("action of {id}").format(id=self.before.short_id)

    def apply(self, store: Store, actor: str | None) -> None:
        store.points.set_action(self.before.id, owner=self.owner, due=self.due, actor=actor)

    def revert(self, store: Store, actor: str | None) -> None:
        restore(store, self.before, actor)


class SetCluster(NamedTuple):
    before: Contribution
    name: str | None

    @property
    def label(self) -> str:
        return _("cluster of {id}").format(id=self.before.short_id)

    def apply(self, store: Store, actor: str | None) -> None:
        store.points.set_cluster(self.before.id, self.name, actor=actor)

    def revert(self, store: Store, actor: str | None) -> None:
        store.points.set_cluster(self.before.id, self.before.cluster, actor=actor)


class Merge(NamedTuple):
    """A merge, and what undoing it restores: where the source was, and the points that were
    merged into it (`followers`, read when the merge is made) and follow it into the target."""

    source: Contribution
    target: Contribution
    followers: tuple[str, ...] = ()

    @classmethod
    def of(cls, store: Store, source: Contribution, target: Contribution) -> Merge:
        return cls(source, target, tuple(c.id for c in store.points.merged_into(source.id)))

    @property
    def label(self) -> str:
        return _("merge of {id}").format(id=self.source.short_id)

    def apply(self, store: Store, actor: str | None) -> None:
        store.points.merge(self.source.id, self.target.id, actor=actor)

    def revert(self, store: Store, actor: str | None) -> None:
        store.points.unmerge(
            self.source.id,
            back_into=self.source.merged_into,
            followers=self.followers,
            actor=actor,
        )


class Split(NamedTuple):
    """A merged point set apart: undo puts each point back where it was merged."""

    point: Contribution
    places: tuple[tuple[str, str | None], ...] = ()
    """(point, the point it was merged into) for each point the split set apart."""

    @property
    def label(self) -> str:
        return _("split of {id}").format(id=self.point.short_id)

    def apply(self, store: Store, actor: str | None) -> Split:
        home = store.contributions.get(self.point.id).merged_into
        ids = store.points.split(self.point.id, actor=actor)
        return self._replace(
            places=tuple((i, home if i == self.point.id else self.point.id) for i in ids)
        )

    def revert(self, store: Store, actor: str | None) -> None:
        store.points.regroup(self.places, actor=actor)


class Vote(NamedTuple):
    """A dot a participant puts on a point: undo withdraws it, redo casts it again."""

    point: Contribution
    participant: str
    note_taker: str | None = None
    dots: int = 1
    uid: str | None = None
    """The vote as cast (known once applied)."""
    added: tuple[int, ...] = ()
    """The voter, if the vote added them."""

    @property
    def label(self) -> str:
        return _("vote on {id}").format(id=self.point.short_id)

    def apply(self, store: Store, actor: str | None) -> Vote:
        people = _people(store)
        uid = store.votes.add(
            self.point.id, participant=self.participant, dots=self.dots, note_taker=self.note_taker
        )
        return self._replace(uid=uid, added=tuple(_people(store) - people))

    def revert(self, store: Store, actor: str | None) -> None:
        if self.uid is not None:
            store.votes.withdraw(self.uid, actor=actor)
        _take_back(store, self.added, actor)


class SetConsent(NamedTuple):
    """The consent a person gave: undo puts back the level they had."""

    person: int
    name: str
    before: Consent
    after: Consent

    @property
    def label(self) -> str:
        return _("consent of {name}").format(name=self.name)

    def _set(self, store: Store, consent: Consent, actor: str | None) -> None:
        # By the person, not the name: renamed since, they are still the one meant.
        person = next((p for p in store.participants.all() if p.id == self.person), None)
        if person is None:
            raise InputError(_("{name} is no longer in the workshop").format(name=self.name))
        store.participants.save(person.name, consent, actor=actor)

    def apply(self, store: Store, actor: str | None) -> None:
        self._set(store, self.after, actor)

    def revert(self, store: Store, actor: str | None) -> None:
        self._set(store, self.before, actor)


class Rename(NamedTuple):
    """A person's name as written on the roster: undo gives back the old one."""

    person: int
    before: str
    after: str

    @property
    def label(self) -> str:
        return _("rename of {name}").format(name=self.before)

    def _rename(self, store: Store, name: str, actor: str | None) -> None:
        person = next((p for p in store.participants.all() if p.id == self.person), None)
        if person is None:
            raise InputError(_("{name} is no longer in the workshop").format(name=self.before))
        store.participants.rename(person.name, name, actor=actor)

    def apply(self, store: Store, actor: str | None) -> None:
        self._rename(store, self.after, actor)

    def revert(self, store: Store, actor: str | None) -> None:
        self._rename(store, self.before, actor)


class MergePeople(NamedTuple):
    """One person entered twice, made one: undo brings the other entry back, with what they
    said, their dots and ballots, and the consent each entry had."""

    source: str
    target: str
    consent: Consent | None = None
    undo: dict[str, Any] | None = None
    """What the merge changed (known once applied)."""

    @property
    def label(self) -> str:
        return _("merge of {name} into {target}").format(name=self.source, target=self.target)

    def apply(self, store: Store, actor: str | None) -> MergePeople:
        undo = store.participants.merge(self.source, self.target, consent=self.consent, actor=actor)
        return self._replace(undo=undo)

    def revert(self, store: Store, actor: str | None) -> None:
        if self.undo is not None:
            store.participants.unmerge(self.undo, actor=actor)


class SetTakeaways(NamedTuple):
    """A room's key takeaways, in order."""

    room: str
    before: tuple[str, ...]
    after: tuple[str, ...]

    @property
    def label(self) -> str:
        return _("the key takeaways")

    def apply(self, store: Store, actor: str | None) -> None:
        store.points.set_takeaways(self.room, self.after, actor=actor)

    def revert(self, store: Store, actor: str | None) -> None:
        store.points.set_takeaways(self.room, self.before, actor=actor)


class Moderate(NamedTuple):
    """A facilitator hides a point, or approves one that waited or was hidden: undo puts it
    back as it was (shown, waiting for approval, or hidden), and the log keeps each step."""

    point: Contribution
    step: str
    """"hide" or "approve"."""
    role: UserRole
    """Who asks: only a facilitator moderates (`workshop/roles.py`), undo and redo too."""
    before: str | None = None
    """How it was held before (None: shown), known once applied."""

    @property
    def label(self) -> str:
        if self.step == "hide":
            return _("hiding of {id}").format(id=self.point.short_id)
        return _("approval of {id}").format(id=self.point.short_id)

    def apply(self, store: Store, actor: str | None) -> Moderate:
        facilitator_only(self.role, _("only a facilitator moderates the room"))
        before = pages.is_held(store, self.point.id)
        if self.step == "hide":
            pages.hide(store, self.point.id, actor=actor)
        else:
            pages.approve(store, self.point.id, actor=actor)
        return self._replace(before=before)

    def revert(self, store: Store, actor: str | None) -> None:
        facilitator_only(self.role, _("only a facilitator moderates the room"))
        if self.before is None:
            pages.approve(store, self.point.id, actor=actor)
        elif self.before == "waiting":
            pages.wait_again(store, self.point.id, actor=actor)
        else:
            pages.hide(store, self.point.id, actor=actor)


class History:
    """One person's undo and redo stacks. Safe to use from several threads: the TUI records on
    the UI thread and undoes in workers."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._done: list[Command] = []
        self._undone: list[Command] = []

    @property
    def can_undo(self) -> bool:
        return bool(self._done)

    @property
    def can_redo(self) -> bool:
        return bool(self._undone)

    def record(self, command: Command) -> None:
        """A change already applied (a capture): it can now be undone."""
        with self._lock:
            self._done.append(command)
            self._undone.clear()

    def run(self, store: Store, command: Command, actor: str | None) -> Command:
        """Apply a change and keep it for undo; returns it as applied."""
        applied = command.apply(store, actor) or command
        self.record(applied)
        return applied

    def undo(self, store: Store, actor: str | None) -> Command | None:
        """Revert the last change; None if there is nothing to undo."""
        return self._move(self._done, self._undone, lambda c: _reverted(c, store, actor))

    def redo(self, store: Store, actor: str | None) -> Command | None:
        """Apply again the last change undone; None if there is none."""
        return self._move(self._undone, self._done, lambda c: c.apply(store, actor) or c)

    def _move(
        self, source: list[Command], target: list[Command], do: Callable[[Command], Command]
    ) -> Command | None:
        with self._lock:
            if not source:
                return None
            command = source.pop()
        try:
            done = do(command)
        except BaseException:
            with self._lock:
                source.append(command)  # it did not happen: it can be tried again
            raise
        with self._lock:
            target.append(done)
        return done


def apply(store: Store, command: Command, actor: str | None, history: History | None) -> Command:
    """Make a change; with a `history` (the room's), keep it for undo. A face with none (a
    command of the command line, line mode) makes the same change the same way."""
    if history is not None:
        return history.run(store, command, actor)
    return command.apply(store, actor) or command


def _reverted(command: Command, store: Store, actor: str | None) -> Command:
    command.revert(store, actor)
    return command


def undo(history: History, store: Store, actor: str | None) -> Command | None:
    """The room's Ctrl+Z: revert this person's last change (None: there was none)."""
    return history.undo(store, actor)


def redo(history: History, store: Store, actor: str | None) -> Command | None:
    """The room's Ctrl+Y: apply again the change last undone (None: there was none)."""
    return history.redo(store, actor)
