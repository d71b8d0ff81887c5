"""Anchored edits: lines the overlay inserts into a file of the tree
that it does not own, next to a line that says where.

An edit description is a file under sys-overlays/ whose name ends in
`.edit`; it is read, never installed.  It is written in the definition
language:

    # lwkt_switch(): a probe before the switch.
    edit lwkt_thread file: "sys/kern/lwkt_thread.c" {
        insert switch_out after: "KTR_LOG(ctxsw_sw, gd->gd_cpuid, ntd);" {
            line = "#ifdef CTXSW_PROBES";
            line = "\tctxsw_probe_switch_out(td, ntd);";
            line = "#endif";
        }
        insert header before: "#include <sys/param.h>" {
            line = "#include \"opt_ctxsw_probes.h\"";
        }
    }

`file:` is the target, relative to SRCTOP.  Each `insert` has a name
(unique in its edit, for messages), exactly one of `after:` or
`before:`, and its lines, inserted as written with a newline each.
The anchor is matched against the target as the tree had it before the
overlay (the original kept in .dfgen-overlay/orig): it matches a line
whose text, less leading and trailing blanks, is exactly the anchor,
and it must match exactly one line, or the run is refused at the
anchor with the lines it matched.  Keep anchors short: one line that
names a place (a function's first line, a unique statement) is a fact
about the tree, not a copy of it.

Every insert into one target, from every description, is applied at
once to the original: inserts at one anchor keep the order of their
descriptions (sorted by path) and of their statements, so the result
does not depend on what other edits did.  Two descriptions may edit
one file; a file the overlay also installs whole cannot be edited.
"""

from dataclasses import dataclass

from dfgen_core import expr
from dfgen_core.bind import REQUIRED, Form, bind, dispatch
from dfgen_core.diag import error
from dfgen_core.loader import load

SUFFIX = ".edit"

_EDIT = {"edit": Form("edit", "edit", body=REQUIRED,
                      attrs={"file": expr.string})}
_INSERT = {"insert": Form("insert", "insert", body=REQUIRED,
                          attrs={"after": expr.string,
                                 "before": expr.string})}
_LINE = Form(None, "line", value=REQUIRED)


@dataclass(frozen=True)
class Insert:
    name: str
    where: str          # 'after' or 'before'
    anchor: str
    anchor_loc: object
    lines: tuple        # str, without newlines
    loc: object


@dataclass(frozen=True)
class Edit:
    """The inserts of one description into one target."""
    target: str         # relative to SRCTOP
    name: str
    inserts: tuple
    loc: object


def read_edits(path):
    """The Edits of one description file."""
    unit = load(path)
    edits = []
    for stmt in unit.stmts:
        b = bind(stmt, dispatch(stmt, _EDIT), unit.consts)
        if "file" not in b.attrs:
            raise error(b.loc, "edit '%s' needs 'file:' (the file it "
                        "edits, relative to SRCTOP)" % b.name)
        target = b.attrs["file"]
        parts = target.split("/")
        if target.startswith("/") or any(p in ("", ".", "..")
                                         for p in parts):
            raise error(b.attr_locs["file"], "'%s' is not a path relative "
                        "to SRCTOP" % target)
        edits.append(Edit(target, b.name, _inserts(b, unit.consts), b.loc))
    return edits


def _inserts(edit, scope):
    out, names = [], {}
    for stmt in edit.body:
        b = bind(stmt, dispatch(stmt, _INSERT), scope)
        if b.name in names:
            raise error(b.loc, "insert '%s' is already in edit '%s'" %
                        (b.name, edit.name),
                        (names[b.name], "previous insert is here"))
        names[b.name] = b.loc
        given = [w for w in ("after", "before") if w in b.attrs]
        if len(given) != 1:
            raise error(b.attr_locs[given[1]] if given else b.loc,
                        "insert '%s' needs one of 'after:' or 'before:' "
                        "(an anchor line)" % b.name)
        where = given[0]
        anchor = b.attrs[where].strip()
        if not anchor or "\n" in anchor:
            raise error(b.attr_locs[where], "an anchor is one non-blank "
                        "line")
        lines = []
        for s in b.body:
            item = bind(s, _LINE, scope)
            if item.name != "line" or not isinstance(item.value, str):
                raise error(item.loc, "expected 'line = \"text\";'")
            if "\n" in item.value:
                raise error(item.value_loc, "a line cannot hold a newline; "
                            "write one 'line' each")
            lines.append(item.value)
        if not lines:
            raise error(b.loc, "insert '%s' has no lines" % b.name)
        out.append(Insert(b.name, where, anchor, b.attr_locs[where],
                          tuple(lines), b.loc))
    if not out:
        raise error(edit.loc, "edit '%s' has no inserts" % edit.name)
    return tuple(out)


def apply_edits(original, edits, target_path):
    """`original` (bytes) with every insert of `edits` made.  An anchor
    that matches no line, or more than one, is an error at the anchor;
    `target_path` names the target in it."""
    lines = original.split(b"\n")
    stripped = [line.strip() for line in lines]
    before, after = {}, {}
    for edit in edits:
        for ins in edit.inserts:
            key = ins.anchor.encode("utf-8")
            hits = [i for i, text in enumerate(stripped) if text == key]
            if not hits:
                raise error(ins.anchor_loc, "anchor of insert '%s' matches "
                            "no line of %s" % (ins.name, target_path))
            if len(hits) > 1:
                raise error(ins.anchor_loc, "anchor of insert '%s' matches "
                            "%d lines of %s (lines %s); it must match one" %
                            (ins.name, len(hits), target_path,
                             ", ".join(str(i + 1) for i in hits)))
            table = after if ins.where == "after" else before
            table.setdefault(hits[0], []).extend(
                line.encode("utf-8") for line in ins.lines)
    out = []
    for i, line in enumerate(lines):
        out += before.get(i, [])
        out.append(line)
        out += after.get(i, [])
    return b"\n".join(out)
