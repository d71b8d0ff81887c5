"""Kernel configuration files, in config(8)'s native syntax.

    platform pc64
    machine x86_64
    machine_arch x86_64
    cpu HAMMER_CPU
    ident MYKERNEL
    maxusers 0
    makeoptions DEBUG=-g, CONF_CFLAGS=-fno-builtin
    options INET, INET6
    options ROOTDEVNAME=\\"ufs:da0s2e\\", MAXDSIZ="(256*1024*1024)"
    device sio0 at isa? port IO_COM1 irq 4
    pseudo-device loop 1

As DragonFly's config(8) reads them: keywords are lower case; a newline
ends a statement unless the next line starts with a space or tab; '#'
starts a comment; a value after '=' runs to white space or '#' and is
kept verbatim, except that a quoted value loses its quotes and
\\"...\\" keeps them; a device name stops at its first digit, which
starts the unit.  Three statements are dfgen's own extensions, known
from FreeBSD: `include FILE` (relative to the including file),
`nooptions A, B` and `nodevice NAME`.

The result is a KernelConfig; positions are exact (config(8)'s own are
often a line off).
"""

import os
from dataclasses import dataclass, field

from .diag import error
from .source import Loc, Scanner, read_source

WORD, NUMBER, SEP = "word", "number", "end of statement"


@dataclass(frozen=True)
class Tok:
    kind: str           # WORD, NUMBER, SEP, or a punctuation character
    text: str
    loc: Loc
    quoted: bool = False


@dataclass(frozen=True)
class Setting:
    """An option or makeoption: NAME or NAME=VALUE."""

    name: str
    value: object       # str, or None for a valueless option
    loc: Loc


@dataclass(frozen=True)
class Device:
    name: str
    unit: object        # int, or None
    pseudo: bool
    count: object       # pseudo-device count, or None
    loc: Loc
    parent: object = None       # the device after 'at', or None
    parent_unit: object = None  # its unit; None for '?' or none


@dataclass
class KernelConfig:
    path: str
    platform: object = None     # (value, Loc)
    machine: object = None
    machine_arch: object = None
    ident: object = None
    maxusers: int = 0
    cpus: list = field(default_factory=list)            # [(name, Loc)]
    options: list = field(default_factory=list)         # [Setting]
    makeoptions: list = field(default_factory=list)     # [Setting]
    devices: list = field(default_factory=list)         # [Device]
    files: list = field(default_factory=list)           # every path read

    @property
    def ident_name(self):
        """The ident as config(8) uses it: upper-cased."""
        return self.ident[0].upper() if self.ident else None


class _Lexer(Scanner):
    """Tokens of one config file; values after '=' are lexed as one word."""

    def tokens(self):
        text = self.text
        value_next = False
        while True:
            tok = self._next(value_next)
            value_next = tok.kind == "="
            yield tok
            if tok.kind == SEP and tok.text == "":
                return
            if self.pos > len(text):
                return

    def _next(self, value_next):
        text = self.text
        while self.pos < len(text):
            c = text[self.pos]
            if c in " \t\f\r":
                self.pos += 1
            elif c == "#":
                end = text.find("\n", self.pos)
                self.pos = len(text) if end < 0 else end
            elif c == "\n":
                loc = self.loc()
                self.pos += 1
                self.newline(self.pos)
                if self.pos < len(text) and text[self.pos] in " \t":
                    continue        # an indented line continues the statement
                return Tok(SEP, "\n", loc)
            else:
                break
        if self.pos >= len(text):
            self.pos += 1
            return Tok(SEP, "", self.loc(len(text)))
        if value_next:
            return self._value()
        c = text[self.pos]
        start = self.pos
        if c in ";,=@?":
            self.pos += 1
            return Tok(SEP if c == ";" else c, c, self.loc(start))
        if text.startswith('\\"', self.pos):
            return self._backslash_quoted()
        if c == '"':
            return self._quoted()
        if c.isalpha() or c == "_":
            while self.pos < len(text) and (text[self.pos].isalnum() or
                                             text[self.pos] in "_-"):
                self.pos += 1
            return Tok(WORD, text[start:self.pos], self.loc(start))
        if c.isdigit() or (c == "-" and text[self.pos + 1:self.pos + 2].isdigit()):
            self.pos += 1
            while self.pos < len(text) and text[self.pos].isalnum():
                self.pos += 1
            return Tok(NUMBER, text[start:self.pos], self.loc(start))
        raise error(self.loc(), "unexpected character '%s'" % c)

    def _quoted(self):
        start = self.pos
        end = self.text.find('"', start + 1)
        if end < 0:
            raise error(self.loc(start), "unterminated string")
        body = self.text[start + 1:end]
        if not body:
            raise error(self.loc(start), "empty string")
        loc = self.loc(start)
        for i, c in enumerate(body):
            if c == "\n":
                self.newline(start + 1 + i + 1)
        self.pos = end + 1
        return Tok(WORD, body, loc, quoted=True)

    def _backslash_quoted(self):
        start = self.pos
        end = self.text.find('\\"', start + 2)
        newline = self.text.find("\n", start)
        if end < 0 or (0 <= newline < end):
            raise error(self.loc(start), "unterminated \\\" string")
        self.pos = end + 2
        return Tok(WORD, '"%s"' % self.text[start + 2:end], self.loc(start),
                   quoted=True)

    def _value(self):
        """What follows '=': the run up to white space or '#', verbatim,
        unless a quoted string at least as long is there (config(8)
        takes the longer match)."""
        text = self.text
        start = self.pos
        end = start
        while end < len(text) and text[end] not in " \t\n#":
            end += 1
        run = end - start
        if text.startswith('\\"', start):
            close = text.find('\\"', start + 2)
            if close > start + 2 and close + 2 - start >= run:
                return self._backslash_quoted()
        elif text.startswith('"', start):
            close = text.find('"', start + 1)
            if close > start + 1 and close + 1 - start >= run:
                return self._quoted()
        if run == 0:
            raise error(self.loc(), "expected a value after '='")
        self.pos = end
        return Tok(WORD, text[start:end], self.loc(start), quoted=True)


def read_kernel_config(path):
    config = KernelConfig(path)
    _Parser(config).read(path, None, ())
    return config


class _Parser:
    def __init__(self, config):
        self.config = config

    def read(self, path, at, chain, name=None):
        real = os.path.realpath(path)
        if real in [p for p, _ in chain]:
            notes = [(loc, "included from here") for _, loc in chain
                     if loc is not None]
            raise error(at, "include loop: '%s' is already being read" %
                        name, *reversed(notes))
        src = read_source(path, at)
        self.config.files.append(path)
        self.chain = chain + ((real, at),)
        self.toks = list(_Lexer(src).tokens())
        self.i = 0
        self.path = path
        while self.i < len(self.toks):
            if self.tok.kind == SEP:
                self.i += 1
                continue
            self.statement()

    @property
    def tok(self):
        return self.toks[self.i]

    def advance(self):
        tok = self.tok
        self.i += 1
        return tok

    def expect(self, what, kind=WORD):
        tok = self.tok
        if tok.kind != kind:
            raise error(tok.loc, "expected %s, found %s" % (what, _describe(tok)))
        return self.advance()

    def end(self):
        if self.tok.kind != SEP:
            raise error(self.tok.loc, "expected end of line, found %s" %
                        _describe(self.tok))

    def statement(self):
        kw = self.tok
        if kw.kind != WORD or kw.quoted:
            raise error(kw.loc, "expected a keyword, found %s" % _describe(kw))
        handler = _KEYWORDS.get(kw.text)
        if handler is None:
            hint = ""
            if kw.text.lower() in _KEYWORDS:
                hint = "; keywords are lower case: '%s'" % kw.text.lower()
            raise error(kw.loc, "unknown keyword '%s'%s" % (kw.text, hint))
        self.advance()
        handler(self, kw)
        self.end()

    # -- statements ------------------------------------------------------

    def single(self, kw):
        value = self.expect("a name after '%s'" % kw.text)
        attr = kw.text
        prev = getattr(self.config, attr)
        if prev is not None and attr != "ident":
            raise error(kw.loc, "only one '%s' line is allowed" % attr,
                        (prev[1], "the first is here"))
        setattr(self.config, attr, (value.text, kw.loc))

    def cpu(self, kw):
        name = self.expect("a cpu name")
        self.config.cpus.append((name.text, name.loc))

    def maxusers(self, kw):
        tok = self.expect("a number after 'maxusers'", NUMBER)
        self.config.maxusers = _number(tok)

    def options(self, kw):
        self.config.options += self.settings(value_required=False)

    def makeoptions(self, kw):
        self.config.makeoptions += self.settings(value_required=True)

    def settings(self, value_required):
        out = []
        while True:
            name = self.expect("an option name")
            if name.quoted and "=" in name.text:
                raise error(name.loc, "the '=' of an option must not be "
                            "inside the quotes")
            value = None
            if self.tok.kind == "=":
                self.advance()
                value = self.expect("a value after '='").text
            elif value_required:
                raise error(self.tok.loc, "expected '=' and a value after "
                            "'%s'" % name.text)
            out.append(Setting(name.text, value, name.loc))
            if self.tok.kind != ",":
                return out
            self.advance()

    def nooptions(self, kw):
        while True:
            name = self.expect("an option name")
            self.config.options = [o for o in self.config.options
                                   if o.name != name.text]
            if self.tok.kind != ",":
                return
            self.advance()

    def config_kernel(self, kw):
        name = self.expect("a kernel name after 'config'")
        if self.tok.kind != SEP:
            raise error(self.tok.loc, "root/dump/swap specifications are "
                        "obsolete")
        self.config.makeoptions.append(Setting("KERNEL", name.text, name.loc))

    def device(self, kw):
        pseudo = kw.text == "pseudo-device"
        name, unit = self.device_name()
        count = None
        if pseudo:
            # 'loop2' and 'loop 2' both mean a count of 2.
            count, unit = unit, None
            if count is None and self.tok.kind == NUMBER:
                count = _number(self.advance())
            parent = (None, None)
        else:
            parent = self.device_info() or (None, None)
        self.config.devices.append(Device(name.text, unit, pseudo, count,
                                          name.loc, *parent))

    def device_name(self):
        """NAME or NAME<unit>: config(8) splits a name at its first digit;
        a quoted name is taken whole."""
        tok = self.expect("a device name")
        if tok.quoted:
            return tok, None
        word = tok.text
        cut = next((i for i, c in enumerate(word) if c.isdigit()), len(word))
        unit = word[cut:]
        if unit and not unit.isdigit():
            raise error(tok.loc, "device name '%s' has a digit inside; "
                        "quote it: \"%s\"" % (word, word))
        name = Tok(WORD, word[:cut], tok.loc)
        if not name.text:
            raise error(tok.loc, "expected a device name, found '%s'" % word)
        return name, int(unit) if unit else None

    def device_info(self):
        """at PARENT [N|?] and resource clauses, checked; returns
        (parent, its unit) or None.  The resources are not kept."""
        parent = None
        if self.tok.kind == WORD and self.tok.text == "at":
            self.advance()
            name, unit = self.device_name()
            if self.tok.kind == NUMBER:
                unit = _number(self.advance())
            elif self.tok.kind == "?":
                self.advance()
                unit = None
            parent = (name.text, unit)
        while self.tok.kind == WORD and self.tok.text in _DEVICE_INFO:
            word = self.advance()
            if word.text == "disable":
                continue
            if self.tok.kind not in (NUMBER, WORD, "?"):
                raise error(self.tok.loc, "expected a value after '%s'" %
                            word.text)
            self.advance()
        return parent

    def nodevice(self, kw):
        name = self.expect("a device name")
        self.config.devices = [d for d in self.config.devices
                               if d.name != name.text]

    def include(self, kw):
        name = self.expect("a file name after 'include'")
        self.end()
        base = os.path.dirname(self.path)
        path = name.text if os.path.isabs(name.text) else \
            os.path.join(base, name.text)
        if not os.path.exists(path):
            raise error(name.loc, "cannot find included config '%s'" %
                        name.text)
        saved = (self.toks, self.i, self.path, self.chain)
        self.read(path, name.loc, self.chain, name.text)
        self.toks, self.i, self.path, self.chain = saved


_DEVICE_INFO = frozenset("bus target unit drive irq drq iomem iosiz port "
                         "flags disable".split())

_KEYWORDS = {
    "platform": _Parser.single,
    "machine": _Parser.single,
    "machine_arch": _Parser.single,
    "ident": _Parser.single,
    "cpu": _Parser.cpu,
    "maxusers": _Parser.maxusers,
    "option": _Parser.options,
    "options": _Parser.options,
    "makeoptions": _Parser.makeoptions,
    "config": _Parser.config_kernel,
    "device": _Parser.device,
    "pseudo-device": _Parser.device,
    "include": _Parser.include,
    "nooption": _Parser.nooptions,
    "nooptions": _Parser.nooptions,
    "nodevice": _Parser.nodevice,
}


def _number(tok):
    text = tok.text
    try:
        if text.lower().startswith(("0x", "-0x")):
            return int(text, 16)
        if len(text) > 1 and text.startswith("0"):
            return int(text, 8)
        return int(text, 10)
    except ValueError:
        raise error(tok.loc, "malformed number '%s'" % text) from None


def _describe(tok):
    if tok.kind == SEP:
        return "end of file" if tok.text == "" else "end of line"
    return "'%s'" % tok.text
