// SPDX-License-Identifier: GPL-2.0
/*
 * The BPF LSM backend: the clone family's rules enforced by BPF programs
 * alone, for hosts that may load BPF but not an out-of-tree module.
 *
 * Design. The rules are include/clonegate/decide_clone.h, the module's
 * own; this file only supplies the facts they ask for and the places they
 * run:
 *
 *   fentry/kernel_clone   every clone, clone3, fork and vfork, on both
 *                         ABIs, with the kernel's own copy of the
 *                         arguments: stashes what task_alloc cannot see
 *                         (exit signal, set_tid, which syscall, and
 *                         clone3's size, a register Linux has validated
 *                         and will not read again) in the caller's task
 *                         storage. It decides nothing.
 *   lsm/task_alloc        the new task's clone flags, before Linux copies
 *                         the namespaces: decides the call from the stash,
 *                         and in enforce mode fails it with the rule's errno.
 *   lsm/userns_create     a new user namespace, from clone or unshare:
 *                         copy_creds() comes before task_alloc, so a clone
 *                         with NEWUSER is decided here, whole; an unshare
 *                         with NEWUSER gets the depth rule (U4.depth).
 *
 * What this backend cannot do, and the module can (docs/policy.md, "The
 * BPF backend"): unshare without NEWUSER and setns have no LSM hook on
 * 6.1 or 6.12 (fmod_ret needs error injection, which Debian does not
 * enable); Linux's own checks that come before task_alloc (copy_process's
 * flag checks, clone3's copy of user memory, the user namespace's chroot
 * and id checks) answer first, with Linux's errno; the setns-joined pid
 * namespace (C5.setns, C6.setns) is never seen.
 *
 * The configuration (profile, mode, scope) is set by the loader before the
 * object loads and never changed after: a change of policy is a new object.
 * It is ordinary data, not .rodata: the rules take a plain pointer to the
 * profile, and through one a compiler may fold a zero-initialised const
 * object's fields to zero. Counters are per CPU, summed by the reader.
 *
 * Decision events: one struct cg_event_decision per refusal or audit, as
 * the module's tracepoint gives them, written only while someone reads:
 *
 *   cg_lsm_events    the object's own ring buffer, for the 'clonegate run'
 *                    that holds it (cfg.events);
 *   cg_lsm_readers   one ring buffer per 'clonegate events' collector
 *                    (userspace/lsm_readers.c), put in a free slot when it
 *                    starts and taken out when it ends; each collector
 *                    gets every event (a shared ring would split them
 *                    between readers), filtered to its --cgroup by the
 *                    slot's entry in cg_lsm_rd_cg, as the module's
 *                    decision program is.
 *
 * With no reader, nothing is written. The record is built once, in the
 * first ring with room, and copied to the others; a ring that is full
 * counts a loss (cg_lsm_lost, cg_lsm_rd_lost per slot) instead. Their
 * context has no cwd and no cgroup path (no path walk in an LSM hook; the
 * fields bits say so).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <clonegate/abi.h>
#include <clonegate/events.h>
#include <clonegate/lsm_policy.h>

char LICENSE[] SEC("license") = "GPL";

#define PF_KTHREAD	0x00200000
#define MAX_ERRNO	4095
#define TS_COMPAT	0x0002		/* x86 thread_info.status: an ia32 syscall */
#define CAP_SYS_ADMIN	21

/* x86-64 and ia32 syscall numbers of the calls that create tasks or user namespaces. */
#define NR_CLONE3		435	/* the same on both ABIs */
#define NR_X64_CLONE		56
#define NR_X64_FORK		57
#define NR_X64_VFORK		58
#define NR_X64_UNSHARE		272
#define NR_IA32_FORK		2
#define NR_IA32_CLONE		120
#define NR_IA32_VFORK		190
#define NR_IA32_UNSHARE		310

/* The context fields a decision event carries (see the top of this file). */
#define CG_LSM_EVENT_FIELDS							\
	(CG_FIELD_BIT(CG_FIELD_TIME) | CG_FIELD_BIT(CG_FIELD_THREAD_ID) |		\
	 CG_FIELD_BIT(CG_FIELD_THREAD_START_TIME) | CG_FIELD_BIT(CG_FIELD_THREAD_GROUP_ID) | \
	 CG_FIELD_BIT(CG_FIELD_THREAD_GROUP_START_TIME) | CG_FIELD_BIT(CG_FIELD_CREDENTIALS) | \
	 CG_FIELD_BIT(CG_FIELD_PROCESS_NAME) | CG_FIELD_BIT(CG_FIELD_PARENT_THREAD_GROUP_ID))

struct cg_lsm_config cfg;

/* cfg.cgroup_scope: the scope's cgroup, set by the loader. */
struct {
	__uint(type, BPF_MAP_TYPE_CGROUP_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} cg_lsm_cgroup SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, CG_RULE_SLOTS);
	__type(key, __u32);
	__type(value, struct cg_lsm_count);
} cg_lsm_counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024);
} cg_lsm_events SEC(".maps");

/* Decision events the ring buffer had no room for. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} cg_lsm_lost SEC(".maps");

/* The collectors' ring buffers, by slot (sized by each collector). */
struct cg_lsm_reader_ring {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024);
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH_OF_MAPS);
	__uint(max_entries, CG_LSM_READERS);
	__type(key, __u32);
	__array(values, struct cg_lsm_reader_ring);
} cg_lsm_readers SEC(".maps");

/* A slot's --cgroup: only its tasks' events (an empty entry: every task). */
struct {
	__uint(type, BPF_MAP_TYPE_CGROUP_ARRAY);
	__uint(max_entries, CG_LSM_READERS);
	__type(key, __u32);
	__type(value, __u32);
} cg_lsm_rd_cg SEC(".maps");

/* Per slot: events its ring had no room for. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, CG_LSM_READERS);
	__type(key, __u32);
	__type(value, __u64);
} cg_lsm_rd_lost SEC(".maps");

/* Per slot: who holds it (struct cg_lsm_reader_owner); no pid: nobody. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, CG_LSM_READERS);
	__type(key, __u32);
	__type(value, struct cg_lsm_reader_owner);
} cg_lsm_rd_owner SEC(".maps");

/* ---- facts about current, for decide_clone.h ----------------------------- */

static __always_inline struct upid cg_upid(struct pid *pid)
{
	struct upid up = {};
	unsigned int level = BPF_CORE_READ(pid, level);
	void *base = (void *)pid + bpf_core_field_offset(struct pid, numbers);

	bpf_probe_read_kernel(&up, sizeof(up), base + (__u64)level * bpf_core_type_size(struct upid));
	return up;
}

static __always_inline bool cg_fact_pidns_unshared(void)
{
	struct task_struct *t = bpf_get_current_task_btf();
	struct pid_namespace *children = BPF_CORE_READ(t, nsproxy, pid_ns_for_children);

	return children && children != cg_upid(BPF_CORE_READ(t, thread_pid)).ns;
}

/* A setns is never seen here (no hook): C5.setns and C6.setns are the module's. */
static __always_inline bool cg_fact_pidns_joined(void)
{
	return false;
}

static __always_inline bool cg_fact_is_pidns_init(void)
{
	struct task_struct *t = bpf_get_current_task_btf();

	return cg_upid(BPF_CORE_READ(t, signal, pids[PIDTYPE_TGID])).nr == 1;
}

static __always_inline int cg_fact_userns_level(void)
{
	struct task_struct *t = bpf_get_current_task_btf();

	return BPF_CORE_READ(t, cred, user_ns, level);
}

/*
 * Linux checks the ids before either hook runs (create_user_ns(), from
 * copy_creds() or unshare), and refuses with EPERM, C12's and U4.ids'
 * errno: by the time a rule here asks, they are mapped.
 */
static __always_inline bool cg_fact_ids_mapped(void)
{
	return true;
}

/*
 * kernel_cap_t is u32 cap[2] on 6.1 and u64 val on 6.3 and later: the same
 * eight bytes, little-endian, so capability N is bit N of either.
 */
static __always_inline bool cg_fact_has_sys_admin(void)
{
	struct task_struct *t = bpf_get_current_task_btf();
	const struct cred *cred = BPF_CORE_READ(t, cred);
	__u64 caps = 0;

	bpf_core_read(&caps, sizeof(caps), &cred->cap_effective);
	return caps & (1ULL << CAP_SYS_ADMIN);
}

#include <clonegate/decide_clone.h>

/* What kernel_clone() saw of the call task_alloc decides. */
struct cg_stash {
	struct cg_clone_call call;
	__u64 clone3_size;	/* clone3's size argument (A1) */
	__u32 entry;		/* enum cg_entry, for the events */
	__u8 armed;		/* a policed call: set by kernel_clone, taken by task_alloc */
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct cg_stash);
} cg_lsm_stash SEC(".maps");

/* ---- helpers -------------------------------------------------------------- */

static __always_inline bool cg_in_scope(void)
{
	if (!cfg.cgroup_scope)
		return true;
	return bpf_current_task_under_cgroup(&cg_lsm_cgroup, 0) == 1;
}

static __always_inline long cg_syscall_nr(struct task_struct *t)
{
	struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(t);

	return BPF_CORE_READ(regs, orig_ax);
}

static __always_inline bool cg_ia32(struct task_struct *t)
{
	return BPF_CORE_READ(t, thread_info.status) & TS_COMPAT;
}

/* The entry point of syscall nr, for the events. */
static __always_inline __u32 cg_entry(long nr, bool ia32)
{
	if (nr == NR_CLONE3)
		return ia32 ? CG_ENTRY_IA32_CLONE3 : CG_ENTRY_CLONE3;
	if (nr == (ia32 ? NR_IA32_CLONE : NR_X64_CLONE))
		return ia32 ? CG_ENTRY_IA32_CLONE : CG_ENTRY_CLONE;
	if (nr == (ia32 ? NR_IA32_FORK : NR_X64_FORK))
		return ia32 ? CG_ENTRY_IA32_FORK : CG_ENTRY_FORK;
	if (nr == (ia32 ? NR_IA32_VFORK : NR_X64_VFORK))
		return ia32 ? CG_ENTRY_IA32_VFORK : CG_ENTRY_VFORK;
	if (nr == (ia32 ? NR_IA32_UNSHARE : NR_X64_UNSHARE))
		return ia32 ? CG_ENTRY_IA32_UNSHARE : CG_ENTRY_UNSHARE;
	return CG_ENTRY_NONE;
}

static __always_inline void cg_lost(void *map, __u32 slot)
{
	__u64 *lost = bpf_map_lookup_elem(map, &slot);

	if (lost)
		(*lost)++;
}

/* Slot's ring buffer, if a collector holds the slot and wants current's events. */
static __always_inline void *cg_reader_ring(__u32 slot)
{
	struct cg_lsm_reader_owner *o = bpf_map_lookup_elem(&cg_lsm_rd_owner, &slot);
	void *rb;

	/* A slot is filled owner first, ring last, and emptied the other way. */
	if (!o || !o->pid)
		return NULL;
	rb = bpf_map_lookup_elem(&cg_lsm_readers, &slot);
	/* 1: under the slot's cgroup, 0: not, < 0: the slot has none. */
	if (rb && bpf_current_task_under_cgroup(&cg_lsm_rd_cg, slot) == 0)
		return NULL;
	return rb;
}

/*
 * Room for one record in the first ring that has it: the run's, then the
 * collectors' by slot. *first: the slot that got it (-1: the run's ring).
 */
static __always_inline struct cg_event_decision *cg_emit_reserve(int *first)
{
	struct cg_event_decision *e;
	__u32 slot;
	void *rb;

	*first = -1;
	if (cfg.events) {
		e = bpf_ringbuf_reserve(&cg_lsm_events, sizeof(*e), 0);
		if (e)
			return e;
		cg_lost(&cg_lsm_lost, 0);
	}
	for (slot = 0; slot < CG_LSM_READERS; slot++) {
		rb = cg_reader_ring(slot);
		if (!rb)
			continue;
		e = bpf_ringbuf_reserve(rb, sizeof(*e), 0);
		if (e) {
			*first = slot;
			return e;
		}
		cg_lost(&cg_lsm_rd_lost, slot);
	}
	return NULL;
}

/*
 * A decision event (see the top of this file); the task is current. A
 * global function: the verifier checks it once, not at each of the three
 * places a decision is made (inlined, its loops over the slots made every
 * load eight times slower: 4 s instead of 0.5 per 'policy apply' in a TCG
 * guest).
 */
__noinline int cg_emit(int rule, __u32 entry, __u64 flags)
{
	struct task_struct *t = bpf_get_current_task_btf();
	const struct cred *cred = BPF_CORE_READ(t, real_cred);
	struct cg_event_decision *e;
	int first;
	__u32 slot;
	void *rb;

	e = cg_emit_reserve(&first);
	if (!e)
		return 0;
	/* The ring buffer hands out old memory: every field is written. */
	__builtin_memset(e, 0, sizeof(*e));
	e->hdr.type = CG_EVENT_DECISION;
	e->hdr.size = sizeof(*e);
	e->hdr.cpu = bpf_get_smp_processor_id();
	e->hdr.time_ns = bpf_ktime_get_ns();
	e->ctx.tid = BPF_CORE_READ(t, pid);
	e->ctx.tgid = BPF_CORE_READ(t, tgid);
	e->ctx.start_time_ns = BPF_CORE_READ(t, start_time);
	e->ctx.group_start_time_ns = BPF_CORE_READ(t, group_leader, start_time);
	e->ctx.cgroup_id = BPF_CORE_READ(t, cgroups, dfl_cgrp, kn, id);
	e->ctx.creds.uid = BPF_CORE_READ(cred, uid.val);
	e->ctx.creds.euid = BPF_CORE_READ(cred, euid.val);
	e->ctx.creds.suid = BPF_CORE_READ(cred, suid.val);
	e->ctx.creds.gid = BPF_CORE_READ(cred, gid.val);
	e->ctx.creds.egid = BPF_CORE_READ(cred, egid.val);
	e->ctx.creds.sgid = BPF_CORE_READ(cred, sgid.val);
	e->ctx.fields = CG_LSM_EVENT_FIELDS;
	e->ctx.parent_tgid = BPF_CORE_READ(t, real_parent, tgid);
	bpf_get_current_comm(e->ctx.comm, sizeof(e->ctx.comm));
	e->entry_point = entry;
	e->rule = rule;
	e->mode = cfg.mode;
	e->err = cfg.profile.err[rule & (CG_RULE_SLOTS - 1)];
	e->flags = flags;
	e->scope_cgroup_id = cfg.cgroup_id;
	e->profile = cfg.profile_id;
	/* The same record for every other collector. */
	for (slot = 0; slot < CG_LSM_READERS; slot++) {
		if ((int)slot <= first)
			continue;
		rb = cg_reader_ring(slot);
		if (rb && bpf_ringbuf_output(rb, e, sizeof(*e), 0))
			cg_lost(&cg_lsm_rd_lost, slot);
	}
	bpf_ringbuf_submit(e, 0);
	return 0;
}

static __always_inline void cg_count(__u32 rule, bool refused)
{
	struct cg_lsm_count *c = bpf_map_lookup_elem(&cg_lsm_counts, &rule);

	if (!c)
		return;
	if (rule == CG_RULE_NONE)
		c->checked++;
	else if (refused)
		c->refused++;
	else
		c->audited++;
}

/*
 * An LSM program's result, proven within [-MAX_ERRNO, 0], as the verifier
 * of 6.8 and later demands of an int hook (it does not follow a negation,
 * and the compiler would drop a check it can prove true, hence the
 * barrier). Anything else becomes EPERM.
 */
static __always_inline long cg_errno_ret(long ret)
{
	/* 64 bits: the register checked is the register returned. */
	asm volatile("" : "+r"(ret));
	if (ret < -MAX_ERRNO || ret > 0)
		return -EPERM;
	return ret;
}

/*
 * The stashed call's first refusing rule: A1 on clone3's size (Linux has
 * already refused a size below 64 with the same errno, and one above 88
 * whose tail is not zero with E2BIG; one above 88 with a zero tail it
 * accepts, and gVisor does not), then decide_clone.h's rules.
 */
static __always_inline int cg_decide_stash(const struct cg_stash *s)
{
	const struct cg_profile_def *p = &cfg.profile;

	if (s->call.clone3 && CG_RULE_ON(p, CG_RULE_CLONE3_SIZE) &&
	    (s->clone3_size < CG_CLONE_ARGS_SIZE_MIN || s->clone3_size > CG_CLONE_ARGS_SIZE_MAX))
		return CG_RULE_CLONE3_SIZE;
	return cg_decide_clone_call(p, &s->call, CG_RULE_MAX);
}

/*
 * Count a decision, and say it to whoever reads; the errno to fail the call
 * with (0: let it go on). entry and flags: the call's, for the event.
 */
static __always_inline int cg_verdict(int rule, __u32 entry, __u64 flags)
{
	if (rule <= CG_RULE_NONE || rule >= CG_RULE_SLOTS)
		return 0;
	cg_count(rule, cfg.mode == CG_MODE_ENFORCE);
	cg_emit(rule, entry, flags);
	if (cfg.mode != CG_MODE_ENFORCE)
		return 0;
	/* The loader filled in every rule's errno (the profile's or the catalogue's). */
	return cg_errno_ret(-(int)cfg.profile.err[rule]);
}


/* ---- programs ------------------------------------------------------------- */

SEC("fentry/kernel_clone")
int BPF_PROG(cg_lsm_kernel_clone, struct kernel_clone_args *args)
{
	struct task_struct *t = bpf_get_current_task_btf();
	struct cg_stash *s;

	/* Kernel threads and user-mode helpers are never policed. */
	if ((t->flags & PF_KTHREAD) || args->fn || !cg_in_scope()) {
		/* Storage only for tasks in scope; one that left it is disarmed. */
		s = bpf_task_storage_get(&cg_lsm_stash, t, 0, 0);
		if (s)
			s->armed = 0;
		return 0;
	}
	s = bpf_task_storage_get(&cg_lsm_stash, t, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!s)
		return 0;
	s->call.flags = args->flags;
	s->call.exit_signal = args->exit_signal;
	s->call.set_tid = args->set_tid_size > 0;
	s->call.clone3 = cg_syscall_nr(t) == NR_CLONE3;
	s->entry = cg_entry(cg_syscall_nr(t), cg_ia32(t));
	if (s->call.clone3) {
		struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(t);

		/* clone3(uargs, size): the second argument, by ABI. */
		s->clone3_size = cg_ia32(t) ? BPF_CORE_READ(regs, cx) : BPF_CORE_READ(regs, si);
	}
	s->armed = 1;
	return 0;
}

SEC("lsm/task_alloc")
int BPF_PROG(cg_lsm_task_alloc, struct task_struct *task, unsigned long clone_flags, int ret)
{
	struct task_struct *t = bpf_get_current_task_btf();
	struct cg_stash *s;

	/* An LSM before this one refused: keep its answer. */
	if (ret)
		return cg_errno_ret(ret);
	s = bpf_task_storage_get(&cg_lsm_stash, t, 0, 0);
	/* Not armed: out of scope, a kernel thread, or a call under way at attach. */
	if (!s || !s->armed)
		return 0;
	s->armed = 0;
	cg_count(CG_RULE_NONE, false);
	return cg_verdict(cg_decide_stash(s), s->entry, s->call.flags);
}

SEC("lsm/userns_create")
int BPF_PROG(cg_lsm_userns_create, const struct cred *cred, int ret)
{
	struct task_struct *t = bpf_get_current_task_btf();
	const struct cg_profile_def *p = &cfg.profile;
	long nr = cg_syscall_nr(t);
	bool ia32 = cg_ia32(t);
	struct pt_regs *regs;
	struct cg_stash *s;
	__u64 flags;
	int rule;

	/* An LSM before this one refused: keep its answer. */
	if (ret)
		return cg_errno_ret(ret);
	if (nr == NR_CLONE3 || nr == (ia32 ? NR_IA32_CLONE : NR_X64_CLONE)) {
		/* The whole clone, now: task_alloc would come too late. */
		s = bpf_task_storage_get(&cg_lsm_stash, t, 0, 0);
		if (!s || !s->armed)
			return 0;
		rule = cg_decide_stash(s);
		if (rule == CG_RULE_NONE)
			return 0;
		/* Refused here: task_alloc never runs for this call. */
		s->armed = 0;
		cg_count(CG_RULE_NONE, false);
		return cg_verdict(rule, s->entry, s->call.flags);
	}
	if (nr != (ia32 ? NR_IA32_UNSHARE : NR_X64_UNSHARE) || (t->flags & PF_KTHREAD) || !cg_in_scope())
		return 0;
	/* An unshare with NEWUSER: the one unshare this backend checks. */
	cg_count(CG_RULE_NONE, false);
	regs = (struct pt_regs *)bpf_task_pt_regs(t);
	/* unshare(flags): ebx on ia32, rdi on x86-64. */
	flags = ia32 ? (__u32)BPF_CORE_READ(regs, bx) : BPF_CORE_READ(regs, di);
	return cg_verdict(cg_decide_newuser(p, CG_RULE_U4_DEPTH, CG_RULE_U4_IDS), cg_entry(nr, ia32),
			  flags);
}
