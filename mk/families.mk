# The dfgen family registry: declarations only.  The rules that use them
# are written once, in dfgen.mk; adding a family is a few lines here plus
# its generator module and templates.
#
#	DFGEN_FAMILIES		every family, in the order they are listed
#	DFGEN_OPTION.<f>	the kernel option that turns it on; empty for
#				a family that is always on
#	DFGEN_COMMAND.<f>	its dfgen subcommand (default: <f>)
#	DFGEN_FLAGS.<f>		options always passed to that subcommand
#
# Which definition files a family reads is the consumer's business:
# a Makefile sets DFGEN_DEFS.<f> before including dfgen.mk.  The
# templates and generator modules an output depends on are not declared
# here at all: every run records exactly the files it read, and the
# next make depends on those (see dfgen.mk).

DFGEN_FAMILIES+=	consts
DFGEN_OPTION.consts=

DFGEN_FAMILIES+=	structs
DFGEN_OPTION.structs=	CODEGEN_STRUCTS

DFGEN_FAMILIES+=	vm
DFGEN_OPTION.vm=	KERNEL_VM

DFGEN_FAMILIES+=	syscalls
DFGEN_OPTION.syscalls=	ASYNC_SYSCALLS

DFGEN_FAMILIES+=	ctxsw
DFGEN_OPTION.ctxsw=	CTXSW_PROBES

DFGEN_FAMILIES+=	xio
DFGEN_OPTION.xio=	XIO_WRAPPERS

DFGEN_FAMILIES+=	sched
DFGEN_OPTION.sched=	SCHED_TABLES

DFGEN_FAMILIES+=	alloc
DFGEN_OPTION.alloc=	ALLOC_TABLES

# -- Tree generators ----------------------------------------------------
#
# The kernel tree's own code generators, declared here like the families
# and run through the same units (mk/dfgen.mk): exact dependencies,
# write-if-changed, GEN lines, -j safety.  A tree generator runs only
# where a consumer names it in DFGEN_TREEGEN_RUN (mk/kernel-check.mk
# does, for the headers the kernel config needs) and sets DFGEN_SYSDIR
# to the tree's sys/ directory; `dfgen treegen` runs the script in a
# fresh directory and copies the declared outputs (see treegen.py).
# Adding one to the kernel build is these few lines:
#
#	DFGEN_TREEGENS		every tree generator
#	DFGEN_TREEGEN_SCRIPT.<g>	its script, relative to sys/
#	DFGEN_TREEGEN_TOOL.<g>	what runs it: awk (the default) or sh
#	DFGEN_TREEGEN_ARGS.<g>	its arguments, %i standing for the input
#				(default: the input alone)
#	DFGEN_TREEGEN_INPUTS.<g>	its inputs, relative to sys/, one run
#				(one unit) each; empty when the consumer
#				names them in DFGEN_DEFS.<g>
#	DFGEN_TREEGEN_OUTPUTS.<g>	the files one run writes, %s standing
#				for the input's name less its suffix
#	DFGEN_TREEGEN_COMMAND.<g>	instead of the above: the dfgen
#				subcommand that writes the files

# Every kobj interface (.m) the kernel config selects: foo_if.h, foo_if.c.
DFGEN_TREEGENS+=		makeobjops
DFGEN_TREEGEN_SCRIPT.makeobjops=	tools/makeobjops.awk
DFGEN_TREEGEN_ARGS.makeobjops=	-c -h %i
DFGEN_TREEGEN_OUTPUTS.makeobjops=	%s.c %s.h

DFGEN_TREEGENS+=		pcidevs
DFGEN_TREEGEN_SCRIPT.pcidevs=	tools/pcidevs2h.awk
DFGEN_TREEGEN_INPUTS.pcidevs=	bus/pci/pcidevs
DFGEN_TREEGEN_OUTPUTS.pcidevs=	pcidevs.h

DFGEN_TREEGENS+=		usbdevs
DFGEN_TREEGEN_SCRIPT.usbdevs=	tools/usbdevs2h.awk
DFGEN_TREEGEN_ARGS.usbdevs=	%i -h
DFGEN_TREEGEN_INPUTS.usbdevs=	bus/u4b/usbdevs
DFGEN_TREEGEN_OUTPUTS.usbdevs=	usbdevs.h

DFGEN_TREEGENS+=		usbdevs_data
DFGEN_TREEGEN_SCRIPT.usbdevs_data=	tools/usbdevs2h.awk
DFGEN_TREEGEN_ARGS.usbdevs_data=	%i -d
DFGEN_TREEGEN_INPUTS.usbdevs_data=	bus/u4b/usbdevs
DFGEN_TREEGEN_OUTPUTS.usbdevs_data=	usbdevs_data.h

DFGEN_TREEGENS+=		miidevs
DFGEN_TREEGEN_SCRIPT.miidevs=	tools/miidevs2h.awk
DFGEN_TREEGEN_INPUTS.miidevs=	dev/netif/mii_layer/miidevs
DFGEN_TREEGEN_OUTPUTS.miidevs=	miidevs.h

DFGEN_TREEGENS+=		pccarddevs
DFGEN_TREEGEN_SCRIPT.pccarddevs=	tools/pccarddevs2h.awk
DFGEN_TREEGEN_INPUTS.pccarddevs=	bus/pccard/pccarddevs
DFGEN_TREEGEN_OUTPUTS.pccarddevs=	pccarddevs.h

DFGEN_TREEGENS+=		acpi_quirks
DFGEN_TREEGEN_SCRIPT.acpi_quirks=	tools/acpi_quirks2h.awk
DFGEN_TREEGEN_INPUTS.acpi_quirks=	dev/acpica/acpi_quirks
DFGEN_TREEGEN_OUTPUTS.acpi_quirks=	acpi_quirks.h

# The syscall tables of kern/syscalls.master: `dfgen syscalls --classic`
# writes the six files kern/makesyscalls.sh writes (init_sysent.c,
# syscalls.c, syscall.h, syscall.mk, sysproto.h, sysunion.h) with the same
# content, without the script.  The kernel build compiles the copies the
# tree commits, so nothing names this one by default; a consumer that
# regenerates them (as `make sysent` does) names it in DFGEN_TREEGEN_RUN.
DFGEN_TREEGENS+=		sysent
DFGEN_TREEGEN_COMMAND.sysent=	syscalls --classic
DFGEN_TREEGEN_INPUTS.sysent=	kern/syscalls.master

# The forwarding headers of sys/conf/kern.fwd.mk come from make code, not
# a script: dfgen writes them itself (DFGEN_TREEGEN_COMMAND: a dfgen
# subcommand instead of a script), from the directory of the cpu headers
# they forward to.
DFGEN_TREEGENS+=		fwdhdrs
DFGEN_TREEGEN_COMMAND.fwdhdrs=	fwdhdrs
DFGEN_TREEGEN_INPUTS.fwdhdrs=	\
	cpu/${DFGEN_KERNEL_MACHINE_ARCH:U${MACHINE_ARCH}}/include
