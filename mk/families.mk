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

DFGEN_FAMILIES+=	vm
DFGEN_OPTION.vm=	KERNEL_VM
