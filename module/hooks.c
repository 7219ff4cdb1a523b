// SPDX-License-Identifier: GPL-2.0
/*
 * Hooks: turn each entry point's arguments into one cg_request, ask the
 * rule engine, act on the verdict.
 *
 * Mechanism: one ftrace_ops per kernel function, with SAVE_REGS|IPMODIFY.
 * The callback runs at the function's fentry, before its body, with
 * preemption disabled, and may
 *   - refuse: point regs->ip at a stub that returns -errno, so the original
 *     body never runs and no module frame stays on the stack;
 *   - rewrite an argument (unshare's dropped bits): change regs->di;
 *   - divert to a sleepable "slow" wrapper when the engine needs a fact it
 *     cannot get atomically (is the caller chrooted?). Only such wrappers call
 *     the original function; they are counted in cg_inflight so unload can
 *     wait for them.
 *
 * Where the decision is taken (TOCTOU):
 *   kernel_clone()        the kernel's own copy of every clone, clone3, fork
 *                         and vfork, on both ABIs: the authoritative check.
 *   __{x64,ia32}_sys_clone3  only clone3's size (a register) and a no-fault
 *                         preview of the user struct, so a caller that does
 *                         not race gets gVisor's errno where Linux would fail
 *                         earlier with another one (set_tid). The preview never
 *                         allows anything kernel_clone() then refuses.
 *   ksys_unshare()        flags are a register value; the rewrite happens on
 *                         the kernel's argument, never in user registers.
 *   __{x64,ia32}_sys_setns  S1..S6 on a reference we take ourselves; a
 *                         concurrent dup2() cannot sneak in a refused
 *                         namespace type because {user,pid,cgroup,time}ns_install
 *                         and pidfd_pid (in setns) refuse again on the
 *                         kernel's own object.
 *
 * Kernel threads and user-mode helpers (PF_KTHREAD, or kernel_clone() with a
 * thread function) are never policed.
 */
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/ftrace.h>
#include <linux/kprobes.h>
#include <linux/magic.h>
#include <linux/module.h>
#include <linux/proc_ns.h>
#include <linux/ratelimit.h>
#include <linux/sched/task.h>
#include <linux/uaccess.h>
#include <linux/uidgid.h>
#include <asm/syscall.h>
#ifdef CONFIG_X86_KERNEL_IBT
#include <asm/ibt.h>
#endif

#include "clonegate.h"
#include "cg_trace.h"

/* Syscall numbers (fixed ABI): x86-64 and i386. */
#define NR64_CLONE	56
#define NR64_FORK	57
#define NR64_VFORK	58
#define NR64_SETNS	308
#define NR32_FORK	2
#define NR32_CLONE	120
#define NR32_VFORK	190
#define NR32_SETNS	346
#define NR_CLONE3	435	/* same on both */

DEFINE_PER_CPU(struct cg_stats, cg_stats);

static pid_t (*cg_orig_kernel_clone)(struct kernel_clone_args *args);
static int (*cg_orig_ksys_unshare)(unsigned long flags);
static bool (*cg_orig_current_chrooted)(void);

/* Slow wrappers currently inside an original function. */
static atomic_long_t cg_inflight = ATOMIC_LONG_INIT(0);

bool cg_current_chrooted(void)
{
	return cg_orig_current_chrooted();
}

/* ---- refusal stubs: reached by `ret` from the ftrace trampoline -------- */

static noinline long cg_ret_eperm(void)	{ return -EPERM; }
static noinline long cg_ret_ebadf(void)	{ return -EBADF; }
static noinline long cg_ret_einval(void)	{ return -EINVAL; }
static noinline long cg_ret_eusers(void)	{ return -EUSERS; }
static noinline long cg_ret_enotsup(void)	{ return -EOPNOTSUPP; }

static unsigned long cg_stub(int err)
{
	switch (err) {
	case CG_EPERM:
		return (unsigned long)cg_ret_eperm;
	case CG_EBADF:
		return (unsigned long)cg_ret_ebadf;
	case CG_EUSERS:
		return (unsigned long)cg_ret_eusers;
	case CG_ENOTSUP:
		return (unsigned long)cg_ret_enotsup;
	default:
		return (unsigned long)cg_ret_einval;
	}
}

/* ---- recording ---------------------------------------------------------- */

static DEFINE_RATELIMIT_STATE(cg_log_rs, 5 * HZ, 20);

void cg_record(const struct cg_scope *scope, const struct cg_request *rq,
	       enum cg_rule rule, u32 mode)
{
	const struct cg_rule_def *rd = &cg_rules[rule];
	const char *action;

	if (rule == CG_RULE_UDROP && mode == CG_MODE_ENFORCE) {
		this_cpu_inc(cg_stats.dropped[rq->entry]);
		action = "dropped";
	} else if (mode == CG_MODE_ENFORCE) {
		this_cpu_inc(cg_stats.refused[rule]);
		this_cpu_inc(scope->stats->refused);
		action = "refused";
	} else {
		this_cpu_inc(cg_stats.audited[rule]);
		this_cpu_inc(scope->stats->audited);
		action = "audit";
	}
	trace_clonegate_decision(rq->entry, rule, mode, rd->err, rq->flags,
				 scope->cgid, scope->profile);
	if (__ratelimit(&cg_log_rs))
		pr_info("%s entry=%s rule=%s errno=%d flags=0x%llx pid=%d uid=%u comm=\"%s\" profile=%s scope=%s:%llu\n",
			action, cg_entry_names[rq->entry], rd->name, rd->err,
			rq->flags, task_pid_nr(current),
			from_kuid(&init_user_ns, current_uid()), current->comm,
			cg_profiles[scope->profile].name,
			scope->kind == CG_SCOPE_GLOBAL ? "global" : "cgroup",
			scope->cgid);
}

static void cg_checked(const struct cg_scope *s, enum cg_entry entry)
{
	this_cpu_inc(cg_stats.checked[entry]);
	this_cpu_inc(s->stats->checked);
}

/* Act on a refusing rule in ftrace context. */
static void cg_verdict(struct pt_regs *regs, const struct cg_scope *s,
		       const struct cg_request *rq, enum cg_rule rule)
{
	cg_record(s, rq, rule, s->mode);
	if (s->mode == CG_MODE_ENFORCE)
		regs->ip = cg_stub(cg_rules[rule].err);
}

static bool cg_is_clone3(enum cg_entry e)
{
	return e == CG_ENTRY_CLONE3 || e == CG_ENTRY_IA32_CLONE3;
}

/* Which syscall brought current into kernel_clone()? */
static enum cg_entry cg_clone_entry(void)
{
	long nr = syscall_get_nr(current, task_pt_regs(current));

	if (in_ia32_syscall()) {
		switch (nr) {
		case NR32_FORK:		return CG_ENTRY_IA32_FORK;
		case NR32_VFORK:	return CG_ENTRY_IA32_VFORK;
		case NR_CLONE3:		return CG_ENTRY_IA32_CLONE3;
		default:		return CG_ENTRY_IA32_CLONE;
		}
	}
	switch (nr) {
	case NR64_FORK:		return CG_ENTRY_FORK;
	case NR64_VFORK:	return CG_ENTRY_VFORK;
	case NR_CLONE3:		return CG_ENTRY_CLONE3;
	default:		return CG_ENTRY_CLONE;
	}
}

static bool cg_in_setns(void)
{
	long nr = syscall_get_nr(current, task_pt_regs(current));

	return in_ia32_syscall() ? nr == NR32_SETNS : nr == NR64_SETNS;
}

static void cg_clone_request(struct cg_request *rq, const struct kernel_clone_args *args,
			     int chrooted)
{
	*rq = (struct cg_request){
		.entry = cg_clone_entry(),
		.flags = args->flags,
		.exit_signal = args->exit_signal,
		.set_tid = args->set_tid_size > 0,
		.chrooted = chrooted,
	};
}

/*
 * In audit mode, clone3's C1..C3 were already recorded by the entry preview;
 * recording them again at kernel_clone() would count one call twice.
 */
static bool cg_recorded_at_entry(const struct cg_scope *s, const struct cg_request *rq,
				 int rule)
{
	return s->mode == CG_MODE_AUDIT && cg_is_clone3(rq->entry) &&
	       rule >= CG_RULE_C1 && rule <= CG_RULE_C3;
}

/* ---- kernel_clone(): clone, clone3, fork, vfork on every ABI ----------- */

static pid_t cg_kernel_clone_slow(struct kernel_clone_args *args)
{
	bool chrooted = cg_current_chrooted();
	const struct cg_scope *s;
	struct cg_request rq;
	int rule, err = 0;
	pid_t ret;

	rcu_read_lock();
	s = cg_scope_of_current();
	if (s) {
		cg_clone_request(&rq, args, chrooted);
		rule = cg_decide_clone(&cg_profiles[s->profile], &rq, CG_RULE_MAX);
		if (rule > CG_RULE_NONE && !cg_recorded_at_entry(s, &rq, rule)) {
			cg_record(s, &rq, rule, s->mode);
			if (s->mode == CG_MODE_ENFORCE)
				err = -cg_rules[rule].err;
		}
	}
	rcu_read_unlock();
	if (err)
		return err;

	atomic_long_inc(&cg_inflight);
	ret = cg_orig_kernel_clone(args);
	atomic_long_dec(&cg_inflight);
	return ret;
}

static void cg_on_kernel_clone(struct pt_regs *regs, unsigned long parent_ip)
{
	struct kernel_clone_args *args = (struct kernel_clone_args *)regs->di;
	const struct cg_scope *s;
	struct cg_request rq;
	int rule;

	/* Our own slow path calling the original, kernel threads, helpers. */
	if (within_module(parent_ip, THIS_MODULE) ||
	    (current->flags & PF_KTHREAD) || args->fn)
		return;

	rcu_read_lock();
	s = cg_scope_of_current();
	if (!s)
		goto out;
	cg_clone_request(&rq, args, CG_FACT_UNKNOWN);
	if (!cg_is_clone3(rq.entry))
		cg_checked(s, rq.entry);
	rule = cg_decide_clone(&cg_profiles[s->profile], &rq, CG_RULE_MAX);
	if (rule == CG_VERDICT_SLOW)
		regs->ip = (unsigned long)cg_kernel_clone_slow;
	else if (rule > CG_RULE_NONE && !cg_recorded_at_entry(s, &rq, rule))
		cg_verdict(regs, s, &rq, rule);
out:
	rcu_read_unlock();
}

/* ---- clone3 entry: size and an errno preview --------------------------- */

/* struct clone_args as gVisor reads it (CLONE_ARGS_SIZE_VER2). */
struct cg_clone3_preview {
	u64 flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size,
	    tls, set_tid, set_tid_size, cgroup;
};

static void cg_on_clone3(const struct pt_regs *regs, bool ia32)
{
	const struct pt_regs *uregs = (const struct pt_regs *)regs->di;
	unsigned long uargs = ia32 ? uregs->bx : uregs->di;
	unsigned long size = ia32 ? uregs->cx : uregs->si;
	struct cg_clone3_preview a = {};
	const struct cg_profile_def *p;
	const struct cg_scope *s;
	struct cg_request rq = { .entry = ia32 ? CG_ENTRY_IA32_CLONE3 : CG_ENTRY_CLONE3 };
	int rule = CG_RULE_NONE;

	rcu_read_lock();
	s = cg_scope_of_current();
	if (!s)
		goto out;
	p = &cg_profiles[s->profile];
	if ((p->rules & CG_RULE_BIT(CG_RULE_CLONE3_SIZE)) &&
	    (size < CG_CLONE_ARGS_SIZE_MIN || size > CG_CLONE_ARGS_SIZE_MAX)) {
		rule = CG_RULE_CLONE3_SIZE;
	} else if (size >= CG_CLONE_ARGS_SIZE_MIN && size <= sizeof(a) &&
		   !copy_from_user_nofault(&a, (const void __user *)uargs, size)) {
		/* A fault here decides nothing: Linux copies it again and kernel_clone() checks. */
		rq.flags = a.flags;
		rq.set_tid = a.set_tid != 0;
		rule = cg_decide_clone(p, &rq, CG_RULE_C3);
	}
	/* clone3 is counted here, once, whether or not Linux reaches kernel_clone(). */
	cg_checked(s, rq.entry);
	if (rule > CG_RULE_NONE)
		cg_verdict((struct pt_regs *)regs, s, &rq, rule);
out:
	rcu_read_unlock();
}

static void cg_on_x64_clone3(struct pt_regs *regs, unsigned long parent_ip)
{
	cg_on_clone3(regs, false);
}

static void cg_on_ia32_clone3(struct pt_regs *regs, unsigned long parent_ip)
{
	cg_on_clone3(regs, true);
}

/* ---- unshare ------------------------------------------------------------ */

static enum cg_entry cg_unshare_entry(void)
{
	return in_ia32_syscall() ? CG_ENTRY_IA32_UNSHARE : CG_ENTRY_UNSHARE;
}

/* Record dropped bits; returns the flags the host kernel may see. */
static unsigned long cg_unshare_drop(const struct cg_scope *s, struct cg_request *rq)
{
	u64 drop = cg_unshare_dropped_bits(&cg_profiles[s->profile], rq->flags);

	if (!drop)
		return rq->flags;
	cg_record(s, rq, CG_RULE_UDROP, s->mode);
	return s->mode == CG_MODE_ENFORCE ? rq->flags & ~drop : rq->flags;
}

static int cg_ksys_unshare_slow(unsigned long flags)
{
	bool chrooted = cg_current_chrooted();
	const struct cg_scope *s;
	struct cg_request rq;
	int rule, err = 0;
	int ret;

	rcu_read_lock();
	s = cg_scope_of_current();
	if (s) {
		rq = (struct cg_request){ .entry = cg_unshare_entry(), .flags = flags,
					  .chrooted = chrooted };
		rule = cg_decide_unshare(&cg_profiles[s->profile], &rq);
		if (rule > CG_RULE_NONE) {
			cg_record(s, &rq, rule, s->mode);
			if (s->mode == CG_MODE_ENFORCE)
				err = -cg_rules[rule].err;
		} else {
			flags = cg_unshare_drop(s, &rq);
		}
	}
	rcu_read_unlock();
	if (err)
		return err;

	atomic_long_inc(&cg_inflight);
	ret = cg_orig_ksys_unshare(flags);
	atomic_long_dec(&cg_inflight);
	return ret;
}

static void cg_on_ksys_unshare(struct pt_regs *regs, unsigned long parent_ip)
{
	const struct cg_scope *s;
	struct cg_request rq;
	int rule;

	if (within_module(parent_ip, THIS_MODULE) || (current->flags & PF_KTHREAD))
		return;

	rcu_read_lock();
	s = cg_scope_of_current();
	if (!s)
		goto out;
	rq = (struct cg_request){ .entry = cg_unshare_entry(), .flags = regs->di,
				  .chrooted = CG_FACT_UNKNOWN };
	cg_checked(s, rq.entry);
	rule = cg_decide_unshare(&cg_profiles[s->profile], &rq);
	if (rule == CG_VERDICT_SLOW)
		regs->ip = (unsigned long)cg_ksys_unshare_slow;
	else if (rule > CG_RULE_NONE)
		cg_verdict(regs, s, &rq, rule);
	else
		regs->di = cg_unshare_drop(s, &rq);
out:
	rcu_read_unlock();
}

/* ---- setns -------------------------------------------------------------- */

static void cg_on_setns(struct pt_regs *regs, bool ia32)
{
	const struct pt_regs *uregs = (const struct pt_regs *)regs->di;
	int fd = ia32 ? (int)uregs->bx : (int)uregs->di;
	u32 nstype = ia32 ? (u32)uregs->cx : (u32)uregs->si;
	const struct cg_scope *s;
	struct cg_request rq = {
		.entry = ia32 ? CG_ENTRY_IA32_SETNS : CG_ENTRY_SETNS,
		.nstype_arg = nstype, .flags = nstype,
	};
	struct file *file;
	int rule;

	rcu_read_lock();
	s = cg_scope_of_current();
	if (!s)
		goto out;
	cg_checked(s, rq.entry);
	file = fget(fd);
	if (file) {
		struct inode *inode = file_inode(file);

		rq.ns_file_open = true;
		if (inode->i_sb->s_magic == NSFS_MAGIC) {
			struct ns_common *ns = get_proc_ns(inode);

			rq.ns_type = ns->ops->type;
			rq.ns_owner = ns->ops->owner(ns);
		}
	}
	/* ns_owner is pinned by the file until fput(). */
	rule = cg_decide_setns(&cg_profiles[s->profile], &rq);
	if (file)
		fput(file);
	if (rule > CG_RULE_NONE)
		cg_verdict(regs, s, &rq, rule);
out:
	rcu_read_unlock();
}

static void cg_on_x64_setns(struct pt_regs *regs, unsigned long parent_ip)
{
	cg_on_setns(regs, false);
}

static void cg_on_ia32_setns(struct pt_regs *regs, unsigned long parent_ip)
{
	cg_on_setns(regs, true);
}

/*
 * The kernel's own objects inside setns(): refuse a namespace type (or a
 * pidfd) the profile does not allow even if the fd was swapped after the
 * entry check. Enforce mode only: in audit mode the entry already recorded
 * the call, and Linux answers.
 */
static void cg_refuse_ns_type(struct pt_regs *regs, u64 type)
{
	const struct cg_profile_def *p;
	const struct cg_scope *s;
	struct cg_request rq;

	if (current->flags & PF_KTHREAD)
		return;
	rcu_read_lock();
	s = cg_scope_of_current();
	if (!s || s->mode != CG_MODE_ENFORCE)
		goto out;
	p = &cg_profiles[s->profile];
	if (!(p->rules & CG_RULE_BIT(CG_RULE_S2)) || (type && (type & p->setns_types)))
		goto out;
	rq = (struct cg_request){
		.entry = in_ia32_syscall() ? CG_ENTRY_IA32_SETNS : CG_ENTRY_SETNS,
		.ns_type = type, .ns_file_open = true,
	};
	cg_verdict(regs, s, &rq, CG_RULE_S2);
out:
	rcu_read_unlock();
}

#define CG_NS_INSTALL_HOOK(fn, type)						\
static void cg_on_##fn(struct pt_regs *regs, unsigned long parent_ip)		\
{										\
	cg_refuse_ns_type(regs, type);						\
}
CG_NS_INSTALL_HOOK(userns_install, CG_CLONE_NEWUSER)
CG_NS_INSTALL_HOOK(pidns_install, CG_CLONE_NEWPID)
CG_NS_INSTALL_HOOK(cgroupns_install, CG_CLONE_NEWCGROUP)
CG_NS_INSTALL_HOOK(timens_install, CG_CLONE_NEWTIME)

/* pidfd_pid() is how setns() recognises a pidfd; elsewhere leave it alone. */
static void cg_on_pidfd_pid(struct pt_regs *regs, unsigned long parent_ip)
{
	if (cg_in_setns())
		cg_refuse_ns_type(regs, 0);
}

/* ---- registration -------------------------------------------------------- */

struct cg_hook {
	const char *symbol;
	void (*handler)(struct pt_regs *regs, unsigned long parent_ip);
	unsigned long start;	/* resolved at init */
};

#define CG_HOOK(sym, fn) { .symbol = sym, .handler = fn }

/* Hottest first: the dispatcher walks this table in order. */
static struct cg_hook cg_hooks[] = {
	CG_HOOK("kernel_clone", cg_on_kernel_clone),
	CG_HOOK("__x64_sys_clone3", cg_on_x64_clone3),
	CG_HOOK("ksys_unshare", cg_on_ksys_unshare),
	CG_HOOK("__x64_sys_setns", cg_on_x64_setns),
	CG_HOOK("__ia32_sys_clone3", cg_on_ia32_clone3),
	CG_HOOK("__ia32_sys_setns", cg_on_ia32_setns),
	CG_HOOK("userns_install", cg_on_userns_install),
	CG_HOOK("pidns_install", cg_on_pidns_install),
	CG_HOOK("cgroupns_install", cg_on_cgroupns_install),
	CG_HOOK("timens_install", cg_on_timens_install),
	CG_HOOK("pidfd_pid", cg_on_pidfd_pid),
};

/* The fentry call sits at the function start, or after an ENDBR with IBT. */
#define CG_FENTRY_MAX_OFFSET	8

/*
 * One ftrace_ops covers every hooked function, so loading and unloading
 * patch kernel text once and wait for one grace period, not one per hook.
 */
static void cg_dispatch(unsigned long ip, unsigned long parent_ip,
			struct ftrace_ops *ops, struct ftrace_regs *fregs)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(cg_hooks); i++) {
		if (ip - cg_hooks[i].start < CG_FENTRY_MAX_OFFSET) {
			cg_hooks[i].handler(ftrace_get_regs(fregs), parent_ip);
			return;
		}
	}
}

static struct ftrace_ops cg_ops = {
	.func = cg_dispatch,
	/* RECURSION: ftrace guards the callback and runs it with preemption off. */
	.flags = FTRACE_OPS_FL_SAVE_REGS | FTRACE_OPS_FL_IPMODIFY | FTRACE_OPS_FL_RECURSION,
};
static bool cg_ops_registered;

/*
 * Where a function starts. kallsyms_lookup_name() is not exported; a kprobe
 * tells where it is. On IBT kernels a kprobe sits after the ENDBR, and an
 * indirect call must land on the ENDBR.
 */
static unsigned long cg_func_start(unsigned long addr)
{
#ifdef CONFIG_X86_KERNEL_IBT
	u32 insn;

	if (!copy_from_kernel_nofault(&insn, (void *)(addr - ENDBR_INSN_SIZE), sizeof(insn)) &&
	    is_endbr(insn))
		addr -= ENDBR_INSN_SIZE;
#endif
	return addr;
}

static int cg_resolve(void)
{
	struct kprobe kp = { .symbol_name = "kallsyms_lookup_name" };
	unsigned long (*lookup)(const char *name);
	int i, ret;

	ret = register_kprobe(&kp);
	if (ret) {
		pr_err("cannot locate kallsyms_lookup_name (kprobes: %d)\n", ret);
		return ret;
	}
	lookup = (void *)cg_func_start((unsigned long)kp.addr);
	unregister_kprobe(&kp);

	for (i = 0; i < ARRAY_SIZE(cg_hooks); i++) {
		cg_hooks[i].start = lookup(cg_hooks[i].symbol);
		if (!cg_hooks[i].start) {
			pr_err("cannot hook %s: symbol not found in this kernel\n",
			       cg_hooks[i].symbol);
			return -ENOENT;
		}
	}
	cg_orig_kernel_clone = (void *)lookup("kernel_clone");
	cg_orig_ksys_unshare = (void *)lookup("ksys_unshare");
	cg_orig_current_chrooted = (void *)lookup("current_chrooted");
	if (!cg_orig_current_chrooted) {
		pr_err("missing symbol current_chrooted\n");
		return -ENOENT;
	}
	return 0;
}

void cg_hooks_exit(void)
{
	/* No new callback, redirect or slow-path entry after this. */
	if (cg_ops_registered) {
		unregister_ftrace_function(&cg_ops);
		cg_ops_registered = false;
	}
	ftrace_free_filter(&cg_ops);
	/*
	 * A slow wrapper may sit in an original for a long time (a vfork
	 * parent waits for its child). Wait for each to come back out...
	 */
	while (atomic_long_read(&cg_inflight))
		schedule_timeout_interruptible(msecs_to_jiffies(10));
	/*
	 * ...and for every task to pass a voluntary schedule, so none is
	 * still between a stub's or wrapper's last instruction and its return.
	 */
	synchronize_rcu_tasks();
}

int cg_hooks_init(void)
{
	char buf[KSYM_NAME_LEN];
	int i, ret;

	ret = cg_resolve();
	if (ret)
		return ret;
	for (i = 0; i < ARRAY_SIZE(cg_hooks); i++) {
		strscpy(buf, cg_hooks[i].symbol, sizeof(buf));
		ret = ftrace_set_filter(&cg_ops, buf, strlen(buf), i == 0);
		if (ret) {
			pr_err("cannot hook %s: not traceable (%d)\n", cg_hooks[i].symbol, ret);
			ftrace_free_filter(&cg_ops);
			return ret;
		}
	}
	ret = register_ftrace_function(&cg_ops);
	if (ret) {
		pr_err("cannot attach to ftrace (%d; another IPMODIFY user such as a livepatch?)\n",
		       ret);
		ftrace_free_filter(&cg_ops);
		return ret;
	}
	cg_ops_registered = true;
	return 0;
}
