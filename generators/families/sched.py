"""Family 'sched': scheduling policies, their dispatch and parameter tables.

    policy rr rule: fifo, quantum: 10, doc: "round robin";

    policy bsd4 rule: decay, queues: 32, quantum: 10, preempt: priority {
        estcpu_incr = 1;        # parameters of the rule, all of them
        ...
    }

A rule names the algorithm in the runtime C (sys/dfgen/sched/dfsched.c):
'fifo' (one queue, round robin on quantum expiry), 'decay' (a recent-CPU
estimate decayed over time picks one of 'queues' run queues) and
'deadline' (virtual runtime and virtual deadlines, EEVDF).  For stem.def
it writes stem.h (a number per policy, the table's declaration) and
stem_tables.c (each policy's parameter structure and the dispatch table
binding it to its rule's operations).
"""

import os

from dfgen_core.family import GeneratorFamily

from .sched_build import build


class Sched(GeneratorFamily):
    name = "sched"
    summary = "scheduling policy dispatch and parameter tables"

    def outputs(self, stem, args):
        return [(stem + ".h", "sched/sched.h.j2"),
                (stem + "_tables.c", "sched/tables.c.j2")]

    def model(self, unit, args):
        stem = os.path.splitext(os.path.basename(unit.src.path))[0]
        return build(unit, stem)


COMMAND = Sched()
