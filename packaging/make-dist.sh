#!/bin/bash
# make-dist.sh: the release tarball, which the package builds start from as
# a distribution would.
#
#   packaging/make-dist.sh DIR    configures a scratch build tree in DIR
#                                 (bootstrapping the source tree first if
#                                 needed), runs `make dist` there and prints
#                                 the tarball's path
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
[ $# -eq 1 ] || { echo "usage: $0 DIR" >&2; exit 2; }
mkdir -p "$1"
dir=$(cd "$1" && pwd)
cd "$top"
[ -x configure ] && [ configure -nt configure.ac ] && [ Makefile.in -nt Makefile.am ] || ./bootstrap >&2
(cd "$dir" && "$top/configure" -q && make -s dist) >&2
ls "$dir"/jsfpm-*.tar.gz
