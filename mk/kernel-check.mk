# kernel-check.mk: compile what a DragonFly kernel config selects, with
# the kernel's own headers, options and flags, into an object directory
# and never into the tree.  dfgen's top-level Makefile runs it:
#
#	bmake kernel-check DFLY_SRC=/usr/src KERNCONF=X86_64_GENERIC
#
# KERNCONF is a config in ${DFLY_SRC}/sys/config, or a path to one
# elsewhere.  Two passes of this file, both in KCHECK_OBJDIR:
#
# generate	mk/dfgen.mk runs `dfgen kconf --files` while it reads (the
#		opt_*.h and use_*.h headers, and the files the config
#		selects, as config(8) would) and then the tree generators of
#		mk/families.mk: the forwarding headers of kern.fwd.mk,
#		makeobjops.awk for every selected .m, the *devs2h.awk headers.
# kernel-check	with the selection known, the config's makeoptions are set
#		and the tree's sys/conf/kern.pre.mk, bsd.kern.mk and the
#		platform's kern.mk are read, as a kernel Makefile does, and
#		in a tree with the overlay applied the hook its kern.post.mk
#		includes, sys/conf/dfgen.kern.mk, which runs the families the
#		config turns on.  Every selected C file, every kobj
#		interface's _if.c and every C file a family generates is
#		compiled by its own rule: config(8)'s compile-with, or
#		${NORMAL_C} ${WERROR}; then genassym.c, and the assembly
#		files with the assym.s it gives.  Then `dfgen kcheck` prints
#		"compiled N of M" and the failures by cause.
#
# KCHECK_ONLY=own compiles only dfgen's own files (below): what a
# family's tests check, in seconds (tests/lib/kcheck.bash).
#
# Each compile is a stamp, <object>.ck ("ok" or "failed", the compiler's
# messages in <object>.err), so a file that fails does not stop the
# others (-k style) and is not retried until something it read changes:
# the stamp depends on the source, on the headers the compiler reports
# (-MD -MP into <object>.d), and on the makefiles that set the flags.  A
# file with no .d yet (never compiled, or stopped by a missing header)
# also depends on every generated header.  A second run compiles nothing.
#
# The C files dfgen adds or changes (files.codegen, sys-overlays/, the
# families' generated sources) compile with -Werror; the tree's own files
# without it, since the host's compiler is newer than the gcc 8 the tree
# was written for and warns more.  `kernel-check` fails when one of
# dfgen's files fails; the tree's failures are reported, not fatal.
#
# Host differences, all here: CC (default cc) stands in for DragonFly's
# gcc 8 (CCVER=gcc80, which selects kern.mk's gcc flags), and
# KCHECK_HOST_CFLAGS is added last: -fno-pic (Debian's gcc makes PIE
# code, which -mcmodel=kernel refuses), and the target's predefined
# macros instead of Linux's (__DragonFly__, no __linux__), which the
# tree's portable code (ACPICA, net80211, drivers) tests.

_KCHECK_TOP:=	${.PARSEDIR:tA:H}

.if !defined(DFLY_SRC) || !defined(KCHECK_OBJDIR)
.error kernel-check.mk: run it through dfgen's Makefile: bmake kernel-check DFLY_SRC=... KERNCONF=...
.endif
.if !exists(${KCHECK_OBJDIR})
_KCHECK_MKDIR!=	mkdir -p ${KCHECK_OBJDIR}; echo
.endif
.OBJDIR: ${KCHECK_OBJDIR}
# No "--- target ---" banners between the lines of parallel jobs.
.MAKE.JOB.PREFIX=

S:=		${DFLY_SRC:tA}/sys
KERNCONF?=	X86_64_GENERIC
.if ${KERNCONF:M/*}
KCHECK_CONF:=	${KERNCONF}
.else
KCHECK_CONF:=	$S/config/${KERNCONF}
.endif
.if !exists(${KCHECK_CONF})
.error kernel-check: no kernel config ${KCHECK_CONF}
.endif

# The dfgen under test runs everything, also through the hook of an
# overlaid tree (its own copy is in sys/tools/dfgen).
DFGEN_HOME=		${_KCHECK_TOP}
DFGEN_SYSDIR=		$S
DFGEN_KERNCONF=		${KCHECK_CONF}
DFGEN_KCONF_FLAGS=	--files
# The tree generators to run: makeobjops (over the selected .m files),
# the forwarding headers, and each one whose output a before-depend
# entry of the selection names (config(8)'s BEFORE_DEPEND).  Lazy: the
# selection is known once dfgen.mk has run kconf.
_KCHECK_BD_GENS=	${DFGEN_TREEGENS:@_g@${DFGEN_TREEGEN_OUTPUTS.${_g}:@_o@${DFGEN_KERNEL_BEFORE_DEPEND:T:M${_o}:@_h@${_g}@}@}@:O:u}
DFGEN_TREEGEN_RUN=	makeobjops fwdhdrs ${_KCHECK_BD_GENS}
DFGEN_DEFS.makeobjops=	${DFGEN_KERNEL_MFILES}

.if make(generate)

# Files lists name some paths through acpi.mk's variables, which
# kern.pre.mk includes in the second pass.
.-include "$S/conf/acpi.mk"
.include "${_KCHECK_TOP}/mk/dfgen.mk"

# The links config(8) makes in a kernel build directory, for
# <machine/x.h> (-I.) and <cpu/x.h>.
.for _l _t in machine	platform/${DFGEN_KERNEL_PLATFORM}/include \
	machine_base	platform/${DFGEN_KERNEL_PLATFORM} \
	cpu		cpu/${DFGEN_KERNEL_MACHINE_ARCH}/include \
	cpu_base	cpu/${DFGEN_KERNEL_MACHINE_ARCH}
.if !exists(${.OBJDIR}/${_l}) || \
    ${:U${.OBJDIR}/${_l}:tA} != ${:U$S/${_t}:tA}
_KCHECK_LN!=	ln -sfn $S/${_t} ${.OBJDIR}/${_l}; echo
.endif
.endfor

.else

# What config(8) puts at the top of the kernel's Makefile: the machine
# and the makeoptions (in the selection, written by the first pass).
.include "${.OBJDIR}/dfgen-kconf.mk"
KERN_IDENT=		${DFGEN_KERNEL_IDENT}
MACHINE_PLATFORM=	${DFGEN_KERNEL_PLATFORM}
MACHINE=		${DFGEN_KERNEL_MACHINE}
MACHINE_ARCH=		${DFGEN_KERNEL_MACHINE_ARCH}
CCVER?=			gcc80
KCHECK_HOST_CFLAGS?=	-fno-pic -U__linux__ -U__linux -Ulinux -U__gnu_linux__ \
			-D__DragonFly__

.include "$S/conf/kern.pre.mk"
# The overlay's hook, which kern.post.mk includes in an overlaid tree;
# mk/dfgen.mk itself in a tree without it.
.if exists($S/conf/dfgen.kern.mk)
.include "$S/conf/dfgen.kern.mk"
.else
.include "${_KCHECK_TOP}/mk/dfgen.mk"
.endif
.include "$S/conf/bsd.kern.mk"

CFLAGS+=	${KCHECK_HOST_CFLAGS}
CFLAGS+=	-MD -MP -MF ${.TARGET:R}.d -MT ${.TARGET}
WERROR=		${_KCHECK_WERROR.${.TARGET:R}:U}

# What makes a flag of any compile: a changed one recompiles everything.
_KCHECK_FLAGDEPS=	$S/conf/kern.pre.mk $S/conf/bsd.kern.mk \
			$S/platform/${MACHINE_PLATFORM}/conf/kern.mk \
			${_KCHECK_TOP}/mk/kernel-check.mk

# The units: the selected C files, the kobj interfaces' _if.c, and the C
# files dfgen's families generate, each a stamp <object>.ck.
_KCHECK_LISTED=
.for _c in ${DFGEN_KERNEL_CFILES}
_KCHECK_LISTED+=	${_c:T:R}
_KCHECK_SRC.${_c:T:R}:=	${_c}
_KCHECK_RULE.${_c:T:R}=	${DFGEN_KERNEL_RULE.${_c:T:R}.o:U${NORMAL_C} ${WERROR}}
# A source that is not there fails to compile, as any other file.
.if !exists(${_c}) && !exists(${.OBJDIR}/${_c}) && !target(${_c})
${_c}: .OPTIONAL
.endif
.endfor
_KCHECK_IFACES=
.for _m in ${DFGEN_KERNEL_MFILES}
_KCHECK_IFACES+=	${_m:T:R}
_KCHECK_SRC.${_m:T:R}:=	${_m:T:R}.c
.endfor
_KCHECK_GENERATED=
.for _c in ${DFGEN_SRCS}
.if empty(_KCHECK_IFACES:M${_c:R}) && empty(_KCHECK_LISTED:M${_c:R})
_KCHECK_GENERATED+=	${_c:R}
_KCHECK_SRC.${_c:R}:=	${_c}
.endif
.endfor
.for _u in ${_KCHECK_IFACES} ${_KCHECK_GENERATED}
_KCHECK_RULE.${_u}=	${NORMAL_C} ${WERROR}
.endfor
# The assembly files, config(8)'s and kern.pre.mk's (locore.s), after
# genassym.c (kern.pre.mk's GEN_CFILES, compiled with kern.post.mk's
# flags) has given assym.s, which they include.
_KCHECK_ASM=
.if !empty(GEN_CFILES:M*/genassym.c)
_KCHECK_ASM=		genassym
_KCHECK_SRC.genassym:=	${GEN_CFILES:M*/genassym.c}
_KCHECK_RULE.genassym=	${CC} -c ${CFLAGS:N-fno-common:N-flto:N-mcmodel=small} \
			-fcommon ${WERROR} ${.IMPSRC}
.for _s in ${DFGEN_KERNEL_SFILES} ${SYSTEM_SFILES}
_KCHECK_ASM+=		${_s:T:R}
_KCHECK_SRC.${_s:T:R}:=	${_s}
_KCHECK_RULE.${_s:T:R}=	${NORMAL_S} ${WERROR}
_KCHECK_VERB.${_s:T:R}=	AS
.endfor
.endif
_KCHECK_OWN=	${DFGEN_KERNEL_OWN:T:R} ${_KCHECK_GENERATED}
.for _u in ${_KCHECK_OWN}
_KCHECK_WERROR.${_u}=	-Werror
.endfor
# Before-depend headers of the selection that no tree generator writes.
_KCHECK_NOTGEN=
.for _h in ${DFGEN_KERNEL_BEFORE_DEPEND:T}
.if empty(DFGEN_OUTPUTS:M${_h})
_KCHECK_NOTGEN+=	${_h}
.endif
.endfor

# KCHECK_ONLY=own: only dfgen's own files (what a family's tests check).
.if ${KCHECK_ONLY:U} == own
_KCHECK_LISTED:=	${_KCHECK_LISTED:@_u@${DFGEN_KERNEL_OWN:T:R:M${_u}}@}
_KCHECK_IFACES=
_KCHECK_ASM=
.elif !empty(KCHECK_ONLY)
.error kernel-check: KCHECK_ONLY is 'own' or unset, not '${KCHECK_ONLY}'
.endif
_KCHECK_UNITS=	${_KCHECK_LISTED} ${_KCHECK_IFACES} ${_KCHECK_GENERATED} \
		${_KCHECK_ASM}

.if ${V:U0} == 0
_KCHECK_Q=	@
.endif

# bmake sets .IMPSRC, which ${NORMAL_C} compiles, for a rule whose
# target and source have the suffixes of a transformation rule (one with
# commands: an empty one does not count); every stamp has its own rule.
.SUFFIXES: .c .s .S .ck
.c.ck .s.ck .S.ck:
	@echo "kernel-check: no rule for ${.TARGET}" >&2; false

.for _u in ${_KCHECK_UNITS}
${_u}.ck: ${_KCHECK_SRC.${_u}} ${_KCHECK_FLAGDEPS}
	@echo "${_KCHECK_VERB.${_u}:UCC} ${_KCHECK_SRC.${_u}:T}"
	${_KCHECK_Q}rm -f ${_u}.o ${_u}.d; \
	if ( ${_KCHECK_RULE.${_u}} ) 2> ${_u}.err; then s=ok; else s=failed; fi; \
	if [ -f ${_u}.d ]; then \
	    sed -e 's, \./, ,g' -e 's,^\./,,' ${_u}.d > ${_u}.d.tmp && \
	    mv -f ${_u}.d.tmp ${_u}.d; \
	fi; \
	echo $$s > ${.TARGET}
.if exists(${.OBJDIR}/${_u}.d)
.include "${.OBJDIR}/${_u}.d"
.else
${_u}.ck: ${DFGEN_HEADERS}
.endif
.endfor

# assym.s, from genassym.o by the tree's genassym.sh, is rewritten only
# when it changes; its stamp is assym.gen (a name no suffix rule takes
# for assym.s's product).
.if !empty(_KCHECK_ASM)
.for _u in ${_KCHECK_ASM:Ngenassym}
.if !exists(${.OBJDIR}/${_u}.d)
${_u}.ck: assym.s
.endif
.endfor
assym.s: assym.gen
assym.gen: genassym.ck $S/kern/genassym.sh
	@echo "GEN assym.s"
	${_KCHECK_Q}if [ "`cat genassym.ck`" = ok ]; then \
	    sh $S/kern/genassym.sh genassym.o > assym.s.tmp; \
	else \
	    : > assym.s.tmp; \
	fi; \
	if cmp -s assym.s.tmp assym.s; then rm -f assym.s.tmp; \
	else mv -f assym.s.tmp assym.s; fi; \
	touch ${.TARGET}
.endif

kernel-check: ${_KCHECK_UNITS:S/$/.ck/} .PHONY .NOTMAIN
	${_KCHECK_Q}${PYTHON} ${DFGEN} kcheck -o ${.OBJDIR} \
	    --ident ${DFGEN_KERNEL_IDENT} --sys $S \
	    --listed ${_KCHECK_LISTED} --interfaces ${_KCHECK_IFACES} \
	    --generated ${_KCHECK_GENERATED} --asm ${_KCHECK_ASM} \
	    --own ${_KCHECK_OWN} \
	    --not-generated ${_KCHECK_NOTGEN}

.endif
