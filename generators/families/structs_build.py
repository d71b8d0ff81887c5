"""From a loaded definition file to the structs model.

Statements of a structure's body:

    [reserved] TYPE NAME[N]... [attrs];   a field
    TYPE NAME { BIT bits: W; ... }        a field split into bit fields
    pad N;                                N bytes of padding
    union NAME select: EXPR { TYPE NAME when: V; ... }
    check NAME = EXPR [doc: "..."];       a cross-field check
    checksum NAME algo: crc32c, start: E, end: E, store: F [, index: I]
        [, zero: F];

Layout follows C's rules on every ABI; a gap C would fill silently is an
error here (state it with `pad`), so that the C declaration, which has
every pad, is the media layout.
"""

from dfgen_core import cexpr, expr
from dfgen_core.bind import (OPTIONAL, REQUIRED, UNEVALUATED, Form, bind,
                             c_identifier, dispatch, expression, symbol)
from dfgen_core.diag import error
from dfgen_core.lexer import IDENT
from dfgen_core.names import C_KEYWORDS, suggest
from dfgen_core.syntax import Name

from . import consts, structs_messages
from .structs_model import (ABI_NAME, ABIS, BIG, DYN, HOST, LITTLE,
                            SCALARS, BitMember, Check, Checksum, Field,
                            Model, Struct, Tail, Union)

ORDERS = (LITTLE, BIG, HOST, "magic", "outer")

_STRUCT = Form("struct", "struct", body=REQUIRED, attrs={
    "size": expr.integer, "order": symbol(*ORDERS),
    "packed": expr.integer, "version": expression, "doc": expr.string})
_FIELD_ATTRS = {
    "at": expr.integer, "order": symbol(LITTLE, BIG, HOST),
    "enum": expression, "flags": expression, "min": expr.integer,
    "max": expr.integer, "magic": expr.integer, "default": expr.integer,
    "since": expr.integer, "locked": c_identifier, "atomic": expr.integer,
    "print": symbol("hex", "dec"), "length": expression,
    "count": expression, "to": expr.string, "doc": expr.string}
_UNION = Form("union", "union", body=REQUIRED, attrs={
    "select": expression, "size": expr.integer, "at": expr.integer,
    "doc": expr.string})
_CHECK = Form("check", "check", value=UNEVALUATED, attrs={"doc": expr.string})
_CHECKSUM = Form("checksum", "checksum", attrs={
    "algo": symbol("crc32", "crc32c"), "start": expression,
    "end": expression, "store": expression, "index": expr.integer,
    "zero": expression})
_BIT = Form(None, "bit field", attrs={
    "bits": expr.integer, "at": expr.integer, "enum": expression,
    "flags": expression, "doc": expr.string})
_FILE_FORMS = dict(consts.FORMS, struct=_STRUCT,
                   messages=structs_messages.FORM)


def build(unit):
    sets, structs, names, messages = {}, {}, {}, []
    cnames = {c.name: c.loc for c in unit.own_consts}
    for stmt in unit.stmts:
        form = dispatch(stmt, _FILE_FORMS)
        b = bind(stmt, form, unit.consts)
        if b.name in names:
            raise error(b.loc, "'%s' is already defined" % b.name,
                        (names[b.name], "previous definition is here"))
        names[b.name] = b.loc
        if form is _STRUCT:
            structs[b.name] = _Builder(b, unit, sets, structs).struct()
        elif form is structs_messages.FORM:
            messages.append(structs_messages.build(b, unit, structs, names))
        else:
            sets[b.name] = consts.value_set(b, form.keyword, unit.consts,
                                            cnames)
    return Model(tuple(unit.own_consts), tuple(sets.values()),
                 tuple(structs.values()), tuple(messages))


def _roundup(n, a):
    return (n + a - 1) // a * a


class _Builder:
    """Builds one structure."""

    def __init__(self, b, unit, sets, structs):
        self.b = b
        self.unit = unit
        self.sets = sets
        self.structs = structs
        self.order = b.attrs.get("order", HOST)
        self.packed = bool(b.attrs.get("packed", 0))
        self.fields = {}        # name -> Field (every level of unions)
        self.s = Struct(b.name, b.loc, self.order, self.packed, [],
                        b.attrs.get("doc", ""))
        self.pending_checks = []
        self.pending_sums = []

    # -- statements ------------------------------------------------------

    def struct(self):
        for stmt in self.b.body:
            head = stmt.head
            word = head.value if head.kind == IDENT else None
            if word == "pad":
                self._pad(stmt)
            elif word == "union" and head.index is None:
                self._add(self._union(bind(stmt, _UNION, self.unit.consts)))
            elif word == "check" and len(stmt.words) == 2:
                self.pending_checks.append(
                    bind(stmt, _CHECK, self.unit.consts))
            elif word == "checksum" and len(stmt.words) == 2:
                self.pending_sums.append(
                    bind(stmt, _CHECKSUM, self.unit.consts))
            else:
                self._add(self._field(stmt, self.s.items))
        if not self.s.items:
            raise error(self.b.loc, "struct '%s' has no fields" % self.s.name)
        self._layout()
        self._magic()
        self._versions()
        self.s.checks = [self._check(c) for c in self.pending_checks]
        self.s.checksums = _computing_order(
            [self._checksum(c) for c in self.pending_sums])
        return self.s

    def _add(self, item):
        self.s.items.append(item)

    def _pad(self, stmt):
        if len(stmt.words) != 2 or not isinstance(stmt.words[1].value, int) \
                or stmt.attrs or stmt.body is not None or stmt.value:
            raise error(stmt.loc, "expected 'pad N;' with N a number of "
                        "bytes")
        n = stmt.words[1].value
        if n <= 0:
            raise error(stmt.words[1].loc, "padding of %d bytes" % n)
        f = Field("", stmt.loc, SCALARS["uint8"], (str(n),),
                  {a: n for a in ABIS}, HOST, pad=True, hexa=True)
        self._add(f)

    def _field(self, stmt, siblings, union=None):
        words = list(stmt.words)
        reserved = False
        if len(words) > 2 and words[0].kind == IDENT and \
                words[0].value == "reserved" and words[0].index is None:
            reserved = True
            words.pop(0)
        if len(words) < 2:
            raise error(stmt.loc, "expected a field: TYPE NAME;")
        tword = words[0]
        if tword.kind != IDENT or tword.dims:
            raise error(tword.loc, "expected a type name")
        ftype = self._type(tword)
        attrs = dict(_FIELD_ATTRS)
        if union is not None:
            attrs["when"] = expr.integer
        form = Form(tword.value, "field", attrs=attrs, dims=True,
                    body=OPTIONAL)
        b = bind(type(stmt)(words, stmt.value, stmt.attrs, stmt.body,
                            stmt.loc), form, self.unit.consts)
        scope = self.fields if union is None else \
            {m.name: m for m in union.members}
        if b.name in scope:
            raise error(b.loc, "field '%s' is already defined" % b.name,
                        (scope[b.name].loc, "previous definition is here"))
        dims, count = self._dims(b)
        order = b.attrs.get("order", self._default_order())
        f = Field(b.name, b.loc, ftype, dims, count, order,
                  reserved=reserved, doc=b.attrs.get("doc", ""))
        f.at, f.at_loc = b.attrs.get("at"), b.attr_locs.get("at")
        self._field_attrs(f, b, ftype, siblings)
        if b.body is not None:
            f.bits = self._bits(f, b)
        if union is not None:
            if "when" not in b.attrs:
                raise error(b.loc, "union member '%s' needs 'when:', the "
                            "selector's value that chooses it" % b.name)
            f.when = b.attrs["when"]
            return f
        self.fields[b.name] = f
        return f

    def _default_order(self):
        return DYN if self.order in ("magic", "outer") else self.order

    def _type(self, word):
        name = word.value
        if name in SCALARS:
            return SCALARS[name]
        if name in self.structs:
            nested = self.structs[name]
            if nested.tail:
                raise error(word.loc, "struct '%s' ends in a variable-length "
                            "tail and cannot be nested" % name)
            return nested
        raise error(word.loc, "unknown type '%s'%s" %
                    (name, suggest(name, list(SCALARS) + list(self.structs))))

    def _dims(self, b):
        """C text of each dimension, and the element count per ABI."""
        texts, count = [], {a: 1 for a in ABIS}
        for d in b.dims:
            per_abi = {}
            for abi in ABIS:
                scope = dict(self.unit.consts)
                scope.update(_abi_scope(abi))
                per_abi[abi] = expr.integer(d, scope)
                if per_abi[abi] <= 0:
                    raise error(expr.expr_loc(d), "array '%s' has %d "
                                "elements on %s" % (b.name, per_abi[abi],
                                                    ABI_NAME[abi]))
                count[abi] *= per_abi[abi]
            texts.append(cexpr.to_c(d, self._dim_name))
        return tuple(texts), count

    def _dim_name(self, n):
        if n.name == "PTR_SIZE":
            return "sizeof(void *)"
        if n.name == "LONG_SIZE":
            return "sizeof(long)"
        c = self.unit.consts[n.name]
        return c.name if c.own else str(c.value)

    def _field_attrs(self, f, b, ftype, siblings):
        a, locs = b.attrs, b.attr_locs
        scalar = not f.is_struct
        for key in ("enum", "flags", "min", "max", "magic", "atomic",
                    "locked", "length", "count", "print", "default"):
            if key in a and not scalar:
                raise error(locs[key], "'%s:' applies to integer fields, "
                            "not to struct '%s'" % (key, ftype.name))
        if "to" in a:
            if ftype.name != "ptr":
                raise error(locs["to"], "'to:' names what a 'ptr' field "
                            "points at")
            f.ctype_override = a["to"]
        for key in ("enum", "flags"):
            if key in a:
                setattr(f, key, self._value_set(a[key], key))
        f.min, f.max = a.get("min"), a.get("max")
        f.magic = a.get("magic")
        f.default = a.get("default", 0)
        f.since = a.get("since", 0)
        f.locked = a.get("locked", "")
        f.atomic = bool(a.get("atomic", 0))
        f.hexa = a.get("print") == "hex" or (
            "print" not in a and (f.flags is not None or f.magic is not None
                                  or f.reserved))
        for key in ("min", "max", "magic", "default"):
            if key in a:
                self._fits(f, a[key], locs[key], key)
        if f.magic is not None and f.is_array:
            raise error(locs["magic"], "a magic field is one integer")
        if (f.atomic or f.locked) and (f.is_array or scalar and
                                       ftype.kind == "ptr"):
            raise error(locs["atomic" if f.atomic else "locked"],
                        "'%s:' applies to integer fields, not arrays or "
                        "pointers" % ("atomic" if f.atomic else "locked"))
        if f.atomic and f.locked:
            raise error(locs["atomic"], "field '%s' is both atomic and "
                        "locked: choose one" % f.name)
        if "length" in a and "count" in a:
            raise error(locs["count"], "a tail has 'length:' or 'count:', "
                        "not both")
        for unit in ("length", "count"):
            if unit in a:
                f.tail = self._tail(f, a[unit], unit, locs[unit], siblings)

    def _fits(self, f, value, loc, what):
        t = f.type
        if t.kind == "ptr":
            raise error(loc, "'%s:' does not apply to a pointer" % what)
        bits = min(t.bits(abi) for abi in ABIS)
        lo = -(1 << (bits - 1)) if t.signed else 0
        hi = (1 << (bits - 1)) - 1 if t.signed else (1 << bits) - 1
        if not lo <= value <= hi:
            raise error(loc, "%s %d does not fit field '%s' (%s)" %
                        (what, value, f.name, t.name))

    def _value_set(self, e, key):
        if not isinstance(e, Name):
            raise error(expr.expr_loc(e), "'%s:' names an %s declared in "
                        "this file" % (key, "enum" if key == "enum"
                                       else "flag set"))
        vs = self.sets.get(e.name)
        kind = "enum" if key == "enum" else "flags"
        if vs is None or vs.kind != kind:
            known = [s.name for s in self.sets.values() if s.kind == kind]
            raise error(e.loc, "no %s '%s'%s" %
                        ("enum" if kind == "enum" else "flag set", e.name,
                         suggest(e.name, known)))
        return vs

    def _tail(self, f, e, unit, loc, siblings):
        if len(f.dims) != 1 or f.is_struct:
            raise error(loc, "a variable-length tail is an array of "
                        "integers with one dimension, its capacity")
        if unit == "length" and f.type.size["lp64"] != 1:
            raise error(loc, "'length:' counts bytes: use 'count:' for an "
                        "array of %s" % f.type.name)
        by = self._sibling(e, siblings, "the length of '%s'" % f.name)
        return Tail(by, unit)

    def _sibling(self, e, siblings, what):
        """The scalar field named by expression `e`, declared before."""
        if not isinstance(e, Name):
            raise error(expr.expr_loc(e), "%s must name a field" % what)
        for s in siblings:
            if isinstance(s, Field) and s.name == e.name:
                if s.is_struct or s.is_array:
                    raise error(e.loc, "%s must be an integer field, and "
                                "'%s' is not" % (what, e.name))
                return s
        known = [s.name for s in siblings if isinstance(s, Field)]
        raise error(e.loc, "%s: no field '%s' before it%s" %
                    (what, e.name, suggest(e.name, known)))

    def _bits(self, f, b):
        if f.is_struct or f.is_array or f.type.kind != "int":
            raise error(b.loc, "only an integer field can be split into "
                        "bit fields")
        width = f.type.bits("lp64")
        out, nxt, seen = [], 0, {}
        for stmt in b.body:
            m = bind(stmt, _BIT, self.unit.consts)
            if m.name in seen:
                raise error(m.loc, "bit field '%s' is already defined" %
                            m.name, (seen[m.name], "previous definition "
                                     "is here"))
            seen[m.name] = m.loc
            if "bits" not in m.attrs:
                raise error(m.loc, "bit field '%s' needs 'bits:', its "
                            "width" % m.name)
            w = m.attrs["bits"]
            shift = m.attrs.get("at", nxt)
            if w <= 0 or shift < 0 or shift + w > width:
                raise error(m.attr_locs.get("at", m.attr_locs["bits"]),
                            "bits %d..%d of '%s' are outside %s (bits "
                            "0..%d)" % (shift, shift + w - 1, m.name,
                                        f.type.name, width - 1))
            mask = ((1 << w) - 1) << shift
            for other in out:
                if other.mask & mask:
                    raise error(m.loc, "bit field '%s' overlaps '%s'" %
                                (m.name, other.name))
            values = None
            for key in ("enum", "flags"):
                if key in m.attrs:
                    values = self._value_set(m.attrs[key], key)
            out.append(BitMember(m.name, shift, w, values,
                                 m.attrs.get("doc", "")))
            nxt = shift + w
        if not out:
            raise error(b.loc, "field '%s' has an empty bit field list" %
                        f.name)
        return tuple(out)

    def _union(self, b):
        if "select" not in b.attrs:
            raise error(b.loc, "union '%s' needs 'select:', the expression "
                        "that chooses its member" % b.name)
        if b.name in self.fields:
            raise error(b.loc, "field '%s' is already defined" % b.name,
                        (self.fields[b.name].loc,
                         "previous definition is here"))
        select = self._host_expr(b.attrs["select"], "the selector of '%s'" %
                                 b.name)
        u = Union(b.name, b.loc, select, [], doc=b.attrs.get("doc", ""))
        u.at, u.at_loc = b.attrs.get("at"), b.attr_locs.get("at")
        u.size_attr = b.attrs.get("size")
        u.size_loc = b.attr_locs.get("size")
        whens = {}
        for stmt in b.body:
            m = self._field(stmt, self.s.items, union=u)
            if m.tail or m.since or m.bits or m.atomic or m.locked:
                raise error(m.loc, "union member '%s' cannot be a tail, "
                            "versioned, split into bits or locked" % m.name)
            if m.when in whens:
                raise error(m.loc, "'%s' and '%s' are both chosen by %d" %
                            (whens[m.when].name, m.name, m.when))
            whens[m.when] = m
            u.members.append(m)
        if not u.members:
            raise error(b.loc, "union '%s' has no members" % b.name)
        self.fields[b.name] = u
        return u

    # -- layout ----------------------------------------------------------

    def _layout(self):
        s = self.s
        for abi in ABIS:
            off, align = 0, 1
            for i, item in enumerate(s.items):
                if isinstance(item, Union):
                    self._union_size(item, abi)
                if isinstance(item, Field) and item.tail and \
                        i != len(s.items) - 1:
                    raise error(item.loc, "the variable-length tail '%s' "
                                "must be the last field" % item.name)
                a = 1 if s.packed else item.align(abi)
                align = max(align, a)
                start = _roundup(off, a)
                if start != off:
                    raise error(item.loc, "%d bytes of padding before '%s' "
                                "on %s: state them with 'pad %d;' or "
                                "declare the struct packed" %
                                (start - off, item.name, ABI_NAME[abi],
                                 start - off))
                if getattr(item, "at", None) is not None and \
                        item.at != off:
                    raise error(item.at_loc, "'%s' is at offset %#x on %s, "
                                "not %#x" % (item.name, off, ABI_NAME[abi],
                                             item.at))
                item.offset[abi] = off
                if isinstance(item, Field) and item.pad:
                    item.name = "pad_%04x" % off
                if isinstance(item, Field) and item.tail:
                    extent = off
                off += item.size(abi)
            if not s.tail:
                extent = off
            if abi == ABIS[0]:
                s.extent = extent
            elif extent != s.extent:
                raise error(s.loc, "struct '%s' covers %d media bytes on %s "
                            "but %d on %s" % (s.name, s.extent,
                                              ABI_NAME[ABIS[0]], extent,
                                              ABI_NAME[abi]))
            s.aligns[abi] = align
            s.sizes[abi] = _roundup(off, align)
        size = self.b.attrs.get("size")
        if size is not None and size != s.extent:
            raise error(self.b.attr_locs["size"], "struct '%s' is %d (%#x) "
                        "bytes, not %d (%#x)" % (s.name, s.extent, s.extent,
                                                 size, size))

    def _union_size(self, u, abi):
        size = max(m.size(abi) for m in u.members)
        align = 1 if self.packed else max(m.align(abi) for m in u.members)
        u.aligns[abi] = align
        u.sizes[abi] = _roundup(size, align)
        for m in u.members:
            m.offset[abi] = 0
        if u.size_attr is not None and u.size_attr != u.sizes[abi]:
            raise error(u.size_loc, "union '%s' is %d bytes on %s, not %d" %
                        (u.name, u.sizes[abi], ABI_NAME[abi], u.size_attr))

    # -- what the layout makes checkable ---------------------------------

    def _magic(self):
        s = self.s
        magics = [f for f in s.fields if f.magic is not None]
        if len(magics) > 1:
            raise error(magics[1].loc, "struct '%s' has two magic fields" %
                        s.name, (magics[0].loc, "the first is here"))
        s.magic_field = magics[0] if magics else None
        if s.order == "magic":
            f = s.magic_field
            if f is None:
                raise error(self.b.attr_locs["order"], "'order: magic' needs "
                            "a field with 'magic:', whose value tells the "
                            "byte order")
            if f.type.size["lp64"] < 2 or _bswap(f.magic, f) == f.magic:
                raise error(f.loc, "magic %#x of '%s' reads the same in "
                            "both byte orders" % (f.magic, f.name))

    def _versions(self):
        s, b = self.s, self.b
        if "version" not in b.attrs:
            bad = [f for f in s.fields if f.since]
            if bad:
                raise error(bad[0].loc, "'since:' needs the struct's "
                            "'version:', the field that holds the version")
            return
        s.version_field = self._sibling(b.attrs["version"], s.items,
                                        "'version:'")
        if s.version_field.type.signed:
            raise error(b.attr_locs["version"], "the version field must be "
                        "unsigned")
        last = 0
        for item in s.items:
            since = getattr(item, "since", 0) if isinstance(item, Field) \
                else 0
            if since < last:
                raise error(item.loc, "'%s' (since %d) comes after a field "
                            "of version %d: fields are added at the end" %
                            (item.name, since, last))
            if since and isinstance(item, Field) and item.tail:
                raise error(item.loc, "a versioned struct has no tail")
            last = since
        if s.version_field.since:
            raise error(s.version_field.loc, "the version field is in "
                        "every version")

    def _host_expr(self, e, what):
        """C of an expression over the host structure 's'."""
        def name(n):
            f = self._member(n, what)
            return "s->" + n.name if f is not None else self._constant(n)
        return cexpr.to_c(e, name)

    def _constant(self, n):
        """C for a constant or value-set member the file declares."""
        if n.name in self.unit.consts:
            c = self.unit.consts[n.name]
            return c.name if c.own else str(c.value)
        return n.name

    def _is_constant(self, name):
        return name in self.unit.consts or any(
            m.cname == name for vs in self.sets.values() for m in vs.members)

    def _member(self, n, what):
        """The integer field a name (maybe 'nested.field') reads, or None
        for a constant."""
        path = n.name.split(".")
        items = self.s.items
        for i, part in enumerate(path):
            f = next((x for x in items if x.name == part), None)
            if f is None and i == 0 and self._is_constant(n.name):
                return None
            if f is None:
                known = [x.name for x in items] + \
                    (list(self.unit.consts) if i == 0 else [])
                raise error(n.loc, "%s: unknown name '%s'%s" %
                            (what, n.name, suggest(part, known)))
            if i < len(path) - 1:
                if not isinstance(f, Field) or not f.is_struct or \
                        f.is_array:
                    raise error(n.loc, "%s: '%s' is not a structure" %
                                (what, ".".join(path[:i + 1])))
                items = f.type.items
        if not isinstance(f, Field) or f.is_struct or f.is_array:
            raise error(n.loc, "%s reads '%s', which is not an integer "
                        "field" % (what, n.name))
        return f

    def _check(self, c):
        if c.name in C_KEYWORDS:
            raise error(c.loc, "'%s' is a C keyword" % c.name)
        text = self._host_expr(c.value, "check '%s'" % c.name)
        return Check(c.name, text, c.attrs.get("doc", ""))

    def _checksum(self, c):
        a, locs = c.attrs, c.attr_locs
        for key in ("algo", "start", "end", "store"):
            if key not in a:
                raise error(c.loc, "checksum '%s' needs '%s:'" %
                            (c.name, key))
        store = self._store(a["store"])
        if store.type.name != "uint32":
            raise error(locs["store"], "a CRC is stored in a uint32 field, "
                        "and '%s' is %s" % (store.name, store.type.name))
        index = a.get("index")
        if store.is_array != (index is not None):
            raise error(locs.get("index", locs["store"]),
                        "'index:' chooses the element of an array 'store:'"
                        if index is not None else "'%s' is an array: say "
                        "which element with 'index:'" % store.name)
        if index is not None and not 0 <= index < store.count["lp64"]:
            raise error(locs["index"], "index %d is outside '%s'" %
                        (index, store.name))
        zero = None
        if "zero" in a:
            zero = self._sibling(a["zero"], self.s.items, "'zero:'")
        self.reads_order = False
        start = self._media_expr(a["start"], "the start of '%s'" % c.name)
        end = self._media_expr(a["end"], "the end of '%s'" % c.name)
        return Checksum(c.name, a["algo"], start, end, store, index, zero,
                        self.reads_order)

    def _store(self, e):
        """The uint32 field (or array) a checksum is stored in."""
        if isinstance(e, Name):
            for f in self.s.fields:
                if f.name == e.name and not f.is_struct:
                    return f
        return self._sibling(e, self.s.items, "'store:'")

    def _media_expr(self, e, what):
        """C of an expression over the media buffer 'p' (accessors)."""
        def name(n):
            f = self._member(n, what)
            if f is None:
                return self._constant(n)
            if "." in n.name or f.reserved:
                raise error(n.loc, "%s reads '%s': only a field of the "
                            "structure itself that is not reserved has a "
                            "media accessor" % (what, n.name))
            self.reads_order |= f.runtime_order
            return "%s_get_%s(b%s)" % (self.s.name, f.name, ", bswap"
                                       if f.runtime_order else "")
        return cexpr.to_c(e, name)


def _abi_scope(abi):
    """The names an array dimension may use for ABI-dependent widths."""
    class _V:
        def __init__(self, v):
            self.value = v
    return {"PTR_SIZE": _V(SCALARS["ptr"].size[abi]),
            "LONG_SIZE": _V(SCALARS["long"].size[abi])}


def _bswap(v, f):
    n = f.type.size["lp64"]
    return int.from_bytes((v & ((1 << 8 * n) - 1)).to_bytes(n, "little"),
                          "big")


def _computing_order(sums):
    """Checksums ordered so that one whose region holds another's stored
    value is computed after it (HAMMER2's volume header nests them)."""
    def region(c):
        try:
            return int(c.start, 0), int(c.end, 0)
        except ValueError:
            return None
    out, left = [], list(sums)
    while left:
        for c in left:
            r = region(c)
            inner = [o for o in left if o is not c and r is not None and
                     r[0] <= o.store_offset < r[1]]
            if not inner:
                out.append(c)
                left.remove(c)
                break
        else:
            raise error(left[0].store.loc, "checksums cover each other's "
                        "values in a cycle")
    return out
