"""Building the ctxsw model from a loaded definition file: every
statement bound to its Form, every name resolved, every rule checked at
the word that breaks it."""

from dfgen_core import expr
from dfgen_core.bind import OPTIONAL, Form, bind, c_identifier, dispatch, \
    symbol
from dfgen_core.diag import error
from dfgen_core.names import suggest
from dfgen_core.source import Loc

from .ctxsw_model import CLOCKS, FIXED_PMC, FLAGS, MAX_BUCKETS, \
    MAX_COUNTERS, MAX_FIXED_PMC, MAX_GENERAL_PMC, Counter, Histogram, \
    Model, Probe, ProbeSet, layout

MAX_RECORDS = 1 << 20


def _word(e, scope):
    """An attribute converter keeping a bare name as written (a probe
    named before it is declared)."""
    name = getattr(e, "name", None)
    if name is None:
        raise error(expr.expr_loc(e), "expected the name of a probe")
    return name


FORMS = {
    "probes": Form("probes", "probe set", attrs={
        "prefix": c_identifier, "records": expr.integer,
        "option": c_identifier, "doc": expr.string}),
    "counter": Form("counter", "counter", attrs={
        "pmc": expr.integer, "event": expr.integer, "umask": expr.integer,
        "doc": expr.string}),
    "probe": Form("probe", "probe", body=OPTIONAL, attrs={
        "function": c_identifier, "label": c_identifier,
        "clock": symbol(*CLOCKS), "flags": symbol(*FLAGS),
        "doc": expr.string}),
    "histogram": Form("histogram", "histogram", attrs={
        "from": _word, "to": _word, "buckets": expr.integer,
        "doc": expr.string}),
}
_ITEM = Form(None, "recorded value")


def build_model(unit):
    bound = {"probes": [], "counter": [], "probe": [], "histogram": []}
    names = {}
    for stmt in unit.stmts:
        b = bind(stmt, dispatch(stmt, FORMS), unit.consts)
        kind = stmt.words[0].value
        if kind != "probes":
            if b.name in names:
                raise error(b.loc, "'%s' is already declared" % b.name,
                            (names[b.name], "previous declaration is here"))
            names[b.name] = b.loc
        bound[kind].append(b)

    pset = _probe_set(bound["probes"], unit.src)
    counters = _counters(bound["counter"])
    if not bound["probe"]:
        raise error(bound["probes"][0].loc, "probe set '%s' declares no "
                    "probe" % pset.name)
    hists = _histograms(bound["histogram"], bound["probe"])
    probes = tuple(_probe(i, b, counters, hists)
                   for i, b in enumerate(bound["probe"]))
    buckets = max([h.buckets for h in hists] or [0])
    return Model(pset, counters, probes, hists, buckets,
                 layout(len(probes), len(counters), len(hists), buckets))


def _probe_set(found, src):
    if not found:
        raise error(Loc(src, 1, 1), "no 'probes' statement: a definition "
                    "file declares one probe set ('probes NAME;')")
    if len(found) > 1:
        raise error(found[1].loc, "a second probe set '%s'; a definition "
                    "file declares one" % found[1].name,
                    (found[0].loc, "the first is here"))
    b = found[0]
    records = b.attrs.get("records", 4096)
    if not 1 <= records <= MAX_RECORDS or records & (records - 1):
        raise error(b.attr_locs["records"], "records per CPU must be a "
                    "power of two from 1 to %d, not %d" %
                    (MAX_RECORDS, records))
    prefix = b.attrs.get("prefix", b.name + "_")
    option = b.attrs.get("option", (prefix.upper() + "RECORDS"))
    return ProbeSet(b.name, prefix, records, option, b.attrs.get("doc", ""))


def _counters(found):
    if len(found) > MAX_COUNTERS:
        raise error(found[MAX_COUNTERS].loc, "more than %d counters: a "
                    "record has room for %d" % (MAX_COUNTERS, MAX_COUNTERS))
    out, pmcs = [], {}
    for i, b in enumerate(found):
        if "pmc" not in b.attrs:
            raise error(b.loc, "counter '%s' needs 'pmc:' (the counter "
                        "rdpmc reads)" % b.name)
        pmc, at = b.attrs["pmc"], b.attr_locs["pmc"]
        if pmc in pmcs:
            raise error(at, "pmc %#x is already read by counter '%s'" %
                        (pmc, pmcs[pmc]))
        pmcs[pmc] = b.name
        fixed = FIXED_PMC <= pmc < FIXED_PMC + MAX_FIXED_PMC
        if not fixed and not 0 <= pmc < MAX_GENERAL_PMC:
            raise error(at, "pmc %#x is neither a general-purpose counter "
                        "(0 to %d) nor a fixed one (%#x to %#x)" %
                        (pmc, MAX_GENERAL_PMC - 1, FIXED_PMC,
                         FIXED_PMC + MAX_FIXED_PMC - 1))
        event = b.attrs.get("event", -1)
        umask = b.attrs.get("umask", 0)
        if fixed:
            for attr in ("event", "umask"):
                if attr in b.attrs:
                    raise error(b.attr_locs[attr], "counter '%s' is fixed "
                                "counter %d, which counts one event and "
                                "takes no '%s:'" % (b.name, pmc - FIXED_PMC,
                                                    attr))
        else:
            if event == -1:
                raise error(b.loc, "counter '%s' is a general-purpose "
                            "counter and needs 'event:' (and 'umask:')" %
                            b.name)
            for attr, value in (("event", event), ("umask", umask)):
                if not 0 <= value <= 0xff:
                    raise error(b.attr_locs[attr], "'%s:' is one byte, "
                                "not %#x" % (attr, value))
        out.append(Counter(b.name, i, pmc, event, umask,
                           b.attrs.get("doc", "")))
    return tuple(out)


def _histograms(found, probes):
    by_name = {b.name: b for b in probes}
    out = []
    for i, b in enumerate(found):
        ends = []
        for attr in ("from", "to"):
            if attr not in b.attrs:
                raise error(b.loc, "histogram '%s' needs '%s:' (a probe)" %
                            (b.name, attr))
            name = b.attrs[attr]
            if name not in by_name:
                raise error(b.attr_locs[attr], "unknown probe '%s'%s" %
                            (name, suggest(name, by_name)))
            ends.append(name)
        start, end = ends
        if start == end:
            raise error(b.attr_locs["to"], "histogram '%s' starts and ends "
                        "at probe '%s'" % (b.name, end))
        if "label" in by_name[end].attrs:
            raise error(b.attr_locs["to"], "histogram '%s' ends at "
                        "assembly probe '%s'; histograms are kept by C "
                        "probes" % (b.name, end),
                        (by_name[end].loc, "'%s' is here" % end))
        buckets = b.attrs.get("buckets", 32)
        if not 1 <= buckets <= MAX_BUCKETS:
            raise error(b.attr_locs["buckets"], "a histogram has 1 to %d "
                        "buckets (powers of two of cycles), not %d" %
                        (MAX_BUCKETS, buckets))
        out.append(Histogram(b.name, i, start, end, buckets,
                             b.attrs.get("doc", "")))
    return tuple(out)


def _probe(index, b, counters, hists):
    function, label = b.attrs.get("function"), b.attrs.get("label")
    if (function is None) == (label is None):
        raise error(b.loc, "probe '%s' needs one of 'function:' (a C "
                    "probe) or 'label:' (an assembly probe)" % b.name)
    kind = "c" if function else "asm"
    if kind == "c" and "flags" in b.attrs:
        raise error(b.attr_locs["flags"], "'flags:' is for assembly "
                    "probes; a C probe leaves the flags to the compiler")
    by_name = {c.name: c for c in counters}
    seen, thread, peer, used = {}, False, False, []
    for stmt in b.body or ():
        item = bind(stmt, _ITEM, {})
        if item.name in seen:
            raise error(item.loc, "probe '%s' records '%s' twice" %
                        (b.name, item.name),
                        (seen[item.name], "first here"))
        seen[item.name] = item.loc
        if item.name == "thread":
            thread = True
        elif item.name == "peer":
            if kind == "asm":
                raise error(item.loc, "assembly probe '%s' cannot record "
                            "'peer'; it knows only the current thread" %
                            b.name)
            peer = True
        elif item.name in by_name:
            used.append(by_name[item.name])
        else:
            known = ["thread", "peer"] + list(by_name)
            raise error(item.loc, "unknown value '%s' to record; expected "
                        "'thread', 'peer' or a counter%s" %
                        (item.name, suggest(item.name, known)))
    used.sort(key=lambda c: c.index)
    ends = tuple(h for h in hists if h.end == b.name)
    return Probe(b.name, index, kind, function or label,
                 b.attrs.get("clock", "rdtsc"),
                 b.attrs.get("flags", "clobber"), thread, peer,
                 tuple(used), ends, b.attrs.get("doc", ""))
