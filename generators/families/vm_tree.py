"""The tree dispatch's search: how an interpreter built with
`--dispatch tree` finds the code of the next instruction without an
indirect jump.

The decoded instructions a definition marks `hot: N` are the leaves of
a binary search on instruction numbers; each run of numbers between
them that are not hot is one leaf more, the interpreter's switch of
the rest.  The search is weight-balanced: a hot leaf weighs its N, a
run of the rest 1, so the more an instruction runs, the nearer the
root it sits.
"""

from dataclasses import dataclass

REST_WEIGHT = 1


@dataclass(frozen=True)
class Leaf:
    name: str           # a hot instruction, or '' for the rest


@dataclass(frozen=True)
class Node:
    below: str          # the numbers below this one go left
    left: object        # Leaf or Node
    right: object


def search_tree(ops):
    """The search over `ops`, (name, number macro, weight) in number
    order, a weight of 0 for an instruction that is not hot."""
    runs = []           # (first number macro, Leaf, weight)
    for name, cname, weight in ops:
        if weight:
            runs.append((cname, Leaf(name), weight))
        elif not runs or runs[-1][1].name:
            runs.append((cname, Leaf(""), REST_WEIGHT))
    return _split(runs)


def _split(runs):
    if len(runs) == 1:
        return runs[0][1]
    total = sum(w for _, _, w in runs)
    best, below = None, 0
    for k in range(1, len(runs)):
        below += runs[k - 1][2]
        gap = abs(2 * below - total)
        if best is None or gap < best[0]:
            best = (gap, k)
    k = best[1]
    return Node(runs[k][0], _split(runs[:k]), _split(runs[k:]))
