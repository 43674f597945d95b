# hwsweep -- design-space exploration of LLM inference hardware.
#
#   make                  build bin/hwsweep (installs missing packages when root: apt-get or dnf)
#   make install          bin, inputs, man page and bash completion under PREFIX (/usr/local)
#   make NAME.hw          explore inputs/hardware/config/NAME.yaml
#   make NAME.sw.MODEL    evaluate inputs/software/model/MODEL.yaml on NAME (after NAME.hw)
#   make NAME.sw          every model on NAME
#   make NAME.clean       remove outputs/NAME
#   make sweep.NAME       run sweeps/NAME.yaml into outputs/sweeps/NAME.db
#   make test             unit, golden and sweep tests (Check and shell)
#   make test-slurm       the Slurm integration test (installs slurm-wlm and munge)
#   make bench            benchmarks (see BENCHMARKS.md)
#   make clean            remove build products

CFLAGS  ?= -O2
CFLAGS  += -std=c11 -fopenmp -Wall -Wextra -Werror -D_POSIX_C_SOURCE=200809L -Isrc
PKGS     = yaml-0.1 sqlite3 jansson
OUTDIR  ?= outputs
JOBS    ?= 0
PREFIX  ?= /usr/local

# Dependencies: each target checks the group it needs (deps-build for the
# binary, deps-test for the tests) and names what is missing; as root the
# missing packages are installed (scripts/install-deps.sh, apt-get or dnf).
# CC=clang works (clang's OpenMP: libomp-dev).  The pkg-config flags are
# read when used, after the check.
DEPS_GROUPS = build test fuzz chakra plot browser
.PHONY: $(DEPS_GROUPS:%=deps-%)
$(DEPS_GROUPS:%=deps-%): deps-%:
	@CC="$(CC)" scripts/install-deps.sh $*

PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lm
CHECK_LIBS = $(shell pkg-config --libs check 2>/dev/null)

LIB_SRC  := $(filter-out src/cli/main.c,$(wildcard src/*/*.c))
LIB_OBJ  := $(LIB_SRC:src/%.c=build/obj/%.o)
TEST_SRC := $(wildcard tests/test_*.c)
TEST_BIN := $(TEST_SRC:tests/%.c=build/tests/%)
BENCH_SRC := $(wildcard bench/bench_*.c)
BENCH_BIN := $(BENCH_SRC:bench/%.c=build/bench/%)

HW_CONFIGS := $(basename $(notdir $(wildcard inputs/hardware/config/*.yaml)))
MODELS     := $(basename $(notdir $(wildcard inputs/software/model/*.yaml)))

SWEEPS     := $(basename $(notdir $(wildcard sweeps/*.yaml)))

.PHONY: all install uninstall test test-slurm test-asan fuzz fuzz-deps bench clean $(SWEEPS:%=sweep.%) $(HW_CONFIGS:%=%.hw) $(HW_CONFIGS:%=%.sw) $(HW_CONFIGS:%=%.clean)
.DELETE_ON_ERROR:

all: bin/hwsweep

build/obj/%.o: src/%.c $(wildcard src/*/*.h) src/version.h | deps-build
	@mkdir -p $(dir $@)
	@echo "CC $<"
	@$(CC) $(CFLAGS) $(PKG_CFLAGS) -c $< -o $@

build/libhwsweep.a: $(LIB_OBJ)
	@rm -f $@
	@ar rcs $@ $^

bin/hwsweep: build/obj/cli/main.o build/libhwsweep.a
	@mkdir -p bin
	@echo "LD $@"
	@$(CC) $(CFLAGS) $^ $(PKG_LIBS) -o $@

build/tests/%: tests/%.c build/libhwsweep.a $(wildcard tests/*.h) | deps-test
	@mkdir -p build/tests
	@echo "LD $@"
	@$(CC) $(CFLAGS) $(PKG_CFLAGS) $< build/libhwsweep.a $(PKG_LIBS) $(CHECK_LIBS) -o $@

build/bench/%: bench/%.c build/libhwsweep.a
	@mkdir -p build/bench
	@echo "LD $@"
	@$(CC) $(CFLAGS) $(PKG_CFLAGS) $< build/libhwsweep.a $(PKG_LIBS) -o $@

# Tests run from the repository root (they read inputs/ and tests/golden/).
test: bin/hwsweep $(TEST_BIN) | deps-test
	@sh tests/run_suites.sh bin/hwsweep $(TEST_BIN)

bench: bin/hwsweep $(BENCH_BIN) build/tests/test_query | deps-test
	@for b in $(BENCH_BIN); do $$b; done
	@sh bench/bench_sweeps.sh bin/hwsweep
	@sh bench/bench_query.sh bin/hwsweep
	@HWSWEEP_BENCH_LARGE=1 build/tests/test_query
	@sh bench/bench_live.sh bin/hwsweep

# NAME.hw is the database OUTDIR/NAME/NAME.db: explored again only when the
# hardware file or the constants change (not when bin/hwsweep is rebuilt), so
# NAME.sw.MODEL never wipes the models evaluated before it.
CONSTANTS := inputs/hardware/constant/7nm_default.yaml
define HW_RULE
$(1).hw: $(OUTDIR)/$(1)/$(1).db
$(OUTDIR)/$(1)/$(1).db: inputs/hardware/config/$(1).yaml $(CONSTANTS) | bin/hwsweep
	bin/hwsweep hw -o $(OUTDIR) -j $(JOBS) inputs/hardware/config/$(1).yaml
endef
$(foreach h,$(HW_CONFIGS),$(eval $(call HW_RULE,$(h))))
.PRECIOUS: $(HW_CONFIGS:%=$(OUTDIR)/%/%.db)

# NAME.sw.MODEL: the system file inputs/software/system/NAME.yaml when it exists.
$(HW_CONFIGS:%=%.sw): %.sw: %.hw | bin/hwsweep
	@for m in $(MODELS); do bin/hwsweep sw -o $(OUTDIR) -j $(JOBS) -m inputs/software/model/$$m.yaml $* || exit $$?; done

define SW_RULE
.PHONY: $(1).sw.$(2)
$(1).sw.$(2): $(1).hw | bin/hwsweep
	bin/hwsweep sw -o $$(OUTDIR) -j $$(JOBS) -m inputs/software/model/$(2).yaml $(1)
endef
$(foreach h,$(HW_CONFIGS),$(foreach m,$(MODELS),$(eval $(call SW_RULE,$(h),$(m)))))

# Any other name: say which exist, touch nothing.
.DEFAULT:
	@echo "make: no target '$@'.  Hardware (NAME.hw, NAME.sw, NAME.sw.MODEL, NAME.clean): $(HW_CONFIGS);" \
	      "models: $(MODELS); sweeps (sweep.NAME): $(SWEEPS)" >&2; exit 2

$(SWEEPS:%=sweep.%): sweep.%: bin/hwsweep
	bin/hwsweep run -o $(OUTDIR) -j $(JOBS) sweeps/$*.yaml

test-slurm: bin/hwsweep
	bash scripts/slurm/test-slurm.sh

$(HW_CONFIGS:%=%.clean): %.clean:
	rm -rf $(OUTDIR)/$*

# make test-asan: the whole suite (unit, golden, CLI, sweep and safety tests)
# with AddressSanitizer and UndefinedBehaviorSanitizer, built in a copy of the
# tree under build/asan so that the normal build is left alone.
ASAN_FLAGS = -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined
test-asan:
	@rm -rf build/asan && mkdir -p build/asan
	@for f in *; do case $$f in build|bin|outputs) ;; *) cp -R "$$f" build/asan/ ;; esac; done
	@cd build/asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	    $(MAKE) --no-print-directory CC="$(CC) $(ASAN_FLAGS)" test

# make fuzz FUZZ_SECONDS=N: each libFuzzer target of tests/fuzz/ (YAML
# loading, the schemas, sweep expansion) for N seconds, after replaying its
# seed corpus (tests/fuzz/corpus/TARGET) and the past findings
# (tests/fuzz/regress/).  clang with libFuzzer: scripts/install-deps.sh --fuzz.
FUZZ_SECONDS ?= 60
FUZZ_CC      ?= clang
FUZZ_FLAGS    = -g -O1 -std=c11 -fopenmp -D_POSIX_C_SOURCE=200809L -Isrc -fsanitize=address,undefined \
                -fno-sanitize-recover=undefined
FUZZ_TARGETS := $(basename $(notdir $(wildcard tests/fuzz/fuzz_*.c)))
FUZZ_OBJ     := $(LIB_SRC:src/%.c=build/fuzz/obj/%.o)
.SECONDARY: $(FUZZ_OBJ)

build/fuzz/obj/%.o: src/%.c $(wildcard src/*/*.h) src/version.h
	@mkdir -p $(dir $@)
	@$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link $(PKG_CFLAGS) -c $< -o $@

build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_OBJ)
	@echo "LD $@"
	@$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer $(PKG_CFLAGS) $< $(FUZZ_OBJ) $(PKG_LIBS) -o $@

fuzz-deps: deps-fuzz

fuzz: fuzz-deps
	@$(MAKE) --no-print-directory $(FUZZ_TARGETS:%=build/fuzz/%)
	@for t in $(FUZZ_TARGETS); do \
	    name=$${t#fuzz_}; mkdir -p build/fuzz/corpus-$$name build/fuzz/crash-$$name; \
	    echo "== $$t: replay tests/fuzz/corpus/$$name and tests/fuzz/regress, then $(FUZZ_SECONDS) s"; \
	    build/fuzz/$$t -runs=0 tests/fuzz/corpus/$$name tests/fuzz/regress >/dev/null 2>build/fuzz/$$t.log \
	        || { tail -40 build/fuzz/$$t.log; exit 1; }; \
	    build/fuzz/$$t -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
	        -artifact_prefix=build/fuzz/crash-$$name/ build/fuzz/corpus-$$name tests/fuzz/corpus/$$name \
	        >build/fuzz/$$t.log 2>&1 || { tail -40 build/fuzz/$$t.log; \
	        echo "finding in build/fuzz/crash-$$name/: copy it to tests/fuzz/regress/ with the fix"; exit 1; }; \
	    grep -E '^Done|stat::number_of_executed_units' build/fuzz/$$t.log | tail -1; \
	done

# make install PREFIX=DIR [DESTDIR=STAGE]: the binary, the shipped inputs and
# example sweeps (PREFIX/share/hwsweep, found by the installed binary from
# any directory), the man page and the bash completion.
install: bin/hwsweep
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/hwsweep \
	    $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/bash-completion/completions
	install -m 755 bin/hwsweep $(DESTDIR)$(PREFIX)/bin/hwsweep
	rm -rf $(DESTDIR)$(PREFIX)/share/hwsweep/inputs $(DESTDIR)$(PREFIX)/share/hwsweep/sweeps
	cp -R inputs sweeps $(DESTDIR)$(PREFIX)/share/hwsweep/
	install -m 644 docs/hwsweep.1 $(DESTDIR)$(PREFIX)/share/man/man1/hwsweep.1
	install -m 644 scripts/hwsweep-completion.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/hwsweep

uninstall:
	rm -rf $(DESTDIR)$(PREFIX)/bin/hwsweep $(DESTDIR)$(PREFIX)/share/hwsweep \
	    $(DESTDIR)$(PREFIX)/share/man/man1/hwsweep.1 $(DESTDIR)$(PREFIX)/share/bash-completion/completions/hwsweep

clean:
	rm -rf build bin
