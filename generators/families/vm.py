"""Family 'vm': an instruction set described once, and everything a
kernel VM needs of it generated from that description.

A definition file describes one instruction set (cbpf.def and xvm.def
under sys-overlays/sys/dfgen/vm/ are complete examples):

    vm cbpf prefix: "CBPF_", word: 32, scratch: 16, max_insns: 4096,
        class: CLASS, undefined: accept, spare_bits: ignore;
    layout insn { code bits: 16; jt bits: 8; jf bits: 8; k bits: 32; }
    register A bits: 32 doc: "accumulator";
    field CLASS mask: 0x07 { LD = 0x00 valid: MODE; RET = 0x06; ... }
    field MODE mask: 0xe0 { ABS = 0x20; ... }
    insn LD_H_ABS = LD | H | ABS load: packet, size: 2, at: k, dst: A,
        syntax: "ldh [{k}]";

`layout` is the instruction word, its first member the opcode; a member
may number a register of a register file (`selects: r`).  A `register`
is a named register, or with `count:` a register file (`frame:` its
read-only stack pointer, `result:` and `args:` where calls take and
leave values).  Each `field` is a part of the opcode with the values it
may take; the field named by `class:` splits opcodes into classes.
`helper NAME = N { scalar; stack size: 16; }` declares a helper a
program may call and the kind of each argument.  Each `insn` is an
opcode and what it does (vm_insn.py lists the forms: load, store, alu,
move, jump, call, ret) and how it is written (vm_syntax.py).
`fuse NAME = FIRST + SECOND;` names a pair the loader decodes as one
instruction wherever FIRST (which must go on to the next instruction)
is followed by SECOND; the second keeps its own decoding in the next
slot, for jumps that land there.
`hot: N` on an instruction or a pair puts it among those the tree
dispatch finds by comparisons of its own (vm_tree.py), N its weight:
how often it runs, a run of the instructions that are not hot weighing
1.  `--hot NAME=N,...` weighs them on the command line instead, to fit
the tree to the programs a kernel runs.

From that the model derives what each instruction reads and writes and
the verifier's checks (for a VM with no register file, also as tables
of biases by opcode for a quick pass with no branches, templates/vm/
quick.j2): scratch indexes, constant divisors, registers
that exist, a frame pointer never written, jump targets inside the
program and forward, helpers that exist, and a last instruction that
ends the program.  With `undefined: accept` (cBPF) an opcode no
instruction has is accepted as bpf_validate() does, by class
(vm_codes.py), and ends the program when run.  A VM with a register file
also gets a verifier that follows each register along every path
(templates/vm/flow.j2): stack accesses in bounds and only through stack
pointers, no pointer used as a number, helper arguments of the right
kind.

For stem.def it writes stem.h (opcode macros, the instruction word, the
decoded program, the API), stem_tables.c (decoder and verifier table,
names), stem_verify.c (verifier and loader), stem_interp.c (the
interpreter, on a buffer or an mbuf chain through the runtime's
dfvm_mbuf.c; a jump landing on a `ret` of a constant returns at once;
--dispatch switch, goto or tree: a search among the hot instructions
that every instruction repeats, no indirect jump, for kernels built
with retpolines) and stem_asm.c (assembler and disassembler over the
runtime's dfvm_text.c).
"""

import argparse

from dfgen_core.family import GeneratorFamily

from .vm_build import build_model

DISPATCHES = ("switch", "goto", "tree")


class Vm(GeneratorFamily):
    name = "vm"
    summary = "opcode VMs: tables, verifier, interpreter, assembler"

    def add_family_arguments(self, parser):
        parser.add_argument(
            "--dispatch", choices=DISPATCHES, default="switch",
            help="interpreter dispatch: a switch (default), computed "
            "goto, or a tree of comparisons each instruction repeats "
            "(no indirect jump: fast under retpolines)")
        parser.add_argument(
            "--hot", metavar="NAME[=N],...", type=_weights,
            help="the instructions and pairs the tree dispatch finds by "
            "comparisons of its own and their weights (1 if not given), "
            "in place of the definition's 'hot:'")

    def outputs(self, stem, args):
        return [(stem + ".h", "vm/vm.h.j2"),
                (stem + "_tables.c", "vm/tables.c.j2"),
                (stem + "_verify.c", "vm/verify.c.j2"),
                (stem + "_interp.c", "vm/interp.c.j2"),
                (stem + "_asm.c", "vm/asm.c.j2")]

    def model(self, unit, args):
        return build_model(unit, args.dispatch, args.hot)


def _weights(text):
    weights = {}
    for item in text.split(","):
        name, _, weight = item.strip().partition("=")
        if not name or (weight and (not weight.isdigit() or
                                    int(weight) < 1)):
            raise argparse.ArgumentTypeError("expected NAME or NAME=N, N "
                                             "from 1, not '%s'" % item)
        weights[name] = int(weight) if weight else 1
    return weights


COMMAND = Vm()
