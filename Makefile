# SPDX-License-Identifier: GPL-2.0
#
# clonegate: top-level build and test entry points. Everything generated
# goes under out/ (gitignored).
#
#   make [all]        module for each kernel in KVERS, bpf, userspace, selftests
#   make module       out/<release>/clonegate.ko for each kernel in KVERS
#   make bpf          out/bpf/*.bpf.o             (bpf/Makefile)
#   make userspace    out/bin/clonegate           (userspace/Makefile)
#   make selftests    out/selftests/*             (selftests/clonegate/Makefile)
#   make selftests-export KSRC=/abs/kernel/tree   the selftests, the headers they
#                     include and the generated protobuf-c files, into
#                     KSRC/tools/testing/selftests/clonegate (for its lib.mk)
#   make kselftest    export into linux-source-6.1 (out/ktree), build and install
#                     with its own make: out/kselftest/run_kselftest.sh
#   make check        setup, build, boot each kernel in qemu, run the selftests
#                     there; ends with "N passed, N failed[, N skipped]".
#                     Kernels: 6.1 6.12 debug unless KVERS is given
#   make check T=module_loaded   only that selftest binary (space-separated list)
#   make check KVERS=6.1         only that kernel (6.1-rt, 6.12-amd64, debug,
#                     debug-ia32 or a full release: see scripts/kernel-release)
#   make check-matrix every kernel: Debian's cloud, rt and generic flavours of
#                     6.1 and 6.12 (installed by scripts/setup --matrix) and
#                     both built kernels; one summary line per kernel
#   make debug-kernel build the debug kernel (no ia32) from linux-source-6.1
#                     into out/debug-kernel/ (scripts/debug-kernel); the
#                     debug-ia32 one with: scripts/debug-kernel debug-ia32
#   make check-vm     the guest runner's own self-test (also part of check)
#   make demo         boot a guest, run a workload under 'clonegate run --audit'
#                     and under enforce: refusals, events, summaries
#   make install      CLI, DKMS module source, systemd unit, completion, man page
#   make shell        root shell in a guest (KVERS' first kernel; ^A x quits)
#   make bench        benchmarks (instruction-counting guests, host) -> bench/results.md
#   make fuzz [SEED=n COUNT=n START=n ABI=64|32|both]  long fuzzing campaign in the guest(s)
#   make clean        remove out/
#
# Variables: KVERS (default "6.1 6.12", names resolved by
# scripts/kernel-release), KDIR (a kernel build dir: one-kernel module build
# into out/<its release>/), V=1 (show full commands), SKIP_OK (selftest
# cases allowed to skip in check: "binary" or "binary:fixture.test"),
# PREFIX (default /usr/local) and DESTDIR for install.

KVERS	?= 6.1 6.12
T	?=
SKIP_OK	?=
OUT	:= $(CURDIR)/out
VERSION	:= $(shell $(CURDIR)/scripts/version)

# make install
PREFIX	?= /usr/local
DESTDIR	?=
SBINDIR	?= $(PREFIX)/sbin
MANDIR	?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
DKMSDIR	:= /usr/src/clonegate-$(VERSION)

ifneq ($(KDIR),)
# One kernel: the one KDIR was configured for.
KREL	:= $(shell cat $(KDIR)/include/config/kernel.release 2>/dev/null)
ifeq ($(KREL),)
$(error KDIR=$(KDIR) has no include/config/kernel.release: not a prepared kernel build dir)
endif
override KVERS := $(KREL)
endif

ifeq ($(V),1)
Q	:=
msg	=
SUBMAKE_S :=
else
Q	:= @
msg	= @printf '  %-8s %s\n' '$(1)' '$(2)';
SUBMAKE_S := -s
endif

MAKEFLAGS += --no-print-directory

# Module sources, linked one by one (see below).
MODULE_SRCS := $(wildcard $(CURDIR)/module/*.c $(CURDIR)/module/*.h $(CURDIR)/module/*.S)

.PHONY: all module bpf userspace selftests selftests-export kselftest check check-matrix check-vm debug-kernel demo shell install bench fuzz clean FORCE
.DELETE_ON_ERROR:

all: module bpf userspace selftests

module: $(addprefix module-,$(KVERS))

# A kernel rebuilt since (make debug-kernel) means a new vmlinux, whose BTF
# the module's must be generated against, and kbuild does not see that for
# an external module: the .ko is relinked.
# out/<release>/module is the kbuild M= directory: Kbuild and include/ are symlinks,
# module/ is a real directory of per-file symlinks. (A symlink to the whole
# module/ directory would make kbuild write its objects through it into the
# source tree, shared and raced between kernels.)
module-%: FORCE
	$(Q)set -e; \
	kdir='$(KDIR)'; rel='$(KREL)'; \
	if [ -z "$$kdir" ]; then \
		rel=$$($(CURDIR)/scripts/kernel-release $*); \
		kdir=$$($(CURDIR)/scripts/kernel-release --kdir $*); \
	fi; \
	[ -d "$$kdir" ] || { echo "module: $$kdir: no kernel headers (run scripts/setup)" >&2; exit 1; }; \
	d=$(OUT)/$$rel/module; \
	$(if $(Q),printf '  %-8s %s\n' KBUILD "out/$$rel/module ($$kdir)";) \
	mkdir -p $$d/module; \
	ln -sfn $(CURDIR)/Kbuild $$d/Kbuild; \
	ln -sfn $(CURDIR)/include $$d/include; \
	find $$d/module -maxdepth 1 -type l -delete; \
	$(if $(MODULE_SRCS),ln -s $(MODULE_SRCS) $$d/module/;) \
	if [ -f $$kdir/vmlinux ] && [ $$kdir/vmlinux -nt $$d/clonegate.ko ]; then \
		rm -f $$d/clonegate.ko; \
	fi; \
	$(MAKE) -C $$kdir M=$$d CLONEGATE_VERSION=$(VERSION) $(if $(V),V=$(V)) modules; \
	$(if $(Q),printf '  %-8s %s\n' CP "out/$$rel/clonegate.ko";) \
	cp $$d/clonegate.ko $(OUT)/$$rel/clonegate.ko

# bpf/ and userspace/ have their own Makefiles (outputs in out/bpf, out/bin).
# userspace builds the BPF skeletons through bpf/Makefile: never both at once.
bpf:
	$(Q)if [ -f bpf/Makefile ]; then \
		$(MAKE) -C bpf $(SUBMAKE_S) OUT=$(OUT) V=$(V); \
	else \
		echo "  SKIP     bpf (no bpf/Makefile yet)"; \
	fi

userspace: bpf
	$(Q)if [ -f userspace/Makefile ]; then \
		$(MAKE) -C userspace $(SUBMAKE_S) OUT=$(OUT) V=$(V) CLONEGATE_VERSION=$(VERSION); \
	else \
		echo "  SKIP     userspace (no userspace/Makefile yet)"; \
	fi

selftests:
	$(Q)$(MAKE) -C selftests/clonegate $(SUBMAKE_S) OUTPUT=$(OUT)/selftests KHDR=$(OUT)/khdr V=$(V)

# The selftests as a kernel tree's tools/testing/selftests/clonegate: see
# selftests/clonegate/Makefile and scripts/kselftest-tree.
selftests-export:
	$(Q)$(MAKE) -C selftests/clonegate $(SUBMAKE_S) OUTPUT=$(OUT)/selftests KHDR=$(OUT)/khdr V=$(V) \
		export $(if $(KSRC),KSRC=$(abspath $(KSRC)))

kselftest:
	$(Q)V='$(V)' $(CURDIR)/scripts/kselftest-tree

# scripts/check runs scripts/setup, then 'make all', then the guests; the
# setup must come before anything is built, so no prerequisites here.
# Its last line is the summary, and nothing may follow it: a failed recipe
# would make make print "make: *** [Makefile:N: check] Error 1" after it, so
# on failure the recipe ends make with SIGPIPE, which make does not catch and
# shells do not report: make check then exits 141. (SIGINT would race with
# make's own handler.) Where SIGPIPE is ignored, make sees the exit 1.
# A long fuzzing campaign in the guest(s); a failure prints its replay command.
SEED	?= 1
COUNT	?= 1000000
START	?= 0
ABI	?= 64
fuzz: FORCE
	$(Q)$(CURDIR)/scripts/fuzz --seed $(SEED) --count $(COUNT) --start $(START) --abi $(ABI) --kernels '$(KVERS)'

# Per kernel, ROUNDS instruction-counting guests (qemu -icount), a boot per
# round, measure every workload under every configuration, one more counts
# the BPF programs' instructions, another runs the event pipeline; then the
# host's native figures. Writes bench/results.md (see bench/README.md).
ROUNDS ?= 15
# Like check: setup first (a fresh machine has no headers yet), then build.
bench:
	$(Q)$(CURDIR)/scripts/setup
	$(Q)$(MAKE) --no-print-directory module userspace
	$(Q)KVERS='$(KVERS)' $(CURDIR)/bench/run $(ROUNDS)

# make check with no KVERS: Debian's two cloud kernels, then the debug
# kernel, which has no ia32 (built from linux-source-6.1 on first use,
# about 9 minutes, cached in out/debug-kernel).
CHECK_KVERS := $(if $(filter file,$(origin KVERS)),6.1 6.12 debug,$(KVERS))

check:
	$(Q)KVERS='$(CHECK_KVERS)' T='$(T)' SKIP_OK='$(SKIP_OK)' V='$(V)' $(CURDIR)/scripts/check || \
		{ kill -PIPE $$PPID; exit 1; }

# Every kernel scripts/kernel-release --list knows, after installing Debian's
# other flavours and building the debug kernels.
check-matrix:
	$(Q)$(CURDIR)/scripts/setup --matrix
	$(Q)$(CURDIR)/scripts/debug-kernel debug debug-ia32
	$(Q)KVERS="$$($(CURDIR)/scripts/kernel-release --list | tr '\n' ' ')" T='$(T)' SKIP_OK='$(SKIP_OK)' \
		V='$(V)' $(CURDIR)/scripts/check || { kill -PIPE $$PPID; exit 1; }

debug-kernel:
	$(Q)$(CURDIR)/scripts/debug-kernel

check-vm:
	$(Q)$(CURDIR)/scripts/vm-selftest --kernel $(firstword $(KVERS))

demo:
	$(Q)KVERS='$(firstword $(KVERS))' V='$(V)' $(CURDIR)/scripts/demo

shell: all
	$(Q)$(CURDIR)/scripts/vm --kernel $(firstword $(KVERS)) --timeout 0 -- sh

# make install [PREFIX=/usr/local] [DESTDIR=]: the CLI (static; the BPF
# programs are embedded in it), the module's source for DKMS in
# /usr/src/clonegate-<version>/ (always there: DKMS looks nowhere else), the
# collector's systemd unit, bash completion and man page. Then, as root:
#   dkms install clonegate/<version>; systemctl enable --now clonegate-events
install: userspace
	$(call msg,INSTALL,$(DESTDIR)$(SBINDIR)/clonegate)
	$(Q)install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(SYSTEMDUNITDIR) \
		$(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(MANDIR)/man8
	$(Q)install -m 0755 $(OUT)/bin/clonegate $(DESTDIR)$(SBINDIR)/clonegate
	$(call msg,INSTALL,$(DESTDIR)$(DKMSDIR))
	$(Q)rm -rf $(DESTDIR)$(DKMSDIR)
	$(Q)install -d $(DESTDIR)$(DKMSDIR)/module $(DESTDIR)$(DKMSDIR)/include/clonegate
	$(Q)install -m 0644 Kbuild $(DESTDIR)$(DKMSDIR)/Kbuild
	$(Q)install -m 0644 $(MODULE_SRCS) $(DESTDIR)$(DKMSDIR)/module/
	$(Q)install -m 0644 include/clonegate/*.h $(DESTDIR)$(DKMSDIR)/include/clonegate/
	$(Q)sed 's|@VERSION@|$(VERSION)|g' dkms.conf > $(DESTDIR)$(DKMSDIR)/dkms.conf
	$(call msg,INSTALL,$(DESTDIR)$(SYSTEMDUNITDIR)/clonegate-events.service)
	$(Q)sed 's|@SBINDIR@|$(SBINDIR)|g' packaging/clonegate-events.service.in \
		> $(DESTDIR)$(SYSTEMDUNITDIR)/clonegate-events.service
	$(Q)chmod 0644 $(DESTDIR)$(SYSTEMDUNITDIR)/clonegate-events.service
	$(call msg,INSTALL,$(DESTDIR)$(BASHCOMPDIR)/clonegate)
	$(Q)install -m 0644 packaging/clonegate.bash $(DESTDIR)$(BASHCOMPDIR)/clonegate
	$(call msg,INSTALL,$(DESTDIR)$(MANDIR)/man8/clonegate.8)
	$(Q)sed 's|@VERSION@|$(VERSION)|g' packaging/clonegate.8.in > $(DESTDIR)$(MANDIR)/man8/clonegate.8
	$(Q)chmod 0644 $(DESTDIR)$(MANDIR)/man8/clonegate.8

clean:
	$(call msg,CLEAN,out)
	$(Q)rm -rf $(OUT)

FORCE:
