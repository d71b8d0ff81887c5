"""The source tree: reading it while planning, changing it step by step.

Tree answers what a path holds now.  Writer is the only code that
changes SRCTOP, one step at a time: a file written (atomically, then
given its mode), a directory made or removed, a file removed, a mode
set, the manifest saved.  apply() runs a plan through a Writer,
recording each step's intent in the manifest before the step and its
result after it, so a killed run leaves a manifest that says what may
have happened.

For tests, Writer(stop_after=N) ends the process abruptly (os._exit(9))
right after its N-th step, as a kill between two steps would.
"""

import hashlib
import os
import shutil
import stat

from dfgen_core.output import write_atomic

from .overlay_manifest import (ABSENT, DIRECTORY, MANIFEST, STORE,
                               format_manifest, orig_path)

LINK, OTHER = "link", "other"


def sha256(data):
    return hashlib.sha256(data).hexdigest()


class Tree:
    """What the paths of SRCTOP hold, read once each."""

    def __init__(self, root):
        self.root = root
        self._data = {}

    def abspath(self, path):
        return os.path.join(self.root, *path.split("/"))

    def _lstat(self, path):
        try:
            return os.lstat(self.abspath(path))
        except (FileNotFoundError, NotADirectoryError):
            return None

    def token(self, path):
        """The sha256 of a regular file's content, or ABSENT, DIRECTORY,
        LINK (a symbolic link), OTHER (a device, a socket...)."""
        st = self._lstat(path)
        if st is None:
            return ABSENT
        if stat.S_ISDIR(st.st_mode):
            return DIRECTORY
        if stat.S_ISLNK(st.st_mode):
            return LINK
        if not stat.S_ISREG(st.st_mode):
            return OTHER
        return sha256(self.data(path))

    def mode(self, path):
        st = self._lstat(path)
        return None if st is None else stat.S_IMODE(st.st_mode)

    def data(self, path):
        """A regular file's content (b"" if it is absent)."""
        if path not in self._data:
            try:
                with open(self.abspath(path), "rb") as f:
                    self._data[path] = f.read()
            except FileNotFoundError:
                self._data[path] = b""
        return self._data[path]

    def names(self, path):
        """The names in a directory, sorted."""
        return sorted(os.listdir(self.abspath(path)))

    def walk(self, path):
        """(files, directories) under a directory, relative to SRCTOP,
        sorted; ([], []) if it is absent."""
        files, dirs = [], []
        for dirpath, dirnames, filenames in os.walk(self.abspath(path)):
            rel = os.path.relpath(dirpath, self.root).replace(os.sep, "/")
            dirnames.sort()
            dirs += [rel + "/" + n for n in dirnames]
            files += [rel + "/" + n for n in sorted(filenames)]
        return files, dirs


class Writer:
    """Every change to SRCTOP, one counted step each."""

    def __init__(self, root, stop_after=None):
        self.tree = Tree(root)
        self.stop_after = stop_after
        self.steps = 0
        self.saved = None       # the manifest text last written

    def _step(self):
        self.steps += 1
        if self.steps == self.stop_after:
            os._exit(9)

    def write(self, path, data, mode):
        target = self.tree.abspath(path)
        write_atomic(target, data)
        os.chmod(target, mode)
        self._step()

    def keep_original(self, path, data):
        target = self.tree.abspath(orig_path(path))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        write_atomic(target, data)
        self._step()

    def save(self, entries):
        """Write the manifest of `entries`, if that changes it (and
        never start an empty one)."""
        text = format_manifest(entries)
        if text == self.saved or (self.saved is None and not entries):
            return
        os.makedirs(self.tree.abspath(STORE), exist_ok=True)
        write_atomic(self.tree.abspath(MANIFEST), text.encode("utf-8"))
        self.saved = text
        self._step()

    def mkdir(self, path, mode):
        os.mkdir(self.tree.abspath(path), mode)
        os.chmod(self.tree.abspath(path), mode)
        self._step()

    def chmod(self, path, mode):
        os.chmod(self.tree.abspath(path), mode)
        self._step()

    def remove(self, path):
        os.unlink(self.tree.abspath(path))
        self._step()

    def rmdir(self, path):
        os.rmdir(self.tree.abspath(path))
        self._step()

    def prune(self, paths):
        """Remove files, then (empty) directories, as one step."""
        for path in paths:
            if os.path.isdir(self.tree.abspath(path)):
                os.rmdir(self.tree.abspath(path))
            else:
                os.unlink(self.tree.abspath(path))
        self._step()

    def rmtree(self, path):
        shutil.rmtree(self.tree.abspath(path))
        self._step()


def apply(actions, entries, writer, done=lambda action: None):
    """Carry out `actions` (planned from the manifest `entries`); call
    done(action) after each."""
    manifest = dict(entries)
    try:
        with open(writer.tree.abspath(MANIFEST), encoding="utf-8") as f:
            writer.saved = f.read()
    except FileNotFoundError:
        pass
    for a in actions:
        if a.orig is not None:
            writer.keep_original(a.path, a.orig)
        if a.intent is not None:
            manifest[a.path] = a.intent
            writer.save(manifest)
        _perform(a, writer)
        if a.drop:
            del manifest[a.path]
        elif a.result is not None:
            manifest[a.path] = a.result
        if a.op != "rmtree":
            writer.save(manifest)
        done(a)


def _perform(a, writer):
    if a.op == "write":
        writer.write(a.path, a.data, a.mode)
    elif a.op == "mkdir":
        writer.mkdir(a.path, a.mode)
    elif a.op == "chmod":
        writer.chmod(a.path, a.mode)
    elif a.op == "remove":
        writer.remove(a.path)
    elif a.op == "rmdir":
        writer.rmdir(a.path)
    elif a.op == "prune":
        writer.prune(a.removes)
    elif a.op == "rmtree":
        writer.rmtree(a.path)
