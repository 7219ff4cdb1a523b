// SPDX-License-Identifier: GPL-2.0
/*
 * The one rule engine: (profile, request) -> the first rule that refuses.
 *
 * Every entry point, on every ABI, ends here; a profile changes which rules
 * are active and which flags are supported, never which code runs. The rules
 * and their order are those of gVisor's Task.Clone, Task.Unshare and
 * Task.Setns at commit 21d66119 (docs/policy.md).
 *
 * The engine reads only the request and the calling task's own state, and
 * never sleeps, so it runs inside an ftrace callback. The one fact it cannot
 * get there is "is the caller chrooted?" (C10, U3): the kernel computes it
 * with path references that may sleep, in a function it does not export.
 * Linux refuses a chrooted caller's new user namespace itself, with gVisor's
 * errno (EPERM), so the engine leaves that refusal to Linux and attributes it
 * when create_user_ns() returns EPERM (cg_decide_userns_refusal()). The
 * price: where gVisor would check the chroot first, the engine's later rules
 * answer first (a chrooted caller at user namespace depth 32 gets C11's
 * EUSERS, not C10's EPERM; docs/policy.md lists it).
 *
 * Capabilities are evaluated the way gVisor does (and cap_capable() does):
 * from the credentials alone, without LSM hooks or audit side effects. An LSM
 * may still refuse later; that only adds refusals.
 */
#include <linux/cred.h>
#include <linux/fs_struct.h>
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
 * The shared NEWUSER checks (C11-C12, U4), in gVisor's order; C10/U3 (the
 * chroot) come first in gVisor and are Linux's, see the top of this file.
 */
static int cg_check_newuser(const struct cg_profile_def *p, enum cg_rule depth_rule,
			    enum cg_rule ids_rule)
{
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
		r = cg_check_newuser(p, CG_RULE_C11, CG_RULE_C12);
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

/*
 * clone3's entry: A1 on the size argument, then C1..C3 on a preview of user
 * memory, when it could be read. Only the rules Linux would pre-empt with a
 * different errno are decided here; kernel_clone() decides the rest, and
 * these again, on the kernel's copy.
 */
int cg_decide_clone3_entry(const struct cg_profile_def *p, const struct cg_request *rq)
{
	if (ACTIVE(p, CG_RULE_CLONE3_SIZE) &&
	    (rq->clone3_size < CG_CLONE_ARGS_SIZE_MIN || rq->clone3_size > CG_CLONE_ARGS_SIZE_MAX))
		return CG_RULE_CLONE3_SIZE;
	if (!rq->previewed)
		return CG_RULE_NONE;
	return cg_decide_clone(p, rq, CG_RULE_C3);
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
		r = cg_check_newuser(p, CG_RULE_U4_DEPTH, CG_RULE_U4_IDS);
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

/*
 * create_user_ns() refused with EPERM a call the engine let through (or, in
 * audit mode, merely recorded). Of Linux's reasons (chroot, unmapped ids, an
 * LSM), the ids are C12/U4.ids; so, when no rule the engine decides itself
 * refuses the call (that rule was recorded at the hook, and in gVisor's
 * order without the chroot it comes first), the chroot is C10/U3. An LSM
 * that refuses with EPERM is counted as the chroot (docs/policy.md).
 */
int cg_decide_userns_refusal(const struct cg_profile_def *p, const struct cg_request *rq)
{
	bool unshare = rq->entry == CG_ENTRY_UNSHARE || rq->entry == CG_ENTRY_IA32_UNSHARE;
	enum cg_rule chroot_rule = unshare ? CG_RULE_U3 : CG_RULE_C10;
	int first;

	if (!rq->userns_eperm || !ACTIVE(p, chroot_rule))
		return CG_RULE_NONE;
	first = unshare ? cg_decide_unshare(p, rq) : cg_decide_clone(p, rq, CG_RULE_MAX);
	return first == CG_RULE_NONE ? chroot_rule : CG_RULE_NONE;
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

/*
 * Inside setns(), on the kernel's own namespace object (type 0: a pidfd):
 * S2 again, so an fd swapped after the entry check cannot get through.
 */
int cg_decide_ns_install(const struct cg_profile_def *p, const struct cg_request *rq)
{
	if (ACTIVE(p, CG_RULE_S2) && (!rq->ns_type || !(rq->ns_type & p->setns_types)))
		return CG_RULE_S2;
	return CG_RULE_NONE;
}
