"""The typed model of one instruction set (see vm.py for the language).

Plain objects the templates render; vm_build.py makes them from a
definition file, vm_insn.py gives each instruction its meaning and
vm_codes.py derives the opcode table and the verifier's checks.
"""

from dataclasses import dataclass

from .vm_tree import search_tree

ALU_OPS = ("add", "sub", "mul", "div", "mod", "and", "or", "xor", "lsh",
           "rsh", "arsh", "neg", "mov")
CONDITIONS = ("always", "eq", "ne", "gt", "ge", "lt", "le", "set")
LOAD_SOURCES = ("len", "mem", "packet", "msh", "stack")   # or a field
KINDS = ("load", "store", "alu", "move", "jump", "call", "ret")
PACKET_SIZES = (1, 2, 4)
STACK_SIZES = (1, 2, 4, 8)
WORDS = (32, 64)
LAYOUT_BITS = (4, 8, 16, 32, 64)
HELPER_ARGS = ("scalar", "stack")
WIDE_REACH = 256    # how far the quick pass lets a wide target go


@dataclass(frozen=True)
class Machine:
    name: str
    prefix: str         # of macros: 'CBPF_'
    doc: str
    word: int           # register bits
    scratch: int        # scratch memory words
    stack: int          # stack bytes
    max_insns: int
    spare_bits: str     # 'ignore' or 'reject'
    undefined: str      # 'accept' (by class, as bpf_validate) or 'reject'

    @property
    def lower(self):
        """The prefix of functions and types: 'cbpf_'."""
        return self.name + "_"

    @property
    def wtype(self):
        return "uint%d_t" % self.word


@dataclass(frozen=True)
class LayoutField:
    name: str
    cname: str          # its index: CBPF_F_K
    bits: int
    signed: bool
    doc: str
    index: int
    selects: str        # the register file it numbers a register of, or ''

    @property
    def ctype(self):
        return "%sint%d_t" % ("" if self.signed else "u",
                              max(self.bits, 8))

    @property
    def declarator(self):
        """Its name in the struct: a bit-field when narrower than 8."""
        return self.name if self.bits >= 8 else "%s:%d" % (self.name,
                                                            self.bits)


@dataclass(frozen=True)
class Register:
    name: str
    bits: int
    doc: str
    count: int          # registers in the file; 0 for a single register
    frame: int          # the read-only stack pointer of a file, or -1
    result: int         # where a call leaves its result, or -1
    args: int           # the first argument register of a call, or -1


@dataclass(frozen=True)
class FieldValue:
    name: str
    cname: str
    value: int
    doc: str
    valid: object       # class values: Ref of the field deciding validity


@dataclass(frozen=True)
class Field:
    name: str
    cname: str          # the extracting macro
    mask: int
    doc: str
    values: tuple


@dataclass(frozen=True, order=True)
class Operand:
    """Where an instruction reads or writes a value."""
    kind: str           # 'field' (a constant), 'register' (a named one),
                        # 'selected' (the file register a field numbers)
                        # or 'fixed' (a file register by number: r0)
    name: str           # the field or the register
    file: str = ""      # 'selected' and 'fixed': the register file
    index: int = 0      # 'fixed': the register number
    signed: bool = False    # 'field': a signed constant

    @property
    def is_field(self):
        return self.kind == "field"


@dataclass(frozen=True)
class HelperArg:
    kind: str           # 'scalar' or 'stack'
    size: int           # 'stack': bytes the helper reads


@dataclass(frozen=True)
class Helper:
    name: str
    number: int
    function: str       # the C function: xvm_helper_hash
    args: tuple
    doc: str


@dataclass(frozen=True)
class Check:
    """A verifier check on one field of an instruction."""
    kind: str           # 'scratch', 'divisor', 'target', 'register' or
                        # 'frame'
    field: str
    flag: str           # its bit in the opcode table: CBPF_C_SCRATCH_K
    signed: bool        # 'target': a negative value jumps back


@dataclass(frozen=True)
class Insn:
    name: str
    cname: str          # CBPF_OP_LD_H_ABS
    code: int
    kind: str           # one of KINDS
    op: str             # load source, alu operation, condition, or ''
    dst: object         # Operand written, or None
    src: object         # Operand read, or None
    base: object        # Operand added to the address, or None
    at: str             # field addressing packet, scratch or stack, or ''
    size: int           # bytes a packet or stack access moves, or 0
    then: str           # jump target fields, or ''
    other: str
    to: str
    helper: str         # 'call': the field that numbers the helper
    syntax: object      # vm_syntax.Syntax
    doc: str
    checks: tuple       # Check
    class_name: str
    args: tuple         # the fields its syntax shows: CBPF_F_K, ...
    hot: int = 0        # its weight in the tree dispatch, 0: not there

    @property
    def reads_scratch(self):
        return self.kind == "load" and self.op == "mem"

    @property
    def ends(self):
        return self.kind == "ret"

    @property
    def successors(self):
        """Where it leads: (whether to the next instruction, the fields
        holding how many instructions a jump skips)."""
        targets = tuple(f for f in (self.then, self.other, self.to) if f)
        if self.ends:
            return (False, ())
        if self.kind == "jump":
            return (not self.to and not self.other, targets)
        return (True, ())

    @property
    def flow(self):
        """What the verifier's walk along the paths does with it, as a
        key: instructions with equal keys share their code there.

            ('number', reads, writes)   reads must hold numbers; writes
                                        then hold one
            ('move', dst, src)          dst holds what src holds
            ('offset', dst, src, op)    a constant moves a stack
                                        pointer, or a number
            ('access', op, base, at, size, value)
            ('call', helper)
            ('ret', operand)
        """
        regs = [o for o in (self.dst, self.src)
                if o is not None and not o.is_field]
        if self.kind == "ret":
            return ("ret", self.src)
        if self.kind == "call":
            return ("call", self.helper)
        if self.op == "stack":
            value = self.dst if self.kind == "load" else self.src
            return ("access", self.kind, self.base, self.at, self.size,
                    value)
        if self.kind in ("move", "alu") and self.op in ("mov", "") and \
                not self.src.is_field:
            return ("move", self.dst, self.src)
        if self.kind == "alu" and self.op in ("add", "sub") and \
                self.src.is_field:
            return ("offset", self.dst, self.src.name, self.op)
        if self.kind == "load":
            reads = (self.base,) if self.base is not None else ()
            return ("number", reads, (self.dst,))
        if self.kind == "alu" and self.op == "mov":
            return ("number", (), (self.dst,))
        if self.kind == "alu":
            return ("number", tuple(regs), (self.dst,))
        return ("number", tuple(regs), ())


@dataclass(frozen=True)
class Fusion:
    """Two instructions the loader decodes as one when the first is
    followed by the second: one dispatch runs both."""
    name: str
    cname: str          # CBPF_OP_LDH_JEQ
    first: Insn
    second: Insn
    doc: str
    hot: int = 0        # as Insn.hot


@dataclass(frozen=True)
class CodeEntry:
    """One opcode the fields can spell that the verifier accepts."""
    code: int
    op: str             # CBPF_OP_..., or the undefined opcode's name
    flags: tuple        # flag macro names


@dataclass(frozen=True)
class VError:
    cname: str
    message: str


@dataclass(frozen=True)
class Model:
    vm: Machine
    dispatch: str
    layout_name: str    # the instruction word's struct tag, less prefix
    layout: tuple       # LayoutField; the first is the opcode
    registers: tuple
    fields: tuple
    helpers: tuple
    insns: tuple
    fusions: tuple      # Fusion
    codes: tuple        # CodeEntry
    code_mask: int      # every bit some field covers
    flags: tuple        # (macro, bit value, comment)
    checks: tuple       # distinct Check, in flag order
    errors: tuple       # VError

    @property
    def opcode(self):
        return self.layout[0]

    @property
    def undef(self):
        return self.vm.prefix + "OP_UNDEF"

    @property
    def search(self):
        """The tree dispatch's search for the next instruction
        (vm_tree.py)."""
        return search_tree(
            [(i.name, i.cname, i.hot) for i in self.insns] +
            [("UNDEF", self.undef, False)] +
            [(f.name, f.cname, f.hot) for f in self.fusions])

    @property
    def flag_type(self):
        return "uint8_t" if len(self.flags) <= 8 else "uint16_t"

    @property
    def uses_scratch(self):
        return self.vm.scratch > 0 and any(
            i.reads_scratch or i.kind == "store" for i in self.insns)

    @property
    def file(self):
        """The register file, or None: a VM with one has registers that
        hold stack pointers, and a verifier that follows them."""
        files = [r for r in self.registers if r.count]
        return files[0] if files else None

    @property
    def scalars(self):
        """The registers that are not a file."""
        return [r for r in self.registers if not r.count]

    @property
    def operand_macros(self):
        """The fields an interpreter of a VM with a register file names
        by a macro: those selecting a register (DST: r[pc->dst]) and
        signed constants (IMM: the constant widened)."""
        if self.file is None:
            return []
        used = {i.src.name for i in self.insns
                if i.src is not None and i.src.is_field}
        return [f for f in self.layout[1:]
                if f.selects or (f.signed and f.name in used)]

    @property
    def quick(self):
        """Whether the verifier first checks a program in one pass with
        no branches (verify.c.j2): a VM with no register file, opcode
        tables of at most 4096 entries, and checks that each bound one
        unsigned field of 32 bits or less, at most one bound on a field
        per instruction but for jump targets."""
        if self.file is not None or self.code_mask >= 1 << 12 or \
                not self._plain_fields:
            return False
        fields = {f.name: f for f in self.layout}
        for c in self.checks:
            f = fields[c.field]
            if c.kind not in ("scratch", "divisor", "target") or \
                    f.signed or f.bits > 32:
                return False
        for i in self.insns:
            bounded = [c.field for c in i.checks if c.kind != "target"]
            if len(bounded) != len(set(bounded)):
                return False
        return True

    @property
    def quick_fields(self):
        """The fields the quick pass checks through a table by opcode,
        each (field, biases): biases the (opcode, check kind) of its
        bounds ('invalid', 'scratch', 'divisor', and 'reach' where it is
        a wide jump target: one that goes `tail` instructions ahead or
        more, which the quick pass leaves to the walk).  The first field
        also carries 'invalid' for every opcode the verifier refuses."""
        narrow = {c.flag for c, n in self.target_checks if n}
        kinds = {c.flag: c.kind for c in self.checks if c.flag not in narrow}
        names = []
        for c in self.checks:
            if c.flag in kinds and c.field not in names:
                names.append(c.field)
        if not names:
            names.append(self._plain_fields[0].name)
        valid = {e.code: e for e in self.codes}
        out = []
        for n, field in enumerate(names):
            biases = []
            for code in range(self.code_mask + 1):
                if code & ~self.code_mask:
                    continue
                e = valid.get(code)
                if e is None:
                    if n == 0:
                        biases.append((code, "invalid"))
                    continue
                biases += [(code, "reach" if kinds[fl] == "target"
                            else kinds[fl]) for fl in e.flags
                           if fl in kinds and self._check_field(fl) == field]
            out.append((field, tuple(biases)))
        return out

    @property
    def _plain_fields(self):
        """The operand fields the quick pass can add up: unsigned, 32
        bits or less."""
        return [f for f in self.layout[1:] if not f.signed and f.bits <= 32]

    def _check_field(self, flag):
        return next(c.field for c in self.checks if c.flag == flag)

    @property
    def target_checks(self):
        """(check, narrow) of each jump target field: narrow when
        2**bits <= max_insns, so that it can only reach past the end
        from the last 2**bits instructions (the quick pass checks it
        only in that tail)."""
        bits = {f.name: f.bits for f in self.layout}
        return [(c, 1 << bits[c.field] <= self.vm.max_insns)
                for c in self.checks if c.kind == "target"]

    @property
    def tail(self):
        """Instructions at the end whose jump targets the quick pass
        checks exactly: 2**bits of the widest narrow target field (only
        there can one break its rule), at least WIDE_REACH when there
        are wide ones (which elsewhere it only checks go less than that
        far)."""
        bits = {f.name: f.bits for f in self.layout}
        return max([1 << bits[c.field] if narrow else WIDE_REACH
                    for c, narrow in self.target_checks] or [0])

    @property
    def flow_kinds(self):
        """The kinds of path-walk code its instructions need."""
        return {i.flow[0] for i in self.insns}
