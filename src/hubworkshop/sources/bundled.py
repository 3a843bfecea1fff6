"""Where the bundled example workshops and the default database live.

No plan is ever used unless asked for: `--plan FILE`, or `--plan NAME` for one of the
bundled examples below (`./dev run` asks for the Hubs one through `NEW_PLAN_ENV`).
"""

from __future__ import annotations

import os
from functools import cache

TYPE_CHECKING = False
if TYPE_CHECKING:  # pathlib is imported when a path is asked for: `cli/__init__.py` reads
    from pathlib import Path  # the two names below before anything else is imported

DB_ENV = "HUBWORKSHOP_DB"
NEW_PLAN_ENV = "HUBWORKSHOP_NEW_PLAN"
"""The plan (a file or a bundled name) a *new* database is made from when no --plan is given;
an existing database ignores it. `./dev run` sets it to the Hubs example."""
DEFAULT_DB_NAME = "hubworkshop.db"
BUNDLED_PLANS = {
    "hubs-2021-11-27": "sessions/hubs-2021-11-27.toml",
    "community-conversation-2026": "sessions/community-conversation-2026.toml",
}
"""The bundled example workshops, by the name `--plan` accepts."""
BUNDLED_PLAN_NAME = BUNDLED_PLANS["hubs-2021-11-27"]
BUNDLED_BANK_NAME = "question_bank/hubs-2021"


@cache
def _candidates() -> tuple[Path, Path]:
    from pathlib import Path

    package = Path(__file__).resolve().parent.parent
    # In a wheel the bank and plan are copied into the package (see pyproject.toml); in a
    # source checkout (and an editable install) they are at the top of the repository.
    return package / "_bundled", package.parent.parent


def _bundled(relative: str) -> Path:
    for root in _candidates():
        candidate = root / relative
        if candidate.exists():
            return candidate
    return _candidates()[-1] / relative


def bundled_plan(name: str = "hubs-2021-11-27") -> Path:
    """The file of a bundled example plan, by name."""
    return _bundled(BUNDLED_PLANS[name])


def bundled_bank() -> Path:
    return _bundled(BUNDLED_BANK_NAME)


def plan_file(given: str) -> Path:
    """The plan file `--plan GIVEN` means: a file, or the name of a bundled example. A path
    that leads nowhere is an InputError naming it (and the bundled names)."""
    from pathlib import Path

    from hubworkshop.domain.errors import InputError
    from hubworkshop.domain.i18n import _

    path = Path(given)
    if os.path.lexists(path):  # what kind of file it is, the plan's reader says
        return path
    if given in BUNDLED_PLANS:
        return bundled_plan(given)
    raise InputError(
        _("--plan {path}: no such file (the bundled examples: {names})").format(
            path=given, names=", ".join(BUNDLED_PLANS)
        )
    )


def default_db() -> Path:
    from pathlib import Path

    return Path(os.environ.get(DB_ENV) or DEFAULT_DB_NAME)
