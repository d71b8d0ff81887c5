# dfgen.mk: the build hook.  A Makefile that wants generated code names
# its definition files and includes this file:
#
#	DFGEN_DEFS.consts=	hammer2_consts.def
#	.include "/path/to/dfgen/mk/dfgen.mk"
#
# Outputs go to ${.OBJDIR} and are targets by their plain names there
# (alpha.h), as a kernel Makefile names opt_*.h.  Each definition file is one unit: one run of
# its family's generator, which writes all of the unit's outputs (only
# those whose content changed) and then its record, ${DFGEN_RECDIR}/<unit>.mk.
# The record is the unit's stamp and, like Linux's .cmd files, remembers
# the command, the outputs and every file the run read: the definition,
# its includes, the templates and the generator's Python modules.  A unit
# runs again when one of those is newer than its record, when one is
# gone, when an output is missing, or when its command changed; otherwise
# no generator process starts.
#
# Targets: generate, clean-generated, and beforedepend/all hooked to
# generate so a kernel build sees the generated headers first.  Consumers
# may use DFGEN_OUTPUTS, DFGEN_HEADERS and DFGEN_SRCS.  V=1 shows the
# commands; the default prints one GEN line per file written.  An output
# in a subdirectory of ${.OBJDIR} is a target by its path there
# (include/machine/atomic.h).
#
# Tree generators, the kernel tree's own scripts declared in families.mk,
# become units the same way: DFGEN_TREEGEN_RUN names the ones to run,
# DFGEN_SYSDIR the tree's sys/ directory; each runs `dfgen treegen` over
# its declared inputs (or the consumer's DFGEN_DEFS.<g>).

DFGEN_TOP:=	${.PARSEDIR:tA:H}
.-include "${DFGEN_TOP}/mk/local.mk"
PYTHON?=	python3
DFGEN?=		${DFGEN_TOP}/generators/dfgen
DFGEN_RECDIR?=	${.OBJDIR}/.dfgen

.include "${DFGEN_TOP}/mk/families.mk"

# The families to run.  With DFGEN_KERNCONF naming a kernel config,
# `dfgen kconf` reads it (with DFGEN_SYSDIR's options files if set) and
# writes the opt_*.h headers and dfgen-kconf.mk, which says which codegen
# options are on; a family runs when its option is on or it has none.
# This happens while make reads this file, because which families run
# decides which rules exist; it is redone only when the kconf record (as
# for any unit) says so, at the cost of one find(1) when nothing changed.
.if defined(DFGEN_KERNCONF)
_DFGEN_REC.kconf:=	${DFGEN_RECDIR}/kconf.mk
_DFGEN_ARGS.kconf:=	kconf ${DFGEN_SYSDIR:D--sys ${DFGEN_SYSDIR}} \
			${DFGEN_KCONF_FLAGS:U} -o ${.OBJDIR} ${DFGEN_KERNCONF}
_DFGEN_ARGS.kconf:=	${_DFGEN_ARGS.kconf:M*}
.-include "${_DFGEN_REC.kconf}"
_DFGEN_KCONF_STALE=
.if !defined(_DFGEN_CMD.kconf) || \
    "${_DFGEN_CMD.kconf:M*}" != "${_DFGEN_ARGS.kconf}"
_DFGEN_KCONF_STALE=	yes
.else
.for _f in ${_DFGEN_OUT.kconf} ${_DFGEN_DEP.kconf}
.if !exists(${_f})
_DFGEN_KCONF_STALE=	yes
.endif
.endfor
.if empty(_DFGEN_KCONF_STALE)
_DFGEN_KCONF_STALE!=	find ${_DFGEN_DEP.kconf} -newer ${_DFGEN_REC.kconf} | head -n 1
.endif
.endif
.if !empty(_DFGEN_KCONF_STALE)
_DFGEN_KCONF_STATUS!=	${PYTHON} ${DFGEN} ${_DFGEN_ARGS.kconf} -v \
			--record ${_DFGEN_REC.kconf} 1>&2; echo $$?
.if ${_DFGEN_KCONF_STATUS} != 0
.error dfgen: kconf failed on ${DFGEN_KERNCONF}
.endif
.include "${_DFGEN_REC.kconf}"
.endif
.include "${.OBJDIR}/dfgen-kconf.mk"
DFGEN_ENABLED?=
.for _f in ${DFGEN_FAMILIES}
.if empty(DFGEN_OPTION.${_f}) || \
    !empty(DFGEN_KERNEL_OPTIONS:M${DFGEN_OPTION.${_f}:U})
DFGEN_ENABLED+=	${_f}
.endif
.endfor
.else
DFGEN_ENABLED?=	${DFGEN_FAMILIES}
.endif

.for _g in ${DFGEN_TREEGEN_RUN}
.if empty(DFGEN_TREEGENS:M${_g})
.error dfgen: '${_g}' is not a tree generator of mk/families.mk
.endif
_DFGEN_TREEGEN.${_g}=	treegen \
			--script ${DFGEN_SYSDIR}/${DFGEN_TREEGEN_SCRIPT.${_g}} \
			--tool=${DFGEN_TREEGEN_TOOL.${_g}:Uawk} \
			${DFGEN_TREEGEN_ARGS.${_g}:U%i:S/^/--arg=/} \
			${DFGEN_TREEGEN_OUTPUTS.${_g}:S/^/--output=/}
DFGEN_COMMAND.${_g}=	${DFGEN_TREEGEN_COMMAND.${_g}:U${_DFGEN_TREEGEN.${_g}}}
DFGEN_DEFS.${_g}?=	${DFGEN_TREEGEN_INPUTS.${_g}:S,^,${DFGEN_SYSDIR}/,}
DFGEN_ENABLED+=		${_g}
.endfor

.if ${V:U0} == 0
_DFGEN_Q=	@
.endif

_DFGEN_UNITS=
_DFGEN_RAN=
DFGEN_OUTPUTS=

# One unit per definition file: <family>.<file name without .def>.
.for _f in ${DFGEN_ENABLED}
.for _d in ${DFGEN_DEFS.${_f}}
_DFGEN_U:=	${_f}.${_d:T:R}
.if defined(_DFGEN_SRC.${_DFGEN_U})
.error dfgen: ${_f}: ${_DFGEN_SRC.${_DFGEN_U}} and ${_d} have the same name
.endif
_DFGEN_FAMILY.${_DFGEN_U}:=	${_f}
.if ${_d:M/*}
_DFGEN_SRC.${_DFGEN_U}:=	${_d}
.else
_DFGEN_SRC.${_DFGEN_U}:=	${.CURDIR}/${_d}
.endif
_DFGEN_UNITS:=	${_DFGEN_UNITS} ${_DFGEN_U}
.endfor
.endfor

.for _u in ${_DFGEN_UNITS}
_DFGEN_ARGS.${_u}:=	${DFGEN_COMMAND.${_DFGEN_FAMILY.${_u}}:U${_DFGEN_FAMILY.${_u}}} \
			${DFGEN_FLAGS.${_DFGEN_FAMILY.${_u}}:U} \
			-o ${.OBJDIR} ${_DFGEN_SRC.${_u}}
_DFGEN_ARGS.${_u}:=	${_DFGEN_ARGS.${_u}:M*}
_DFGEN_REC.${_u}:=	${DFGEN_RECDIR}/${_u}.mk
.-include "${_DFGEN_REC.${_u}}"

# Why the unit must run even if no input is newer than its record
# (what:which words, shown by V=2 with the inputs that are newer).
_DFGEN_WHY.${_u}=
.if !defined(_DFGEN_CMD.${_u})
# Never run here: ask the generator what it will write (no parsing).
_DFGEN_OUT.${_u}!=	${PYTHON} ${DFGEN} ${_DFGEN_ARGS.${_u}} --list-outputs
.elif "${_DFGEN_CMD.${_u}:M*}" != "${_DFGEN_ARGS.${_u}}"
_DFGEN_WHY.${_u}+=	changed:command
.endif
_DFGEN_IN.${_u}=
.for _i in ${_DFGEN_DEP.${_u}}
.if exists(${_i})
_DFGEN_IN.${_u}+=	${_i}
.else
_DFGEN_WHY.${_u}+=	gone:${_i:T}
.endif
.endfor
.for _o in ${_DFGEN_OUT.${_u}:S,^${.OBJDIR}/,,}
.if !exists(${.OBJDIR}/${_o})
_DFGEN_WHY.${_u}+=	missing:${_o}
.endif
.if defined(_DFGEN_WRITER.${_o})
.error dfgen: ${_o} would be written by both ${_DFGEN_WRITER.${_o}} and ${_u}
.endif
_DFGEN_WRITER.${_o}:=	${_u}
DFGEN_OUTPUTS+=	${_o}
${_o}: ${_DFGEN_REC.${_u}} .NOTMAIN
.endfor
.if !empty(_DFGEN_WHY.${_u})
${_DFGEN_REC.${_u}}: .PHONY
.endif

${_DFGEN_REC.${_u}}: ${_DFGEN_SRC.${_u}} ${_DFGEN_IN.${_u}} .NOTMAIN
.if ${V:U0} == 2
	@echo "dfgen: ${_u}: ${empty(_DFGEN_WHY.${_u}):?${.OODATE:T:S/^/newer:/}:${_DFGEN_WHY.${_u}:M*}}"
.endif
	${_DFGEN_Q}${PYTHON} ${DFGEN} ${_DFGEN_ARGS.${_u}} -v --record ${.TARGET}${_DFGEN_RAN::+=${_u}}
.endfor

DFGEN_HEADERS=	${DFGEN_OUTPUTS:M*.h}
DFGEN_SRCS=	${DFGEN_OUTPUTS:M*.c}

generate: ${DFGEN_OUTPUTS} .NOTMAIN
	@echo "dfgen: ${empty(_DFGEN_UNITS):?nothing to generate:${empty(_DFGEN_RAN):?all ${DFGEN_OUTPUTS:[#]} files up to date:${_DFGEN_RAN:[#]} of ${_DFGEN_UNITS:[#]} definition files generated} in ${.OBJDIR}}"

clean-generated: .NOTMAIN
	rm -f ${DFGEN_OUTPUTS} ${_DFGEN_UNITS:@_u@${_DFGEN_REC.${_u}}@} \
	    ${_DFGEN_OUT.kconf:U} ${_DFGEN_REC.kconf:U}

beforedepend all: generate
