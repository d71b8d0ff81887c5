"""Message sets of the structs family: a header, then a typed payload.

A wire protocol such as dmsg sends messages that each begin with one
header structure; a field of the header says which message it is, and
another how long the (extended) header is, and aux data may follow.

    messages dmsg header: dmsg_hdr, id: cmd & 0x00ffff00, size: cmd & 0xff,
        unit: DMSG_ALIGN, max: DMSG_HDR_MAX, aux: aux_bytes,
        aux_crc: aux_crc, aux_algo: crc32c, aux_align: DMSG_ALIGN,
        aux_max: DMSG_AUX_MAX {
            LNK_PING = 0x000100;
            LNK_CONN = 0x001100 payload: dmsg_lnk_conn;
    }

header: the structure every message begins with ('order: magic': its
    magic tells the byte order of the message);
id: FIELD [& MASK], the header bits that name the message (a message's
    value is written under that mask);
size: FIELD [& MASK], the header's size in units of 'unit:' bytes
    (contiguous bits), computed for each message from its payload's C
    size rounded up to the unit; max: the largest header accepted;
aux, aux_crc, aux_algo, aux_align, aux_max: the field counting the aux
    bytes, the field holding their CRC (over the aux data padded to
    aux_align, as dmsg computes it), the CRC, the padding, the limit.

A message without 'payload:' is the header alone; a payload is a
structure with 'order: outer' whose first field is the header.  The
generator writes, per set S: a #define per message (its id with its
header size, named by 'prefix:', default S uppercased and '_'; a const
of that name must have that value and is not defined again), struct
S_msg (a tagged union of the payloads), S_build_<message>() and one
S_parse().  A builder takes the payload structure in host order, so the
caller's header fields (flags, ids) go through as they are; it sets the
magic, the id and size bits, the aux length and CRC, and seals the
header's checksums.  The parser reads the header in place, checks it,
and decodes the payload with the payload's own decode().
"""

from dataclasses import dataclass, field

from dfgen_core import expr
from dfgen_core.bind import REQUIRED, Form, bind, c_identifier, expression, \
    symbol
from dfgen_core.diag import error
from dfgen_core.names import suggest
from dfgen_core.syntax import Binary, Name, Num

from .structs_model import ABIS, ABI_NAME, Field

KEYWORD = "messages"

FORM = Form(KEYWORD, "message set", body=REQUIRED, attrs={
    "header": expression, "id": expression, "size": expression,
    "unit": expr.integer, "max": expr.integer, "aux": expression,
    "aux_crc": expression, "aux_algo": symbol("crc32", "crc32c"),
    "aux_align": expr.integer, "aux_max": expr.integer,
    "prefix": c_identifier, "doc": expr.string})
_MESSAGE = Form(None, "message", value=REQUIRED, attrs={
    "payload": expression, "doc": expr.string})


@dataclass(frozen=True)
class Bits:
    """Some bits of an unsigned header field."""
    field: object       # structs_model.Field
    mask: int
    shift: int

    @property
    def name(self):
        return self.field.name

    @property
    def ctype(self):
        return self.field.type.ctype

    @property
    def whole(self):
        return self.mask == (1 << self.field.type.bits("lp64")) - 1


@dataclass
class Message:
    name: str
    loc: object
    id: int             # its value under the id mask
    payload: object     # structs_model.Struct (the header if none)
    head: str           # 'head.': the header's path in the payload, or ''
    units: int          # header size, in units
    hdr_bytes: int
    cname: str          # its #define: DMSG_LNK_CONN
    kind: str           # its enumerator for the parser: DMSG_MSG_LNK_CONN
    value: int          # that #define's value
    define: bool        # False: a const of the file already says it
    doc: str

    @property
    def member(self):
        return self.name.lower()


@dataclass
class MessageSet:
    name: str
    loc: object
    header: object      # structs_model.Struct
    id: Bits
    size: Bits
    unit: int
    max: int            # largest header, bytes
    aux: object         # Bits or None
    aux_crc: object     # Bits or None
    aux_algo: str
    aux_align: int
    aux_max: int
    prefix: str
    doc: str
    messages: list = field(default_factory=list)

    @property
    def upper(self):
        return self.name.upper()

    @property
    def one_field(self):
        """The id and the size are bits of one field."""
        return self.id.field is self.size.field

    @property
    def stores(self):
        """[(field, mask, value macro or C)]: what a builder writes into
        the header's id and size fields, one entry per field."""
        if self.one_field:
            return [(self.id.field.name, self.id.mask | self.size.mask,
                     None)]
        return [(self.id.field.name, self.id.mask, "id"),
                (self.size.field.name, self.size.mask, "size")]

    @property
    def payloads(self):
        """Every distinct payload structure, in message order."""
        out = []
        for m in self.messages:
            if m.payload not in out:
                out.append(m.payload)
        return out

    @property
    def largest(self):
        return max(m.payload.sizes[a] for m in self.messages for a in ABIS)


def build(b, unit, structs, names):
    """The MessageSet of bound statement `b`; `structs` are the
    structures declared before it, `names` every name of the file."""
    a, locs = b.attrs, b.attr_locs
    for key in ("header", "id", "size"):
        if key not in a:
            raise error(b.loc, "message set '%s' needs '%s:'" %
                        (b.name, key))
    header = _struct(a["header"], structs, "'header:'")
    if header.order != "magic":
        raise error(locs["header"], "the header '%s' must have 'order: "
                    "magic', so that a message shows its byte order" %
                    header.name)
    bits = _Bits(header)
    id_ = bits(a["id"], "'id:'")
    size = bits(a["size"], "'size:'")
    if size.mask >> size.shift & (size.mask >> size.shift) + 1:
        raise error(locs["size"], "'size:' bits %#x are not contiguous" %
                    size.mask)
    if id_.field is size.field and id_.mask & size.mask:
        raise error(locs["size"], "'size:' bits %#x overlap 'id:' bits %#x" %
                    (size.mask, id_.mask))
    unit_ = a.get("unit", 1)
    if unit_ <= 0:
        raise error(locs["unit"], "'unit:' must be positive")
    top = (size.mask >> size.shift) * unit_
    if top < header.extent:
        raise error(locs["size"], "'size:' says at most %d bytes, less than "
                    "the %d of '%s'" % (top, header.extent, header.name))
    hmax = a.get("max", top)
    if not header.extent <= hmax <= top:
        raise error(locs["max"], "'max:' %d is outside %d..%d, the header "
                    "sizes 'size:' can say" % (hmax, header.extent, top))
    aux = aux_crc = None
    for key in ("aux_crc", "aux_algo", "aux_align", "aux_max"):
        if key in a and "aux" not in a:
            raise error(locs[key], "'%s:' needs 'aux:', the field counting "
                        "the aux bytes" % key)
    if "aux" in a:
        aux = bits(a["aux"], "'aux:'")
        if not aux.whole or aux.field.type.size["lp64"] > 4:
            raise error(locs["aux"], "'aux:' is a whole field of at most 32 "
                        "bits")
    if "aux_crc" in a:
        aux_crc = bits(a["aux_crc"], "'aux_crc:'")
        if aux_crc.field.type.name != "uint32" or not aux_crc.whole:
            raise error(locs["aux_crc"], "a CRC is stored in a whole uint32 "
                        "field, and '%s' is not one" % aux_crc.name)
        if "aux_algo" not in a:
            raise error(locs["aux_crc"], "'aux_crc:' needs 'aux_algo:', "
                        "crc32 or crc32c")
    elif "aux_algo" in a:
        raise error(locs["aux_algo"], "'aux_algo:' needs 'aux_crc:', the "
                    "field holding the CRC")
    align = a.get("aux_align", 1)
    if align <= 0 or align & (align - 1):
        raise error(locs["aux_align"], "'aux_align:' must be a power of 2")
    aux_max = 0
    if aux is not None:
        # The padded length must fit the field too.
        aux_top = aux.mask - (align - 1)
        if aux_top <= 0:
            raise error(locs["aux_align"], "'aux_align:' %d leaves no room "
                        "in '%s'" % (align, aux.name))
        aux_max = a.get("aux_max", aux_top)
        if not 0 < aux_max <= aux_top:
            raise error(locs["aux_max"], "'aux_max:' %d is outside 1..%d" %
                        (aux_max, aux_top))
    prefix = a.get("prefix", b.name.upper() + "_")
    ms = MessageSet(b.name, b.loc, header, id_, size, unit_, hmax, aux,
                    aux_crc, a.get("aux_algo", ""), align, aux_max, prefix,
                    a.get("doc", ""))
    seen, ids = {}, {}
    for stmt in b.body:
        m = _message(bind(stmt, _MESSAGE, unit.consts), ms, unit, structs,
                     names)
        if m.name in seen:
            raise error(m.loc, "message '%s' is already defined" % m.name,
                        (seen[m.name], "previous definition is here"))
        if m.id in ids:
            raise error(m.loc, "'%s' and '%s' both have id %#x" %
                        (ids[m.id].name, m.name, m.id))
        seen[m.name] = m.loc
        ids[m.id] = m
        ms.messages.append(m)
    if not ms.messages:
        raise error(b.loc, "message set '%s' has no messages" % b.name)
    return ms


def _message(b, ms, unit, structs, names):
    if b.value & ~ms.id.mask:
        raise error(b.value_loc, "id %#x of '%s' has bits outside the id "
                    "mask %#x" % (b.value, b.name, ms.id.mask))
    payload, head = ms.header, ""
    if "payload" in b.attrs:
        payload = _struct(b.attrs["payload"], structs, "'payload:'")
        first = payload.items[0]
        if payload is not ms.header:
            if not (isinstance(first, Field) and first.type is ms.header
                    and not first.is_array):
                raise error(b.attr_locs["payload"], "payload '%s' must "
                            "begin with the header, a '%s' field" %
                            (payload.name, ms.header.name))
            if payload.order != "outer":
                raise error(b.attr_locs["payload"], "payload '%s' must have "
                            "'order: outer': its header says the byte "
                            "order" % payload.name)
            head = first.name + "."
    units = {a: -(-payload.sizes[a] // ms.unit) for a in ABIS}
    if units[ABIS[0]] != units[ABIS[1]]:
        raise error(b.loc, "'%s' has a header of %d units on %s but %d on "
                    "%s" % (b.name, units[ABIS[0]], ABI_NAME[ABIS[0]],
                            units[ABIS[1]], ABI_NAME[ABIS[1]]))
    n = units[ABIS[0]]
    if n * ms.unit > ms.max:
        raise error(b.loc, "'%s' needs a header of %d bytes, more than "
                    "'max:' %d" % (b.name, n * ms.unit, ms.max))
    size_bits = n << ms.size.shift
    value = b.value | size_bits if ms.id.field is ms.size.field else b.value
    cname = ms.prefix + b.name
    define = True
    const = unit.consts.get(cname)
    if const is not None:
        if const.value != value:
            raise error(b.loc, "'%s' is %#x, but const %s says %#x" %
                        (b.name, value, cname, const.value),
                        (const.loc, "the const is here"))
        define = False
    elif cname in names:
        raise error(b.loc, "'%s' is already defined" % cname,
                    (names[cname], "previous definition is here"))
    kind = ms.upper + "_MSG_" + b.name
    if kind == cname:
        raise error(b.loc, "'%s' would name both the message's constant "
                    "and its kind: choose another 'prefix:'" % cname)
    return Message(b.name, b.loc, b.value, payload, head, n, n * ms.unit,
                   cname, kind, value, define, b.attrs.get("doc", ""))


def _struct(e, structs, what):
    if not isinstance(e, Name) or e.name not in structs:
        name = getattr(e, "name", "")
        raise error(expr.expr_loc(e), "%s names a struct declared before "
                    "it%s" % (what, suggest(name, list(structs))
                              if name else ""))
    s = structs[e.name]
    if s.tail:
        raise error(e.loc, "struct '%s' ends in a variable-length tail: a "
                    "message's structure has a fixed size" % s.name)
    return s


class _Bits:
    """Reads 'FIELD' or 'FIELD & MASK' over the header's fields."""

    def __init__(self, header):
        self.header = header

    def __call__(self, e, what):
        mask = None
        if isinstance(e, Binary) and e.op == "&":
            if not isinstance(e.right, Num):
                raise error(expr.expr_loc(e.right), "%s: the mask is a "
                            "number" % what)
            mask, e = e.right.value, e.left
        if not isinstance(e, Name):
            raise error(expr.expr_loc(e), "%s is FIELD or FIELD & MASK, "
                        "FIELD an unsigned field of '%s'" %
                        (what, self.header.name))
        f = next((x for x in self.header.fields if x.name == e.name), None)
        if f is None:
            raise error(e.loc, "%s: '%s' has no field '%s'%s" %
                        (what, self.header.name, e.name,
                         suggest(e.name, [x.name for x in
                                          self.header.fields])))
        if f.is_struct or f.is_array or f.type.kind != "int" or \
                f.type.signed:
            raise error(e.loc, "%s: '%s' is not an unsigned integer field" %
                        (what, f.name))
        full = (1 << f.type.bits("lp64")) - 1
        if mask is None:
            mask = full
        if mask <= 0 or mask & ~full:
            raise error(expr.expr_loc(e), "%s: mask %#x does not fit '%s' "
                        "(%s)" % (what, mask, f.name, f.type.name))
        shift = (mask & -mask).bit_length() - 1
        return Bits(f, mask, shift)
