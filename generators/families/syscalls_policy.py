"""What the asynchronous layer needs to know of each syscall that the
master file does not say: how it may be run.

Flags (the kernel's dispatch table carries them):

    BLOCKS      may sleep (I/O, waiting on something)
    WORKER      safe to run on a kernel worker thread: it needs only the
                caller's descriptor table and credentials, which the
                worker borrows
    PROC        needs the calling thread's own context (signals, its
                address space layout, its identity as a thread)

A call that BLOCKS and is WORKER-safe runs on a worker thread; every
other call runs inline, in the submitting thread, when it is submitted.
A syscall not named here is PROC: it runs inline, exactly as if it had
been called directly.  NOASYNC names the calls that make no sense as a
message (they do not return to the caller, or they replace it): they get
no message and no stub.
"""

BLOCKS = "BLOCKS"
WORKER = "WORKER"
PROC = "PROC"

_IO = (BLOCKS, WORKER)
_CHEAP = (WORKER,)

FLAGS = {
    # descriptor I/O
    "read": _IO, "write": _IO, "readv": _IO, "writev": _IO,
    "pread": _IO, "pwrite": _IO, "extpread": _IO, "extpwrite": _IO,
    "extpreadv": _IO, "extpwritev": _IO, "fsync": _IO, "fdatasync": _IO,
    "ftruncate": _IO, "fstat": _IO, "fchmod": _IO, "fchown": _IO,
    "close": _IO, "sendfile": _IO,
    # path operations: the worker resolves them in the caller's cwd
    "open": _IO, "openat": _IO, "stat": _IO, "lstat": _IO,
    "fstatat": _IO, "access": _IO, "faccessat": _IO, "unlink": _IO,
    "unlinkat": _IO, "mkdir": _IO, "mkdirat": _IO, "rmdir": _IO,
    "rename": _IO, "renameat": _IO, "link": _IO, "symlink": _IO,
    "readlink": _IO, "chmod": _IO, "chown": _IO, "truncate": _IO,
    "sync": _IO,
    # sockets
    "accept": _IO, "connect": _IO, "sendto": _IO, "recvfrom": _IO,
    "sendmsg": _IO, "recvmsg": _IO,
    # waiting
    "nanosleep": _IO,
    # cheap and never blocking: inline
    "lseek": _CHEAP, "dup": _CHEAP, "getpid": _CHEAP, "getppid": _CHEAP,
    "getuid": _CHEAP, "geteuid": _CHEAP, "getgid": _CHEAP,
    "getegid": _CHEAP,
}

NOASYNC = frozenset((
    "exit", "fork", "vfork", "rfork", "execve", "sigreturn", "lwp_exit",
    "extexit", "sigsuspend", "lwp_create", "lwp_create2", "nosys",
    "lkmnosys", "lkmressys", "__syscall", "syscall",
))

# The syscalls whose host (POSIX) function takes the same arguments in
# the same order: the host runtime runs these, and completes any other
# with ENOSYS.
HOST = frozenset((
    "read", "write", "pread", "pwrite", "readv", "writev", "open",
    "close", "lseek", "fsync", "fdatasync", "ftruncate", "fstat", "stat",
    "lstat", "access", "unlink", "mkdir", "rmdir", "rename", "link",
    "symlink", "readlink", "chmod", "fchmod", "truncate", "nanosleep",
    "dup", "getpid", "getppid", "getuid", "geteuid", "getgid",
    "getegid",
))


# The host calls that can be tried without sleeping before a worker runs
# them (asys_op.op_try): pread, through preadv2(RWF_NOWAIT), which reads
# only what the page cache holds.  A read(2) is not among them: a try
# that read part of the data would have moved the descriptor's offset,
# so it could neither be undone nor handed on.
HOST_TRY = frozenset(("pread",))


def flags_of(name):
    return FLAGS.get(name, (PROC,))


def runs_on_worker(flags):
    return BLOCKS in flags and WORKER in flags
