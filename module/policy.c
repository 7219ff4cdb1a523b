// SPDX-License-Identifier: GPL-2.0
/*
 * The one rule engine: (profile, request) -> the first rule that refuses.
 *
 * Every entry point, on every ABI, ends here; a profile changes which rules
 * are active and which flags are supported, never which code runs. The rules
 * and their order are those of gVisor's Task.Clone, Task.Unshare and
 * Task.Setns at commit 21d66119 (../shared/spec/clone-policy.md).
 *
 * The engine reads only the request and the calling task's own state, and
 * never sleeps, so it can run inside an ftrace callback. The one fact it
 * cannot get there is "is the caller chrooted?" (the kernel computes it with
 * path references that may sleep); when a rule needs it and the caller could
 * not supply it, the engine answers CG_VERDICT_SLOW and the hook re-asks from
 * a sleepable context.
 *
 * Capabilities are evaluated the way gVisor does (and cap_capable() does):
 * from the credentials alone, without LSM hooks or audit side effects. An LSM
 * may still refuse later; that only adds refusals.
 */
#include <linux/cred.h>
#include <linux/fs_struct.h>
#include <linux/path.h>
#include <linux/pid_namespace.h>
#include <linux/sched/signal.h>
#include <linux/uidgid.h>
#include <linux/user_namespace.h>
#include <linux/nsproxy.h>

#include "clonegate.h"

#define ACTIVE(p, r)	((p)->rules & CG_RULE_BIT(r))

/* gVisor: a new user namespace may not be deeper than 32, counting init as 1. */
#define CG_MAX_USERNS_LEVEL	31

/* cap_capable() without the LSM: does cred hold cap in ns? */
static bool cg_cred_has_cap(const struct cred *cred, struct user_namespace *ns, int cap)
{
	for (;;) {
		if (ns == cred->user_ns)
			return cap_raised(cred->cap_effective, cap);
		if (ns->level <= cred->user_ns->level)
			return false;
		/* The owner of a child namespace has every capability in it. */
		if (ns->parent == cred->user_ns && uid_eq(ns->owner, cred->euid))
			return true;
		ns = ns->parent;
	}
}

static bool cg_has_own_cap(int cap)
{
	return cap_raised(current_cred()->cap_effective, cap);
}

/* "The caller did unshare(CLONE_NEWPID) earlier" (gVisor's childPIDNamespace). */
static bool cg_pidns_unshared(void)
{
	struct nsproxy *nsp = current->nsproxy;

	return nsp && nsp->pid_ns_for_children != task_active_pid_ns(current);
}

static bool cg_ids_mapped(void)
{
	const struct cred *cred = current_cred();

	return kuid_has_mapping(cred->user_ns, cred->euid) &&
	       kgid_has_mapping(cred->user_ns, cred->egid);
}

/*
 * The shared NEWUSER checks (C10-C12, U3-U4). Returns the refusing rule,
 * CG_VERDICT_SLOW, or CG_RULE_NONE.
 */
static int cg_check_newuser(const struct cg_profile_def *p, const struct cg_request *rq,
			    enum cg_rule chroot_rule, enum cg_rule depth_rule,
			    enum cg_rule ids_rule)
{
	if (ACTIVE(p, chroot_rule)) {
		if (rq->chrooted == CG_FACT_UNKNOWN)
			return CG_VERDICT_SLOW;
		if (rq->chrooted)
			return chroot_rule;
	}
	if (ACTIVE(p, depth_rule) && current_user_ns()->level >= CG_MAX_USERNS_LEVEL)
		return depth_rule;
	if (ACTIVE(p, ids_rule) && !cg_ids_mapped())
		return ids_rule;
	return CG_RULE_NONE;
}

/*
 * clone, clone3, fork, vfork: gVisor's Task.Clone checks, C1..C13 in order.
 * @last stops the walk early: clone3's preview of user memory only decides
 * the rules Linux would pre-empt with a different errno (up to C3).
 */
int cg_decide_clone(const struct cg_profile_def *p, const struct cg_request *rq,
		    enum cg_rule last)
{
	const u64 f = rq->flags;
	int r;

	if (ACTIVE(p, CG_RULE_C1) && (f & ~p->clone_supported))
		return CG_RULE_C1;
	if (ACTIVE(p, CG_RULE_C2) && (f & (CG_CLONE_SIGHAND | CG_CLONE_VM)) == CG_CLONE_SIGHAND)
		return CG_RULE_C2;
	if (ACTIVE(p, CG_RULE_C3) && rq->set_tid)
		return CG_RULE_C3;
	if (last == CG_RULE_C3)
		return CG_RULE_NONE;
	if (ACTIVE(p, CG_RULE_C4) && (f & (CG_CLONE_THREAD | CG_CLONE_SIGHAND)) == CG_CLONE_THREAD)
		return CG_RULE_C4;
	if (ACTIVE(p, CG_RULE_C5) && (f & CG_CLONE_THREAD) &&
	    ((f & CG_CLONE_NEWPID) || cg_pidns_unshared()))
		return CG_RULE_C5;
	if (ACTIVE(p, CG_RULE_C6) && (f & CG_CLONE_NEWPID) && cg_pidns_unshared())
		return CG_RULE_C6;
	if (ACTIVE(p, CG_RULE_C7) && (f & CG_CLONE_NEWUSER) &&
	    (f & (CG_CLONE_THREAD | CG_CLONE_FS)))
		return CG_RULE_C7;
	if (ACTIVE(p, CG_RULE_C8) && rq->exit_signal != 0 &&
	    (rq->exit_signal < 1 || rq->exit_signal > 64))
		return CG_RULE_C8;
	if (ACTIVE(p, CG_RULE_C9) && (f & (CG_CLONE_FS | CG_CLONE_NEWNS)) ==
	    (CG_CLONE_FS | CG_CLONE_NEWNS))
		return CG_RULE_C9;
	if (f & CG_CLONE_NEWUSER) {
		r = cg_check_newuser(p, rq, CG_RULE_C10, CG_RULE_C11, CG_RULE_C12);
		if (r != CG_RULE_NONE)
			return r;
	}
	/*
	 * The child's namespaces are owned by the new user namespace when
	 * NEWUSER is set, and its creator holds every capability there.
	 */
	if (ACTIVE(p, CG_RULE_C13) &&
	    (f & (CG_CLONE_NEWPID | CG_CLONE_NEWNET | CG_CLONE_NEWUTS | CG_CLONE_NEWIPC)) &&
	    !(f & CG_CLONE_NEWUSER) && !cg_has_own_cap(CAP_SYS_ADMIN))
		return CG_RULE_C13;
	return CG_RULE_NONE;
}

/* unshare: implied flags first, then U1..U5 (gVisor's sys_unshare + Task.Unshare). */
int cg_decide_unshare(const struct cg_profile_def *p, const struct cg_request *rq)
{
	u64 f = rq->flags;
	int r;

	if (f & CG_CLONE_NEWPID)
		f |= CG_CLONE_THREAD;
	if (f & CG_CLONE_NEWUSER)
		f |= CG_CLONE_THREAD | CG_CLONE_FS;

	if (ACTIVE(p, CG_RULE_U1) && (f & (CG_CLONE_VM | CG_CLONE_SIGHAND)))
		return CG_RULE_U1;
	if (ACTIVE(p, CG_RULE_U2) && (f & CG_CLONE_THREAD) && !thread_group_empty(current))
		return CG_RULE_U2;
	if (f & CG_CLONE_NEWUSER) {
		r = cg_check_newuser(p, rq, CG_RULE_U3, CG_RULE_U4_DEPTH, CG_RULE_U4_IDS);
		if (r != CG_RULE_NONE)
			return r;
	}
	/* Checked after the user namespace switch: NEWUSER grants them all. */
	if (ACTIVE(p, CG_RULE_U5) &&
	    (f & (CG_CLONE_NEWPID | CG_CLONE_NEWNET | CG_CLONE_NEWUTS |
		  CG_CLONE_NEWIPC | CG_CLONE_NEWNS)) &&
	    !(f & CG_CLONE_NEWUSER) && !cg_has_own_cap(CAP_SYS_ADMIN))
		return CG_RULE_U5;
	return CG_RULE_NONE;
}

/* The unshare bits the profile ignores: the host must never act on them. */
u64 cg_unshare_dropped_bits(const struct cg_profile_def *p, u64 flags)
{
	if (!ACTIVE(p, CG_RULE_UDROP))
		return 0;
	return flags & ~p->unshare_handled;
}

/* setns: S1..S6 (gVisor's Task.Setns). */
int cg_decide_setns(const struct cg_profile_def *p, const struct cg_request *rq)
{
	const u64 t = rq->ns_type;

	if (ACTIVE(p, CG_RULE_S1) && !rq->ns_file_open)
		return CG_RULE_S1;
	if (!rq->ns_file_open)
		return CG_RULE_NONE;
	if (ACTIVE(p, CG_RULE_S2) && (!t || !(t & p->setns_types)))
		return CG_RULE_S2;
	if (ACTIVE(p, CG_RULE_S3) && rq->nstype_arg && rq->nstype_arg != t)
		return CG_RULE_S3;
	if (!rq->ns_owner)
		return CG_RULE_NONE;
	if (ACTIVE(p, CG_RULE_S4) &&
	    (t == CG_CLONE_NEWNET || t == CG_CLONE_NEWIPC || t == CG_CLONE_NEWUTS) &&
	    (!cg_cred_has_cap(current_cred(), rq->ns_owner, CAP_SYS_ADMIN) ||
	     !cg_has_own_cap(CAP_SYS_ADMIN)))
		return CG_RULE_S4;
	if (t == CG_CLONE_NEWNS) {
		if (ACTIVE(p, CG_RULE_S5) &&
		    (!cg_cred_has_cap(current_cred(), rq->ns_owner, CAP_SYS_ADMIN) ||
		     !cg_has_own_cap(CAP_SYS_CHROOT) || !cg_has_own_cap(CAP_SYS_ADMIN)))
			return CG_RULE_S5;
		/* The caller must be the only user of its fs context. */
		if (ACTIVE(p, CG_RULE_S6) && READ_ONCE(current->fs->users) != 1)
			return CG_RULE_S6;
	}
	return CG_RULE_NONE;
}
