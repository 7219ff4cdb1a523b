// SPDX-License-Identifier: GPL-2.0
/*
 * Hooks: turn each entry point's arguments into one cg_request, ask the
 * rule engine, act on the verdict.
 *
 * Mechanism: one ftrace_ops per hooked kernel function, attached by name
 * (ftrace_set_filter), with SAVE_REGS|IPMODIFY. The callback runs at the
 * function's fentry, before its body, with preemption disabled, never
 * sleeps, and may
 *   - refuse: point regs->ip at a module stub that returns -errno, so the
 *     original body never runs; the trampoline reaches the stub with a
 *     `ret`, not an indirect call;
 *   - rewrite an argument (unshare's dropped bits): change regs->di.
 * The module never looks a kernel symbol up and never calls a kernel
 * function through a pointer: on CPUs with IBT, objtool seals every
 * function whose address the kernel never takes, and an indirect call into
 * one is a #CP oops (qemu TCG has no CET, so no guest test could show it).
 * Each hook knows its function from its own ftrace_ops, so no address is
 * needed; the only other attachments are kretprobes (by name, probes.c).
 *
 * Where the decision is taken (TOCTOU):
 *   kernel_clone()        the kernel's own copy of every clone, clone3, fork
 *                         and vfork, on both ABIs: the authoritative check.
 *   __{x64,ia32}_sys_clone3  only clone3's size (a register) and a no-fault
 *                         preview of the user struct, so a caller that does
 *                         not race gets gVisor's errno where Linux would fail
 *                         earlier with another one (set_tid). The preview never
 *                         allows anything kernel_clone() then refuses. If the
 *                         preview faults (a page not mapped yet), the call
 *                         goes to a stub that faults the struct in and has
 *                         the call restarted, once (cg_clone3_fault_in()):
 *                         no return probe, so an ordinary clone3 pays for
 *                         nothing but the preview. A call audited at the
 *                         entry is marked (clone3_mark.c), so that
 *                         kernel_clone() does not record it a second time.
 *   ksys_unshare()        flags are a register value; the rewrite happens on
 *                         the kernel's argument, never in user registers.
 *   __{x64,ia32}_sys_setns  S1..S6 on a reference we take ourselves; a
 *                         concurrent dup2() cannot sneak in a refused
 *                         namespace type because {user,pid,cgroup,time}ns_install
 *                         and pidfd_pid (in setns) refuse again on the
 *                         kernel's own object.
 *   pidns_install()       a pid namespace join in progress, remembered until
 *                         setns returns (a kretprobe on the setns wrappers)
 *                         for C5.setns and C6.setns (pidns_joined.c).
 *   create_user_ns()      (kretprobe) "is the caller chrooted?" (C10, U3)
 *                         cannot be answered without sleeping (path
 *                         references) or calling a function the kernel does
 *                         not export. Linux refuses a chrooted caller itself,
 *                         with gVisor's errno (EPERM); the probe sees that
 *                         refusal and records it under C10/U3 (probes.c).
 *
 * Optional hooks: only kernel_clone() is required. A kernel without ia32
 * emulation or time namespaces (or one that renamed a function) loads the
 * module with those entry points uncovered; dmesg, the module parameter
 * "coverage" and `clonegate status` say which.
 *
 * Unload: see cg_hooks_exit().
 *
 * Kernel threads and user-mode helpers (PF_KTHREAD, or kernel_clone() with a
 * thread function) are never policed.
 */
#ifndef CONFIG_X86_64
#error "clonegate supports x86-64 only (its hooks read x86-64 and ia32 syscall registers)"
#endif

#include <linux/compat.h>
#include <linux/delay.h>
#include <linux/errno.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/ftrace.h>
#include <linux/magic.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/nsproxy.h>
#include <linux/pagemap.h>
#include <linux/pid_namespace.h>
#include <linux/proc_fs.h>
#include <linux/proc_ns.h>
#include <linux/ratelimit.h>
#include <linux/sched/task.h>
#include <linux/string_helpers.h>
#include <linux/uidgid.h>
#include <linux/user_namespace.h>

#include "clonegate.h"
#include "cg_trace.h"

/* pidfs (Linux 6.9 and later) holds every pidfd; older kernels: anon inodes. */
#ifndef PID_FS_MAGIC
#define PID_FS_MAGIC	0x50494446
#endif

DEFINE_PER_CPU(struct cg_stats, cg_stats);

/* ---- refusal stubs: reached by `ret` from the ftrace trampoline -------- */

/* One per errno a profile may give (cg_profile_errnos[], tables.h). */
static noinline long cg_ret_eperm(void)	{ return -EPERM; }
static noinline long cg_ret_enoent(void)	{ return -ENOENT; }
static noinline long cg_ret_esrch(void)	{ return -ESRCH; }
static noinline long cg_ret_ebadf(void)	{ return -EBADF; }
static noinline long cg_ret_eagain(void)	{ return -EAGAIN; }
static noinline long cg_ret_enomem(void)	{ return -ENOMEM; }
static noinline long cg_ret_eacces(void)	{ return -EACCES; }
static noinline long cg_ret_efault(void)	{ return -EFAULT; }
static noinline long cg_ret_einval(void)	{ return -EINVAL; }
static noinline long cg_ret_enospc(void)	{ return -ENOSPC; }
static noinline long cg_ret_enosys(void)	{ return -ENOSYS; }
static noinline long cg_ret_eusers(void)	{ return -EUSERS; }
static noinline long cg_ret_enotsup(void)	{ return -EOPNOTSUPP; }
static noinline long cg_ret_e2big(void)	{ return -E2BIG; }

/*
 * clone3 whose struct the entry could not read (a page not mapped yet):
 * fault it in, as Linux's own copy would, and have the call restarted, so
 * that the entry reads it this time and gives gVisor's answer even where
 * Linux would refuse first. The stub is the syscall's body (reached like
 * the others, its argument the user's registers as the syscall's wrapper
 * gets them): it may sleep. -ERESTARTNOINTR with TIF_NOTIFY_SIGNAL set is
 * how the kernel restarts a call with no signal pending (get_signal()
 * clears the flag; a signal that does arrive is handled, then the call
 * restarts): the registers are as the caller left them. One retry per
 * call: if the entry still cannot read the struct, Linux proceeds
 * (CG_CLONE3_RETRIED, clone3_mark.c).
 */
static noinline long cg_clone3_fault_in(const struct pt_regs *uregs)
{
	bool ia32 = in_ia32_syscall();
	unsigned long uargs = ia32 ? uregs->bx : uregs->di;
	unsigned long size = ia32 ? uregs->cx : uregs->si;

	fault_in_readable((const char __user *)uargs, size);
	set_tsk_thread_flag(current, TIF_NOTIFY_SIGNAL);
	return -ERESTARTNOINTR;
}

/*
 * The stub returning -@err. LOAD took only cg_profile_errnos[], each of
 * which has a case here; EINVAL stands for any other (none).
 */
static unsigned long cg_stub(int err)
{
	switch (err) {
	case EPERM:
		return (unsigned long)cg_ret_eperm;
	case ENOENT:
		return (unsigned long)cg_ret_enoent;
	case ESRCH:
		return (unsigned long)cg_ret_esrch;
	case EBADF:
		return (unsigned long)cg_ret_ebadf;
	case EAGAIN:
		return (unsigned long)cg_ret_eagain;
	case ENOMEM:
		return (unsigned long)cg_ret_enomem;
	case EACCES:
		return (unsigned long)cg_ret_eacces;
	case EFAULT:
		return (unsigned long)cg_ret_efault;
	case ENOSPC:
		return (unsigned long)cg_ret_enospc;
	case ENOSYS:
		return (unsigned long)cg_ret_enosys;
	case EUSERS:
		return (unsigned long)cg_ret_eusers;
	case EOPNOTSUPP:
		return (unsigned long)cg_ret_enotsup;
	case E2BIG:
		return (unsigned long)cg_ret_e2big;
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
	int err = cg_profile_errno(scope->def, rule);
	/* TASK_COMM_LEN bytes, each at most 4 as an octal escape, and a NUL. */
	char comm[TASK_COMM_LEN], comm_esc[4 * TASK_COMM_LEN + 1];
	const char *action;
	int n;

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
	trace_clonegate_decision(rq->entry, rule, mode, err, rq->flags,
				 scope->cgid, scope->profile);
	if (!__ratelimit(&cg_log_rs))
		return;
	/*
	 * comm is the task's to choose: everything but printable ASCII, and
	 * the quote and backslash too, becomes an octal escape (\ooo, as the
	 * kernel's own %pE does), so a name cannot end the field or forge a
	 * line.
	 */
	get_task_comm(comm, current);
	n = string_escape_str(comm, comm_esc, sizeof(comm_esc) - 1,
			      ESCAPE_OCTAL | ESCAPE_NAP | ESCAPE_APPEND, "\"\\");
	comm_esc[min_t(int, n, sizeof(comm_esc) - 1)] = '\0';
	pr_info("%s entry=%s rule=%s errno=%d flags=0x%llx pid=%d uid=%u comm=\"%s\" profile=%s scope=%s:%llu\n",
		action, cg_entry_names[rq->entry], rd->name, err,
		rq->flags, task_pid_nr(current),
		from_kuid(&init_user_ns, current_uid()), comm_esc,
		scope->def->name,
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
		regs->ip = cg_stub(cg_profile_errno(s->def, rule));
}

/* ---- kernel_clone(): clone, clone3, fork, vfork on every ABI ----------- */

static void cg_on_kernel_clone(unsigned long ip, unsigned long parent_ip,
			       struct ftrace_ops *ops, struct ftrace_regs *fregs)
{
	struct pt_regs *regs = ftrace_get_regs(fregs);
	struct kernel_clone_args *args = (struct kernel_clone_args *)regs->di;
	const struct cg_scope *s;
	struct cg_request rq;
	enum cg_clone3_mark_state mark;
	int rule;

	/* Kernel threads and user-mode helpers. */
	if ((current->flags & PF_KTHREAD) || args->fn)
		return;

	rcu_read_lock();
	s = cg_scope_of_current();
	if (!s)
		goto out;
	rq = (struct cg_request){
		.entry = cg_clone_entry(),
		.flags = args->flags,
		.exit_signal = args->exit_signal,
		.set_tid = args->set_tid_size > 0,
	};
	if (!cg_is_clone3(rq.entry))
		cg_checked(s, rq.entry);
	rule = cg_decide_clone(s->def, &rq, CG_RULE_MAX);
	/* In audit mode, one clone3 call is recorded once (clone3_mark.c). */
	mark = cg_is_clone3(rq.entry) ? cg_clone3_mark_take() : CG_CLONE3_NONE;
	if (rule > CG_RULE_NONE && !(mark == CG_CLONE3_RECORDED && s->mode == CG_MODE_AUDIT))
		cg_verdict(regs, s, &rq, rule);
out:
	rcu_read_unlock();
}

/* ---- clone3 entry: size and an errno preview --------------------------- */

static void cg_on_clone3(struct pt_regs *regs, bool ia32)
{
	const struct pt_regs *uregs = (const struct pt_regs *)regs->di;
	struct cg_request rq = {
		.entry = ia32 ? CG_ENTRY_IA32_CLONE3 : CG_ENTRY_CLONE3,
		.clone3_size = ia32 ? uregs->cx : uregs->si,
	};
	const struct cg_scope *s;
	int rule;

	rcu_read_lock();
	s = cg_scope_of_current();
	if (!s) {
		/* A mark an earlier call left (Linux refused it first) goes now. */
		cg_clone3_mark_take();
		goto out;
	}
	cg_clone3_preview(&rq, ia32 ? uregs->bx : uregs->di);
	/* A fault: fault the struct in and restart, once (cg_clone3_fault_in()). */
	if (rq.preview_faulted && cg_clone3_mark_take() != CG_CLONE3_RETRIED) {
		cg_clone3_mark_set(CG_CLONE3_RETRIED);
		regs->ip = (unsigned long)cg_clone3_fault_in;
		goto out;
	}
	/* clone3 is counted here, once, whether or not Linux reaches kernel_clone(). */
	cg_checked(s, rq.entry);
	rule = cg_decide_clone3_entry(s->def, &rq);
	if (rule > CG_RULE_NONE)
		cg_verdict(regs, s, &rq, rule);
	/* In audit mode, kernel_clone() must not record this call again. */
	if (rule > CG_RULE_NONE && s->mode == CG_MODE_AUDIT)
		cg_clone3_mark_set(CG_CLONE3_RECORDED);
	else
		cg_clone3_mark_take();
out:
	rcu_read_unlock();
}

static void cg_on_x64_clone3(unsigned long ip, unsigned long parent_ip,
			     struct ftrace_ops *ops, struct ftrace_regs *fregs)
{
	cg_on_clone3(ftrace_get_regs(fregs), false);
}

static void cg_on_ia32_clone3(unsigned long ip, unsigned long parent_ip,
			      struct ftrace_ops *ops, struct ftrace_regs *fregs)
{
	cg_on_clone3(ftrace_get_regs(fregs), true);
}

/* ---- unshare ------------------------------------------------------------ */

static void cg_on_ksys_unshare(unsigned long ip, unsigned long parent_ip,
			       struct ftrace_ops *ops, struct ftrace_regs *fregs)
{
	struct pt_regs *regs = ftrace_get_regs(fregs);
	const struct cg_scope *s;
	struct cg_request rq;
	u64 drop;
	int rule;

	if (current->flags & PF_KTHREAD)
		return;

	rcu_read_lock();
	s = cg_scope_of_current();
	if (!s)
		goto out;
	rq = (struct cg_request){ .entry = cg_unshare_entry(), .flags = regs->di };
	cg_checked(s, rq.entry);
	rule = cg_decide_unshare(s->def, &rq);
	if (rule > CG_RULE_NONE) {
		cg_verdict(regs, s, &rq, rule);
		goto out;
	}
	/* The bits the profile ignores: the host must never act on them. */
	drop = cg_unshare_dropped_bits(s->def, rq.flags);
	if (drop) {
		cg_record(s, &rq, CG_RULE_UDROP, s->mode);
		if (s->mode == CG_MODE_ENFORCE)
			regs->di = rq.flags & ~drop;
	}
out:
	rcu_read_unlock();
}

/* ---- setns -------------------------------------------------------------- */

/*
 * Is @file a pidfd? On pidfs (6.9 and later) every file is one; before, a
 * pidfd is the anonymous inode file named "[pidfd]" (pidfd_create()). Only
 * the errno and the count depend on this: inside setns(), pidfd_pid()
 * decides on the kernel's own object (cg_on_pidfd_pid()). Its struct pid is
 * where pidfd_pid() finds it: the pidfs inode's i_private, or the anon
 * inode file's private_data (pidfd_pid() itself is not exported).
 */
static struct pid *cg_file_pidfd_pid(struct file *file)
{
	unsigned long magic = file_inode(file)->i_sb->s_magic;

	if (magic == PID_FS_MAGIC)
		return file_inode(file)->i_private;
	if (magic == ANON_INODE_FS_MAGIC &&
	    !strcmp(file->f_path.dentry->d_name.name, "[pidfd]"))
		return file->private_data;
	return NULL;
}

/* /proc/<pid>/task/<tid>/ns/<type> is the deepest place a task's files need. */
#define CG_PROC_DEPTH	8

/*
 * A procfs file: is it under a task's /proc/<pid> directory, and is it that
 * directory or a /proc/<pid>/task/<tid> one (gVisor's taskFromProcPIDFD)?
 * procfs keeps a task's struct pid in its private inode (PROC_I(), not a
 * kernel interface), so the task is found by name, as a path lookup would:
 * the number in the directory's name, in the pid namespace of this procfs
 * instance. The file pins its dentry and so every ancestor; procfs never
 * renames a task's directories. A dead task whose number was reused since
 * is taken for the new task (docs/policy.md 7.5).
 */
static void cg_setns_proc(struct cg_request *rq, struct file *file)
{
	struct dentry *d = file->f_path.dentry, *root = d->d_sb->s_root;
	struct dentry *top = d, *up;
	struct pid *pid;
	int depth = 0, nr;

	for (up = READ_ONCE(top->d_parent); up != root; up = READ_ONCE(top->d_parent)) {
		if (up == top || ++depth > CG_PROC_DEPTH)
			return;
		top = up;
	}
	if (top == root || kstrtoint(top->d_name.name, 10, &nr) || nr <= 0)
		return;		/* not under a task's directory */
	if (d != top) {
		up = READ_ONCE(d->d_parent);
		if (depth != 2 || strcmp(up->d_name.name, "task") ||
		    kstrtoint(d->d_name.name, 10, &nr) || nr <= 0 ||
		    !S_ISDIR(file_inode(file)->i_mode)) {
			rq->ns_proc_file = true;
			return;
		}
	}
	rq->ns_proc_dir = true;
	pid = find_pid_ns(nr, proc_pid_ns(d->d_sb));
	rq->ns_task = pid ? pid_task(pid, PIDTYPE_PID) : NULL;
}

/*
 * What the fd is: S2's type, the owner (S4, S5, H17a, H18), the target (H16,
 * H17b); for a pidfd or a task's /proc directory, the task (H12-H15; the
 * rule engine reads its namespaces itself, under its task_lock: task_ns.c).
 */
static void cg_setns_target(struct cg_request *rq, struct file *file)
{
	struct inode *inode = file_inode(file);
	struct ns_common *ns;
	struct pid *pid;

	rq->ns_file_open = true;
	if (inode->i_sb->s_magic == PROC_SUPER_MAGIC) {
		cg_setns_proc(rq, file);
		return;
	}
	if (inode->i_sb->s_magic != NSFS_MAGIC) {
		pid = cg_file_pidfd_pid(file);
		rq->ns_pidfd = pid != NULL;
		if (pid)
			rq->ns_task = pid_task(pid, PIDTYPE_PID);
		return;
	}
	ns = get_proc_ns(inode);
	rq->ns_type = ns->ops->type;
	rq->ns_owner = ns->ops->owner(ns);
	if (rq->ns_type == CG_CLONE_NEWUSER)
		rq->ns_user = container_of(ns, struct user_namespace, ns);
	else if (rq->ns_type == CG_CLONE_NEWPID)
		rq->ns_pid = container_of(ns, struct pid_namespace, ns);
}

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
	if (file)
		cg_setns_target(&rq, file);
	/*
	 * The namespace, its owner and (pid) its ancestors are pinned by the
	 * file until fput(); a pidfd's task (which may be gone) by RCU.
	 */
	rule = cg_decide_setns(s->def, &rq);
	if (file)
		fput(file);
	if (rule > CG_RULE_NONE)
		cg_verdict(regs, s, &rq, rule);
out:
	rcu_read_unlock();
}

static void cg_on_x64_setns(unsigned long ip, unsigned long parent_ip,
			    struct ftrace_ops *ops, struct ftrace_regs *fregs)
{
	cg_on_setns(ftrace_get_regs(fregs), false);
}

static void cg_on_ia32_setns(unsigned long ip, unsigned long parent_ip,
			     struct ftrace_ops *ops, struct ftrace_regs *fregs)
{
	cg_on_setns(ftrace_get_regs(fregs), true);
}

/*
 * The kernel's own objects inside setns(): refuse a namespace type (or a
 * pidfd, type 0) the profile does not allow even if the fd was swapped after
 * the entry check. Enforce mode only: in audit mode the entry already
 * recorded the call, and Linux answers.
 */
static void cg_refuse_ns_type(struct pt_regs *regs, u64 type)
{
	const struct cg_scope *s;
	struct cg_request rq;
	int rule;

	if (current->flags & PF_KTHREAD)
		return;
	rcu_read_lock();
	s = cg_scope_of_current();
	if (!s || s->mode != CG_MODE_ENFORCE)
		goto out;
	rq = (struct cg_request){
		.entry = in_ia32_syscall() ? CG_ENTRY_IA32_SETNS : CG_ENTRY_SETNS,
		.ns_type = type, .ns_file_open = true,
	};
	rule = cg_decide_ns_install(s->def, &rq);
	if (rule > CG_RULE_NONE)
		cg_verdict(regs, s, &rq, rule);
out:
	rcu_read_unlock();
}

#define CG_NS_INSTALL_HOOK(fn, type)						\
static void cg_on_##fn(unsigned long ip, unsigned long parent_ip,		\
		       struct ftrace_ops *ops, struct ftrace_regs *fregs)	\
{										\
	cg_refuse_ns_type(ftrace_get_regs(fregs), type);			\
}
CG_NS_INSTALL_HOOK(userns_install, CG_CLONE_NEWUSER)
CG_NS_INSTALL_HOOK(cgroupns_install, CG_CLONE_NEWCGROUP)
CG_NS_INSTALL_HOOK(timens_install, CG_CLONE_NEWTIME)

/* Is put_nsset() hooked? Then, and only then, are pid ns joins tracked. */
static bool cg_put_nsset_hooked;

/*
 * pidns_install(): S2 again, and setns is about to join a pid namespace
 * (a file, or a pidfd with CLONE_NEWPID): remember it for C5.setns and
 * C6.setns until the call ends, at put_nsset() (pidns_joined.c).
 */
static void cg_on_pidns_install(unsigned long ip, unsigned long parent_ip,
				struct ftrace_ops *ops, struct ftrace_regs *fregs)
{
	cg_refuse_ns_type(ftrace_get_regs(fregs), CG_CLONE_NEWPID);
	if ((current->flags & PF_KTHREAD) || !cg_in_setns() || !READ_ONCE(cg_put_nsset_hooked))
		return;
	rcu_read_lock();
	cg_pidns_join_begin();
	rcu_read_unlock();
}

/*
 * put_nsset(): the end of every setns() that got as far as installing
 * namespaces, joined or not. commit_nsset() hands nsset->nsproxy over to
 * the task and clears it, and nothing else does: a NULL nsproxy here means
 * the call joined. (An ftrace hook at the end of the call, not a return
 * probe on setns itself: that cost every setns two trampolines.)
 */
static void cg_on_put_nsset(unsigned long ip, unsigned long parent_ip,
			    struct ftrace_ops *ops, struct ftrace_regs *fregs)
{
	struct pt_regs *regs = ftrace_get_regs(fregs);
	const struct nsset *nsset = (const struct nsset *)regs_get_kernel_argument(regs, 0);

	if (current->flags & PF_KTHREAD)
		return;
	cg_pidns_join_end(!READ_ONCE(nsset->nsproxy));
}

/* pidfd_pid() is how setns() recognises a pidfd; elsewhere leave it alone. */
static void cg_on_pidfd_pid(unsigned long ip, unsigned long parent_ip,
			    struct ftrace_ops *ops, struct ftrace_regs *fregs)
{
	if (cg_in_setns())
		cg_refuse_ns_type(ftrace_get_regs(fregs), 0);
}

/* ---- registration -------------------------------------------------------- */

/*
 * One ftrace_ops per hook: the callback is the hook's own function, so no
 * address is ever needed. Each registration patches its function's fentry
 * and waits for its own grace periods: load and unload cost one RCU-tasks
 * grace period per hook instead of one in all, in exchange for no symbol
 * lookup at all. (A hooked call pays nothing more: a function with one ops
 * calls it directly from its own trampoline.)
 */
struct cg_hook {
	const char *symbol;
	const char *covers;	/* what is lost without it, for the coverage report */
	bool core;		/* the module refuses to load without it */
	bool filtered;		/* ops holds a filter: free it once, and only once */
	bool attached;
	struct ftrace_ops ops;
};

/* RECURSION: ftrace guards the callback and runs it with preemption off. */
#define CG_HOOK(sym, fn, what, is_core) {					\
	.symbol = sym, .covers = what, .core = is_core,				\
	.ops = { .func = fn, .flags = FTRACE_OPS_FL_SAVE_REGS |			\
			FTRACE_OPS_FL_IPMODIFY | FTRACE_OPS_FL_RECURSION },	\
}

static struct cg_hook cg_hooks[] = {
	CG_HOOK("kernel_clone", cg_on_kernel_clone,
		"clone, fork, vfork and clone3 on both ABIs", true),
	CG_HOOK("__x64_sys_clone3", cg_on_x64_clone3, "clone3: A1 and gVisor's errno order", false),
	CG_HOOK("ksys_unshare", cg_on_ksys_unshare, "unshare, ia32_unshare", false),
	CG_HOOK("__x64_sys_setns", cg_on_x64_setns, "setns", false),
	CG_HOOK("__ia32_sys_clone3", cg_on_ia32_clone3,
		"ia32_clone3: A1 and gVisor's errno order", false),
	CG_HOOK("__ia32_sys_setns", cg_on_ia32_setns, "ia32_setns", false),
	CG_HOOK("userns_install", cg_on_userns_install, "setns: S2 re-check (user)", false),
	CG_HOOK("pidns_install", cg_on_pidns_install,
		"setns: S2 re-check (pid); pid ns joins (C5.setns, C6.setns)", false),
	CG_HOOK("cgroupns_install", cg_on_cgroupns_install, "setns: S2 re-check (cgroup)", false),
	CG_HOOK("timens_install", cg_on_timens_install, "setns: S2 re-check (time)", false),
	CG_HOOK("pidfd_pid", cg_on_pidfd_pid, "setns: S2 re-check (pidfd)", false),
	CG_HOOK("put_nsset", cg_on_put_nsset, "setns: pid ns joins (C5.setns, C6.setns)", false),
};

/*
 * The coverage report, /sys/module/clonegate/parameters/coverage: one line
 * per hook, "yes|no SYMBOL: WHAT", then one per kretprobe.
 */
static int cg_coverage_get(char *buf, const struct kernel_param *kp)
{
	int i, n = 0;

	for (i = 0; i < ARRAY_SIZE(cg_hooks); i++)
		n += sysfs_emit_at(buf, n, "%s %s: %s\n", cg_hooks[i].attached ? "yes" : "no",
				   cg_hooks[i].symbol, cg_hooks[i].covers);
	return cg_probes_coverage(buf, n);
}

static const struct kernel_param_ops cg_coverage_ops = { .get = cg_coverage_get };
module_param_cb(coverage, &cg_coverage_ops, NULL, 0444);
MODULE_PARM_DESC(coverage, "which kernel functions are hooked, and what each covers");

/*
 * ftrace_free_filter() frees the filter's hashes and leaves the ops
 * pointing at them: a second call is a double free. A hook whose attach
 * failed has freed its filter already, and the unload must not again.
 */
static void cg_hook_free_filter(struct cg_hook *h)
{
	if (!h->filtered)
		return;
	ftrace_free_filter(&h->ops);
	h->filtered = false;
}

/*
 * Unload. After unregister_ftrace_function() returns, no callback runs and
 * none will (ftrace waits for callbacks in progress: they run with
 * preemption off). What may remain is a task that a callback redirected to
 * a refusal stub and that was preempted before the stub's `ret`: it has
 * module text on its stack until it runs again. Such a task is not in a
 * quiescent state for RCU-tasks (only a voluntary switch, user mode or idle
 * are), so synchronize_rcu_tasks() waits until every one has left. Nothing
 * else of ours is ever on a task's stack: no hook sleeps or calls back into
 * the kernel function it hooks. The kretprobes: see cg_probes_exit().
 * Both waits are bounded by the time tasks take to pass through a
 * scheduling point, not by anything a task can hold on to, and neither is
 * interrupted by a signal.
 */
void cg_hooks_exit(void)
{
	int i;

	cg_probes_exit();
	for (i = 0; i < ARRAY_SIZE(cg_hooks); i++) {
		if (cg_hooks[i].attached) {
			unregister_ftrace_function(&cg_hooks[i].ops);
			cg_hooks[i].attached = false;
		}
		cg_hook_free_filter(&cg_hooks[i]);
	}
	synchronize_rcu_tasks();
}

/*
 * register_ftrace_function() says EAGAIN when the function also has a BPF
 * trampoline (fentry, as the BPF backend's on kernel_clone) that is being
 * changed just then: sharing it with an IPMODIFY user needs the
 * trampoline's lock, which ftrace may only try. The kernel expects the
 * caller to try again; so do we, a bounded number of times.
 */
#define CG_HOOK_TRIES		50
#define CG_HOOK_RETRY_MS	10

static int cg_hook_attach(struct cg_hook *h)
{
	char buf[KSYM_NAME_LEN];
	int ret, tries = 0;

	/* ftrace_set_filter() may edit the string it parses. */
	strscpy(buf, h->symbol, sizeof(buf));
	ret = ftrace_set_filter(&h->ops, buf, strlen(buf), 1);
	if (ret)
		return ret;
	h->filtered = true;
	while ((ret = register_ftrace_function(&h->ops)) == -EAGAIN && ++tries < CG_HOOK_TRIES)
		msleep(CG_HOOK_RETRY_MS);
	if (ret) {
		cg_hook_free_filter(h);
		return ret;
	}
	if (tries)
		pr_info("%s hooked after %d tries (a BPF trampoline on it was changing)\n",
			h->symbol, tries + 1);
	h->attached = true;
	return 0;
}

int cg_hooks_init(void)
{
	int i, ret, missing = 0;

	for (i = 0; i < ARRAY_SIZE(cg_hooks); i++) {
		struct cg_hook *h = &cg_hooks[i];

		ret = cg_hook_attach(h);
		if (!ret)
			continue;
		if (h->core) {
			pr_err("cannot hook %s (%d): %s\n", h->symbol, ret,
			       ret == -EBUSY ? "another IPMODIFY user, such as a livepatch?" :
			       "not in this kernel, or not traceable");
			cg_hooks_exit();
			return ret;
		}
		pr_warn("not covered: %s (cannot hook %s: %d)\n", h->covers, h->symbol, ret);
		missing++;
	}
	/* The last hook: pidns_install() starts tracking joins once this is in. */
	WRITE_ONCE(cg_put_nsset_hooked, cg_hooks[ARRAY_SIZE(cg_hooks) - 1].attached);
	missing += cg_probes_init();
	pr_info("%s (see /sys/module/clonegate/parameters/coverage)\n",
		missing ? "some entry points are not covered" : "every entry point is covered");
	return 0;
}
