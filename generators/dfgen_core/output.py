"""Writing outputs: atomically, and only when the content changed.

An unchanged output keeps its bytes and its mtime, so nothing that
depends on it is rebuilt.  A changed one is written to a temporary file
in the same directory and renamed over the old one, so a reader never
sees half a file and an interrupted run leaves the previous version.
"""

import os
import tempfile


def write_if_changed(path, text):
    """Write `text` to `path` unless it already holds exactly that.

    Returns True when the file was written.
    """
    data = text.encode("utf-8")
    try:
        with open(path, "rb") as f:
            if f.read() == data:
                return False
    except FileNotFoundError:
        pass
    write_atomic(path, data)
    return True


def write_atomic(path, data):
    """Replace `path` with `data` (bytes) in one rename."""
    directory = os.path.dirname(path) or "."
    fd, tmp = tempfile.mkstemp(prefix=".%s." % os.path.basename(path),
                               suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def commit(outputs):
    """Write every (path, text) pair; return the paths actually written.

    Callers render everything first, so a bad input never reaches here
    and no output is touched.
    """
    return [path for path, text in outputs if write_if_changed(path, text)]
