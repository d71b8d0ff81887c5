"""Binding statements to a family's declarations.

A family describes each kind of statement it accepts with a Form; bind()
checks a statement against it and hands back its parts evaluated, or
raises an error at the exact word that does not fit.  Families build
their typed model from Bound objects and never look at tokens.
"""

from dataclasses import dataclass, field

from . import expr
from .diag import error
from .lexer import IDENT
from .names import C_KEYWORDS, is_c_identifier, suggest

FORBIDDEN, OPTIONAL, REQUIRED = "forbidden", "optional", "required"
# A required value kept as an expression, for the family to evaluate
# later or write out as C.
UNEVALUATED = "unevaluated"


@dataclass(frozen=True)
class Form:
    """The shape of one kind of statement.

    keyword: its first word ('enum'), or None for a member statement whose
        first word is its name ('LD = 3;').
    what: how errors name it ('enum', 'enum member').
    value, body: FORBIDDEN, OPTIONAL or REQUIRED (value: or UNEVALUATED).
    attrs: attribute name -> converter(expression, scope) -> value.
    dims: whether the name may carry subscripts ('name[4][2]'), kept as
        expressions in Bound.dims for the family to evaluate.
    """

    keyword: object
    what: str
    value: str = FORBIDDEN
    body: str = FORBIDDEN
    attrs: dict = field(default_factory=dict)
    dims: bool = False


@dataclass
class Bound:
    name: str
    loc: object             # the name's position
    value: object           # evaluated '= value', or None
    value_loc: object
    attrs: dict             # name -> converted value (only those given)
    attr_locs: dict
    body: list              # statements, or None
    stmt: object
    dims: tuple = ()        # the name's subscripts, unevaluated


def symbol(*choices):
    """An attribute converter accepting one of the bare words `choices`."""
    def convert(e, scope):
        name = getattr(e, "name", None)
        if name not in choices:
            raise error(expr.expr_loc(e), "expected one of %s" %
                        ", ".join("'%s'" % c for c in choices) +
                        (suggest(name, choices) if name else ""))
        return name
    return convert


def expression(e, scope):
    """An attribute converter keeping the expression itself, for a
    family that evaluates it later or writes it out as C."""
    return e


def c_identifier(e, scope):
    """An attribute converter for a string that must be a C identifier
    prefix (letters, digits, '_'; may be empty)."""
    value = expr.string(e, scope)
    if value and not is_c_identifier(value + "x"):
        raise error(expr.expr_loc(e), "'%s' cannot start a C identifier" %
                    value)
    return value


def bind(stmt, form, scope):
    words = list(stmt.words)
    if form.keyword is not None:
        words.pop(0)
        if not words:
            raise error(stmt.words[0].loc, "expected a name after '%s'" %
                        form.keyword)
    name_word = words.pop(0)
    name = _identifier(name_word, form)
    if name_word.dims and not form.dims:
        raise error(expr.expr_loc(name_word.index), "%s '%s' cannot have a "
                    "'[ ]' subscript" % (form.what, name))
    if words:
        raise error(words[0].loc, "unexpected %s in %s '%s'" %
                    (_describe(words[0]), form.what, name))

    value = value_loc = None
    if stmt.value is not None:
        value_loc = expr.expr_loc(stmt.value)
        if form.value == FORBIDDEN:
            raise error(value_loc, "%s '%s' takes no '= value'" %
                        (form.what, name))
        value = stmt.value if form.value == UNEVALUATED else \
            expr.evaluate(stmt.value, scope)
    elif form.value in (REQUIRED, UNEVALUATED):
        raise error(name_word.loc, "%s '%s' needs a value ('= ...')" %
                    (form.what, name))

    if stmt.body is not None and form.body == FORBIDDEN:
        raise error(name_word.loc, "%s '%s' takes no '{ }' body" %
                    (form.what, name))
    if stmt.body is None and form.body == REQUIRED:
        raise error(name_word.loc, "%s '%s' needs a '{ }' body" %
                    (form.what, name))

    attrs, attr_locs = _attributes(stmt, form, name, scope)
    return Bound(name, name_word.loc, value, value_loc, attrs, attr_locs,
                 stmt.body, stmt, name_word.dims)


def dispatch(stmt, forms):
    """The Form for `stmt` among `forms` (keyed by keyword, None = member)."""
    head = stmt.head
    if head.kind == IDENT and head.index is None and head.value in forms:
        return forms[head.value]
    if None in forms:
        return forms[None]
    keywords = [k for k in forms if k is not None]
    raise error(head.loc, "unknown declaration %s%s" %
                (_describe(head),
                 suggest(str(head.value), keywords) if head.kind == IDENT
                 else ""))


def _identifier(word, form):
    if word.kind != IDENT:
        raise error(word.loc, "expected a name for %s, found %s" %
                    (form.what, _describe(word)))
    if word.value in C_KEYWORDS:
        raise error(word.loc, "'%s' is a C keyword and cannot be a name" %
                    word.value)
    return word.value


def _describe(word):
    if word.kind == IDENT:
        return "'%s'" % word.value
    if isinstance(word.value, int):
        return "integer %d" % word.value
    return "string \"%s\"" % word.value


def _attributes(stmt, form, name, scope):
    attrs, locs = {}, {}
    for a in stmt.attrs:
        if a.name not in form.attrs:
            known = sorted(form.attrs)
            hint = suggest(a.name, known)
            if not hint:
                hint = ("; %s takes no attributes" % form.what if not known
                        else "; expected %s" %
                        ", ".join("'%s'" % k for k in known))
            raise error(a.loc, "unknown attribute '%s' for %s '%s'%s" %
                        (a.name, form.what, name, hint))
        if a.name in attrs:
            raise error(a.loc, "attribute '%s' given twice" % a.name,
                        (locs[a.name], "first given here"))
        attrs[a.name] = form.attrs[a.name](a.value, scope)
        locs[a.name] = a.loc
    return attrs, locs
