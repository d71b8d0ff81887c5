"""Family 'alloc': allocator descriptors, size classes and selection rules.

    metric lifo doc: "frees of the newest live object, per 1000 frees";

    class s16 = 16;             # size classes, ascending, multiples of 16
    class s32 = 32;

    allocator slab entry: "dfa_slab", min: 1, max: 256, align: 16 {
        lifo; fixed_size;       # what it suits (alloc_model.FLAGS)
    }

    behaviour churn when: lifo >= 500 doc: "short-lived objects" {
        lifo; cheap_setup;      # what it wants, most important first
    }
    behaviour general { long_lived; }   # the last one, without 'when:'

For stem.def it writes stem.h (the enumerations, the descriptor and
metrics structures, the entry points' prototypes, the size-to-class
lookup) and stem_tables.c (the descriptor table, the size-class tables,
the dispatch table per behaviour and size class, and the decision
function that picks a behaviour from measured metrics).
"""

import os

from dfgen_core.family import GeneratorFamily

from .alloc_build import build


class Alloc(GeneratorFamily):
    name = "alloc"
    summary = "allocator descriptor, dispatch and decision tables"

    def outputs(self, stem, args):
        return [(stem + ".h", "alloc/alloc.h.j2"),
                (stem + "_tables.c", "alloc/tables.c.j2")]

    def model(self, unit, args):
        stem = os.path.splitext(os.path.basename(unit.src.path))[0]
        return build(unit, stem)


COMMAND = Alloc()
