"""Binding a definition file's statements into the model (vm_model.py).

Statements are read in order: `vm` first, then `layout`, registers,
fields, helpers and instructions, a name known before it is used.
"""

from dataclasses import replace

from dfgen_core import expr
from dfgen_core.bind import OPTIONAL, REQUIRED, UNEVALUATED, Form, bind, \
    c_identifier, dispatch, symbol
from dfgen_core.diag import UsageError, error
from dfgen_core.names import suggest
from dfgen_core.syntax import Binary, Name

from .vm_codes import code_table, distinct_checks, errors, flags
from .vm_insn import bind_insn
from .vm_model import HELPER_ARGS, LAYOUT_BITS, WORDS, Field, FieldValue, \
    Fusion, Helper, HelperArg, LayoutField, Machine, Model, Register


class Ref:
    """A bare name in an attribute: a register, a field, a keyword."""

    def __init__(self, name, loc):
        self.name = name
        self.loc = loc


class Address:
    """`FIELD` or `BASE + FIELD` in an attribute."""

    def __init__(self, base, field, loc):
        self.base = base
        self.field = field
        self.loc = loc


def _weight(e, scope):
    if isinstance(e, Name) and e.name not in scope:
        raise error(e.loc, "'hot:' takes a weight, a number from 1, not "
                    "'%s'" % e.name)
    value = expr.integer(e, scope)
    if value < 1:
        raise error(expr.expr_loc(e), "a weight is 1 or more")
    return value


def _ref(e, scope):
    if not isinstance(e, Name):
        raise error(expr.expr_loc(e), "expected a name")
    return Ref(e.name, e.loc)


def _address(e, scope):
    if isinstance(e, Name):
        return Address(None, Ref(e.name, e.loc), e.loc)
    if (isinstance(e, Binary) and e.op == "+" and
            isinstance(e.left, Name) and isinstance(e.right, Name)):
        return Address(Ref(e.left.name, e.left.loc),
                       Ref(e.right.name, e.right.loc), e.left.loc)
    raise error(expr.expr_loc(e), "expected FIELD or REGISTER + FIELD")


_DOC = {"doc": expr.string}
FORMS = {
    "vm": Form("vm", "vm", attrs=dict(
        _DOC, prefix=c_identifier, word=expr.integer,
        scratch=expr.integer, stack=expr.integer, max_insns=expr.integer,
        spare_bits=symbol("ignore", "reject"),
        undefined=symbol("accept", "reject"), **{"class": _ref})),
    "layout": Form("layout", "layout", body=REQUIRED, attrs=_DOC),
    "register": Form("register", "register", attrs=dict(
        _DOC, bits=expr.integer, count=expr.integer, frame=expr.integer,
        result=expr.integer, args=expr.integer)),
    "field": Form("field", "field", body=REQUIRED, attrs=dict(
        _DOC, mask=expr.integer)),
    "helper": Form("helper", "helper", value=REQUIRED, body=OPTIONAL,
                   attrs=_DOC),
    "insn": Form("insn", "instruction", value=REQUIRED, attrs=dict(
        _DOC, syntax=expr.string, dst=_ref, src=_ref, at=_address,
        size=expr.integer, to=_ref, then=_ref, hot=_weight, **{
            "else": _ref, "load": _ref, "store": _ref, "alu": _ref,
            "move": _ref, "jump": _ref, "call": _ref, "ret": _ref})),
    "fuse": Form("fuse", "fusion", value=UNEVALUATED, attrs=dict(
        _DOC, hot=_weight)),
}
_MEMBER = Form(None, "layout member", attrs=dict(
    _DOC, bits=expr.integer, signed=symbol("yes", "no"), selects=_ref))
_VALUE = Form(None, "field value", value=REQUIRED, attrs=dict(
    _DOC, valid=_ref))
_ARG = Form(None, "helper argument", attrs=dict(size=expr.integer))


def build_model(unit, dispatch_kind, hot=None):
    """The model of `unit`.  `hot`, when not None, weighs the instructions
    and pairs the tree dispatch finds by comparisons of its own, by name,
    in place of the definition's `hot:`."""
    b = _Builder(unit)
    for stmt in unit.stmts:
        b.statement(stmt)
    return b.finish(dispatch_kind, hot)


def _rehot(weights, insns, fusions):
    """`insns` and `fusions`, hot exactly where `weights` says."""
    known = {i.name for i in insns} | {f.name for f in fusions}
    for name in sorted(weights):
        if name not in known:
            raise UsageError("dfgen vm: --hot: no instruction or pair "
                             "'%s'%s" % (name, suggest(name, known)))
    return ([replace(i, hot=weights.get(i.name, 0)) for i in insns],
            [replace(f, hot=weights.get(f.name, 0)) for f in fusions])


class _Builder:
    def __init__(self, unit):
        self.unit = unit
        self.scope = dict(unit.consts)
        self.vm = None
        self.vm_bound = None
        self.layout = None
        self.layout_name = None
        self.registers = {}         # name -> (Register, loc)
        self.fields = {}            # name -> (Field, loc)
        self.helpers = {}           # name -> (Helper, loc)
        self.bound_insns = []
        self.bound_fusions = []
        self.value_of = {}          # field value -> (FieldValue, loc)
        self.cnames = {c.name: c.loc for c in unit.own_consts}

    def claim(self, cname, loc):
        """Every macro the header defines is claimed once."""
        if cname in self.cnames:
            raise error(loc, "'%s' is already defined" % cname,
                        (self.cnames[cname], "previous definition is here"))
        self.cnames[cname] = loc

    def statement(self, stmt):
        form = dispatch(stmt, FORMS)
        b = bind(stmt, form, self.scope)
        if form.keyword != "vm" and self.vm is None:
            raise error(stmt.head.loc, "the 'vm' statement must come "
                        "first")
        getattr(self, "stmt_" + form.keyword)(b)

    def stmt_vm(self, b):
        if self.vm is not None:
            raise error(b.loc, "only one 'vm' per definition file",
                        (self.vm_bound.loc, "the first is here"))
        a = b.attrs
        word = a.get("word", 32)
        if word not in WORDS:
            raise error(b.attr_locs["word"], "word must be 32 or 64 bits")
        for key, lo, hi in (("scratch", 0, 256), ("stack", 0, 65536),
                            ("max_insns", 1, 1 << 20)):
            v = a.get(key)
            if v is not None and not lo <= v <= hi:
                raise error(b.attr_locs[key], "%s must be %d..%d" %
                            (key, lo, hi))
        if a.get("stack", 0) % 8:
            raise error(b.attr_locs["stack"], "stack must be a multiple "
                        "of 8 bytes")
        if "class" not in a:
            raise error(b.loc, "vm '%s' needs 'class:' (the opcode field "
                        "that gives the instruction class)" % b.name)
        self.vm = Machine(b.name, a.get("prefix", b.name.upper() + "_"),
                          a.get("doc", ""), word, a.get("scratch", 0),
                          a.get("stack", 0), a.get("max_insns", 4096),
                          a.get("spare_bits", "reject"),
                          a.get("undefined", "reject"))
        self.vm_bound = b

    def stmt_layout(self, b):
        if self.layout is not None:
            raise error(b.loc, "only one 'layout' per definition file")
        members, seen = [], {}
        for stmt in b.body:
            m = bind(stmt, _MEMBER, self.scope)
            if m.name in seen:
                raise error(m.loc, "layout member '%s' is already defined"
                            % m.name, (seen[m.name], "previous definition "
                                       "is here"))
            seen[m.name] = m.loc
            bits = m.attrs.get("bits")
            if bits not in LAYOUT_BITS:
                raise error(m.attr_locs.get("bits", m.loc), "layout member "
                            "'%s' needs bits: 4, 8, 16, 32 or 64" % m.name)
            selects = m.attrs.get("selects")
            if selects is not None:
                reg = self.registers.get(selects.name, (None,))[0]
                if reg is None or not reg.count:
                    raise error(selects.loc, "'%s' is not a register file "
                                "declared before the layout" %
                                selects.name)
            cname = self.vm.prefix + "F_" + m.name.upper()
            self.claim(cname, m.loc)
            members.append(LayoutField(
                m.name, cname, bits, m.attrs.get("signed") == "yes",
                m.attrs.get("doc", ""), len(members),
                selects.name if selects else ""))
        if len(members) < 2:
            raise error(b.loc, "layout '%s' needs an opcode and at least "
                        "one operand" % b.name)
        if members[0].signed or members[0].bits < 8:
            raise error(b.loc, "the opcode '%s' must be unsigned, 8 bits or "
                        "more" % members[0].name)
        self.layout = members
        self.layout_name = b.name

    def stmt_register(self, b):
        if b.name in self.registers:
            raise error(b.loc, "register '%s' is already defined" % b.name)
        a, locs = b.attrs, b.attr_locs
        bits = a.get("bits", self.vm.word)
        if bits != self.vm.word:
            raise error(locs["bits"], "register '%s' must have the vm's %d "
                        "bits" % (b.name, self.vm.word))
        count = a.get("count", 0)
        if "count" in a and not 2 <= count <= 16:
            raise error(locs["count"], "a register file has 2..16 "
                        "registers")
        for key in ("frame", "result", "args"):
            if key in a and not count:
                raise error(locs[key], "'%s:' needs 'count:'" % key)
            if key in a and not 0 <= a[key] < count:
                raise error(locs[key], "%s %d is not a register of '%s' "
                            "(0..%d)" % (key, a[key], b.name, count - 1))
        if count and self._file() is not None:
            raise error(b.loc, "only one register file per vm")
        self.registers[b.name] = (Register(
            b.name, bits, a.get("doc", ""), count, a.get("frame", -1),
            a.get("result", -1), a.get("args", -1)), b.loc)

    def stmt_field(self, b):
        if self.layout is None:
            raise error(b.loc, "'layout' must come before the fields")
        if b.name in self.fields:
            raise error(b.loc, "field '%s' is already defined" % b.name,
                        (self.fields[b.name][1], "previous definition is "
                         "here"))
        mask = b.attrs.get("mask")
        width = self.layout[0].bits
        if mask is None or not 0 < mask < 1 << width:
            raise error(b.attr_locs.get("mask", b.loc), "field '%s' needs "
                        "a mask: inside the %d-bit opcode, not 0" %
                        (b.name, width))
        cname = self.vm.prefix + b.name
        self.claim(cname, b.loc)
        values, seen = [], {}
        for stmt in b.body:
            v = bind(stmt, _VALUE, self.scope)
            where = v.value_loc
            if not isinstance(v.value, int):
                raise error(where, "'%s' needs an integer value" % v.name)
            if v.value & ~mask:
                raise error(where, "value 0x%x of '%s' has bits outside "
                            "the mask 0x%x of field '%s'" %
                            (v.value, v.name, mask, b.name))
            if v.value in seen:
                raise error(where, "value 0x%x of '%s' is already used by "
                            "'%s'" % (v.value, v.name, seen[v.value]))
            seen[v.value] = v.name
            if v.name in self.scope:
                prev = self.value_of.get(v.name, (None, None))[1]
                raise error(v.loc, "'%s' is already defined" % v.name,
                            *([(prev, "previous definition is here")]
                              if prev else []))
            vcname = self.vm.prefix + v.name
            self.claim(vcname, v.loc)
            fv = FieldValue(v.name, vcname, v.value, v.attrs.get("doc", ""),
                            v.attrs.get("valid"))
            values.append(fv)
            self.value_of[v.name] = (fv, v.loc)
            self.scope[v.name] = fv
        if not values:
            raise error(b.loc, "field '%s' has no values" % b.name)
        self.fields[b.name] = (Field(b.name, cname, mask,
                                     b.attrs.get("doc", ""),
                                     tuple(values)), b.loc)

    def stmt_helper(self, b):
        if b.name in self.helpers:
            raise error(b.loc, "helper '%s' is already defined" % b.name,
                        (self.helpers[b.name][1], "previous definition is "
                         "here"))
        number = b.value
        if not isinstance(number, int) or not 0 <= number < 1 << 31:
            raise error(b.value_loc, "a helper's number is 0..2^31-1")
        for other, loc in self.helpers.values():
            if other.number == number:
                raise error(b.value_loc, "helper number %d is already used "
                            "by '%s'" % (number, other.name),
                            (loc, "'%s' is here" % other.name))
        args = []
        for stmt in b.body or ():
            a = bind(stmt, _ARG, self.scope)
            if a.name not in HELPER_ARGS:
                raise error(a.loc, "unknown argument kind '%s'; expected "
                            "'scalar' or 'stack'%s" %
                            (a.name, suggest(a.name, HELPER_ARGS)))
            size = a.attrs.get("size")
            if (size is None) != (a.name == "scalar"):
                raise error(a.attr_locs.get("size", a.loc),
                            "a 'stack' argument needs 'size:'" if size is None
                            else "a scalar argument takes no 'size:'")
            if size is not None and not 0 < size <= self.vm.stack:
                raise error(a.attr_locs["size"], "size must be 1..%d, the "
                            "vm's stack" % self.vm.stack)
            args.append(HelperArg(a.name, size or 0))
        self.helpers[b.name] = (Helper(
            b.name, number, self.vm.lower + "helper_" + b.name, tuple(args),
            b.attrs.get("doc", "")), b.loc)

    def stmt_insn(self, b):
        if not isinstance(b.value, int):
            raise error(b.value_loc, "the opcode of '%s' must be an "
                        "integer" % b.name)
        self.bound_insns.append(b)

    def stmt_fuse(self, b):
        self.bound_fusions.append(b)

    # -- after every statement -------------------------------------------

    def finish(self, dispatch_kind, hot=None):
        if self.layout is None:
            raise error(self.vm_bound.loc, "vm '%s' has no 'layout'" %
                        self.vm.name)
        self._machine_parts()
        class_field = self._class_field()
        union = 0
        for f, _ in self.fields.values():
            union |= f.mask
        insns = self._insns(class_field, union)
        if not insns:
            raise error(self.vm_bound.loc, "vm '%s' has no instructions" %
                        self.vm.name)
        fusions = self._fusions(insns)
        if hot is not None:
            insns, fusions = _rehot(hot, insns, fusions)
        checks = distinct_checks(insns)
        codes = code_table(self, class_field, insns, union)
        if not any(self.vm.prefix + "C_END" in e.flags for e in codes):
            raise error(self.vm_bound.loc, "no class of vm '%s' holds only "
                        "'ret:' instructions, so no program can end" %
                        self.vm.name)
        # Instruction numbers: the hot instructions and pairs next to
        # each other, around CBPF_OP_UNDEF, so that the tree dispatch
        # (vm_tree.py) finds them in fewer comparisons.
        return Model(self.vm, dispatch_kind, self.layout_name,
                     tuple(self.layout),
                     tuple(r for r, _ in self.registers.values()),
                     tuple(f for f, _ in self.fields.values()),
                     tuple(sorted((h for h, _ in self.helpers.values()),
                                  key=lambda h: h.number)),
                     tuple(i for i in insns if not i.hot) +
                     tuple(i for i in insns if i.hot),
                     tuple(f for f in fusions if f.hot) +
                     tuple(f for f in fusions if not f.hot),
                     tuple(codes), union,
                     tuple(flags(self.vm, checks)), tuple(checks),
                     tuple(errors(self.vm, checks, self._file())))

    def _file(self):
        files = [r for r, _ in self.registers.values() if r.count]
        return files[0] if files else None

    def _machine_parts(self):
        """What a stack and helpers need of the register file."""
        file = self._file()
        if self.vm.stack and (file is None or file.frame < 0):
            raise error(self.vm_bound.attr_locs["stack"], "a stack needs a "
                        "register file with a 'frame:' register")
        if self.helpers:
            if file is None or file.result < 0 or file.args < 0:
                helper, loc = next(iter(self.helpers.values()))
                raise error(loc, "helpers need a register file with "
                            "'result:' and 'args:'")
            for h, loc in self.helpers.values():
                last = file.args + len(h.args) - 1
                if last >= file.count or file.args <= file.frame <= last:
                    raise error(loc, "helper '%s' takes %d arguments: more "
                                "than the registers from %s%d up hold" %
                                (h.name, len(h.args), file.name, file.args))

    def _class_field(self):
        ref = self.vm_bound.attrs["class"]
        if ref.name not in self.fields:
            raise error(ref.loc, "unknown field '%s'%s" %
                        (ref.name, suggest(ref.name, self.fields)))
        class_field = self.fields[ref.name][0]
        for f, _ in self.fields.values():
            for v in f.values:
                if v.valid is None:
                    continue
                loc = self.value_of[v.name][1]
                if f is not class_field:
                    raise error(loc, "only values of the class field '%s' "
                                "take 'valid:'" % class_field.name)
                if self.vm.undefined != "accept":
                    raise error(loc, "'valid:' needs the vm's 'undefined: "
                                "accept'")
                if v.valid.name not in self.fields:
                    raise error(v.valid.loc, "unknown field '%s'%s" %
                                (v.valid.name,
                                 suggest(v.valid.name, self.fields)))
        return class_field

    def _insns(self, class_field, union):
        insns, by_code, shapes = [], {}, {}
        for b in self.bound_insns:
            cname = self.vm.prefix + "OP_" + b.name
            self.claim(cname, b.loc)
            code = b.value
            if code < 0 or code & ~union:
                raise error(b.value_loc, "opcode 0x%x of '%s' has bits "
                            "outside every field (0x%x)" %
                            (code, b.name, union))
            if code in by_code:
                raise error(b.value_loc, "opcode 0x%x of '%s' is already "
                            "used by '%s'" % (code, b.name,
                                              by_code[code][0].name),
                            (by_code[code][1], "'%s' is here" %
                             by_code[code][0].name))
            cls = [v for v in class_field.values
                   if v.value == code & class_field.mask]
            if not cls:
                raise error(b.value_loc, "opcode 0x%x of '%s' has no class:"
                            " 0x%x is not a value of field '%s'" %
                            (code, b.name, code & class_field.mask,
                             class_field.name))
            insn = bind_insn(self, b, cname, code, cls[0].name)
            key = (insn.syntax.mnemonic, insn.syntax.shape)
            if key in shapes:
                raise error(b.attr_locs["syntax"], "syntax \"%s\" cannot be "
                            "told apart from that of '%s'" %
                            (insn.syntax.text, shapes[key].name))
            shapes[key] = insn
            by_code[code] = (insn, b.value_loc)
            insns.append(insn)
        return insns

    def _fusions(self, insns):
        """The pairs of instructions the loader fuses into one decoded
        instruction: `fuse NAME = FIRST + SECOND;`."""
        by_name = {i.name: i for i in insns}
        out, pairs = [], {}
        for b in self.bound_fusions:
            e = b.value
            if not (isinstance(e, Binary) and e.op == "+" and
                    isinstance(e.left, Name) and isinstance(e.right, Name)):
                raise error(b.value_loc, "expected FIRST + SECOND: two "
                            "instructions")
            pair = []
            for n in (e.left, e.right):
                if n.name not in by_name:
                    raise error(n.loc, "unknown instruction '%s'%s" %
                                (n.name, suggest(n.name, by_name)))
                pair.append(by_name[n.name])
            first, second = pair
            if first.successors != (True, ()):
                raise error(e.left.loc, "'%s' does not always go on to the "
                            "next instruction, so nothing can be fused "
                            "after it" % first.name)
            key = (first.name, second.name)
            if key in pairs:
                raise error(b.loc, "'%s + %s' is already fused" % key,
                            (pairs[key], "first fused here"))
            pairs[key] = b.loc
            cname = self.vm.prefix + "OP_" + b.name
            self.claim(cname, b.loc)
            out.append(Fusion(b.name, cname, first, second,
                              b.attrs.get("doc", ""),
                              b.attrs.get("hot", 0)))
        return out
