# dfgen.kern.mk: dfgen's hook in the kernel build.  `dfgen overlay`
# installs dfgen under sys/tools/dfgen and includes this file at the end
# of sys/conf/kern.post.mk, where every list of the kernel's Makefile is
# known.  It runs the generators of the families the kernel config turns
# on, into the kernel's object directory, before anything is compiled.
#
# The kernel config is found as config(8) was given it; set
# DFGEN_KERNCONF when it lives elsewhere.

DFGEN_HOME?=		$S/tools/dfgen
DFGEN_SYSDIR?=		$S
DFGEN_KERNCONF?=	${KERNCONFDIR:U$S/config}/${KERN_IDENT}
# config(8) has written the opt_*.h headers; kconf only selects families.
DFGEN_KCONF_FLAGS?=	--no-opt-headers

.if !exists(${DFGEN_KERNCONF})
.error dfgen: no kernel config at ${DFGEN_KERNCONF}; set DFGEN_KERNCONF
.endif

# What each family generates for the kernel.
DFGEN_DEFS.consts=	$S/dfgen/consts/hammer2_consts.def
DFGEN_DEFS.structs=	$S/dfgen/structs/hammer2_media.def \
			$S/dfgen/structs/dmsg_media.def \
			$S/dfgen/structs/ufs1.def
DFGEN_DEFS.vm=		$S/dfgen/vm/cbpf.def $S/dfgen/vm/xvm.def
# DragonFly's gcc builds the kernel with retpolines (kern.mk): the VMs'
# interpreters find each instruction without an indirect jump.
DFGEN_FLAGS.vm=		--dispatch tree
DFGEN_DEFS.ctxsw=	$S/dfgen/ctxsw/ctxsw.def
DFGEN_DEFS.xio=		$S/dfgen/xio/xio.def
DFGEN_DEFS.sched=	$S/dfgen/sched/policies.def
DFGEN_DEFS.alloc=	$S/dfgen/alloc/kmalloc_types.def
# ASYNC_SYSCALLS: the messages and dispatch table of the tree's own
# syscalls (syscalls_async.h, syscalls_async_kern.c).
DFGEN_DEFS.syscalls=	$S/kern/syscalls.master

.include "${DFGEN_HOME}/mk/dfgen.mk"

# Generated sources that families link into the kernel.
DFGEN_KERNEL_OBJS?=
.if !empty(DFGEN_ENABLED:Mstructs)
DFGEN_KERNEL_OBJS+=	hammer2_media.o dmsg_media.o ufs1.o
.endif
.if !empty(DFGEN_ENABLED:Mvm)
.for _vm in cbpf xvm
DFGEN_KERNEL_OBJS+=	${_vm}_tables.o ${_vm}_verify.o ${_vm}_interp.o ${_vm}_asm.o
.endfor
.endif
.if !empty(DFGEN_ENABLED:Msyscalls)
DFGEN_KERNEL_OBJS+=	syscalls_async_kern.o
.endif
.if !empty(DFGEN_ENABLED:Mctxsw)
# The probes' areas and sysctl; ctxsw.h and ctxsw_asm.h are included by
# kern/lwkt_thread.c and platform/pc64/x86_64/swtch.s (the overlay's edits).
DFGEN_KERNEL_OBJS+=	ctxsw_probes.o
.endif
.if !empty(DFGEN_ENABLED:Mxio)
# The converted paths' table, switches and wrappers; xio.h is included
# by the files the overlay's xio edits convert (sys_pipe.c, ...).
DFGEN_KERNEL_OBJS+=	xio.o
.endif
.if !empty(DFGEN_ENABLED:Msched)
# The policies' parameter and dispatch tables.
DFGEN_KERNEL_OBJS+=	policies_tables.o
.endif
.if !empty(DFGEN_ENABLED:Malloc)
# The kmalloc counters and their sysctl; kmalloc_types.h is included by
# kern/kern_slaballoc.c (the overlay's alloc edit).
DFGEN_KERNEL_OBJS+=	kmalloc_types_tables.o
.endif
OBJS+=			${DFGEN_KERNEL_OBJS}
${FULLKERNEL}:		${DFGEN_KERNEL_OBJS}

# Generated headers before anything compiles: through depend, and
# directly when there is no .depend yet (as kern.post.mk does for
# BEFORE_DEPEND).
kernel-depend:		generate
.if !exists(.depend)
${SYSTEM_OBJS} genassym.o: ${DFGEN_HEADERS}
.endif
clean:			clean-generated
