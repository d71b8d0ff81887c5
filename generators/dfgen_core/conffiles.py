"""Files lists (sys/conf/files syntax) and what a kernel config selects
from them, exactly as config(8) does.

An entry is a logical line:

    PATH  TYPE  { PARAM }
    TYPE  := standard | optional | mandatory | nonoptional
    PARAM := config-dependent | no-obj | no-implicit-rule | before-depend
           | nowerror | local | no-depend
           | dependency "STR" | clean "STR" | compile-with "STR"
           | warning "STR"
           | any other word: a requirement

Words are separated by blanks; a backslash that starts a word and is
followed by nothing but blanks up to the newline joins the next line on;
a '#' starting the first word of a line comments out the line (with its
continuations).  A quoted string ('"' or "'") has no escapes and must
close on its line.  A repeated string parameter keeps the last value.

Selection (select_files) walks the lists in reading order.  Every
requirement must hold: a configured device or pseudo-device of that
exact name (case-sensitive), or a valueless option of that name in any
case (the cpu names count as valueless options; an option with a value
never does).  A `standard` entry's requirement that is not a device is
satisfied, and turns that name into a pseudo-device for the entries
after it.  `mandatory` fails without its device, `nonoptional` without
its device or option.  `local` and `no-depend` change the entry's type
and do not constrain it.  When a path is listed again, only the first
visible entry counts; in the local list (files.<IDENT>), an entry takes
the slot of the entry whose last path component is the same.

use_headers() computes the use_*.h headers config(8) writes into a fresh
build directory.  Where config(8) misreads its input (a missing newline
at the end of a list drops the last entry and every list after it), this
module reports an error at that line instead.
"""

from dataclasses import dataclass, field

from .diag import error
from .source import Loc, Scanner, read_source

TYPES = ("standard", "optional", "mandatory", "nonoptional")
FLAGS = frozenset(("config-dependent", "no-obj", "no-implicit-rule",
                   "before-depend", "nowerror"))
STRINGS = frozenset(("dependency", "clean", "compile-with", "warning"))
# Words that count as requirements for config(8) but only set the type.
TYPE_WORDS = {"local": "local", "no-depend": "no-depend"}


@dataclass(frozen=True)
class Word:
    text: str
    loc: Loc
    quoted: bool = False


@dataclass
class Entry:
    """One entry of a files list."""

    path: str
    kind: str                   # one of TYPES
    requirements: list          # [Word]
    loc: Loc                    # of the path
    listed_in: str              # the list's path
    local_list: bool = False    # read from files.<IDENT>
    type: str = "normal"        # normal, local or no-depend
    flags: set = field(default_factory=set)
    strings: dict = field(default_factory=dict)     # name -> str

    @property
    def tail(self):
        return self.path.rsplit("/", 1)[-1]

    @property
    def object(self):
        """What config(8) names the object: the last path component
        with its last character replaced by 'o'."""
        return self.tail[:-1] + "o"

    @property
    def compile_with(self):
        return self.strings.get("compile-with")

    def has(self, flag):
        return flag in self.flags


# -- reading ---------------------------------------------------------------


class _Words(Scanner):
    """config(8)'s get_word/get_quoted_word over one list, with positions.
    next_word() returns a Word, None at the end of a logical line, or
    EOF."""

    EOF = object()

    def _blank_and_continuation(self):
        """Skip blanks and backslash-newline joins; return the next
        character's position (len(text) at the end)."""
        text = self.text
        escaped = False
        while self.pos < len(text):
            c = text[self.pos]
            if c in " \t":
                self.pos += 1
            elif c == "\\":
                escaped = True
                self.pos += 1
            elif c == "\n" and escaped:
                escaped = False
                self.pos += 1
                self.newline(self.pos)
            else:
                break
        return self.pos

    def _end_of_line(self):
        self.pos += 1
        self.newline(self.pos)

    def next_word(self):
        text = self.text
        start = self._blank_and_continuation()
        if start >= len(text):
            return self.EOF
        if text[start] == "\n":
            self._end_of_line()
            return None
        end = start
        while end < len(text) and not text[end].isspace():
            end += 1
        if end >= len(text):
            # config(8) loses a word that the file's end cuts off.
            raise error(self.loc(start), "the list ends without a newline: "
                        "config(8) would drop this entry and read no "
                        "further list")
        self.pos = end
        return Word(text[start:end], self.loc(start))

    def next_string(self, what):
        """The value of a string parameter: quoted, or one word."""
        text = self.text
        start = self._blank_and_continuation()
        if start >= len(text):
            raise error(self.loc(start), "expected %s, found end of file" %
                        what)
        c = text[start]
        if c == "\n":
            raise error(self.loc(start), "expected %s, found end of line" %
                        what)
        if c in "\"'":
            close = text.find(c, start + 1)
            newline = text.find("\n", start + 1)
            if close < 0 or 0 <= newline < close:
                raise error(self.loc(start), "missing closing %s: a string "
                            "must end on its line" % c)
            self.pos = close + 1
            return Word(text[start + 1:close], self.loc(start), quoted=True)
        return self.next_word()

    def skip_line(self):
        while True:
            w = self.next_word()
            if w is None or w is self.EOF:
                return


def read_files_list(path, local_list=False, at=None):
    """[Entry] of one files list, in file order."""
    src = read_source(path, at)
    words = _Words(src)
    entries = []
    while True:
        first = words.next_word()
        if first is words.EOF:
            return entries
        if first is None:
            continue
        if first.text.startswith("#"):
            words.skip_line()
            continue
        entries.append(_entry(words, first, path, local_list))


def _entry(words, first, path, local_list):
    kind = words.next_word()
    if kind is None or kind is words.EOF:
        raise error(first.loc, "no type for '%s': expected standard, "
                    "optional, mandatory or nonoptional" % first.text)
    if kind.text not in TYPES:
        raise error(kind.loc, "'%s' must be standard, optional, mandatory "
                    "or nonoptional, not '%s'" % (first.text, kind.text))
    entry = Entry(first.text, kind.text, [], first.loc, path, local_list)
    while True:
        w = words.next_word()
        if w is None or w is words.EOF:
            break
        if w.text in FLAGS:
            if w.text == "no-implicit-rule" and \
                    "compile-with" not in entry.strings:
                raise error(w.loc, "'no-implicit-rule' needs a "
                            "'compile-with' rule before it")
            entry.flags.add(w.text)
        elif w.text in STRINGS:
            entry.strings[w.text] = words.next_string(
                "a quoted string after '%s'" % w.text).text
        elif w.text == "device-driver":
            raise error(w.loc, "'device-driver' is obsolete")
        else:
            # 'local' and 'no-depend' count as requirements for
            # config(8) (see _select_one) but only set the type.
            entry.type = TYPE_WORDS.get(w.text, entry.type)
            entry.requirements.append(w)
    if entry.kind != "standard" and not [
            r for r in entry.requirements if r.text not in TYPE_WORDS]:
        raise error(entry.loc, "what is '%s' %s on?  It names no "
                    "requirement" % (entry.path, entry.kind))
    return entry


# -- selection -------------------------------------------------------------


@dataclass
class _Device:
    name: str
    unit: object        # int, or None
    pseudo: bool
    count: object       # int, or None (unknown)
    parent: object = None
    parent_unit: object = None
    loc: object = None  # its config line; None when a standard entry added it
    done: bool = False  # counted into some use_*.h


@dataclass
class _Slot:
    entry: Entry
    visible: bool
    needs: object = None        # Word: the first requirement (use_*.h)
    duplicate: bool = False     # config(8)'s f_flags on an invisible entry


@dataclass
class Selection:
    """The entries of every list, in config(8)'s order, and the visible
    ones among them."""

    slots: list                 # [_Slot]
    devices: list               # [_Device], the config's and the added

    @property
    def visible(self):
        return [s.entry for s in self.slots if s.visible]

    def named(self, *suffixes):
        """Visible entries whose path ends with one of `suffixes`."""
        return [e for e in self.visible if e.path.endswith(suffixes)]


def select_files(lists, config, settings):
    """Walk `lists` ([Entry] per list, in reading order) for a
    KernelConfig whose options are `settings` (kernconf.Setting, the
    cpu names included); return the Selection.  Only a valueless
    setting satisfies a requirement, so this takes the settings, not
    confopts.option_values(), which gives a valueless option "1"."""
    devices = [_Device(d.name, d.unit, d.pseudo, d.count, d.parent,
                       d.parent_unit, d.loc) for d in config.devices]
    switches = {s.name.lower() for s in settings if s.value is None}
    slots = []
    for entries in lists:
        for entry in entries:
            _place(slots, _select_one(entry, slots, devices, switches))
    return Selection(slots, devices)


def _select_one(entry, slots, devices, switches):
    earlier = next((s for s in slots if s.entry.path == entry.path), None)
    duplicate = earlier is not None and (earlier.visible or
                                         earlier.duplicate)
    slot = _Slot(entry, True)
    nreqs = 0
    for req in entry.requirements:
        nreqs += 1
        if req.text in TYPE_WORDS:
            continue
        if slot.needs is None and nreqs == 1:
            slot.needs = req
        if duplicate:
            return _invisible(slot, duplicate)
        dev = next((d for d in devices if d.name == req.text), None)
        if dev is not None:
            if entry.kind == "standard" and dev.pseudo and \
                    (dev.count is None or dev.count <= 0):
                dev.count = 1
            continue
        if entry.kind == "mandatory":
            raise error(req.loc, "mandatory device '%s' is not in the "
                        "kernel config" % req.text)
        if entry.kind == "standard":
            devices.append(_Device(req.text, None, True, 1))
            continue
        if req.text.lower() in switches:
            if nreqs == 1:
                slot.needs = None
            continue
        if entry.kind == "nonoptional":
            raise error(req.loc, "option '%s' must be set in the kernel "
                        "config" % req.text)
        return _invisible(slot, duplicate)
    if earlier is not None and not earlier.visible:
        earlier.duplicate = True
    return slot


def _invisible(slot, duplicate):
    slot.visible = False
    slot.duplicate = duplicate
    return slot


def _place(slots, slot):
    """Append, or in the local list take the slot of the entry with the
    same last path component (config(8)'s local override)."""
    entry = slot.entry
    if entry.local_list and not any(s.entry.path == entry.path
                                     for s in slots):
        for i, s in enumerate(slots):
            if s.entry.tail == entry.tail:
                slots[i] = slot
                return
    slots.append(slot)


def use_headers(selection):
    """{header: text} of the use_*.h headers, as config(8) writes them
    into a fresh build directory.  Errors, as config(8) stops, on a
    configured device that no header counts: no entry needs it first."""
    files = {}
    for slot in selection.slots:
        if slot.needs is not None:
            _count(selection.devices, slot.needs.text, slot.needs.text,
                   True, files)
    for d in selection.devices:
        if not d.done and d.loc is not None:
            raise error(d.loc, "%sdevice '%s' is unknown: no files list "
                        "entry names it first" %
                        ("pseudo-" if d.pseudo else "", d.name))
    return {"use_%s.h" % name: "".join("#define %s %d\n" % nv
                                       for nv in lines)
            for name, lines in files.items()}


def _count(devices, dev, hname, search, files):
    count = hicount = 0
    for d in devices:
        if d.name == dev:
            d.done = True
    for d in devices:
        if d.name != dev:
            continue
        if d.pseudo:
            count = d.count if d.count is not None else 1
            break
        count += 1
        unit = -2 if d.unit is None else d.unit
        hicount = max(hicount, unit + 1)
        if search and d.parent is not None and d.parent != "nexus" and \
                d.parent_unit is not None and d.parent_unit >= 0:
            _count(devices, d.parent, hname, False, files)
            search = False
    _header(files, hname, "N" + dev.upper(), max(count, hicount))


def _header(files, hname, macro, count):
    """config(8)'s do_header: it reads the header back, prepending each
    line, so every rewrite reverses the order; a count of 0 zeroes every
    line."""
    if hname not in files:
        files[hname] = [(macro, count)]
        return
    old, lines = None, []
    for name, value in files[hname]:
        if name == macro:
            old, value = value, count
        lines.insert(0, (name, value))
    if old == count:
        return
    if old is None:
        lines.insert(0, (macro, count))
    files[hname] = [(n, v if count else 0) for n, v in lines]
