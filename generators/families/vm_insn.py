"""What one instruction does: its `insn` statement's attributes bound
to operands, checked, and turned into the verifier's checks of it.

    load: FIELD | len | mem | packet | msh | stack, dst: REG
          [at: FIELD | REG + FIELD] [size: N]
    store: REG, at: FIELD                       scratch memory
    store: REG, at: REG + FIELD, size: N        the stack
    alu: OPERATION, dst: REG [, src: FIELD | REG]
    move: REG, dst: REG
    jump: always, to: FIELD
    jump: CONDITION, dst: REG, src: FIELD | REG, then: FIELD [, else: FIELD]
    call: FIELD                                 the helper's number
    ret: FIELD | REG

A REG is a named register (A), a layout field that selects a register
of the register file (dst), or a file register by number (r0).  A jump
without `else:` falls through.
"""

import re

from dfgen_core.diag import error
from dfgen_core.names import suggest

from .vm_model import ALU_OPS, CONDITIONS, KINDS, LOAD_SOURCES, \
    PACKET_SIZES, STACK_SIZES, Check, Insn, Operand
from .vm_syntax import compile_syntax

# Which attributes each kind of instruction needs (R) and allows (O).
_SHAPES = {
    "load": {"dst": "R", "at": "O", "size": "O"},
    "store": {"at": "R", "size": "O"},
    "alu": {"dst": "R", "src": "O"},
    "move": {"dst": "R"},
    "jump": {"dst": "O", "src": "O", "then": "O", "else": "O", "to": "O"},
    "call": {},
    "ret": {},
}
_FILE_REGISTER = re.compile(r"([A-Za-z_]+?)(\d+)\Z")


def bind_insn(builder, b, cname, code, class_name):
    return _Binder(builder, b).insn(cname, code, class_name)


class _Binder:
    def __init__(self, builder, b):
        self.vm = builder.vm
        self.registers = {n: r for n, (r, _) in builder.registers.items()}
        self.helpers = builder.helpers
        self.fields = {f.name: f for f in builder.layout}
        self.opcode = builder.layout[0].name
        self.b = b
        self.a = b.attrs
        self.locs = b.attr_locs

    def insn(self, cname, code, class_name):
        b, a = self.b, self.a
        kind = self._kind()
        what = a[kind]
        if "syntax" not in a:
            raise error(b.loc, "instruction '%s' needs 'syntax:'" % b.name)
        dst = self.register(a["dst"]) if "dst" in a else None
        src = self.operand(a["src"]) if "src" in a else None
        base = at = None
        if "at" in a:
            at = self.field(a["at"].field)
            if a["at"].base is not None:
                base = self.register(a["at"].base)
        op, size, helper = what.name, a.get("size", 0), ""
        then = self.field(a.get("then"))
        other = self.field(a.get("else"))
        to = self.field(a.get("to"))
        if kind == "load":
            op, src = self._load(what, src, base, at)
        elif kind == "store":
            op = self._store(what, base)
            src = self.register(what)
        elif kind == "alu":
            self._alu(what, src)
        elif kind == "move":
            op, src = "", self.register(what)
        elif kind == "jump":
            self._jump(what)
        elif kind == "call":
            op, helper = "", self.field(what)
            if not self.helpers:
                raise error(what.loc, "vm '%s' has no helpers to call" %
                            self.vm.name)
        else:
            op, src = "", self.operand(what)
        checks = self._checks(kind, op, dst, src, base, at,
                              (then, other, to))
        syntax = self._syntax(dst, src, base, at, (then, other, to), helper)
        return Insn(b.name, cname, code, kind, op, dst, src, base, at,
                    size, then, other, to, helper, syntax,
                    a.get("doc", ""), checks, class_name,
                    tuple(self.fields[f].cname for f in syntax.args),
                    a.get("hot", 0))

    # -- attributes ------------------------------------------------------

    def _kind(self):
        b, a, locs = self.b, self.a, self.locs
        given = [k for k in KINDS if k in a]
        if not given:
            raise error(b.loc, "instruction '%s' needs one of %s" %
                        (b.name, ", ".join("'%s:'" % k for k in KINDS)))
        if len(given) > 1:
            raise error(locs[given[1]], "instruction '%s' cannot be both "
                        "'%s' and '%s'" % (b.name, given[0], given[1]))
        kind = given[0]
        shape = _SHAPES[kind]
        for key in a:
            if key not in KINDS and key not in ("syntax", "doc", "hot") and \
                    key not in shape:
                raise error(locs[key], "'%s:' does not apply to a '%s' "
                            "instruction" % (key, kind))
        for key, need in shape.items():
            if need == "R" and key not in a:
                raise error(locs[kind], "a '%s' instruction needs '%s:'" %
                            (kind, key))
        return kind

    def _no(self, keys, what):
        for key in keys:
            if key in self.a:
                raise error(self.locs[key], "%s takes no '%s:'" %
                            (what, key))

    def _size(self, sizes, what):
        size = self.a.get("size")
        if size not in sizes:
            raise error(self.locs.get("size", self.locs[what]), "%s needs "
                        "size: %s or %d" % ("a packet load"
                                            if sizes == PACKET_SIZES
                                            else "a stack access",
                                            ", ".join(map(str, sizes[:-1])),
                                            sizes[-1]))

    def _load(self, what, src, base, at):
        name = what.name
        if name in self.fields:
            self._no(("at", "size"), "a constant load")
            return "field", self.operand(what)
        if name not in LOAD_SOURCES:
            raise error(what.loc, "unknown load source '%s'; expected a "
                        "field or one of %s%s" %
                        (name, ", ".join(LOAD_SOURCES),
                         suggest(name, LOAD_SOURCES + tuple(self.fields))))
        if name == "len":
            self._no(("at", "size"), "a 'len' load")
            return name, None
        if at is None:
            raise error(what.loc, "a '%s' load needs 'at:'" % name)
        if name == "mem" and not self.vm.scratch:
            raise error(what.loc, "vm '%s' has no scratch memory (give it "
                        "'scratch:')" % self.vm.name)
        if name == "stack" and not self.vm.stack:
            raise error(what.loc, "vm '%s' has no stack (give it 'stack:')"
                        % self.vm.name)
        if name == "packet":
            self._size(PACKET_SIZES, "load")
        elif name == "stack":
            self._size(STACK_SIZES, "load")
        else:
            self._no(("size",), "a '%s' load" % name)
        if name == "stack" and base is None:
            raise error(self.a["at"].loc, "a stack load is addressed by "
                        "REGISTER + FIELD")
        if name in ("mem", "msh") and base is not None:
            raise error(self.a["at"].loc, "a '%s' load is addressed by "
                        "FIELD alone" % name)
        return name, src

    def _store(self, what, base):
        if base is None:
            if not self.vm.scratch:
                raise error(self.locs["store"], "vm '%s' has no scratch "
                            "memory (give it 'scratch:')" % self.vm.name)
            self._no(("size",), "a scratch store")
            return "scratch"
        if not self.vm.stack:
            raise error(self.locs["store"], "vm '%s' has no stack (give it "
                        "'stack:')" % self.vm.name)
        self._size(STACK_SIZES, "store")
        return "stack"

    def _alu(self, what, src):
        if what.name not in ALU_OPS:
            raise error(what.loc, "unknown operation '%s'%s" %
                        (what.name, suggest(what.name, ALU_OPS)))
        if (src is None) != (what.name == "neg"):
            raise error(self.locs.get("src", what.loc),
                        "'neg' takes no 'src:'" if src else
                        "'%s' needs 'src:'" % what.name)

    def _jump(self, what):
        if what.name not in CONDITIONS:
            raise error(what.loc, "unknown condition '%s'%s" %
                        (what.name, suggest(what.name, CONDITIONS)))
        need = (("to",) if what.name == "always" else
                ("dst", "src", "then"))
        allowed = need if what.name == "always" else need + ("else",)
        for key in ("dst", "src", "then", "else", "to"):
            if key in need and key not in self.a:
                raise error(what.loc, "'jump: %s' needs '%s:'" %
                            (what.name, key))
            if key not in allowed and key in self.a:
                raise error(self.locs[key], "'jump: %s' takes no '%s:'" %
                            (what.name, key))

    # -- names -----------------------------------------------------------

    def field(self, ref):
        if ref is None:
            return ""
        if ref.name not in self.fields:
            raise error(ref.loc, "unknown layout member '%s'%s" %
                        (ref.name, suggest(ref.name, self.fields)))
        if self.fields[ref.name].selects:
            raise error(ref.loc, "'%s' numbers a register, not a constant" %
                        ref.name)
        return ref.name

    def register(self, ref):
        o = self.operand(ref)
        if o.is_field:
            raise error(ref.loc, "'%s' is a constant, not a register" %
                        ref.name)
        return o

    def operand(self, ref):
        name = ref.name
        if name in self.registers and not self.registers[name].count:
            return Operand("register", name)
        f = self.fields.get(name)
        if f is not None and name != self.opcode:
            if f.selects:
                return Operand("selected", name, f.selects)
            return Operand("field", name, signed=f.signed)
        m = _FILE_REGISTER.match(name)
        if m and m.group(1) in self.registers:
            file = self.registers[m.group(1)]
            if file.count and int(m.group(2)) < file.count:
                return Operand("fixed", name, file.name, int(m.group(2)))
        known = [n for n, r in self.registers.items() if not r.count]
        known += [n for n in self.fields if n != self.opcode]
        raise error(ref.loc, "unknown register or layout member '%s'%s" %
                    (name, suggest(name, known)))

    # -- what follows from it --------------------------------------------

    def _checks(self, kind, op, dst, src, base, at, targets):
        out = []
        selected = [o.name for o in (dst, src, base)
                    if o is not None and o.kind == "selected"]
        for name in dict.fromkeys(selected):
            out.append(("register", name))
        if (dst is not None and dst.kind == "selected" and
                kind in ("load", "alu", "move")):
            out.append(("frame", dst.name))
        if op == "mem" or op == "scratch":
            out.append(("scratch", at))
        if kind == "alu" and op in ("div", "mod") and src.is_field:
            out.append(("divisor", src.name))
        if kind == "call":
            out.append(("helper", self.field(self.a["call"])))
        for f in targets:
            if f:
                out.append(("target", f))
        p = self.vm.prefix
        return tuple(Check(k, f, "%sC_%s_%s" % (p, k.upper(), f.upper()),
                           self.fields[f].signed) for k, f in out)

    def _syntax(self, dst, src, base, at, targets, helper):
        b, locs = self.b, self.locs
        syntax = compile_syntax(self.a["syntax"], locs["syntax"],
                                self.fields, {f for f in targets if f})
        used = {f for f in (at, helper) + targets if f}
        for o in (dst, src, base):
            if o is not None and o.kind in ("field", "selected"):
                used.add(o.name)
        for name in sorted(used - set(syntax.args)):
            raise error(locs["syntax"], "syntax \"%s\" does not show field "
                        "'%s', which '%s' uses" % (syntax.text, name, b.name))
        for name in syntax.args:
            if name not in used:
                raise error(locs["syntax"], "syntax \"%s\" shows field '%s',"
                            " which '%s' does not use" %
                            (syntax.text, name, b.name))
        return syntax
