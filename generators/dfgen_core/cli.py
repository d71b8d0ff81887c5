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
from .names import suggest

# The subcommands, in --help order: module families.<name> defines COMMAND.
COMMANDS = ("consts", "structs", "syscalls", "vm", "xio", "sched", "ctxsw",
            "alloc", "kconf", "overlay", "treegen", "fwdhdrs", "kcheck")


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError("%s: %s" % (self.prog, message))


def _load(name):
    return importlib.import_module("families." + name).COMMAND


def _usage():
    lines = ["usage: dfgen COMMAND [options] ...", "",
             "Code generation for the DragonFly BSD kernel build.", "",
             "commands:"]
    for name in COMMANDS:
        lines.append("  %-10s %s" % (name, _load(name).summary))
    lines += ["", "'dfgen COMMAND --help' describes each command."]
    return "\n".join(lines) + "\n"


def _command_parser(command):
    """The parser of one subcommand; only that command's module is
    imported, so a run depends on no other family's code."""
    parser = _Parser(prog="dfgen " + command.name,
                     description=command.summary)
    command.add_arguments(parser)
    return parser


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
    helper = "dfgen --help"
    try:
        if not argv or argv[0] in ("-h", "--help"):
            if not argv:
                raise UsageError("dfgen: no command given")
            sys.stdout.write(_usage())
            return 0
        if argv[0] not in COMMANDS:
            raise UsageError("dfgen: unknown command '%s'%s" %
                             (argv[0], suggest(argv[0], COMMANDS)))
        command = _load(argv[0])
        helper = "dfgen %s --help" % command.name
        args = _command_parser(command).parse_args(argv[1:])
        args.command = _recorded_command(argv)
        return command.run(args)
    except UsageError as e:
        sys.stderr.write("%s\n" % e)
        sys.stderr.write("usage: see '%s'\n" % helper)
        return EXIT_USAGE
    except DfgenError as e:
        sys.stderr.write(format_diagnostic(e.diag))
        return EXIT_INPUT
    except OSError as e:
        name = e.filename if e.filename else "dfgen"
        sys.stderr.write("%s: error: %s\n" % (name, e.strerror or e))
        return EXIT_INPUT
