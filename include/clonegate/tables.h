/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * clonegate tables: clone flag values, rule names and errnos, and the profile
 * tables. Data only, shared by the module (which enforces them) and the
 * clonegate command (which lists and explains them), so the two can never
 * disagree. A profile is a row here, never a code path.
 *
 * The selftests deliberately do NOT include this file: they check the
 * module against the spec's own numbers.
 */
#ifndef CLONEGATE_TABLES_H
#define CLONEGATE_TABLES_H

#include "abi.h"

/* Rule errnos below are Linux's own (positive) values. */
#if defined(__KERNEL__)
#include <linux/errno.h>
#include <linux/string.h>
#elif defined(__bpf__)
/* BPF programs (vmlinux.h has the types): the errno values only. */
#include <asm-generic/errno.h>
#else
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#endif

/* x86-64 clone flags, spec section 1 (fixed ABI values). */
#define CG_CSIGNAL		0x000000ffULL
#define CG_CLONE_NEWTIME	0x00000080ULL
#define CG_CLONE_VM		0x00000100ULL
#define CG_CLONE_FS		0x00000200ULL
#define CG_CLONE_FILES		0x00000400ULL
#define CG_CLONE_SIGHAND	0x00000800ULL
#define CG_CLONE_PIDFD		0x00001000ULL
#define CG_CLONE_PTRACE		0x00002000ULL
#define CG_CLONE_VFORK		0x00004000ULL
#define CG_CLONE_PARENT		0x00008000ULL
#define CG_CLONE_THREAD		0x00010000ULL
#define CG_CLONE_NEWNS		0x00020000ULL
#define CG_CLONE_SYSVSEM	0x00040000ULL
#define CG_CLONE_SETTLS		0x00080000ULL
#define CG_CLONE_PARENT_SETTID	0x00100000ULL
#define CG_CLONE_CHILD_CLEARTID	0x00200000ULL
#define CG_CLONE_DETACHED	0x00400000ULL
#define CG_CLONE_UNTRACED	0x00800000ULL
#define CG_CLONE_CHILD_SETTID	0x01000000ULL
#define CG_CLONE_NEWCGROUP	0x02000000ULL
#define CG_CLONE_NEWUTS		0x04000000ULL
#define CG_CLONE_NEWIPC		0x08000000ULL
#define CG_CLONE_NEWUSER	0x10000000ULL
#define CG_CLONE_NEWPID		0x20000000ULL
#define CG_CLONE_NEWNET		0x40000000ULL
#define CG_CLONE_IO		0x80000000ULL
#define CG_CLONE_CLEAR_SIGHAND	0x100000000ULL
#define CG_CLONE_INTO_CGROUP	0x200000000ULL

/* Every flag above that has a name (cg_flag_names[]), CSIGNAL apart. */
#define CG_CLONE_KNOWN		0x3ffffff80ULL
/* The namespace flags: the types setns enters, C13 and U5 ask about. */
#define CG_CLONE_NS_ALL		(CG_CLONE_NEWNS | CG_CLONE_NEWCGROUP | CG_CLONE_NEWUTS | \
	CG_CLONE_NEWIPC | CG_CLONE_NEWUSER | CG_CLONE_NEWPID | CG_CLONE_NEWNET | \
	CG_CLONE_NEWTIME)

#define CG_CLONE_ARGS_SIZE_MIN	64	/* CLONE_ARGS_SIZE_VER0 */
#define CG_CLONE_ARGS_SIZE_MAX	88	/* CLONE_ARGS_SIZE_VER2: gVisor's struct */

struct cg_flag_name {
	unsigned long long flag;
	const char *name;
};

static const struct cg_flag_name cg_flag_names[] = {
	{ CG_CLONE_NEWTIME, "NEWTIME" },	{ CG_CLONE_VM, "VM" },
	{ CG_CLONE_FS, "FS" },			{ CG_CLONE_FILES, "FILES" },
	{ CG_CLONE_SIGHAND, "SIGHAND" },	{ CG_CLONE_PIDFD, "PIDFD" },
	{ CG_CLONE_PTRACE, "PTRACE" },		{ CG_CLONE_VFORK, "VFORK" },
	{ CG_CLONE_PARENT, "PARENT" },		{ CG_CLONE_THREAD, "THREAD" },
	{ CG_CLONE_NEWNS, "NEWNS" },		{ CG_CLONE_SYSVSEM, "SYSVSEM" },
	{ CG_CLONE_SETTLS, "SETTLS" },		{ CG_CLONE_PARENT_SETTID, "PARENT_SETTID" },
	{ CG_CLONE_CHILD_CLEARTID, "CHILD_CLEARTID" }, { CG_CLONE_DETACHED, "DETACHED" },
	{ CG_CLONE_UNTRACED, "UNTRACED" },	{ CG_CLONE_CHILD_SETTID, "CHILD_SETTID" },
	{ CG_CLONE_NEWCGROUP, "NEWCGROUP" },	{ CG_CLONE_NEWUTS, "NEWUTS" },
	{ CG_CLONE_NEWIPC, "NEWIPC" },		{ CG_CLONE_NEWUSER, "NEWUSER" },
	{ CG_CLONE_NEWPID, "NEWPID" },		{ CG_CLONE_NEWNET, "NEWNET" },
	{ CG_CLONE_IO, "IO" },			{ CG_CLONE_CLEAR_SIGHAND, "CLEAR_SIGHAND" },
	{ CG_CLONE_INTO_CGROUP, "INTO_CGROUP" },
};

static const char *const cg_entry_names[CG_ENTRY_MAX] = {
	[CG_ENTRY_NONE] = "none",
	[CG_ENTRY_CLONE] = "clone",		[CG_ENTRY_CLONE3] = "clone3",
	[CG_ENTRY_FORK] = "fork",		[CG_ENTRY_VFORK] = "vfork",
	[CG_ENTRY_UNSHARE] = "unshare",		[CG_ENTRY_SETNS] = "setns",
	[CG_ENTRY_IA32_CLONE] = "ia32_clone",	[CG_ENTRY_IA32_CLONE3] = "ia32_clone3",
	[CG_ENTRY_IA32_FORK] = "ia32_fork",	[CG_ENTRY_IA32_VFORK] = "ia32_vfork",
	[CG_ENTRY_IA32_UNSHARE] = "ia32_unshare", [CG_ENTRY_IA32_SETNS] = "ia32_setns",
};

static const char *const cg_mode_names[CG_MODE_MAX] = {
	[CG_MODE_OFF] = "off", [CG_MODE_AUDIT] = "audit", [CG_MODE_ENFORCE] = "enforce",
};

struct cg_rule_def {
	const char *name;	/* as in the spec: "C1", "U4.depth", ... */
	int err;		/* errno on refusal (0: not a refusal) */
	const char *what;
};

static const struct cg_rule_def cg_rules[CG_RULE_MAX] = {
	[CG_RULE_NONE]	= { "none", 0, "allowed" },
	[CG_RULE_CLONE3_SIZE] = { "A1", EINVAL, "clone3 size < 64 or > 88" },
	[CG_RULE_C1]	= { "C1", EINVAL, "flag the profile does not support" },
	[CG_RULE_C2]	= { "C2", EINVAL, "SIGHAND without VM" },
	[CG_RULE_C3]	= { "C3", EOPNOTSUPP, "clone3 set_tid" },
	[CG_RULE_C4]	= { "C4", EINVAL, "THREAD without SIGHAND" },
	[CG_RULE_C5]	= { "C5", EINVAL, "THREAD with NEWPID or after unshare(NEWPID)" },
	[CG_RULE_C6]	= { "C6", EINVAL, "NEWPID after unshare(NEWPID)" },
	[CG_RULE_C7]	= { "C7", EINVAL, "NEWUSER with THREAD or FS" },
	[CG_RULE_C8]	= { "C8", EINVAL, "exit signal outside 0..64" },
	[CG_RULE_C9]	= { "C9", EINVAL, "FS with NEWNS" },
	[CG_RULE_C10]	= { "C10", EPERM, "NEWUSER while chrooted" },
	[CG_RULE_C11]	= { "C11", EUSERS, "NEWUSER beyond user ns depth 32" },
	[CG_RULE_C12]	= { "C12", EPERM, "NEWUSER with unmapped euid/egid" },
	[CG_RULE_C13]	= { "C13", EPERM, "a new namespace the profile lists without CAP_SYS_ADMIN" },
	[CG_RULE_U1]	= { "U1", EINVAL, "unshare VM or SIGHAND" },
	[CG_RULE_U2]	= { "U2", EINVAL, "unshare THREAD (or NEWPID/NEWUSER) when multithreaded" },
	[CG_RULE_U3]	= { "U3", EPERM, "unshare NEWUSER while chrooted" },
	[CG_RULE_U4_DEPTH] = { "U4.depth", EUSERS, "unshare NEWUSER beyond user ns depth 32" },
	[CG_RULE_U4_IDS] = { "U4.ids", EPERM, "unshare NEWUSER with unmapped euid/egid" },
	[CG_RULE_U5]	= { "U5", EPERM, "unshare a namespace the profile lists without CAP_SYS_ADMIN" },
	[CG_RULE_UDROP]	= { "U-drop", 0, "unshare bits gVisor ignores are dropped" },
	[CG_RULE_S1]	= { "S1", EBADF, "setns fd not open" },
	[CG_RULE_S2]	= { "S2", EINVAL, "setns fd not a namespace the profile may enter" },
	[CG_RULE_S3]	= { "S3", EINVAL, "setns nstype does not match" },
	[CG_RULE_S4]	= { "S4", EPERM, "setns net/ipc/uts without CAP_SYS_ADMIN" },
	[CG_RULE_S5]	= { "S5", EPERM, "setns mnt without CAP_SYS_ADMIN and CAP_SYS_CHROOT" },
	[CG_RULE_S6]	= { "S6", EINVAL, "setns mnt while sharing the fs context" },
	[CG_RULE_H1]	= { "H1", EINVAL, "clone/fork/vfork PIDFD with PARENT_SETTID" },
	[CG_RULE_H2]	= { "H2", EINVAL, "clone/fork/vfork PIDFD with DETACHED" },
	[CG_RULE_H3]	= { "H3", EINVAL, "clone3 DETACHED" },
	[CG_RULE_H4]	= { "H4", EINVAL, "clone3 THREAD or PARENT with an exit signal" },
	[CG_RULE_H5]	= { "H5", EINVAL, "NEWCGROUP or INTO_CGROUP, cgroup2 not mounted" },
	[CG_RULE_H6]	= { "H6", EINVAL, "SIGHAND with CLEAR_SIGHAND" },
	[CG_RULE_H7]	= { "H7", EINVAL, "PARENT from the init of a pid namespace" },
	[CG_RULE_H10]	= { "H10", EINVAL, "unshare NEWCGROUP, cgroup2 not mounted" },
	[CG_RULE_H11]	= { "H11", EINVAL, "setns nstype NEWCGROUP, cgroup2 not mounted" },
	[CG_RULE_H16A]	= { "H16a", EINVAL, "setns user: already the caller's user namespace" },
	[CG_RULE_H16B]	= { "H16b", EINVAL, "setns user: the caller is multithreaded" },
	[CG_RULE_H16C]	= { "H16c", EINVAL, "setns user: the caller shares its fs context" },
	[CG_RULE_H16D]	= { "H16d", EPERM, "setns user without CAP_SYS_ADMIN in it" },
	[CG_RULE_H17A]	= { "H17a", EPERM, "setns pid without CAP_SYS_ADMIN in its owner and own" },
	[CG_RULE_H17B]	= { "H17b", EINVAL, "setns pid: not the active pid ns or a descendant" },
	[CG_RULE_H18]	= { "H18", EPERM, "setns cgroup without CAP_SYS_ADMIN in its owner and own" },
	[CG_RULE_H12]	= { "H12", ESRCH, "setns pidfd or /proc/<pid> dir: the task is a zombie or gone" },
	[CG_RULE_H12_PROC] = { "H12.proc", ESRCH, "setns another file of a task's /proc dir (quirk)" },
	[CG_RULE_H13]	= { "H13", EINVAL, "setns pidfd: nstype 0 or a type the profile lacks" },
	[CG_RULE_H14]	= { "H14", EPERM, "setns pidfd: the caller may not ptrace-read the task" },
	[CG_RULE_H15]	= { "H15", ESRCH, "setns pidfd: the task is exiting, its namespaces gone" },
	[CG_RULE_C5_SETNS] = { "C5.setns", EINVAL, "THREAD after setns into a pid ns, even its own (quirk)" },
	[CG_RULE_C6_SETNS] = { "C6.setns", EINVAL, "NEWPID after setns into a pid ns, even its own (quirk)" },
	[CG_RULE_H16_CREDS] = { "H16.creds", EPERM, "setns pidfd: refused only with the user ns join's credentials (quirk)" },
};

/*
 * The order rules are checked in, for display (`clonegate profile show`):
 * the ids are ABI and only ever appended, so gvisor-head's rules come last
 * by number. Rules of different entry points never compete (H1, H2: clone,
 * fork, vfork; A1, H3, H4: clone3), so one order serves every profile.
 */
#define CG_RULE_ORDER(X)							\
	X(H1) X(H2) X(CLONE3_SIZE) X(H3) X(H4)					\
	X(C1) X(H5) X(C2) X(H6) X(C3) X(C4) X(C5) X(C5_SETNS) X(C6) X(C6_SETNS)	\
	X(C7) X(C8) X(C9) X(H7) X(C10) X(C11) X(C12) X(C13)			\
	X(U1) X(H10) X(U2) X(U3) X(U4_DEPTH) X(U4_IDS) X(U5) X(UDROP)		\
	X(S1) X(H11) X(H12) X(H12_PROC) X(H13) X(H14) X(H15) X(S2) X(S3)	\
	X(H16A) X(H16B) X(H16C) X(H16D) X(H16_CREDS)				\
	X(H17A) X(H17B) X(S4) X(H18) X(S5) X(S6)

#define CG_RULE_ORDER_ID(r)	CG_RULE_##r,
static const unsigned char cg_rule_order[] = { CG_RULE_ORDER(CG_RULE_ORDER_ID) };

/* Every rule once: as many entries as rules, and all of them among those. */
#define CG_RULE_ORDER_BIT(r)	| (1ULL << CG_RULE_##r)
_Static_assert(sizeof(cg_rule_order) == CG_RULE_MAX - 1,
	       "cg_rule_order[] must list every rule of enum cg_rule once");
_Static_assert(CG_RULE_MAX < 64 &&
	       (0 CG_RULE_ORDER(CG_RULE_ORDER_BIT)) == ((1ULL << CG_RULE_MAX) - 2),
	       "cg_rule_order[] must list every rule of enum cg_rule once");

#define CG_RULE_BIT(r)	(1ULL << (r))
#define CG_RULES_CLONE	(CG_RULE_BIT(CG_RULE_CLONE3_SIZE) | \
	CG_RULE_BIT(CG_RULE_C1) | CG_RULE_BIT(CG_RULE_C2) | CG_RULE_BIT(CG_RULE_C3) | \
	CG_RULE_BIT(CG_RULE_C4) | CG_RULE_BIT(CG_RULE_C5) | CG_RULE_BIT(CG_RULE_C6) | \
	CG_RULE_BIT(CG_RULE_C7) | CG_RULE_BIT(CG_RULE_C8) | CG_RULE_BIT(CG_RULE_C9) | \
	CG_RULE_BIT(CG_RULE_C10) | CG_RULE_BIT(CG_RULE_C11) | CG_RULE_BIT(CG_RULE_C12) | \
	CG_RULE_BIT(CG_RULE_C13))
#define CG_RULES_UNSHARE (CG_RULE_BIT(CG_RULE_U1) | CG_RULE_BIT(CG_RULE_U2) | \
	CG_RULE_BIT(CG_RULE_U3) | CG_RULE_BIT(CG_RULE_U4_DEPTH) | \
	CG_RULE_BIT(CG_RULE_U4_IDS) | CG_RULE_BIT(CG_RULE_U5) | CG_RULE_BIT(CG_RULE_UDROP))
#define CG_RULES_SETNS	(CG_RULE_BIT(CG_RULE_S1) | CG_RULE_BIT(CG_RULE_S2) | \
	CG_RULE_BIT(CG_RULE_S3) | CG_RULE_BIT(CG_RULE_S4) | CG_RULE_BIT(CG_RULE_S5) | \
	CG_RULE_BIT(CG_RULE_S6))
/* Every rule of the catalogue: the bits a profile's rules may have. */
#define CG_RULES_KNOWN	(((1ULL << CG_RULE_MAX) - 1) & ~CG_RULE_BIT(CG_RULE_NONE))
#define CG_RULES_GVISOR	(CG_RULES_CLONE | CG_RULES_UNSHARE | CG_RULES_SETNS)

/* gvisor-head: the seed's rules and the new ones; the cgroup2 gate apart. */
#define CG_RULES_HEAD	(CG_RULES_GVISOR | CG_RULE_BIT(CG_RULE_H1) | \
	CG_RULE_BIT(CG_RULE_H2) | CG_RULE_BIT(CG_RULE_H3) | CG_RULE_BIT(CG_RULE_H4) | \
	CG_RULE_BIT(CG_RULE_H6) | CG_RULE_BIT(CG_RULE_H7) | \
	CG_RULE_BIT(CG_RULE_H16A) | CG_RULE_BIT(CG_RULE_H16B) | \
	CG_RULE_BIT(CG_RULE_H16C) | CG_RULE_BIT(CG_RULE_H16D) | \
	CG_RULE_BIT(CG_RULE_H17A) | CG_RULE_BIT(CG_RULE_H17B) | CG_RULE_BIT(CG_RULE_H18) | \
	CG_RULE_BIT(CG_RULE_H12) | CG_RULE_BIT(CG_RULE_H12_PROC) | CG_RULE_BIT(CG_RULE_H13) | \
	CG_RULE_BIT(CG_RULE_H14) | CG_RULE_BIT(CG_RULE_H15) | \
	CG_RULE_BIT(CG_RULE_C5_SETNS) | CG_RULE_BIT(CG_RULE_C6_SETNS) | \
	CG_RULE_BIT(CG_RULE_H16_CREDS))
/* The gate's rules: on while cgroup2 was never mounted in the sandbox. */
#define CG_RULES_CGROUP2_GATE (CG_RULE_BIT(CG_RULE_H5) | CG_RULE_BIT(CG_RULE_H10) | \
	CG_RULE_BIT(CG_RULE_H11))

/* Namespace types setns may enter (CLONE_NEW* bits of the ns file). */
#define CG_SETNS_GVISOR	(CG_CLONE_NEWNET | CG_CLONE_NEWIPC | CG_CLONE_NEWNS | CG_CLONE_NEWUTS)
/* gvisor-head adds pid and user, and cgroup once cgroup2 is mounted. */
#define CG_SETNS_HEAD	(CG_SETNS_GVISOR | CG_CLONE_NEWPID | CG_CLONE_NEWUSER)

/* The namespaces a new task (C13) or unshare (U5) needs CAP_SYS_ADMIN for. */
#define CG_CAPS_CLONE	(CG_CLONE_NEWPID | CG_CLONE_NEWNET | CG_CLONE_NEWUTS | CG_CLONE_NEWIPC)
#define CG_CAPS_UNSHARE	(CG_CAPS_CLONE | CG_CLONE_NEWNS)

/*
 * unshare bits gVisor acts on; every other bit is silently dropped (spec
 * 2.3). VM and SIGHAND are listed because U1 refuses them.
 */
#define CG_UNSHARE_HANDLED (CG_CLONE_VM | CG_CLONE_SIGHAND | CG_CLONE_THREAD | \
	CG_CLONE_NEWUSER | CG_CLONE_NEWPID | CG_CLONE_NEWNET | CG_CLONE_NEWUTS | \
	CG_CLONE_NEWIPC | CG_CLONE_FILES | CG_CLONE_FS | CG_CLONE_NEWNS)
/* gvisor-head also acts on NEWCGROUP (H10 refuses it while the gate is shut). */
#define CG_UNSHARE_HANDLED_HEAD (CG_UNSHARE_HANDLED | CG_CLONE_NEWCGROUP)

struct cg_profile_def {
	const char *name;
	const char *what;
	unsigned long long clone_supported;	/* C1: flags outside this fail */
	unsigned long long rules;		/* CG_RULE_BIT() of active rules */
	unsigned long long setns_types;		/* S2: ns types setns may enter */
	unsigned long long unshare_handled;	/* bits outside this are dropped */
	unsigned long long clone_caps;		/* C13: need CAP_SYS_ADMIN */
	unsigned long long unshare_caps;	/* U5: need CAP_SYS_ADMIN */
	unsigned char setns_pidfd;		/* S2 lets pidfds through */
	unsigned char cgroup2;			/* the cgroup2 gate is open */
	/* A loaded profile's errno per rule, 0: the catalogue's (built-ins: all 0). */
	unsigned char err[CG_RULE_SLOTS];
};

/*
 * The errno rule @r refuses with under @p: every decision's errno (the
 * refusal, its record, its event) comes from here.
 */
static inline int cg_profile_errno(const struct cg_profile_def *p, int r)
{
	return p->err[r] ? p->err[r] : cg_rules[r].err;
}

/*
 * The errnos a profile may give a rule (docs/profile-format.md), as
 * `clonegate profile show` names them: the file format takes no other, the
 * module loads no other. ENOTSUP is Linux's EOPNOTSUPP.
 */
static const unsigned char cg_profile_errnos[] = {
	EPERM, ENOENT, ESRCH, EBADF, EAGAIN, ENOMEM, EACCES, EFAULT, EINVAL,
	ENOSPC, ENOSYS, EUSERS, EOPNOTSUPP, E2BIG,
};

static inline bool cg_profile_errno_ok(int e)
{
	unsigned int i;

	for (i = 0; i < sizeof(cg_profile_errnos); i++)
		if (cg_profile_errnos[i] == e)
			return true;
	return false;
}

#define CG_PROFILE_HEAD(id, gate)						\
	[id] = {								\
		.name = (gate) ? "gvisor-head-cgroup2" : "gvisor-head",		\
		.what = (gate) ?						\
			"gVisor at 3c5eee17d (2026-08-21), run with --mount-cgroup-v2" : \
			"gVisor at 3c5eee17d (2026-08-21), runsc's defaults (no cgroup2)", \
		.clone_supported = 0x3FFFFFF00ULL,				\
		.rules = CG_RULES_HEAD | ((gate) ? 0 : CG_RULES_CGROUP2_GATE),	\
		.setns_types = CG_SETNS_HEAD | ((gate) ? CG_CLONE_NEWCGROUP : 0), \
		.unshare_handled = CG_UNSHARE_HANDLED_HEAD,			\
		.clone_caps = CG_CAPS_CLONE | CG_CLONE_NEWCGROUP,		\
		.unshare_caps = CG_CAPS_UNSHARE | CG_CLONE_NEWCGROUP,		\
		.setns_pidfd = 1,						\
		.cgroup2 = (gate),						\
	}

static const struct cg_profile_def cg_profiles[CG_PROFILE_MAX] = {
	[CG_PROFILE_GVISOR_21D66119] = {
		.name = "gvisor-21d66119",
		.what = "gVisor at 21d66119 (\"Implementing clone3\", 2023-08-07); the default",
		.clone_supported = 0xFDBDEF00ULL,
		.rules = CG_RULES_GVISOR,
		.setns_types = CG_SETNS_GVISOR,
		.unshare_handled = CG_UNSHARE_HANDLED,
		.clone_caps = CG_CAPS_CLONE,
		.unshare_caps = CG_CAPS_UNSHARE,
	},
	[CG_PROFILE_GVISOR_8623C872] = {
		.name = "gvisor-8623c872",
		.what = "gVisor at 8623c872 (2023-08-25): the seed plus NEWNS and DETACHED",
		.clone_supported = 0xFDFFEF00ULL,
		.rules = CG_RULES_GVISOR,
		.setns_types = CG_SETNS_GVISOR,
		.unshare_handled = CG_UNSHARE_HANDLED,
		.clone_caps = CG_CAPS_CLONE,
		.unshare_caps = CG_CAPS_UNSHARE,
	},
	[CG_PROFILE_LINUX] = {
		.name = "linux",
		.what = "refuse nothing: count and report only",
		.clone_supported = ~0ULL,
		.rules = 0,
		.setns_types = ~0ULL,
		.unshare_handled = ~0ULL,
		.setns_pidfd = 1,
		.cgroup2 = 1,
	},
	CG_PROFILE_HEAD(CG_PROFILE_GVISOR_HEAD, 0),
	CG_PROFILE_HEAD(CG_PROFILE_GVISOR_HEAD_CGROUP2, 1),
};

/*
 * A loaded profile (struct cg_profile_spec, abi.h) and a row, both ways:
 * every field but the strings, which the caller owns.
 */
static inline void cg_profile_def_from_spec(struct cg_profile_def *d,
					    const struct cg_profile_spec *sp,
					    const char *name, const char *what)
{
	*d = (struct cg_profile_def){
		.name = name,
		.what = what,
		.clone_supported = sp->clone_supported,
		.rules = sp->rules,
		.setns_types = sp->setns_types,
		.unshare_handled = sp->unshare_handled,
		.clone_caps = sp->clone_caps,
		.unshare_caps = sp->unshare_caps,
		.setns_pidfd = sp->setns_pidfd,
		.cgroup2 = sp->cgroup2,
	};
	_Static_assert(sizeof(d->err) == sizeof(sp->rule_err), "one errno per rule slot");
	__builtin_memcpy(d->err, sp->rule_err, sizeof(d->err));
}

static inline void cg_profile_spec_masks(struct cg_profile_spec *sp,
					 const struct cg_profile_def *d)
{
	sp->clone_supported = d->clone_supported;
	sp->rules = d->rules;
	sp->setns_types = d->setns_types;
	sp->unshare_handled = d->unshare_handled;
	sp->clone_caps = d->clone_caps;
	sp->unshare_caps = d->unshare_caps;
	sp->setns_pidfd = d->setns_pidfd;
	sp->cgroup2 = d->cgroup2;
	__builtin_memcpy(sp->rule_err, d->err, sizeof(sp->rule_err));
}

#endif /* CLONEGATE_TABLES_H */
