"""Names: C identifier rules and "did you mean" suggestions."""

import difflib
import re

_C_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")

C_KEYWORDS = frozenset("""
    auto break case char const continue default do double else enum extern
    float for goto if inline int long register restrict return short signed
    sizeof static struct switch typedef union unsigned void volatile while
    _Alignas _Alignof _Atomic _Bool _Complex _Generic _Imaginary _Noreturn
    _Static_assert _Thread_local
""".split())


def is_c_identifier(name):
    return bool(_C_IDENT.match(name)) and name not in C_KEYWORDS


def closest(name, known):
    """The known name closest to `name`, or None."""
    found = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)
    return found[0] if found else None


def suggest(name, known):
    """'; did you mean 'x'?' for the closest known name, or ''."""
    best = closest(name, known)
    return "; did you mean '%s'?" % best if best else ""
