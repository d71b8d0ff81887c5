"""Family 'syscalls': DragonFly's syscall table, from syscalls.master.

    dfgen syscalls --classic -o DIR syscalls.master
        the six files sys/kern/makesyscalls.sh writes (init_sysent.c,
        syscalls.c, syscall.h, syscall.mk, sysproto.h, sysunion.h), the
        same bytes but for the banner, so that a tree can drop the script

    dfgen syscalls [--host] -o DIR NAME.master
        the asynchronous layer (option ASYNC_SYSCALLS): NAME_async.h (the
        message of every syscall, the user stubs async_<name>()) and
        NAME_async_kern.c (the kernel's dispatch table and policy), or
        with --host NAME_async_host.c instead: the same table over the
        host's own calls, for the host build of libasyncsys

The master file is read in its native format (syscalls_master.py); the
asynchronous layer's model is syscalls_async.py.
"""

from dfgen_core.family import GeneratorFamily, common_arguments

from .syscalls_async import build_async
from .syscalls_master import read_master

CLASSIC = ("init_sysent.c", "syscalls.c", "syscall.h", "syscall.mk",
           "sysproto.h", "sysunion.h")


class Syscalls(GeneratorFamily):
    name = "syscalls"
    summary = "syscall tables from syscalls.master, and asynchronous syscalls"

    def add_arguments(self, parser):
        common_arguments(parser, inputs_help="syscalls.master files")
        parser.add_argument(
            "--classic", action="store_true",
            help="write what makesyscalls.sh writes, instead of the "
            "asynchronous layer")
        parser.add_argument(
            "--host", action="store_true",
            help="the asynchronous layer for the host runtime: its table "
            "runs the host's own calls (NAME_async_host.c, not "
            "NAME_async_kern.c)")

    def outputs(self, stem, args):
        if args.classic:
            return [(name, "syscalls/%s.j2" % name) for name in CLASSIC]
        table = "host" if args.host else "kern"
        return [(stem + "_async.h", "syscalls/async.h.j2"),
                (stem + "_async_%s.c" % table,
                 "syscalls/async_%s.c.j2" % table)]

    def load(self, path, args):
        return read_master(path)

    def model(self, unit, args):
        return unit if args.classic else build_async(unit)


COMMAND = Syscalls()
