"""Open data files safely: regular files inside the data folder only, never a FIFO or a device.

A FIFO in place of a data file would block a reader forever in open(), and a link to
/dev/zero would feed it without end; both are refused before anything reads them.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path


class NotARegularFile(OSError):
    """Raised when a data file is a FIFO, a device, a folder or a link leaving the data folder."""


def file_problem(path: Path, root: Path) -> str:
    """Return why path (which should lie in root) may not be read as a data file, or ''."""
    try:
        resolved = path.resolve(strict=True)
    except FileNotFoundError:
        return ""  # a missing file is the reader's to report
    except (OSError, RuntimeError):  # a loop of links, or no permission to look
        return "cannot be looked up"
    if not resolved.is_relative_to(root.resolve()):
        return "is a link that leads out of the data folder"
    try:
        mode = resolved.stat().st_mode
    except OSError:
        return "cannot be looked up"
    if not stat.S_ISREG(mode):
        return "is not a regular file (a folder, FIFO or device)"
    return ""


def open_regular(path: Path) -> int:
    """Open path for reading without blocking, and return its descriptor if it is a regular file."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, "is a folder", str(path))
        if not stat.S_ISREG(mode):
            raise NotARegularFile(errno.EINVAL, "is not a regular file", str(path))
        os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return fd


def read_regular(path: Path) -> bytes:
    """Return the bytes of a regular file; raise NotARegularFile (an OSError) for anything else."""
    with os.fdopen(open_regular(path), "rb") as file:
        return file.read()
