"""Constant expressions: C's integer operators over named constants.

Values are Python ints (exact, no overflow) or strings; a family checks
that a value fits the C type it lands in.
"""

from .diag import error
from .names import suggest
from .syntax import Binary, Cond, Name, Num, Str, Unary

# Shifting further than this is always a mistake in a kernel definition.
MAX_SHIFT = 128


def evaluate(e, scope):
    """Evaluate expression `e`; `scope` maps names to objects with .value."""
    if isinstance(e, Num):
        return e.value
    if isinstance(e, Str):
        return e.value
    if isinstance(e, Name):
        if e.name not in scope:
            raise error(e.loc, "unknown name '%s'%s" %
                        (e.name, suggest(e.name, scope)))
        return scope[e.name].value
    if isinstance(e, Unary):
        return _unary(e, evaluate(e.operand, scope))
    if isinstance(e, Cond):
        cond = integer(e.cond, scope)
        return evaluate(e.then if cond else e.other, scope)
    if isinstance(e, Binary):
        if e.op in ("&&", "||"):
            left = integer(e.left, scope)
            if (e.op == "&&") != bool(left):
                return int(bool(left))
            return int(bool(integer(e.right, scope)))
        return _binary(e, integer(e.left, scope), integer(e.right, scope))
    raise TypeError("not an expression: %r" % (e,))


def integer(e, scope):
    """Evaluate `e` and insist on an integer."""
    value = evaluate(e, scope)
    if not isinstance(value, int):
        raise error(expr_loc(e), "expected an integer, found a string")
    return value


def string(e, scope):
    """Evaluate `e` and insist on a string."""
    value = evaluate(e, scope)
    if not isinstance(value, str):
        raise error(expr_loc(e), "expected a string, found an integer")
    return value


def expr_loc(e):
    """The leftmost position of an expression, where a person looks."""
    while isinstance(e, Binary):
        e = e.left
    if isinstance(e, Cond):
        return expr_loc(e.cond)
    return e.loc


def _unary(e, v):
    if not isinstance(v, int):
        raise error(e.loc, "operator '%s' needs an integer" % e.op)
    if e.op == "-":
        return -v
    if e.op == "+":
        return v
    if e.op == "~":
        return ~v
    return int(not v)


def _binary(e, a, b):
    op = e.op
    if op in ("/", "%") and b == 0:
        raise error(e.loc, "division by zero")
    if op in ("<<", ">>") and not 0 <= b <= MAX_SHIFT:
        raise error(e.loc, "shift count %d is out of range 0..%d" %
                    (b, MAX_SHIFT))
    if op == "/":
        # C truncates toward zero; Python floors.
        q = abs(a) // abs(b)
        return q if (a < 0) == (b < 0) else -q
    if op == "%":
        q = abs(a) // abs(b)
        q = q if (a < 0) == (b < 0) else -q
        return a - b * q
    return _OPS[op](a, b)


_OPS = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "<<": lambda a, b: a << b,
    ">>": lambda a, b: a >> b,
    "&": lambda a, b: a & b,
    "|": lambda a, b: a | b,
    "^": lambda a, b: a ^ b,
    "==": lambda a, b: int(a == b),
    "!=": lambda a, b: int(a != b),
    "<": lambda a, b: int(a < b),
    "<=": lambda a, b: int(a <= b),
    ">": lambda a, b: int(a > b),
    ">=": lambda a, b: int(a >= b),
}
