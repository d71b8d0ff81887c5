"""Building the sched model from bound statements, with its checks."""

from dfgen_core import expr
from dfgen_core.bind import OPTIONAL, REQUIRED, Form, bind, dispatch, symbol
from dfgen_core.diag import error
from dfgen_core.names import is_c_identifier, suggest
from dfgen_core.source import file_loc

from .sched_model import (AFFINITY, MAX_QUEUES, PARAM_MAX, PARAM_MIN,
                          PREEMPT, RULES, STEAL_MAX, Model, Param, Policy)

FORMS = {
    "policy": Form("policy", "policy", body=OPTIONAL,
                   attrs={"rule": symbol(*RULES), "queues": expr.integer,
                          "quantum": expr.integer,
                          "preempt": symbol(*PREEMPT),
                          "affinity": symbol(*AFFINITY),
                          "steal": expr.integer, "doc": expr.string}),
}
_PARAM = Form(None, "parameter", value=REQUIRED, attrs={"doc": expr.string})


def build(unit, stem):
    if not is_c_identifier(stem):
        raise error(file_loc(unit.src.path), "'%s' cannot be a C prefix: "
                    "name the file after one" % stem)
    names = {c.name: c.loc for c in unit.consts.values()}
    macros, policies = {}, []
    for stmt in unit.stmts:
        b = bind(stmt, dispatch(stmt, FORMS), unit.consts)
        if b.name in names:
            raise error(b.loc, "'%s' is already defined" % b.name,
                        (names[b.name], "previous definition is here"))
        names[b.name] = b.loc
        # Each policy has a macro named after it in upper case.
        upper = b.name.upper()
        if upper in macros:
            other, loc = macros[upper]
            raise error(b.loc, "policies '%s' and '%s' would both be "
                        "numbered by %sPOLICY_%s" % (other, b.name,
                                                     stem.upper() + "_",
                                                     upper),
                        (loc, "'%s' is here" % other))
        macros[upper] = (b.name, b.loc)
        policies.append(_policy(b, len(policies), unit.consts))
    if not policies:
        raise error(file_loc(unit.src.path), "no policy is declared")
    return Model(stem + "_", tuple(policies))


def _policy(b, index, scope):
    for a in ("rule", "quantum"):
        if a not in b.attrs:
            raise error(b.loc, "policy '%s' needs '%s:'" % (b.name, a))
    rule = b.attrs["rule"]
    _, modes, wanted = RULES[rule]
    queues = b.attrs.get("queues", 1)
    if not 1 <= queues <= MAX_QUEUES:
        raise error(b.attr_locs["queues"], "policy '%s' has %d run queues; "
                    "1 to %d are possible" % (b.name, queues, MAX_QUEUES))
    if rule != "decay" and queues != 1:
        raise error(b.attr_locs["queues"], "rule '%s' uses one run queue"
                    % rule)
    quantum = b.attrs["quantum"]
    if not 1 <= quantum <= 1000:
        raise error(b.attr_locs["quantum"], "quantum of policy '%s' must be "
                    "1 to 1000 ticks" % b.name)
    preempt = b.attrs.get("preempt", "never")
    if preempt not in modes:
        raise error(b.attr_locs["preempt"], "rule '%s' cannot preempt on "
                    "'%s'; it supports %s" % (rule, preempt, ", ".join(
                        "'%s'" % m for m in modes)))
    steal = b.attrs.get("steal", 2)
    if steal != 0 and not 2 <= steal <= STEAL_MAX:
        raise error(b.attr_locs["steal"], "steal of policy '%s' must be 0 "
                    "(never) or 2 to %d threads: at 1 a thread would move "
                    "back and forth" % (b.name, STEAL_MAX))
    return Policy(b.name, index, rule, queues, quantum, preempt,
                  b.attrs.get("affinity", "spread"), steal,
                  b.attrs.get("doc", ""), _params(b, rule, wanted, scope))


def _params(b, rule, wanted, scope):
    given, locs = {}, {}
    for stmt in b.body or ():
        p = bind(stmt, _PARAM, scope)
        if not wanted:
            raise error(p.loc, "rule '%s' takes no parameters" % rule)
        if p.name not in wanted:
            raise error(p.loc, "rule '%s' has no parameter '%s'%s" %
                        (rule, p.name, suggest(p.name, wanted)))
        if p.name in given:
            raise error(p.loc, "parameter '%s' given twice" % p.name,
                        (locs[p.name], "first given here"))
        if not isinstance(p.value, int):
            raise error(p.value_loc, "parameter '%s' needs an integer value"
                        % p.name)
        if not PARAM_MIN <= p.value <= PARAM_MAX:
            raise error(p.value_loc, "parameter '%s' = %d is outside %d..%d"
                        % (p.name, p.value, PARAM_MIN, PARAM_MAX))
        given[p.name] = Param(p.name, p.value, p.attrs.get("doc", ""))
        locs[p.name] = p.loc
    missing = [w for w in wanted if w not in given]
    if missing:
        raise error(b.loc, "policy '%s' lacks parameter%s %s" %
                    (b.name, "s" if len(missing) > 1 else "",
                     ", ".join("'%s'" % m for m in missing)))
    if rule == "decay":
        _check_decay(b, given, locs)
    if rule == "deadline":
        _check_deadline(given, locs)
    return tuple(given[w] for w in wanted)


# Bounds that keep the runtime's 64-bit virtual time arithmetic exact.
_DEADLINE_BOUNDS = {"base_slice": (1, 1000), "nice0_weight": (10, 1 << 20),
                    "lag_limit": (0, 1000)}


def _check_deadline(given, locs):
    for name, (lo, hi) in _DEADLINE_BOUNDS.items():
        if not lo <= given[name].value <= hi:
            raise error(locs[name], "parameter '%s' must be %d to %d" %
                        (name, lo, hi))


def _check_decay(b, given, locs):
    for name in ("estcpu_per_queue", "decay_period", "decay_den"):
        if given[name].value == 0:
            raise error(locs[name], "parameter '%s' cannot be 0" % name)
    if given["decay_num"].value >= given["decay_den"].value:
        raise error(locs["decay_num"], "decay_num must be less than "
                    "decay_den, or priority never decays")
