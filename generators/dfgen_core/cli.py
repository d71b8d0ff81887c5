"""The dfgen command line: one subcommand per job.

Every subcommand takes its input paths and -o DIR, prints nothing on
success unless asked (-v), has --help, and can list the files it would
write (--list-outputs).  Exit status: 0 done, 1 bad input, 2 bad usage.
"""

import argparse
import importlib
import sys

from .diag import (EXIT_INPUT, EXIT_USAGE, DfgenError, UsageError,
                   format_diagnostic)

# The subcommands, in --help order: module families.<name> defines COMMAND.
COMMANDS = ("consts",)


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError("%s: %s" % (self.prog, message))


def _load(name):
    return importlib.import_module("families." + name).COMMAND


def build_parser():
    parser = _Parser(prog="dfgen", description="Code generation for the "
                     "DragonFly BSD kernel build.")
    sub = parser.add_subparsers(dest="command_name", metavar="COMMAND")
    sub.required = True
    for name in COMMANDS:
        command = _load(name)
        p = sub.add_parser(name, help=command.summary,
                           description=command.summary)
        _common_arguments(p)
        command.add_arguments(p)
        p.set_defaults(command_obj=command)
    return parser


def _common_arguments(p):
    p.add_argument("inputs", nargs="+", metavar="FILE",
                   help="definition files")
    p.add_argument("-o", dest="output_dir", default=".", metavar="DIR",
                   help="directory to write into (default: .)")
    p.add_argument("-I", dest="include_dirs", action="append", default=[],
                   metavar="DIR", help="also look for included files here")
    p.add_argument("-v", "--verbose", action="store_true",
                   help="print 'GEN path' for every file written")
    p.add_argument("--list-outputs", action="store_true",
                   help="print the files that would be written, and stop")
    p.add_argument("--record", metavar="FILE",
                   help="after success, write the make record of this run "
                   "(used by mk/dfgen.mk)")


def _recorded_command(argv):
    """argv less the flags that do not change what is generated."""
    out, skip = [], False
    for a in argv:
        if skip:
            skip = False
        elif a == "--record":
            skip = True
        elif a not in ("-v", "--verbose") and not a.startswith("--record="):
            out.append(a)
    return out


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    try:
        args = build_parser().parse_args(argv)
        args.command = _recorded_command(argv)
        return args.command_obj.run(args)
    except UsageError as e:
        sys.stderr.write("%s\n" % e)
        sys.stderr.write("usage: see 'dfgen --help'\n")
        return EXIT_USAGE
    except DfgenError as e:
        sys.stderr.write(format_diagnostic(e.diag))
        return EXIT_INPUT
    except OSError as e:
        name = e.filename if e.filename else "dfgen"
        sys.stderr.write("%s: error: %s\n" % (name, e.strerror or e))
        return EXIT_INPUT
