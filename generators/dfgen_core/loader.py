"""Loading a definition file: includes and constants.

Two statements belong to the language itself, not to any family, and are
handled here for all of them:

    include "common.def";          file scope; relative to the including
                                   file, then to each -I directory
    const NAME = expr [doc: "..."];

An included file is read once however often it is named (like a header
with a guard); a file that includes itself, directly or not, is an error.
Constants are evaluated in order and shared by every file of the unit.
What is left, the main file's other statements, goes to the family.
"""

import os
from dataclasses import dataclass, field

from . import expr
from .bind import REQUIRED, Form, bind
from .diag import error
from .lexer import IDENT, STRING
from .parser import parse
from .source import read_source

CONST = Form("const", "constant", value=REQUIRED,
             attrs={"doc": expr.string})


@dataclass(frozen=True)
class Const:
    name: str
    value: object
    loc: object
    doc: str
    own: bool           # defined in the main file, not an included one
    radix: int          # 16 when written as one hex literal, else 10


@dataclass
class Unit:
    """One definition file with everything it includes."""

    src: object                                 # the main SourceFile
    stmts: list                                 # main file, for the family
    consts: dict = field(default_factory=dict)  # name -> Const, in order
    files: list = field(default_factory=list)   # every path read

    @property
    def own_consts(self):
        return [c for c in self.consts.values() if c.own]


def load(path, include_dirs=()):
    loader = _Loader(include_dirs)
    src = loader.read(path, None)
    unit = Unit(src, [], {}, loader.files)
    unit.stmts = loader.walk(src, unit, own=True, chain=(), at=None)
    return unit


class _Loader:
    def __init__(self, include_dirs):
        self.include_dirs = list(include_dirs)
        self.files = []
        self.seen = set()

    def read(self, path, at):
        src = read_source(path, at)
        self.files.append(path)
        self.seen.add(os.path.realpath(path))
        return src

    def walk(self, src, unit, own, chain, at):
        """Handle includes and constants; return the remaining statements.

        `chain` holds (real path, where it was included) for every file
        being read, outermost first.
        """
        rest = []
        chain = chain + ((os.path.realpath(src.path), at),)
        for stmt in parse(src):
            head = stmt.head
            keyword = head.value if head.kind == IDENT else None
            if keyword == "include":
                self.include(stmt, src, unit, chain)
            elif keyword == "const":
                self.const(stmt, unit, own)
            else:
                _no_file_scope_statements(stmt.body or ())
                rest.append(stmt)
        return rest

    def include(self, stmt, src, unit, chain):
        words = stmt.words
        if len(words) < 2 or words[1].kind != STRING:
            where = words[1].loc if len(words) > 1 else stmt.loc
            raise error(where, "expected a quoted file name after 'include'")
        extra = (words[2].loc if len(words) > 2 else
                 expr.expr_loc(stmt.value) if stmt.value is not None else
                 stmt.attrs[0].loc if stmt.attrs else
                 stmt.loc if stmt.body is not None else None)
        if extra is not None:
            raise error(extra, "expected ';' after the file name of "
                        "'include'")
        name, at = words[1].value, words[1].loc
        path = self.resolve(name, src.path, at)
        real = os.path.realpath(path)
        reading = [p for p, _ in chain]
        if real in reading:
            notes = [(loc, "included from here")
                     for _, loc in chain[reading.index(real) + 1:]]
            raise error(at, "include loop: '%s' is already being read" %
                        name, *reversed(notes))
        if real in self.seen:
            return
        inc = self.read(path, at)
        self.walk(inc, unit, own=False, chain=chain, at=at)

    def resolve(self, name, including, at):
        if os.path.isabs(name):
            return name
        here = os.path.dirname(including)
        for d in [here] + self.include_dirs:
            candidate = os.path.join(d, name) if d else name
            if os.path.exists(candidate):
                return candidate
        dirs = ", ".join("'%s'" % (d or ".") for d in [here] +
                         self.include_dirs)
        raise error(at, "cannot find included file '%s' (searched %s)" %
                    (name, dirs))

    def const(self, stmt, unit, own):
        b = bind(stmt, CONST, unit.consts)
        prev = unit.consts.get(b.name)
        if prev is not None:
            raise error(b.loc, "constant '%s' is already defined" % b.name,
                        (prev.loc, "previous definition is here"))
        radix = 16 if getattr(stmt.value, "radix", 10) == 16 else 10
        unit.consts[b.name] = Const(b.name, b.value, b.loc,
                                    b.attrs.get("doc", ""), own, radix)


def _no_file_scope_statements(body):
    for stmt in body:
        head = stmt.head
        if head.kind == IDENT and head.value in ("include", "const"):
            raise error(head.loc, "'%s' is only allowed at file scope" %
                        head.value)
        _no_file_scope_statements(stmt.body or ())
