"""The model of the asynchronous layer, from a master file's model.

The message layout rule, stated once (and simple enough for a structs
family to express): a request is a sequence of 64-bit slots.  Slot 0 is
the caller's cookie, slot 1 the operation (the syscall number, low 32
bits) and flags (high 32 bits), and each argument takes the next slot:
an integer converted to uint64_t, a pointer through uintptr_t.  Every
offset is 8 * k on every ABI, so 32- and 64-bit user space write the
same bytes and the kernel reads them without a compat layer.  The
completion is a cookie (64), the result (signed 64), the error (32) and
the operation (32): 24 bytes.

A syscall gets a message when it is STD (its struct and sys_<name> are
declared by sysproto.h), returns int from sys_<name>, is not in
syscalls_policy.NOASYNC, and takes at most MAX_ARGS arguments.
"""

from dataclasses import dataclass

from dfgen_core.diag import error

from . import syscalls_policy as policy

MAX_ARGS = 8            # asys_abi.h: ASYS_MAXARGS
SLOT = 8                # bytes per slot
HEADER_SLOTS = 2        # cookie; op and flags


@dataclass(frozen=True)
class Field:
    name: str
    ctype: str
    is_pointer: bool
    slot: int           # index in sqe_args[]

    @property
    def decl(self):
        """The parameter: 'int fd', 'void *buf'."""
        sep = "" if self.ctype.endswith("*") else " "
        return self.ctype + sep + self.name

    @property
    def cast_type(self):
        """The type less a top-level qualifier ('int *const' -> 'int *'),
        which a cast would ignore."""
        words = self.ctype.split(" ")
        while len(words) > 1 and words[-1] in ("const", "volatile"):
            words.pop()
        return " ".join(words).replace("*const", "*").replace(
            "*volatile", "*")

    @property
    def offset(self):
        return (HEADER_SLOTS + self.slot) * SLOT


@dataclass(frozen=True)
class Call:
    number: int
    name: str
    ret: str            # the prototype's return type
    tag: str            # the kernel's argument struct
    fields: tuple       # Field
    flags: tuple        # syscalls_policy flags
    host: bool          # the host runtime has an equivalent

    is_directive = False

    @property
    def worker(self):
        return policy.runs_on_worker(self.flags)

    @property
    def host_try(self):
        """The host runtime tries it without sleeping first."""
        return self.host and self.name in policy.HOST_TRY

    @property
    def stub_head(self):
        """The stub's name and parameters, wrapped as style(9) wraps
        them: lines of at most 80 columns, continued four spaces in."""
        params = ["struct asys_ring *ring", "uint64_t cookie"] + \
            [f.decl for f in self.fields]
        return _wrap("async_%s(" % self.name, params, ")")

    @property
    def asserts(self):
        """The _Static_asserts of the request's layout, each a list of
        lines of at most 80 columns."""
        req = "struct asys_req_%s" % self.name
        out = [_fill(["_Static_assert(sizeof(%s)" % req, "==",
                      "%d," % self.size,
                      '"asys_req_%s is %d slots");' % (self.name,
                                                       self.size // SLOT)])]
        for f in self.fields:
            out.append(_fill(["_Static_assert(offsetof(%s," % req,
                              "%s)" % f.name, "==", "%d," % f.offset,
                              '"%s is slot %d");' % (f.name, f.slot + 2)]))
        return out

    @property
    def flag_names(self):
        """The C expression of the flags."""
        return " | ".join("ASYS_F_" + f for f in self.flags) or "0"

    @property
    def size(self):
        return (HEADER_SLOTS + len(self.fields)) * SLOT


@dataclass(frozen=True)
class AsyncModel:
    master: object
    items: tuple        # Call and Directive (#if, #else, other)
    nops: int           # one past the highest number

    @property
    def calls(self):
        return [i for i in self.items if not i.is_directive]

    @property
    def host_items(self):
        """The items the host runs itself: its calls with a host
        equivalent, in their conditionals."""
        return _prune([i for i in self.items if i.is_directive or i.host])

    @property
    def struct_tags(self):
        """Every 'struct x' or 'union x' an argument points to, to
        declare first: 'struct x' and 'union x' as they are written."""
        tags = set()
        for c in self.calls:
            for f in c.fields:
                words = f.ctype.replace("*", " ").split()
                for i, w in enumerate(words[:-1]):
                    if w in ("struct", "union"):
                        tags.add(w + " " + words[i + 1])
        return sorted(tags)


def build_async(master):
    items = []
    for i in master.body:
        if i.is_directive:
            if i.is_conditional:
                items.append(i)
        elif _has_message(i):
            items.append(_call(i))
    return AsyncModel(master, tuple(_prune(items)), master.maxsyscall)


def _wrap(head, parts, tail, width=80):
    lines, line = [], head
    for k, part in enumerate(parts):
        text = part + ("," if k < len(parts) - 1 else tail)
        if line not in (head, "    ") and \
                len((line + " " + text).expandtabs(8)) > width:
            lines.append(line)
            line = "    " + text
        else:
            line += ("" if line in (head, "    ") else " ") + text
    lines.append(line)
    return lines


def _fill(words, width=80):
    """`words` joined by blanks into lines of at most `width` columns,
    continued four spaces in."""
    lines, line = [], ""
    for w in words:
        if line and line.strip() and len(line + " " + w) > width:
            lines.append(line)
            line = "    " + w
        else:
            line = w if not line else line + " " + w
    lines.append(line)
    return lines


def _prune(items):
    """Drop the conditionals left empty: '#if' or '#else' directly
    followed by '#endif' (an #if with nothing in it goes with its
    #endif), until none is left."""
    out = []
    for i in items:
        out.append(i)
        while len(out) >= 2 and out[-1].is_directive and \
                out[-1].conditional == "endif" and out[-2].is_directive:
            before = out[-2].conditional
            if before == "if":
                del out[-2:]
            elif before in ("else", "elif"):
                del out[-2]
            else:
                break
    return out


def _has_message(s):
    return s.kind == "STD" and s.struct and s.declared and \
        s.rettype == "int" and s.name not in policy.NOASYNC


def _call(s):
    if len(s.args) > MAX_ARGS:
        raise error(s.args[MAX_ARGS].loc, "'%s' has %d arguments; a message "
                    "has room for %d" % (s.name, len(s.args), MAX_ARGS))
    fields = tuple(Field(a.name, a.ctype, a.is_pointer, k)
                   for k, a in enumerate(s.args))
    return Call(s.number, s.name, s.ret, s.tag, fields,
                policy.flags_of(s.name), s.name in policy.HOST)
