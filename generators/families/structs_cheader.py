"""Reading a real C header for `dfgen structs import` and `check`.

The header is run through the system C preprocessor once per ABI (-m64
for LP64, -m32 for ILP32), so that every #ifdef __LP64__ and every
typedef resolves as that ABI's compiler sees it, and pycparser parses
the result.  Two small preparations make real headers parse:

  - a prelude, included before the header (cc -include), declares the
    fixed-width integer names kernel headers take for granted
    (int32_t, __uint64_t, u_int8_t, u_char, ...) with the compiler's own
    types, so that a header such as ufs/fs.h, which includes nothing,
    still names known types; a header that declares them itself
    declares the same types again, which C allows;
  - the preprocessed text is filtered token by token (not parsed) to
    drop what pycparser does not know and a layout does not need: GNU
    attributes, asm labels, __extension__, _Static_assert, and the
    bodies of inline functions.  `packed` and `aligned(N)` attributes
    change a layout: they are kept as marker members the layout reads.

Layouts (offsets, sizes, alignments) are then computed here from the
parsed types with each ABI's rules, not asked of the compiler.
"""

import os
import re
import subprocess
import tempfile
from dataclasses import dataclass, field

from dfgen_core.diag import error
from dfgen_core.source import Loc, SourceFile, file_loc

from .structs_model import ABI_NAME, ABIS

ABI_FLAG = {"lp64": "-m64", "ilp32": "-m32"}

# Fixed-width names, declared with the compiler's predefined types so
# that they agree with any later declaration of the same name.
PRELUDE = "".join(
    "typedef __%sINT%d_TYPE__ %s;\n" % (u.upper(), n, name % (u, n))
    for n in (8, 16, 32, 64) for u in ("", "u")
    for name in ("%sint%d_t", "__%sint%d_t")) + "".join(
    "typedef __UINT%d_TYPE__ u_int%d_t;\n" % (n, n) for n in (8, 16, 32, 64)
) + """typedef unsigned char u_char;
typedef unsigned short u_short;
typedef unsigned int u_int;
typedef unsigned long u_long;
typedef __INTPTR_TYPE__ intptr_t;
typedef __UINTPTR_TYPE__ uintptr_t;
typedef __INTPTR_TYPE__ __intptr_t;
typedef __UINTPTR_TYPE__ __uintptr_t;
typedef __SIZE_TYPE__ size_t;
"""

# Types the filter names for pycparser: an incomplete structure, so that
# a member of such a type is reported rather than given a made-up size.
_PARSER_PRELUDE = "typedef struct __dfgen_va_list __builtin_va_list;\n"

# Size and alignment (inside a structure) of C's base types.
_BASE = {
    "lp64": {"char": (1, 1), "short": (2, 2), "int": (4, 4),
             "long": (8, 8), "long long": (8, 8), "ptr": (8, 8),
             "_Bool": (1, 1), "float": (4, 4), "double": (8, 8),
             "long double": (16, 16)},
    "ilp32": {"char": (1, 1), "short": (2, 2), "int": (4, 4),
              "long": (4, 4), "long long": (8, 4), "ptr": (4, 4),
              "_Bool": (1, 1), "float": (4, 4), "double": (8, 4),
              "long double": (12, 4)},
}

# Names of the marker members the filter inserts: a record's own
# attribute, and a member's (after that member).
MARK = "__dfgen_attr_"
MMARK = "__dfgen_mattr_"


# -- the model of a parsed header ----------------------------------------

@dataclass
class CType:
    """A C type as one ABI lays it out."""
    kind: str           # int char bool float enum void ptr array func
                        # struct union
    size: int
    align: int
    signed: bool = False
    record: object = None       # CRecord (struct, union)
    elem: object = None         # CType of an array's element
    dim: object = None          # pycparser node of an array's dimension
    pointee: object = None      # pycparser type node a pointer points at
    name: str = ""              # C spelling of a base type
    typedef: str = ""           # the typedef name nearest the type


@dataclass
class CMember:
    name: str
    loc: object         # Loc in the header
    type: CType
    offset: int = 0
    packed: bool = False
    aligned: int = 1


@dataclass
class CRecord:
    kind: str           # 'struct' or 'union'
    tag: str            # '' when anonymous
    loc: object
    members: list = field(default_factory=list)
    size: int = 0
    align: int = 1
    packed: bool = False

    def member(self, name):
        return next((m for m in self.members if m.name == name), None)


# -- preprocessing -------------------------------------------------------

@dataclass
class CppOptions:
    include_dirs: list
    defines: list
    undefines: list
    includes: list      # files included before the header (cc -include)

    def flags(self):
        out = []
        for f in self.includes:
            out += ["-include", f]
        out += ["-I" + d for d in self.include_dirs]
        out += ["-D" + d for d in self.defines]
        out += ["-U" + u for u in self.undefines]
        return out


def prelude_file(tmpdir):
    """Write the prelude into tmpdir; its path."""
    path = os.path.join(tmpdir, "dfgen_prelude.h")
    with open(path, "w") as f:
        f.write(PRELUDE)
    return path


def preprocess(header, opts, abi, tmpdir):
    """The header preprocessed for `abi`, as text."""
    cmd = ["cc", ABI_FLAG[abi], "-E", "-std=gnu11",
           "-fno-diagnostics-show-caret", "-include",
           prelude_file(tmpdir)] + opts.flags() + [header]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       universal_newlines=True)
    if p.returncode != 0:
        lines = [x for x in p.stderr.splitlines() if "error" in x][:8]
        raise error(file_loc(header), "the C preprocessor failed (%s):\n%s"
                    % (ABI_NAME[abi], "\n".join(lines)))
    return p.stdout


# -- the token filter ----------------------------------------------------

_TOKEN = re.compile(r"""
    (?P<nl>\n)
  | (?P<ws>[ \t\r\f\v]+)
  | (?P<dir>(?<![^\n])[ \t]*\#[^\n]*)
  | (?P<str>"(?:\\.|[^"\\\n])*")
  | (?P<chr>'(?:\\.|[^'\\\n])*')
  | (?P<id>[A-Za-z_]\w*)
  | (?P<num>\.?\d(?:[eEpP][+-]|[\w.])*)
  | (?P<op>.)
""", re.VERBOSE)

_RENAME = {"__inline": "inline", "__inline__": "inline",
           "__restrict": "restrict", "__restrict__": "restrict",
           "__signed": "signed", "__signed__": "signed",
           "__const": "const", "__const__": "const",
           "__volatile": "volatile", "__volatile__": "volatile"}
_DROP = {"__extension__", "_Noreturn", "__thread", "_Thread_local"}
_ATTR = {"__attribute__", "__attribute"}
_ASM = {"__asm__", "__asm", "asm"}


class _Filter:
    """Rewrites preprocessed text for pycparser, keeping every newline
    and line marker (and so every line number) where it was."""

    def __init__(self, text):
        self.toks = [(m.lastgroup, m.group()) for m in _TOKEN.finditer(text)]
        self.out = []           # output pieces
        self.i = 0              # the next token
        self.prev = ""          # the previous significant token
        self.prev2 = ""         # and the one before it
        self.stack = []         # open braces: ['rec' or 'other', attrs]
        self.pending = []       # attributes for the next record body
        self.member = []        # attributes for the member being read
        self.closed = None      # out index of a record's '}' just closed
        self.own = {}           # out index of a record's '}' -> attrs

    def run(self):
        while self.i < len(self.toks):
            kind, t = self.toks[self.i]
            if kind in ("ws", "nl", "dir"):
                self._emit(t, significant=False)
            elif t in _ATTR:
                self._attribute()
            elif t in _ASM:
                self._skip(self._asm_end())
            elif t in ("_Static_assert", "static_assert"):
                self._skip(self._static_assert_end())
            elif t in _DROP:
                self._skip(self.i + 1)
            elif t == "{" and self.prev == ")" and not self.stack:
                # An inline function's body: a prototype is enough.
                end = self._brace_end(self.i)
                self.out.append(";" + self._blank(self.i + 1, end))
                self.i, self.prev2, self.prev = end, self.prev, ";"
                self.closed = None
            else:
                self._token(t)
        for k, attrs in self.own.items():
            self.out[k] = "".join(" char %s%s;" % (MARK, a)
                                  for a in attrs) + self.out[k]
        return "".join(self.out)

    def _emit(self, text, significant=True):
        self.out.append(text)
        self.i += 1
        if significant:
            self.prev2, self.prev = self.prev, self.toks[self.i - 1][1]

    def _skip(self, end):
        self.out.append(self._blank(self.i, end))
        self.i = end

    def _token(self, t):
        in_record = self.stack and self.stack[-1][0] == "rec"
        self.closed = None
        if t == "{":
            if self.prev in ("struct", "union") or \
                    self.prev2 in ("struct", "union"):
                self.stack.append(("rec", self.pending))
            else:
                self.stack.append(("other", []))
            self.pending = []
        elif t == "}" and self.stack:
            kind, attrs = self.stack.pop()
            if kind == "rec":
                self._emit(t)
                self.closed = len(self.out) - 1
                if attrs:
                    self.own[self.closed] = list(attrs)
                return
        elif t == ";" and in_record and self.member:
            self._emit(t)
            self.out[-1] += "".join(" char %s%s;" % (MMARK, a)
                                    for a in self.member)
            self.member = []
            return
        self._emit(_RENAME.get(t, t))

    def _attribute(self):
        """__attribute__((...)): dropped, its layout attributes kept for
        the record it follows or precedes, or the member it is in."""
        j = self._sig(self.i + 1)
        end = self._balanced(j)
        attrs = _attributes([w for k, w in self.toks[j:end]
                             if k in ("id", "num")])
        self._skip(end)
        if not attrs:
            return
        if self.closed is not None:
            self.own[self.closed] = self.own.get(self.closed, []) + attrs
        elif self.prev in ("struct", "union"):
            self.pending += attrs
        elif self.stack and self.stack[-1][0] == "rec":
            self.member += attrs

    def _asm_end(self):
        j = self._sig(self.i + 1)
        while j < len(self.toks) and \
                self.toks[j][1] in ("volatile", "__volatile__", "goto",
                                    "inline"):
            j = self._sig(j + 1)
        return self._balanced(j)

    def _static_assert_end(self):
        end = self._balanced(self._sig(self.i + 1))
        j = self._sig(end)
        return j + 1 if j < len(self.toks) and self.toks[j][1] == ";" \
            else end

    def _sig(self, j):
        """Index of the first significant token at or after j."""
        while j < len(self.toks) and self.toks[j][0] in ("ws", "nl", "dir"):
            j += 1
        return j

    def _balanced(self, j):
        """Index just past the parenthesized group starting at j."""
        return self._group_end(j, "(", ")")

    def _brace_end(self, j):
        return self._group_end(j, "{", "}")

    def _group_end(self, j, left, right):
        depth = 0
        while j < len(self.toks):
            t = self.toks[j][1]
            if t == left:
                depth += 1
            elif t == right:
                depth -= 1
                if depth == 0:
                    return j + 1
            j += 1
        return j

    def _blank(self, a, b):
        """Tokens a..b as spaces, newlines and line markers kept."""
        return "".join(t if k in ("nl", "dir") else " " * len(t)
                       for k, t in self.toks[a:b])


def _apply(member, attr):
    if attr == "packed":
        member.packed = True
    elif attr.startswith("aligned_"):
        member.aligned = int(attr[len("aligned_"):])


def _attributes(words):
    """The layout attributes among the words of __attribute__((...)):
    'packed', 'aligned_N'."""
    out = []
    names = [w.strip("_") for w in words]
    for k, w in enumerate(names):
        if w == "packed":
            out.append("packed")
        elif w == "aligned":
            # Without an argument: the largest alignment of x86 (16);
            # with one that is not a number: 0, refused where it counts.
            nxt = names[k + 1] if k + 1 < len(names) else ""
            n = _int_literal(nxt) if nxt else 16
            out.append("aligned_%d" % (n or 0))
        elif w == "mode":
            out.append("mode")
    return out


def _int_literal(text):
    m = re.match(r"(0[xX][0-9a-fA-F]+|\d+)[uUlL]*$", text)
    return int(m.group(1), 0) if m else None


# -- parsing -------------------------------------------------------------

def parse(header, opts, abi, tmpdir):
    """The pycparser AST of the header for `abi`."""
    from pycparser import c_parser
    from pycparser.plyparser import ParseError
    text = _Filter(preprocess(header, opts, abi, tmpdir)).run()
    try:
        return c_parser.CParser().parse(_PARSER_PRELUDE + text, header)
    except ParseError as e:
        m = re.match(r"(.*?):(\d+):(\d+): (.*)$", str(e))
        if not m:
            raise error(file_loc(header), "cannot parse: %s" % e) from None
        raise error(loc_at(m.group(1), int(m.group(2)), int(m.group(3))),
                    "cannot parse this C (%s): %s" %
                    (ABI_NAME[abi], m.group(4))) from None


_SOURCES = {}


def loc_at(path, line, col):
    """A Loc in a file the preprocessor named (its text, if readable,
    quoted under the diagnostic)."""
    if path not in _SOURCES:
        try:
            with open(path, encoding="utf-8", errors="replace") as f:
                _SOURCES[path] = SourceFile(path, f.read())
        except OSError:
            _SOURCES[path] = SourceFile(path, "")
    src = _SOURCES[path]
    if not src.text:
        return Loc(src, 0, 0)
    return Loc(src, line, col or 1)


def coord_loc(coord):
    return loc_at(coord.file, coord.line, coord.column)


# -- layout --------------------------------------------------------------

def _roundup(n, a):
    return (n + a - 1) // a * a


class Header:
    """One ABI's view of a parsed header: its typedefs, records and
    enumerators, and the layout of every type it names."""

    def __init__(self, ast, abi):
        from pycparser import c_ast
        self.c = c_ast
        self.abi = abi
        self.base = _BASE[abi]
        self.typedefs = {}      # name -> type node
        self.tags = {}          # ('struct'|'union', tag) -> node with decls
        self.enums = {}         # enumerator -> value
        self.enum_tags = {}     # tag -> Enum node with its values
        self._records = {}      # id(node) -> CRecord
        self._collect(ast)

    def _collect(self, ast):
        c = self.c
        header = self

        class V(c.NodeVisitor):
            def visit_Typedef(self, n):
                header.typedefs[n.name] = n.type
                self.generic_visit(n)

            def visit_Struct(self, n):
                if n.decls is not None and n.name:
                    header.tags[("struct", n.name)] = n
                self.generic_visit(n)

            def visit_Union(self, n):
                if n.decls is not None and n.name:
                    header.tags[("union", n.name)] = n
                self.generic_visit(n)

            def visit_Enum(self, n):
                if n.values is not None and n.name:
                    header.enum_tags[n.name] = n
                if n.values is not None:
                    nxt = 0
                    for e in n.values.enumerators:
                        if e.value is not None:
                            nxt = header.value(e.value)
                        header.enums[e.name] = nxt
                        nxt += 1
        V().visit(ast)

    # -- finding a structure by the name a person gives ------------------

    def find(self, name):
        """The record a name stands for: a struct tag, or a typedef of a
        struct; (record, how) with how 'tag' or 'typedef', or None."""
        if ("struct", name) in self.tags:
            return self.record(self.tags[("struct", name)]), "tag"
        node = self.typedefs.get(name)
        if node is not None:
            t = self.type(node)
            if t.kind in ("struct", "union"):
                return t.record, "typedef"
        if ("union", name) in self.tags:
            return self.record(self.tags[("union", name)]), "tag"
        return None

    # -- types -------------------------------------------------------------

    def type(self, node):
        c = self.c
        if isinstance(node, c.Typename):
            return self.type(node.type)
        if isinstance(node, c.TypeDecl):
            return self._typedecl(node)
        if isinstance(node, c.PtrDecl):
            size, align = self.base["ptr"]
            return CType("ptr", size, align, pointee=node.type)
        if isinstance(node, c.ArrayDecl):
            elem = self.type(node.type)
            if node.dim is None:
                return CType("array", 0, elem.align, elem=elem, dim=None)
            n = self.value(node.dim)
            return CType("array", elem.size * n, elem.align, elem=elem,
                         dim=node.dim)
        if isinstance(node, c.FuncDecl):
            return CType("func", 1, 1)
        raise error(coord_loc(node.coord), "unexpected C type here")

    def _typedecl(self, node):
        c = self.c
        t = node.type
        if isinstance(t, (c.Struct, c.Union)):
            return self._record_type(t)
        if isinstance(t, c.Enum):
            values = self._enum_values(t)
            return CType("enum", 4, 4, signed=any(v < 0 for v in values),
                         name="int" if any(v < 0 for v in values)
                         else "unsigned int")
        names = list(t.names)
        if len(names) == 1 and names[0] in self.typedefs:
            out = self.type(self.typedefs[names[0]])
            out.typedef = out.typedef or names[0]
            return out
        return self._base(names, node)

    def _base(self, names, node):
        if names == ["void"]:
            return CType("void", 1, 1, name="void")
        signed = "unsigned" not in names
        rest = [w for w in names if w not in ("signed", "unsigned", "int")]
        key = " ".join(rest) or "int"
        if key == "short int":
            key = "short"
        if key in ("long long", "long", "short", "int", "char"):
            size, align = self.base[key]
            if key == "char":
                kind = "char" if names == ["char"] else "int"
            else:
                kind = "int"
            spelled = ("unsigned " if not signed else
                       "signed " if key == "char" and kind == "int" else "")
            return CType(kind, size, align, signed=signed,
                         name=spelled + key)
        if key == "_Bool":
            return CType("bool", 1, 1, name="_Bool")
        if key in ("float", "double", "long double"):
            size, align = self.base[key]
            return CType("float", size, align, signed=True, name=key)
        raise error(coord_loc(node.coord), "unknown C type '%s'" %
                    " ".join(names))

    def _enum_values(self, t):
        node = t if t.values is not None else self.enum_tags.get(t.name)
        if node is None:
            return [0]
        return [self.enums[e.name] for e in node.values.enumerators]

    def _record_type(self, t):
        kind = "struct" if isinstance(t, self.c.Struct) else "union"
        node = t
        if t.decls is None:
            node = self.tags.get((kind, t.name))
            if node is None:
                return CType(kind, 0, 1, record=None, name=t.name or "")
        r = self.record(node)
        return CType(kind, r.size, r.align, record=r, name=r.tag)

    def record(self, node):
        """The laid-out CRecord of a struct/union node with its members."""
        key = id(node)
        if key in self._records:
            return self._records[key]
        kind = "struct" if isinstance(node, self.c.Struct) else "union"
        r = CRecord(kind, node.name or "", coord_loc(node.coord))
        self._records[key] = r
        own = []                # the record's own attributes
        for d in node.decls:
            name = d.name or ""
            if name.startswith(MARK) or name.startswith(MMARK):
                attr = name[len(MARK if name.startswith(MARK) else MMARK):]
                if attr == "mode":
                    raise error(coord_loc(d.coord), "__attribute__((mode)) "
                                "changes a type's width: not supported")
                if attr == "aligned_0":
                    raise error(coord_loc(d.coord), "__attribute__((aligned"
                                "(...))) with an expression: only a number "
                                "is supported")
                if name.startswith(MARK):
                    own.append(attr)
                elif r.members:
                    _apply(r.members[-1], attr)
                continue
            if d.name is None:
                raise error(coord_loc(d.coord), "anonymous member in %s "
                            "'%s': the definition language names every "
                            "member" % (kind, r.tag or "(anonymous)"))
            if d.bitsize is not None:
                raise error(coord_loc(d.coord), "'%s' is a C bit field: "
                            "the definition language declares bit fields "
                            "on an explicit integer (TYPE NAME { BIT bits: "
                            "W; ... }); write that field by hand" % d.name)
            r.members.append(CMember(d.name, coord_loc(d.coord),
                                     self.type(d.type)))
        r.packed = "packed" in own
        min_align = max([int(a[len("aligned_"):]) for a in own
                         if a.startswith("aligned_")] + [1])
        self._layout(r, min_align)
        return r

    def _layout(self, r, min_align):
        off, size, align = 0, 0, min_align
        for m in r.members:
            t = m.type
            if t.kind in ("struct", "union") and t.record is None:
                raise error(m.loc, "'%s' has an incomplete type (%s %s is "
                            "not defined in this header)" %
                            (m.name, t.kind, t.name))
            if t.kind == "array" and t.dim is None:
                raise error(m.loc, "'%s' is a flexible array member: the "
                            "definition language needs its capacity (a "
                            "tail with count: or length:); write it by "
                            "hand" % m.name)
            if t.kind in ("void", "func"):
                raise error(m.loc, "'%s' has no size" % m.name)
            a = max(1 if r.packed or m.packed else t.align, m.aligned)
            align = max(align, a)
            if r.kind == "struct":
                off = _roundup(off, a)
                m.offset = off
                off += t.size
                size = off
            else:
                m.offset = 0
                size = max(size, t.size)
        r.align = align
        r.size = _roundup(size, align)

    # -- constant expressions --------------------------------------------

    def value(self, node):
        """The value of a constant expression (array dimensions,
        enumerators)."""
        c = self.c
        if isinstance(node, c.Constant):
            return _constant(node)
        if isinstance(node, c.ID):
            if node.name in self.enums:
                return self.enums[node.name]
            raise error(coord_loc(node.coord), "'%s' is not a constant "
                        "(a macro left undefined? see -D and --include)" %
                        node.name)
        if isinstance(node, c.UnaryOp):
            if node.op == "sizeof":
                t = node.expr
                ty = self.type(t) if isinstance(t, c.Typename) else \
                    self._expr_type(t)
                return ty.size
            v = self.value(node.expr)
            return {"-": -v, "+": v, "~": ~v, "!": int(not v)}[node.op]
        if isinstance(node, c.BinaryOp):
            a, b = self.value(node.left), self.value(node.right)
            return _binary(node.op, a, b, node, self)
        if isinstance(node, c.TernaryOp):
            return self.value(node.iftrue) if self.value(node.cond) else \
                self.value(node.iffalse)
        if isinstance(node, c.Cast):
            return self.value(node.expr)
        raise error(coord_loc(node.coord), "cannot evaluate this constant "
                    "expression")

    def _expr_type(self, node):
        raise error(coord_loc(node.coord), "sizeof of an expression: "
                    "not supported")


def _constant(node):
    text = node.value
    if node.type == "char":
        body = text[1:-1]
        if body.startswith("\\"):
            esc = {"n": 10, "t": 9, "r": 13, "0": 0, "\\": 92, "'": 39}
            if body[1] in esc and len(body) == 2:
                return esc[body[1]]
            if body[1] == "x":
                return int(body[2:], 16)
            return int(body[1:], 8)
        return ord(body)
    text = text.rstrip("uUlL")
    if text.startswith(("0x", "0X")):
        return int(text, 16)
    if text.startswith(("0b", "0B")):
        return int(text, 2)
    if len(text) > 1 and text.startswith("0"):
        return int(text, 8)
    try:
        return int(text)
    except ValueError:
        raise error(coord_loc(node.coord), "'%s' is not an integer" %
                    node.value) from None


def _binary(op, a, b, node, h):
    if op in ("/", "%") and b == 0:
        raise error(coord_loc(node.coord), "division by zero")
    ops = {"+": lambda: a + b, "-": lambda: a - b, "*": lambda: a * b,
           "/": lambda: int(a / b), "%": lambda: a - b * int(a / b),
           "<<": lambda: a << b, ">>": lambda: a >> b, "&": lambda: a & b,
           "|": lambda: a | b, "^": lambda: a ^ b,
           "<": lambda: int(a < b), ">": lambda: int(a > b),
           "<=": lambda: int(a <= b), ">=": lambda: int(a >= b),
           "==": lambda: int(a == b), "!=": lambda: int(a != b),
           "&&": lambda: int(bool(a and b)),
           "||": lambda: int(bool(a or b))}
    if op not in ops:
        raise error(coord_loc(node.coord), "operator '%s' in a constant "
                    "expression" % op)
    return ops[op]()


def read(header, opts, abis=ABIS):
    """{abi: Header} for every ABI asked for."""
    if not os.path.isfile(header):
        raise error(file_loc(header), "no such header")
    with tempfile.TemporaryDirectory(prefix="dfgen-cheader.") as tmp:
        return {abi: Header(parse(header, opts, abi, tmp), abi)
                for abi in abis}
