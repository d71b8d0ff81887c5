"""kconf --files: the files a kernel config selects, for the kernel check.

Reads the files lists config(8) reads, in its order: SYSDIR/conf/files,
then dfgen's kconf/files.codegen (where the overlay appends it; skipped
entry by entry when the tree already lists the path), the platform's
SYSDIR/platform/<platform>/conf/files (or files.<platform> beside the
config), and files.<IDENT> beside the config.  The selection
(dfgen_core/conffiles.py) gives config(8)'s use_*.h headers and the
lists of its Makefile, which go into dfgen-kconf.mk for
mk/kernel-check.mk:

    DFGEN_KERNEL_IDENT, _PLATFORM, _MACHINE, _MACHINE_ARCH
    DFGEN_KERNEL_CFILES, _MFILES, _SFILES, _BEFORE_DEPEND
                        as config(8)'s CFILES, MFILES, SFILES and
                        BEFORE_DEPEND: $S/path, or the bare name of a
                        file made in the object directory
    DFGEN_KERNEL_RULE.<object>  the compile-with rule of a C file
    DFGEN_KERNEL_OWN    the C files dfgen adds or changes: listed in
                        files.codegen, or shipped under sys-overlays/sys
    the makeoptions     NAME=value, last first, as config(8) writes them
"""

import os
from dataclasses import dataclass

from dfgen_core.conffiles import read_files_list, select_files, use_headers
from dfgen_core.diag import error
from dfgen_core.paths import TOP_DIR
from dfgen_core.source import file_loc

OVERLAY_SYS = os.path.join(TOP_DIR, "sys-overlays", "sys")


@dataclass(frozen=True)
class KernelFiles:
    """What the fragment says about the kernel's files."""

    ident: str
    platform: str
    machine: str
    machine_arch: str
    cfiles: tuple
    mfiles: tuple
    sfiles: tuple
    before_depend: tuple
    rules: tuple        # ((object, compile-with), ...)
    own: tuple
    makeoptions: tuple  # ((name, value), ...)


def lists_to_read(config, sysdir, codegen_dir):
    """[(path, local list?)] in config(8)'s order."""
    here = os.path.dirname(config.path)
    platform = os.path.join(sysdir, "platform", config.platform[0], "conf",
                            "files")
    if not os.path.exists(platform):
        platform = os.path.join(here, "files.%s" % config.platform[0])
    out = [(os.path.join(sysdir, "conf", "files"), False),
           (os.path.join(codegen_dir, "files.codegen"), False),
           (platform, False)]
    local = os.path.join(here, "files.%s" % config.ident_name)
    if os.path.exists(local):
        out.append((local, True))
    return out


def select(config, settings, sysdir, codegen_dir):
    """(KernelFiles, {use header: text}, [files read])."""
    paths = lists_to_read(config, sysdir, codegen_dir)
    lists = []
    for path, local in paths:
        if not os.path.exists(path):
            raise error(file_loc(config.path), "no files list '%s' for "
                        "platform '%s'" % (path, config.platform[0]))
        lists.append(read_files_list(path, local))
    mine = {e.path for e in lists[1]}
    tree = {e.path for entries in lists[:1] + lists[2:] for e in entries}
    lists[1] = [e for e in lists[1] if e.path not in tree]
    selection = select_files(lists, config, settings)
    headers = use_headers(selection)
    return _kernel_files(config, selection, mine), headers, \
        [p for p, _ in paths]


def _kernel_files(config, selection, mine):
    visible = selection.visible
    cfiles = [e for e in visible if e.path.endswith("c") and
              e.type != "no-depend"]
    own = [_listed(e) for e in cfiles if e.path in mine or
           os.path.exists(os.path.join(OVERLAY_SYS, e.path))]
    rules = [(e.object, e.compile_with) for e in cfiles
             if e.compile_with is not None]
    return KernelFiles(
        ident=config.ident_name,
        platform=config.platform[0],
        machine=config.machine[0],
        machine_arch=config.machine_arch[0],
        cfiles=tuple(_listed(e) for e in cfiles),
        mfiles=tuple("$S/" + e.path for e in visible
                     if e.path.endswith(".m")),
        sfiles=tuple("$S/" + e.path for e in visible
                     if e.path.endswith(("s", "S"))),
        before_depend=tuple(e.path if e.has("no-implicit-rule") else
                            "$S/" + e.path for e in visible
                            if e.has("before-depend")),
        rules=tuple(rules),
        own=tuple(own),
        makeoptions=tuple((s.name, s.value)
                          for s in reversed(config.makeoptions)))


def _listed(entry):
    """How config(8)'s CFILES names a file."""
    return entry.path if entry.type == "local" else "$S/" + entry.path
