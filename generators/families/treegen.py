"""dfgen treegen: run one of the kernel tree's own code generators.

    dfgen treegen --script SCRIPT [--tool awk|sh] [--arg=WORD ...]
                  --output NAME [--output NAME ...] [-o DIR] INPUT ...

For each INPUT, runs the script (`awk -f SCRIPT -- ARGS` or `sh SCRIPT
ARGS`, where an argument %i stands for the input; with no --arg the
input is the only argument) in a fresh directory, then copies the files
it was declared to write (--output; %s stands for the input's name less
its suffix) into DIR, each only when its content changed, and writes the
make record.  A script that fails, leaves out a declared output, or
writes a file its declaration does not name is an error, and no output
is touched.  This is how mk/dfgen.mk runs the tree generators declared
in mk/families.mk: the tree's scripts get the exact dependencies,
write-if-changed, GEN lines and -j safety of dfgen's own families.

The awk that runs is $AWK, or awk.
"""

import os
import shutil
import subprocess
import sys
import tempfile

from dfgen_core.command import Command
from dfgen_core.diag import UsageError, error
from dfgen_core.family import common_arguments, report
from dfgen_core.output import commit
from dfgen_core.source import file_loc

TOOLS = ("awk", "sh")


class TreeGen(Command):
    name = "treegen"
    summary = "run a code generator of the kernel tree (an awk or sh script)"

    def add_arguments(self, parser):
        common_arguments(parser, inputs_help="the script's input files")
        parser.add_argument("--script", required=True, metavar="SCRIPT",
                            help="the generator script, in the tree")
        parser.add_argument("--tool", choices=TOOLS, default="awk",
                            help="what runs the script (default: awk)")
        parser.add_argument("--arg", dest="args", action="append",
                            default=[], metavar="WORD",
                            help="an argument of the script, %%i for the "
                            "input (write --arg=WORD when WORD starts "
                            "with '-')")
        parser.add_argument("--output", dest="outputs", action="append",
                            required=True, metavar="NAME",
                            help="a file one run writes, %%s for the "
                            "input's name less its suffix")

    def run(self, args):
        plan, owner = [], {}
        for path in args.inputs:
            names = [o.replace("%s", _stem(path)) for o in args.outputs]
            for name in names:
                if os.path.basename(name) != name or not name:
                    raise UsageError("dfgen treegen: '%s' is not a file "
                                     "name" % name)
                if name in owner:
                    raise UsageError("dfgen treegen: '%s' and '%s' would "
                                     "both write '%s'" %
                                     (owner[name], path, name))
                owner[name] = path
            plan.append((path, names))
        if args.list_outputs:
            for _, names in plan:
                for name in names:
                    print(os.path.join(args.output_dir, name))
            return 0

        os.makedirs(args.output_dir, exist_ok=True)
        produced = []
        for path, names in plan:
            produced += self.run_one(args, path, names)
        report(args, commit(produced), [o for o, _ in produced],
               [args.script] + args.inputs)
        return 0

    def run_one(self, args, path, names):
        """[(output path, bytes)] of one run of the script on `path`."""
        if not os.path.isfile(path):
            raise error(file_loc(path), "no such input file")
        argv = [a.replace("%i", os.path.abspath(path))
                for a in args.args] or [os.path.abspath(path)]
        script = os.path.abspath(args.script)
        if args.tool == "awk":
            command = [os.environ.get("AWK", "awk"), "-f", script,
                       "--"] + argv
        else:
            command = ["sh", script] + argv
        work = tempfile.mkdtemp(prefix=".treegen.", dir=args.output_dir)
        try:
            # What the script prints is its own chatter: to stderr.
            done = subprocess.run(command, cwd=work, stdout=sys.stderr,
                                  stderr=sys.stderr)
            if done.returncode != 0:
                raise error(file_loc(path), "%s exited with status %d" %
                            (args.script, done.returncode))
            written = sorted(os.listdir(work))
            for name in written:
                if name not in names:
                    raise error(file_loc(path), "%s wrote '%s', which its "
                                "declaration does not name" %
                                (args.script, name))
            out = []
            for name in names:
                if name not in written:
                    raise error(file_loc(path), "%s did not write '%s'" %
                                (args.script, name))
                with open(os.path.join(work, name), "rb") as f:
                    out.append((os.path.join(args.output_dir, name),
                                f.read()))
            return out
        finally:
            shutil.rmtree(work)


def _stem(path):
    return os.path.splitext(os.path.basename(path))[0]


COMMAND = TreeGen()
