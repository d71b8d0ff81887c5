"""The syntax tree of the definition language.

Every family's definitions have one shape, so one parser serves them all:

    stmt := word* ['=' expr] (name ':' expr [','])* (';' | '{' stmt* '}')
    word := identifier ('[' expr ']')* | string | integer

For example

    const PAGE_SIZE = 4096;
    enum bref_type prefix: "BREF_", type: uint8 {
        EMPTY = 0 doc: "unused slot";
    }

A family gives the words, value, attributes and body their meaning (see
bind.py); the parser knows no family.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Num:
    value: int
    loc: object
    radix: int = 10     # as written: generated C keeps hex as hex


@dataclass(frozen=True)
class Str:
    value: str
    loc: object


@dataclass(frozen=True)
class Name:
    name: str
    loc: object


@dataclass(frozen=True)
class Unary:
    op: str
    operand: object
    loc: object


@dataclass(frozen=True)
class Binary:
    op: str
    left: object
    right: object
    loc: object         # the operator


@dataclass(frozen=True)
class Cond:
    cond: object
    then: object
    other: object
    loc: object


@dataclass(frozen=True)
class Word:
    """A head word: an identifier (maybe subscripted), a string or a number."""

    kind: str           # lexer.IDENT, lexer.STRING or lexer.INT
    value: object
    loc: object
    index: object = None        # expression inside the first [ ]
    dims: tuple = ()            # every [ ] subscript, in order (a[2][3])


@dataclass(frozen=True)
class Attr:
    name: str
    value: object       # expression
    loc: object


@dataclass
class Stmt:
    words: list
    value: object = None        # expression after '=', or None
    attrs: list = field(default_factory=list)
    body: list = None           # list of Stmt for '{ }', None for ';'
    loc: object = None          # first word

    @property
    def head(self):
        return self.words[0]
