/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Raw fork, vfork, clone and clone3 calls whose child calls exit(0) at
 * once, in assembly, without touching memory: safe with any flags
 * (CLONE_VM with no stack, CLONE_THREAD, ...), so a test or a benchmark
 * makes exactly the call it means and nothing else. x86-64, or i386 for the
 * ia32 (compat) entry points. Return the raw syscall result: the child's
 * id, or -errno. Userspace only; shared by the selftests (cg_test.h) and
 * bench/bench.c.
 */
#ifndef CLONEGATE_RAW_CLONE_H
#define CLONEGATE_RAW_CLONE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __i386__
#define CG_RAW_NR_CLONE		120
/* After the call: the child (eax 0) exits; ebx was saved by the caller. */
#define CG_RAW_CHILD_EXITS	"test %%eax, %%eax\n\t"	\
				"jnz 1f\n\t"		\
				"mov $1, %%eax\n\t"	\
				"xor %%ebx, %%ebx\n\t"	\
				"int $0x80\n\t"		\
				"1: pop %%ebx"
#else
#define CG_RAW_NR_CLONE		56
#define CG_RAW_CHILD_EXITS	"test %%rax, %%rax\n\t"	\
				"jnz 1f\n\t"		\
				"mov $60, %%eax\n\t"	\
				"xor %%edi, %%edi\n\t"	\
				"syscall\n\t"		\
				"1:"
#endif
#define CG_RAW_NR_CLONE3	435

/* fork or vfork by their own syscall numbers (nr), not libc's clone. */
static inline long cg_raw_fork_exit(int nr)
{
	long ret;
#ifdef __i386__
	asm volatile("push %%ebx\n\t"
		     "int $0x80\n\t"
		     CG_RAW_CHILD_EXITS
		     : "=a"(ret) : "0"(nr) : "ecx", "edx", "memory");
#else
	asm volatile("syscall\n\t"
		     CG_RAW_CHILD_EXITS
		     : "=a"(ret) : "0"(nr) : "rcx", "r11", "rdi", "memory");
#endif
	return ret;
}

/* clone(flags, stack 0, ptid, ctid, tls 0): both ABIs' register orders. */
static inline long cg_raw_clone_exit(uint64_t flags, void *ptid, void *ctid)
{
	long ret;
#ifdef __i386__
	/* ia32 clone: ebx flags, ecx stack, edx ptid, esi tls, edi ctid */
	asm volatile("push %%ebx\n\t"
		     "mov %[fl], %%ebx\n\t"
		     "int $0x80\n\t"
		     CG_RAW_CHILD_EXITS
		     : "=a"(ret)
		     : "0"(CG_RAW_NR_CLONE), [fl] "r"((uint32_t)flags), "c"(0), "d"(ptid),
		       "S"(0), "D"(ctid)
		     : "memory");
#else
	register long r10 asm("r10") = (long)ctid;
	register long r8 asm("r8") = 0;

	asm volatile("syscall\n\t"
		     CG_RAW_CHILD_EXITS
		     : "=a"(ret)
		     : "0"(CG_RAW_NR_CLONE), "D"(flags), "S"(0), "d"(ptid), "r"(r10), "r"(r8)
		     : "rcx", "r11", "memory");
#endif
	return ret;
}

/* clone3(args, size): args is a struct clone_args in the kernel's layout. */
static inline long cg_raw_clone3_exit(void *args, size_t size)
{
	long ret;
#ifdef __i386__
	asm volatile("push %%ebx\n\t"
		     "mov %[a], %%ebx\n\t"
		     "int $0x80\n\t"
		     CG_RAW_CHILD_EXITS
		     : "=a"(ret)
		     : "0"(CG_RAW_NR_CLONE3), [a] "r"(args), "c"(size)
		     : "memory");
#else
	asm volatile("syscall\n\t"
		     CG_RAW_CHILD_EXITS
		     : "=a"(ret)
		     : "0"(CG_RAW_NR_CLONE3), "D"(args), "S"(size)
		     : "rcx", "r11", "memory");
#endif
	return ret;
}

#endif /* CLONEGATE_RAW_CLONE_H */
