# hwsweep -- design-space exploration of LLM inference hardware.
#
#   make                  build bin/hwsweep (installs missing Debian packages when root)
#   make NAME.hw          explore inputs/hardware/config/NAME.yaml
#   make NAME.sw.MODEL    evaluate inputs/software/model/MODEL.yaml on NAME (after NAME.hw)
#   make NAME.sw          every model on NAME
#   make NAME.clean       remove outputs/NAME
#   make sweep.NAME       run sweeps/NAME.yaml into outputs/sweeps/NAME.db
#   make test             unit, golden and sweep tests (Check and shell)
#   make test-slurm       the Slurm integration test (installs slurm-wlm and munge)
#   make bench            benchmarks (see BENCHMARKS.md)
#   make clean            remove build products

CC      ?= gcc
CFLAGS  ?= -O2
CFLAGS  += -std=c11 -fopenmp -Wall -Wextra -Werror -D_POSIX_C_SOURCE=200809L -Isrc
PKGS     = yaml-0.1 sqlite3 jansson
OUTDIR  ?= outputs
JOBS    ?= 0

DEPS_OK := $(shell scripts/install-deps.sh --check >/dev/null 2>&1 || scripts/install-deps.sh >&2; \
                   scripts/install-deps.sh --check >/dev/null 2>&1 && echo yes)
ifneq ($(DEPS_OK),yes)
$(error missing build dependencies; see the message above)
endif

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   := $(shell pkg-config --libs $(PKGS)) -lm
CHECK_LIBS := $(shell pkg-config --libs check)

LIB_SRC  := $(filter-out src/cli/main.c,$(wildcard src/*/*.c))
LIB_OBJ  := $(LIB_SRC:src/%.c=build/obj/%.o)
TEST_SRC := $(wildcard tests/test_*.c)
TEST_BIN := $(TEST_SRC:tests/%.c=build/tests/%)
BENCH_SRC := $(wildcard bench/bench_*.c)
BENCH_BIN := $(BENCH_SRC:bench/%.c=build/bench/%)

HW_CONFIGS := $(basename $(notdir $(wildcard inputs/hardware/config/*.yaml)))
MODELS     := $(basename $(notdir $(wildcard inputs/software/model/*.yaml)))

SWEEPS     := $(basename $(notdir $(wildcard sweeps/*.yaml)))

.PHONY: all test test-slurm bench clean $(SWEEPS:%=sweep.%) $(HW_CONFIGS:%=%.hw) $(HW_CONFIGS:%=%.sw) $(HW_CONFIGS:%=%.clean)
.DELETE_ON_ERROR:

all: bin/hwsweep

build/obj/%.o: src/%.c $(wildcard src/*/*.h) src/version.h
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

build/tests/%: tests/%.c build/libhwsweep.a $(wildcard tests/*.h)
	@mkdir -p build/tests
	@echo "LD $@"
	@$(CC) $(CFLAGS) $(PKG_CFLAGS) $< build/libhwsweep.a $(PKG_LIBS) $(CHECK_LIBS) -o $@

build/bench/%: bench/%.c build/libhwsweep.a
	@mkdir -p build/bench
	@echo "LD $@"
	@$(CC) $(CFLAGS) $(PKG_CFLAGS) $< build/libhwsweep.a $(PKG_LIBS) -o $@

# Tests run from the repository root (they read inputs/ and tests/golden/).
test: bin/hwsweep $(TEST_BIN)
	@fail=0; for t in $(TEST_BIN); do echo "== $$t"; $$t || fail=1; done; \
	sh tests/cli_errors.sh bin/hwsweep || fail=1; \
	sh tests/sweep_test.sh bin/hwsweep || fail=1; \
	if [ $$fail = 0 ]; then echo "make test: all suites passed"; else echo "make test: FAILED"; exit 1; fi

bench: bin/hwsweep $(BENCH_BIN)
	@for b in $(BENCH_BIN); do $$b; done
	@sh bench/bench_sweeps.sh bin/hwsweep
	@sh bench/bench_query.sh bin/hwsweep
	@sh bench/bench_npu_sweep.sh bin/hwsweep
	@sh bench/bench_npu_families.sh bin/hwsweep

$(HW_CONFIGS:%=%.hw): %.hw: bin/hwsweep
	bin/hwsweep hw -o $(OUTDIR) -j $(JOBS) inputs/hardware/config/$*.yaml

# NAME.sw.MODEL: the system file inputs/software/system/NAME.yaml when it exists.
%.sw: bin/hwsweep
	@$(MAKE) --no-print-directory $*.hw
	@for m in $(MODELS); do bin/hwsweep sw -o $(OUTDIR) -j $(JOBS) -m inputs/software/model/$$m.yaml $* || exit $$?; done

define SW_RULE
$(1).sw.%: bin/hwsweep $(1).hw
	bin/hwsweep sw -o $$(OUTDIR) -j $$(JOBS) -m inputs/software/model/$$*.yaml $(1)
endef
$(foreach h,$(HW_CONFIGS),$(eval $(call SW_RULE,$(h))))

$(SWEEPS:%=sweep.%): sweep.%: bin/hwsweep
	bin/hwsweep run -o $(OUTDIR) -j $(JOBS) sweeps/$*.yaml

test-slurm: bin/hwsweep
	bash scripts/slurm/test-slurm.sh

$(HW_CONFIGS:%=%.clean): %.clean:
	rm -rf $(OUTDIR)/$*

clean:
	rm -rf build bin
