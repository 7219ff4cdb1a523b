// SPDX-License-Identifier: GPL-2.0
/*
 * clonegate: gVisor's clone policy on an ordinary Linux host.
 *
 * gVisor refuses many clone/clone3/fork/vfork/unshare/setns requests that
 * Linux accepts, and checks namespace capabilities in its own order. This
 * module enforces that policy (a "profile") on the tasks of a scope: every
 * user task, or a cgroup v2 subtree. Modes: enforce (refuse with gVisor's
 * errno), audit (decide, count, log; Linux answers), off.
 *
 * Design, and the trade-offs taken:
 *
 * - One rule engine (policy.c). Hooks (hooks.c) turn every entry point into
 *   the same struct cg_request; profiles are rows of data
 *   (include/clonegate/tables.h), shared with the clonegate command.
 *
 * - Decisions on kernel copies. clone3's arguments live in user memory,
 *   which is why seccomp cannot filter them at all. The refusal that counts
 *   is taken at kernel_clone(), on the struct the kernel copied and will
 *   use; clone3's entry only previews user memory to return gVisor's errno
 *   where Linux would have failed earlier with a different one. setns is
 *   re-checked on the kernel's own namespace object, unshare's ignored bits
 *   are removed from the kernel's argument.
 *
 * - ftrace IPMODIFY hooks rather than kprobes or syscall-table patching:
 *   they run before the function body with its arguments in pt_regs, can
 *   redirect to a stub that returns -errno (no module frame stays on the
 *   stack), work on every ABI that reaches the hooked function, and are
 *   removed cleanly. The cost: an IPMODIFY user excludes another on the same
 *   function (a livepatch of kernel_clone would make loading fail, with a
 *   message), and tasks outside every scope still take one callback per
 *   clone-family call (a pointer load when no scope exists). Nothing is
 *   attached to the generic syscall path.
 *
 * - Atomic state. All scopes form one immutable snapshot behind RCU
 *   (scope.c): a clone racing a change sees old or new, never a mix.
 *
 * - IBT-safe. Hooks attach by function name through ftrace and kprobes;
 *   the module never looks a kernel symbol up and never calls a kernel
 *   function through a pointer (on CPUs with control-flow enforcement that
 *   is a #CP oops for any function the kernel never takes the address of).
 *   The cost: "is the caller chrooted?" cannot be asked without sleeping, so
 *   Linux's own refusal carries C10/U3 and a probe attributes it.
 *
 * - Safe unload. Hooks are unregistered first; no hook sleeps or calls the
 *   function it hooks, so the only module text a task can still be in is a
 *   refusal stub it was redirected to, and an RCU-tasks grace period waits
 *   for every such task to leave (hooks.c, cg_hooks_exit()).
 *
 * - Observability. Each refusal/audit is counted per rule, logged as one
 *   rate-limited line, and fired on the clonegate:clonegate_decision
 *   tracepoint for BPF.
 */
#include <linux/init.h>
#include <linux/module.h>

#include "clonegate.h"

#define CREATE_TRACE_POINTS
#include "cg_trace.h"

static int __init clonegate_init(void)
{
	int ret;

	cg_task_ns_init();
	ret = cg_hooks_init();
	if (ret)
		return ret;
	ret = cg_control_init();
	if (ret) {
		pr_err("cannot register /dev/clonegate (%d)\n", ret);
		cg_hooks_exit();
		cg_pidns_joined_exit();
		return ret;
	}
	pr_info("version %s loaded (abi %d, default profile %s)\n", CLONEGATE_VERSION,
		CLONEGATE_ABI_VERSION, cg_profiles[CG_PROFILE_GVISOR_21D66119].name);
	return 0;
}

static void __exit clonegate_exit(void)
{
	cg_control_exit();
	cg_hooks_exit();
	cg_pidns_joined_exit();
	cg_scope_exit();
	cg_profiles_exit();
	pr_info("unloaded\n");
}

module_init(clonegate_init);
module_exit(clonegate_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("clonegate developers");
MODULE_DESCRIPTION("gVisor's clone/clone3/fork/vfork/unshare/setns policy on a Linux host");
MODULE_VERSION(CLONEGATE_VERSION);
