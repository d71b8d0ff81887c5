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

from .command import Command
from .diag import UsageError
from .loader import load
from .output import commit, write_record


def common_arguments(p, inputs_help="definition files"):
    """The options every generating command takes."""
    p.add_argument("inputs", nargs="+", metavar="FILE", help=inputs_help)
    p.add_argument("-o", dest="output_dir", default=".", metavar="DIR",
                   help="directory to write into (default: .)")
    p.add_argument("-v", "--verbose", action="store_true",
                   help="print 'GEN path' for every file written")
    p.add_argument("--list-outputs", action="store_true",
                   help="print the files that would be written, and stop")
    p.add_argument("--record", metavar="FILE",
                   help="after success, write the make record of this run "
                   "(used by mk/dfgen.mk)")


class GeneratorFamily(Command):
    """A family of generated files built from definition files."""

    def add_arguments(self, parser):
        common_arguments(parser)
        parser.add_argument("-I", dest="include_dirs", action="append",
                            default=[], metavar="DIR",
                            help="also look for included files here")
        self.add_family_arguments(parser)

    def add_family_arguments(self, parser):
        """Options of this family, beyond the common ones."""

    def outputs(self, stem, args):
        """[(file name, template)] for a definition file named stem.def."""
        raise NotImplementedError

    def model(self, unit, args):
        raise NotImplementedError

    def load(self, path, args):
        """Read one definition file; a family that reads a foreign
        format (syscalls.master) returns its own reader's unit, which
        names the files it read in `files`."""
        return load(path, args.include_dirs)

    def finish(self, template, text):
        """The output of `template` from its rendered text: the text
        itself, unless a family runs it through a tool (ctxsw: m4)."""
        return text

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
            unit = self.load(path, args)
            inputs += unit.files
            model = self.model(unit, args)
            for out, template in files:
                rendered.append((out, self.finish(template, renderer.render(
                    template, path, m=model, stem=_stem(path),
                    output=os.path.basename(out)))))

        os.makedirs(args.output_dir, exist_ok=True)
        report(args, commit(rendered), [out for out, _ in rendered],
               inputs + renderer.templates_used)
        return 0


def report(args, written, outputs, inputs):
    """After a successful run: the GEN lines (-v) and the make record."""
    if args.verbose:
        for out in written:
            print("GEN %s" % _display(out))
    if args.record:
        write_record(args.record, args.command, outputs, inputs)


def _stem(path):
    return os.path.splitext(os.path.basename(path))[0]


def _display(path):
    rel = os.path.relpath(path)
    return path if rel.startswith("..") else rel
