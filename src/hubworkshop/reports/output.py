"""Writing an export to a file without ever destroying one.

* The workshop's database and its side files (`-wal`, `-shm`, `-journal`) are refused, by any
  spelling of their path or any symbolic link that leads to them.
* An existing file is replaced only when asked (`force`): the CLI's `--force`, a question on
  the export screen.
* The text goes to a temporary file in the same folder, then takes the file's name in one
  rename: a crash or a full disk never leaves half an export where a whole one was.
* A file that holds what is not for publication (the attributed JSON archive keeps
  off-the-record contributions) is created readable by its owner only, like the database.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

from hubworkshop.domain.errors import HubworkshopError
from hubworkshop.domain.i18n import _

SIDE_FILES = ("", "-wal", "-shm", "-journal")


class OutputError(HubworkshopError):
    """The export was not written; the message says why and what to do."""


class OutputExists(OutputError):
    """The file is there already: replace it only if the person says so."""


def protected_paths(database: Path) -> list[Path]:
    """The database and its side files, as the file system resolves them."""
    return [Path(f"{database}{suffix}").resolve() for suffix in SIDE_FILES]


def check_output(path: Path, *, database: Path, force: bool) -> None:
    """Raise OutputError if writing `path` would destroy the database or, unless `force`, an
    existing file."""
    target = path.resolve()
    protected = protected_paths(database)
    if target in protected or any(_same_file(path, p) for p in protected):
        raise OutputError(
            _(
                "{path}: this is the workshop's database (or one of its files); choose another name for the export"
            ).format(path=path)
        )
    if target.is_dir():
        raise OutputError(_("{path}: is a folder; give a file name").format(path=path))
    if not target.parent.is_dir():
        raise OutputError(
            _("{path}: the folder {parent} does not exist").format(path=path, parent=target.parent)
        )
    if path.exists() and not force:
        raise OutputExists(
            _("{path}: already exists; nothing was written (--force replaces it)").format(path=path)
        )


def write_output(
    path: Path, text: str, *, database: Path, force: bool = False, private: bool = False
) -> int:
    """Write `text` to `path` atomically, after `check_output`; returns the bytes written."""
    check_output(path, database=database, force=force)
    data = text.encode("utf-8")
    target = path.resolve()
    temporary = target.with_name(f".{target.name}.{uuid.uuid4().hex[:12]}.tmp")
    try:
        # The mode is the file's from its creation on (the umask applies as usual): a private
        # export is never readable by others, not even for a moment.
        fd = os.open(temporary, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600 if private else 0o666)
    except OSError as error:
        raise OutputError(
            _("{path}: cannot write: {strerror}").format(path=path, strerror=error.strerror)
        ) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise OutputError(
            _("{path}: cannot write: {strerror}").format(path=path, strerror=error.strerror)
        ) from None
    return len(data)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False
