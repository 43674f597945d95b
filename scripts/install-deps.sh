#!/bin/sh
# install-deps.sh -- make sure the Debian packages hwsweep builds with are
# present: gcc (with OpenMP), make, pkg-config, libyaml, SQLite, Check, jansson,
# protobuf-c (library and protoc-c, for Chakra traces), gnuplot (hwsweep plot
# and report draw with it).
#   scripts/install-deps.sh          install what is missing (needs root)
#   scripts/install-deps.sh --check  exit 1 and print the apt-get command if anything is missing
#                                    (installs nothing)
#   scripts/install-deps.sh --browser [--check]
#                                    the same for chromium alone (make test-browser only)
set -eu

# --fuzz: what `make fuzz` needs besides the build: clang with libFuzzer and
# the sanitizers (libclang-rt-14-dev) and clang's OpenMP (libomp-dev).
if [ "${1:-}" = "--fuzz" ]; then
  FUZZ_PKGS="clang libclang-rt-14-dev libomp-dev"
  t=$(mktemp -d)
  printf '#include <omp.h>\n#include <stddef.h>\n#include <stdint.h>\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return omp_get_max_threads() > 0 ? 0 : 0; }\n' > "$t/f.c"
  if clang -fopenmp -fsanitize=fuzzer,address,undefined "$t/f.c" -o "$t/f" >/dev/null 2>&1; then
    rm -rf "$t"; exit 0
  fi
  rm -rf "$t"
  if [ "$(id -u)" != 0 ]; then
    echo "make fuzz needs: sudo apt-get install -y $FUZZ_PKGS" >&2; exit 1
  fi
  echo "installing: $FUZZ_PKGS" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  # shellcheck disable=SC2086  # one word per package
  apt-get install -y -qq $FUZZ_PKGS >&2
  exit 0
fi

PKGS="gcc make pkg-config libyaml-dev libsqlite3-dev sqlite3 check libjansson-dev protobuf-c-compiler libprotobuf-c-dev gnuplot-nox"
if [ "${1:-}" = "--browser" ]; then
  shift
  PKGS="chromium"
  missing=""
  command -v chromium >/dev/null 2>&1 || missing=" chromium"
else
missing=""
command -v gcc >/dev/null 2>&1 || missing="$missing gcc"
command -v pkg-config >/dev/null 2>&1 || missing="$missing pkg-config"
command -v sqlite3 >/dev/null 2>&1 || missing="$missing sqlite3"
command -v protoc-c >/dev/null 2>&1 || missing="$missing protobuf-c-compiler"
if command -v pkg-config >/dev/null 2>&1; then
  pkg-config --exists yaml-0.1 || missing="$missing libyaml-dev"
  pkg-config --exists sqlite3 || missing="$missing libsqlite3-dev"
  pkg-config --exists check || missing="$missing check"
  pkg-config --exists jansson || missing="$missing libjansson-dev"
  pkg-config --exists libprotobuf-c || missing="$missing libprotobuf-c-dev"
else
  missing="$missing libyaml-dev libsqlite3-dev check libjansson-dev libprotobuf-c-dev"
fi
command -v gnuplot >/dev/null 2>&1 || missing="$missing gnuplot-nox"
fi
[ -z "$missing" ] && exit 0

if [ "${1:-}" = "--check" ]; then
  echo "hwsweep needs these Debian packages:$missing" >&2
  echo "install them with:  sudo apt-get install -y $PKGS" >&2
  exit 1
fi
if [ "$(id -u)" != 0 ]; then
  echo "run as root, or: sudo apt-get install -y $PKGS" >&2
  exit 1
fi
echo "installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
# shellcheck disable=SC2086  # one word per package
apt-get install -y -qq $PKGS >&2
