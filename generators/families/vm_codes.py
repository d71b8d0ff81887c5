"""The opcode table and the verifier's flags and errors of a model."""

from dfgen_core.diag import error

from .vm_model import CodeEntry, VError

_CHECK_DOC = {
    "scratch": "%s indexes scratch memory",
    "divisor": "%s divides: not 0",
    "target": "%s is a jump target",
    "register": "%s numbers a register",
    "frame": "%s is written: not the frame",
    "helper": "%s numbers a helper",
}
# The errors checks find, in the order the verifier looks.
_ERRORS = (
    ("scratch", "scratch memory index out of range"),
    ("divisor", "division by a constant 0"),
    ("register", "no such register"),
    ("frame", "the frame pointer is read-only"),
    ("helper", "no such helper"),
    ("backward", "backward jump: no loops"),
    ("target", "jump past the last instruction"),
)
# What the verifier of a VM with a register file finds on its paths.
_FLOW_ERRORS = (
    ("stack", "stack access out of bounds"),
    ("not_stack", "access through no stack pointer"),
    ("pointer", "a stack pointer used as a number"),
    ("mixed", "register differs between paths"),
    ("arg", "helper argument of the wrong kind"),
)


def distinct_checks(insns):
    seen = {}
    for i in insns:
        for c in i.checks:
            seen.setdefault(c.flag, c)
    return list(seen.values())


def flags(vm, checks):
    """(macro, bit, comment) of every flag of the opcode table."""
    p = vm.prefix + "C_"
    out = [(p + "VALID", "the verifier accepts the opcode"),
           (p + "END", "its class ends a program")]
    if vm.scratch:
        out.append((p + "LOADS_SCRATCH", "reads scratch memory"))
    for c in checks:
        out.append((c.flag, _CHECK_DOC[c.kind] % c.field))
    return [(name, 1 << i, doc) for i, (name, doc) in enumerate(out)]


def errors(vm, checks, file):
    p = vm.prefix + "VERR_"
    kinds = {c.kind for c in checks}
    if any(c.kind == "target" and c.signed for c in checks):
        kinds.add("backward")
    out = [VError(p + "LENGTH", "no instructions, or too many"),
           VError(p + "OPCODE", "invalid opcode")]
    out += [VError(p + k.upper(), text) for k, text in _ERRORS if k in kinds]
    out.append(VError(p + "END", "the program can run off its end"))
    if file is not None:
        out += [VError(p + k.upper(), text) for k, text in _FLOW_ERRORS]
    return out


def code_table(b, class_field, insns, union):
    """Every opcode shape (the bits some field covers) the verifier
    accepts, in order.  A defined instruction's opcode is accepted with
    its checks.  With the vm's `undefined: accept`, another opcode of a
    class is accepted too when the class has no `valid:` field, or when
    that field's bits are a declared value of it; it is checked as the
    instructions of its class that agree with it on that field are (they
    must agree), and it runs as the undefined instruction, which ends
    the program.  This is how bpf_validate() judges opcodes."""
    p = b.vm.prefix + "C_"
    by_code = {i.code: i for i in insns}
    fields = {name: f for name, (f, _) in b.fields.items()}
    classes = {v.value: v for v in class_field.values}
    ends = {}
    for v in class_field.values:
        members = [i for i in insns if i.class_name == v.name]
        ends[v.name] = bool(members) and all(i.ends for i in members)
    entries = []
    for code in range(union + 1):
        if code & ~union:
            continue
        cls = classes.get(code & class_field.mask)
        if cls is None:
            continue
        end = [p + "END"] if ends[cls.name] else []
        insn = by_code.get(code)
        if insn is not None:
            flags = ([p + "VALID"] + end +
                     ([p + "LOADS_SCRATCH"] if insn.reads_scratch else []) +
                     [c.flag for c in insn.checks])
            entries.append(CodeEntry(code, insn.cname, tuple(flags)))
            continue
        if b.vm.undefined != "accept":
            continue
        peers = [i for i in insns if i.class_name == cls.name]
        if cls.valid is not None:
            f = fields[cls.valid.name]
            if code & f.mask not in {v.value for v in f.values}:
                continue
            peers = [i for i in peers if i.code & f.mask == code & f.mask]
        if peers and any(i.checks != peers[0].checks for i in peers):
            other = next(i for i in peers if i.checks != peers[0].checks)
            loc = b.value_of[cls.name][1]
            raise error(loc, "opcode 0x%x of class %s would be checked both"
                        " as '%s' and as '%s'" %
                        (code, cls.name, peers[0].name, other.name))
        flags = [p + "VALID"] + end + [c.flag for c in
                                        (peers[0].checks if peers else ())]
        entries.append(CodeEntry(code, b.vm.prefix + "OP_UNDEF",
                                 tuple(flags)))
    return entries
