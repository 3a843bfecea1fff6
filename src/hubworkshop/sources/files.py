"""Reading the files a workshop is made from (a bank's Markdown, a plan's TOML) safely: only
regular files, never more than a cap, never blocking on a FIFO or reading a device."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from hubworkshop.domain.i18n import _

MAX_FILE_BYTES = 1024 * 1024
"""A theme file or a plan is a few KiB; beyond a MiB it is not one."""


class UnreadableFile(Exception):
    """Why a source file was not read, as one line (without the path)."""


def read_source(path: Path, *, inside: Path | None = None, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of the regular file at `path`, at most `limit`; with `inside`, only if it
    (after links) lies in that folder."""
    if inside is not None:
        try:
            within = path.resolve().is_relative_to(inside.resolve())
        except (OSError, RuntimeError):  # a loop of links
            within = False
        if not within:
            raise UnreadableFile(_("links outside the folder {inside}").format(inside=inside))
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except OSError as error:
        raise UnreadableFile(
            _("cannot read the file: {reason}").format(reason=error.strerror or error)
        ) from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise UnreadableFile(_("not a regular file"))
    with os.fdopen(fd, "rb") as file:
        data = file.read(limit + 1)
    if len(data) > limit:
        raise UnreadableFile(_("larger than {kib} KiB").format(kib=limit // 1024))
    return data
