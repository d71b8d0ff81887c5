"""Family 'ctxsw': context-switch probes, their per-CPU buffers and
their readers, from a definition of probe points.

    probes ctxsw records: 4096, option: CTXSW_PROBES_BUFSIZE
        doc: "DragonFly's switch path";
    counter instructions pmc: 0x40000000 doc: "instructions retired";
    counter dtlb_misses pmc: 0, event: 0x08, umask: 0x0e;
    probe switch_out function: lwkt_switch { thread; peer; instructions; }
    probe heavy_switch label: cpu_heavy_switch, clock: rdtscp { thread; }
    histogram switch from: switch_out, to: switch_in, buckets: 32;

`probes` names the set (C names start with its `prefix:`, default the
name and '_'), the records each CPU's ring keeps (`records:`, a power
of two) and the kernel option that may override that number at build
time (`option:`).  A `counter` is a hardware counter rdpmc reads:
`pmc:` is rdpmc's ECX (0-7 general-purpose, 0x40000000-3 fixed); a
general-purpose one says which event it counts (`event:`, `umask:`),
which the kernel runtime programs.  A `probe` sits in a C function
(`function:`: an inline function to call there) or at an assembly label
(`label:`: a cpp macro to expand there); it records the time stamp
(`clock:` rdtsc, rdtscp or lfence then rdtsc), the CPU and its point,
and what its body names: `thread`, `peer` (C probes: the other thread of
the switch) and counters.  An assembly probe preserves every general
register, and the flags with `flags: preserve`.  A `histogram` counts
the cycles from one probe to a later C probe on the same CPU, by power
of two.

For stem.def it writes stem.h (record and area layout, the C probes,
the dump format and decoder API), stem_asm.h (the assembly probes:
templates/ctxsw/asm.h.m4.j2 calls the macros of templates/ctxsw/probe.m4
and dfgen runs m4 -P over it, so the output is plain cpp macros that
any .s file of the kernel can include), stem_probes.c (the areas, the
dump and, in the kernel, their allocation and the sysctl reader) and
stem_decode.c (the checked reader of a dump, for the host).
"""

import os
import subprocess

from dfgen_core import cwrap
from dfgen_core.diag import UsageError, error
from dfgen_core.family import GeneratorFamily
from dfgen_core.paths import TEMPLATE_DIR
from dfgen_core.source import file_loc

from .ctxsw_build import build_model

M4 = "m4"


class Ctxsw(GeneratorFamily):
    name = "ctxsw"
    summary = "context-switch probes: asm and C probes, buffers, readers"

    def outputs(self, stem, args):
        return [(stem + ".h", "ctxsw/ctxsw.h.j2"),
                (stem + "_asm.h", "ctxsw/asm.h.m4.j2"),
                (stem + "_probes.c", "ctxsw/probes.c.j2"),
                (stem + "_decode.c", "ctxsw/decode.c.j2")]

    def model(self, unit, args):
        return build_model(unit)

    def finish(self, template, text):
        if not template.endswith(".m4.j2"):
            return text
        try:
            done = subprocess.run([M4, "-P"], input=text.encode("utf-8"),
                                  stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, check=False)
        except FileNotFoundError:
            raise UsageError("dfgen ctxsw: '%s' is not installed; the "
                             "assembly probes are expanded by m4" % M4)
        if done.returncode != 0:
            raise error(file_loc(os.path.join(TEMPLATE_DIR, template)),
                        "m4 failed on the rendered template: %s" %
                        done.stderr.decode("utf-8", "replace").strip())
        return cwrap.wrap(done.stdout.decode("utf-8"))


COMMAND = Ctxsw()
