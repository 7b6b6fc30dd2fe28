# sentsim: one non-recursive Makefile for the whole tree.
#
# Each top-level directory builds into one static library under
# build/$(V)/, so a module and its tests build even while another module is
# half-written. The `sentsim` binary links them all. Overrides go in
# config.mak (git-ignored), e.g. `CC = clang`.
#
# SPDX-License-Identifier: BSD-3-Clause

-include config.mak

V        ?= release
BUILD    := build/$(V)
CC       ?= cc
SENTSIM  := $(BUILD)/sentsim
TEST_PREFIX ?=
FUZZ_SECONDS ?= 60
JOBS     ?= 2

WARN := -std=c11 -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
        -Wmissing-prototypes -Wold-style-definition -Wwrite-strings -Wundef \
        -Wcast-qual -Wpointer-arith -Wdouble-promotion -Wformat=2 -Wvla \
        -Wimplicit-fallthrough -Wnull-dereference -Werror
CORE_WARN := -Wconversion -Wsign-conversion -Wswitch-enum

OPT_release  := -O2 -g
# Checking builds also visit the records a tick skips, asserting each such
# visit is a no-op (core/quiet.c).
SAN_FLAGS    := -fno-sanitize-recover=all -fno-omit-frame-pointer -DCORE_VERIFY_QUIET=1
OPT_asan     := -O1 -g -fsanitize=address $(SAN_FLAGS)
OPT_ubsan    := -O1 -g -fsanitize=undefined $(SAN_FLAGS)
OPT_san      := -O1 -g -fsanitize=address,undefined $(SAN_FLAGS)
OPT_debug    := -O0 -g -DCORE_VERIFY_QUIET=1
OPT_coretest := -O1 -g -DCORE_PLANTED_BUG=1
OPT_altered  := -O1 -g -DCORE_PLANTED_BUG=2
OPT := $(OPT_$(V))
ifeq ($(OPT),)
$(error unknown build variant V=$(V); use release, asan, ubsan, san, debug, coretest or altered)
endif

CPPFLAGS += -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -I. -MMD -MP
CFLAGS   += $(WARN) $(OPT)
LDFLAGS  += $(filter -fsanitize=%,$(OPT))

# ---------------------------------------------------------------- dependencies
# A missing library gives one line naming the Debian package, not a compiler wall.
PKGS := hiredis:libhiredis-dev libfyaml:libfyaml-dev cmocka:libcmocka-dev
pkg_missing = $(shell command -v pkg-config >/dev/null 2>&1 || echo pkg-config:pkg-config; \
                for p in $(PKGS); do pkg-config --exists $${p%%:*} 2>/dev/null || echo $$p; done)

HIREDIS_CFLAGS := $(shell pkg-config --cflags hiredis 2>/dev/null)
HIREDIS_LIBS   := $(shell pkg-config --libs hiredis 2>/dev/null)
FYAML_CFLAGS   := $(shell pkg-config --cflags libfyaml 2>/dev/null)
FYAML_LIBS     := $(shell pkg-config --libs libfyaml 2>/dev/null)
CMOCKA_CFLAGS  := $(shell pkg-config --cflags cmocka 2>/dev/null)
CMOCKA_LIBS    := $(shell pkg-config --libs cmocka 2>/dev/null)

# ---------------------------------------------------------------- sources
# Module order is link order: a library may only use those after it.
MODULES := real sim reports scenarios core
src_of   = $(sort $(wildcard $(1)/*.c))
obj_of   = $(patsubst %.c,$(BUILD)/%.o,$(1))
lib_of   = $(BUILD)/lib$(1).a

# Sources of the sentsim binary alone, not of the real library.
REAL_MAIN := real/main.c real/no_resolver.c
CORE_SRC  := $(call src_of,core)
SCN_SRC   := $(call src_of,scenarios)
REP_SRC   := $(call src_of,reports)
SIM_SRC   := $(call src_of,sim)
REAL_SRC  := $(filter-out $(REAL_MAIN),$(call src_of,real))

$(call lib_of,core):      $(call obj_of,$(CORE_SRC))
$(call lib_of,scenarios): $(call obj_of,$(SCN_SRC))
$(call lib_of,reports):   $(call obj_of,$(REP_SRC))
$(call lib_of,sim):       $(call obj_of,$(SIM_SRC))
$(call lib_of,real):      $(call obj_of,$(REAL_SRC))

$(call obj_of,$(CORE_SRC)): CFLAGS += $(CORE_WARN)
$(call obj_of,$(SCN_SRC)):  CPPFLAGS += $(FYAML_CFLAGS)
$(call obj_of,$(REAL_SRC) $(REAL_MAIN)): CPPFLAGS += $(HIREDIS_CFLAGS)

# What each module's library needs, itself first.
LIBS_core      := $(call lib_of,core)
LIBS_scenarios := $(call lib_of,scenarios)
LIBS_scn       := $(LIBS_scenarios)
LIBS_reports   := $(call lib_of,reports) $(LIBS_scenarios)
LIBS_rep       := $(LIBS_reports)
LIBS_sim       := $(call lib_of,sim) $(LIBS_reports) $(call lib_of,core)
LIBS_chaos     := $(LIBS_sim)
LIBS_real      := $(call lib_of,real) $(LIBS_sim)
EXT_LIBS       := $(HIREDIS_LIBS) $(FYAML_LIBS) -lm
# The binary is static: a sim run lasts a few ms, and the dynamic loader
# (relocations, CPU probing, mapping libraries) cost a tenth of that. The
# sanitizer runtimes need the loader, so those builds only take hiredis and
# libfyaml from their archives. Either way real/no_resolver.c stands in for
# getaddrinfo(), which a static glibc cannot provide on its own.
ifeq ($(filter -fsanitize=%,$(OPT)),)
SENTSIM_EXT_LIBS := -static $(HIREDIS_LIBS) $(FYAML_LIBS) -lm
else
SENTSIM_EXT_LIBS := -Wl,-Bstatic $(HIREDIS_LIBS) $(FYAML_LIBS) -Wl,-Bdynamic -lm
endif

# ---------------------------------------------------------------- tests
# tests/test_<module>[_<unit>].c is one cmocka binary; <module> picks its libraries.
TEST_SRC  := $(sort $(wildcard tests/test_*.c))
TEST_BIN  := $(patsubst tests/%.c,$(BUILD)/tests/%,$(TEST_SRC))
test_mod   = $(word 2,$(subst _, ,$(notdir $(1))))
REAL_TESTS  := $(filter $(BUILD)/tests/test_real%,$(TEST_BIN))
CHECK_TESTS := $(filter-out $(REAL_TESTS),$(TEST_BIN))
# tests/support/<module>_*.c are helpers linked into that module's tests only.
TEST_SUPPORT_SRC := $(sort $(wildcard tests/support/*.c))
support_of = $(call obj_of,$(sort $(wildcard tests/support/$(1)_*.c)))

$(call obj_of,$(TEST_SRC) $(TEST_SUPPORT_SRC)): CPPFLAGS += $(CMOCKA_CFLAGS) $(HIREDIS_CFLAGS) $(FYAML_CFLAGS)

.SECONDEXPANSION:
$(BUILD)/tests/%: $(BUILD)/tests/%.o $$(call support_of,$$(call test_mod,$$*)) $$(LIBS_$$(call test_mod,$$*)) | deps
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $< $(call support_of,$(call test_mod,$*)) $(LIBS_$(call test_mod,$*)) $(CMOCKA_LIBS) $(EXT_LIBS)

# ---------------------------------------------------------------- rules
.DEFAULT_GOAL := all
.PHONY: all deps setup run test check real unit asan ubsan valgrind fuzz bench format \
        format-check tidy clean help library determinism badinput golden stress soak planted altered

all: $(SENTSIM)

deps:
	@missing="$(strip $(pkg_missing))"; if [ -n "$$missing" ]; then \
	  for m in $$missing; do echo "sentsim: missing build dependency '$${m%%:*}': install the Debian package $${m##*:} (or run 'make setup' as root)" >&2; done; \
	  exit 1; fi

$(SENTSIM): $(call obj_of,$(REAL_MAIN)) $(LIBS_real) | deps
	$(CC) $(LDFLAGS) -o $@ $(call obj_of,$(REAL_MAIN)) $(LIBS_real) $(SENTSIM_EXT_LIBS)

$(BUILD)/%.o: %.c | deps
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(BUILD)/lib%.a:
	@mkdir -p $(@D)
	@rm -f $@
	$(AR) rcs $@ $^

# Per-module targets for working on one module at a time: `make core`, `make test-core`.
$(MODULES): %: $$(call lib_of,%)
test-%: $$(filter $(BUILD)/tests/test_%%,$(TEST_BIN))
	@set -e; for t in $^; do echo "== $$t"; $(TEST_PREFIX) $$t; done

setup:
	@sh .ci/setup.sh

run: setup
	@$(MAKE) --no-print-directory all
	@$(SENTSIM) run --library scenarios/library

unit: $(CHECK_TESTS)
	@set -e; for t in $(CHECK_TESTS); do echo "== $$t"; $(TEST_PREFIX) $$t; done

# Everything but real mode.
check: unit library badinput determinism planted altered tidy format-check

library: $(SENTSIM)
	@$(SENTSIM) run --library scenarios/library --golden --quiet-pass

determinism: $(SENTSIM)
	@sh tests/determinism.sh $(SENTSIM)

badinput: $(SENTSIM)
	@sh tests/bad/run.sh $(SENTSIM)

# Test builds with one planted core bug each must be caught (core/check.h).
planted:
	@sh tests/chaos_planted.sh

altered:
	@sh tests/altered_core.sh

golden: $(SENTSIM)
	@$(SENTSIM) run --library scenarios/library --update-golden

real: $(SENTSIM) $(REAL_TESTS)
	@set -e; for t in $(REAL_TESTS); do echo "== $$t"; SENTSIM=$(SENTSIM) $(TEST_PREFIX) $$t; done
	@sh tests/real_suite.sh $(SENTSIM)
	@REAL=1 sh tests/altered_core.sh

test: setup
	@$(MAKE) --no-print-directory check
	@$(MAKE) --no-print-directory real
	@$(MAKE) --no-print-directory V=san check

asan:
	@$(MAKE) --no-print-directory V=asan check

ubsan:
	@$(MAKE) --no-print-directory V=ubsan check

valgrind:
	@$(MAKE) --no-print-directory V=debug unit \
	  TEST_PREFIX="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect --track-origins=yes"

fuzz:
	@sh tests/fuzz/run.sh $(FUZZ_SECONDS)

bench: $(SENTSIM)
	@sh tests/bench.sh $(SENTSIM)

stress: $(SENTSIM)
	@sh tests/stress.sh $(SENTSIM)

soak: $(SENTSIM)
	@$(SENTSIM) chaos --seeds 1..$(or $(SEEDS),1000) --jobs $(JOBS)

FORMAT_SRC = $(sort $(wildcard core/*.[ch] sim/*.[ch] real/*.[ch] reports/*.[ch] scenarios/*.[ch] tests/*.[ch] tests/*/*.[ch]))

format:
	@clang-format -i $(FORMAT_SRC)

format-check:
	@clang-format --dry-run --Werror $(FORMAT_SRC) && echo "format-check: $(words $(FORMAT_SRC)) files clean"

tidy:
	@sh tests/tidy.sh

clean:
	rm -rf build reports/out

help:
	@echo "sentsim make targets:"
	@echo "  run           install what is missing, build, replay the scenario library in sim"
	@echo "  test          check, then real, then check under ASan+UBSan (what CI runs)"
	@echo "  check         unit tests, scenario library + goldens, determinism, bad input,"
	@echo "                planted/altered core builds caught, tidy, format"
	@echo "  real          the real-mode suite (redis-server / redis-sentinel on loopback)"
	@echo "  asan, ubsan   check in a sanitizer build;  valgrind: unit tests under valgrind"
	@echo "  fuzz          libFuzzer targets, FUZZ_SECONDS=$(FUZZ_SECONDS) each"
	@echo "  bench         speed, throughput and scale figures to reports/out/bench.md"
	@echo "  golden        re-record golden skeletons (review the diff!)"
	@echo "  core, sim, …  build one module's library;  test-core, test-sim, …: its tests"
	@echo "  setup, format, format-check, tidy, stress, soak, clean"
	@echo "Variables: V=release|asan|ubsan|san|debug|coretest|altered  CC=  TEST_PREFIX=  FUZZ_SECONDS="

-include $(shell find build/$(V) -name '*.d' 2>/dev/null)
