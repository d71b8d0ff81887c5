"""The sched model: scheduling policies and what each rule needs."""

from dataclasses import dataclass

# rule -> (the runtime's operations, the preemption modes it supports,
# its parameters in the order of the runtime's parameter structure).
RULES = {
    "fifo": ("dfsched_fifo_ops", ("never",), ()),
    "decay": ("dfsched_decay_ops", ("never", "priority"),
              ("estcpu_incr", "estcpu_max", "estcpu_per_queue",
               "nice_weight", "decay_period", "decay_num", "decay_den")),
    "deadline": ("dfsched_deadline_ops", ("never", "deadline"),
                 ("base_slice", "nice0_weight", "lag_limit")),
}
# Where a waking thread goes: the least loaded CPU (the default), or the
# one it last ran on unless another is idle.
AFFINITY = {"last": "DFSCHED_AFFINITY_LAST",
            "spread": "DFSCHED_AFFINITY_SPREAD"}
# A CPU takes a thread from a queue this many threads longer than its
# own (0: never); 1 would move a thread back and forth.
STEAL_MAX = 64
PREEMPT = {"never": "DFSCHED_PREEMPT_NEVER",
           "priority": "DFSCHED_PREEMPT_PRIORITY",
           "deadline": "DFSCHED_PREEMPT_DEADLINE"}
# Run queues a policy may have (the runtime's bitmap is 32 bits wide).
MAX_QUEUES = 32
# Parameters are signed 32-bit on every target.
PARAM_MIN, PARAM_MAX = 0, 0x7fffffff


@dataclass(frozen=True)
class Param:
    name: str
    value: int
    doc: str


@dataclass(frozen=True)
class Policy:
    name: str
    index: int
    rule: str
    queues: int
    quantum: int        # scheduler ticks a thread runs before a switch
    preempt: str
    affinity: str       # AFFINITY
    steal: int          # imbalance that moves a thread; 0: none
    doc: str
    params: tuple       # Param, in the runtime structure's order

    @property
    def ops(self):
        return RULES[self.rule][0]

    @property
    def preempt_macro(self):
        return PREEMPT[self.preempt]

    @property
    def affinity_macro(self):
        return AFFINITY[self.affinity]


@dataclass(frozen=True)
class Model:
    prefix: str         # stem + '_'
    policies: tuple
