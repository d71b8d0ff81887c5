"""dfgen fwdhdrs: the forwarding headers of sys/conf/kern.fwd.mk.

    dfgen fwdhdrs [-o DIR] SYSDIR/cpu/<arch>/include

writes, byte for byte as kern.fwd.mk does, DIR/include/machine/X.h for
every X.h of the cpu include directory (each includes <cpu/X.h>, so a
platform that lacks a machine header gets the cpu's), and
DIR/include/Y.h for the few sys/ headers kern.fwd.mk also forwards.
Each is written only when its content changed.  The input is the
directory: adding or removing a cpu header changes its time, and the
unit runs again.
"""

import os

from dfgen_core.command import Command
from dfgen_core.diag import UsageError, error
from dfgen_core.family import common_arguments, report
from dfgen_core.output import commit
from dfgen_core.source import file_loc

# kern.fwd.mk's _lhdrs: sys/Y.h forwarded as <Y.h>.
SYS_HEADERS = ("aio.h", "errno.h", "fcntl.h", "linker_set.h", "poll.h",
               "syslog.h", "ucontext.h")


class FwdHdrs(Command):
    name = "fwdhdrs"
    summary = "the forwarding headers of sys/conf/kern.fwd.mk"

    def add_arguments(self, parser):
        common_arguments(parser, inputs_help="the cpu include directory, "
                         "SYSDIR/cpu/<arch>/include")

    def run(self, args):
        if len(args.inputs) != 1:
            raise UsageError("dfgen fwdhdrs: give exactly one directory")
        cpu = args.inputs[0]
        if not os.path.isdir(cpu):
            raise error(file_loc(cpu), "not a directory")
        machine = os.path.join(args.output_dir, "include", "machine")
        outputs = [(os.path.join(machine, h), _forwarder("MACHINE", "cpu", h))
                   for h in sorted(os.listdir(cpu)) if h.endswith(".h")]
        outputs += [(os.path.join(args.output_dir, "include", h),
                     _forwarder("", "sys", h)) for h in SYS_HEADERS]
        if args.list_outputs:
            for out, _ in outputs:
                print(out)
            return 0
        os.makedirs(machine, exist_ok=True)
        report(args, commit(outputs), [o for o, _ in outputs], [cpu])
        return 0


def _forwarder(prefix, directory, header):
    guard = "%s%s_" % (prefix + "_" if prefix else "",
                       header.replace(".", "_").upper())
    return ("/*\n * CONFIG-GENERATED FILE, DO NOT EDIT\n */\n\n"
            "#ifndef _%s\n#define _%s\n#include <%s/%s>\n#endif\n\n" %
            (guard, guard, directory, header))


COMMAND = FwdHdrs()
