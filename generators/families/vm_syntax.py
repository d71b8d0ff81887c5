"""The text of an instruction, as the assembler reads it and the
disassembler writes it.

An instruction's `syntax:` is its mnemonic, a space, and its operands,
where `{field}` stands for a field of the instruction word:

    "ldh [{k}]"            {k} in decimal
    "and #{k:x}"           {k:x} in hex (0x...)
    "jeq #{k:x}, {jt}, {jf}"   a jump target: the absolute number of the
                           instruction it lands on, or a label

A space in the operands matches any run of blanks, none included.  The
generated C keeps the operands as a printf-like string with one
conversion per field (%u, %d, %x, %t) and the fields in order; the
runtime (dfvm_text.c) both prints and matches that.
"""

import re
from dataclasses import dataclass

from dfgen_core.diag import error
from dfgen_core.names import suggest
from dfgen_core.source import Loc

_MNEMONIC = re.compile(r"[a-z][a-z0-9_.]*\Z")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_FORMATS = ("d", "u", "x")


@dataclass(frozen=True)
class Syntax:
    text: str           # as written
    mnemonic: str
    operands: str       # for C: literal text with %u %d %x %t
    args: tuple         # field names, one per conversion

    @property
    def display(self):
        """The text with each field written as its bare name."""
        return _PLACEHOLDER.sub(lambda m: m.group(1).partition(":")[0],
                                self.text)

    @property
    def shape(self):
        """The operands with every conversion alike: two instructions
        of the same mnemonic and shape could not be told apart."""
        return re.sub(r"%[udxt]", "%", self.operands)


def compile_syntax(text, loc, fields, targets):
    """Check `text` (the string at `loc`) and compile it.  `fields` maps
    field name -> LayoutField; `targets` holds the jump target fields."""
    mnemonic, sep, operands = text.partition(" ")
    if not _MNEMONIC.match(mnemonic):
        raise error(loc, "syntax \"%s\" must start with a lower-case "
                    "mnemonic" % text)
    if sep and not operands.strip():
        raise error(_at(loc, len(mnemonic)), "syntax \"%s\" has a space "
                    "but no operands" % text)
    out, args, pos = [], [], 0
    base = len(mnemonic) + len(sep)
    for m in _PLACEHOLDER.finditer(operands):
        out.append(_literal(operands[pos:m.start()], loc, base + pos))
        name, _, fmt = m.group(1).partition(":")
        where = _at(loc, base + m.start() + 1)
        if name not in fields:
            raise error(where, "unknown field '%s' in syntax%s" %
                        (name, suggest(name, fields)))
        if name in targets:
            if fmt:
                raise error(where, "'%s' is a jump target and is written "
                            "as an instruction number: no ':%s'" %
                            (name, fmt))
            conv = "t"
        elif fmt:
            if fmt not in _FORMATS:
                raise error(where, "unknown format ':%s'; expected ':d', "
                            "':u' or ':x'" % fmt)
            conv = fmt
        else:
            conv = "d" if fields[name].signed else "u"
        if name in args:
            raise error(where, "field '%s' appears twice in syntax" % name)
        out.append("%" + conv)
        args.append(name)
        pos = m.end()
    out.append(_literal(operands[pos:], loc, base + pos))
    return Syntax(text, mnemonic, "".join(out), tuple(args))


def _literal(text, loc, offset):
    for i, c in enumerate(text):
        if c in "{}":
            raise error(_at(loc, offset + i), "unmatched '%s' in syntax" % c)
        if not " " <= c <= "~" or c == ";":
            raise error(_at(loc, offset + i), "syntax cannot contain %r" %
                        c)
    return text.replace("%", "%%")


def _at(loc, offset):
    """The position of character `offset` of the string at `loc` (just
    past its opening quote; exact for a string without escapes)."""
    return Loc(loc.src, loc.line, loc.col + 1 + offset)
