"""Parser: tokens to the statements of syntax.py.

It knows the shape of a statement and C's expression grammar, nothing
about what any family means by its statements.
"""

from .diag import error
from .lexer import EOF, IDENT, INT, PUNCT, STRING, Lexer
from .syntax import Attr, Binary, Cond, Name, Num, Stmt, Str, Unary, Word

# Binary operators by precedence, loosest first (C's order).
_BINARY = (
    ("||",), ("&&",), ("|",), ("^",), ("&",), ("==", "!="),
    ("<", "<=", ">", ">="), ("<<", ">>"), ("+", "-"), ("*", "/", "%"),
)
_UNARY = ("-", "+", "~", "!")


def parse(src):
    """Parse a whole SourceFile into a list of statements."""
    return Parser(src).file()


class Parser:
    def __init__(self, src):
        self.toks = list(Lexer(src).tokens())
        self.i = 0

    # -- token helpers ---------------------------------------------------

    @property
    def tok(self):
        return self.toks[self.i]

    def peek(self, n=1):
        return self.toks[min(self.i + n, len(self.toks) - 1)]

    def advance(self):
        tok = self.tok
        if tok.kind != EOF:
            self.i += 1
        return tok

    def at(self, punct):
        return self.tok.kind == PUNCT and self.tok.value == punct

    def accept(self, punct):
        if self.at(punct):
            return self.advance()
        return None

    def expected(self, what):
        """An error for a missing `what`, placed after the previous token."""
        prev = self.toks[self.i - 1] if self.i > 0 else None
        if prev is not None and prev.end.line != self.tok.loc.line:
            return error(prev.end, "expected %s after '%s'" %
                         (what, prev.text()))
        return error(self.tok.loc, "expected %s before %s" %
                     (what, self.tok.describe()))

    # -- statements ------------------------------------------------------

    def file(self):
        stmts = []
        while self.tok.kind != EOF:
            if self.at("}"):
                raise error(self.tok.loc, "'}' without a matching '{'")
            stmts.append(self.stmt())
        return stmts

    def stmt(self):
        loc = self.tok.loc
        words = []
        while self.tok.kind in (IDENT, STRING, INT) and not self._at_attr():
            words.append(self.word())
        if not words:
            raise error(self.tok.loc, "expected a statement, found %s" %
                        self.tok.describe())
        value = self.expr() if self.accept("=") else None
        attrs = []
        while self._at_attr():
            name = self.advance()
            self.advance()          # ':'
            attrs.append(Attr(name.value, self.expr(), name.loc))
            self.accept(",")
        if self.accept(";"):
            return Stmt(words, value, attrs, None, loc)
        if self.at("{"):
            return Stmt(words, value, attrs, self.block(), loc)
        raise self.expected("';'")

    def _at_attr(self):
        nxt = self.peek()
        return (self.tok.kind == IDENT and nxt.kind == PUNCT and
                nxt.value == ":")

    def word(self):
        tok = self.advance()
        dims = []
        while tok.kind == IDENT and self.at("["):
            self.advance()
            dims.append(self.expr())
            if not self.accept("]"):
                raise self.expected("']'")
        return Word(tok.kind, tok.value, tok.loc, dims[0] if dims else None,
                    tuple(dims))

    def block(self):
        opening = self.advance()
        body = []
        while not self.accept("}"):
            if self.tok.kind == EOF:
                raise error(opening.loc, "unterminated block: this '{' "
                            "has no matching '}'")
            body.append(self.stmt())
        self.accept(";")
        return body

    # -- expressions -----------------------------------------------------

    def expr(self):
        cond = self.binary(0)
        q = self.accept("?")
        if q is None:
            return cond
        then = self.expr()
        if not self.accept(":"):
            raise self.expected("':' in conditional expression")
        return Cond(cond, then, self.expr(), q.loc)

    def binary(self, level):
        if level == len(_BINARY):
            return self.unary()
        left = self.binary(level + 1)
        while self.tok.kind == PUNCT and self.tok.value in _BINARY[level]:
            op = self.advance()
            left = Binary(op.value, left, self.binary(level + 1), op.loc)
        return left

    def unary(self):
        if self.tok.kind == PUNCT and self.tok.value in _UNARY:
            op = self.advance()
            return Unary(op.value, self.unary(), op.loc)
        return self.primary()

    def primary(self):
        tok = self.tok
        if tok.kind == INT:
            self.advance()
            return Num(tok.value, tok.loc, tok.radix)
        if tok.kind == STRING:
            self.advance()
            return Str(tok.value, tok.loc)
        if tok.kind == IDENT:
            self.advance()
            name = tok.value
            while self.accept("."):     # a member of a nested structure
                if self.tok.kind != IDENT:
                    raise self.expected("a member name after '.'")
                name += "." + self.advance().value
            return Name(name, tok.loc)
        if self.accept("("):
            inner = self.expr()
            if not self.accept(")"):
                raise self.expected("')'")
            return inner
        raise error(tok.loc, "expected an expression, found %s" %
                    tok.describe())
