// SPDX-License-Identifier: GPL-2.0
/*
 * Return probes: answers that can only be given once a function returns.
 * They sit on functions only rare calls reach: a kretprobe on a hot path
 * (clone3, say) would cost every call its entry and return trampolines.
 *
 *   create_user_ns()   Linux refuses NEWUSER from a chrooted caller with
 *                      EPERM, which is gVisor's C10/U3 errno too; the probe
 *                      sees that refusal and records it under C10/U3 when
 *                      no earlier rule decided the call (policy.c). In
 *                      enforce mode, a loaded profile's other errno for
 *                      C10/U3 replaces the return value. Asking
 *                      "is the caller chrooted?" ourselves would need path
 *                      references that may sleep, or a call into a function
 *                      the kernel does not export (an IBT hazard, hooks.c).
 *
 * (Whether a setns joined a pid namespace is seen at put_nsset(), by an
 * ftrace hook: hooks.c. A return probe on setns cost every call.)
 *
 * kretprobes, attached by name (no address needed). Handlers run in probe
 * context: no sleeping. A probe that cannot be attached leaves what it
 * covers uncovered, reported like a missing hook.
 */
#include <linux/kprobes.h>
#include <linux/sched.h>
#include <linux/sched/task_stack.h>
#include <asm/syscall.h>

#include "clonegate.h"

/* ---- create_user_ns(): Linux's own chroot refusal (C10, U3) ------------ */

/*
 * Enforce mode: a loaded profile's C10/U3 errno replaces Linux's EPERM. The
 * caller (copy_creds(), unshare_userns()) passes any error up unchanged,
 * and create_user_ns() has undone everything by the time it fails.
 */
static void cg_userns_errno(struct pt_regs *regs, const struct cg_scope *s, int rule)
{
	int err = cg_profile_errno(s->def, rule);

	if (s->mode == CG_MODE_ENFORCE && err != EPERM)
		regs_set_return_value(regs, -err);
}

static int cg_on_create_user_ns_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	const struct cg_scope *s;
	struct cg_request rq = { .userns_eperm = true };
	int rule;

	/* create_user_ns() returns an int: the upper half of rax is not part of it. */
	if ((int)regs_return_value(regs) != -EPERM || (current->flags & PF_KTHREAD))
		return 0;
	rcu_read_lock();
	s = cg_scope_of_current();
	if (!s)
		goto out;
	cg_current_request(&rq);
	rule = cg_decide_userns_refusal(s->def, &rq);
	if (rule > CG_RULE_NONE) {
		cg_record(s, &rq, rule, s->mode);
		cg_userns_errno(regs, s, rule);
	}
out:
	rcu_read_unlock();
	return 0;
}

/*
 * The kretprobes, attached by name like the hooks. maxactive: calls of one
 * function tracked at once; beyond, a probe misses (nmissed): a C10/U3
 * refusal goes uncounted.
 */
struct cg_probe {
	const char *covers;
	bool registered;
	struct kretprobe rp;
};

#define CG_PROBE(sym, entry_fn, ret_fn, size, what) {				\
	.covers = what,								\
	.rp = { .kp.symbol_name = sym, .entry_handler = entry_fn,		\
		.handler = ret_fn, .data_size = size, .maxactive = 64 },	\
}

static struct cg_probe cg_probes[] = {
	CG_PROBE("create_user_ns", NULL, cg_on_create_user_ns_ret, 0,
		 "C10 and U3 counted (Linux refuses)"),
};

/* Attach every probe; returns how many could not be. */
int cg_probes_init(void)
{
	int i, ret, missing = 0;

	for (i = 0; i < ARRAY_SIZE(cg_probes); i++) {
		struct cg_probe *p = &cg_probes[i];

		ret = register_kretprobe(&p->rp);
		if (ret) {
			pr_warn("not covered: %s (cannot probe %s: %d)\n", p->covers,
				p->rp.kp.symbol_name, ret);
			missing++;
			continue;
		}
		p->registered = true;
	}
	return missing;
}

/*
 * unregister_kretprobe() waits for handlers in progress; a return still
 * pending goes through the kernel's trampoline, which no longer calls a
 * handler once its probe is unregistered.
 */
void cg_probes_exit(void)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(cg_probes); i++) {
		if (cg_probes[i].registered) {
			unregister_kretprobe(&cg_probes[i].rp);
			cg_probes[i].registered = false;
		}
	}
}

/* The probes' lines of the coverage report, appended to buf at n. */
int cg_probes_coverage(char *buf, int n)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(cg_probes); i++)
		n += sysfs_emit_at(buf, n, "%s %s: %s\n", cg_probes[i].registered ? "yes" : "no",
				   cg_probes[i].rp.kp.symbol_name, cg_probes[i].covers);
	return n;
}
