"""Storage: the workshop's SQLite database. The only package that talks to SQLite."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing is not imported at run time: `peek` is used before it is needed
    from typing import Any

    from hubworkshop.storage.store import Store

__all__ = ["Store"]


def __getattr__(name: str) -> Any:
    # `Store` brings every table's module with it: loaded when first asked for, so that
    # `storage.peek` can be used before (cli/__init__.py).
    if name == "Store":
        from hubworkshop.storage.store import Store

        return Store
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
