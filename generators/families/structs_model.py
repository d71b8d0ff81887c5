"""The typed model of the structs family: types, layouts, structures.

Every size and offset is kept per ABI, because a pointer or a `long`
has the width its ABI gives it and a 64-bit integer the alignment its
ABI gives it.  A structure's C declaration has exactly its media layout
on every ABI (explicit padding fills every gap), so decoding is a copy
plus the byte swaps and checks the definition asks for.
"""

from dataclasses import dataclass, field

# The ABIs every structure is laid out for, with the C test that selects
# each in generated code.
ABIS = ("lp64", "ilp32")
ABI_TEST = {"lp64": "defined(__LP64__)", "ilp32": "!defined(__LP64__)"}
ABI_NAME = {"lp64": "LP64 (x86_64)", "ilp32": "ILP32 (i386)"}

# Byte orders of a field: fixed ones, and 'dyn', the order found at run
# time (by a magic field, or given by an enclosing structure).
LITTLE, BIG, HOST, DYN = "little", "big", "host", "dyn"


@dataclass(frozen=True)
class Scalar:
    name: str           # as written: 'uint32', 'ptr'
    ctype: str          # its C type
    size: dict          # abi -> bytes
    align: dict         # abi -> bytes, inside a structure
    signed: bool
    kind: str           # 'int', 'char', 'long' or 'ptr'

    @property
    def fixed(self):
        """Its width is the same on every ABI."""
        return len(set(self.size.values())) == 1

    def bits(self, abi):
        return self.size[abi] * 8


def _int(name, size, signed, align32=None):
    return Scalar(name, "%sint%d_t" % ("" if signed else "u", size * 8),
                  {"lp64": size, "ilp32": size},
                  {"lp64": size, "ilp32": align32 or size}, signed, "int")


SCALARS = {
    "int8": _int("int8", 1, True),
    "uint8": _int("uint8", 1, False),
    "int16": _int("int16", 2, True),
    "uint16": _int("uint16", 2, False),
    "int32": _int("int32", 4, True),
    "uint32": _int("uint32", 4, False),
    "int64": _int("int64", 8, True, align32=4),
    "uint64": _int("uint64", 8, False, align32=4),
    "char": Scalar("char", "char", {"lp64": 1, "ilp32": 1},
                   {"lp64": 1, "ilp32": 1}, False, "char"),
    "long": Scalar("long", "long", {"lp64": 8, "ilp32": 4},
                   {"lp64": 8, "ilp32": 4}, True, "long"),
    "ulong": Scalar("ulong", "unsigned long", {"lp64": 8, "ilp32": 4},
                    {"lp64": 8, "ilp32": 4}, False, "long"),
    "ptr": Scalar("ptr", "void *", {"lp64": 8, "ilp32": 4},
                  {"lp64": 8, "ilp32": 4}, False, "ptr"),
}


@dataclass(frozen=True)
class BitMember:
    name: str
    shift: int
    width: int
    values: object      # consts.ValueSet named by enum:/flags:, or None
    doc: str

    @property
    def mask(self):
        return ((1 << self.width) - 1) << self.shift


@dataclass(frozen=True)
class Tail:
    """A variable-length tail: its C array holds `capacity` elements, the
    media as many as field `by` says (bytes or elements)."""
    by: object          # the Field holding the length
    unit: str           # 'length' (bytes) or 'count' (elements)


@dataclass
class Field:
    name: str
    loc: object
    type: object        # Scalar or Struct
    dims: tuple         # C text of each dimension
    count: dict         # abi -> number of elements (1 for a plain field)
    order: str          # LITTLE, BIG, HOST or DYN (scalars)
    offset: dict = field(default_factory=dict)     # abi -> bytes
    reserved: bool = False
    pad: bool = False   # padding the definition stated (pad N;)
    ctype_override: str = ""    # ptr to: "struct csum"
    enum: object = None
    flags: object = None
    min: object = None
    max: object = None
    magic: object = None
    default: int = 0
    since: int = 0
    locked: str = ""
    atomic: bool = False
    hexa: bool = False  # printed in hex
    tail: object = None
    bits: tuple = ()
    when: object = None         # union members: the selector's value
    doc: str = ""
    at: object = None           # the offset the definition states
    at_loc: object = None

    @property
    def is_struct(self):
        return isinstance(self.type, Struct)

    @property
    def is_array(self):
        return bool(self.dims)

    @property
    def ctype(self):
        if self.ctype_override:
            return self.ctype_override + " *"
        if self.is_struct:
            return "struct " + self.type.name
        return self.type.ctype

    def elem_size(self, abi):
        if self.is_struct:
            return self.type.sizes[abi]
        return self.type.size[abi]

    def size(self, abi):
        return self.elem_size(abi) * self.count[abi]

    def align(self, abi):
        if self.is_struct:
            return self.type.aligns[abi]
        return self.type.align[abi]

    @property
    def swapped(self):
        """A scalar whose bytes are swapped on some host.  Reserved fields
        are opaque: kept as the media has them, never swapped."""
        return (not self.is_struct and not self.reserved
                and self.type.kind in ("int", "long")
                and self.type.size["lp64"] > 1 and self.order != HOST)

    @property
    def abi_dependent(self):
        return len(set(self.offset.values())) > 1 or \
            len(set(self.size(a) for a in ABIS)) > 1

    @property
    def width(self):
        """'16', '32', '64' or 'long': the dfs_get/put/swap suffix."""
        if self.type.kind == "long":
            return "long"
        return str(self.type.size["lp64"] * 8)

    @property
    def order_cond(self):
        """The C condition under which a value in this field's byte order
        differs from the host's: the fixed orders' are constants the
        compiler folds away, 'bswap' is the order found at run time."""
        return {LITTLE: "DFS_SWAP_LITTLE", BIG: "DFS_SWAP_BIG",
                DYN: "bswap", HOST: "0"}[self.order]

    @property
    def cond(self):
        """The condition under which this field's bytes are swapped; for
        a nested structure, the one under which it swaps anything, or ''
        when it decides field by field."""
        if not self.is_struct:
            return self.order_cond
        guard = self.type.swap_guard
        return self.order_cond if guard == "bswap" else guard

    @property
    def tail_checked(self):
        """Its length field can say more than the array holds."""
        by = self.tail.by.type
        return (1 << by.bits("lp64")) - 1 > self.tail_limit

    @property
    def tail_limit(self):
        """The most its length field may say: the array's capacity, in
        bytes or elements as the field counts."""
        per = self.type.size["lp64"] if self.tail.unit == "length" else 1
        return self.count["lp64"] * per

    @property
    def count_c(self):
        """Its number of elements, in C."""
        if len(set(self.count.values())) == 1:
            return str(self.count[ABIS[0]])
        return " * ".join("(%s)" % d for d in self.dims)

    @property
    def runtime_order(self):
        """Its accessors take the byte order found at run time."""
        return self.swapped and self.order == DYN

    @property
    def needs_swap(self):
        if self.reserved:
            return False
        if self.is_struct:
            return self.type.need_swap
        return self.swapped

    @property
    def range_test(self):
        """C that is true when the value is outside min:/max:, or ''."""
        t, tests = self.type, []
        if self.min is not None and (t.signed or self.min > 0):
            tests.append("s->%s < %s" % (self.name, _cint(self.min)))
        bits = min(t.bits(a) for a in ABIS) if not self.is_struct else 0
        top = (1 << (bits - (1 if t.signed else 0))) - 1 if bits else 0
        if self.max is not None and self.max < top:
            tests.append("s->%s > %s" % (self.name, _cint(self.max)))
        return " || ".join(tests)

    @property
    def validates(self):
        """Validation has something to check in this field."""
        if self.is_struct:
            return self.type.validates
        return bool(self.magic is not None or self.range_test or self.enum
                    or (self.tail and self.tail_checked) or any(b.values and b.values.kind == "enum"
                                        for b in self.bits))

    @property
    def macro(self):
        return self.name.upper()

    @property
    def base_ctype(self):
        """The type of a declaration without its '*'s: 'void', 'char'."""
        return self.ctype.rstrip(" *")

    @property
    def declarator(self):
        """'x[4]', '*p[13]': what follows the base type (style(9) puts
        the '*' with the name)."""
        star = "*" * self.ctype[len(self.base_ctype):].count("*")
        return star + self.name + "".join("[%s]" % d for d in self.dims)


@dataclass
class Union:
    name: str
    loc: object
    select: str         # C over the host structure, 's' naming it
    members: list       # Field, each with .when
    offset: dict = field(default_factory=dict)
    sizes: dict = field(default_factory=dict)
    aligns: dict = field(default_factory=dict)
    doc: str = ""
    at: object = None
    at_loc: object = None
    size_attr: object = None
    size_loc: object = None

    def size(self, abi):
        return self.sizes[abi]

    def align(self, abi):
        return self.aligns[abi]

    @property
    def abi_dependent(self):
        return len(set(self.offset.values())) > 1

    @property
    def validates(self):
        return any(m.is_struct and m.validates for m in self.members)

    @property
    def needs_swap(self):
        return any(m.needs_swap for m in self.members)


@dataclass(frozen=True)
class Check:
    name: str
    expr: str           # C over the host structure 's'
    doc: str


@dataclass(frozen=True)
class Checksum:
    name: str
    algo: str           # 'crc32' or 'crc32c'
    start: str          # C over the media buffer
    end: str
    store: object       # Field
    index: object       # element of store, or None
    zero: object        # Field taken as zero while computing, or None
    runtime_order: bool  # start or end reads a field in the found order

    @property
    def store_offset(self):
        off = self.store.offset["lp64"]
        return off + (self.index or 0) * self.store.elem_size("lp64")

    @property
    def zero_range(self):
        f = self.zero
        return (f.offset["lp64"], f.offset["lp64"] + f.size("lp64"))


@dataclass
class Struct:
    name: str
    loc: object
    order: str          # LITTLE, BIG, HOST, 'magic' or 'outer'
    packed: bool
    items: list         # Field and Union, in layout order
    doc: str = ""
    sizes: dict = field(default_factory=dict)       # abi -> sizeof
    aligns: dict = field(default_factory=dict)
    extent: int = 0     # media bytes of the fixed part (every ABI)
    magic_field: object = None
    version_field: object = None
    checks: list = field(default_factory=list)
    checksums: list = field(default_factory=list)   # in computing order

    def size(self, abi):
        return self.sizes[abi]

    def align(self, abi):
        return self.aligns[abi]

    @property
    def dynamic(self):
        """Its byte order is known only at run time, and matters: its
        codecs take it (bswap)."""
        return self.order in ("magic", "outer") and self.need_swap

    def swap_conds(self):
        """Every condition under which some byte of it is swapped, as the
        caller of its swap function sees them."""
        out = set()
        members = [m for u in self.unions for m in u.members]
        for f in self.fields + members:
            if not f.needs_swap or f.tail:
                continue
            if not f.is_struct:
                out.add(f.cond)
                continue
            out |= {f.order_cond if c == "bswap" else c
                    for c in f.type.swap_conds()}
        return out

    @property
    def swap_guard(self):
        """The one condition under which anything is swapped, for the
        codecs to test before calling the swap function at all; empty
        when there are several."""
        conds = self.swap_conds()
        return conds.pop() if len(conds) == 1 else ""

    @property
    def swap_param(self):
        """Its swap function takes the order found at run time: some of
        its fields swap under it and others under a fixed order."""
        return self.dynamic and self.swap_guard != "bswap"

    @property
    def swap_reads_host(self):
        """Its swap function reads the host-order structure: for union
        selectors, its own or a nested structure's."""
        return any("s->" in u.select for u in self.swap_groups()[1]) or any(
            f.is_struct and f.needs_swap and f.type.swap_reads_host
            for f in self.fields + [m for u in self.unions
                                    for m in u.members])

    @property
    def fields(self):
        return [i for i in self.items if isinstance(i, Field)]

    @property
    def unions(self):
        return [i for i in self.items if isinstance(i, Union)]

    @property
    def tail(self):
        last = self.items[-1] if self.items else None
        return last if isinstance(last, Field) and last.tail else None

    @property
    def versions(self):
        """Every version with its media size, oldest first."""
        if self.version_field is None:
            return []
        out = {}
        for f in self.fields:
            end = f.offset["lp64"] + f.size("lp64")
            out[f.since] = max(out.get(f.since, 0), end)
        return sorted(out.items())

    def layouts(self):
        """[(C test of the ABIs, (sizeof, ((member, offset), ...)))]: one
        entry with an empty test when every ABI lays it out alike."""
        per = {a: (self.sizes[a], tuple((i.name, i.offset[a])
                                        for i in self.items))
               for a in ABIS}
        if len(set(per.values())) == 1:
            return [("", per[ABIS[0]])]
        return [(ABI_TEST[a], per[a]) for a in ABIS]

    @property
    def layout_differs(self):
        return [i for i in self.items if i.abi_dependent]

    @property
    def need_swap(self):
        """Some byte of it is swapped on some host."""
        return any(_swaps(i) for i in self.items)

    @property
    def validates(self):
        return bool(self.checks or any(i.validates for i in self.items))

    def swap_groups(self):
        """The fields to swap, consecutive ones under the same condition
        grouped: [(condition, [Field])], then the unions, whose selectors
        must be read in host order."""
        groups = []
        for f in self.fields:
            if not f.needs_swap or f.tail:
                continue
            if groups and groups[-1][0] == f.cond:
                groups[-1][1].append(f)
            else:
                groups.append((f.cond, [f]))
        return groups, [u for u in self.unions if u.needs_swap]

    @property
    def swap_loops(self):
        members = [m for u in self.unions for m in u.members]
        return any(f.is_array and f.needs_swap and not f.tail
                   for f in self.fields + members)

    @property
    def validate_loops(self):
        return any(f.is_struct and f.is_array and f.validates
                   for f in self.fields)

    @property
    def validate_nested(self):
        return any(f.is_struct and f.validates for f in self.fields) or \
            any(u.validates for u in self.unions)

    @property
    def print_loops(self):
        members = [m for u in self.unions for m in u.members]
        return any(f.is_array and not f.reserved and (
            f.is_struct or f.type.size["lp64"] > 1)
            for f in self.fields + members)

    @property
    def locked_fields(self):
        return [f for f in self.fields if f.locked]

    @property
    def atomic_fields(self):
        return [f for f in self.fields if f.atomic]


def _cint(v):
    return "%d" % v if abs(v) < 0x10000 else "%#x" % v


def _swaps(item):
    if isinstance(item, Union):
        return any(_swaps(m) for m in item.members)
    if item.is_struct:
        return item.type.need_swap
    return item.swapped


@dataclass(frozen=True)
class Model:
    consts: tuple       # loader.Const, the file's own
    sets: tuple         # consts.ValueSet
    structs: tuple
    messages: tuple = ()    # structs_messages.MessageSet
