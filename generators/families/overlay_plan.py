"""Planning a run of `dfgen overlay`: every action and every
precondition, before anything is written.

Planning reads the tree and the manifest and changes nothing.  A path
the manifest records is, by what it holds now:

    original    `before`: not installed (a step that never happened,
                or someone put the original back by hand)
    installed   `after`
    changed     anything else: someone changed it since the overlay
                put it there

A path the manifest does not record is untracked: the overlay may
create it, or replace it after keeping a copy of the original.  A
changed path, or anything in the way (a directory where a file goes, a
file someone added to a directory the overlay made), is a Conflict; a
plan with a conflict is refused whole, or listed by --check.

A killed run is settled first, by what the path of an entry left doing
or undoing holds: `after`, the step happened; `before`, the path is
original; for a doing step, `start`, the step never happened, so the
entry is what it was before the step (none, for a first install; the
old `after`, for an update); anything else, a conflict.  If that
settled anything, the plan starts by saving the settled manifest
("recover").  Leftover temporary files of an
interrupted atomic write, beside the paths the overlay writes, are
removed ("clean"); so are files in .dfgen-overlay that the manifest no
longer needs ("prune"), and the whole of .dfgen-overlay once nothing is
installed ("cleanup").
"""

import re
from dataclasses import dataclass, replace

from dfgen_core.diag import error, warning
from dfgen_core.source import file_loc

from .overlay_edit import apply_edits
from .overlay_manifest import (ABSENT, DIR, DIRECTORY, DOING, DONE, EDIT,
                               FILE, HOOK, MANIFEST, MERGE, STORE, UNDOING,
                               Entry, orig_path, path_key)
from .overlay_source import appended, has_block
from .overlay_tree import LINK, OTHER, sha256

UNTRACKED, ORIGINAL, INSTALLED, CHANGED = ("untracked", "original",
                                           "installed", "changed")

# What installing a kind from the original is called, and undoing it.
_INSTALL = {FILE: "replace", MERGE: "merge", HOOK: "hook", EDIT: "edit"}
_UNDO = {FILE: "restore", MERGE: "unmerge", HOOK: "unhook", EDIT: "unedit"}

# The name of the temporary file of an atomic write (tempfile.mkstemp
# with the prefix dfgen_core.output gives it).
_TEMPORARY = re.compile(r"\.(.+)\.[a-z0-9_]{8}\.tmp\Z")


@dataclass
class Action:
    verb: str               # what --dry-run and -v print before the path
    path: str               # relative to SRCTOP
    op: str = "none"        # see overlay_tree._perform
    data: bytes = None      # "write": the content
    mode: int = None        # "write", "mkdir", "chmod": the mode
    orig: bytes = None      # the original, kept before anything else
    intent: Entry = None    # recorded in the manifest before the op
    result: Entry = None    # recorded after it
    drop: bool = False      # after the op, the manifest forgets the path
    removes: tuple = ()     # "prune": the paths it removes
    differences: tuple = ()     # what --check prints for it

    def __str__(self):
        return "%s %s" % (self.verb, self.path)


@dataclass(frozen=True)
class Conflict:
    path: str
    message: str            # why the run is refused, and what to do
    difference: str         # what --check prints for it


class Planner:
    """Plans one run: install() or revert() fills `actions` and
    `conflicts`.  `entries` is the manifest the run starts from."""

    def __init__(self, tree, entries):
        self.tree = tree
        self.actions = []
        self.conflicts = []
        self._blocked = set()       # paths with a conflict
        self._leftovers = set()     # temporary files to remove
        store = tree.token(STORE)
        if store not in (ABSENT, DIRECTORY):
            raise error(file_loc(tree.abspath(STORE)), "is %s; dfgen "
                        "overlay keeps its manifest in a directory "
                        "there" % _describe(store))
        self.entries = self._recover(entries)
        self._check_originals()

    # -- the two plans ------------------------------------------------------

    def install(self, items):
        wanted = {item.path: item for item in items}
        dirs = {d for path in wanted for d in _parents(path)}
        self._clean(set(wanted) | set(self.entries))
        for path in sorted(set(wanted) | dirs, key=path_key):
            if path in self._blocked:
                continue
            if path in wanted:
                self._install(wanted[path])
            else:
                self._need_dir(path)
        stale = set(self.entries) - set(wanted) - dirs - self._blocked
        for path in sorted(stale, key=path_key, reverse=True):
            self._undo(self.entries[path], "remove")
        self._finish()

    def revert(self):
        self._clean(set(self.entries))
        for path in sorted(self.entries, key=path_key, reverse=True):
            if path not in self._blocked:
                self._undo(self.entries[path], "revert")
        self._finish()

    # -- settling a killed run -------------------------------------------

    def _recover(self, entries):
        settled = {}
        for path, e in entries.items():
            if e.state == DONE:
                settled[path] = e
                continue
            now = self.tree.token(path)
            if now == e.after:
                settled[path] = replace(e, state=DONE, start="-")
            elif e.state == DOING and now == e.start:
                if e.start != e.before:
                    settled[path] = replace(e, state=DONE, after=e.start,
                                            start="-")
            elif now == e.before:
                settled[path] = replace(e, state=DONE, start="-")
            else:
                settled[path] = e
                self._changed(e, now, "finish or revert")
        if settled != entries:
            self._add("recover", MANIFEST, op="save",
                      differences=("unfinished %s: a run was interrupted" %
                                   MANIFEST,))
        return settled

    def _check_originals(self):
        for e in self.entries.values():
            copy = orig_path(e.path)
            if e.before != ABSENT and self.tree.token(copy) != e.before:
                raise error(file_loc(self.tree.abspath(copy)),
                            "missing or damaged: it should be the original "
                            "of %s, without which the overlay cannot be "
                            "reverted" % e.path)

    # -- installing ---------------------------------------------------------

    def _need_dir(self, path):
        now = self.tree.token(path)
        if now == DIRECTORY:
            return
        if now != ABSENT:
            self._conflict(path, "is %s where the overlay needs a directory; "
                           "move it away, then run again" % _describe(now),
                           "differs %s: not a directory" % path)
            return
        e = Entry(path, DIR, DONE, ABSENT, None, DIRECTORY)
        self._add("mkdir", path, op="mkdir", mode=0o755,
                  intent=replace(e, state=DOING, start=ABSENT), result=e)

    def _install(self, item):
        path = item.path
        e = self.entries.get(path)
        now = self.tree.token(path)
        if now in (DIRECTORY, LINK, OTHER):
            self._conflict(path, "is %s where the overlay installs a file; "
                           "move it away, then run again" % _describe(now),
                           "differs %s: not a file" % path)
            return
        state = self._state(e, now)
        if state == CHANGED:
            self._changed(e, now, "overwrite")
            return
        if item.kind == EDIT and now == ABSENT:
            # A tree without the file (another platform, a partial
            # tree) gets every other part of the overlay.
            for edit in item.edits:
                warning(edit.loc, "edit '%s' is skipped: the tree has no "
                        "%s" % (edit.name, path))
            return
        if (item.kind in (MERGE, HOOK) and state == UNTRACKED and
                has_block(self.tree.data(path))):
            self._conflict(path, "already holds a dfgen overlay block that "
                           "%s does not record; remove the block, then run "
                           "again" % MANIFEST,
                           "differs %s: an unrecorded dfgen block" % path)
            return
        data, mode = self._desired(item, e)
        after = sha256(data)
        now_mode = self.tree.mode(path)
        if now == after and (now_mode == mode or e is not None):
            if now_mode != mode:
                self._add("chmod", path, op="chmod", mode=mode, differences=(
                    "differs %s: mode %04o, the overlay's is %04o" %
                    (path, now_mode, mode),))
            return
        entry = Entry(path, item.kind, DONE, e.before if e else now,
                      e.mode if e else now_mode, after)
        if state == INSTALLED:
            verb = "update" if item.kind == FILE else _INSTALL[item.kind]
            difference = "differs %s: out of date" % path
        else:
            verb = "create" if now == ABSENT else _INSTALL[item.kind]
            difference = "%s %s" % ("missing" if e else "not installed", path)
        self._add(verb, path, op="write", data=data, mode=mode,
                  orig=self.tree.data(path) if state == UNTRACKED and
                  now != ABSENT else None,
                  intent=replace(entry, state=DOING, start=now), result=entry,
                  differences=(difference,))

    def _desired(self, item, e):
        """The content and mode `item` gives its path."""
        if item.kind == FILE:
            return item.data, item.mode
        if e is not None:
            base, mode = self._original(e), e.mode
        else:
            base, mode = self.tree.data(item.path), self.tree.mode(item.path)
        mode = 0o644 if mode is None else mode
        if item.kind == EDIT:
            return apply_edits(base, item.edits, item.path), mode
        return appended(base, item.data), mode

    # -- undoing ------------------------------------------------------------

    def _undo(self, e, doing):
        """Put back what `e.path` held before the first install."""
        path = e.path
        now = self.tree.token(path)
        stale = ("stale %s: no longer in the overlay" % path,)
        if e.kind == DIR:
            self._undo_dir(e, now, stale)
            return
        state = self._state(e, now)
        if state == CHANGED:
            self._changed(e, now, doing)
        elif state == ORIGINAL:
            if e.mode is None or self.tree.mode(path) == e.mode:
                self._add("forget", path, drop=True, differences=stale)
            else:
                self._add("forget", path, op="chmod", mode=e.mode, drop=True,
                          differences=stale)
        elif e.before == ABSENT:
            self._add("remove", path, op="remove", drop=True,
                      intent=replace(e, state=UNDOING), differences=stale)
        else:
            self._add(_UNDO[e.kind], path, op="write", data=self._original(e),
                      mode=e.mode, drop=True,
                      intent=replace(e, state=UNDOING), differences=stale)

    def _undo_dir(self, e, now, stale):
        path = e.path
        if now == ABSENT:
            self._add("forget", path, drop=True, differences=stale)
        elif now != DIRECTORY:
            self._conflict(path, "is now %s, not the directory the overlay "
                           "made; move it away, then run again" %
                           _describe(now),
                           "differs %s: not a directory" % path)
        else:
            foreign = [n for n in self.tree.names(path)
                       if path + "/" + n not in self.entries and
                       path + "/" + n not in self._leftovers]
            if foreign:
                self._conflict(path, "holds %s, which the overlay did not "
                               "create; move %s away, then run again" %
                               (", ".join(foreign),
                                "it" if len(foreign) == 1 else "them"),
                               "differs %s: holds %s" %
                               (path, ", ".join(foreign)))
            else:
                self._add("rmdir", path, op="rmdir", drop=True,
                          intent=replace(e, state=UNDOING), differences=stale)

    # -- bookkeeping --------------------------------------------------------

    def _clean(self, paths):
        """Plan the removal of temporary files that an interrupted atomic
        write of one of `paths` (or of a file in .dfgen-overlay) left."""
        beside = {}
        for path in paths:
            folder, _, name = path.rpartition("/")
            beside.setdefault(folder, set()).add(name)
        for folder in sorted(beside, key=path_key):
            if self.tree.token(folder or ".") != DIRECTORY:
                continue
            for name in self.tree.names(folder or "."):
                match = _TEMPORARY.match(name)
                path = folder + "/" + name if folder else name
                if (match and match.group(1) in beside[folder] and
                        self.tree.token(path) not in (ABSENT, DIRECTORY,
                                                      LINK, OTHER)):
                    self._leftovers.add(path)
                    self._add("clean", path, op="remove", differences=(
                        "leftover %s: from an interrupted write" % path,))

    def _finish(self):
        """Plan the tidying of .dfgen-overlay once the actions are done."""
        if self.tree.token(STORE) == ABSENT:
            return
        final = dict(self.entries)
        for a in self.actions:
            if a.drop:
                final.pop(a.path, None)
            elif a.result is not None:
                final[a.path] = a.result
        if not final:
            self._add("cleanup", STORE, op="rmtree",
                      differences=("leftover %s" % STORE,))
            return
        keep = {MANIFEST} | {orig_path(path) for path, e in final.items()
                             if e.before != ABSENT}
        keep_dirs = {d for path in keep for d in _parents(path)}
        files, dirs = self.tree.walk(STORE)
        removes = ([f for f in files if f not in keep] +
                   [d for d in reversed(dirs) if d not in keep_dirs])
        if removes:
            self._add("prune", STORE, op="prune", removes=tuple(removes),
                      differences=tuple("leftover %s" % path
                                        for path in removes))

    # -- helpers ------------------------------------------------------------

    def _add(self, verb, path, **fields):
        self.actions.append(Action(verb, path, **fields))

    def _conflict(self, path, message, difference):
        self.conflicts.append(Conflict(path, message, difference))
        self._blocked.add(path)

    def _changed(self, e, now, doing):
        """A conflict: someone changed what the overlay put at e.path."""
        path = e.path
        if now == ABSENT:
            what, difference = "removed", "missing %s" % path
        else:
            what = "changed" if now not in (DIRECTORY, LINK, OTHER) else \
                "replaced by %s" % _describe(now)
            difference = "differs %s: %s since the overlay installed it" % (
                path, what)
        if e.before == ABSENT:
            fix = "save your version elsewhere and delete it"
        elif now == ABSENT:
            fix = "put back the original from %s" % orig_path(path)
        else:
            fix = "save your version elsewhere and put back the original " \
                "from %s" % orig_path(path)
        self._conflict(path, "%s since the overlay installed it, so dfgen "
                       "overlay will not %s it; %s, then run again" %
                       (what, doing, fix), difference)

    def _state(self, e, now):
        if e is None:
            return UNTRACKED
        if now == e.before:
            return ORIGINAL
        if now == e.after:
            return INSTALLED
        return CHANGED

    def _original(self, e):
        """What e.path held before the first install (b"" if nothing)."""
        if e.before == ABSENT:
            return b""
        return self.tree.data(orig_path(e.path))


def _parents(path):
    """The directories `path` is in, outermost first, SRCTOP excluded."""
    parts = path.split("/")
    return ["/".join(parts[:n]) for n in range(1, len(parts))]


def _describe(token):
    return {DIRECTORY: "a directory", LINK: "a symbolic link",
            OTHER: "a special file", ABSENT: "absent"}.get(token, "a file")
