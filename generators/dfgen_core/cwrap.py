"""Fold generated C into lines of at most 80 columns, as style(9) does.

Templates say what a statement is; how long its line comes out depends
on the names in a definition, which a template cannot know.  So a
template that opts in (`{% filter cwrap %}`) is folded after rendering:

- a statement or declaration is broken after a comma or a binary
  operator, at the lowest nesting depth that fits (the rightmost such
  place), or, when none does, after the parenthesis of a call whose
  arguments can then be folded, and continued four spaces in from its
  first line (a tab and four spaces for a prototype);
- a line of a block comment is refilled word by word under the same
  " * " prefix, with the lines of its paragraph that follow it; a
  one-line comment becomes a block;
- a trailing comment after code loses its alignment tabs, or moves to
  the line above when even that is too long.

The body of a macro is folded the same way, each line but its last
ending in a backslash; a body of assembly (instructions separated by
"; ") breaks between instructions and keeps its indentation.
Preprocessor lines and lines that have no place to break (one long
string) are left as they are.
"""

import re

WIDTH = 80
TAB = 8

_COMMENT_LINE = re.compile(r"^(\t*)( \* )(.*)$")
_ONE_COMMENT = re.compile(r"^(\t*)/\* (.*) \*/$")
_TRAILING = re.compile(r"^(\t*\S.*?)([ \t]+)(/\*(?:(?!\*/).)*\*/)$")
# After these a line may break, operator kept at the end (rank: commas
# and a for's semicolons first, then logical, conditional and arithmetic
# operators).  Only a comma may break a line outside parentheses.
_BREAKS = ((", ", 0), ("; ", 0), ("&& ", 1), ("|| ", 1), ("? ", 2),
           (": ", 2), ("+ ", 3), ("- ", 3), ("| ", 3), (">> ", 3),
           ("<< ", 3))


def width(line):
    return len(line.expandtabs(TAB))


def wrap(text, limit=WIDTH):
    """`text` with every line folded to `limit` columns where it can be."""
    lines = text.split("\n")
    out, i, depth = [], 0, 0
    while i < len(lines):
        if (i > 0 and lines[i - 1].endswith("\\")) or \
                (lines[i].endswith("\\") and
                 not lines[i].startswith("#")):
            out.extend(_fold_macro(lines[i], limit))
            i += 1
            continue
        m = _COMMENT_LINE.match(lines[i])
        if m and width(lines[i]) > limit:
            # Refill the long line with the rest of its paragraph.
            prefix = m.group(1) + m.group(2)
            end = i + 1
            while end < len(lines) and lines[end].startswith(prefix):
                end += 1
            words = [w[len(prefix):] for w in lines[i:end]]
            out.extend(_refill(prefix, " ".join(words), limit))
            i = end
            continue
        out.extend(_fold(lines[i], limit, depth))
        if not _is_comment(lines[i]) and not lines[i].startswith("#"):
            depth = max(0, _scan(lines[i], depth)[1])
        i += 1
    return "\n".join(out)


def _is_comment(line):
    body = line.lstrip("\t")
    return body.startswith(("/*", "*", " *"))


def _fold(line, limit, depth):
    if width(line) <= limit or line.rstrip().endswith("\\"):
        return [line]
    body = line.lstrip("\t")
    lead = line[:len(line) - len(body)]
    m = _ONE_COMMENT.match(line)
    if m:
        inner = _refill(m.group(1) + " * ", m.group(2), limit)
        return [m.group(1) + "/*"] + inner + [m.group(1) + " */"]
    m = _TRAILING.match(line)
    if m and not _inside_comment(m.group(1)):
        code, comment = m.group(1), m.group(3)
        if width(code + "\t" + comment) <= limit:
            return [code + "\t" + comment]
        return [lead + comment] + _fold(code, limit, depth)
    if body.startswith("#"):
        return [line]
    # A prototype in a header ("int\tname(...);") continues a tab and
    # four spaces in, a definition's head four spaces.
    cont = "\t    " if not lead and "\t" in body.split("(")[0] else \
        lead + "    "
    return _break(lead, body, cont, limit, depth)


def _fold_macro(line, limit):
    """A line of a macro's body: pieces that each end in a backslash,
    but for the last when the line did not."""
    if width(line) <= limit:
        return [line]
    more = line.endswith("\\")
    core = line[:-1].rstrip() if more else line
    body = core.lstrip("\t")
    lead = core[:len(core) - len(body)]
    pieces = []
    while width(lead + body + " \\") > limit:
        at = _pick(lead, body, 0, limit, True, " \\")
        if at is None:
            break
        end = at[0]
        pieces.append(lead + body[:end].rstrip())
        asm = body[:end].rstrip().endswith(";")
        body = body[end:].lstrip()
        if not asm and not lead.endswith("    "):
            lead += "    "
    pieces.append(lead + body)
    return [p + " \\" for p in pieces[:-1]] + \
        [pieces[-1] + (" \\" if more else "")]


def _refill(prefix, text, limit):
    lines, cur = [], ""
    for word in text.split():
        if cur and width(prefix + cur + " " + word) > limit:
            lines.append(prefix + cur)
            cur = word
        else:
            cur = cur + " " + word if cur else word
    if cur:
        lines.append(prefix + cur)
    return lines


def _inside_comment(code):
    return code.count("/*") > code.count("*/")


def _scan(body, depth, semis=False, calls=False):
    """The places `body`, which starts inside `depth` parentheses, may
    break after, each (depth, rank, end), and the depth at its end; with
    `semis`, a semicolon may break it at any depth, before any other
    place (assembly); with `calls`, only the opening parenthesis of a
    call may (the last resort of _pick)."""
    out, i = [], 0
    while i < len(body):
        c = body[i]
        if c in "\"'":
            j = i + 1
            while j < len(body) and body[j] != c:
                j += 2 if body[j] == "\\" else 1
            i = j + 1
            continue
        if body.startswith("/*", i):
            end = body.find("*/", i + 2)
            i = len(body) if end < 0 else end + 2
            continue
        if c in "([{":
            depth += 1
            if calls and c == "(" and i > 0 and \
                    (body[i - 1].isalnum() or body[i - 1] == "_") and \
                    not body.startswith("()", i):
                out.append((depth, 0, i + 1))
        elif c in ")]}":
            depth -= 1
        elif calls:
            pass
        elif c in ",;" or i > 0 and body[i - 1] == " ":
            for tok, rank in _BREAKS:
                if semis and tok == "; " and body.startswith(tok, i):
                    out.append((depth, -1, i + len(tok)))
                elif body.startswith(tok, i) and (tok == ", " or
                                                  depth > 0):
                    out.append((depth, rank, i + len(tok)))
        i += 1
    return out, depth


def _pick(lead, body, depth, limit, semis=False, tail=""):
    """Where to break `body` (indented by `lead`, inside `depth`
    parentheses) so that its head, followed by `tail`, fits: at the
    lowest depth, the best rank, the rightmost place; failing that,
    after the opening parenthesis of a call, as style(9) allows when
    the first argument alone is too long; (end of the head, depth
    there), or None when no head fits."""
    fits = [(d, r, e) for d, r, e in _scan(body, depth, semis)[0]
            if width(lead + body[:e].rstrip() + tail) <= limit and
            body[e:].strip()]
    if not fits:
        # A call's parenthesis, if what follows it can then be folded.
        fits = [(d, r, e) for d, r, e in
                _scan(body, depth, semis, calls=True)[0]
                if width(lead + body[:e].rstrip() + tail) <= limit and
                _scan(body[e:], d, semis)[0]]
    if not fits:
        return None
    low = min(d for d, _, _ in fits)
    best = min(r for d, r, _ in fits if d == low)
    return max(e for d, r, e in fits if d == low and r == best), low


def _break(lead, body, cont, limit, depth):
    """Break `body` (indented by `lead`, inside `depth` parentheses)
    into lines continued at `cont`."""
    if width(lead + body) <= limit:
        return [lead + body]
    at = _pick(lead, body, depth, limit)
    if at is None:
        return [lead + body]
    end, low = at
    return [lead + body[:end].rstrip()] + \
        _break(cont, body[end:].lstrip(), cont, limit, low)
