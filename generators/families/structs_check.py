"""`dfgen structs check DEFS.def HEADER.h`: does a definition file still
describe the structures a C header declares?

The header generated from DEFS is written into a temporary directory,
and two probe programs are built from the same list of questions: one
includes the real header, the other the generated one (two translation
units, since both declare the same structures).  Each prints, for every
structure of DEFS, its sizeof and, for every field, its offsetof, its
size, the size of one element and the class of its type (int, uint,
char, pointer, struct, union, float).  Both are compiled and run for
the host (LP64) and with -m32 (ILP32), and every field whose offset,
size or type differs is reported at its line in DEFS.

A structure of DEFS the header has under the same name (a struct tag or
a typedef of a struct) is probed as itself; one the header has only as
an anonymous member type (imported as OUTER_MEMBER) is probed through
the member that holds it.  The header is read with pycparser as for
import (structs_cheader) to know which fields it has and which are
arrays: a field one side lacks is reported, not compiled.
"""

import os
import sys
import subprocess
import tempfile
from dataclasses import dataclass

from dfgen_core.diag import Diagnostic, UsageError, error, format_diagnostic
from dfgen_core.loader import load
from dfgen_core.paths import TOP_DIR
from dfgen_core.source import file_loc

from . import structs_cheader as cheader
from .structs_build import build
from .structs_import import cpp_options
from .structs_model import ABI_NAME, ABIS, Field, Union

# The class of a probed expression's type.
_CLASS = """#define	DFGEN_CLASS(x) _Generic((x),					\\
	_Bool: "uint", char: "char", signed char: "int",		\\
	unsigned char: "uint", short: "int", unsigned short: "uint",	\\
	int: "int", unsigned int: "uint", long: "int",			\\
	unsigned long: "uint", long long: "int",			\\
	unsigned long long: "uint", float: "float", double: "float",	\\
	long double: "float",						\\
	default: __builtin_classify_type(x) == 5 ? "pointer" :		\\
	    __builtin_classify_type(x) == 12 ? "struct" :		\\
	    __builtin_classify_type(x) == 13 ? "union" : "other")
"""


@dataclass
class _Probe:
    """One question, asked of both headers."""
    key: str            # 'fs' (a structure) or 'fs.fs_time' (a field)
    loc: object         # where in DEFS it is answered
    real_type: str      # C of the structure in the real header
    gen_type: str
    path: str = ""      # member designator; '' for the structure
    real_elem: str = ""  # the designator of one element
    gen_elem: str = ""

    def c(self, side):
        t = self.real_type if side == "real" else self.gen_type
        if not self.path:
            return '\tprintf("%s\\t-\\t%%zu\\n", sizeof(%s));\n' % (
                self.key, t)
        elem = self.real_elem if side == "real" else self.gen_elem
        return ('\tprintf("%s\\t%%zu\\t%%zu\\t%%zu\\t%%s\\n", '
                '__builtin_offsetof(%s, %s),\n\t    sizeof(((%s *)0)->%s), '
                'sizeof(((%s *)0)->%s),\n\t    DFGEN_CLASS(((%s *)0)->%s));'
                '\n' % (self.key, t, self.path, t, self.path, t, elem,
                        t, elem))


def run(args):
    if len(args.inputs) != 3:
        raise UsageError("dfgen structs check: expected a definition file "
                         "and a header: check DEFS.def HEADER.h")
    if args.list_outputs or args.record or args.structs or \
            args.output_dir is not None:
        raise UsageError("dfgen structs check: -o, --struct, "
                         "--list-outputs and --record do not apply")
    defs, header = args.inputs[1:]
    unit = load(defs, args.include_dirs)
    model = build(unit)
    opts = cpp_options(args)
    real = cheader.read(header, opts, ("lp64",))
    planner = _Planner(model, real["lp64"], header)
    probes = planner.plan()
    diags = list(planner.diags)
    with tempfile.TemporaryDirectory(prefix="dfgen-check.") as tmp:
        stem = os.path.splitext(os.path.basename(defs))[0]
        _write_generated(tmp, defs, stem, model)
        answers = {side: {abi: _ask(side, abi, probes, tmp, header, defs,
                                    stem, opts)
                          for abi in ABIS} for side in ("real", "gen")}
    diags += _compare(probes, answers, os.path.basename(header))
    diags.sort(key=lambda d: (d.loc.src.path != defs, d.loc.src.path,
                              d.loc.line, d.loc.col))
    for d in diags:
        sys.stderr.write(format_diagnostic(d))
    return 1 if diags else 0


def _write_generated(tmp, defs, stem, model):
    from dfgen_core.render import Renderer
    text = Renderer("dfgen structs").render(
        "structs/structs.h.j2", defs, m=model, stem=stem,
        output=stem + ".h")
    with open(os.path.join(tmp, stem + ".h"), "w") as f:
        f.write(text)


class _Planner:
    """The probes of every structure of DEFS, and what cannot be probed
    (a structure or field the header lacks)."""

    def __init__(self, model, h, header):
        self.model = model
        self.h = h
        self.header = header
        self.shown = os.path.basename(header)
        self.diags = []
        self.probes = []

    def plan(self):
        own, reached = {}, set()
        for s in self.model.structs:
            found = self.h.find(s.name)
            if found is not None and found[0].kind == "struct":
                own[s.name] = (found[0], "struct " + s.name
                               if found[1] == "tag" else s.name)
        for s in self.model.structs:
            if s.name in own:
                record, ctype = own[s.name]
                self.probes.append(_Probe(s.name, s.loc, ctype,
                                          "struct " + s.name))
                self._items(s, record, ctype, "struct " + s.name, "",
                            s.name, own, reached)
        for s in self.model.structs:
            if s.name not in own and s.name not in reached:
                self.diags.append(Diagnostic(s.loc, "no struct '%s' in %s"
                                             % (s.name, self.shown)))
        return self.probes

    def _items(self, s, record, rtype, gtype, prefix, key, own, reached):
        names = set()
        for item in s.items:
            if isinstance(item, Field) and item.pad:
                continue
            names.add(item.name)
            rm = record.member(item.name)
            if rm is None:
                self.diags.append(Diagnostic(item.loc, "%s has no field "
                                             "'%s' in %s" % (
                                                 _what(record, key),
                                                 item.name, self.shown)))
                continue
            self._field(item, rm, rtype, gtype, prefix, key)
            if isinstance(item, Union):
                if rm.type.kind == "union":
                    self._union(item, rm, rtype, gtype, prefix, key, own,
                                reached)
            else:
                self._nested(item, rm, rtype, gtype, prefix, key, own,
                             reached)
        for m in record.members:
            if m.name not in names:
                self.diags.append(Diagnostic(
                    s.loc, "%s in %s has a field '%s' (%d bytes at %#x) "
                    "that the definition does not declare" %
                    (_what(record, key), self.shown, m.name, m.type.size,
                     m.offset)))

    def _nested(self, item, rm, rtype, gtype, prefix, key, own, reached):
        """A struct field whose structure the header has only as an
        anonymous type: probed through this field."""
        if not item.is_struct or item.type.name in own:
            return
        inner = _element(rm.type)
        if inner.kind == "struct" and inner.record is not None:
            reached.add(item.type.name)
            sub = prefix + item.name + "[0]" * len(item.dims) + "."
            self._items(item.type, inner.record, rtype, gtype, sub,
                        key + "." + item.name, own, reached)

    def _union(self, u, rm, rtype, gtype, prefix, key, own, reached):
        urec = rm.type.record
        for mm in u.members:
            rmm = urec.member(mm.name)
            if rmm is None:
                self.diags.append(Diagnostic(mm.loc, "union '%s' has no "
                                             "member '%s' in %s" %
                                             (u.name, mm.name, self.shown)))
                continue
            self._field(mm, rmm, rtype, gtype, prefix + u.name + ".",
                        key + "." + u.name)
            self._nested(mm, rmm, rtype, gtype, prefix + u.name + ".",
                         key + "." + u.name, own, reached)
        names = {mm.name for mm in u.members}
        for m in urec.members:
            if m.name not in names:
                self.diags.append(Diagnostic(
                    u.loc, "union '%s' in %s has a member '%s' that the "
                    "definition does not declare" %
                    (u.name, self.shown, m.name)))

    def _field(self, item, rm, rtype, gtype, prefix, key):
        path = prefix + item.name
        dims = len(item.dims) if isinstance(item, Field) else 0
        self.probes.append(_Probe(
            key + "." + item.name, item.loc, rtype, gtype, path,
            path + "[0]" * _rank(rm.type), path + "[0]" * dims))


def _what(record, key):
    return "%s '%s'" % (record.kind, key)


def _rank(t):
    n = 0
    while t.kind == "array":
        t, n = t.elem, n + 1
    return n


def _element(t):
    while t.kind == "array":
        t = t.elem
    return t


def _probe_source(side, probes, include):
    # No system header: the header's -I directories may hide them.
    out = ['#include "%s"' % include, "", "int\tprintf(const char *, ...);",
           "", _CLASS, "int", "main(void)", "{"]
    text = "\n".join(out) + "\n"
    text += "".join(p.c(side) for p in probes)
    return text + "\treturn (0);\n}\n"


def _ask(side, abi, probes, tmp, header, defs, stem, opts):
    """{key: tuple of numbers and class} from the probe of one side."""
    src = os.path.join(tmp, "probe_%s_%s.c" % (side, abi))
    exe = src[:-2]
    include = os.path.abspath(header) if side == "real" else stem + ".h"
    with open(src, "w") as f:
        f.write(_probe_source(side, probes, include))
    cmd = ["cc", cheader.ABI_FLAG[abi], "-std=gnu11", "-w",
           "-fno-diagnostics-show-caret", "-o", exe]
    if side == "real":
        cmd += ["-include", cheader.prelude_file(tmp)] + opts.flags()
    else:
        cmd += ["-I" + tmp, "-I" + os.path.join(TOP_DIR, "sys-overlays",
                                                  "sys")]
    p = subprocess.run(cmd + [src], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, universal_newlines=True)
    if p.returncode != 0:
        lines = [x for x in p.stderr.splitlines() if "error" in x][:8]
        raise error(file_loc(header if side == "real" else defs),
                    "cannot compile the probe of %s (%s):\n%s" %
                    ("this header" if side == "real" else
                     "the generated header", ABI_NAME[abi],
                     "\n".join(lines)))
    p = subprocess.run([exe], stdout=subprocess.PIPE,
                       universal_newlines=True)
    if p.returncode != 0:
        raise error(file_loc(defs), "the probe program failed (%s)" %
                    ABI_NAME[abi])
    out = {}
    for line in p.stdout.splitlines():
        key, *values = line.split("\t")
        out[key] = values
    return out


def _type_name(size, cls):
    if cls in ("int", "uint", "float"):
        return "%s%d" % (cls, 8 * int(size))
    return cls


def _compare(probes, answers, shown):
    diags = []
    for p in probes:
        found = {}      # (message parts) -> [abi]
        for abi in ABIS:
            r = answers["real"][abi][p.key]
            g = answers["gen"][abi][p.key]
            if not p.path:
                if r[1] != g[1]:
                    found.setdefault(("sizeof(%s) is %s in %s, %s in the "
                                      "definition" % (p.gen_type, r[1],
                                                      shown, g[1])),
                                     []).append(abi)
                continue
            if r[0] != g[0]:
                found.setdefault("'%s' is at offset %#x in %s, %#x in the "
                                 "definition" % (p.key, int(r[0]), shown,
                                                 int(g[0])), []).append(abi)
            if r[1] != g[1]:
                found.setdefault("'%s' is %s bytes in %s, %s in the "
                                 "definition" % (p.key, r[1], shown, g[1]),
                                 []).append(abi)
            rt, gt = _type_name(r[2], r[3]), _type_name(g[2], g[3])
            if rt != gt:
                found.setdefault("'%s' is %s in %s, %s in the definition" %
                                 (p.key, rt, shown, gt), []).append(abi)
        for message, abis in found.items():
            diags.append(Diagnostic(p.loc, "%s (%s)" % (
                message, " and ".join(ABI_NAME[a] for a in abis))))
    return diags
