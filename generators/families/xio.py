"""Family 'xio': XIO page-list wrappers for converted I/O paths, and the
survey that says which paths to convert.

    dfgen xio [-o DIR] DEFS...         the wrappers (xio_model has the
                                       language): for stem.def, stem.h
                                       (the table, the switches' test,
                                       prototypes) and stem.c (wrappers,
                                       table, sysctl kern.dfxio.<path>)
    dfgen xio survey SRCTOP [...]      the kernel's bulk copy sites, ranked
                                       (xio_survey)

The wrappers need the page-list runtime, sys/dfgen/xio/dfxio.c, which
files.codegen compiles under options XIO_WRAPPERS.
"""

import os

from dfgen_core.family import GeneratorFamily

from . import xio_survey
from .xio_model import build_model


class Xio(GeneratorFamily):
    name = "xio"
    summary = "XIO page-list wrappers for I/O paths, and a survey of them"

    def outputs(self, stem, args):
        return [(stem + ".h", "xio/xio.h.j2"),
                (stem + ".c", "xio/xio.c.j2")]

    def model(self, unit, args):
        return build_model(unit, _stem(unit.src.path))

    def add_family_arguments(self, parser):
        xio_survey.add_arguments(parser)

    def run(self, args):
        if args.inputs[0] == "survey":
            return xio_survey.run(args)
        xio_survey.generating(args)
        return super().run(args)


def _stem(path):
    return os.path.splitext(os.path.basename(path))[0]


COMMAND = Xio()
