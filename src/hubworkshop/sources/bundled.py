"""Where the bundled Hubs workshop and the default database live."""

from __future__ import annotations

import os
from functools import cache

TYPE_CHECKING = False
if TYPE_CHECKING:  # pathlib is imported when a path is asked for: `cli/__init__.py` reads
    from pathlib import Path  # the two names below before anything else is imported

DB_ENV = "HUBWORKSHOP_DB"
DEFAULT_DB_NAME = "hubworkshop.db"
BUNDLED_PLAN_NAME = "sessions/hubs-2021-11-27.toml"
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


def bundled_plan() -> Path:
    return _bundled(BUNDLED_PLAN_NAME)


def bundled_bank() -> Path:
    return _bundled(BUNDLED_BANK_NAME)


def default_db() -> Path:
    from pathlib import Path

    return Path(os.environ.get(DB_ENV) or DEFAULT_DB_NAME)
