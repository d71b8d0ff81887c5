"""dfgen xio survey: where the kernel moves bulk data, ranked.

    dfgen xio survey SRCTOP [--objdir DIR] [--subsys DIR]... [-j N]
                     [--cc CLANG] [--cflag FLAG]... [--top N] [-o DIR]

Every C file under SRCTOP/sys/<subsys> (default: those of kern, vfs,
vm and dev/disk the tree has) that names a copy function is parsed by
clang as the kernel build would compile it: -nostdinc, -D_KERNEL, the tree's sys/ on the include path,
and with --objdir (a kernel build or `bmake kernel-check` object
directory: opt_*.h, the kobj headers, the machine links) what
kern.pre.mk adds, -I DIR -I DIR/include -DHAVE_KERNEL_OPTION_HEADERS
-include opt_global.h.  xio_survey_ast reads each AST, xio_survey_rank
ranks the sites, and DIR (-o) gets survey.md (a table for a person,
with the reasoning of the first entries) and survey.json (for tools).
A file that never names a copy function (TARGET_WORDS) is not parsed;
a file clang reports an error in is listed with that error, and the
sites clang's AST still shows before it are kept.
"""

import json
import os
from concurrent.futures import ProcessPoolExecutor

from dfgen_core.diag import UsageError
from dfgen_core.output import commit

from . import xio_survey_ast as ast
from .xio_survey_rank import rank

DEFAULT_SUBSYS = ("kern", "vfs", "vm", "dev/disk")


def add_arguments(parser):
    g = parser.add_argument_group(
        "survey", "dfgen xio survey SRCTOP [-o DIR]: rank the tree's "
        "copy sites (survey.md, survey.json in DIR)")
    g.add_argument("--objdir", metavar="DIR", help="a kernel object "
                   "directory: its opt_*.h and generated headers")
    g.add_argument("--subsys", action="append", default=[], metavar="DIR",
                   help="a directory under sys/ to survey (repeat; "
                   "default: %s)" % " ".join(DEFAULT_SUBSYS))
    g.add_argument("-j", dest="jobs", type=int, default=2, metavar="N",
                   help="clang processes at once (default 2)")
    g.add_argument("--cc", default="clang", help="the clang to run")
    g.add_argument("--cflag", action="append", default=[], metavar="FLAG",
                   help="one more flag for clang (repeat)")
    g.add_argument("--top", type=int, default=10, metavar="N",
                   help="entries whose reasoning survey.md spells out")


def generating(args):
    """Generating wrappers: refuse the survey's options."""
    for given, option in ((args.objdir, "--objdir"),
                          (args.subsys, "--subsys"),
                          (args.cflag, "--cflag")):
        if given:
            raise UsageError("dfgen xio: %s applies to 'survey'" % option)


def run(args):
    if len(args.inputs) != 2:
        raise UsageError("dfgen xio survey: expected one SRCTOP")
    if args.list_outputs or args.record:
        raise UsageError("dfgen xio survey: --list-outputs and --record "
                         "apply to generating, not to the survey")
    if args.jobs < 1:
        raise UsageError("dfgen xio survey: -j needs at least 1")
    top = args.inputs[1]
    sysdir = os.path.join(top, "sys")
    if not os.path.isdir(sysdir):
        raise UsageError("dfgen xio survey: %s has no sys/ directory" % top)
    subsys = args.subsys or [d for d in DEFAULT_SUBSYS
                             if os.path.isdir(os.path.join(sysdir, d))]
    files, missing = _sources(top, subsys)
    if missing:
        raise UsageError("dfgen xio survey: no directory sys/%s in %s" %
                         (missing[0], top))
    flags = _flags(sysdir, args)
    jobs = [(os.path.join(top, rel), rel, flags, args.cc)
            for rel in files if _names_a_target(os.path.join(top, rel))]
    if args.jobs == 1:
        facts = [_parse(j) for j in jobs]
    else:
        with ProcessPoolExecutor(max_workers=args.jobs) as pool:
            facts = list(pool.map(_parse, jobs))
    ranked = rank(facts)
    model = _model(subsys, files, facts, ranked, args.top)
    from dfgen_core.render import Renderer
    md = Renderer("dfgen xio").env.get_template(
        "xio/survey.md.j2").render(m=model)
    text = json.dumps(model, indent=1, sort_keys=True) + "\n"
    os.makedirs(args.output_dir, exist_ok=True)
    written = commit([(os.path.join(args.output_dir, "survey.md"), md),
                      (os.path.join(args.output_dir, "survey.json"), text)])
    if args.verbose:
        for out in written:
            print("GEN %s" % out)
        print("dfgen xio survey: %d sites in %d of %d files (%d with "
              "errors)" % (len(ranked), len(jobs), len(files),
                           len(model["unparsed"])))
    return 0


def _sources(top, subsys):
    files, missing = [], []
    for s in subsys:
        root = os.path.join(top, "sys", s)
        if not os.path.isdir(root):
            missing.append(s)
            continue
        for d, dirs, names in os.walk(root):
            dirs.sort()
            for n in sorted(names):
                if n.endswith(".c"):
                    files.append(os.path.relpath(os.path.join(d, n), top))
    return sorted(set(files)), missing


def _flags(sysdir, args):
    flags = ["--target=x86_64-unknown-dragonfly", "-nostdinc", "-D_KERNEL",
             "-D__DragonFly__"]
    if args.objdir:
        obj = os.path.abspath(args.objdir)
        if not os.path.isfile(os.path.join(obj, "opt_global.h")):
            raise UsageError("dfgen xio survey: --objdir %s has no "
                             "opt_global.h" % args.objdir)
        flags += ["-I" + obj, "-I" + os.path.join(obj, "include")]
    flags.append("-I" + os.path.abspath(sysdir))
    if args.objdir:
        flags += ["-DHAVE_KERNEL_OPTION_HEADERS", "-include", "opt_global.h"]
    return flags + list(args.cflag)


def _names_a_target(path):
    with open(path, "rb") as f:
        text = f.read()
    return any(w.encode() in text for w in ast.TARGET_WORDS)


def _parse(job):
    path, rel, flags, cc = job
    return ast.parse(os.path.abspath(path), rel, flags, cc)


def _model(subsys, files, facts, ranked, top):
    rows = []
    for i, r in enumerate(ranked, 1):
        s = r.site
        rows.append({"rank": i, "file": s.file, "line": s.line,
                     "function": s.function, "subsystem": r.subsystem,
                     "call": s.callee, "kind": s.kind, "size": s.size,
                     "variable": s.variable, "syscalls": list(r.syscalls),
                     "score": r.score, "benefit": r.benefit,
                     "pattern": r.pattern, "reason": r.reason})
    kinds = {}
    for r in ranked:
        kinds[r.site.kind] = kinds.get(r.site.kind, 0) + 1
    return {"subsystems": list(subsys), "files": len(files),
            "parsed": sum(1 for f in facts if not f.error),
            "unparsed": [{"file": f.path, "error": f.error}
                         for f in facts if f.error],
            "kinds": kinds, "sites": rows, "top": top,
            "constant_copies": sum(1 for f in facts for s in f.sites
                                   if s.kind in ("copyin", "copyout") and
                                   not s.variable)}
