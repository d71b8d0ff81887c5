"""What a generator family is, and the one way every family runs.

A family declares:

    name        its subcommand ('consts')
    summary     one line for --help
    outputs()   the files it writes for a definition file, with the
                template of each; a function of the file's name and the
                options only, never of its content, so that mk can ask
                without parsing anything
    model()     the typed model of one loaded definition file

and run() does the rest the same way for all: load, build the model,
render every output, and only then write what changed, so that an error
in any input leaves every output untouched.
"""

import os
import sys

from .diag import UsageError
from .loader import load
from .output import commit, write_atomic
from .paths import GENERATORS_DIR


class GeneratorFamily:
    name = None
    summary = None

    def add_arguments(self, parser):
        """Family options, beyond the common ones."""

    def outputs(self, stem, args):
        """[(file name, template)] for a definition file named stem.def."""
        raise NotImplementedError

    def model(self, unit, args):
        raise NotImplementedError

    # -- the common run --------------------------------------------------

    def planned(self, args):
        """[(input, [(output path, template)])] for every input."""
        plan, owner = [], {}
        for path in args.inputs:
            files = []
            for filename, template in self.outputs(_stem(path), args):
                out = os.path.join(args.output_dir, filename)
                if out in owner:
                    raise UsageError("'%s' and '%s' would both write '%s'" %
                                     (owner[out], path, filename))
                owner[out] = path
                files.append((out, template))
            plan.append((path, files))
        return plan

    def run(self, args):
        plan = self.planned(args)
        if args.list_outputs:
            for _, files in plan:
                for out, _ in files:
                    print(out)
            return 0

        from .render import Renderer   # jinja2 only when rendering
        renderer = Renderer("dfgen " + self.name)
        rendered, inputs = [], []
        for path, files in plan:
            unit = load(path, args.include_dirs)
            inputs += unit.files
            model = self.model(unit, args)
            for out, template in files:
                rendered.append((out, renderer.render(
                    template, path, m=model, stem=_stem(path),
                    output=os.path.basename(out))))

        os.makedirs(args.output_dir, exist_ok=True)
        written = commit(rendered)
        if args.verbose:
            for out in written:
                print("GEN %s" % _display(out))
        if args.record:
            _write_record(args, [out for out, _ in rendered],
                          inputs + renderer.templates_used)
        return 0


def _stem(path):
    return os.path.splitext(os.path.basename(path))[0]


def _display(path):
    rel = os.path.relpath(path)
    return path if rel.startswith("..") else rel


def _write_record(args, outputs, inputs):
    """The record mk reads back: the command, the outputs and every file
    this run read (definitions, templates, generator modules)."""
    unit = os.path.basename(args.record)
    if unit.endswith(".mk"):
        unit = unit[:-3]
    modules = {os.path.abspath(m.__file__) for m in list(sys.modules.values())
               if getattr(m, "__file__", None) and
               os.path.abspath(m.__file__).startswith(GENERATORS_DIR + os.sep)}
    modules.add(os.path.join(GENERATORS_DIR, "dfgen"))
    deps = sorted({os.path.abspath(p) for p in inputs} | modules)
    lines = [
        "# Written by dfgen after a successful run; read by mk/dfgen.mk.",
        "_DFGEN_CMD.%s=\t%s" % (unit, _make_quote(" ".join(args.command))),
        "_DFGEN_OUT.%s=\t%s" % (unit, _make_quote(" ".join(
            os.path.abspath(o) for o in outputs))),
        "_DFGEN_DEP.%s=\t%s" % (unit, _make_quote(" ".join(deps))),
    ]
    os.makedirs(os.path.dirname(os.path.abspath(args.record)), exist_ok=True)
    write_atomic(args.record, ("\n".join(lines) + "\n").encode("utf-8"))


def _make_quote(text):
    return text.replace("$", "$$").replace("#", "\\#")
