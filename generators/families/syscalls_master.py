"""The reader of syscalls.master, in DragonFly's native format.

    ; a comment line
    #include <sys/param.h>                  carried to init_sysent.c
    #if / #ifdef / #else / #endif ...       carried to the other outputs
    N  TYPE  { rettype name(type arg, ...); }  [altname alttag altrtype]
    N  NODEF name altname alttag altrtype
    N  OBSOL|UNIMPL comment words

A line ending in a backslash continues on the next one.  The fields are
what makesyscalls.sh sees: it removes every '$' of a line's first
physical line, and from the second line of the file on it splits
'{ } ( ) * ,' out of every line that does not start with '#'.  Each
field keeps the position it was written at, so every error points at the
master file's own line and column.

The reader builds the model of syscalls_model.py: the entries and the
directives in file order.  It accepts what the script accepts, with the
same meaning, except for forms the script turns into nonsense without a
word (a NODEF line of another shape, a trailing comma, an argument or
syscall name that is not a C identifier), which are errors here.
"""

import re

from dfgen_core.diag import error
from dfgen_core.names import is_c_identifier, suggest
from dfgen_core.source import Loc, read_source

from .syscalls_model import CALL_TYPES, TYPES, Arg, Directive, Master, \
    Syscall

_PUNCT = "{}()*,"
_BLANK = " \t\n"


class Field(str):
    """One field of a logical line, with where it was written."""

    loc = None

    @staticmethod
    def at(text, loc):
        f = Field(text)
        f.loc = loc
        return f


class _Line:
    """A logical line: its text as the script's awk sees it (for the
    directives it prints), its fields, and the position past its end."""

    def __init__(self, text, fields, end_loc):
        self.text = text
        self.fields = fields
        self.end_loc = end_loc

    def field(self, i):
        """The 1-based field i, or '' (as awk's $i) past the end."""
        if 1 <= i <= len(self.fields):
            return self.fields[i - 1]
        return Field.at("", self.end_loc)


def read_master(path):
    src = read_source(path)
    return _Reader(src).read()


class _Reader:
    def __init__(self, src):
        self.src = src
        self.items = []
        self.number = 0
        self.saved = 0
        self.nosys = False
        self.lkmnosys = False

    def read(self):
        for line in _logical_lines(self.src):
            self.line(line)
        return Master(self.src.path, tuple(self.items), self.number,
                      (self.src.path,))

    def line(self, ln):
        if not ln.fields or ln.fields[0].startswith(";"):
            return
        first = ln.fields[0]
        if first.startswith("#"):
            self.directive(ln, first)
            return
        self.entry(ln)

    def directive(self, ln, first):
        if first.startswith("#include"):
            kind = "include"
        elif re.match(r"#if", first):
            kind = "if"
            self.saved = self.number
        elif first.startswith("#else"):
            kind = "else"
            self.number = self.saved
        else:
            kind = "other"
        self.items.append(Directive(kind, ln.text, first.loc))

    def entry(self, ln):
        num = ln.field(1)
        if not re.fullmatch(r"[0-9]+", num):
            raise error(num.loc, "expected a syscall number, found '%s'" %
                        num)
        if int(num) != self.number:
            raise error(num.loc, "syscall number %d out of sync: expected "
                        "%d" % (int(num), self.number))
        kind = ln.field(2)
        if not kind:
            raise error(kind.loc, "expected a syscall type after the number")
        if kind not in TYPES:
            raise error(kind.loc, "unknown syscall type '%s'%s" %
                        (kind, suggest(kind, TYPES)))
        if kind in CALL_TYPES:
            entry = self.call(ln, kind)
            if entry.name == "nosys":
                self.nosys = True
            if entry.name == "lkmnosys":
                self.lkmnosys = True
        else:
            entry = self.placeholder(ln, kind)
        self.items.append(entry)
        self.number += 1

    def placeholder(self, ln, kind):
        """OBSOL and UNIMPL: a number and words about it."""
        words = [str(f) for f in ln.fields[2:]]
        if not words:
            raise error(ln.end_loc, "%s needs a name or comment" % kind)
        # The script's comment is field 3, and the fields after it only
        # when the line has fewer than 6.
        comment = " ".join(words) if len(ln.fields) < 6 else words[0]
        return Syscall(self.number, kind, ln.fields[0].loc, name=words[0],
                       alias=words[0], tag="", rettype="int", args=(),
                       comment=comment, argssize="0",
                       first_nosys=False, first_lkmnosys=False)

    def call(self, ln, kind):
        fields, nf = ln.fields, len(ln.fields)
        first_nosys = not self.nosys
        first_lkm = not self.lkmnosys
        if kind == "NODEF":
            if nf != 6:
                raise error(ln.field(min(nf + 1, 7)).loc,
                            "NODEF takes a name, an alternate name, an "
                            "argument struct tag and a return type")
            self.identifier(fields[2], "the syscall's name")
            self.word(fields[3], "an alternate name")
            self.word(fields[4], "an argument struct tag")
            self.word(fields[5], "a return type")
            return Syscall(self.number, kind, fields[0].loc, name=fields[2],
                           alias=fields[3], tag=fields[4], rettype=fields[5],
                           args=(), comment="", argssize="AS(%s)" % fields[4],
                           first_nosys=first_nosys, first_lkmnosys=first_lkm,
                           ret=str(fields[5]))
        alternates = fields[-1] != "}"
        if alternates:
            closes = [k for k, f in enumerate(fields) if f == "}"]
            if not closes:
                raise error(ln.end_loc, "expected '}' to end the prototype")
            extra = nf - 1 - closes[-1]
            if extra != 3:
                raise error(fields[closes[-1] + 1].loc, "expected an "
                            "alternate name, argument struct tag and return "
                            "type after the prototype, or nothing; found %d "
                            "field%s" % (extra, "" if extra == 1 else "s"))
            alias, tag, rettype = fields[-3:]
            end = nf - 3
        else:
            alias, tag, rettype = "", "", "int"
            end = nf
        f = ln.field(3)
        if f != "{":
            raise error(f.loc, "expected '{' to start the prototype")
        end -= 1
        for want, what in ((";", "';' at the end of the prototype"),
                           (")", "')' at the end of the arguments")):
            f = ln.field(end)
            if f != want or end <= 3:
                if f.endswith(want) and f != want:
                    what += ", apart from '%s'" % f[:-1]
                raise error(f.loc, "expected %s" % what)
            end -= 1
        name = self.identifier(ln.field(5), "the syscall's name after its "
                               "return type")
        if ln.field(6) != "(":
            raise error(ln.field(6).loc, "expected '(' after '%s'" % name)
        args = self.arguments(ln, 7, end)
        if alternates:
            self.word(alias, "an alternate name")
            self.word(tag, "an argument struct tag")
            self.word(rettype, "a return type")
        tag = tag or name + "_args"
        return Syscall(self.number, kind, fields[0].loc, name=name,
                       alias=alias or name, tag=tag, rettype=rettype,
                       args=args, comment="",
                       argssize="AS(%s)" % tag if args else "0",
                       first_nosys=first_nosys, first_lkmnosys=first_lkm,
                       ret=self.word(ln.field(4), "a return type"))

    def arguments(self, ln, f, end):
        """The arguments from field f to field end, as the script splits
        them: the last field before ',' or ')' is the name, the ones
        before it the type."""
        if f == end:
            if ln.field(f) != "void":
                raise error(ln.field(f).loc, "expected 'void' or an "
                            "argument type and name")
            return ()
        args = []
        while f <= end:
            start = f
            while f < end and ln.field(f + 1) != ",":
                f += 1
            if f == start:
                raise error(ln.field(f).loc, "expected an argument type "
                            "before '%s'" % ln.field(f))
            words = [ln.field(i) for i in range(start, f)]
            for w in words:
                if w == ",":
                    raise error(w.loc, "expected an argument type")
            name = self.identifier(ln.field(f), "an argument name")
            ctype = ""
            for i, w in enumerate(words):
                if i and words[i - 1] != "*":
                    ctype += " "
                ctype += w
            args.append(Arg(ctype, str(name), words[0].loc))
            f += 2
            if f == end + 1:
                raise error(ln.field(end).loc, "expected an argument after "
                            "','")
        return tuple(args)

    @staticmethod
    def word(f, what):
        """A name in C's spelling, keywords included (an alternate name
        may be 'break', a return type is often 'int')."""
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", f):
            raise error(f.loc, "expected %s, found '%s'" %
                        (what, f) if f else "expected %s" % what)
        return str(f)

    @staticmethod
    def identifier(f, what):
        if not is_c_identifier(f):
            raise error(f.loc, "expected %s, found '%s'" %
                        (what, f) if f else "expected %s" % what)
        return str(f)


def _logical_lines(src):
    """The logical lines of the file: physical lines joined where one
    ends in a backslash, with the fields the script's awk would see."""
    lines = src.text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    i = 0
    while i < len(lines):
        # (character, line, column) of every character of the logical line.
        chars = [(c, i + 1, col + 1) for col, c in enumerate(lines[i])
                 if c != "$"]
        while chars and chars[-1][0] == "\\":
            if i + 1 >= len(lines):
                raise error(Loc(src, chars[-1][1], chars[-1][2]),
                            "the file ends after a continuation backslash")
            chars.pop()
            i += 1
            chars += [(c, i + 1, col + 1) for col, c in enumerate(lines[i])]
        i += 1
        last = lines[i - 1]
        end = Loc(src, i, len(last) + 1)
        text = "".join(c for c, _, _ in chars)
        split = i >= 2 and not text.startswith("#")
        if split:
            text = re.sub(r"([{}()*,])", r" \1 ", text)
        yield _Line(text, _fields(src, chars, split), end)


def _fields(src, chars, split):
    fields, cur = [], []

    def flush():
        if cur:
            fields.append(Field.at("".join(c for c, _, _ in cur),
                                   Loc(src, cur[0][1], cur[0][2])))
            cur.clear()

    for ch in chars:
        if ch[0] in _BLANK:
            flush()
        elif split and ch[0] in _PUNCT:
            flush()
            cur.append(ch)
            flush()
        else:
            cur.append(ch)
    flush()
    return fields
