"""dfgen overlay: install dfgen into a DragonFly source tree, check it,
or take it out again.

    dfgen overlay [--dry-run | --check | --revert] [-v] SRCTOP

Installing puts every file of sys-overlays/ at its path under SRCTOP,
a copy of dfgen itself under SRCTOP/sys/tools/dfgen, the kconf
declarations as marked blocks at the end of sys/conf/options and
sys/conf/files, and the build hook (an .include of dfgen.kern.mk) as a
marked block at the end of sys/conf/kern.post.mk, and the lines the
edit descriptions (sys-overlays/**/*.edit, overlay_edit) insert into
files of the tree next to their anchors; overlay_source says exactly
what.  The run plans every action and checks every
precondition before it writes anything (overlay_plan), and refuses the
whole run if someone changed a file since the overlay put it there.  A
second run with nothing new does nothing and says so; a run after
dfgen's sources changed brings the tree up to date.

--dry-run prints the plan, one action a line ("create sys/dfgen/x.c",
"replace sys/kern/kern_bar.c", "merge sys/conf/options", "hook
sys/conf/kern.post.mk", "edit sys/kern/lwkt_thread.c", ...) and
changes nothing.  --check prints each difference between the tree and the overlay ("not installed P",
"missing P", "differs P: why", "stale P: why", "leftover P") and exits
1 if there is one; it exits 0 exactly when an install would do nothing.
--revert puts the tree back byte for byte, modes included, as it was
before the first install.  -v prints each action as it is done.  Paths
are printed relative to SRCTOP.

SRCTOP/.dfgen-overlay holds the manifest (overlay_manifest) and a copy
of every original the overlay replaced or appended to.  Each action is
recorded there before it happens and again after, so a run killed at
any point can be finished by running the install again, or undone with
--revert.

For tests: --dfgen-top DIR installs from another copy of dfgen's tree
(default: the one this program is in), and DFGEN_OVERLAY_STOP_AFTER=N
in the environment makes the run end abruptly, exit status 9, right
after its N-th change to the disk.
"""

import argparse
import os

from dfgen_core.command import Command
from dfgen_core.diag import UsageError, error
from dfgen_core.paths import TOP_DIR
from dfgen_core.source import file_loc

from .overlay_manifest import load_manifest, path_key
from .overlay_plan import Planner
from .overlay_source import HOOK_TARGET, MERGES, collect
from .overlay_tree import Tree, Writer, apply

# What every DragonFly source tree has, and the overlay appends to.
REQUIRED = tuple(target for _, target in MERGES) + (HOOK_TARGET,)
STOP_VARIABLE = "DFGEN_OVERLAY_STOP_AFTER"


class Overlay(Command):
    name = "overlay"
    summary = "install dfgen into a DragonFly source tree (or check, revert)"

    def add_arguments(self, parser):
        what = parser.add_mutually_exclusive_group()
        what.add_argument("--dry-run", action="store_true",
                          help="print the plan, one action a line, and "
                          "change nothing")
        what.add_argument("--check", action="store_true",
                          help="list how the tree differs from the overlay; "
                          "exit 1 if it does")
        what.add_argument("--revert", action="store_true",
                          help="put the tree back as it was before the "
                          "first install")
        parser.add_argument("-v", "--verbose", action="store_true",
                            help="print each action as it is done")
        parser.add_argument("--dfgen-top", default=TOP_DIR,
                            help=argparse.SUPPRESS)
        parser.add_argument("srctop", metavar="SRCTOP",
                            help="the top of a DragonFly source tree")

    def run(self, args):
        stop_after = _stop_after()
        _check_srctop(args.srctop)
        tree = Tree(args.srctop)
        planner = Planner(tree, load_manifest(args.srctop))
        if args.revert:
            planner.revert()
        else:
            planner.install(collect(args.dfgen_top))
        if args.check:
            return _report_differences(args.srctop, planner)
        if planner.conflicts:
            raise _refusal(tree, planner.conflicts)
        if not planner.actions:
            print("dfgen overlay: %s %s" % (args.srctop, "has no overlay "
                  "installed" if args.revert else "already matches the "
                  "overlay"))
            return 0
        if args.dry_run:
            for action in planner.actions:
                print(action)
            return 0
        apply(planner.actions, planner.entries,
              Writer(args.srctop, stop_after),
              print if args.verbose else lambda action: None)
        return 0


def _stop_after():
    value = os.environ.get(STOP_VARIABLE)
    if value is None:
        return None
    if not value.isdigit() or int(value) == 0:
        raise UsageError("dfgen overlay: %s must be a positive number, "
                         "not '%s'" % (STOP_VARIABLE, value))
    return int(value)


def _check_srctop(srctop):
    if not os.path.isdir(srctop):
        raise error(file_loc(srctop), "no such directory")
    for path in REQUIRED:
        if not os.path.isfile(os.path.join(srctop, *path.split("/"))):
            raise error(file_loc(srctop), "not a DragonFly source tree "
                        "(it has no %s)" % path)


def _refusal(tree, conflicts):
    """The error that refuses a run: every conflict, and that nothing
    was changed."""
    first, rest = conflicts[0], conflicts[1:]
    notes = [(file_loc(tree.abspath(c.path)), c.message) for c in rest]
    notes.append((file_loc(tree.root), "nothing was changed"))
    return error(file_loc(tree.abspath(first.path)), first.message, *notes)


def _report_differences(srctop, planner):
    lines = [(a.path, line) for a in planner.actions
             for line in a.differences]
    lines += [(c.path, c.difference) for c in planner.conflicts]
    for _, line in sorted(lines, key=lambda pl: path_key(pl[0])):
        print(line)
    if lines:
        print("dfgen overlay: %s differs from the overlay (%d difference%s)"
              % (srctop, len(lines), "" if len(lines) == 1 else "s"))
        return 1
    print("dfgen overlay: %s matches the overlay" % srctop)
    return 0


COMMAND = Overlay()
