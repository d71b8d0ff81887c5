"""The model of a syscalls.master: entries and directives in file order.

The reader (syscalls_master.py) builds it; the classic outputs
(syscalls_classic.py) and the asynchronous layer (syscalls_async.py)
read it.  The properties below are the decisions makesyscalls.sh takes
for each entry, in one place, so that no template takes them.
"""

import re
from dataclasses import dataclass

# Entry types, as the script knows them.
CALL_TYPES = ("STD", "NODEF", "NOARGS", "NOPROTO", "NOIMPL")
TYPES = CALL_TYPES + ("OBSOL", "UNIMPL")

# The comment of a sysent line starts at this column (the script's
# align_sysent_comment).
SYSENT_COMMENT_COLUMN = 56


@dataclass(frozen=True)
class Arg:
    ctype: str          # as the script joins it: 'const char *'
    name: str
    loc: object

    @property
    def is_pointer(self):
        return "*" in self.ctype or self.ctype in POINTER_TYPEDEFS


# Argument types that are pointers under a typedef name.
POINTER_TYPEDEFS = ("caddr_t", "c_caddr_t")


@dataclass(frozen=True)
class Directive:
    kind: str           # 'include', 'if', 'else' or 'other'
    text: str           # the line as the script prints it
    loc: object

    is_directive = True

    @property
    def is_conditional(self):
        """#if, #ifdef, #ifndef, #elif, #else or #endif, however spaced:
        what the asynchronous layer carries (it has no use for the
        master's other lines)."""
        return self.conditional is not None

    @property
    def conditional(self):
        """'if' (#if, #ifdef, #ifndef), 'elif', 'else', 'endif' or None."""
        m = re.match(r"\s*#\s*(if|ifdef|ifndef|elif|else|endif)\b",
                     self.text)
        if m is None:
            return None
        return "if" if m.group(1).startswith("if") else m.group(1)


@dataclass(frozen=True)
class Syscall:
    number: int
    kind: str           # one of TYPES
    loc: object
    name: str           # the function: sys_<name>
    alias: str          # the name in syscall.h and syscallnames[]
    tag: str            # the argument struct: struct <tag>
    rettype: str        # the return type of sys_<name> (alternate column)
    args: tuple         # Arg
    comment: str        # OBSOL, UNIMPL: the words after the type
    argssize: str       # the sysent's argument count: '0' or 'AS(tag)'
    first_nosys: bool   # no entry before this one is named nosys
    first_lkmnosys: bool
    ret: str = "int"    # the prototype's return type

    is_directive = False

    @property
    def is_call(self):
        return self.kind in CALL_TYPES

    @property
    def struct(self):
        """The argument struct sysproto.h declares for the entry:
        'args', 'dummy' (a call without arguments) or None."""
        if not self.is_call or (self.name == "nosys" and
                                not self.first_nosys):
            return None
        if self.name == "lkmnosys" or self.kind in ("NOARGS", "NOPROTO"):
            return None
        if self.args:
            return "args"
        return "dummy" if self.kind != "NODEF" else None

    @property
    def declared(self):
        """sysproto.h declares sys_<name>."""
        if not self.is_call:
            return False
        if self.kind not in ("NOPROTO", "NODEF") and \
                (self.name != "nosys" or self.first_nosys):
            return True
        return (self.name == "lkmnosys" and self.first_lkmnosys) or \
            self.name == "lkmressys"

    @property
    def handler(self):
        """The function init_sysent.c calls."""
        return "nosys" if self.kind in ("NOIMPL", "OBSOL", "UNIMPL") \
            else self.name

    @property
    def numbered(self):
        """syscall.h and syscall.mk name it."""
        return self.kind not in ("NODEF", "OBSOL", "UNIMPL")

    @property
    def sysent_pad(self):
        """The tabs from the end of the sysent initializer to its comment."""
        if self.kind == "UNIMPL":
            return "\t\t\t"
        if self.kind == "OBSOL":
            return _pad_to_comment(37)
        return _pad_to_comment(8 + 2 + len(self.argssize) + 15 +
                               len(self.handler) + 7)


def _pad_to_comment(column):
    tabs = "\t"
    column += 8 - column % 8
    while column < SYSENT_COMMENT_COLUMN:
        tabs += "\t"
        column += 8
    return tabs


@dataclass(frozen=True)
class Master:
    path: str
    items: tuple        # Syscall and Directive, in file order
    maxsyscall: int     # one past the last number (SYS_MAXSYSCALL)
    files: tuple        # the files read

    @property
    def includes(self):
        return [i for i in self.items
                if i.is_directive and i.kind == "include"]

    @property
    def body(self):
        """Everything but the #include lines (init_sysent.c has those
        at its top, and no other file has them)."""
        return [i for i in self.items
                if not (i.is_directive and i.kind == "include")]
