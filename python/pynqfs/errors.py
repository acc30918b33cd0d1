# SPDX-License-Identifier: MIT
"""Errors as Python exceptions, carrying the card log's line that says why."""
import errno as _errno
import os


class PynqfsError(OSError):
    """An operation the card refused: errno as the filesystem gave it,
    and the card log's last line, which says why and what to do."""

    def __init__(self, err, what, log_line=""):
        msg = what + (": " + log_line if log_line else "")
        super().__init__(err, msg)
        self.log_line = log_line


def last_log_line(card_dir):
    """The card's last log line, without its timestamp."""
    try:
        with open(os.path.join(card_dir, "log"), encoding="utf-8", errors="replace") as f:
            lines = f.read().splitlines()
    except OSError:
        return ""
    if not lines:
        return ""
    line = lines[-1]
    # "2026-12-05T08:55:09.797Z kernels/vadd_1/run: ..." -> from the path on
    return line.split(" ", 1)[1] if line[:4].isdigit() and " " in line else line


def raise_from(exc, card_dir, what):
    """Re-raise an OSError from the mount as a PynqfsError with the log's reason."""
    raise PynqfsError(exc.errno or _errno.EIO, what, last_log_line(card_dir)) from exc
