"""The model of an xio definition file: the paths it converts.

    path pipe_write pattern: user_pages, file: "sys/kern/sys_pipe.c",
        function: pipe_write, min: 16384, align: 1, enabled: yes,
        doc: "pipe writes: the writer's pages copied into the buffer";

`pattern:` says how the path moves its bytes and so which wrapper it
gets:

    user_pages  uiomove(kbuf, n, uio) between a kernel buffer and a user
                uio: the wrapper holds windows of the user's pages and
                copies them page by page (dfxio_uio_kbuf);
    buf_pages   uiomovebp(bp, bp->b_data + offset, n, uio): the wrapper
                moves the bytes through the buffer's own pages, each
                mapped while it is copied, and never through b_data
                (dfxio_uio_buf).

`file:` and `function:` say where the converted call is (the overlay's
edit puts it there); `min:` is the smallest transfer that takes the page
list (default: options XIO_WRAPPERS_MIN_BYTES, 16384 without it),
`align:` a power of two both the kernel and the user address must be
aligned to, `enabled:` the switch's value at boot.  Each path has its
switch under sysctl kern.dfxio.<name>.
"""

from dataclasses import dataclass

from dfgen_core import expr
from dfgen_core.bind import Form, bind, dispatch, symbol
from dfgen_core.diag import error
from dfgen_core.names import is_c_identifier
from dfgen_core.source import file_loc

PATTERNS = ("user_pages", "buf_pages")
MAX_ALIGN = 4096
_ATTRS = {"pattern": symbol(*PATTERNS), "file": expr.string,
          "function": lambda e, scope: _c_function(e),
          "min": expr.integer, "align": expr.integer,
          "enabled": symbol("yes", "no"), "doc": expr.string}
FORMS = {"path": Form("path", "path", attrs=_ATTRS)}
REQUIRED_ATTRS = ("pattern", "file", "function")


def _c_function(e):
    """A C function name, written bare or as a string."""
    name = getattr(e, "name", None)
    if name is None:
        name = getattr(e, "value", None)
    if not isinstance(name, str) or not is_c_identifier(name):
        raise error(expr.expr_loc(e), "expected the name of a C function")
    return name


@dataclass(frozen=True)
class Path:
    name: str
    cname: str          # stem_name: the wrapper
    index: str          # STEM_NAME: its slot in the table
    pattern: str
    file: str
    function: str
    min_bytes: object   # int, or None for the option's value
    align: int
    enabled: bool
    doc: str


@dataclass(frozen=True)
class Model:
    stem: str
    table: str          # stem_paths
    count: str          # STEM_NPATHS
    paths: tuple

    def uses(self, pattern):
        return any(p.pattern == pattern for p in self.paths)


def build_model(unit, stem):
    if not is_c_identifier(stem):
        raise error(file_loc(unit.src.path), "the file's name, '%s', "
                    "cannot start C names" % stem)
    paths, seen = [], {}
    for stmt in unit.stmts:
        b = bind(stmt, dispatch(stmt, FORMS), unit.consts)
        if b.name in seen:
            raise error(b.loc, "path '%s' is already defined" % b.name,
                        (seen[b.name], "previous definition is here"))
        seen[b.name] = b.loc
        paths.append(_path(b, stem))
    if not paths:
        raise error(file_loc(unit.src.path), "no paths: an xio definition "
                    "names at least one 'path'")
    return Model(stem, stem + "_paths", stem.upper() + "_NPATHS",
                 tuple(paths))


def _path(b, stem):
    for attr in REQUIRED_ATTRS:
        if attr not in b.attrs:
            raise error(b.loc, "path '%s' needs '%s:'" % (b.name, attr))
    target = b.attrs["file"]
    parts = target.split("/")
    if target.startswith("/") or any(p in ("", ".", "..") for p in parts) \
            or not target.endswith(".c"):
        raise error(b.attr_locs["file"], "'%s' is not a C file relative to "
                    "SRCTOP" % target)
    doc = b.attrs.get("doc", "")
    if "*/" in doc or "\n" in doc:
        raise error(b.attr_locs["doc"], "a doc string is one line of a C "
                    "comment: no newline, no '*/'")
    min_bytes = b.attrs.get("min")
    if min_bytes is not None and not 0 <= min_bytes <= 0x7fffffff:
        raise error(b.attr_locs["min"], "min: %d is not a transfer size "
                    "(0 to 2147483647 bytes)" % min_bytes)
    align = b.attrs.get("align", 1)
    if not 1 <= align <= MAX_ALIGN or align & (align - 1):
        raise error(b.attr_locs["align"], "align: %d is not a power of two "
                    "from 1 to %d" % (align, MAX_ALIGN))
    return Path(b.name, "%s_%s" % (stem, b.name),
                ("%s_%s" % (stem, b.name)).upper(), b.attrs["pattern"],
                target, b.attrs["function"], min_bytes, align,
                b.attrs.get("enabled", "yes") == "yes", doc)
