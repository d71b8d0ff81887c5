"""Source files and positions in them.

Every input dfgen reads, whatever its syntax, is loaded through
read_source() so that positions (file, line, column) mean the same thing
everywhere and every error can quote the line the person wrote.
"""

from dataclasses import dataclass

from .diag import DfgenError, Diagnostic


@dataclass(frozen=True)
class SourceFile:
    """A decoded input file.  `path` is kept as the user spelled it."""

    path: str
    text: str

    def line_text(self, line):
        """The text of a 1-based line, without its newline."""
        lines = self.text.split("\n")
        if 1 <= line <= len(lines):
            return lines[line - 1].rstrip("\r")
        return ""


@dataclass(frozen=True)
class Loc:
    """A position: 1-based line and column (columns count characters)."""

    src: SourceFile
    line: int
    col: int

    def __str__(self):
        return "%s:%d:%d" % (self.src.path, self.line, self.col)


class Scanner:
    """A scan through a SourceFile: the offset, the line it is on and
    the offset where that line begins, from which Locs are made.  The
    readers of foreign formats (kernconf, conffiles) build on it."""

    def __init__(self, src):
        self.src = src
        self.text = src.text
        self.pos = 0
        self.line = 1
        self.bol = 0

    def loc(self, pos=None):
        pos = self.pos if pos is None else pos
        return Loc(self.src, self.line, pos - self.bol + 1)

    def newline(self, pos):
        """Count a newline; the next line starts at offset `pos`."""
        self.line += 1
        self.bol = pos


def file_loc(path):
    """A position that names a whole file (no line to quote)."""
    return Loc(SourceFile(path, ""), 0, 0)


def read_source(path, at=None):
    """Read and decode `path` as UTF-8.

    `at` is the position that asked for the file (an include statement),
    where a missing file is reported; without it the file itself is named.
    """
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        where = at if at is not None else file_loc(path)
        reason = e.strerror or str(e)
        raise DfgenError(Diagnostic(where, "cannot read '%s': %s" %
                                    (path, reason))) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise DfgenError(_bad_byte(path, data, e.start)) from None
    if "\0" in text:
        return _reject_nul(path, text)
    return SourceFile(path, text)


def _bad_byte(path, data, offset):
    good = data[:offset].decode("utf-8")
    line = good.count("\n") + 1
    col = len(good) - (good.rfind("\n") + 1) + 1
    text = data.decode("utf-8", errors="replace")
    src = SourceFile(path, text)
    return Diagnostic(Loc(src, line, col),
                      "invalid UTF-8 byte 0x%02x" % data[offset])


def _reject_nul(path, text):
    offset = text.index("\0")
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    src = SourceFile(path, text.replace("\0", " "))
    raise DfgenError(Diagnostic(Loc(src, line, col), "NUL byte in input"))
