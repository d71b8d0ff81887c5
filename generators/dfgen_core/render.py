"""The one jinja2 environment.

Templates live in templates/<family>/.  The environment is strict (an
undefined value is an error, never an empty string), keeps whitespace
predictable (trim_blocks, lstrip_blocks, '\\n' newlines, the final newline
kept), and remembers every template file it loads so that the build can
depend on exactly those.  Every output starts with the banner of
templates/banner.j2, added here so no template can forget it.
"""

import os

import jinja2

from . import cwrap
from .paths import TEMPLATE_DIR

TAB = 8


class _RecordingLoader(jinja2.FileSystemLoader):
    def __init__(self, root):
        super().__init__(root)
        self.used = set()

    def get_source(self, environment, template):
        source, filename, uptodate = super().get_source(environment, template)
        self.used.add(filename)
        return source, filename, uptodate


class Renderer:
    def __init__(self, generator, root=TEMPLATE_DIR):
        self.generator = generator
        self.loader = _RecordingLoader(root)
        self.env = jinja2.Environment(
            loader=self.loader,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            newline_sequence="\n",
            autoescape=False,
        )
        self.env.filters.update(FILTERS)

    @property
    def templates_used(self):
        return sorted(self.loader.used)

    def render(self, template, source_name, **context):
        """Render `template` for the definition file `source_name`."""
        banner = self.env.get_template("banner.j2").render(
            generator=self.generator, source=os.path.basename(source_name),
            style=_comment_style(template))
        body = self.env.get_template(template).render(**context)
        return banner + "\n" + body


def _comment_style(template):
    base = template[:-len(".j2")] if template.endswith(".j2") else template
    if base.endswith((".mk", ".conf")) or base.startswith("Makefile"):
        return "hash"
    return "c"


# -- filters shared by every family --------------------------------------

def f_hex(value, width=0):
    """0x-prefixed lower-case hex, zero-padded to `width` digits."""
    if value < 0:
        raise ValueError("hex of a negative value %d" % value)
    return "0x%0*x" % (width, value)


def f_tabpad(text, column):
    """`text` followed by tabs up to `column` (0-based; tab stops of 8),
    and at least one tab: how style(9) lines up #define values."""
    width = len(text.expandtabs(TAB))
    tabs = 1
    while (width // TAB + tabs) * TAB < column:
        tabs += 1
    return text + "\t" * tabs


def f_continued(text):
    """A line of a macro and its backslash, lined up at column 72 as
    style(9) has it; after one space when the line reaches that column,
    so that it still fits in 80."""
    if len(text.expandtabs(TAB)) >= 72:
        return text + " \\"
    return f_tabpad(text, 72) + "\\"


def f_tabcolumn(texts):
    """The first tab stop past the longest of `texts`: the column at which
    to line up what follows them (with tabpad)."""
    return max(len(t.expandtabs(TAB)) for t in texts) // TAB * TAB + TAB


def f_cstring(text):
    """A C string literal for `text`."""
    out = []
    for c in text:
        if c in "\\\"":
            out.append("\\" + c)
        elif c == "\n":
            out.append("\\n")
        elif c == "\t":
            out.append("\\t")
        elif " " <= c <= "~":
            out.append(c)
        else:
            out.append("".join("\\%03o" % b for b in c.encode("utf-8")))
    return '"' + "".join(out) + '"'


def f_string_macro(head, pieces, limit=80):
    """A #define of the string literal `pieces` (escaped C text, without
    quotes) make: on the line of `head` (the #define and its name, padded)
    when it fits, else a literal a line, adjacent literals being one
    string, each line as full as fits, a tab in."""
    one = head + '"' + "".join(pieces) + '"'
    if len(one.expandtabs(TAB)) <= limit:
        return one
    lines, cur = [], ""
    for p in pieces:
        if cur and len(('\t"' + cur + p + '" \\').expandtabs(TAB)) > limit:
            lines.append('\t"' + cur + '" \\')
            cur = ""
        cur += p
    lines.append('\t"' + cur + '"')
    return head.rstrip("\t") + "\t\\\n" + "\n".join(lines)


def f_guard(filename):
    """The include guard for a header name: foo_bar.h -> _FOO_BAR_H_."""
    return "_" + "".join(c.upper() if c.isalnum() else "_"
                         for c in filename) + "_"


def f_cint(value, radix=10, width=0):
    """An integer constant with the suffix its magnitude needs in C; in
    hex of at least `width` digits when radix is 16 (negative values stay
    decimal)."""
    if value < 0:
        return "(%d%s)" % (value, "" if value >= -(1 << 31) else "LL")
    digits = "0x%0*x" % (width, value) if radix == 16 else "%d" % value
    if value <= 0x7fffffff:
        return digits
    if value <= 0xffffffff:
        return digits + "U"
    return digits + "ULL"


def f_prepend(text, prefix):
    return prefix + text


def f_trailing_comment(text):
    """'\t/* text */' after a line, or nothing for empty text."""
    return "\t/* %s */" % text if text else ""


FILTERS = {
    "cwrap": cwrap.wrap,
    "prepend": f_prepend,
    "trailing_comment": f_trailing_comment,
    "hex": f_hex,
    "tabpad": f_tabpad,
    "continued": f_continued,
    "tabcolumn": f_tabcolumn,
    "cstring": f_cstring,
    "string_macro": f_string_macro,
    "guard": f_guard,
    "cint": f_cint,
}
