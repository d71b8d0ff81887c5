"""The survey's judgement: which syscalls reach each copy site, and how
much a page list would gain there.

Reach is a walk of the call graph of the files surveyed, by function
name, from the syscalls (sys_read, sys_write, ...) and from the ops
tables that dispatch them (a function in a struct fileops's fo_read,
a struct vop_ops's vop_read or a struct dev_ops's d_read is reached
from read(2), readv(2) and pread(2); likewise for write and ioctl;
a SYSCTL_PROC handler from sysctl(3)).  Calls through other function
pointers, and calls into files not surveyed, are not followed.

The benefit is a score, the product of

    what the site moves   uiomove 4 (buffer's pages at hand, uiomovebp
                          or a b_data copy: 5), copyin/copyout 2,
                          a pmap window 2, an XIO user already 0;
    its size              variable x2, constant or a string's length
                          (strlen) x1;
    who reaches it        the bulk I/O calls (read, write and their
                          vectored and positioned forms, sendfile) x3,
                          ioctl x1.5, sysctl x1, nothing found x0.5;

and a class: high (>= 24), medium (>= 8), low.
"""

from dataclasses import dataclass

# Syscall -> the entry functions and ops classes it goes through.
SYSCALLS = (
    ("read", ("sys_read",), ("read",)),
    ("readv", ("sys_readv",), ("read",)),
    ("pread", ("sys_extpread", "sys_extpreadv"), ("read",)),
    ("write", ("sys_write",), ("write",)),
    ("writev", ("sys_writev",), ("write",)),
    ("pwrite", ("sys_extpwrite", "sys_extpwritev"), ("write",)),
    ("sendfile", ("sys_sendfile",), ()),
    ("ioctl", ("sys_ioctl",), ("ioctl",)),
    ("sysctl", ("sys___sysctl",), ("sysctl",)),
)
BULK = ("read", "readv", "pread", "write", "writev", "pwrite", "sendfile")
KIND_WEIGHT = {"uiomove": 4, "bufcopy": 5, "copyin": 2, "copyout": 2,
               "pmap": 2, "xio": 0}
BUFFER_CALLEES = ("uiomovebp",)


@dataclass(frozen=True)
class Ranked:
    site: object
    subsystem: str
    syscalls: tuple
    score: float
    benefit: str        # high, medium, low
    pattern: str        # the xio pattern that fits, or ''
    reason: str


def reach(facts):
    """syscall -> set of function names it reaches."""
    calls, ops = {}, {}
    for f in facts:
        for fn, callees in f.calls.items():
            calls.setdefault(fn, set()).update(callees)
        for fn, classes in f.ops.items():
            for c in classes:
                ops.setdefault(c, set()).add(fn)
    out = {}
    for name, entries, classes in SYSCALLS:
        start = set(entries)
        for c in classes:
            start |= ops.get(c, set())
        seen, todo = set(), list(start)
        while todo:
            fn = todo.pop()
            if fn in seen:
                continue
            seen.add(fn)
            todo.extend(calls.get(fn, ()))
        out[name] = seen
    return out


def subsystem(path):
    """sys/kern/x.c -> kern; sys/vfs/tmpfs/x.c -> vfs/tmpfs;
    sys/dev/disk/nata/x.c -> dev/disk."""
    parts = path.split("/")
    if parts and parts[0] == "sys":
        parts = parts[1:]
    return "/".join(parts[:2]) if len(parts) > 2 else parts[0]


def rank(facts):
    """The sites worth a look, best first: every site but the copyins
    and copyouts of constant (struct-sized) lengths."""
    reached = reach(facts)
    out = []
    for f in facts:
        for s in f.sites:
            if s.kind in ("copyin", "copyout") and not s.variable:
                continue
            calls = tuple(n for n, _, _ in SYSCALLS
                          if s.function in reached[n])
            out.append(_judge(s, calls))
    out.sort(key=lambda r: (-r.score, r.site.file, r.site.line))
    return out


def _judge(s, calls):
    buffer = s.callee in BUFFER_CALLEES or s.kind == "bufcopy"
    weight = 5 if buffer else KIND_WEIGHT[s.kind]
    size = 2 if s.variable and not _string(s) else 1
    if any(c in BULK for c in calls):
        who = 3
    elif "ioctl" in calls:
        who = 1.5
    elif "sysctl" in calls:
        who = 1
    else:
        who = 0.5
    score = float(weight * size * who)
    benefit = "high" if score >= 24 else "medium" if score >= 8 else "low"
    if s.kind == "xio":
        pattern = ""
    elif buffer:
        pattern = "buf_pages"
    elif s.kind == "uiomove" and s.callee != "uiomove_fromphys":
        pattern = "user_pages"
    else:
        pattern = ""
    return Ranked(s, subsystem(s.file), calls, score, benefit, pattern,
                  _reason(s, calls, buffer))


def _string(s):
    """A size that is a string's length moves tens of bytes, not pages."""
    return "strlen(" in s.size


def _reason(s, calls, buffer):
    parts = []
    if s.kind == "xio":
        return "already uses XIO"
    if buffer:
        parts.append("the buffer's pages are at hand: a page-list copy "
                     "needs no b_data mapping (no bkvasync)")
    elif s.kind == "uiomove":
        parts.append("uiomove between a kernel buffer and a uio: the "
                     "user's pages can be held and copied page by page")
    elif s.kind in ("copyin", "copyout"):
        parts.append("%s of a caller-chosen size" % s.kind)
    elif s.kind == "pmap":
        parts.append("maps pages into a KVA window: a page list needs "
                     "no window")
    if _string(s):
        parts.append("size a string's length (%s): small" % s.size)
    else:
        parts.append("size %s" % ("variable (%s)" % s.size if s.variable
                                  else "constant"))
    bulk = [c for c in calls if c in BULK]
    if bulk:
        parts.append("bulk I/O reaches it (%s)" % ", ".join(bulk))
    elif calls:
        parts.append("reached from %s only" % ", ".join(calls))
    else:
        parts.append("no syscall path found in the files surveyed")
    return "; ".join(parts)
