"""Family 'structs': on-disk and over-the-wire structures.

A definition describes a media layout exactly (widths, byte orders,
offsets, padding, unions, bit fields, tails, versions, checksums) and
the generator writes, for stem.def:

    stem.h  the C structures, with that layout asserted on every ABI,
            zero-copy accessors into media buffers, bit-field macros,
            lock-asserting and atomic accessors, prototypes;
    stem.c  decode, encode and validate, checksums, version conversion
            and a printer, for the kernel and the host alike.

    struct hammer2_blockref order: outer, size: 128 {
        uint8   type            enum: hammer2_bref_type;
        uint8   methods;
        ...
        uint64  key             at: 0x08;
        union check select: methods >> 4 {
            hammer2_check_iscsi iscsi32 when: 2;
        }
    }

The language is described in structs_build.py.
"""

from dfgen_core.family import GeneratorFamily

from . import structs_import
from .structs_build import build


class Structs(GeneratorFamily):
    name = "structs"
    summary = "media structures: layouts, codecs, checksums, printers"

    def outputs(self, stem, args):
        return [(stem + ".h", "structs/structs.h.j2"),
                (stem + ".c", "structs/structs.c.j2")]

    def model(self, unit, args):
        return build(unit)

    # 'dfgen structs import HEADER.h ...' and 'dfgen structs check DEFS
    # HEADER.h' (structs_import, structs_check); anything else generates.
    def add_family_arguments(self, parser):
        structs_import.add_arguments(parser)

    def run(self, args):
        if args.inputs[0] == "import":
            return structs_import.run(args)
        if args.inputs[0] == "check":
            from . import structs_check
            return structs_check.run(args)
        structs_import.generating(args)
        return super().run(args)


COMMAND = Structs()
