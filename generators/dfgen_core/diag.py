"""The one error reporter.

A diagnostic prints as

    path:line:col: error: message
    <the source line>
    <a caret under the column>
    path:line:col: note: message       (optional, each with its line)

so that editors and people can jump to the line they wrote.  Exit status
1 means bad input, 2 bad usage.
"""

import sys
from dataclasses import dataclass, field

EXIT_INPUT = 1
EXIT_USAGE = 2


@dataclass
class Diagnostic:
    loc: object                      # source.Loc
    message: str
    notes: list = field(default_factory=list)   # [(Loc, str)]

    def note(self, loc, message):
        self.notes.append((loc, message))
        return self


class DfgenError(Exception):
    """Bad input: carries the diagnostic to print."""

    def __init__(self, diag):
        super().__init__(diag.message)
        self.diag = diag


def error(loc, message, *notes):
    """Build a DfgenError at `loc`; `notes` are (loc, message) pairs."""
    return DfgenError(Diagnostic(loc, message, list(notes)))


def warning(loc, message, *notes):
    """Print a warning now, in the same form as an error."""
    sys.stderr.write(format_diagnostic(Diagnostic(loc, message, list(notes)),
                                       "warning"))


class UsageError(Exception):
    """Bad command line (exit status 2)."""


def format_diagnostic(diag, kind="error"):
    lines = _format_one(diag.loc, kind, diag.message)
    for loc, message in diag.notes:
        lines += _format_one(loc, "note", message)
    return "".join(line + "\n" for line in lines)


def _format_one(loc, kind, message):
    if loc.line == 0:
        return ["%s: %s: %s" % (loc.src.path, kind, message)]
    out = ["%s: %s: %s" % (loc, kind, message)]
    text = loc.src.line_text(loc.line)
    out.append(text)
    # Keep tabs so the caret lines up under the same column in a terminal.
    pad = "".join(c if c == "\t" else " " for c in text[:loc.col - 1])
    out.append(pad + "^")
    return out
