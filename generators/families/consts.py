"""Family 'consts': named constants, value sets and flag sets.

    const HAMMER2_PBUFSIZE = 65536 doc: "physical buffer size";

    enum hammer2_comp prefix: "HAMMER2_COMP_", type: uint8 {
        NONE = 0;
        AUTOZERO;               # previous + 1
        LZ4 doc: "LZ4 compression";
    }

    flags hammer2_bref_flag prefix: "HAMMER2_BREF_FLAG_", type: uint8 {
        PFSROOT = 0;            # bit numbers, not masks
        ZERO;
    }

For stem.def it writes stem.h (the #defines, a kprintf(9) "%b" format
per flag set of up to 32 bits, prototypes) and stem_names.c (a name
function per set).  Values are #defines, as in the kernel's own media
headers; an integer written in hex stays hex.
"""

from dataclasses import dataclass

from dfgen_core import expr
from dfgen_core.bind import OPTIONAL, REQUIRED, Form, bind, c_identifier, \
    dispatch, symbol
from dfgen_core.diag import error
from dfgen_core.family import GeneratorFamily
from dfgen_core.names import is_c_identifier

# Storage types a set may be declared with: name -> (min, max, bits).
TYPES = {
    "uint8": (0, 0xff, 8),
    "uint16": (0, 0xffff, 16),
    "uint32": (0, 0xffffffff, 32),
    "uint64": (0, 0xffffffffffffffff, 64),
    "int8": (-0x80, 0x7f, 8),
    "int16": (-0x8000, 0x7fff, 16),
    "int32": (-0x80000000, 0x7fffffff, 32),
    "int64": (-0x8000000000000000, 0x7fffffffffffffff, 64),
}

_SET_ATTRS = {"prefix": c_identifier, "doc": expr.string,
              "type": symbol(*TYPES)}
_MEMBER = Form(None, "member", value=OPTIONAL, attrs={"doc": expr.string})
FORMS = {
    "enum": Form("enum", "enum", body=REQUIRED, attrs=_SET_ATTRS),
    "flags": Form("flags", "flag set", body=REQUIRED, attrs=_SET_ATTRS),
}


@dataclass(frozen=True)
class Member:
    name: str           # as written
    cname: str          # prefix + name
    value: int          # enums: the value; flags: the bit number
    doc: str

    @property
    def mask(self):
        return 1 << self.value


@dataclass(frozen=True)
class ValueSet:
    kind: str           # 'enum' or 'flags'
    name: str
    prefix: str
    bits: int           # width of the declared type
    ctype: str          # C type of the name function's argument
    doc: str
    members: tuple

    @property
    def member_test(self):
        """C that is true when 'v' is a member of an enum: its values as
        ranges, so that checking membership costs a compare or two."""
        values = sorted(m.value for m in self.members)
        ranges, lo = [], values[0]
        for prev, cur in zip(values, values[1:] + [None]):
            if cur != prev + 1:
                ranges.append((lo, prev))
                lo = cur
        tests = []
        for lo, hi in ranges:
            if lo == hi:
                tests.append("v == %d" % lo)
            elif lo == 0 and self.ctype.startswith("unsigned"):
                tests.append("v <= %d" % hi)
            else:
                tests.append("(v >= %d && v <= %d)" % (lo, hi))
        return " ||\n\t    ".join(tests)

    @property
    def bits_macro(self):
        """kprintf(9) '%b' takes 32-bit values: the format's macro name,
        or None for a wider set."""
        if self.kind != "flags" or self.bits > 32:
            return None
        return self.prefix + "BITS"


@dataclass(frozen=True)
class Model:
    consts: tuple       # loader.Const, the file's own
    sets: tuple

    @property
    def enums(self):
        return [s for s in self.sets if s.kind == "enum"]

    @property
    def wide(self):
        """Some name function takes a 64-bit value: the header needs
        <stdint.h> types, through the compat header."""
        return any(s.bits > 32 for s in self.sets)


class Consts(GeneratorFamily):
    name = "consts"
    summary = "constants, enumerations and flag sets with name tables"

    def outputs(self, stem, args):
        return [(stem + ".h", "consts/consts.h.j2"),
                (stem + "_names.c", "consts/names.c.j2")]

    def model(self, unit, args):
        cnames = {c.name: c.loc for c in unit.own_consts}
        sets, set_names = [], {}
        for stmt in unit.stmts:
            b = bind(stmt, dispatch(stmt, FORMS), unit.consts)
            if b.name in set_names:
                raise error(b.loc, "'%s' is already defined" % b.name,
                            (set_names[b.name], "previous definition "
                             "is here"))
            set_names[b.name] = b.loc
            sets.append(value_set(b, stmt.head.value, unit.consts, cnames))
        return Model(tuple(unit.own_consts), tuple(sets))


def value_set(b, kind, scope, cnames):
    tname = b.attrs.get("type", "uint32" if kind == "flags" else "int32")
    lo, hi, bits = TYPES[tname]
    if kind == "flags" and lo < 0:
        raise error(b.attr_locs["type"], "a flag set needs an unsigned type")
    prefix = b.attrs.get("prefix", b.name.upper() + "_")
    members, by_value, nxt = [], {}, 0
    for stmt in b.body:
        m = bind(stmt, _MEMBER, scope)
        cname = prefix + m.name
        if not is_c_identifier(cname):
            raise error(m.loc, "'%s' is not a valid C name" % cname)
        if cname in cnames:
            raise error(m.loc, "'%s' is already defined" % cname,
                        (cnames[cname], "previous definition is here"))
        cnames[cname] = m.loc
        value = nxt if m.value is None else m.value
        where = m.value_loc or m.loc
        if not isinstance(value, int):
            raise error(where, "'%s' needs an integer value" % m.name)
        if kind == "flags" and not 0 <= value < bits:
            raise error(where, "bit %d of '%s' is outside %s (bits 0..%d)" %
                        (value, m.name, tname, bits - 1))
        if kind == "enum" and not lo <= value <= hi:
            raise error(where, "value %d of '%s' does not fit %s" %
                        (value, m.name, tname))
        if value in by_value:
            other, other_loc = by_value[value]
            raise error(where, "%s %d of '%s' is already used by '%s'" %
                        ("bit" if kind == "flags" else "value", value,
                         m.name, other.name),
                        (other_loc, "'%s' is here" % other.name))
        member = Member(m.name, cname, value, m.attrs.get("doc", ""))
        by_value[value] = (member, m.loc)
        members.append(member)
        nxt = value + 1
    if not members:
        raise error(b.loc, "%s '%s' has no members" % (kind, b.name))
    if kind == "flags" and bits <= 32 and prefix + "BITS" in cnames:
        raise error(cnames[prefix + "BITS"], "'%sBITS' is the name of the "
                    "\"%%b\" format of flag set '%s'" % (prefix, b.name))
    if bits <= 32:
        ctype = "unsigned int" if lo == 0 else "int"
    else:
        ctype = "uint64_t" if lo == 0 else "int64_t"
    return ValueSet(kind, b.name, prefix, bits, ctype,
                    b.attrs.get("doc", ""), tuple(members))


COMMAND = Consts()
