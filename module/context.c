// SPDX-License-Identifier: GPL-2.0
/*
 * The syscall the current task is in, read where the hooks and probes run:
 * which entry point brought it to a hooked function, and the request it
 * makes, rebuilt from its saved user registers or, for clone3, from a
 * no-fault read of its struct.
 *
 * Everything here runs in ftrace or kprobe context: no sleeping, no faults
 * (copy_from_user_nofault() fails instead of paging in), nothing but
 * inline and exported helpers.
 */
#include <linux/sched.h>
#include <linux/sched/task_stack.h>
#include <linux/uaccess.h>
#include <asm/syscall.h>
#include <asm/unistd.h>

#include "clonegate.h"

bool cg_is_clone3(enum cg_entry e)
{
	return e == CG_ENTRY_CLONE3 || e == CG_ENTRY_IA32_CLONE3;
}

/*
 * The syscall current is in (x32 shares x86-64's numbers for every call
 * here, with a marker bit).
 */
static long cg_syscall_nr(void)
{
	return syscall_get_nr(current, task_pt_regs(current)) & ~__X32_SYSCALL_BIT;
}

/* Which syscall brought current into kernel_clone()? */
enum cg_entry cg_clone_entry(void)
{
	long nr = cg_syscall_nr();

	if (in_ia32_syscall()) {
		switch (nr) {
		case __NR_ia32_fork:	return CG_ENTRY_IA32_FORK;
		case __NR_ia32_vfork:	return CG_ENTRY_IA32_VFORK;
		case __NR_ia32_clone3:	return CG_ENTRY_IA32_CLONE3;
		default:		return CG_ENTRY_IA32_CLONE;
		}
	}
	switch (nr) {
	case __NR_fork:		return CG_ENTRY_FORK;
	case __NR_vfork:	return CG_ENTRY_VFORK;
	case __NR_clone3:	return CG_ENTRY_CLONE3;
	default:		return CG_ENTRY_CLONE;
	}
}

enum cg_entry cg_unshare_entry(void)
{
	return in_ia32_syscall() ? CG_ENTRY_IA32_UNSHARE : CG_ENTRY_UNSHARE;
}

bool cg_in_setns(void)
{
	return cg_syscall_nr() == (in_ia32_syscall() ? __NR_ia32_setns : __NR_setns);
}

bool cg_in_unshare(void)
{
	return cg_syscall_nr() == (in_ia32_syscall() ? __NR_ia32_unshare : __NR_unshare);
}

/* struct clone_args as gVisor reads it (CLONE_ARGS_SIZE_VER2). */
struct cg_clone3_args {
	u64 flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size,
	    tls, set_tid, set_tid_size, cgroup;
};

/*
 * Read what the rules use of clone3's struct (flags, exit_signal, whether
 * set_tid is set) without faulting; rq->previewed says if it worked,
 * rq->preview_faulted that it was tried (a size gVisor reads) and faulted.
 *
 * Field by field, with page faults disabled: a page that is not present
 * ends in the exception fixup instead of being paged in. The struct's last
 * byte is read too, so a struct Linux's own copy would fault on faults
 * here as well. copy_from_user_nofault() of the whole struct into a zeroed
 * copy cost a thread's clone3 about 400 instructions (6.12 under -icount,
 * init_on_alloc=0): a zeroing, a byte copy and hardened usercopy's checks
 * of the destination; this costs about 100-200.
 */
void cg_clone3_preview(struct cg_request *rq, unsigned long uargs)
{
	const struct cg_clone3_args __user *ua = (const void __user *)uargs;
	const u8 __user *tail = (const u8 __user *)ua + offsetof(struct cg_clone3_args, set_tid);
	const u8 __user *end = (const u8 __user *)ua + rq->clone3_size;
	u64 flags, exit_signal, set_tid = 0;
	u8 byte;

	if (rq->clone3_size < CG_CLONE_ARGS_SIZE_MIN ||
	    rq->clone3_size > sizeof(struct cg_clone3_args))
		return;
	pagefault_disable();
	if (!user_access_begin(ua, rq->clone3_size))
		goto fault;
	unsafe_get_user(flags, &ua->flags, efault);
	unsafe_get_user(exit_signal, &ua->exit_signal, efault);
	if (end >= tail + sizeof(u64)) {
		unsafe_get_user(set_tid, &ua->set_tid, efault);
	} else {
		/* A size that ends inside set_tid: the bytes it has. */
		for (; tail < end; tail++) {
			unsafe_get_user(byte, tail, efault);
			set_tid |= byte;
		}
	}
	unsafe_get_user(byte, end - 1, efault);
	user_access_end();
	pagefault_enable();
	rq->previewed = true;
	rq->flags = flags;
	rq->exit_signal = exit_signal;
	rq->set_tid = set_tid != 0;
	return;
efault:
	user_access_end();
fault:
	pagefault_enable();
	rq->preview_faulted = true;
}

/*
 * The request of the syscall in progress, rebuilt from its saved registers
 * (the values the hooks saw for clone and unshare), or, for clone3, from a
 * no-fault read of its struct: the engine needs it to tell whether a rule
 * before C10/U3 already decided this call at the hook.
 */
void cg_current_request(struct cg_request *rq)
{
	unsigned long a[6];

	syscall_get_arguments(current, task_pt_regs(current), a);
	if (cg_in_unshare()) {
		rq->entry = cg_unshare_entry();
		rq->flags = in_ia32_syscall() ? (u32)a[0] : a[0];
		return;
	}
	rq->entry = cg_clone_entry();
	if (!cg_is_clone3(rq->entry)) {
		/* As clone(2) hands them to kernel_clone(): the low 32 bits. */
		rq->flags = (u32)a[0] & ~CG_CSIGNAL;
		rq->exit_signal = a[0] & CG_CSIGNAL;
		return;
	}
	rq->flags = CG_CLONE_NEWUSER;
	rq->clone3_size = a[1];
	cg_clone3_preview(rq, a[0]);
}
