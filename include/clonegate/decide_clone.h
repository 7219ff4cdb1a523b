/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The clone family's rules, written once for both enforcement backends: the
 * module (module/policy.c, from an ftrace hook on kernel_clone()) and the
 * BPF LSM programs (bpf/lsm_policy.bpf.c, from task_alloc and
 * userns_create). Neither keeps a copy of its own, so they cannot drift.
 *
 * What differs between the backends is how they learn about the calling
 * task, so the rules ask for those facts through functions the includer
 * defines before including this file:
 *
 *   bool cg_fact_pidns_unshared(void)  the caller did unshare(NEWPID) or a
 *                                      setns into another pid namespace
 *                                      (gVisor's childPIDNamespace)
 *   bool cg_fact_pidns_joined(void)    the caller joined a pid namespace
 *                                      by setns, even its own (C5/C6.setns)
 *   bool cg_fact_is_pidns_init(void)   the caller is its pid namespace's init
 *   int cg_fact_userns_level(void)     its user namespace's level (init: 0)
 *   bool cg_fact_ids_mapped(void)      its euid and egid map in that namespace
 *   bool cg_fact_has_sys_admin(void)   CAP_SYS_ADMIN in its own user namespace
 *
 * A fact is asked for only when a rule that is on needs it, in gVisor's
 * order, so a backend may make an expensive one cheap for the common case.
 * The functions here are __always_inline: the module keeps one function
 * with no indirect calls on its hot path, and the BPF verifier sees
 * straight-line code.
 *
 * The order is gVisor's (docs/policy.md, 2.1 and 7.2): the entry-layer
 * checks (H1, H2 for clone, fork and vfork; H3, H4 for clone3), then
 * Task.Clone's C1..C13 with gvisor-head's H5..H7 at their places. The
 * chroot rule C10 is Linux's to decide (module/policy.c says why).
 */
#ifndef CLONEGATE_DECIDE_CLONE_H
#define CLONEGATE_DECIDE_CLONE_H

#include "tables.h"

/* One clone, clone3, fork or vfork call, as the kernel copied it. */
struct cg_clone_call {
	unsigned long long flags;	/* clone: without CSIGNAL; clone3: all 64 bits */
	int exit_signal;
	bool set_tid;			/* clone3: a set_tid array was given */
	bool clone3;			/* the call is clone3 (its entry-layer rules) */
};

#define CG_RULE_ON(p, r)	((p)->rules & CG_RULE_BIT(r))

/* gVisor: a new user namespace may not be deeper than 32, counting init as 1. */
#define CG_MAX_USERNS_LEVEL	31

/* The NEWUSER checks shared by clone and unshare (C11-C12, U4), in gVisor's order. */
static __always_inline int cg_decide_newuser(const struct cg_profile_def *p,
					     int depth_rule, int ids_rule)
{
	if (CG_RULE_ON(p, depth_rule) && cg_fact_userns_level() >= CG_MAX_USERNS_LEVEL)
		return depth_rule;
	if (CG_RULE_ON(p, ids_rule) && !cg_fact_ids_mapped())
		return ids_rule;
	return CG_RULE_NONE;
}

/* The entry-layer rules: what gVisor's syscall wrappers check first. */
static __always_inline int cg_decide_clone_entry(const struct cg_profile_def *p,
						 const struct cg_clone_call *c)
{
	const unsigned long long f = c->flags;

	if (!c->clone3) {
		/* clone(2)'s parent-TID pointer is its pidfd pointer too. */
		if (CG_RULE_ON(p, CG_RULE_H1) && (f & CG_CLONE_PIDFD) && (f & CG_CLONE_PARENT_SETTID))
			return CG_RULE_H1;
		if (CG_RULE_ON(p, CG_RULE_H2) && (f & CG_CLONE_PIDFD) && (f & CG_CLONE_DETACHED))
			return CG_RULE_H2;
		return CG_RULE_NONE;
	}
	if (CG_RULE_ON(p, CG_RULE_H3) && (f & CG_CLONE_DETACHED))
		return CG_RULE_H3;
	if (CG_RULE_ON(p, CG_RULE_H4) && (f & (CG_CLONE_THREAD | CG_CLONE_PARENT)) &&
	    c->exit_signal)
		return CG_RULE_H4;
	return CG_RULE_NONE;
}

/*
 * The first rule that refuses @c, or CG_RULE_NONE. @last stops the walk
 * early: clone3's preview of user memory (module only) decides only the
 * rules Linux would pre-empt with a different errno, up to C3.
 */
static __always_inline int cg_decide_clone_call(const struct cg_profile_def *p,
						const struct cg_clone_call *c, int last)
{
	const unsigned long long f = c->flags;
	int r;

	r = cg_decide_clone_entry(p, c);
	if (r != CG_RULE_NONE)
		return r;
	if (CG_RULE_ON(p, CG_RULE_C1) && (f & ~p->clone_supported))
		return CG_RULE_C1;
	if (CG_RULE_ON(p, CG_RULE_H5) && (f & (CG_CLONE_NEWCGROUP | CG_CLONE_INTO_CGROUP)))
		return CG_RULE_H5;
	if (CG_RULE_ON(p, CG_RULE_C2) && (f & (CG_CLONE_SIGHAND | CG_CLONE_VM)) == CG_CLONE_SIGHAND)
		return CG_RULE_C2;
	if (CG_RULE_ON(p, CG_RULE_H6) && (f & CG_CLONE_SIGHAND) && (f & CG_CLONE_CLEAR_SIGHAND))
		return CG_RULE_H6;
	if (CG_RULE_ON(p, CG_RULE_C3) && c->set_tid)
		return CG_RULE_C3;
	if (last == CG_RULE_C3)
		return CG_RULE_NONE;
	if (CG_RULE_ON(p, CG_RULE_C4) && (f & (CG_CLONE_THREAD | CG_CLONE_SIGHAND)) == CG_CLONE_THREAD)
		return CG_RULE_C4;
	if (CG_RULE_ON(p, CG_RULE_C5) && (f & CG_CLONE_THREAD) &&
	    ((f & CG_CLONE_NEWPID) || cg_fact_pidns_unshared()))
		return CG_RULE_C5;
	/* gVisor's quirk: any pid ns join counts, even into the own one. */
	if (CG_RULE_ON(p, CG_RULE_C5_SETNS) && (f & CG_CLONE_THREAD) && cg_fact_pidns_joined())
		return CG_RULE_C5_SETNS;
	if (CG_RULE_ON(p, CG_RULE_C6) && (f & CG_CLONE_NEWPID) && cg_fact_pidns_unshared())
		return CG_RULE_C6;
	if (CG_RULE_ON(p, CG_RULE_C6_SETNS) && (f & CG_CLONE_NEWPID) && cg_fact_pidns_joined())
		return CG_RULE_C6_SETNS;
	if (CG_RULE_ON(p, CG_RULE_C7) && (f & CG_CLONE_NEWUSER) &&
	    (f & (CG_CLONE_THREAD | CG_CLONE_FS)))
		return CG_RULE_C7;
	if (CG_RULE_ON(p, CG_RULE_C8) && c->exit_signal != 0 &&
	    (c->exit_signal < 1 || c->exit_signal > 64))
		return CG_RULE_C8;
	if (CG_RULE_ON(p, CG_RULE_C9) && (f & (CG_CLONE_FS | CG_CLONE_NEWNS)) ==
	    (CG_CLONE_FS | CG_CLONE_NEWNS))
		return CG_RULE_C9;
	if (CG_RULE_ON(p, CG_RULE_H7) && (f & CG_CLONE_PARENT) && cg_fact_is_pidns_init())
		return CG_RULE_H7;
	if (f & CG_CLONE_NEWUSER) {
		r = cg_decide_newuser(p, CG_RULE_C11, CG_RULE_C12);
		if (r != CG_RULE_NONE)
			return r;
	}
	/*
	 * The child's namespaces are owned by the new user namespace when
	 * NEWUSER is set, and its creator holds every capability there.
	 */
	if (CG_RULE_ON(p, CG_RULE_C13) && (f & p->clone_caps) &&
	    !(f & CG_CLONE_NEWUSER) && !cg_fact_has_sys_admin())
		return CG_RULE_C13;
	return CG_RULE_NONE;
}

#endif /* CLONEGATE_DECIDE_CLONE_H */
