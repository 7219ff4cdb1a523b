// SPDX-License-Identifier: GPL-2.0
/*
 * Return probes: answers that can only be given once a function returns.
 *
 *   create_user_ns()   Linux refuses NEWUSER from a chrooted caller with
 *                      EPERM, which is gVisor's C10/U3 errno too; the probe
 *                      sees that refusal and records it under C10/U3 when
 *                      no earlier rule decided the call (policy.c). Asking
 *                      "is the caller chrooted?" ourselves would need path
 *                      references that may sleep, or a call into a function
 *                      the kernel does not export (an IBT hazard, hooks.c).
 *   __{x64,ia32}_sys_clone3  a call whose struct the entry hook could not
 *                      read and that Linux refused before kernel_clone():
 *                      the struct is read again, and gVisor's answer given
 *                      (clone3_mark.c).
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
	rule = cg_decide_userns_refusal(&cg_profiles[s->profile], &rq);
	if (rule > CG_RULE_NONE)
		cg_record(s, &rq, rule, s->mode);
out:
	rcu_read_unlock();
	return 0;
}

/* ---- clone3's return: calls Linux refused before kernel_clone() -------- */

/* Arm the return probe only for calls in a scope. */
static int cg_on_clone3_call(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	bool scoped;

	rcu_read_lock();
	scoped = cg_scope_of_current();
	rcu_read_unlock();
	return scoped ? 0 : 1;
}

/*
 * An "unread" mark still there means that the entry could not read the
 * struct and that Linux refused the call before kernel_clone() (which takes
 * the mark). Linux's own copy has faulted the struct in by now: read it
 * again and give the answer the entry would have given. The call is
 * refused either way, so in enforce mode only its errno changes, to
 * gVisor's; in audit mode it is recorded, once.
 */
static int cg_on_clone3_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct cg_request rq = {
		.entry = in_ia32_syscall() ? CG_ENTRY_IA32_CLONE3 : CG_ENTRY_CLONE3,
	};
	const struct cg_scope *s;
	unsigned long a[6];
	int rule;

	if (cg_clone3_mark_take() != CG_CLONE3_UNREAD || (long)regs_return_value(regs) >= 0)
		return 0;
	rcu_read_lock();
	s = cg_scope_of_current();
	if (!s)
		goto out;
	syscall_get_arguments(current, task_pt_regs(current), a);
	rq.clone3_size = a[1];
	cg_clone3_preview(&rq, a[0]);
	if (!rq.previewed)
		goto out;
	rule = cg_decide_clone3_entry(&cg_profiles[s->profile], &rq);
	if (rule <= CG_RULE_NONE)
		goto out;
	cg_record(s, &rq, rule, s->mode);
	if (s->mode == CG_MODE_ENFORCE)
		regs_set_return_value(regs, -cg_rules[rule].err);
out:
	rcu_read_unlock();
	return 0;
}

/*
 * The kretprobes, attached by name like the hooks. maxactive: calls of one
 * function tracked at once; beyond, a probe misses (nmissed): a C10/U3
 * refusal goes uncounted, or a clone3 mark waits for the task's next clone3.
 */
struct cg_probe {
	const char *covers;
	bool registered;
	struct kretprobe rp;
};

#define CG_PROBE(sym, entry_fn, ret_fn, what) {					\
	.covers = what,								\
	.rp = { .kp.symbol_name = sym, .entry_handler = entry_fn,		\
		.handler = ret_fn, .maxactive = 64 },				\
}

static struct cg_probe cg_probes[] = {
	CG_PROBE("create_user_ns", NULL, cg_on_create_user_ns_ret,
		 "C10 and U3 counted (Linux refuses)"),
	CG_PROBE("__x64_sys_clone3", cg_on_clone3_call, cg_on_clone3_ret,
		 "clone3: gVisor's answer when the entry could not read the struct"),
	CG_PROBE("__ia32_sys_clone3", cg_on_clone3_call, cg_on_clone3_ret,
		 "ia32_clone3: gVisor's answer when the entry could not read the struct"),
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
