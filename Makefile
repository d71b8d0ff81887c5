# dfgen's own build: `bmake generate` runs every family over the
# definitions dfgen ships; `bmake test` runs every test.
#
# Generated files go to ${MAKEOBJDIR} when it is set, else to obj/.

all: generate

_DFGEN_OBJ:=	${MAKEOBJDIR:U${.CURDIR}/obj}
.if empty(_DFGEN_OBJ:M/*)
_DFGEN_OBJ:=	${.CURDIR}/${_DFGEN_OBJ}
.endif
.if ${.OBJDIR} != ${_DFGEN_OBJ}
.if !exists(${_DFGEN_OBJ})
_DFGEN_MKDIR!=	mkdir -p ${_DFGEN_OBJ}; echo
.endif
.OBJDIR: ${_DFGEN_OBJ}
.endif

# The kernel config that chooses the families (all of them), and the
# definitions dfgen ships, where they land in a DragonFly tree.  Targets
# that generate nothing here neither run kconf nor ask any generator
# what it would write.
.if !make(test) && !make(bench) && !make(overlay) && !make(kernel-check)
DFGEN_KERNCONF=		${.CURDIR}/kconf/CODEGEN_EXAMPLE
DFGEN_DEFS.consts=	${.CURDIR}/sys-overlays/sys/dfgen/consts/hammer2_consts.def
DFGEN_DEFS.structs=	${.CURDIR}/sys-overlays/sys/dfgen/structs/hammer2_media.def \
			${.CURDIR}/sys-overlays/sys/dfgen/structs/dmsg_media.def \
			${.CURDIR}/sys-overlays/sys/dfgen/structs/ufs1.def
DFGEN_DEFS.vm=		${.CURDIR}/sys-overlays/sys/dfgen/vm/cbpf.def \
			${.CURDIR}/sys-overlays/sys/dfgen/vm/xvm.def
DFGEN_DEFS.ctxsw=	${.CURDIR}/sys-overlays/sys/dfgen/ctxsw/ctxsw.def
DFGEN_DEFS.xio=		${.CURDIR}/sys-overlays/sys/dfgen/xio/xio.def
DFGEN_DEFS.sched=	${.CURDIR}/sys-overlays/sys/dfgen/sched/policies.def
DFGEN_DEFS.alloc=	${.CURDIR}/sys-overlays/sys/dfgen/alloc/dfalloc.def \
			${.CURDIR}/sys-overlays/sys/dfgen/alloc/kmalloc_types.def
# The syscalls libasyncsys runs on this host; its table calls the host's
# own functions (--host).  A kernel build reads the tree's syscalls.master.
DFGEN_DEFS.syscalls=	${.CURDIR}/sys-overlays/lib/libasyncsys/host.master
DFGEN_FLAGS.syscalls=	--host
.endif

.include "${.CURDIR}/mk/dfgen.mk"

test: .PHONY
	@cd ${.CURDIR} && PYTHON=${PYTHON} bash tests/run

bench: .PHONY
	@cd ${.CURDIR} && PYTHON=${PYTHON} bash bench/run

# Install dfgen into a DragonFly tree: bmake overlay SRCTOP=/usr/src
# (OVERLAY_FLAGS=--dry-run, --check or --revert).
overlay: .PHONY
.if empty(SRCTOP)
	@echo "usage: bmake overlay SRCTOP=/path/to/dragonfly" \
	    "[OVERLAY_FLAGS=--dry-run|--check|--revert]" >&2; false
.else
	@${PYTHON} ${DFGEN} overlay ${OVERLAY_FLAGS} ${SRCTOP}
.endif

# The kernel build check (mk/kernel-check.mk): compile what a kernel
# config selects in a DragonFly tree, into obj/kernel-check/<config>.
#	bmake kernel-check DFLY_SRC=/usr/src KERNCONF=X86_64_GENERIC
.if make(kernel-check)
.MAKE.JOB.PREFIX=
.endif
kernel-check: .PHONY
.if defined(DFLY_SRC)
	@${MAKE} -f ${.CURDIR}/mk/kernel-check.mk generate \
	    KCHECK_OBJDIR=${.OBJDIR}/kernel-check/${KERNCONF:UX86_64_GENERIC:T}
	@${MAKE} -f ${.CURDIR}/mk/kernel-check.mk kernel-check \
	    KCHECK_OBJDIR=${.OBJDIR}/kernel-check/${KERNCONF:UX86_64_GENERIC:T}
.else
	@echo "kernel-check: skipped: DFLY_SRC is not set (the top of a DragonFly source tree)"
.endif
