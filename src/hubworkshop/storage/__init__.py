"""Storage: the workshop's SQLite database. The only package that talks to SQLite."""

from hubworkshop.storage.store import Store

__all__ = ["Store"]
