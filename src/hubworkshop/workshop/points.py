"""Merging points and setting them apart again, the same way from every face.

The room (`m` then Enter, `M`) and the command line (`hubworkshop merge SOURCE TARGET`,
`hubworkshop split ID`) call these. A merge makes one point that keeps every text and
author; the store refuses what would make a point part of itself, or touch a deleted one. A
split sets apart the points merged into a point (or a point from the one it was merged
into); with nothing to set apart it is refused, from every face alike. With the room's
`history`, Ctrl+Z undoes either (`workshop/history.py`: `Merge`, `Split`).
"""

from __future__ import annotations

from hubworkshop.domain.errors import InputError
from hubworkshop.domain.i18n import _
from hubworkshop.domain.model import Contribution
from hubworkshop.storage.store import Store
from hubworkshop.workshop.history import History, Merge, Split, apply


def merge(
    store: Store,
    source: Contribution | str,
    target: Contribution | str,
    *,
    actor: str | None,
    history: History | None = None,
) -> Merge:
    """Make `source` part of `target` (rows, or ids and their prefixes)."""
    first = store.contributions.get(source) if isinstance(source, str) else source
    into = store.contributions.get(target) if isinstance(target, str) else target
    done = apply(store, Merge.of(store, first, into), actor, history)
    assert isinstance(done, Merge)
    return done


def can_split(point: Contribution) -> bool:
    """Whether a split would set anything apart: points merged into this one, or this one
    from the point it was merged into."""
    return bool(point.merged_count) or point.merged_into is not None


def split(
    store: Store, point: Contribution | str, *, actor: str | None, history: History | None = None
) -> Split:
    """Set apart what is merged into `point`; returns the split as applied (`places`: each
    point set apart and where it was)."""
    current = store.contributions.get(point if isinstance(point, str) else point.id)
    if not can_split(current):
        raise InputError(_("nothing is merged into {id}").format(id=current.short_id))
    done = apply(store, Split(current), actor, history)
    assert isinstance(done, Split)
    return done
