/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * skel: the clone_events BPF programs (bpf/clone_events.bpf.c), through
 * their libbpf skeleton. Only skel.c sees the skeleton's fields; the rest
 * of the command holds an opaque pointer and asks for what it needs.
 */
#ifndef CLONEGATE_SKEL_H
#define CLONEGATE_SKEL_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#define SKEL_KERNEL_BTF		"/sys/kernel/btf/vmlinux"

struct clone_events_bpf;

struct skel_opts {
	__u32 fields;			/* CG_FIELD_BIT()s to collect */
	int cgfd;			/* only this cgroup v2 subtree; -1: all */
	unsigned long long ring_size;	/* a power of two, bytes */
	bool want_fentry, want_kprobe;	/* --probes: both is auto */
};

/* Can programs of this kernel be loaded at all (BTF)? */
bool skel_have_btf(void);

/*
 * 'clonegate events': every program of one flavour but the decision one,
 * loaded and attached: fentry/fexit where the kernel takes trampolines and
 * o->want_fentry, else kprobes if o->want_kprobe. NULL on failure,
 * reported (skel_report_error()).
 */
struct clone_events_bpf *skel_load_collector(const struct skel_opts *o);

/*
 * Attach the decision program to the module's tracepoint, if the module is
 * loaded now; quiet when it is not. True once attached. 'announce' says so
 * on stderr when it attaches (the module came after us).
 */
bool skel_attach_decisions(struct clone_events_bpf *skel, bool announce);

/*
 * 'clonegate run': the decision program alone, filtered to cgfd's subtree,
 * loaded and attached. NULL on failure with the reason in why (nothing
 * printed): no BTF, no module, the kernel refused.
 */
struct clone_events_bpf *skel_load_decisions(int cgfd, char *why, size_t len);

/* The ring buffer's map fd, for ring_buffer__new(). */
int skel_events_fd(const struct clone_events_bpf *skel);

/*
 * The records of one type that the BPF side could not write (ring buffer
 * full), summed over CPUs: true and *sum, or false when not readable.
 */
bool skel_dropped(const struct clone_events_bpf *skel, __u32 type, unsigned long long *sum);

/* Sum the per-CPU __u64 values of key in a per-CPU array map: false if unreadable. */
bool map_percpu_sum(int map_fd, __u32 key, unsigned long long *sum);

void skel_destroy(struct clone_events_bpf *skel);

/* "clonegate: <step>: <why>", with the likely cause of a refusal. */
void skel_report_error(const char *step, int err);
/* libbpf's own messages only with --verbose (every loader calls this first). */
void skel_libbpf_quiet(void);

#endif /* CLONEGATE_SKEL_H */
