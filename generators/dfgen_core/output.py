"""Writing outputs: atomically, and only when the content changed.

An unchanged output keeps its bytes and its mtime, so nothing that
depends on it is rebuilt.  A changed one is written to a temporary file
in the same directory and renamed over the old one, so a reader never
sees half a file and an interrupted run leaves the previous version.
"""

import os
import sys
import tempfile
import time

from .paths import GENERATORS_DIR

# When this run started.  make compares whole seconds, so a record (the
# unit's stamp) is dated in the second before the one the run started
# in: an input edited while the run reads it, or later in that second,
# is then newer than the record and the next make runs the unit again.
# Its last nanosecond, so that find(1), which compares nanoseconds (the
# kconf check, at parse time), agrees with make about an input edited
# earlier in that second: not newer.
STARTED = time.time()


def write_if_changed(path, text):
    """Write `text` (str, or bytes as they are) to `path` unless it
    already holds exactly that.

    Returns True when the file was written.
    """
    data = text if isinstance(text, bytes) else text.encode("utf-8")
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


def write_record(record, command, outputs, inputs):
    """Write the record mk/dfgen.mk reads back (see there): the command,
    the outputs, and every file the run read, the generator's own Python
    modules included.  Always written, since it is also the stamp."""
    unit = os.path.basename(record)
    if unit.endswith(".mk"):
        unit = unit[:-3]
    modules = {os.path.abspath(m.__file__) for m in list(sys.modules.values())
               if getattr(m, "__file__", None) and
               os.path.abspath(m.__file__).startswith(GENERATORS_DIR + os.sep)}
    modules.add(os.path.join(GENERATORS_DIR, "dfgen"))
    deps = sorted({os.path.abspath(p) for p in inputs} | modules)
    lines = [
        "# Written by dfgen after a successful run; read by mk/dfgen.mk.",
        "_DFGEN_CMD.%s=\t%s" % (unit, _make_quote(" ".join(command))),
        "_DFGEN_OUT.%s=\t%s" % (unit, _make_quote(" ".join(
            os.path.abspath(o) for o in outputs))),
        "_DFGEN_DEP.%s=\t%s" % (unit, _make_quote(" ".join(deps))),
    ]
    os.makedirs(os.path.dirname(os.path.abspath(record)), exist_ok=True)
    write_atomic(record, ("\n".join(lines) + "\n").encode("utf-8"))
    stamp = (int(STARTED) - 1) * 1000000000 + 999999999
    os.utime(record, ns=(stamp, stamp))


def _make_quote(text):
    return text.replace("$", "$$").replace("#", "\\#")
