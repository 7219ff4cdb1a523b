// SPDX-License-Identifier: GPL-2.0
/*
 * The namespaces a setns() through a pidfd would join, read from the target
 * task as Linux's validate_nsset() reads them: the user namespace of its
 * credentials, its active pid namespace, and the rest from its nsproxy. The
 * rule engine checks them in gVisor's order (policy.c) while this file holds
 * the target's task_lock(), a spinlock: that keeps the nsproxy, and with it
 * every namespace and its owner, from being released under the checks, and
 * nothing here sleeps, so it runs inside an ftrace callback. The credentials
 * and the pid namespace are RCU-protected, as the caller's rcu_read_lock()
 * covers.
 *
 * The one namespace the module cannot read through a kernel interface is
 * the mount namespace: struct mnt_namespace is private to fs/ (fs/mount.h),
 * and the way from a task to its ns_common (the namespace operations'
 * get(), reached through an nsfs file) takes a reference whose release may
 * sleep. At load, where sleeping is fine, the module opens
 * /proc/self/ns/mnt for the mount namespace operations, asks them for the
 * loading task's own namespace (get(current), put() at once), and measures
 * where that ns_common lies inside the struct mnt_namespace its nsproxy
 * points to. Afterwards it only reads: the operations found at that offset
 * are checked before the owner is asked, so a kernel laid out otherwise is
 * noticed, not misread. If the file cannot be opened (no /proc in the
 * loader's view), the owner stays unknown: S5 on the pidfd path is left to
 * Linux (S6 needs no owner), and the load says so.
 */
#include <linux/cgroup.h>
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/ipc_namespace.h>
#include <linux/magic.h>
#include <linux/nsproxy.h>
#include <linux/pid_namespace.h>
#include <linux/proc_ns.h>
#include <linux/sched/task.h>
#include <linux/utsname.h>
#include <net/net_namespace.h>

#include "clonegate.h"

/* Where struct mnt_namespace keeps its ns_common; -1: not known. */
static long cg_mntns_offset = -1;
static const struct proc_ns_operations *cg_mntns_ops;

/* The ns_common sits in the struct's first page, pointer-aligned. */
#define CG_MNTNS_OFFSET_MAX	(PAGE_SIZE - sizeof(struct ns_common))

void cg_task_ns_init(void)
{
	struct mnt_namespace *mine = current->nsproxy->mnt_ns;
	const struct proc_ns_operations *ops;
	struct ns_common *ns;
	struct file *file;
	long off;

	file = filp_open("/proc/self/ns/mnt", O_RDONLY, 0);
	if (IS_ERR(file)) {
		pr_warn("cannot open /proc/self/ns/mnt (%ld): S5 of a pidfd setns is left to Linux\n",
			PTR_ERR(file));
		return;
	}
	ops = NULL;
	if (file_inode(file)->i_sb->s_magic == NSFS_MAGIC)
		ops = get_proc_ns(file_inode(file))->ops;
	filp_close(file, NULL);
	if (!ops || ops->type != CLONE_NEWNS)
		goto bad;
	/* This task's own mount namespace, whatever the file was. */
	ns = ops->get(current);
	if (!ns)
		goto bad;
	off = (long)((char *)ns - (char *)mine);
	ops->put(ns);
	if (off < 0 || off > CG_MNTNS_OFFSET_MAX || off % sizeof(void *))
		goto bad;
	cg_mntns_offset = off;
	cg_mntns_ops = ops;
	return;
bad:
	pr_warn("/proc/self/ns/mnt gives no mount namespace operations: S5 of a pidfd setns is left to Linux\n");
}

/* The owner of @t's mount namespace, or NULL when the layout is unknown. */
static struct user_namespace *cg_mntns_owner(struct mnt_namespace *mnt)
{
	struct ns_common *ns;

	if (cg_mntns_offset < 0)
		return NULL;
	ns = (struct ns_common *)((char *)mnt + cg_mntns_offset);
	if (ns->ops != cg_mntns_ops)
		return NULL;
	/* mntns_owner(): its address is in the operations, so IBT lets it be called. */
	return ns->ops->owner(ns);
}

/*
 * Lock @t and read the namespaces a pidfd join takes from it. Returns false
 * (and leaves @t unlocked) when it has released them (H15's window).
 */
bool cg_task_ns_lock(struct task_struct *t, struct cg_task_ns *ns)
{
	struct nsproxy *nsp;

	task_lock(t);
	nsp = t->nsproxy;
	if (!nsp) {
		task_unlock(t);
		return false;
	}
	ns->user = __task_cred(t)->user_ns;
	ns->pid = task_active_pid_ns(t);
	ns->net_owner = nsp->net_ns->user_ns;
	ns->uts_owner = nsp->uts_ns->user_ns;
	ns->ipc_owner = nsp->ipc_ns->user_ns;
	ns->cgroup_owner = nsp->cgroup_ns->user_ns;
	ns->mnt_owner = cg_mntns_owner(nsp->mnt_ns);
	return true;
}

void cg_task_ns_unlock(struct task_struct *t)
{
	task_unlock(t);
}
