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
    wants: tuple        # flags, most important first
    doc: str
    choices: tuple      # Choice per size class, then one for larger sizes


@dataclass(frozen=True)
class Model:
    prefix: str         # C prefix: the file's stem and '_'
    classes: tuple
    allocators: tuple
    metrics: tuple
    behaviours: tuple

    @property
    def flags(self):
        return list(FLAGS.items())

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
