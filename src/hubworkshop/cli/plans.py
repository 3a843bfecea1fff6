"""`--plan` on a workshop that exists: it must name the plan the database was made from.

Loaded only when a command names a plan for an existing database: `add` and opening a room
without `--plan` never import it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from hubworkshop.domain.errors import InputError
from hubworkshop.domain.i18n import _
from hubworkshop.sources.files import UnreadableFile, read_source
from hubworkshop.storage import Store


def check_same_plan(store: Store, path: Path, db: Path) -> None:
    """A command that names a plan on an existing workshop must name the one it was made
    from, unchanged (the same bytes): the database is the record, and another plan is never
    applied. A database that recorded no plan (made before this check, or from an archive)
    accepts a plan of the same workshop id. Refusing, it closes the store."""
    try:
        _check(store, path, db)
    except BaseException:
        store.close()
        raise


def _check(store: Store, path: Path, db: Path) -> None:
    workshop = store.catalog.workshop()
    try:
        digest = hashlib.sha256(read_source(path)).hexdigest()
    except UnreadableFile as problem:
        raise InputError(f"--plan {path}: {problem}") from None
    if digest == workshop.plan_sha256:
        return
    from hubworkshop.sources.plan import read_plan

    plan = read_plan(path)
    made_from = workshop.plan_source or _("a plan not recorded")
    if plan.id != workshop.id:
        raise InputError(
            _(
                "{db} holds the workshop '{id}' (made from {source}), and --plan {path} is '{other}': leave out --plan, or give another --db for a new workshop"
            ).format(db=db, id=workshop.id, source=made_from, path=path, other=plan.id)
        )
    if workshop.plan_sha256:
        raise InputError(
            _(
                "{db} was made from {source} as it was then, and --plan {path} differs from it: a changed plan needs a new database (another --db); leave out --plan to use this one"
            ).format(db=db, source=made_from, path=path)
        )
