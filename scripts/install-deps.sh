#!/bin/sh
# install-deps.sh -- make sure the packages one group of make targets needs
# are present, and name the ones that are missing.  Debian/Ubuntu (apt-get)
# and Rocky/RHEL/Fedora (dnf; libyaml-devel, check-devel and jansson-devel
# come from CRB/EPEL there).
#
#   scripts/install-deps.sh [--check] [GROUP...]
#
# GROUP (default: build):
#   build    what bin/hwsweep needs: a C11 compiler with OpenMP ($CC, else cc),
#            make, pkg-config, libyaml, SQLite, jansson
#   test     what make test needs besides the build: Check, the sqlite3 shell
#   fuzz     what make fuzz needs: clang with libFuzzer, the sanitizers and OpenMP
#   chakra   protobuf-c (library and protoc-c, for Chakra traces)
#   plot     gnuplot (hwsweep plot and report draw with it)
#   browser  chromium (make test-browser only)
# --check only checks: exit 1 and print what is missing with the command that
# installs it.  Without --check, what is missing is installed when run as root;
# otherwise the command is printed (exit 1).  --fuzz and --browser are the old
# spellings of the fuzz and browser groups.
set -eu

check=0 groups=""
for a in "$@"; do
  case $a in
    --check) check=1 ;;
    --fuzz) groups="$groups fuzz" ;;
    --browser) groups="$groups browser" ;;
    build|test|fuzz|chakra|plot|browser) groups="$groups $a" ;;
    *) echo "install-deps.sh: unknown group '$a' (build, test, fuzz, chakra, plot, browser)" >&2; exit 2 ;;
  esac
done
[ -n "$groups" ] || groups=build

# HWSWEEP_PKG_MANAGER=apt|dnf overrides the guess
pm=${HWSWEEP_PKG_MANAGER:-}
if [ -n "$pm" ]; then :
elif command -v apt-get >/dev/null 2>&1; then pm=apt
elif command -v dnf >/dev/null 2>&1; then pm=dnf
else pm=apt
fi

# One line per need: group, how to test it, the Debian packages, the dnf
# packages ("+" separates several packages of one need).
table() {
  cat <<'T'
build  cc                gcc                                     gcc
build  cmd:make          make                                    make
build  cmd:pkg-config    pkg-config                              pkgconf-pkg-config
build  pc:yaml-0.1       libyaml-dev                             libyaml-devel
build  pc:sqlite3        libsqlite3-dev                          sqlite-devel
build  pc:jansson        libjansson-dev                          jansson-devel
test   pc:check          check                                   check-devel
test   cmd:sqlite3       sqlite3                                 sqlite
fuzz   fuzz              clang+libclang-rt-14-dev+libomp-dev     clang+compiler-rt+libomp-devel
chakra pc:libprotobuf-c  libprotobuf-c-dev                       protobuf-c-devel
chakra cmd:protoc-c      protobuf-c-compiler                     protobuf-c-compiler
plot   cmd:gnuplot       gnuplot-nox                             gnuplot
browser cmd:chromium     chromium                                chromium
T
}

# compiles CC [FLAGS]: the compiler builds and links an OpenMP program
compiles() {
  t=$(mktemp -d)
  printf '#include <omp.h>\n#include <stddef.h>\n#include <stdint.h>\n#ifndef FUZZ_CHECK\nint main(void) { return omp_get_max_threads() > 0 ? 0 : 1; }\n#endif\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return omp_get_max_threads() < 0; }\n' > "$t/f.c"
  cc=$1; shift
  # shellcheck disable=SC2086  # CC may carry flags
  if $cc -fopenmp "$@" "$t/f.c" -o "$t/f" >/dev/null 2>&1; then rm -rf "$t"; return 0; fi
  rm -rf "$t"; return 1
}

have() {   # have TEST
  case $1 in
    cc) compiles "${CC:-cc}" ;;
    fuzz) compiles clang -DFUZZ_CHECK -fsanitize=fuzzer,address,undefined ;;  # libFuzzer brings main
    cmd:*) command -v "${1#cmd:}" >/dev/null 2>&1 ;;
    pc:*) command -v pkg-config >/dev/null 2>&1 && pkg-config --exists "${1#pc:}" ;;
  esac
}

missing="" needs=""
for g in $groups; do
  table | while read -r grp what deb rpm; do
    [ "$grp" = "$g" ] || continue
    have "$what" && continue
    pkgs=$deb; [ $pm = dnf ] && pkgs=$rpm
    case $what in
      cc) case "${CC:-cc}" in *clang*) pkgs="clang+libomp-dev"; [ $pm = dnf ] && pkgs="clang+libomp-devel" ;; esac
          echo "${CC:-cc} (a C compiler with OpenMP):$pkgs" ;;
      pc:*) echo "pkg-config module ${what#pc:}:$pkgs" ;;
      cmd:*) echo "command ${what#cmd:}:$pkgs" ;;
      fuzz) echo "clang with libFuzzer and OpenMP:$pkgs" ;;
    esac
  done
done > "${TMPDIR:-/tmp}/install-deps.$$"
while IFS=: read -r need pkgs; do
  needs="$needs
  $need (package $(echo "$pkgs" | tr + ' '))"
  missing="$missing $(echo "$pkgs" | tr + ' ')"
done < "${TMPDIR:-/tmp}/install-deps.$$"
rm -f "${TMPDIR:-/tmp}/install-deps.$$"
[ -z "$missing" ] && exit 0

if [ $pm = dnf ]; then cmd="sudo dnf install -y$missing"; else cmd="sudo apt-get install -y$missing"; fi
groups=$(echo $groups)
if [ $check = 1 ] || [ "$(id -u)" != 0 ]; then
  echo "hwsweep ($groups) is missing:$needs" >&2
  echo "install with:  $cmd" >&2
  [ $pm = dnf ] && echo "(libyaml-devel, check-devel, jansson-devel, protobuf-c-devel: enable CRB and EPEL first)" >&2
  exit 1
fi
echo "installing:$missing" >&2
if [ $pm = dnf ]; then
  # shellcheck disable=SC2086  # one word per package
  dnf install -y -q $missing >&2
else
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  # shellcheck disable=SC2086  # one word per package
  apt-get install -y -qq $missing >&2
fi
# what the packages did not provide is still named
exec sh "$0" --check $groups
