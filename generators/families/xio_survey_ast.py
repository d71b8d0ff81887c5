"""The survey's reading of one C file: clang's AST, as JSON.

clang -fsyntax-only -Xclang -ast-dump=json parses the file as the
kernel build would (the caller gives the flags) and dumps every
declaration, the headers' included.  This module walks that tree in
document order (clang writes a location's file only when it changes, so
the file of a node is the last one written before it), and for every
function defined in the file itself collects:

    the calls it makes, by callee name (the call graph);
    the copy sites: calls of the functions in TARGETS, with the size
        argument's text and whether it is variable;

and, for the whole file, the functions named in the fields of ops
tables (struct fileops, struct vop_ops, struct dev_ops initialisers,
SYSCTL_PROC handlers), by field, which is how read(2) and the others
reach a filesystem or a device without a direct call.
"""

import json
import subprocess
from dataclasses import dataclass

# callee -> (kind, index of the size argument, or None)
TARGETS = {
    "uiomove": ("uiomove", 1), "uiomove_nofault": ("uiomove", 1),
    "uiomovebp": ("uiomove", 2), "uiomove_frombuf": ("uiomove", 1),
    "uiomove_fromphys": ("uiomove", 2), "uiomovez": ("uiomove", 0),
    "copyin": ("copyin", 2), "copyin_nofault": ("copyin", 2),
    "copyout": ("copyout", 2), "copyout_nofault": ("copyout", 2),
    "bcopy": ("bufcopy", 2), "memcpy": ("bufcopy", 2),
    "pmap_qenter": ("pmap", 2), "pmap_kenter_quick": ("pmap", None),
    "xio_init": ("xio", None), "xio_release": ("xio", None),
    "xio_init_kbuf": ("xio", 2), "xio_init_pages": ("xio", 2),
    "xio_uio_copy": ("xio", None), "xio_copy_xtou": ("xio", 3),
    "xio_copy_xtok": ("xio", 3), "xio_copy_utox": ("xio", 3),
    "xio_copy_ktox": ("xio", 3),
}
# Words a file must contain to be worth parsing (see survey.run).
TARGET_WORDS = tuple(sorted(set(TARGETS) | {"b_data"}))

# Ops-table fields through which a syscall reaches a function.
OPS_FIELDS = {
    "fo_read": "read", "vop_read": "read", "d_read": "read",
    "fo_write": "write", "vop_write": "write", "d_write": "write",
    "fo_ioctl": "ioctl", "vop_ioctl": "ioctl", "d_ioctl": "ioctl",
    "d_strategy": "strategy", "vop_strategy": "strategy",
    "oid_handler": "sysctl",
}


@dataclass(frozen=True)
class Site:
    file: str           # relative to SRCTOP
    line: int
    function: str
    callee: str
    kind: str           # uiomove, copyin, copyout, bufcopy, pmap, xio
    size: str           # the size argument's text ('' when none)
    variable: bool      # the size is not a constant expression


@dataclass
class FileFacts:
    path: str
    sites: list
    calls: dict         # function -> set of callees
    ops: dict           # function -> set of ops classes it is registered as
    error: str          # why the file was not parsed, or ''


def parse(path, rel, flags, cc="clang"):
    """The facts of one file; a file clang cannot parse comes back with
    `error` set and nothing else."""
    cmd = [cc, "-fsyntax-only", "-Wno-everything", "-Xclang",
           "-ast-dump=json"] + flags + [path]
    done = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          check=False)
    facts = FileFacts(rel, [], {}, {}, "")
    if done.returncode != 0:
        first = [ln for ln in done.stderr.decode("utf-8", "replace")
                 .splitlines() if "error:" in ln]
        # Paths in the tree as the table names them, relative to it.
        top = path[:len(path) - len(rel)]
        facts.error = first[0].replace(top, "") if first else \
            "clang failed"
        if not done.stdout:
            return facts
    try:
        tu = json.loads(done.stdout)
    except ValueError:
        facts.error = facts.error or "clang wrote no AST"
        return facts
    with open(path, "rb") as f:
        source = f.read()
    _Walker(path, rel, source, facts).walk(tu)
    return facts


class _Walker:
    def __init__(self, path, rel, source, facts):
        self.path = path
        self.rel = rel
        self.source = source
        self.facts = facts
        self.file = None        # the file of the last location written
        self.line = 0
        self.records = {}       # 'struct vop_ops' -> its field names

    # -- locations ------------------------------------------------------

    def _see(self, loc):
        if not isinstance(loc, dict):
            return
        for sub in ("spellingLoc", "expansionLoc"):
            if sub in loc:
                self._see(loc[sub])
        if "file" in loc:
            self.file = loc["file"]
        if "line" in loc:
            self.line = loc["line"]

    def _see_node(self, node):
        self._see(node.get("loc"))
        rng = node.get("range")
        if isinstance(rng, dict):
            self._see(rng.get("begin"))
            self._see(rng.get("end"))

    def walk(self, tu):
        for decl in tu.get("inner", ()):
            self._see(decl.get("loc"))
            here = self.file == self.path
            rng = decl.get("range")
            if isinstance(rng, dict):
                self._see(rng.get("begin"))
                self._see(rng.get("end"))
            if here and decl.get("kind") == "FunctionDecl" and \
                    any(c.get("kind") == "CompoundStmt"
                        for c in decl.get("inner", ())):
                self._function(decl)
            else:
                self._other(decl, here)

    def _other(self, node, here):
        """Any other declaration: follow locations, learn the fields of
        structures; in the file itself, note functions named in
        ops-table fields."""
        if node.get("kind") == "RecordDecl" and node.get("name") and \
                node.get("completeDefinition"):
            self.records["%s %s" % (node.get("tagUsed", "struct"),
                                    node["name"])] = [
                c.get("name") for c in node.get("inner", ())
                if c.get("kind") == "FieldDecl"]
        for child in node.get("inner", ()):
            self._see_node(child)
            if here:
                self._ops(child)
            self._other(child, here)

    def _ops(self, node):
        if node.get("kind") != "InitListExpr":
            return
        ctype = node.get("type", {})
        fields = self.records.get(ctype.get("desugaredQualType",
                                            ctype.get("qualType")), ())
        for i, value in enumerate(node.get("inner", ())):
            if i < len(fields) and fields[i] in OPS_FIELDS:
                name = _referenced_function(value)
                if name:
                    self.facts.ops.setdefault(name, set()).add(
                        OPS_FIELDS[fields[i]])

    # -- function bodies ------------------------------------------------

    def _function(self, decl):
        name = decl["name"]
        calls = self.facts.calls.setdefault(name, set())
        self._body(decl, name, calls)

    def _body(self, node, fname, calls):
        for child in node.get("inner", ()):
            self._see_node(child)
            if child.get("kind") == "CallExpr":
                self._call(child, fname, calls)
            self._body(child, fname, calls)

    def _call(self, call, fname, calls):
        args = call.get("inner", ())
        callee = _referenced_function(args[0]) if args else None
        if not callee:
            return
        calls.add(callee)
        if callee not in TARGETS:
            return
        kind, index = TARGETS[callee]
        params = args[1:]
        if kind == "bufcopy" and not any(_mentions_member(a, "b_data")
                                         for a in params[:2]):
            return
        size, variable = "", False
        if index is not None and index < len(params):
            size = self._text(params[index]) or _describe(params[index])
            variable = not _constant(params[index])
        self.facts.sites.append(Site(self.rel, self._line_of(call), fname,
                                     callee, kind, size, variable))

    def _line_of(self, node):
        rng = node.get("range", {}).get("begin", {})
        loc = rng.get("expansionLoc", rng)
        return loc.get("line", self.line) if isinstance(loc, dict) \
            else self.line

    def _text(self, node):
        """The source text of an expression written in this file, or
        None when it comes from a macro or another file."""
        rng = node.get("range", {})
        begin, end = rng.get("begin", {}), rng.get("end", {})
        if "spellingLoc" in begin or "spellingLoc" in end:
            return None
        if "offset" not in begin or "offset" not in end:
            return None
        if begin.get("file", self.path) != self.path:
            return None
        start, stop = begin["offset"], end["offset"] + end.get("tokLen", 0)
        if not 0 <= start < stop <= len(self.source):
            return None
        text = self.source[start:stop].decode("utf-8", "replace")
        return " ".join(text.split())


def _referenced_function(node):
    """The function a callee or an initialiser names, through casts and
    parentheses."""
    while node.get("kind") in ("ImplicitCastExpr", "CStyleCastExpr",
                               "ParenExpr", "UnaryOperator"):
        inner = node.get("inner", ())
        if not inner:
            return None
        node = inner[0]
    if node.get("kind") == "DeclRefExpr":
        ref = node.get("referencedDecl", {})
        if ref.get("kind") == "FunctionDecl":
            return ref.get("name")
    return None


def _mentions_member(node, name):
    if node.get("kind") == "MemberExpr" and node.get("name") == name:
        return True
    return any(_mentions_member(c, name) for c in node.get("inner", ()))


def _constant(node):
    """Whether an expression is a compile-time constant: literals,
    sizeof, enumerators, and operators over them."""
    kind = node.get("kind")
    if kind in ("IntegerLiteral", "CharacterLiteral",
                "UnaryExprOrTypeTraitExpr", "OffsetOfExpr"):
        return True
    if kind == "DeclRefExpr":
        return node.get("referencedDecl", {}).get("kind") == \
            "EnumConstantDecl"
    if kind in ("ImplicitCastExpr", "CStyleCastExpr", "ParenExpr",
                "BinaryOperator", "UnaryOperator", "ConditionalOperator",
                "ConstantExpr"):
        return all(_constant(c) for c in node.get("inner", ()))
    return False


def _describe(node):
    """A size expression that has no text of its own here (a macro's)."""
    if node.get("kind") == "IntegerLiteral":
        return node.get("value", "?")
    ref = node.get("referencedDecl")
    if ref:
        return ref.get("name", "?")
    if node.get("kind") == "MemberExpr":
        return "->" + node.get("name", "?")
    for c in node.get("inner", ()):
        return _describe(c)
    return "(macro)"
