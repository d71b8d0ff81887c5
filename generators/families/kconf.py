"""dfgen kconf: a kernel config file to opt_*.h and the families it turns on.

    dfgen kconf [--sys SYSDIR] [-o DIR] CONFIG

reads CONFIG as config(8) does (see dfgen_core/kernconf.py), checks every
option against the options files, and writes into DIR:

- the opt_*.h headers, byte for byte what config(8) writes into a fresh
  build directory (no banner: they must be identical), each only when its
  content changes;
- dfgen-kconf.mk, the make fragment that tells mk/dfgen.mk which codegen
  options are on and the value of each family parameter.

With --files (and --sys) it also selects the files the config pulls in
from the files lists, as config(8) does, writes config(8)'s use_*.h
headers and adds the lists of config(8)'s Makefile to the fragment, for
mk/kernel-check.mk (see kconf_files.py).

In a kernel build config(8) has already written the headers, and
--no-opt-headers leaves them to it.

The options files are, with --sys: SYSDIR/conf/options, then the
platform's SYSDIR/platform/<platform>/conf/options (or
SYSDIR/conf/options.<machine_arch> where there is no platform file), then
options.<IDENT> beside CONFIG; and always dfgen's kconf/options.codegen,
unless the tree already declares the same options (the overlay merged
them).  Without --sys only options.codegen is read, and cpu lines and
maxusers, which config(8) turns into options of the tree, are not.

kconf/codegen.def says what the codegen options need of each other and
which parameters they take:

    option SCHED_TABLES {
        requires ASYNC_SYSCALLS;
        param SCHED_TABLES_MAX_POLICIES default: 8, min: 1, max: 64;
    }
"""

import os
from dataclasses import dataclass

from dfgen_core import expr
from dfgen_core.bind import OPTIONAL, Form, bind, dispatch, symbol
from dfgen_core.command import Command
from dfgen_core.confopts import (check_unique, opt_headers, option_values,
                                 read_options_file)
from dfgen_core.diag import UsageError, error, warning
from dfgen_core.family import common_arguments, report
from dfgen_core.kernconf import Setting, read_kernel_config
from dfgen_core.loader import load
from dfgen_core.names import suggest
from dfgen_core.output import commit
from dfgen_core.paths import TOP_DIR
from dfgen_core.source import file_loc

FRAGMENT = "dfgen-kconf.mk"

_RELATION = {
    "requires": Form("requires", "requirement", attrs={"doc": expr.string}),
    "conflicts": Form("conflicts", "conflict", attrs={"doc": expr.string}),
    "param": Form("param", "parameter", attrs={
        "default": expr.integer, "min": expr.integer, "max": expr.integer,
        "power_of_two": symbol("yes", "no"), "doc": expr.string}),
}
_OPTION = Form("option", "codegen option", body=OPTIONAL,
               attrs={"doc": expr.string})


@dataclass(frozen=True)
class Param:
    name: str
    default: int
    low: int
    high: int
    power_of_two: bool
    loc: object


@dataclass(frozen=True)
class CodegenOption:
    name: str
    requires: tuple     # ((name, Loc), ...)
    conflicts: tuple
    params: tuple       # Param
    loc: object


class Kconf(Command):
    name = "kconf"
    summary = "kernel config file to opt_*.h and the families it enables"

    def add_arguments(self, parser):
        common_arguments(parser, inputs_help="the kernel config file")
        parser.add_argument("--sys", metavar="SYSDIR",
                            help="the kernel source tree's sys/ directory, "
                            "for its options files")
        parser.add_argument("--no-opt-headers", action="store_true",
                            help="write only the make fragment (config(8) "
                            "has written the headers)")
        parser.add_argument("--files", action="store_true",
                            help="also select the files the config pulls "
                            "in (needs --sys): use_*.h and the file lists")
        parser.add_argument("--codegen", metavar="DIR",
                            default=os.path.join(TOP_DIR, "kconf"),
                            help="where options.codegen and codegen.def "
                            "are (default: dfgen's kconf/)")

    def run(self, args):
        if len(args.inputs) != 1:
            raise UsageError("dfgen kconf: give exactly one config file")
        if args.files and not args.sys:
            raise UsageError("dfgen kconf: --files needs --sys")
        config = read_kernel_config(args.inputs[0])
        for what in ("platform", "machine", "machine_arch", "ident"):
            if getattr(config, what) is None:
                raise error(file_loc(config.path), "no '%s' line" % what)

        declarations, read = self.declarations(config, args)
        relations = os.path.join(args.codegen, "codegen.def")
        codegen = _codegen_options(relations, declarations)
        headers = [] if args.no_opt_headers else \
            sorted({d.header for d in declarations})
        outputs = [os.path.join(args.output_dir, h) for h in headers]
        fragment = os.path.join(args.output_dir, FRAGMENT)
        settings = list(config.options)
        if args.sys:
            settings = _fake_options(config) + settings
        kernel = None
        if args.files:
            from .kconf_files import select
            kernel, uses, lists = select(config, settings, args.sys,
                                         args.codegen)
            read += lists
            headers += sorted(uses)
            outputs += [os.path.join(args.output_dir, h)
                        for h in sorted(uses)]
        if args.list_outputs:
            for out in outputs + [fragment]:
                print(out)
            return 0

        values = _check_settings(settings, declarations, codegen)
        texts = opt_headers(declarations, values)
        if kernel is not None:
            texts.update(uses)

        from dfgen_core.render import Renderer
        renderer = Renderer("dfgen kconf")
        enabled = [o for o in codegen if o.name in values]
        params = [(p.name, values.get(p.name, str(p.default)))
                  for o in enabled for p in o.params]
        rendered = [(out, texts[h]) for out, h in zip(outputs, headers)]
        rendered.append((fragment, renderer.render(
            "kconf/dfgen-kconf.mk.j2", config.path, enabled=enabled,
            params=params, kernel=kernel)))
        os.makedirs(args.output_dir, exist_ok=True)
        report(args, commit(rendered), [o for o, _ in rendered],
               config.files + read + [relations] + renderer.templates_used)
        return 0

    def declarations(self, config, args):
        """Every option declaration in reading order, and the files read."""
        paths = []
        if args.sys:
            paths.append(os.path.join(args.sys, "conf", "options"))
            platform = os.path.join(args.sys, "platform", config.platform[0],
                                    "conf", "options")
            by_arch = os.path.join(args.sys, "conf", "options.%s" %
                                   config.machine_arch[0])
            paths.append(platform if os.path.exists(platform) else by_arch)
            local = os.path.join(os.path.dirname(config.path),
                                 "options.%s" % config.ident_name)
            paths.append(local)
        declarations, read = [], []
        for path in paths:
            if os.path.exists(path) or path == paths[0]:
                declarations += read_options_file(path)
                read.append(path)
        codegen = os.path.join(args.codegen, "options.codegen")
        tree = {(d.name, d.header) for d in declarations}
        extra = [d for d in read_options_file(codegen)
                 if (d.name, d.header) not in tree]
        check_unique(declarations + extra)
        return declarations + extra, read + [codegen]


def _fake_options(config):
    """What config(8) adds before the config's own options: each cpu as
    a valueless option, and MAXUSERS."""
    fakes = [Setting(name, None, loc) for name, loc in config.cpus]
    fakes.append(Setting("MAXUSERS", str(config.maxusers),
                         file_loc(config.path)))
    return fakes


def _codegen_options(path, declarations):
    unit = load(path)
    declared = {d.name: d for d in declarations}
    options, seen = [], {}
    for stmt in unit.stmts:
        b = bind(stmt, dispatch(stmt, {"option": _OPTION}), unit.consts)
        _must_be_declared(b.name, b.loc, declared, seen)
        requires, conflicts, params = [], [], []
        for inner in b.body or ():
            r = bind(inner, dispatch(inner, _RELATION), unit.consts)
            kind = inner.head.value
            if kind == "param":
                _must_be_declared(r.name, r.loc, declared, seen)
                params.append(_param(r))
            else:
                (requires if kind == "requires" else conflicts).append(
                    (r.name, r.loc))
        options.append(CodegenOption(b.name, tuple(requires),
                                     tuple(conflicts), tuple(params), b.loc))
    names = {o.name for o in options}
    for o in options:
        for other, loc in o.requires + o.conflicts:
            if other not in names:
                raise error(loc, "'%s' is not a codegen option%s" %
                            (other, suggest(other, names)))
    return options


def _must_be_declared(name, loc, declared, seen):
    if name not in declared:
        raise error(loc, "'%s' is not declared in options.codegen%s" %
                    (name, suggest(name, declared)))
    if name in seen:
        raise error(loc, "'%s' is described twice" % name,
                    (seen[name], "first described here"))
    seen[name] = loc


def _param(b):
    for need in ("default", "min", "max"):
        if need not in b.attrs:
            raise error(b.loc, "parameter '%s' needs '%s:'" % (b.name, need))
    p = Param(b.name, b.attrs["default"], b.attrs["min"], b.attrs["max"],
              b.attrs.get("power_of_two") == "yes", b.loc)
    problem = _param_problem(p, p.default)
    if problem:
        raise error(b.attr_locs["default"], "default of '%s' %s" %
                    (p.name, problem))
    return p


def _param_problem(p, value):
    if not p.low <= value <= p.high:
        return "%d is outside %d..%d" % (value, p.low, p.high)
    if p.power_of_two and value & (value - 1):
        return "%d is not a power of two" % value
    return None


def _check_settings(settings, declarations, codegen):
    """name -> value of every option set; errors at the config line."""
    declared = {d.name for d in declarations}
    for s in settings:
        if s.name not in declared:
            raise error(s.loc, "unknown option '%s'%s" %
                        (s.name, suggest(s.name, declared)))
    values, overridden = option_values(settings)
    for later, first in overridden:
        warning(later.loc, "option '%s' is set again; the first setting "
                "('%s') wins" % (later.name, values[later.name]),
                (first.loc, "first set here"))
    where = {}
    for s in settings:
        where.setdefault(s.name, s)
    switches = {o.name: o for o in codegen}
    params = {p.name: (o, p) for o in codegen for p in o.params}
    for name, s in where.items():
        if name in switches and s.value is not None:
            raise error(s.loc, "'%s' switches a family on and takes no "
                        "value" % name)
        if name in params:
            _check_param(s, params[name], where)
    for o in codegen:
        if o.name not in where:
            continue
        for other, loc in o.requires:
            if other not in where:
                raise error(where[o.name].loc, "'%s' requires options %s" %
                            (o.name, other), (loc, "required here"))
        for other, loc in o.conflicts:
            if other in where:
                raise error(where[other].loc, "'%s' cannot be used with "
                            "'%s'" % (other, o.name),
                            (where[o.name].loc, "'%s' is set here" % o.name),
                            (loc, "the conflict is declared here"))
    return values


def _check_param(s, owner_param, where):
    owner, p = owner_param
    if owner.name not in where:
        raise error(s.loc, "'%s' is a parameter of '%s', which is not set" %
                    (s.name, owner.name))
    if s.value is None:
        raise error(s.loc, "'%s' needs a value: %s=%d" %
                    (s.name, s.name, p.default))
    try:
        value = int(s.value, 0)
    except ValueError:
        raise error(s.loc, "'%s' needs an integer, not '%s'" %
                    (s.name, s.value)) from None
    problem = _param_problem(p, value)
    if problem:
        raise error(s.loc, "'%s': %s" % (s.name, problem),
                    (p.loc, "declared here"))


COMMAND = Kconf()
