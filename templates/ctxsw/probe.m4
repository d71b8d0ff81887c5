m4_divert(-1)
# probe.m4: the instruction sequences of an assembly context-switch
# probe, for m4 -P (builtins are m4_ prefixed, so the words of the
# assembly are never taken for macros).  templates/ctxsw/asm.h.m4.j2
# calls these macros once per probe of a definition file; dfgen ctxsw
# runs m4 over the result, which is a header of cpp macros that a .s
# file includes and expands where a probe sits.
#
# Each macro expands to one line of instructions separated by ';', so
# that a whole probe fits in one cpp macro.  Immediates are written
# $(N): '$' followed by a digit would be an m4 argument.
#
# Registers: %rax the clock, %rcx and %rdx what rdtsc, rdtscp and rdpmc
# clobber, %rsi this CPU's area, %rdi the record.  All five are saved
# and restored; the flags are too with 'preserve'.  The probe needs 40
# bytes of stack (48 with the flags) and no red zone below %rsp.
# dfgen_probe_save(FLAGS), dfgen_probe_restore(FLAGS)
m4_define(`dfgen_probe_save',
`m4_ifelse(`$1', `preserve', `pushfq ; ')pushq %rax ; pushq %rcx ; m4_dnl
pushq %rdx ; pushq %rsi ; pushq %rdi ;')
m4_define(`dfgen_probe_restore',
`9: popq %rdi ; popq %rsi ; popq %rdx ; popq %rcx ; popq %rax ;m4_dnl
m4_ifelse(`$1', `preserve', ` popfq ;')')

# dfgen_probe_area(CPU MACRO, AREAS): %rsi = AREAS[cpu], or skip the
# probe while this CPU has no area.
m4_define(`dfgen_probe_area',
`$1(%esi) ; leaq $2(%rip), %rdi ; movq (%rdi,%rsi,8), %rsi ; m4_dnl
testq %rsi, %rsi ; jz 9f ;')

# dfgen_probe_clock(rdtsc | rdtscp | lfence): %rax = the time stamp.
m4_define(`dfgen_probe_clock',
`m4_ifelse(`$1', `lfence', `lfence ; rdtsc', `$1') ; m4_dnl
shlq $(32), %rdx ; orq %rdx, %rax ;')

# dfgen_probe_slot(POINT, HITS, LAST, MASK, SHIFT, RING): count the hit,
# keep the time, take the next record of the ring (%rdi) and write the
# time and the point into it.
m4_define(`dfgen_probe_slot',
`movq %rax, $3(%rsi) ; incq $2(%rsi) ; movq (%rsi), %rdi ; m4_dnl
leaq 1(%rdi), %rdx ; movq %rdx, (%rsi) ; andq $($4), %rdi ; m4_dnl
shlq $($5), %rdi ; leaq $6(%rsi,%rdi), %rdi ; m4_dnl
movq %rax, 0(%rdi) ; movl $($1), 24(%rdi) ;')

# dfgen_probe_cpu(CPU MACRO): the CPU number.
m4_define(`dfgen_probe_cpu', `$1(%eax) ; movl %eax, 28(%rdi) ;')

# dfgen_probe_thread(THREAD MACRO): the current thread;
# dfgen_probe_nothread: none.  An assembly probe has no peer.
m4_define(`dfgen_probe_thread',
`$1(%rax) ; movq %rax, 8(%rdi) ; movq $(0), 16(%rdi) ;')
m4_define(`dfgen_probe_nothread',
`movq $(0), 8(%rdi) ; movq $(0), 16(%rdi) ;')

# dfgen_probe_counter(PMC, OFFSET, BIT, READY): rdpmc PMC into the
# record at OFFSET when bit BIT of READY says the counter runs, else 0.
m4_define(`dfgen_probe_counter',
`testl $($3), $4(%rip) ; jz 1f ; movl $($1), %ecx ; rdpmc ; m4_dnl
shlq $(32), %rdx ; orq %rdx, %rax ; jmp 2f ; 1: xorl %eax, %eax ; m4_dnl
2: movq %rax, $2(%rdi) ;')

# dfgen_probe_zero(OFFSET): a counter this probe does not read.
m4_define(`dfgen_probe_zero', `movq $(0), $1(%rdi) ;')

# What follows is a C header: '#' starts no m4 comment there.
m4_changecom()
m4_divert(0)m4_dnl
