"""Building the alloc model from bound statements, with its checks."""

from dfgen_core import cexpr, expr
from dfgen_core.bind import (OPTIONAL, REQUIRED, Form, bind, c_identifier,
                             dispatch, expression)
from dfgen_core.diag import error
from dfgen_core.names import is_c_identifier, suggest
from dfgen_core.source import file_loc

from .alloc_model import (FLAGS, GRANULE, Allocator, Behaviour, Choice,
                          KernelModel, KmallocType, Metric, Model, SizeClass)

_FLAG = Form(None, "flag")
FORMS = {
    "metric": Form("metric", "metric", attrs={"doc": expr.string}),
    "class": Form("class", "size class", value=REQUIRED,
                  attrs={"doc": expr.string}),
    "allocator": Form("allocator", "allocator", body=OPTIONAL,
                      attrs={"entry": c_identifier, "min": expr.integer,
                             "max": expr.integer, "align": expr.integer,
                             "doc": expr.string}),
    "behaviour": Form("behaviour", "behaviour", body=OPTIONAL,
                      attrs={"when": expression, "doc": expr.string}),
    "kmalloc": Form("kmalloc", "kmalloc type",
                    attrs={"type": c_identifier, "header": expr.string,
                           "sample": expr.integer, "doc": expr.string}),
}
MAX_METRICS = 32
_ORDER = ("metric", "class", "allocator", "behaviour", "kmalloc")
# What only a file of allocators declares; a file of kmalloc types
# declares size classes and types.
_USER_ONLY = ("metric", "allocator", "behaviour")


def build(unit, stem):
    if not is_c_identifier(stem):
        raise error(_file_loc(unit), "'%s' cannot be a C "
                    "prefix: name the file after one" % stem)
    kinds = {k: [] for k in _ORDER}
    names = {c.name: c.loc for c in unit.consts.values()}
    for stmt in unit.stmts:
        form = dispatch(stmt, FORMS)
        b = bind(stmt, form, unit.consts)
        kind = form.keyword
        if b.name in names:
            raise error(b.loc, "'%s' is already defined" % b.name,
                        (names[b.name], "previous definition is here"))
        names[b.name] = b.loc
        kinds[kind].append(b)
    if kinds["kmalloc"]:
        return _kernel(unit, stem, kinds)
    if len(kinds["metric"]) > MAX_METRICS:
        raise error(kinds["metric"][MAX_METRICS].loc, "more than %d "
                    "metrics: a rule's metrics are a 32-bit mask" %
                    MAX_METRICS)
    metrics = tuple(Metric(b.name, i, b.attrs.get("doc", ""))
                    for i, b in enumerate(kinds["metric"]))
    classes = _classes(kinds["class"], unit)
    allocators = _allocators(kinds["allocator"], unit)
    behaviours = _behaviours(kinds["behaviour"], unit, metrics, classes,
                             allocators)
    return Model(stem + "_", classes, allocators, metrics, behaviours)


def _kernel(unit, stem, kinds):
    first = kinds["kmalloc"][0]
    for kind in _USER_ONLY:
        if kinds[kind]:
            raise error(kinds[kind][0].loc, "a file describes allocators "
                        "or kmalloc types, not both: %s '%s' with kmalloc "
                        "types" % (kind, kinds[kind][0].name),
                        (first.loc, "the first kmalloc type is here"))
    classes = _classes(kinds["class"], unit)
    out, symbols = [], {}
    for i, b in enumerate(kinds["kmalloc"]):
        symbol = b.attrs.get("type") or "M_" + b.name.upper()
        if symbol in symbols:
            prev, loc = symbols[symbol]
            raise error(b.attr_locs.get("type", b.loc), "kmalloc type "
                        "'%s' counts %s, as '%s' does" %
                        (b.name, symbol, prev), (loc, "'%s' is here" % prev))
        symbols[symbol] = (b.name, b.attr_locs.get("type", b.loc))
        sample = b.attrs.get("sample", 64)
        if sample < 0 or sample & (sample - 1):
            raise error(b.attr_locs["sample"], "'sample:' of kmalloc type "
                        "'%s' must be a power of two, or 0 for none" %
                        b.name)
        out.append(KmallocType(b.name, i, symbol, b.attrs.get("header", ""),
                               sample, b.attrs.get("doc", "")))
    return KernelModel(stem + "_", classes, tuple(out))


def _file_loc(unit):
    return file_loc(unit.src.path)


def _need(unit, bounds, what):
    if not bounds:
        raise error(_file_loc(unit), "no %s is declared" % what)


def _classes(bounds, unit):
    _need(unit, bounds, "size class")
    out, prev = [], None
    for i, b in enumerate(bounds):
        size = b.value
        if not isinstance(size, int) or size <= 0 or size % GRANULE:
            raise error(b.value_loc, "size class '%s' must be a positive "
                        "multiple of %d bytes" % (b.name, GRANULE))
        if prev is not None and size <= prev.size:
            raise error(b.value_loc, "size class '%s' (%d bytes) is not "
                        "larger than '%s' (%d bytes)" %
                        (b.name, size, prev.name, prev.size))
        prev = SizeClass(b.name, i, size, b.attrs.get("doc", ""))
        out.append(prev)
    return tuple(out)


def _flags(body, unit, what, name):
    out, locs = [], {}
    for stmt in body or ():
        f = bind(stmt, _FLAG, unit.consts)
        if f.name not in FLAGS:
            raise error(f.loc, "unknown flag '%s'%s" %
                        (f.name, suggest(f.name, FLAGS) or
                         "; expected one of %s" %
                         ", ".join("'%s'" % k for k in FLAGS)))
        if f.name in locs:
            raise error(f.loc, "flag '%s' given twice in %s '%s'" %
                        (f.name, what, name),
                        (locs[f.name], "first given here"))
        locs[f.name] = f.loc
        out.append(f.name)
    return out


def _allocators(bounds, unit):
    _need(unit, bounds, "allocator")
    out = []
    for i, b in enumerate(bounds):
        if "entry" not in b.attrs or not b.attrs["entry"]:
            raise error(b.loc, "allocator '%s' needs 'entry:', the prefix "
                        "of its entry points" % b.name)
        lo = b.attrs.get("min", 1)
        hi = b.attrs.get("max", 0)
        align = b.attrs.get("align", GRANULE)
        if lo < 1:
            raise error(b.attr_locs["min"], "'min:' of allocator '%s' "
                        "must be at least 1" % b.name)
        if "max" in b.attrs and hi < lo:
            raise error(b.attr_locs["max"], "'max:' of allocator '%s' is "
                        "below its 'min:' (%d)" % (b.name, lo))
        if align < 1 or align & (align - 1):
            raise error(b.attr_locs["align"], "'align:' of allocator '%s' "
                        "must be a power of two" % b.name)
        flags = _flags(b.body, unit, "allocator", b.name)
        out.append(Allocator(b.name, i, b.attrs["entry"], lo, hi, align,
                             tuple(f for f in FLAGS if f in flags),
                             b.attrs.get("doc", "")))
    return tuple(out)


def _behaviours(bounds, unit, metrics, classes, allocators):
    _need(unit, bounds, "behaviour")
    known = {m.name: m for m in metrics}

    def metric(n):
        if n.name not in known:
            raise error(n.loc, "unknown metric '%s'%s" %
                        (n.name, suggest(n.name, known)))
        return known[n.name]

    def c_name(n):
        return "m->%s" % metric(n).name

    out = []
    for i, b in enumerate(bounds):
        last = i == len(bounds) - 1
        if "when" in b.attrs and last:
            raise error(b.attr_locs["when"], "the last behaviour is the "
                        "default and takes no 'when:'")
        if "when" not in b.attrs and not last:
            raise error(b.loc, "behaviour '%s' needs 'when:'; only the "
                        "last behaviour is the default" % b.name)
        when, rule, uses = "", "", set()
        if "when" in b.attrs:
            try:
                when = cexpr.to_c(b.attrs["when"], c_name)
            except TypeError:
                raise error(b.attr_locs["when"], "'when:' of behaviour "
                            "'%s' must be a condition over metrics, not a "
                            "string" % b.name)
            rule = cexpr.to_c(b.attrs["when"],
                              lambda n: uses.add(metric(n).index) or n.name)
        wants = tuple(_flags(b.body, unit, "behaviour", b.name))
        choices = []
        lo = 0
        for c in classes:
            choices.append(_choose(b, allocators, wants, c.size, lo,
                                   "size class '%s' (%d to %d bytes)" %
                                   (c.name, lo + 1, c.size)))
            lo = c.size
        choices.append(_choose(b, allocators, wants, 0, lo,
                               "sizes above %d bytes" % lo))
        out.append(Behaviour(b.name, i, when, rule, tuple(sorted(uses)),
                             wants, b.attrs.get("doc", ""), tuple(choices)))
    return tuple(out)


def _choose(b, allocators, wants, size, lo, what):
    """The allocator for requests of (lo, size] (size 0: no bound): of
    those that cover it, the one with the wanted flags first in order of
    importance, then the one declared first."""
    fits = [a for a in allocators
            if a.min_size <= lo + 1 and
            (a.max_size == 0 or (size != 0 and size <= a.max_size))]
    if not fits:
        raise error(b.loc, "behaviour '%s' has no allocator for %s" %
                    (b.name, what))

    def score(a):
        return tuple(0 if f in a.flags else 1 for f in wants) + (a.index,)
    best = min(fits, key=score)
    return Choice(best, tuple(f for f in wants if f in best.flags))
