# DragonFly's userland headers for BATS suites that compile a library
# of the overlay for DragonFly: load with `load lib/dfly` after
# lib/common, and compile with
#
#	-nostdinc -U__linux__ -U__linux -Ulinux -U__gnu_linux__ -Uunix
#	-U__unix -D__DragonFly__=1 -isystem DIR -isystem "$DFLY_SRC/include"
#
# (then the compiler's own headers, for stdatomic.h, as on DragonFly).

# Skip unless DFLY_SRC is a DragonFly tree with its include/.
dfly_require_include() {
	[ -d "${DFLY_SRC:-}/include" ] ||
	    skip "DFLY_SRC has no include/: no DragonFly userland headers"
}

# dfly_usr_include DIR: DragonFly's /usr/include laid out in DIR from
# $DFLY_SRC as the tree's include/Makefile installs it (with include/
# itself on the path after DIR): sys/sys as sys/ with the headers it
# links from there (LHDRS), sys/vm as vm/, cpu/ the cpu's headers and
# machine/ the cpu's overlaid by the platform's.
dfly_usr_include() {
	local inc=$1 h
	mkdir -p "$inc/machine"
	for h in "$DFLY_SRC"/sys/cpu/x86_64/include/*.h \
	    "$DFLY_SRC"/sys/platform/pc64/include/*.h; do
		ln -sf "$h" "$inc/machine/"
	done
	ln -s "$DFLY_SRC/sys/cpu/x86_64/include" "$inc/cpu"
	ln -s "$DFLY_SRC/sys/sys" "$inc/sys"
	ln -s "$DFLY_SRC/sys/vm" "$inc/vm"
	for h in $(sed -n 's/^LHDRS=//p' "$DFLY_SRC/include/Makefile"); do
		ln -s "$DFLY_SRC/sys/sys/$h" "$inc/$h"
	done
}

# Skip unless DFLY_SRC has include/; else lay out its /usr/include in
# the test's directory, in $DFLY_INC, for dfly_cc.
dfly_headers() {
	dfly_require_include
	DFLY_INC=$BATS_TEST_TMPDIR/usr/include
	dfly_usr_include "$DFLY_INC"
}

# dfly_cc SRC OUT CFLAGS...: SRC compiled for DragonFly against the
# headers dfly_headers laid out in $DFLY_INC; the compiler's messages
# on failure.
dfly_cc() {
	local src=$1 out=$2
	shift 2
	cc -c $CWARN -nostdinc -U__linux__ -U__linux -Ulinux \
	    -U__gnu_linux__ -Uunix -U__unix -D__DragonFly__=1 "$@" \
	    -isystem "$DFLY_INC" -isystem "$DFLY_SRC/include" \
	    -isystem "$(cc -print-file-name=include)" -o "$out" "$src"
}

# dfly_mk_srcs MAKEFILE: the words of its SRCS= and SRCS+= lines, their
# continuations joined, one to a line.
dfly_mk_srcs() {
	sed -e ':a' -e '/\\$/{N;s/\\\n//;ba' -e '}' "$1" |
	    sed -n 's/^SRCS+*=//p' | tr -s ' \t' '\n\n' | sed '/^$/d'
}

# dfly_mk_lists MAKEFILE FILE...: fail unless every FILE is named in the
# Makefile's SRCS.
dfly_mk_lists() {
	local mk=$1 f
	shift
	for f in "$@"; do
		dfly_mk_srcs "$mk" | grep -qx "$(basename "$f")" ||
		    fail "$f not in SRCS"
	done
}
