// SPDX-License-Identifier: GPL-2.0
/*
 * The one rule engine: (profile, request) -> the first rule that refuses.
 *
 * Every entry point, on every ABI, ends here; a profile changes which rules
 * are active and which flags are supported, never which code runs. The rules
 * and their order are those of gVisor's Task.Clone, Task.Unshare and
 * Task.Setns at commit 21d66119 (docs/policy.md), with gvisor-head's rules
 * (H*, gVisor at 3c5eee17d) at their places in that order; a profile that
 * does not have them active checks exactly what the seed does. The clone
 * family's rules are include/clonegate/decide_clone.h, which the BPF
 * backend (bpf/lsm_policy.bpf.c) compiles too; this file gives them the
 * facts about the caller they ask for, and holds the other entry points'.
 *
 * The engine reads only the request and the calling task's own state (and,
 * for setns through a pidfd, the target task, under RCU and its task_lock
 * spinlock, as Linux's validate_nsset() does), and never sleeps, so it runs
 * inside an ftrace callback. The one fact it cannot get there is "is the
 * caller chrooted?" (C10, U3): the kernel computes it
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
#include <linux/sched/coredump.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/uidgid.h>
#include <linux/user_namespace.h>
#include <linux/nsproxy.h>

#include "clonegate.h"

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

/*
 * "The caller did unshare(CLONE_NEWPID) earlier" (gVisor's childPIDNamespace),
 * or a setns() into another pid namespace: Linux keeps that mark. A join of
 * the caller's own active one leaves none; pidns_joined.c remembers every
 * join for gvisor-head's C5.setns and C6.setns.
 */
static bool cg_pidns_unshared(void)
{
	struct nsproxy *nsp = current->nsproxy;

	return nsp && nsp->pid_ns_for_children != task_active_pid_ns(current);
}

/* gVisor's ThreadGroup.IsInitIn(the caller's pid namespace). */
static bool cg_is_pidns_init(void)
{
	return is_child_reaper(task_tgid(current));
}

static bool cg_ids_mapped(void)
{
	const struct cred *cred = current_cred();

	return kuid_has_mapping(cred->user_ns, cred->euid) &&
	       kgid_has_mapping(cred->user_ns, cred->egid);
}

/* The facts decide_clone.h's rules ask for, from current's own state. */
static __always_inline bool cg_fact_pidns_unshared(void)
{
	return cg_pidns_unshared();
}

static __always_inline bool cg_fact_pidns_joined(void)
{
	return cg_pidns_joined();
}

static __always_inline bool cg_fact_is_pidns_init(void)
{
	return cg_is_pidns_init();
}

static __always_inline int cg_fact_userns_level(void)
{
	return current_user_ns()->level;
}

static __always_inline bool cg_fact_ids_mapped(void)
{
	return cg_ids_mapped();
}

static __always_inline bool cg_fact_has_sys_admin(void)
{
	return cg_has_own_cap(CAP_SYS_ADMIN);
}

#include <clonegate/decide_clone.h>

/*
 * clone, clone3, fork, vfork: the rules of decide_clone.h, which the BPF
 * backend shares. @last stops the walk early: clone3's preview of user
 * memory only decides the rules Linux would pre-empt with a different
 * errno (up to C3).
 */
int cg_decide_clone(const struct cg_profile_def *p, const struct cg_request *rq,
		    enum cg_rule last)
{
	const struct cg_clone_call c = {
		.flags = rq->flags,
		.exit_signal = rq->exit_signal,
		.set_tid = rq->set_tid,
		.clone3 = rq->entry == CG_ENTRY_CLONE3 || rq->entry == CG_ENTRY_IA32_CLONE3,
	};

	return cg_decide_clone_call(p, &c, last);
}

/*
 * clone3's entry: A1 on the size argument, then H3, H4, C1..C3 on a preview of user
 * memory, when it could be read. Only the rules Linux would pre-empt with a
 * different errno are decided here; kernel_clone() decides the rest, and
 * these again, on the kernel's copy.
 */
int cg_decide_clone3_entry(const struct cg_profile_def *p, const struct cg_request *rq)
{
	if (CG_RULE_ON(p, CG_RULE_CLONE3_SIZE) &&
	    (rq->clone3_size < CG_CLONE_ARGS_SIZE_MIN || rq->clone3_size > CG_CLONE_ARGS_SIZE_MAX))
		return CG_RULE_CLONE3_SIZE;
	if (!rq->previewed)
		return CG_RULE_NONE;
	return cg_decide_clone(p, rq, CG_RULE_C3);
}

/* unshare: implied flags first, then U1, H10, U2..U5 (gVisor's sys_unshare + Task.Unshare). */
int cg_decide_unshare(const struct cg_profile_def *p, const struct cg_request *rq)
{
	u64 f = rq->flags;
	int r;

	if (f & CG_CLONE_NEWPID)
		f |= CG_CLONE_THREAD;
	if (f & CG_CLONE_NEWUSER)
		f |= CG_CLONE_THREAD | CG_CLONE_FS;

	if (CG_RULE_ON(p, CG_RULE_U1) && (f & (CG_CLONE_VM | CG_CLONE_SIGHAND)))
		return CG_RULE_U1;
	if (CG_RULE_ON(p, CG_RULE_H10) && (f & CG_CLONE_NEWCGROUP))
		return CG_RULE_H10;
	if (CG_RULE_ON(p, CG_RULE_U2) && (f & CG_CLONE_THREAD) && !thread_group_empty(current))
		return CG_RULE_U2;
	if (f & CG_CLONE_NEWUSER) {
		r = cg_decide_newuser(p, CG_RULE_U4_DEPTH, CG_RULE_U4_IDS);
		if (r != CG_RULE_NONE)
			return r;
	}
	/* Checked after the user namespace switch: NEWUSER grants them all. */
	if (CG_RULE_ON(p, CG_RULE_U5) && (f & p->unshare_caps) && !(f & CG_CLONE_NEWUSER) &&
	    !cg_has_own_cap(CAP_SYS_ADMIN))
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

	if (!rq->userns_eperm || !CG_RULE_ON(p, chroot_rule))
		return CG_RULE_NONE;
	first = unshare ? cg_decide_unshare(p, rq) : cg_decide_clone(p, rq, CG_RULE_MAX);
	return first == CG_RULE_NONE ? chroot_rule : CG_RULE_NONE;
}

/* The unshare bits the profile ignores: the host must never act on them. */
u64 cg_unshare_dropped_bits(const struct cg_profile_def *p, u64 flags)
{
	if (!CG_RULE_ON(p, CG_RULE_UDROP))
		return 0;
	return flags & ~p->unshare_handled;
}

/*
 * Who the joins' checks ask about, and where its "own" capabilities are
 * asked: the caller's user namespace, or the one joined earlier in the same
 * pidfd call. Linux asks both with the caller's credentials as they are
 * (validate_nsset() commits the new ones only at its end): the owner check
 * with current_cred(), the own one in nsset->cred->user_ns, the joined
 * namespace. gVisor asks both with the credentials its
 * Credentials.ForkIntoUserNamespace gives (post_join): every capability in
 * the joined namespace, and so in its descendants, and none outside. So
 * gVisor can be stricter than Linux there, never more permissive
 * (docs/policy.md 7.5).
 */
struct cg_joiner {
	const struct cred *cred;
	struct user_namespace *own;
	bool post_join;
};

static bool cg_joiner_cap(const struct cg_joiner *j, struct user_namespace *ns, int cap)
{
	if (!j->post_join)
		return cg_cred_has_cap(j->cred, ns, cap);
	while (ns->level > j->own->level)
		ns = ns->parent;
	return ns == j->own;
}

static bool cg_joiner_own_cap(const struct cg_joiner *j, int cap)
{
	return cg_joiner_cap(j, j->own, cap);
}

/* CAP_SYS_ADMIN in the namespace's owner and in the joiner's own (S4, H17a, H18). */
static bool cg_may_join(const struct cg_joiner *j, struct user_namespace *owner)
{
	return cg_joiner_cap(j, owner, CAP_SYS_ADMIN) && cg_joiner_own_cap(j, CAP_SYS_ADMIN);
}

/* H16a..d: joining @ns, a user namespace (Linux's userns_install has the same four). */
static int cg_decide_join_user(const struct cg_profile_def *p, struct user_namespace *ns)
{
	if (CG_RULE_ON(p, CG_RULE_H16A) && ns == current_user_ns())
		return CG_RULE_H16A;
	if (CG_RULE_ON(p, CG_RULE_H16B) && !thread_group_empty(current))
		return CG_RULE_H16B;
	if (CG_RULE_ON(p, CG_RULE_H16C) && READ_ONCE(current->fs->users) != 1)
		return CG_RULE_H16C;
	if (CG_RULE_ON(p, CG_RULE_H16D) && !cg_cred_has_cap(current_cred(), ns, CAP_SYS_ADMIN))
		return CG_RULE_H16D;
	return CG_RULE_NONE;
}

/* Is @ns the caller's active pid namespace or one of its descendants? */
static bool cg_pidns_below_active(struct pid_namespace *ns)
{
	struct pid_namespace *active = task_active_pid_ns(current);

	while (ns && ns->level > active->level)
		ns = ns->parent;
	return ns == active;
}

/*
 * The checks of one namespace other than a user namespace, owned by @owner
 * (gVisor's Task.Setns, per type): pid H17a..b, net/ipc/uts S4, cgroup H18,
 * mnt S5, S6.
 */
static int cg_check_join_ns(const struct cg_profile_def *p, const struct cg_joiner *j,
			    u64 type, struct user_namespace *owner, struct pid_namespace *pid_ns)
{
	switch (type) {
	case CG_CLONE_NEWPID:
		if (CG_RULE_ON(p, CG_RULE_H17A) && !cg_may_join(j, owner))
			return CG_RULE_H17A;
		if (CG_RULE_ON(p, CG_RULE_H17B) && !cg_pidns_below_active(pid_ns))
			return CG_RULE_H17B;
		break;
	case CG_CLONE_NEWNET:
	case CG_CLONE_NEWIPC:
	case CG_CLONE_NEWUTS:
		if (CG_RULE_ON(p, CG_RULE_S4) && !cg_may_join(j, owner))
			return CG_RULE_S4;
		break;
	case CG_CLONE_NEWCGROUP:
		if (CG_RULE_ON(p, CG_RULE_H18) && !cg_may_join(j, owner))
			return CG_RULE_H18;
		break;
	case CG_CLONE_NEWNS:
		/* A mount namespace's owner may be unknown (task_ns.c): S6 still holds. */
		if (CG_RULE_ON(p, CG_RULE_S5) && owner &&
		    (!cg_joiner_cap(j, owner, CAP_SYS_ADMIN) ||
		     !cg_joiner_own_cap(j, CAP_SYS_CHROOT) || !cg_joiner_own_cap(j, CAP_SYS_ADMIN)))
			return CG_RULE_S5;
		/* The caller must be the only user of its fs context. */
		if (CG_RULE_ON(p, CG_RULE_S6) && READ_ONCE(current->fs->users) != 1)
			return CG_RULE_S6;
		break;
	}
	return CG_RULE_NONE;
}

/*
 * One join's checks as gVisor makes them. After a user namespace join in
 * the same call, with the credentials that join gives (H16.creds, gVisor's
 * quirk): a refusal the caller's credentials as Linux asks them would not
 * have met is counted as H16.creds, so it stands apart from the rule's
 * refusals Linux makes too; with H16.creds off, Linux's way decides.
 */
static int cg_decide_join_ns(const struct cg_profile_def *p, const struct cg_joiner *j,
			     u64 type, struct user_namespace *owner, struct pid_namespace *pid_ns)
{
	const struct cg_joiner caller = { .cred = j->cred, .own = j->own };
	int r;

	if (!j->post_join || !CG_RULE_ON(p, CG_RULE_H16_CREDS))
		return cg_check_join_ns(p, &caller, type, owner, pid_ns);
	r = cg_check_join_ns(p, j, type, owner, pid_ns);
	if (r == CG_RULE_NONE || cg_check_join_ns(p, &caller, type, owner, pid_ns) == r)
		return r;
	return CG_RULE_H16_CREDS;
}

/*
 * H14: may the caller read @t as ptrace's PTRACE_MODE_READ_REALCREDS allows
 * (gVisor's Task.CanTrace, ptrace(2)'s rules)? The same thread group always
 * may; else the caller's real uid and gid must be the target's real,
 * effective and saved ones, or it holds CAP_SYS_PTRACE in the target's user
 * namespace; and a target that is not dumpable needs CAP_SYS_PTRACE in its
 * mm's user namespace. ptrace_may_access() is not exported; this is its
 * check without the LSM hook. task_lock() (a spinlock, as in Linux's own
 * validate_nsset()) keeps the mm from being released under us.
 */
static bool cg_may_read_task(struct task_struct *t)
{
	const struct cred *cred = current_cred(), *tcred;
	struct mm_struct *mm;
	bool ok;

	if (same_thread_group(t, current))
		return true;
	tcred = __task_cred(t);
	if (!(uid_eq(cred->uid, tcred->euid) && uid_eq(cred->uid, tcred->suid) &&
	      uid_eq(cred->uid, tcred->uid) && gid_eq(cred->gid, tcred->egid) &&
	      gid_eq(cred->gid, tcred->sgid) && gid_eq(cred->gid, tcred->gid)) &&
	    !cg_cred_has_cap(cred, tcred->user_ns, CAP_SYS_PTRACE))
		return false;
	task_lock(t);
	mm = t->mm;
	ok = !mm || get_dumpable(mm) == SUID_DUMP_USER ||
	     cg_cred_has_cap(cred, mm->user_ns, CAP_SYS_PTRACE);
	task_unlock(t);
	return ok;
}

/* A pidfd call's namespace types, in the order gVisor checks them (3.3 of docs/policy.md). */
static const u64 cg_pidfd_join_order[] = {
	CG_CLONE_NEWPID, CG_CLONE_NEWNET, CG_CLONE_NEWUTS, CG_CLONE_NEWIPC,
	CG_CLONE_NEWCGROUP, CG_CLONE_NEWNS,
};

static struct user_namespace *cg_task_ns_owner(const struct cg_task_ns *ns, u64 type)
{
	switch (type) {
	case CG_CLONE_NEWPID:
		return ns->pid ? ns->pid->user_ns : NULL;
	case CG_CLONE_NEWNET:
		return ns->net_owner;
	case CG_CLONE_NEWUTS:
		return ns->uts_owner;
	case CG_CLONE_NEWIPC:
		return ns->ipc_owner;
	case CG_CLONE_NEWCGROUP:
		return ns->cgroup_owner;
	case CG_CLONE_NEWNS:
		return ns->mnt_owner;
	}
	return NULL;
}

/*
 * The joins of a pidfd call that passed H12-H14, on @t's namespaces: H15 if
 * it has released them; else the user namespace first (H16a..d), and from
 * then on the credentials after that join, then pid, net, uts, ipc, cgroup,
 * mnt. Linux makes the same checks in its own order (user, mnt, uts, ipc,
 * pid, cgroup, net): where two would fail with different errnos, the caller
 * gets gVisor's (E4).
 */
static int cg_decide_pidfd_joins(const struct cg_profile_def *p, const struct cg_request *rq,
				 struct task_struct *t)
{
	struct cg_joiner j = { .cred = current_cred(), .own = current_user_ns() };
	struct user_namespace *owner;
	u64 nstype = rq->nstype_arg, type;
	struct cg_task_ns ns;
	int i, r = CG_RULE_NONE;

	if (!cg_task_ns_lock(t, &ns))
		return CG_RULE_ON(p, CG_RULE_H15) ? CG_RULE_H15 : CG_RULE_NONE;
	if (nstype & CG_CLONE_NEWUSER) {
		r = cg_decide_join_user(p, ns.user);
		if (r != CG_RULE_NONE)
			goto out;
		j.own = ns.user;
		j.post_join = true;
	}
	for (i = 0; i < ARRAY_SIZE(cg_pidfd_join_order); i++) {
		type = cg_pidfd_join_order[i];
		owner = cg_task_ns_owner(&ns, type);
		/* No owner: a pid namespace already detached, or a mount one unknown. */
		if (!(nstype & type) || (!owner && type != CG_CLONE_NEWNS))
			continue;
		r = cg_decide_join_ns(p, &j, type, owner, ns.pid);
		if (r != CG_RULE_NONE)
			break;
	}
out:
	cg_task_ns_unlock(t);
	return r;
}

/*
 * gVisor's pidfd path (PIDFDTask, then initFromTask): a pidfd or a task's
 * /proc directory. H12 (the task is a zombie or gone), H13 (nstype), H14
 * (ptrace), H15 (exiting), then the joins' own checks on the target's
 * namespaces. A /proc directory that passes is one gVisor would join and
 * Linux refuses with EINVAL: S2 counts that (D12).
 */
static int cg_decide_setns_task(const struct cg_profile_def *p, const struct cg_request *rq)
{
	struct task_struct *t = rq->ns_task;
	int r;

	if (CG_RULE_ON(p, CG_RULE_H12) && (!t || READ_ONCE(t->exit_state)))
		return CG_RULE_H12;
	if (CG_RULE_ON(p, CG_RULE_H13) &&
	    (!rq->nstype_arg || (rq->nstype_arg & ~p->setns_types)))
		return CG_RULE_H13;
	if (t && CG_RULE_ON(p, CG_RULE_H14) && !cg_may_read_task(t))
		return CG_RULE_H14;
	if (t) {
		r = cg_decide_pidfd_joins(p, rq, t);
		if (r != CG_RULE_NONE)
			return r;
	}
	if (rq->ns_proc_dir && CG_RULE_ON(p, CG_RULE_S2))
		return CG_RULE_S2;
	return CG_RULE_NONE;
}

/*
 * setns: S1, H11, then by what the fd is: a pidfd or a task's /proc
 * directory takes the pidfd path (H12-H15 and the joins), another file of a
 * task's /proc directory is H12.proc; anything else S2, S3, then the
 * namespace's own checks (gVisor's Task.Setns): user H16a..d, pid H17a..b,
 * net/ipc/uts S4, cgroup H18, mnt S5, S6. A profile without H12 (the seed)
 * sends pidfds and /proc files to S2, as gVisor did then.
 */
int cg_decide_setns(const struct cg_profile_def *p, const struct cg_request *rq)
{
	const struct cg_joiner caller = { .cred = current_cred(), .own = current_user_ns() };
	const u64 t = rq->ns_type;

	if (CG_RULE_ON(p, CG_RULE_S1) && !rq->ns_file_open)
		return CG_RULE_S1;
	if (!rq->ns_file_open)
		return CG_RULE_NONE;
	if (CG_RULE_ON(p, CG_RULE_H11) && (rq->nstype_arg & CG_CLONE_NEWCGROUP))
		return CG_RULE_H11;
	if (CG_RULE_ON(p, CG_RULE_H12)) {
		if ((rq->ns_pidfd && p->setns_pidfd) || rq->ns_proc_dir)
			return cg_decide_setns_task(p, rq);
		if (rq->ns_proc_file && CG_RULE_ON(p, CG_RULE_H12_PROC))
			return CG_RULE_H12_PROC;
	}
	if (!t && rq->ns_pidfd && p->setns_pidfd)
		return CG_RULE_NONE;
	if (CG_RULE_ON(p, CG_RULE_S2) && (!t || !(t & p->setns_types)))
		return CG_RULE_S2;
	if (CG_RULE_ON(p, CG_RULE_S3) && rq->nstype_arg && rq->nstype_arg != t)
		return CG_RULE_S3;
	/* The initial user namespace has no owner: H16 needs none. */
	if (t == CG_CLONE_NEWUSER)
		return cg_decide_join_user(p, rq->ns_user);
	if (!rq->ns_owner)
		return CG_RULE_NONE;
	return cg_check_join_ns(p, &caller, t, rq->ns_owner, rq->ns_pid);
}

/*
 * Inside setns(), on the kernel's own namespace object (type 0: a pidfd):
 * S2 again, so an fd swapped after the entry check cannot get through.
 */
int cg_decide_ns_install(const struct cg_profile_def *p, const struct cg_request *rq)
{
	if (!rq->ns_type && p->setns_pidfd)
		return CG_RULE_NONE;
	if (CG_RULE_ON(p, CG_RULE_S2) && (!rq->ns_type || !(rq->ns_type & p->setns_types)))
		return CG_RULE_S2;
	return CG_RULE_NONE;
}
