# pkg_lib.sh: helpers for the install-layout tests (pkg_*.sh), sourced after
# lib.sh.  BUILDDIR is the build tree holding the binary and what `make`
# generated from it (man pages, jsfpm.conf, units).

BUILDDIR=$(dirname "$JSFPM")

# built PATH: a file `make` generated, relative to the build tree.
built() {
  [ -f "$BUILDDIR/$1" ] || fail "$BUILDDIR/$1 missing (make builds it)"
  echo "$BUILDDIR/$1"
}

# make_var NAME: a variable of the build tree's Makefile, fully expanded.
# (make may first remake a stale Makefile and say so: only the marked line counts.)
make_var() {
  printf 'print-var:\n\t@echo "make_var=$(%s)"\n' "$1" |
    make -s --no-print-directory -C "$BUILDDIR" -f Makefile -f - print-var | sed -n 's/^make_var=//p' | tail -n 1
}

# conf_keys FILE: the section.key of every "key =" or ";key =" line of an INI
# file, in order, outside [env].
conf_keys() {
  awk '
    /^\[.*\][ \t]*$/ { section = substr($0, 2, index($0, "]") - 2); next }
    section == "env" { next }
    /^;?[A-Za-z_][A-Za-z0-9_.]* *=/ {
      line = $0; sub(/^;/, "", line); sub(/ *=.*/, "", line)
      print section "." line
    }
  ' "$1"
}
