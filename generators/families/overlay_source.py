"""What `dfgen overlay` installs, read from dfgen's own tree.

    sys-overlays/P              -> P (every file but *.edit)
    sys-overlays/**/*.edit      anchored inserts into files of the tree
                                (overlay_edit)
    mk/*.mk but mk/local.mk     -> sys/tools/dfgen/mk/...
    generators/**/*.py, generators/dfgen
                                -> sys/tools/dfgen/generators/...
    templates/**, kconf/**      -> sys/tools/dfgen/templates/..., .../kconf/...
    kconf/options.codegen       appended to sys/conf/options, as a block
    kconf/files.codegen         appended to sys/conf/files, as a block
    the build hook              appended to sys/conf/kern.post.mk, as a block

The copy under sys/tools/dfgen is what git tracks: walks are sorted and
skip __pycache__, *.pyc and mk/local.mk.  A file is installed with mode
0755 if it is executable here, 0644 if not.  Each appended block is
marked so a person reading the file knows where it came from:

    # BEGIN dfgen overlay: kconf/options.codegen (do not edit; ...)
    ...
    # END dfgen overlay
"""

import os
from dataclasses import dataclass

from dfgen_core.diag import error
from dfgen_core.source import file_loc

from .overlay_edit import SUFFIX as EDIT_SUFFIX
from .overlay_edit import read_edits
from .overlay_manifest import EDIT, FILE, HOOK, MERGE, STORE

COPY_DIR = "sys/tools/dfgen"
MERGES = (("kconf/options.codegen", "sys/conf/options"),
          ("kconf/files.codegen", "sys/conf/files"))
HOOK_TARGET = "sys/conf/kern.post.mk"
HOOK_TEXT = b'.include "$S/conf/dfgen.kern.mk"\n'
BEGIN = b"# BEGIN dfgen overlay: "
END = b"# END dfgen overlay\n"


@dataclass(frozen=True)
class Item:
    """One thing the overlay puts in the tree."""

    path: str       # where, relative to SRCTOP
    kind: str       # FILE (the whole file), MERGE or HOOK (a block),
                    # EDIT (anchored inserts)
    data: bytes     # FILE: the content; MERGE, HOOK: the marked block
    mode: object    # FILE: 0o755 or 0o644; the others keep the file's
    source: str     # what it comes from, relative to dfgen's top
    edits: tuple = ()   # EDIT: overlay_edit.Edit, in order


def collect(top):
    """Every Item, in a stable order; an error if dfgen's tree is not
    usable as an overlay."""
    if not os.path.isdir(os.path.join(top, "sys-overlays")):
        raise error(file_loc(top), "not a dfgen source tree "
                    "(it has no sys-overlays/)")
    overlay = _walk(top, "sys-overlays")
    items = [_file(top, "sys-overlays/" + rel, rel) for rel in overlay
             if not rel.endswith(EDIT_SUFFIX)]
    items += _edits(top, [rel for rel in overlay
                          if rel.endswith(EDIT_SUFFIX)])
    items += [_file(top, rel, COPY_DIR + "/" + rel)
              for rel in _dfgen_files(top)]
    for source, target in MERGES:
        path = os.path.join(top, source)
        if os.path.isfile(path):
            with open(path, "rb") as f:
                items.append(Item(target, MERGE, block(source, f.read()),
                                  None, source))
    items.append(Item(HOOK_TARGET, HOOK, block("build hook", HOOK_TEXT),
                      None, "the build hook"))
    _check_paths(top, items)
    return items


def _edits(top, descriptions):
    """One EDIT item per file the descriptions edit, holding every edit
    of it in the order of the descriptions' paths."""
    by_target, first = {}, {}
    for rel in descriptions:
        source = "sys-overlays/" + rel
        for edit in read_edits(os.path.join(top, *source.split("/"))):
            by_target.setdefault(edit.target, []).append(edit)
            first.setdefault(edit.target, source)
    return [Item(target, EDIT, b"", None, first[target],
                 tuple(by_target[target])) for target in sorted(by_target)]


def block(label, content):
    """The marked block holding `content`."""
    if content and not content.endswith(b"\n"):
        content += b"\n"
    head = "%s (do not edit; `dfgen overlay --revert` removes it)\n" % label
    return BEGIN + head.encode("utf-8") + content + END


def appended(base, block_data):
    """`base` with a block appended after a blank line."""
    if not base:
        return block_data
    return base + (b"\n" if base.endswith(b"\n") else b"\n\n") + block_data


def has_block(data):
    return data.startswith(BEGIN) or b"\n" + BEGIN in data


def _dfgen_files(top):
    """dfgen's own files that the tree gets a copy of."""
    files = ["mk/" + name for name in _walk(top, "mk")
             if "/" not in name and name.endswith(".mk")
             and name != "local.mk"]
    files += ["generators/" + name for name in _walk(top, "generators")
              if name.endswith(".py") or name == "dfgen"]
    for folder in ("templates", "kconf"):
        files += [folder + "/" + name for name in _walk(top, folder)]
    return files


def _walk(top, folder):
    """Files under top/folder, relative to it, sorted, without Python's
    caches; [] if there is no such folder."""
    out = []
    root = os.path.join(top, folder)
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        rel = os.path.relpath(dirpath, root).replace(os.sep, "/")
        for name in sorted(filenames):
            if not name.endswith(".pyc"):
                out.append(name if rel == "." else rel + "/" + name)
    return out


def _file(top, source, target):
    path = os.path.join(top, *source.split("/"))
    with open(path, "rb") as f:
        data = f.read()
    mode = 0o755 if os.stat(path).st_mode & 0o111 else 0o644
    return Item(target, FILE, data, mode, source)


def _check_paths(top, items):
    """No two items at one path, none where another needs a directory,
    none in the overlay's own store."""
    by_path = {}
    for item in items:
        where = file_loc(os.path.join(top, item.source))
        if "\n" in item.path or item.path.split("/")[0] == STORE:
            raise error(where, "cannot be installed at '%s'" % item.path)
        first = by_path.setdefault(item.path, item)
        if first is not item:
            # Files come first, so `first` names a file of dfgen's tree.
            raise error(file_loc(os.path.join(top, first.source)),
                        "installs '%s', as does %s" %
                        (item.path, item.source))
    for item in items:
        parts = item.path.split("/")
        for n in range(1, len(parts)):
            other = by_path.get("/".join(parts[:n]))
            if other is not None:
                raise error(file_loc(os.path.join(top, item.source)),
                            "would install '%s' inside '%s', which %s "
                            "installs as a file" %
                            (item.path, other.path, other.source))
