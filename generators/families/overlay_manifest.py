"""The overlay manifest: what `dfgen overlay` did to a source tree.

It lives at SRCTOP/.dfgen-overlay/manifest.  Beside it, orig/ holds a
copy of every file the overlay replaced or appended to, at its path in
the tree (.dfgen-overlay/orig/sys/conf/options), so that a revert can
put it back.  The manifest is plain text:

    dfgen-overlay-manifest 1
    # kind state before mode after start path
    dir done absent - dir - sys/tools/dfgen
    file done absent - 3f1c...e0 - sys/tools/dfgen/mk/dfgen.mk
    file done 9a0b...17 0600 51d2...c4 - sys/kern/kern_bar.c
    merge done 77e1...0a 0644 c2f9...5b - sys/conf/options

The first line names the format and its version; lines that start with
'#' are comments.  Every other line is one path the overlay is
responsible for, in seven fields separated by single spaces:

    kind    dir: a directory it created; file: a file it created or
            replaced; merge: a file it appended a kconf block to;
            hook: a file it appended the build hook to; edit: a file
            it inserted lines into, next to anchor lines (below)
    state   done: the path holds `after` (or, if someone put the
                original back by hand, `before`);
            doing: a step towards `after` began: the path holds `after`
                if the step happened, `start` if it did not;
            undoing: a step back to `before` began: the path holds
                `before` if the step happened, `after` if it did not
    before  what the path held before the first install: the sha256 of
            its content, or 'absent'
    mode    its permission bits then, in octal; '-' when it was absent
    after   what the overlay put there: a sha256, or 'dir'
    start   while doing: what the path held when the step began (a
            sha256, 'absent' or 'dir'); '-' in the other states
    path    relative to SRCTOP, '/'-separated: the rest of the line

Lines are sorted by path, so a directory comes before what it holds.

An edit entry is how the overlay changes a file it does not own, such
as a probe inserted into sys/kern/lwkt_thread.c.  A description under
sys-overlays/ whose name ends in .edit (overlay_edit has its syntax)
names the file, and for each insert an anchor, one line that must match
exactly one line of the original file (blanks around it ignored), and
the lines to insert before or after it:

    edit lwkt_thread file: "sys/kern/lwkt_thread.c" {
        insert switch_out after: "KTR_LOG(ctxsw_sw, gd->gd_cpuid, ntd);" {
            line = "#ifdef CTXSW_PROBES";
            line = "\tctxsw_probe_switch_out(td, ntd);";
            line = "#endif";
        }
    }

Like a merge, an edit is computed from the original every time (kept
in orig/), so a changed description updates the file, --check and
--revert treat it as any other entry, and a revert puts the original
back byte for byte.  An anchor that matches no line or several refuses
the whole run before anything is written.  Any family may ship edit
descriptions; all inserts into one file are applied together.
The file is rewritten atomically before and after every step of a run,
so it describes the tree even when a run was killed half way.
"""

import os
import re
from dataclasses import dataclass

from dfgen_core.diag import error
from dfgen_core.source import Loc, read_source

HEADER = "dfgen-overlay-manifest 1"
COLUMNS = "# kind state before mode after start path"

STORE = ".dfgen-overlay"
MANIFEST = STORE + "/manifest"

# Kinds of entry.
DIR, FILE, MERGE, HOOK, EDIT = "dir", "file", "merge", "hook", "edit"
# States.
DONE, DOING, UNDOING = "done", "doing", "undoing"
# What a path can hold, beside the sha256 of a file's content.
ABSENT = "absent"
DIRECTORY = "dir"

_SHA = re.compile(r"[0-9a-f]{64}\Z")
_MODE = re.compile(r"[0-7]{4}\Z")


@dataclass(frozen=True)
class Entry:
    path: str
    kind: str
    state: str
    before: str         # sha256 or ABSENT
    mode: object        # int: permission bits of the original; None if absent
    after: str          # sha256 or DIRECTORY
    start: str = "-"    # while DOING: what the path held when the step began


def orig_path(path):
    """Where the copy of the original of `path` is kept."""
    return STORE + "/orig/" + path


def path_key(path):
    """Sort key: a directory before everything under it."""
    return tuple(path.split("/"))


def format_manifest(entries):
    """The text of the manifest holding `entries` (a dict path -> Entry)."""
    lines = [HEADER, COLUMNS]
    for path in sorted(entries, key=path_key):
        e = entries[path]
        mode = "-" if e.mode is None else "%04o" % e.mode
        lines.append(" ".join((e.kind, e.state, e.before, mode, e.after,
                               e.start, e.path)))
    return "\n".join(lines) + "\n"


def load_manifest(srctop):
    """The entries of SRCTOP's manifest, a dict path -> Entry ({} when
    there is none)."""
    path = os.path.join(srctop, *MANIFEST.split("/"))
    if not os.path.lexists(path):
        return {}
    return parse_manifest(read_source(path))


def parse_manifest(src):
    lines = src.text.split("\n")
    if lines[0] != HEADER:
        raise error(Loc(src, 1, 1), "not a dfgen overlay manifest "
                    "(the first line should be '%s')" % HEADER)
    if lines[-1] == "":
        lines.pop()
    entries = {}
    for number, line in enumerate(lines[1:], 2):
        if line.startswith("#"):
            continue
        e = _parse_line(src, number, line)
        if e.path in entries:
            raise error(Loc(src, number, _column(line, 6)),
                        "'%s' is listed twice" % e.path)
        entries[e.path] = e
    return entries


def _parse_line(src, number, line):
    fields = line.split(" ", 6)
    if len(fields) != 7:
        raise error(Loc(src, number, 1), "expected seven fields: %s" %
                    COLUMNS[2:])
    kind, state, before, mode, after, start, path = fields

    def check(ok, index, what):
        if not ok:
            raise error(Loc(src, number, _column(line, index)),
                        "bad %s '%s'" % (what, fields[index]))

    check(kind in (DIR, FILE, MERGE, HOOK, EDIT), 0, "kind")
    check(state in (DONE, DOING, UNDOING), 1, "state")
    check(before == ABSENT or (kind != DIR and _SHA.match(before)), 2,
          "'before' for a %s" % kind)
    check(mode == "-" if before == ABSENT else _MODE.match(mode), 3, "mode")
    check(after == DIRECTORY if kind == DIR else _SHA.match(after), 4,
          "'after' for a %s" % kind)
    if state == DOING:
        check(start in (ABSENT, DIRECTORY) or _SHA.match(start), 5, "start")
    else:
        check(start == "-", 5, "start (only a step being done has one)")
    parts = path.split("/")
    check(parts[0] != STORE and all(p not in ("", ".", "..") for p in parts),
          6, "path")
    return Entry(path, kind, state, before,
                 None if mode == "-" else int(mode, 8), after, start)


def _column(line, index):
    """1-based column of field `index` of a space-separated line."""
    return sum(len(f) + 1 for f in line.split(" ", 6)[:index]) + 1
