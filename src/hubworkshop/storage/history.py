"""Undo and redo: a person's changes as commands that know how to apply and revert themselves.

The TUI keeps one `History` per room screen (this terminal's own changes); anything else can
drive a store the same way (`history.run(store, command, actor)`). Commands are plain data:
what was there before, and what the change sets.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import NamedTuple, Protocol

from hubworkshop.domain.i18n import _
from hubworkshop.domain.model import Contribution, Kind
from hubworkshop.storage.store import Store


class Command(Protocol):
    """A change to the workshop that can be reverted (undo) and applied again (redo)."""

    @property
    def label(self) -> str:
        """What it did, for "Undone: …" messages, e.g. "edit of 1a2b3c4d"."""
        ...

    def apply(self, store: Store, actor: str | None) -> None: ...

    def revert(self, store: Store, actor: str | None) -> None: ...


class Added(NamedTuple):
    """Contributions captured (the capture bar stores them; undo deletes, redo restores)."""

    contribution: Contribution

    @property
    def label(self) -> str:
        return _("add of {id}").format(id=self.contribution.short_id)

    def apply(self, store: Store, actor: str | None) -> None:
        store.restore_contribution(self.contribution.id, actor=actor)

    def revert(self, store: Store, actor: str | None) -> None:
        store.delete_contribution(self.contribution.id, actor=actor)


class Delete(NamedTuple):
    contribution: Contribution

    @property
    def label(self) -> str:
        return _("delete of {id}").format(id=self.contribution.short_id)

    def apply(self, store: Store, actor: str | None) -> None:
        store.delete_contribution(self.contribution.id, actor=actor)

    def revert(self, store: Store, actor: str | None) -> None:
        store.restore_contribution(self.contribution.id, actor=actor)


def restore(store: Store, before: Contribution, actor: str | None) -> None:
    """Put back every field a person can edit, as it was in `before`: the owner and due
    date too (an undone owner left them behind, on a point no longer an action)."""
    c = before
    now = store.contribution(c.id)
    if (now.owner, now.due) != (c.owner, c.due):
        store.set_action(c.id, owner=c.owner, due=c.due, actor=actor)  # (makes it an action)
    store.update_contribution(
        c.id,
        text=c.text,
        kind=c.kind,
        author=c.author or "",
        starred=c.starred,
        parked=c.parked,
        actor=actor,
    )
    store.set_tags(c.id, c.tags, actor=actor)


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

    @property
    def label(self) -> str:
        return _("edit of {id}").format(id=self.before.short_id)

    def apply(self, store: Store, actor: str | None) -> None:
        store.update_contribution(
            self.before.id,
            text=self.text,
            kind=self.kind,
            author=self.author,
            starred=self.starred,
            parked=self.parked,
            actor=actor,
        )
        if self.tags is not None and tuple(sorted(self.tags)) != self.before.tags:
            store.set_tags(self.before.id, self.tags, actor=actor)

    def revert(self, store: Store, actor: str | None) -> None:
        restore(store, self.before, actor)


class SetAction(NamedTuple):
    """An action item's owner and due date (either may be empty)."""

    before: Contribution
    owner: str | None
    due: str | None

    @property
    def label(self) -> str:
        return _("action of {id}").format(id=self.before.short_id)

    def apply(self, store: Store, actor: str | None) -> None:
        store.set_action(self.before.id, owner=self.owner, due=self.due, actor=actor)

    def revert(self, store: Store, actor: str | None) -> None:
        restore(store, self.before, actor)


class SetCluster(NamedTuple):
    before: Contribution
    name: str | None

    @property
    def label(self) -> str:
        return _("cluster of {id}").format(id=self.before.short_id)

    def apply(self, store: Store, actor: str | None) -> None:
        store.set_cluster(self.before.id, self.name, actor=actor)

    def revert(self, store: Store, actor: str | None) -> None:
        store.set_cluster(self.before.id, self.before.cluster, actor=actor)


class Merge(NamedTuple):
    """A merge, and what undoing it restores: where the source was, and the points that were
    merged into it (`followers`, read when the merge is made) and follow it into the target."""

    source: Contribution
    target: Contribution
    followers: tuple[str, ...] = ()

    @classmethod
    def of(cls, store: Store, source: Contribution, target: Contribution) -> Merge:
        return cls(source, target, tuple(c.id for c in store.merged_into(source.id)))

    @property
    def label(self) -> str:
        return _("merge of {id}").format(id=self.source.short_id)

    def apply(self, store: Store, actor: str | None) -> None:
        store.merge(self.source.id, self.target.id, actor=actor)

    def revert(self, store: Store, actor: str | None) -> None:
        store.unmerge(
            self.source.id,
            back_into=self.source.merged_into,
            followers=self.followers,
            actor=actor,
        )


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

    def run(self, store: Store, command: Command, actor: str | None) -> None:
        """Apply a change and keep it for undo."""
        command.apply(store, actor)
        self.record(command)

    def undo(self, store: Store, actor: str | None) -> Command | None:
        """Revert the last change; None if there is nothing to undo."""
        return self._move(self._done, self._undone, lambda c: c.revert(store, actor))

    def redo(self, store: Store, actor: str | None) -> Command | None:
        """Apply again the last change undone; None if there is none."""
        return self._move(self._undone, self._done, lambda c: c.apply(store, actor))

    def _move(
        self, source: list[Command], target: list[Command], do: Callable[[Command], None]
    ) -> Command | None:
        with self._lock:
            if not source:
                return None
            command = source.pop()
        try:
            do(command)
        except BaseException:
            with self._lock:
                source.append(command)  # it did not happen: it can be tried again
            raise
        with self._lock:
            target.append(command)
        return command
