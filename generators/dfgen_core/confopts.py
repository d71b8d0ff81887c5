"""Options files (sys/conf/options syntax) and the opt_*.h they produce.

An options file declares one option per line, `NAME [FILE]`; without a
FILE the header is opt_<lower-case name>.h.  config(8) reads two words
at a time, so a third word on a line starts another declaration, and a
word starting with '#' comments out the rest of the line; a '\\' at the
start of a word continues the line.  Only a first word can start a
comment: `NAME # note` declares NAME in a header named '#'.  These
quirks are kept, so that a tree's options files mean here exactly what
they mean to config(8), and the last one is warned about.

opt_headers() computes the headers config(8) writes into a fresh build
directory: every file any declaration names, each holding
`#define NAME VALUE` for the options the config sets (a valueless option
is 1), in config(8)'s order, which comes from it walking the
declarations last to first and rewriting each header as it goes.
"""

import re
from dataclasses import dataclass

from .diag import error, warning
from .source import Loc, read_source


_WORD = re.compile(r"[^ \t\r]+")


@dataclass(frozen=True)
class Declaration:
    name: str
    header: str
    loc: Loc


def read_options_file(path, at=None):
    """[Declaration] of one options file, in file order."""
    src = read_source(path, at)
    out = []
    for words in _logical_lines(src):
        i = 0
        while i < len(words):
            (word, loc) = words[i]
            if word.startswith("#"):
                break
            if i + 1 < len(words):
                header, hloc = words[i + 1]
                i += 2
                if not header.endswith(".h"):
                    warning(hloc, "option '%s' is declared in a file named "
                            "'%s': config(8) reads two words at a time" %
                            (word, header))
            else:
                header = "opt_%s.h" % word.lower()
                i += 1
            out.append(Declaration(word, header, loc))
    return out


def _logical_lines(src):
    """Lists of (word, Loc), one per logical line: a word that starts
    with '\\' loses it and, last on its line, joins the next line on."""
    words = []
    for lineno, line in enumerate(src.text.split("\n"), 1):
        found = list(_WORD.finditer(line))
        joined = False
        for k, m in enumerate(found):
            word = m.group()
            if word.startswith("\\"):
                word = word[1:]
                joined = k == len(found) - 1
            if word:
                words.append((word, Loc(src, lineno, m.start() + 1)))
        if not joined and words:
            yield words
            words = []
    if words:
        yield words


def check_unique(declarations):
    """Error on an option declared twice."""
    seen = {}
    for d in declarations:
        if d.name in seen:
            raise error(d.loc, "option '%s' is declared twice" % d.name,
                        (seen[d.name].loc, "first declared here"))
        seen[d.name] = d


def option_values(settings):
    """name -> value (a valueless option is "1"); the first time a name
    is set wins, as in config(8).  Returns (values, [(later, first)])
    for the settings that were overridden with another value."""
    values, first, overridden = {}, {}, []
    for s in settings:
        value = "1" if s.value is None else s.value
        if s.name in values:
            if values[s.name] != value:
                overridden.append((s, first[s.name]))
            continue
        values[s.name] = value
        first[s.name] = s
    return values, overridden


def opt_headers(declarations, values):
    """{header: text} as config(8) writes them into a fresh directory."""
    files = {}
    for d in reversed(declarations):
        v = values.get(d.name)
        if d.header not in files:
            files[d.header] = [(d.name, v)] if v is not None else []
            continue
        kept, seen, old = [], False, None
        for n, x in files[d.header]:
            if n == d.name:
                old, x, seen = x, v, True
            kept.insert(0, (n, x))
        if v == old:
            continue
        if v is not None and not seen:
            kept.insert(0, (d.name, v))
        files[d.header] = [(n, x) for n, x in kept if x is not None]
    return {h: "".join("#define %s %s\n" % nv for nv in lines)
            for h, lines in files.items()}
