"""The typed model of a set of context-switch probes (see ctxsw.py for
the language), and its layout: the record, the per-CPU area and the
offsets the assembly probes store at, computed here once so that the C
structures and the assembly macros cannot disagree (the C header checks
every offset with _Static_assert).
"""

from dataclasses import dataclass

CLOCKS = ("rdtsc", "rdtscp", "lfence")
FLAGS = ("clobber", "preserve")
MAX_COUNTERS = 4
MAX_BUCKETS = 64
# rdpmc's ECX: general-purpose counters from 0, fixed counters from
# bit 30 (Intel SDM vol. 3, RDPMC).
FIXED_PMC = 1 << 30
MAX_GENERAL_PMC = 8
MAX_FIXED_PMC = 4

# The record: time stamp (0), thread (8), peer (16), point (24) and CPU
# (28), where probe.m4 stores them and ctxsw.h checks them, then one
# word per counter from here.
REC_COUNTERS = 32
LINE = 64


@dataclass(frozen=True)
class ProbeSet:
    name: str           # 'ctxsw'
    prefix: str         # of C names: 'ctxsw_'
    records: int        # default records per CPU (a power of two)
    option: str         # the kernel option that overrides it
    doc: str

    @property
    def upper(self):
        """The prefix of macros: 'CTXSW_'."""
        return self.prefix.upper()


@dataclass(frozen=True)
class Counter:
    name: str
    index: int          # its word in the record
    pmc: int            # rdpmc's ECX
    event: int          # event select (general-purpose counters), or -1
    umask: int
    doc: str

    @property
    def bit(self):
        """Its bit in the mask of counters ready to be read."""
        return 1 << self.index

    @property
    def offset(self):
        return REC_COUNTERS + 8 * self.index


@dataclass(frozen=True)
class Probe:
    name: str
    index: int          # its point number, in the record
    kind: str           # 'c' (an inline function) or 'asm' (a macro)
    where: str          # the C function or assembly label it sits in
    clock: str          # one of CLOCKS
    flags: str          # 'asm': one of FLAGS
    thread: bool        # records the thread
    peer: bool          # 'c': records the other thread
    counters: tuple     # Counter, in record order
    histograms: tuple   # Histogram this probe ends
    doc: str

    @property
    def is_asm(self):
        return self.kind == "asm"


@dataclass(frozen=True)
class Histogram:
    name: str
    index: int
    start: str          # probe names
    end: str
    buckets: int
    doc: str


@dataclass(frozen=True)
class Layout:
    """Byte offsets in the per-CPU area and the size of a record."""
    record_size: int
    record_shift: int
    hits: int           # the words of the stats part
    last: int
    hist: int
    stats_size: int     # the stats part, padded to a cache line: the
                        # ring starts there
    record_spare: int   # words padding a record to record_size
    stats_spare: int    # words padding the stats to stats_size

    def hits_at(self, probe):
        return self.hits + 8 * probe.index

    def last_at(self, probe):
        return self.last + 8 * probe.index


@dataclass(frozen=True)
class Model:
    set: ProbeSet
    counters: tuple
    probes: tuple
    histograms: tuple
    buckets: int        # per histogram (the largest declared)
    layout: Layout

    @property
    def c_probes(self):
        return [p for p in self.probes if not p.is_asm]

    @property
    def asm_probes(self):
        return [p for p in self.probes if p.is_asm]

    @property
    def ready_mask(self):
        """Every counter's bit: what pmc_ready holds while they run."""
        return (1 << len(self.counters)) - 1


def layout(nprobes, ncounters, nhist, buckets):
    size = REC_COUNTERS + 8 * ncounters
    shift = max(size - 1, 1).bit_length()
    hits = 8
    last = hits + 8 * nprobes
    hist = last + 8 * nprobes
    end = hist + 8 * nhist * buckets
    stats = (end + LINE - 1) // LINE * LINE
    return Layout(1 << shift, shift, hits, last, hist, stats,
                  ((1 << shift) - size) // 8, (stats - end) // 8)
