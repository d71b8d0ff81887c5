#!/bin/sh
# bootstrap.sh: install what dfgen's build and tests need, find the
# Python that has jinja2, and record it for make in mk/local.mk.
#
# Idempotent: a second run installs nothing, rewrites nothing and says so.
# Debian and Ubuntu use apt; DragonFly and FreeBSD use pkg.  Never pip.

set -eu

cd "$(dirname "$0")"

say() {
	printf 'bootstrap: %s\n' "$*"
}

die() {
	printf 'bootstrap: error: %s\n' "$*" >&2
	exit 1
}

as_root() {
	if [ "$(id -u)" -eq 0 ]; then
		"$@"
	elif command -v sudo >/dev/null 2>&1; then
		sudo "$@"
	else
		die "need root to run: $*"
	fi
}

# -- Debian and Ubuntu ----------------------------------------------------

APT_PACKAGES="bmake m4 make gcc libc6-dev python3 python3-jinja2
    python3-pycparser bats bats-support bats-assert bats-file
    libpcap-dev liblua5.4-dev clang pkg-config liburing-dev valgrind
    makefs libtirpc-dev libprotobuf-c-dev protobuf-c-compiler gnuplot-nox
    libjemalloc-dev libmimalloc-dev libgoogle-perftools-dev
    g++ libboost-fiber-dev libboost-context-dev golang-go"

apt_missing() {
	for p in "$@"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
		    grep -q '^install ok installed$' || printf '%s\n' "$p"
	done
}

install_apt() {
	pkgs=$APT_PACKAGES
	# 32-bit builds of the generated C (-m32) need the multilib compiler.
	# Big-endian runs of the structs tests: clang --target=s390x-linux-gnu
	# with Debian's s390x libc and libgcc, under qemu.  Not the package
	# gcc-s390x-linux-gnu: it conflicts with gcc-multilib.
	case $(dpkg --print-architecture) in
	amd64)
		pkgs="$pkgs gcc-multilib"
		v=$(apt-cache depends gcc 2>/dev/null |
		    sed -n 's/^ *Depends: gcc-\([0-9][0-9]*\)$/\1/p' | head -n 1)
		pkgs="$pkgs qemu-user binutils-s390x-linux-gnu
		    libc6-dev-s390x-cross${v:+ libgcc-$v-dev-s390x-cross}"
		;;
	esac
	# shellcheck disable=SC2086
	missing=$(apt_missing $pkgs)
	if [ -z "$missing" ]; then
		say "all $(echo $pkgs | wc -w) packages already installed"
		return
	fi
	say "installing:" $missing
	as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
	# shellcheck disable=SC2086
	as_root env DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y -qq --no-install-recommends $missing >/dev/null
}

# -- DragonFly and FreeBSD ------------------------------------------------

install_pkg() {
	want="python3 bmake m4 bats-core lua54 llvm pkgconf"
	missing=""
	for p in $want; do
		pkg info -e "$p" || missing="$missing $p"
	done
	if [ -n "$missing" ]; then
		say "installing:$missing"
		# shellcheck disable=SC2086
		as_root env ASSUME_ALWAYS_YES=yes pkg install -y $missing
	fi
	# Python modules are packaged per Python version: py39-Jinja2, ...
	flavor=$(python3 -c 'import sys; print("py%d%d" % sys.version_info[:2])')
	missing=""
	for p in "$flavor-Jinja2" "$flavor-pycparser"; do
		pkg info -e "$p" || missing="$missing $p"
	done
	if [ -n "$missing" ]; then
		say "installing:$missing"
		# shellcheck disable=SC2086
		as_root env ASSUME_ALWAYS_YES=yes pkg install -y $missing
	fi
	[ -n "$missing" ] || say "all packages already installed"
}

case $(uname -s) in
Linux)
	command -v apt-get >/dev/null 2>&1 ||
	    die "this Linux has no apt-get; install by hand:" $APT_PACKAGES
	install_apt
	;;
DragonFly|FreeBSD)
	install_pkg
	;;
*)
	die "unsupported system $(uname -s); see README.md for what dfgen needs"
	;;
esac

# -- The Python that make will use ----------------------------------------

# The distribution's python3 carries the packaged jinja2; another python3
# (pyenv, a venv) may come first on PATH and lack it.
python=""
for candidate in ${PYTHON:-} /usr/bin/python3 /usr/local/bin/python3 \
    "$(command -v python3 || true)"; do
	[ -n "$candidate" ] && [ -x "$candidate" ] || continue
	if "$candidate" -c 'import jinja2, pycparser' 2>/dev/null; then
		python=$candidate
		break
	fi
done
[ -n "$python" ] || die "no python3 here can import jinja2 and pycparser"

local_mk="mk/local.mk"
content="# Written by bootstrap.sh: the Python that has jinja2.
PYTHON?=	$python"
if [ -f "$local_mk" ] && [ "$(cat "$local_mk")" = "$content" ]; then
	say "$local_mk unchanged (PYTHON=$python)"
else
	printf '%s\n' "$content" > "$local_mk.tmp"
	mv "$local_mk.tmp" "$local_mk"
	say "wrote $local_mk (PYTHON=$python)"
fi
say "ready: run 'bmake generate' and 'bmake test'"
