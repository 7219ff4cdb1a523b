// SPDX-License-Identifier: GPL-2.0
/*
 * "This task joined a pid namespace": gvisor-head's sticky state for C5.setns
 * and C6.setns.
 *
 * gVisor (3c5eee17d) sets a task's for-children pid namespace on every
 * successful setns into a pid namespace, through a namespace file or a pidfd
 * with CLONE_NEWPID, and then refuses CLONE_THREAD (C5) and CLONE_NEWPID
 * (C6) for the rest of that task's life, even when the namespace joined was
 * its own active one. Linux then allows both (its pid_ns_for_children equals
 * the active namespace again), so the kernel keeps no trace of the join and
 * the module must. The state is per thread, as gVisor's is, and a child
 * never inherits it. A task that leaves its scope keeps it (it is the
 * task's state, not the scope's); it is acted on only while the task's
 * scope has the rules, and set only while it has them (never under `off`).
 *
 * How a join is seen (all in atomic context, nothing sleeps):
 *   pidns_install() entry (ftrace, hooks.c): the kernel is about to join a
 *     pid namespace in this setns (both the file and the pidfd path come
 *     here, on the kernel's own object, so a dup2() race cannot fool it):
 *     cg_pidns_join_begin() marks the task's slot "pending";
 *   put_nsset() entry (ftrace, hooks.c): the end of that same setns, which
 *     every call that reached pidns_install() passes, and the first point
 *     where success is known (commit_nsset() has cleared nsset->nsproxy).
 *     cg_pidns_join_end() turns the pending mark into "joined" if the call
 *     joined, and drops it otherwise. Joins are tracked only while both
 *     hooks are in.
 *
 * Storage: the module cannot add a field to task_struct, so the state is a
 * fixed table of CG_PJ_SLOTS slots keyed by the thread's struct pid, with a
 * reference held (get_pid() at claim, put_pid() at release): that struct
 * cannot be freed and reused while a slot names it, so a reused
 * task_struct or pid number never matches an old slot. A task looks in a
 * window of CG_PJ_WINDOW slots from the hash of its struct pid, so a
 * lookup costs at most that many pointer compares, and one atomic read
 * while the table is empty.
 *
 * Locking: the clone path reads lock-free, comparing pointers only, and
 * only the task itself reads or changes its own slot's state. Claiming and
 * releasing slots (setns only, which is rare) run under one raw spinlock.
 *
 * Reclaiming: a slot whose task is gone (pid_task() is NULL: the thread was
 * reaped) may hold the last reference to its struct pid, and dropping that
 * frees memory, which a probe or hook may not do on PREEMPT_RT (preemption
 * is off there). So a claim that meets such a slot skips it and kicks a
 * work item, which takes every such slot back and drops the references in
 * process context. (A slot dropped in a probe is always current's own: the
 * task holds its struct pid, so that put never frees.)
 *
 * Trade-offs: a join is not recorded when its task's window has no free
 * slot at that moment (CG_PJ_WINDOW live tasks that joined a pid
 * namespace, or dead ones the work item has not taken back yet): the task
 * keeps Linux's answer (never a wrong refusal), the kernel log says so
 * (rate-limited) and the module parameter pidns_joined counts it. A zombie
 * keeps its slot until reaped. A thread that execs from a non-leader takes
 * over its leader's struct pid, and with it the leader's state rather than
 * its own. 24 KiB of memory, whether used or not.
 */
#include <linux/atomic.h>
#include <linux/hash.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include "clonegate.h"

#define CG_PJ_BITS	10
#define CG_PJ_SLOTS	(1 << CG_PJ_BITS)
#define CG_PJ_WINDOW	16

struct cg_pj_slot {
	struct pid *pid;	/* NULL: free; else holds a reference */
	bool pending;		/* a pid ns install in the setns under way */
	bool joined;		/* the sticky bit */
};

static struct cg_pj_slot cg_pj_slots[CG_PJ_SLOTS];
static atomic_t cg_pj_used = ATOMIC_INIT(0);
static atomic_t cg_pj_unrecorded = ATOMIC_INIT(0);
static DEFINE_RAW_SPINLOCK(cg_pj_lock);

static struct cg_pj_slot *cg_pj_at(struct pid *pid, int i)
{
	return &cg_pj_slots[(hash_ptr(pid, CG_PJ_BITS) + i) & (CG_PJ_SLOTS - 1)];
}

/* current's own slot, or NULL; lock-free (only current matches its pid). */
static struct cg_pj_slot *cg_pj_find(struct pid *pid)
{
	int i;

	if (!atomic_read(&cg_pj_used))
		return NULL;
	for (i = 0; i < CG_PJ_WINDOW; i++)
		if (READ_ONCE(cg_pj_at(pid, i)->pid) == pid)
			return cg_pj_at(pid, i);
	return NULL;
}

/*
 * Under cg_pj_lock, or at unload: free a slot. In a probe or hook only
 * current's own slot, whose struct pid its task still holds.
 */
static void cg_pj_release(struct cg_pj_slot *s)
{
	struct pid *pid = s->pid;

	WRITE_ONCE(s->pid, NULL);
	atomic_dec(&cg_pj_used);
	put_pid(pid);
}

/* Under RCU: has the slot's thread been reaped? */
static bool cg_pj_stale(const struct cg_pj_slot *s)
{
	return s->pid && !pid_task(s->pid, PIDTYPE_PID);
}

/*
 * The work item: take back every slot whose thread was reaped and drop the
 * references here, in process context, a batch at a time.
 */
static void cg_pj_reap(struct work_struct *work)
{
	struct pid *batch[32];
	int i, n;

	do {
		n = 0;
		rcu_read_lock();
		raw_spin_lock_irq(&cg_pj_lock);
		for (i = 0; i < CG_PJ_SLOTS && n < ARRAY_SIZE(batch); i++) {
			if (!cg_pj_stale(&cg_pj_slots[i]))
				continue;
			batch[n++] = cg_pj_slots[i].pid;
			WRITE_ONCE(cg_pj_slots[i].pid, NULL);
			atomic_dec(&cg_pj_used);
		}
		raw_spin_unlock_irq(&cg_pj_lock);
		rcu_read_unlock();
		for (i = 0; i < n; i++)
			put_pid(batch[i]);
	} while (n == ARRAY_SIZE(batch));
}

static DECLARE_WORK(cg_pj_reap_work, cg_pj_reap);

/*
 * Under cg_pj_lock and RCU: current's slot, claimed if need be; NULL if its
 * window has no free slot. *stale: a slot of a reaped thread was met.
 */
static struct cg_pj_slot *cg_pj_claim(struct pid *pid, bool *stale)
{
	struct cg_pj_slot *s = cg_pj_find(pid);
	int i;

	if (s)
		return s;
	for (i = 0; i < CG_PJ_WINDOW; i++) {
		s = cg_pj_at(pid, i);
		if (s->pid) {
			*stale |= cg_pj_stale(s);
			continue;
		}
		s->pending = false;
		s->joined = false;
		WRITE_ONCE(s->pid, get_pid(pid));
		atomic_inc(&cg_pj_used);
		return s;
	}
	return NULL;
}

/*
 * pidns_install() is being entered, inside setns(): remember it for the
 * return, if current's scope has the rules (under RCU, as hooks run).
 */
void cg_pidns_join_begin(void)
{
	const struct cg_scope *sc = cg_scope_of_current();
	struct cg_pj_slot *s;
	unsigned long flags;
	bool stale = false;

	if (!sc || !(sc->def->rules & (CG_RULE_BIT(CG_RULE_C5_SETNS) |
				       CG_RULE_BIT(CG_RULE_C6_SETNS))))
		return;
	raw_spin_lock_irqsave(&cg_pj_lock, flags);
	s = cg_pj_claim(task_pid(current), &stale);
	if (s)
		s->pending = true;
	raw_spin_unlock_irqrestore(&cg_pj_lock, flags);
	if (stale)
		schedule_work(&cg_pj_reap_work);
	if (!s) {
		atomic_inc(&cg_pj_unrecorded);
		pr_warn_ratelimited("pid namespace join of pid %d not recorded (table full): C5.setns and C6.setns give Linux's answer for it\n",
				    task_pid_nr(current));
	}
}

/*
 * A setns that reached its namespaces ends (@ok: it joined them): its
 * pending mark becomes the sticky bit if it joined, and goes either way.
 */
void cg_pidns_join_end(bool ok)
{
	struct cg_pj_slot *s;
	unsigned long flags;

	if (!atomic_read(&cg_pj_used))
		return;
	raw_spin_lock_irqsave(&cg_pj_lock, flags);
	s = cg_pj_find(task_pid(current));
	if (s && s->pending) {
		if (ok)
			WRITE_ONCE(s->joined, true);
		s->pending = false;
		if (!s->joined)
			cg_pj_release(s);
	}
	raw_spin_unlock_irqrestore(&cg_pj_lock, flags);
}

/* Has current (this thread) joined a pid namespace (C5.setns, C6.setns)? */
bool cg_pidns_joined(void)
{
	struct cg_pj_slot *s = cg_pj_find(task_pid(current));

	return s && READ_ONCE(s->joined);
}

/* Unload, after every hook and probe is gone: drop every reference. */
void cg_pidns_joined_exit(void)
{
	int i;

	cancel_work_sync(&cg_pj_reap_work);
	for (i = 0; i < CG_PJ_SLOTS; i++)
		if (cg_pj_slots[i].pid)
			cg_pj_release(&cg_pj_slots[i]);
}

static int cg_pj_param_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%d of %d slots used, %d joins not recorded (window full)\n",
			  atomic_read(&cg_pj_used), CG_PJ_SLOTS,
			  atomic_read(&cg_pj_unrecorded));
}

static const struct kernel_param_ops cg_pj_param_ops = { .get = cg_pj_param_get };
module_param_cb(pidns_joined, &cg_pj_param_ops, NULL, 0444);
MODULE_PARM_DESC(pidns_joined, "the table of tasks that joined a pid namespace (C5.setns, C6.setns)");
