"""The lexer of the definition language shared by every family.

Tokens: identifiers, integers (decimal, 0x hex, 0o octal, 0b binary, with
optional '_' between digits), double-quoted strings with C escapes,
punctuation, and end of file.  Comments are '#' or '//' to the end of the
line and '/* ... */'.
"""

from dataclasses import dataclass

from .diag import error
from .source import Loc

IDENT = "identifier"
INT = "integer"
STRING = "string"
PUNCT = "punctuation"
EOF = "end of file"

# Longest first, so that '<<' wins over '<'.
PUNCTUATION = (
    "<<", ">>", "<=", ">=", "==", "!=", "&&", "||",
    "{", "}", "(", ")", "[", "]", ";", ",", "=", ":", "?",
    "+", "-", "*", "/", "%", "&", "|", "^", "~", "!", "<", ">", ".",
)

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "\0",
            "\\": "\\", "\"": "\"", "'": "'"}
_RADIX = {"x": 16, "o": 8, "b": 2}


@dataclass(frozen=True)
class Token:
    kind: str
    value: object       # str for IDENT/STRING/PUNCT, int for INT
    loc: Loc
    end: Loc            # just past the token's last character
    radix: int = 10     # how an integer was written

    def describe(self):
        if self.kind == EOF:
            return "end of file"
        if self.kind == STRING:
            return "string"
        return "'%s'" % self.text()

    def text(self):
        return str(self.value)


class Lexer:
    def __init__(self, src):
        self.src = src
        self.text = src.text
        self.pos = 0
        self.line = 1
        self.bol = 0        # offset of the start of the current line

    def loc(self, pos=None):
        pos = self.pos if pos is None else pos
        return Loc(self.src, self.line, pos - self.bol + 1)

    def tokens(self):
        while True:
            tok = self.next()
            yield tok
            if tok.kind == EOF:
                return

    def next(self):
        self._skip_space_and_comments()
        if self.pos >= len(self.text):
            return Token(EOF, None, self.loc(), self.loc())
        c = self.text[self.pos]
        if c.isalpha() or c == "_":
            return self._ident()
        if c.isdigit():
            return self._number()
        if c == '"':
            return self._string()
        for p in PUNCTUATION:
            if self.text.startswith(p, self.pos):
                start = self.pos
                self.pos += len(p)
                return self._token(PUNCT, p, start)
        raise error(self.loc(), "unexpected character '%s'" % c)

    def _token(self, kind, value, start):
        """A token from `start` to the current position (one line)."""
        return Token(kind, value, self.loc(start), self.loc())

    def _newline(self):
        self.line += 1
        self.bol = self.pos

    def _skip_space_and_comments(self):
        text = self.text
        while self.pos < len(text):
            c = text[self.pos]
            if c == "\n":
                self.pos += 1
                self._newline()
            elif c in " \t\r\f\v":
                self.pos += 1
            elif c == "#" or text.startswith("//", self.pos):
                end = text.find("\n", self.pos)
                self.pos = len(text) if end < 0 else end
            elif text.startswith("/*", self.pos):
                self._block_comment()
            else:
                return

    def _block_comment(self):
        start = self.loc()
        end = self.text.find("*/", self.pos + 2)
        if end < 0:
            raise error(start, "unterminated comment")
        while True:
            nl = self.text.find("\n", self.pos, end)
            if nl < 0:
                break
            self.pos = nl + 1
            self._newline()
        self.pos = end + 2

    def _word(self):
        """Letters, digits and '_' from here on: (start, word)."""
        start = self.pos
        text = self.text
        while self.pos < len(text) and (text[self.pos].isalnum() or
                                         text[self.pos] == "_"):
            self.pos += 1
        return start, text[start:self.pos]

    def _ident(self):
        start, word = self._word()
        if not word.isascii():
            raise error(self.loc(start), "identifier '%s' is not ASCII" % word)
        return self._token(IDENT, word, start)

    def _number(self):
        start, word = self._word()
        loc = self.loc(start)
        radix, digits = 10, word
        if len(word) > 1 and word[0] == "0" and word[1].isalpha():
            radix = _RADIX.get(word[1].lower())
            if radix is None:
                raise error(loc, "invalid integer prefix in '%s'" % word)
            digits = word[2:]
        elif len(word) > 1 and word[0] == "0":
            raise error(loc, "integer '%s' has a leading zero; "
                        "write octal as 0o%s" % (word, word.lstrip("0")))
        if (not digits or digits.startswith("_") or digits.endswith("_")
                or "__" in digits):
            raise error(loc, "malformed integer '%s'" % word)
        try:
            value = int(digits.replace("_", ""), radix)
        except ValueError:
            raise error(loc, "invalid digit in base-%d integer '%s'" %
                        (radix, word)) from None
        return Token(INT, value, self.loc(start), self.loc(), radix)

    def _string(self):
        start = self.pos
        loc = self.loc()
        text = self.text
        self.pos += 1
        out = []
        while True:
            if self.pos >= len(text) or text[self.pos] == "\n":
                raise error(loc, "unterminated string")
            c = text[self.pos]
            if c == '"':
                self.pos += 1
                return self._token(STRING, "".join(out), start)
            if c == "\\":
                out.append(self._escape())
            else:
                out.append(c)
                self.pos += 1

    def _escape(self):
        loc = self.loc()
        text = self.text
        c = text[self.pos + 1] if self.pos + 1 < len(text) else ""
        if c in _ESCAPES:
            self.pos += 2
            return _ESCAPES[c]
        if c == "x":
            digits = text[self.pos + 2:self.pos + 4]
            if len(digits) == 2 and all(d in "0123456789abcdefABCDEF"
                                        for d in digits):
                self.pos += 4
                return chr(int(digits, 16))
        raise error(loc, "invalid escape sequence '\\%s' in string" % c)
