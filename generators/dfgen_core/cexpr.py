"""Definition-language expressions written out as C.

Some expressions cannot be evaluated when the generator runs: a check
over a structure's fields, a union's selector, the length of a checksum
region.  They are kept as syntax trees and written out as C here, where
each name becomes whatever C the family says it stands for.
"""

from .syntax import Binary, Cond, Name, Num, Str, Unary


def to_c(e, name):
    """C text of expression `e`; name(Name) gives the C for a name (and
    raises the error for one the family does not know)."""
    if isinstance(e, Num):
        return "%#x" % e.value if e.radix == 16 and e.value else \
            "%d" % e.value
    if isinstance(e, Str):
        raise TypeError("strings have no C expression here")
    if isinstance(e, Name):
        return name(e)
    if isinstance(e, Unary):
        return e.op + _operand(e.operand, name)
    if isinstance(e, Binary):
        return "%s %s %s" % (_operand(e.left, name), e.op,
                             _operand(e.right, name))
    if isinstance(e, Cond):
        return "%s ? %s : %s" % (_operand(e.cond, name),
                                 _operand(e.then, name),
                                 _operand(e.other, name))
    raise TypeError("not an expression: %r" % (e,))


def _operand(e, name):
    text = to_c(e, name)
    return "(%s)" % text if isinstance(e, (Binary, Cond)) else text
