// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * skel: loading and attaching the clone_events BPF programs (skel.h).
 *
 * Two users, two shapes. 'clonegate events' loads every program of one
 * flavour: fentry/fexit (BPF trampolines, the cheapest) where the kernel
 * takes them, else kprobes, chosen per program before load since a
 * trampoline on a function the module hooks is refused (6.1 WARNs and
 * kills ftrace). 'clonegate run' loads the decision program alone,
 * filtered in the kernel to its cgroup.
 *
 * Decision events come from the module's clonegate:clonegate_decision
 * tracepoint, attached when the module is loaded (now or later). While
 * attached, the kernel holds a reference on the module: it cannot be
 * unloaded until the command ends.
 *
 * Failures are words, not codes: a step ("loading the fentry/fexit
 * programs") and an errno, said once by skel_report_error() with its most
 * likely cause; libbpf's own log only with --verbose.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <clonegate/events.h>

#include "cgpaths.h"
#include "clone_events.skel.h"
#include "ctl.h"
#include "diag.h"
#include "ev.h"
#include "skel.h"

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list args)
{
	(void)level;
	/* We say what failed ourselves; --verbose adds libbpf's own words. */
	if (!verbose)
		return 0;
	return vfprintf(stderr, fmt, args);
}

void skel_libbpf_quiet(void)
{
	libbpf_set_print(libbpf_print);
}

void skel_report_error(const char *step, int err)
{
	const char *more = verbose ? "" : " (run 'clonegate --verbose events' for libbpf's log)";

	err = err < 0 ? -err : err;
	if (err == EPERM && geteuid() != 0)
		p_err("permission denied: %s needs CAP_BPF and CAP_PERFMON (run as root)", step);
	else if (err == EPERM)
		p_err("%s: the kernel refused it (%s: lockdown, or a BPF LSM policy?)%s", step,
		      strerror(err), more);
	else if (err == EACCES || err == EINVAL)
		p_err("%s: the kernel refused the clone_events programs (%s)%s", step,
		      strerror(err), more);
	else
		p_err("%s: %s%s", step, strerror(err), more);
}

/* See skel.h. */
bool skel_attach_decisions(struct clone_events_bpf *skel, bool announce)
{
	struct bpf_link *link;

	if (skel->links.handle_decision || !ctl_module_loaded())
		return skel->links.handle_decision != NULL;
	link = bpf_program__attach(skel->progs.handle_decision);
	if (!link) {
		/* Loaded but without the tracepoint (an old module)? Say it once. */
		static bool said;

		if (!said)
			p_err("warning: cannot attach to clonegate:clonegate_decision (%s): no decision events",
			      strerror(errno));
		said = true;
		return false;
	}
	skel->links.handle_decision = link;
	if (announce) {
		fflush(stdout);
		fprintf(stderr, "clonegate: the clonegate module was loaded: decision events from now on\n");
	}
	return true;
}

/*
 * Can this kernel create kprobes at all (the kprobe PMU, or tracefs's
 * kprobe_events for libbpf's legacy path)?
 */
static bool kprobes_available(void)
{
	return !access("/sys/bus/event_source/devices/kprobe/type", R_OK) ||
	       !access("/sys/kernel/tracing/kprobe_events", W_OK) ||
	       !access("/sys/kernel/debug/tracing/kprobe_events", W_OK);
}

/*
 * The probes and the flavour each belongs to (see clone_events.bpf.c):
 * PROBE_ALWAYS programs are attached in either flavour, PROBE_TRAMPOLINE
 * and PROBE_KPROBE only in theirs, PROBE_KPROBE_BOTH (setns: the module
 * hooks those functions, no trampoline may share them) in both. A
 * probe.ia32 target is missing on kernels without IA32_EMULATION, which
 * costs only the 32-bit unshare/setns events.
 */
enum probe_kind { PROBE_ALWAYS, PROBE_TRAMPOLINE, PROBE_KPROBE, PROBE_KPROBE_BOTH };

struct probe {
	struct bpf_program *prog;
	struct bpf_link **link;
	enum probe_kind kind;
	bool ia32;
};

#define PROBE(name, kind, ia32) { skel->progs.name, &skel->links.name, kind, ia32 }
#define PROBES(skel)								\
	{									\
		PROBE(handle_fork, PROBE_ALWAYS, false),			\
		PROBE(x64_unshare_fexit, PROBE_TRAMPOLINE, false),		\
		PROBE(ia32_unshare_fexit, PROBE_TRAMPOLINE, true),		\
		PROBE(x64_unshare_exit, PROBE_KPROBE, false),			\
		PROBE(ia32_unshare_exit, PROBE_KPROBE, true),			\
		PROBE(x64_setns_exit, PROBE_KPROBE_BOTH, false),		\
		PROBE(ia32_setns_exit, PROBE_KPROBE_BOTH, true),		\
	}

static bool in_flavour(enum probe_kind kind, bool trampolines)
{
	return kind == PROBE_ALWAYS || kind == PROBE_KPROBE_BOTH ||
	       kind == (trampolines ? PROBE_TRAMPOLINE : PROBE_KPROBE);
}

static bool is_kprobe(enum probe_kind kind)
{
	return kind == PROBE_KPROBE || kind == PROBE_KPROBE_BOTH;
}

/*
 * Before load: only the flavour's programs, and of the trampolines only
 * those whose target this kernel has (the ia32 ones may be missing).
 */
static void choose_programs(struct clone_events_bpf *skel, bool trampolines)
{
	struct probe t[] = PROBES(skel);
	unsigned int i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		const char *target = strchr(bpf_program__section_name(t[i].prog), '/') + 1;
		bool load = in_flavour(t[i].kind, trampolines);

		if (load && t[i].kind == PROBE_TRAMPOLINE &&
		    libbpf_find_vmlinux_btf_id(target, bpf_program__expected_attach_type(t[i].prog)) < 0)
			load = false;
		bpf_program__set_autoload(t[i].prog, load);
	}
}

/*
 * Attach every program of the flavour but the decision one. The task
 * creation tracepoint is required; without kprobes (CONFIG_KPROBES=n) the
 * kprobe flavour loses unshare events, and either loses setns events, which
 * we say once. Returns 0, or -errno with *step saying what
 * failed.
 */
static int attach_all(struct clone_events_bpf *skel, bool trampolines, char *step, size_t len)
{
	struct probe t[] = PROBES(skel);
	bool no_ia32 = false, no_kprobes = false;
	unsigned int i;
	int err;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (!in_flavour(t[i].kind, trampolines))
			continue;
		if (!bpf_program__autoload(t[i].prog)) {
			if (t[i].ia32) {
				no_ia32 = true;
				continue;
			}
			snprintf(step, len, "%s: this kernel has no such function",
				 bpf_program__section_name(t[i].prog));
			return -ENOENT;
		}
		if (is_kprobe(t[i].kind) && no_kprobes)
			continue;
		*t[i].link = bpf_program__attach(t[i].prog);
		if (*t[i].link)
			continue;
		err = -errno;
		if (is_kprobe(t[i].kind) && !kprobes_available()) {
			no_kprobes = true;
			continue;
		}
		if (t[i].ia32 && err == -ENOENT) {
			no_ia32 = true;
			continue;
		}
		snprintf(step, len, "attaching %s", bpf_program__section_name(t[i].prog));
		return err;
	}
	if (no_kprobes && trampolines)
		p_err("warning: this kernel has no kprobes (CONFIG_KPROBES): there are no setns events");
	else if (no_kprobes)
		p_err("warning: this kernel has no kprobes (CONFIG_KPROBES): there are no unshare or setns events");
	else if (no_ia32)
		p_err("warning: this kernel has no ia32 syscall entry points: 32-bit unshare and setns are not reported");
	return 0;
}

/*
 * Open, load and attach the programs in one flavour. NULL on failure, with
 * *err and *step set (the caller reports, or retries in the other flavour).
 */
static struct clone_events_bpf *load_flavour(const struct skel_opts *o, bool trampolines,
					     int *err, char *step, size_t len)
{
	struct clone_events_bpf *skel = clone_events_bpf__open();

	if (!skel) {
		*err = -errno;
		snprintf(step, len, "opening the BPF object");
		return NULL;
	}
	skel->rodata->cfg_fields = o->fields;
	skel->rodata->cfg_cgroup_filter = o->cgfd >= 0;
	skel->rodata->cfg_wakeup_bytes = o->ring_size / 8;
	*err = bpf_map__set_max_entries(skel->maps.events, o->ring_size);
	if (*err) {
		snprintf(step, len, "sizing the ring buffer");
		goto fail;
	}
	/* Attached by hand, and only while the module is loaded. */
	bpf_program__set_autoattach(skel->progs.handle_decision, false);
	choose_programs(skel, trampolines);
	*err = clone_events_bpf__load(skel);
	if (*err) {
		snprintf(step, len, "loading the %s programs", trampolines ? "fentry/fexit" : "BPF");
		goto fail;
	}
	if (o->cgfd >= 0) {
		__u32 key = 0, val = o->cgfd;

		*err = bpf_map__update_elem(skel->maps.cgroup_filter, &key, sizeof(key), &val,
					    sizeof(val), BPF_ANY);
		if (*err) {
			snprintf(step, len, "setting the cgroup filter");
			goto fail;
		}
	}
	*err = attach_all(skel, trampolines, step, len);
	if (*err)
		goto fail;
	p_info("probes: %s", trampolines ? "fentry/fexit" : "kprobes");
	ev_cgpaths_set_map(bpf_map__fd(skel->maps.cgroup_paths));
	return skel;
fail:
	clone_events_bpf__destroy(skel);
	return NULL;
}

struct clone_events_bpf *skel_load_collector(const struct skel_opts *o)
{
	struct clone_events_bpf *skel;
	char step[128];
	int err;

	libbpf_set_print(libbpf_print);
	/* Trampolines where the kernel takes them, else (unless told) kprobes. */
	skel = o->want_fentry ? load_flavour(o, true, &err, step, sizeof(step)) : NULL;
	if (!skel && o->want_fentry && o->want_kprobe)
		p_info("%s: %s; using kprobes", step, strerror(-err));
	if (!skel && o->want_kprobe)
		skel = load_flavour(o, false, &err, step, sizeof(step));
	if (!skel)
		skel_report_error(step, err);
	return skel;
}

bool skel_have_btf(void)
{
	return access(SKEL_KERNEL_BTF, R_OK) == 0;
}

struct clone_events_bpf *skel_load_decisions(int cgfd, char *why, size_t len)
{
	struct clone_events_bpf *skel;
	struct bpf_program *prog;
	struct bpf_link *link;
	__u32 key = 0, val = cgfd;
	int err;

	if (!skel_have_btf()) {
		snprintf(why, len, "this kernel has no BTF (%s)", SKEL_KERNEL_BTF);
		return NULL;
	}
	if (!ctl_module_loaded()) {
		snprintf(why, len, "the clonegate module is not loaded");
		return NULL;
	}
	libbpf_set_print(libbpf_print);
	skel = clone_events_bpf__open();
	if (!skel) {
		snprintf(why, len, "opening the BPF object: %s", strerror(errno));
		return NULL;
	}
	/* Only the decision program: nothing else is loaded or attached. */
	bpf_object__for_each_program(prog, skel->obj)
		bpf_program__set_autoload(prog, prog == skel->progs.handle_decision);
	skel->rodata->cfg_fields = EV_DEFAULT_FIELDS & ~CG_FIELD_BIT(CG_FIELD_CONTAINER_ID);
	skel->rodata->cfg_cgroup_filter = true;
	skel->rodata->cfg_wakeup_bytes = 4096;
	err = bpf_map__set_max_entries(skel->maps.events, 1U << 20);
	if (!err)
		err = clone_events_bpf__load(skel);
	if (err) {
		snprintf(why, len, "loading the BPF program: %s", strerror(err < 0 ? -err : err));
		goto fail;
	}
	err = bpf_map__update_elem(skel->maps.cgroup_filter, &key, sizeof(key), &val,
				   sizeof(val), BPF_ANY);
	if (err) {
		snprintf(why, len, "setting the cgroup filter: %s", strerror(-err));
		goto fail;
	}
	link = bpf_program__attach(skel->progs.handle_decision);
	if (!link) {
		snprintf(why, len, "attaching to clonegate:clonegate_decision: %s", strerror(errno));
		goto fail;
	}
	skel->links.handle_decision = link;
	return skel;
fail:
	clone_events_bpf__destroy(skel);
	return NULL;
}

int skel_events_fd(const struct clone_events_bpf *skel)
{
	return bpf_map__fd(skel->maps.events);
}

bool map_percpu_sum(int map_fd, __u32 key, unsigned long long *sum)
{
	int cpu, ncpu = libbpf_num_possible_cpus();
	__u64 *vals;
	bool ok;

	if (ncpu <= 0 || !(vals = calloc(ncpu, sizeof(*vals))))
		return false;
	ok = !bpf_map_lookup_elem(map_fd, &key, vals);
	if (ok)
		for (*sum = 0, cpu = 0; cpu < ncpu; cpu++)
			*sum += vals[cpu];
	free(vals);
	return ok;
}

bool skel_dropped(const struct clone_events_bpf *skel, __u32 type, unsigned long long *sum)
{
	return map_percpu_sum(bpf_map__fd(skel->maps.dropped), type, sum);
}

void skel_destroy(struct clone_events_bpf *skel)
{
	clone_events_bpf__destroy(skel);
}
