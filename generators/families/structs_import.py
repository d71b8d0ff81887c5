"""`dfgen structs import HEADER.h --struct NAME...`: a definition file
for structures an existing C header declares.

The header is read for both ABIs (structs_cheader); each named
structure, and every structure or union it contains (first, so that
the file declares them before their use), is written in the structs
language with what the two layouts say:

  - integers by width and signedness (int8..uint64; plain char as
    char), 'long'/'ulong' where the width is 8 bytes on LP64 and 4 on
    ILP32, 'ptr' for a pointer with 'to:' naming what it points at when
    C can say so in the generated header;
  - array dimensions as numbers, or as PTR_SIZE / LONG_SIZE expressions
    when a dimension differs between the ABIs (fs.h's NOCSPTRS);
  - 'pad N;' for every gap C leaves, 'at:' on every field whose offset
    both ABIs agree on (a comment gives both otherwise), 'size:' on
    every structure, 'packed: 1' for __packed ones, so that the
    generated header asserts the header's layout again.

A C union carries no selector: the language requires one, so a union
is written with its members numbered from 1 ('when: 1', 'when: 2', in
declaration order) and 'select: 0', which chooses none of them.  The
generated code then treats the union as bytes it neither swaps nor
interprets (the printer shows its bytes) -- exactly what C knows of it
-- until the person replaces 0 with the expression that tells the live
member.  A comment at the top of the file says so.

Byte orders are the host's ('order: host'): a C header does not say in
which order its structures are stored.  What the language cannot state
(bit fields, floating point, a gap or a size that differs between the
ABIs, a union nested directly in a union) is an error naming the line.

The importer builds a small model of the file (ImportFile) and
templates/structs/import.def.j2 writes it.
"""

import os
import sys
from dataclasses import dataclass

from dfgen_core.diag import UsageError, error
from dfgen_core.output import write_if_changed
from dfgen_core.source import file_loc

from .structs_model import ABI_NAME, ABIS

TAB = 8
# The C type names a 'to:' may use: the generated header knows them.
_STDINT = {"int8_t", "int16_t", "int32_t", "int64_t", "uint8_t",
           "uint16_t", "uint32_t", "uint64_t", "intptr_t", "uintptr_t",
           "size_t"}


def add_arguments(parser):
    """The options of 'import' and 'check' (the C preprocessor's)."""
    g = parser.add_argument_group(
        "import and check",
        "dfgen structs import HEADER.h --struct NAME... [-o FILE.def]: "
        "write the definitions of a C header's structures; "
        "dfgen structs check DEFS.def HEADER.h: compare a definition "
        "file with the header, for LP64 and ILP32.  -I also goes to "
        "the C preprocessor.")
    g.add_argument("--struct", dest="structs", action="append", default=[],
                   metavar="NAME", help="a structure to import (a struct "
                   "tag or a typedef of one); repeat for more")
    g.add_argument("-D", dest="defines", action="append", default=[],
                   metavar="MACRO[=VALUE]", help="define for the C "
                   "preprocessor")
    g.add_argument("-U", dest="undefines", action="append", default=[],
                   metavar="MACRO", help="undefine for the C preprocessor")
    g.add_argument("--include", dest="cincludes", action="append",
                   default=[], metavar="FILE", help="include FILE before "
                   "the header (cc -include), for the types it assumes")
    # -o names a file for import: whether it was given matters there.
    parser.set_defaults(output_dir=None)


def generating(args):
    """Generating from definition files: refuse the options of import
    and check; -o defaults to '.'."""
    for given, option in ((args.structs, "--struct"), (args.defines, "-D"),
                          (args.undefines, "-U"),
                          (args.cincludes, "--include")):
        if given:
            raise UsageError("dfgen structs: %s applies to 'import' and "
                             "'check'" % option)
    if args.output_dir is None:
        args.output_dir = "."


def cpp_options(args):
    # structs_cheader (and pycparser) only when a header is read: a
    # generating run, which also parses its options here, needs neither.
    from . import structs_cheader as cheader
    return cheader.CppOptions(list(args.include_dirs), list(args.defines),
                              list(args.undefines), list(args.cincludes))


def run(args):
    if len(args.inputs) != 2:
        raise UsageError("dfgen structs import: expected one header: "
                         "import HEADER.h --struct NAME...")
    if not args.structs:
        raise UsageError("dfgen structs import: name the structures to "
                         "import with --struct NAME")
    if args.list_outputs or args.record:
        raise UsageError("dfgen structs import: --list-outputs and "
                         "--record apply to generating, not to import")
    from . import structs_cheader as cheader
    header = args.inputs[1]
    headers = cheader.read(header, cpp_options(args))
    model = Importer(headers, header).model(args.structs)
    # A definition file is the person's to edit from now on: it gets no
    # DO-NOT-EDIT banner, only what its own template says.
    from dfgen_core.render import Renderer
    text = Renderer("dfgen structs").env.get_template(
        "structs/import.def.j2").render(m=model)
    if args.output_dir is None:
        sys.stdout.write(text)
    elif write_if_changed(args.output_dir, text) and args.verbose:
        print("GEN %s" % args.output_dir)
    return 0


# -- the model of the definition file written ----------------------------

@dataclass
class Member:
    """A field, or a member of a union."""
    type: str
    decl: str           # its name with its dimensions
    attrs: tuple        # 'at: 0x08', 'to: "struct csum"', 'when: 1'
    comment: str = ""


@dataclass
class Pad:
    size: int


@dataclass
class UnionItem:
    name: str
    attrs: tuple
    members: list       # Member
    tcol: int = 0       # the column of member names
    acol: int = 0       # the column of their attributes


@dataclass
class Imported:
    """One structure of the definition file."""
    name: str
    attrs: tuple
    items: list         # Member, Pad, UnionItem
    tcol: int = 0
    acol: int = 0


@dataclass
class ImportFile:
    header: str         # the header's file name
    names: tuple        # the structures asked for
    structs: list       # Imported, each after what it contains

    @property
    def unions(self):
        return any(isinstance(i, UnionItem) for s in self.structs
                   for i in s.items)


def _columns(members, indent):
    """Where names and attributes line up: the tab stop after the
    longest type, and after the longest name, kept within two to four
    tab stops of the names."""
    tcol = max(len((indent + m.type).expandtabs(TAB)) for m in members)
    tcol = tcol // TAB * TAB + TAB
    acol = max(tcol + len(m.decl) for m in members) // TAB * TAB + TAB
    return tcol, min(max(acol, tcol + 2 * TAB), tcol + 4 * TAB)


def _hex(n):
    return "0x%02x" % n


class Importer:
    def __init__(self, headers, header):
        self.h = headers
        self.header = header
        self.structs = []       # Imported, in declaration order
        self.name_of = {}       # id(LP64 record) -> def name

    def model(self, names):
        for name in names:
            found = {abi: self.h[abi].find(name) for abi in ABIS}
            if any(f is None for f in found.values()):
                missing = [ABI_NAME[a] for a in ABIS if found[a] is None]
                raise error(file_loc(self.header), "no struct '%s' in this "
                            "header%s" % (name, "" if len(missing) == 2
                                          else " on " + missing[0]))
            r64, r32 = found["lp64"][0], found["ilp32"][0]
            if r64.kind == "union":
                raise error(r64.loc, "'%s' is a union: the definition "
                            "language has unions only as members of a "
                            "struct (union NAME select: ...)" % name)
            self._record(r64.tag or name, r64, r32)
        return ImportFile(os.path.basename(self.header), tuple(names),
                          self.structs)

    # -- structures ------------------------------------------------------

    def _record(self, name, r64, r32):
        """Declare the structure (and first what it contains); its def
        name."""
        if id(r64) in self.name_of:
            return self.name_of[id(r64)]
        self.name_of[id(r64)] = name
        names64 = [m.name for m in r64.members]
        names32 = [m.name for m in r32.members]
        if names64 != names32:
            raise error(r64.loc, "%s '%s' has different members on LP64 "
                        "(%s) and ILP32 (%s)" %
                        (r64.kind, name, ", ".join(names64),
                         ", ".join(names32)))
        items, end = [], {abi: 0 for abi in ABIS}
        for m64 in r64.members:
            m32 = r32.member(m64.name)
            ms = {"lp64": m64, "ilp32": m32}
            gap = {a: ms[a].offset - end[a] for a in ABIS}
            if gap["lp64"] != gap["ilp32"]:
                raise error(m64.loc, "'%s' follows %d bytes of padding on "
                            "%s but %d on %s: 'pad N;' is the same on "
                            "every ABI" % (m64.name, gap["lp64"],
                                           ABI_NAME["lp64"], gap["ilp32"],
                                           ABI_NAME["ilp32"]))
            if gap["lp64"]:
                items.append(Pad(gap["lp64"]))
            if m64.type.kind == "union":
                items.append(self._union(name, m64, m32))
            else:
                items.append(self._field(name, m64, m32))
            end = {a: ms[a].offset + ms[a].type.size for a in ABIS}
        tail = {"lp64": r64.size - end["lp64"],
                "ilp32": r32.size - end["ilp32"]}
        if tail["lp64"] == tail["ilp32"] and tail["lp64"]:
            items.append(Pad(tail["lp64"]))
            end = {a: end[a] + tail[a] for a in ABIS}
        if end["lp64"] != end["ilp32"]:
            raise error(r64.loc, "struct '%s' holds %d bytes on %s but %d "
                        "on %s: a definition describes a media layout, "
                        "the same size on every ABI" %
                        (name, end["lp64"], ABI_NAME["lp64"], end["ilp32"],
                         ABI_NAME["ilp32"]))
        attrs = ["order: host", "size: %d" % end["lp64"]]
        if r64.packed:
            attrs.append("packed: 1")
        s = Imported(name, tuple(attrs), items)
        s.tcol, s.acol = _columns([i for i in items
                                   if isinstance(i, Member)], "\t")
        self.structs.append(s)
        return name

    def _union(self, outer, m64, m32):
        u64, u32 = m64.type.record, m32.type.record
        names64 = [m.name for m in u64.members]
        if names64 != [m.name for m in u32.members]:
            raise error(m64.loc, "union '%s' has different members on LP64 "
                        "and ILP32" % m64.name)
        members = []
        for k, a in enumerate(u64.members, 1):
            b = u32.member(a.name)
            if a.type.kind == "union":
                raise error(a.loc, "union '%s' directly in union '%s': the "
                            "definition language's union members are "
                            "integers or structs" % (a.name, m64.name))
            typ, decl, extra = self._typed(outer + "_" + m64.name, a, b)
            members.append(Member(typ, decl, tuple(["when: %d" % k] +
                                                   extra)))
        attrs = []
        if m64.offset == m32.offset:
            attrs.append("at: %s" % _hex(m64.offset))
        if u64.size == u32.size:
            attrs.append("size: %d" % u64.size)
        attrs.append("select: 0")
        u = UnionItem(m64.name, tuple(attrs), members)
        u.tcol, u.acol = _columns(members, "\t\t")
        return u

    def _field(self, outer, m64, m32):
        typ, decl, extra = self._typed(outer, m64, m32)
        if m64.offset == m32.offset:
            return Member(typ, decl, tuple(["at: %s" % _hex(m64.offset)] +
                                           extra))
        return Member(typ, decl, tuple(extra), "at %s on LP64, %s on ILP32"
                      % (_hex(m64.offset), _hex(m32.offset)))

    def _typed(self, outer, m64, m32):
        """(type, name with dimensions, [attributes]) of a member."""
        t64, t32, dims = m64.type, m32.type, []
        while t64.kind == "array":
            if t32.kind != "array":
                raise error(m64.loc, "'%s' is an array on LP64 only" %
                            m64.name)
            dims.append(self._dim(m64, t64, t32))
            t64, t32 = t64.elem, t32.elem
        decl = m64.name + "".join("[%s]" % d for d in dims)
        if t64.kind != t32.kind:
            raise error(m64.loc, "'%s' has a different type on LP64 and "
                        "ILP32" % m64.name)
        k = t64.kind
        if k in ("struct", "union"):
            if k == "union":
                raise error(m64.loc, "'%s' is an array of unions: the "
                            "definition language's unions are single "
                            "members of a struct" % m64.name)
            name = t64.record.tag or t64.typedef or \
                "%s_%s" % (outer, m64.name)
            return self._record(name, t64.record, t32.record), decl, []
        if k == "ptr":
            to = _pointee(t64.pointee, self.h["lp64"])
            return "ptr", decl, (['to: "%s"' % to] if to else [])
        if k == "float":
            raise error(m64.loc, "'%s' is floating point (%s): the "
                        "definition language has integers only" %
                        (m64.name, t64.name))
        if k == "char" and t32.kind == "char":
            return "char", decl, []
        if (t64.size, t32.size) == (8, 4):
            return ("long" if t64.signed else "ulong"), decl, []
        if t64.size != t32.size or t64.signed != t32.signed or \
                t64.size not in (1, 2, 4, 8):
            raise error(m64.loc, "'%s' is %d bytes on %s and %d on %s: "
                        "not a width the definition language has" %
                        (m64.name, t64.size, ABI_NAME["lp64"], t32.size,
                         ABI_NAME["ilp32"]))
        return "%sint%d" % ("" if t64.signed else "u", t64.size * 8), \
            decl, []

    # -- array dimensions ------------------------------------------------

    def _dim(self, m, t64, t32):
        n64 = t64.size // t64.elem.size if t64.elem.size else 0
        n32 = t32.size // t32.elem.size if t32.elem.size else 0
        if n64 == n32:
            return str(n64)
        try:
            text, v64, v32 = self._dim_text(t64.dim)
            if (v64, v32) == (n64, n32):
                return text
        except _NoText:
            pass
        # A dimension a + b * PTR_SIZE, if one fits both.
        b, r = divmod(n64 - n32, 4)
        if r == 0:
            a = n64 - 8 * b
            text = "%d * PTR_SIZE" % b if a == 0 else \
                "%d %s %d * PTR_SIZE" % (a, "+" if b > 0 else "-", abs(b))
            return text
        raise error(m.loc, "'%s' has %d elements on %s and %d on %s, "
                    "which no PTR_SIZE expression gives" %
                    (m.name, n64, ABI_NAME["lp64"], n32, ABI_NAME["ilp32"]))

    def _dim_text(self, node):
        """(definition-language text, LP64 value, ILP32 value) of a C
        dimension, sizeof(void *) written PTR_SIZE, sizeof(long)
        LONG_SIZE."""
        h64, h32 = self.h["lp64"], self.h["ilp32"]
        c = h64.c
        if isinstance(node, c.Constant):
            v = h64.value(node)
            return str(v), v, v
        if isinstance(node, c.ID):
            v64, v32 = h64.value(node), h32.value(node)
            if v64 != v32:
                raise _NoText()
            return str(v64), v64, v32
        if isinstance(node, c.Cast):
            return self._dim_text(node.expr)
        if isinstance(node, c.UnaryOp) and node.op == "sizeof":
            if not isinstance(node.expr, c.Typename):
                raise _NoText()
            a, b = h64.type(node.expr), h32.type(node.expr)
            if a.size == b.size:
                return str(a.size), a.size, b.size
            if a.kind == "ptr":
                return "PTR_SIZE", a.size, b.size
            if a.kind == "int" and (a.size, b.size) == (8, 4):
                return "LONG_SIZE", a.size, b.size
            raise _NoText()
        if isinstance(node, c.UnaryOp) and node.op in ("-", "~"):
            t, v64, v32 = self._dim_text(node.expr)
            f = (lambda v: -v) if node.op == "-" else (lambda v: ~v)
            return node.op + _paren(node.expr, t, c), f(v64), f(v32)
        if isinstance(node, c.BinaryOp) and node.op in _DIM_OPS:
            lt, l64, l32 = self._dim_text(node.left)
            rt, r64, r32 = self._dim_text(node.right)
            f = _DIM_OPS[node.op]
            if node.op in ("/", "%") and 0 in (r64, r32):
                raise _NoText()
            return "%s %s %s" % (_paren(node.left, lt, c), node.op,
                                 _paren(node.right, rt, c)), \
                f(l64, r64), f(l32, r32)
        raise _NoText()


class _NoText(Exception):
    """A C dimension the definition language cannot spell."""


_DIM_OPS = {"+": lambda a, b: a + b, "-": lambda a, b: a - b,
            "*": lambda a, b: a * b, "/": lambda a, b: int(a / b),
            "%": lambda a, b: a - b * int(a / b),
            "<<": lambda a, b: a << b, ">>": lambda a, b: a >> b}


def _paren(node, text, c):
    return "(%s)" % text if isinstance(node, c.BinaryOp) else text


def _pointee(node, h):
    """C for what a pointer points at, if the generated header can name
    it: a base type, a standard integer type or a tagged structure."""
    c = h.c
    if not isinstance(node, c.TypeDecl):
        return None
    quals = "".join(q + " " for q in node.quals if q in ("const",
                                                         "volatile"))
    t = node.type
    if isinstance(t, (c.Struct, c.Union)):
        kind = "struct" if isinstance(t, c.Struct) else "union"
        return quals + "%s %s" % (kind, t.name) if t.name else None
    if isinstance(t, c.IdentifierType):
        names = list(t.names)
        if names == ["void"]:
            return None
        if len(names) == 1 and names[0] in _STDINT:
            return quals + names[0]
        if len(names) == 1 and names[0] in h.typedefs:
            inner = _pointee(h.typedefs[names[0]], h)
            return quals + inner if inner else None
        return quals + " ".join(names)
    return None
