"""The typed model of an allocator definition file (family 'alloc')."""

from dataclasses import dataclass

# What an allocator may say it suits: name -> meaning.  The bit of each
# flag in the generated mask is its position here.
FLAGS = {
    "no_free": "programs that never free",
    "bulk_free": "everything freed together, at exit or at a reset",
    "lifo": "churn: the newest object is freed first",
    "long_lived": "objects that live for most of the run",
    "cross_thread": "objects freed by another thread",
    "fixed_size": "one hot size",
    "cheap_setup": "nothing to set up before the first allocation",
    "low_overhead": "little memory beside the objects",
}

# Size classes are multiples of this; the size-to-class table has one
# entry per granule, up to the largest class of at most LOOKUP_LIMIT
# bytes (the few classes above it are searched).
GRANULE = 16
LOOKUP_LIMIT = 1024


@dataclass(frozen=True)
class SizeClass:
    name: str
    index: int
    size: int           # the largest request of the class
    doc: str


@dataclass(frozen=True)
class Allocator:
    name: str
    index: int
    entry: str          # C prefix of its entry points
    min_size: int
    max_size: int       # 0: no upper bound
    align: int
    flags: tuple        # names from FLAGS, in FLAGS order
    doc: str


@dataclass(frozen=True)
class Metric:
    name: str
    index: int
    doc: str


@dataclass(frozen=True)
class Choice:
    """One cell of the dispatch table and why it was chosen."""
    allocator: Allocator
    matched: tuple      # the wanted flags it has


@dataclass(frozen=True)
class Behaviour:
    name: str
    index: int
    when: str           # C condition over the metrics, or '' (default)
    rule: str           # the condition over metric names, for people
    uses: tuple         # indices of the metrics the condition reads
    wants: tuple        # flags, most important first
    doc: str
    choices: tuple      # Choice per size class, then one for larger sizes

    @property
    def uses_mask(self):
        return sum(1 << i for i in self.uses)


class _Classes:
    """What both kinds of file derive from their size classes."""

    @property
    def max_class(self):
        return self.classes[-1].size

    @property
    def lookup_max(self):
        """The largest size the lookup table serves: a class's size."""
        fit = [c.size for c in self.classes if c.size <= LOOKUP_LIMIT]
        return fit[-1] if fit else self.classes[0].size

    @property
    def lookup_next(self):
        """The index of the first class the lookup table does not serve."""
        return [c.size for c in self.classes].index(self.lookup_max) + 1

    @property
    def class_lookup(self):
        """Class index per granule: entry i serves sizes up to
        i * GRANULE."""
        out, c = [], 0
        for i in range(self.lookup_max // GRANULE + 1):
            while self.classes[c].size < i * GRANULE:
                c += 1
            out.append(c)
        return out

    @property
    def granule_shift(self):
        return GRANULE.bit_length() - 1


@dataclass(frozen=True)
class Model(_Classes):
    """A file of allocators and the rules that choose them (libdfalloc)."""
    prefix: str         # C prefix: the file's stem and '_'
    classes: tuple
    allocators: tuple
    metrics: tuple
    behaviours: tuple
    kernel = False

    @property
    def flags(self):
        return list(FLAGS.items())


# The kernel's lifetime samples: slots of the table they wait in, and
# the age buckets (powers of two of TSC cycles) they are counted in
# when freed.  Bucket 0 holds ages below 2^LIFETIME_SHIFT cycles.
LIFETIME_SLOTS = 256
LIFETIME_BUCKETS = 24
LIFETIME_SHIFT = 10


@dataclass(frozen=True)
class KmallocType:
    name: str
    index: int
    symbol: str         # the malloc_type, as MALLOC_DEFINE names it
    header: str         # the header that declares it, or ''
    sample: int         # one allocation in `sample` is timed; 0: none
    doc: str


@dataclass(frozen=True)
class KernelModel(_Classes):
    """A file of kmalloc types the kernel counts (options ALLOC_TABLES)."""
    prefix: str
    classes: tuple
    types: tuple
    kernel = True
    slots = LIFETIME_SLOTS
    slot_bits = LIFETIME_SLOTS.bit_length() - 1
    buckets = LIFETIME_BUCKETS
    shift = LIFETIME_SHIFT

    @property
    def headers(self):
        """The headers that declare the types, beyond those every
        kernel file of the counters includes."""
        return sorted({t.header for t in self.types if t.header} -
                      set(KERNEL_HEADERS))

    @property
    def undeclared(self):
        """The types no header declares: the counters declare them."""
        return [t for t in self.types if not t.header]


# What the counters' C includes anyway (kmalloc_tables.c.j2).
KERNEL_HEADERS = ("sys/param.h", "sys/systm.h", "sys/kernel.h",
                  "sys/malloc.h", "sys/sbuf.h", "sys/sysctl.h",
                  "sys/thread2.h")
