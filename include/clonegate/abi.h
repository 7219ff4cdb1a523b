/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * clonegate ABI: defined once, shared by the module, the BPF programs, the
 * clonegate command and the selftests. Plain C with fixed-size types only.
 *
 * The control interface is the misc device /dev/clonegate (mode 0600).
 * Every ioctl argument starts with a __u32 size that the caller sets to the
 * sizeof() it was compiled with, and the ioctl numbers do not encode a size
 * (_IO), so one number serves every version of a struct:
 *
 *   - size below the struct's first version (CG_*_SIZE_VER0): EINVAL;
 *   - shorter than the module's struct: the missing fields read as zero;
 *   - longer: accepted if every byte the module does not know is zero,
 *     else E2BIG; above CLONEGATE_IOC_SIZE_MAX: E2BIG;
 *   - the module writes back at most min(size, its own sizeof()) bytes and
 *     never the size field itself.
 *
 * A struct grows only at its end, by fields whose zero value means what the
 * older version did. struct cg_scope_info (LIST's array) has a fixed size: a
 * version that grows it adds an element-size field to struct cg_scope_list,
 * so callers with the older, shorter cg_scope_list keep the old element.
 *
 * CLONEGATE_ABI_VERSION changes when an existing field changes meaning or an
 * ioctl number changes. 2: the numbers were _IOR/_IOW(..., struct), which
 * put sizeof() into the number, so an older or newer struct was a different
 * ioctl (ENOTTY) and the size rules above could never apply; ABI 1's
 * numbers are no longer accepted. The structs are ABI 1's. Loaded profiles
 * (LOAD, UNLOAD, INFO, struct cg_profile_spec) came later within ABI 2: new
 * numbers and a struct cg_version grown at its end, so older callers are
 * unaffected; a module without them answers ENOTTY. Then struct
 * cg_profile_spec grew at its end (rule_err, per-rule errnos): a module
 * without it answers E2BIG to a spec that gives one.
 *
 * A call that returns an error has changed nothing: every field is checked,
 * and the answer written back, before anything is changed. (Dropping the
 * scopes of removed cgroups, see struct cg_scope_list, is not the call's
 * change: the next APPLY, REMOVE or LIST does it whatever it returns.)
 *
 * Changing policy (APPLY, REMOVE, RESET) needs CAP_SYS_ADMIN in the initial
 * user namespace and a caller that is not itself inside a cgroup scope that
 * is enforcing or auditing; otherwise EPERM. Malformed input gets EINVAL and
 * changes nothing. A cgroup scope on the root cgroup is EINVAL: it would
 * police every task, the administrator's included; use CG_SCOPE_GLOBAL.
 */
#ifndef CLONEGATE_ABI_H
#define CLONEGATE_ABI_H

#if defined(__KERNEL__)
#include <linux/types.h>
#include <linux/ioctl.h>
#elif defined(__bpf__)
/* BPF programs get __u32 and friends from vmlinux.h; no ioctls there. */
#else
#include <linux/types.h>
#include <sys/ioctl.h>
#endif

#define CLONEGATE_ABI_VERSION	2
#define CLONEGATE_DEVICE	"/dev/clonegate"
#define CLONEGATE_VERSION_LEN	32
/* The largest size an ioctl argument may claim (E2BIG above). */
#define CLONEGATE_IOC_SIZE_MAX	4096

/* Modes a scope can be in. */
enum cg_mode {
	CG_MODE_OFF	= 0,	/* the scope exists, nothing is checked */
	CG_MODE_AUDIT	= 1,	/* decide, count and log; Linux answers */
	CG_MODE_ENFORCE	= 2,	/* refuse with the profile's errno */
	CG_MODE_MAX
};

/* What a policy applies to. */
enum cg_scope_kind {
	CG_SCOPE_GLOBAL	= 1,	/* every user task on the host */
	CG_SCOPE_CGROUP	= 2,	/* a cgroup v2 subtree, descendants included */
};

/* Entry points, one per syscall and ABI. */
enum cg_entry {
	CG_ENTRY_NONE = 0,
	CG_ENTRY_CLONE,
	CG_ENTRY_CLONE3,
	CG_ENTRY_FORK,
	CG_ENTRY_VFORK,
	CG_ENTRY_UNSHARE,
	CG_ENTRY_SETNS,
	CG_ENTRY_IA32_CLONE,
	CG_ENTRY_IA32_CLONE3,
	CG_ENTRY_IA32_FORK,
	CG_ENTRY_IA32_VFORK,
	CG_ENTRY_IA32_UNSHARE,
	CG_ENTRY_IA32_SETNS,
	CG_ENTRY_MAX
};
#define CG_ENTRY_SLOTS	16

/*
 * Rules of docs/policy.md, in the order each family is
 * checked. The numeric values are ABI (counters, events, logs).
 */
enum cg_rule {
	CG_RULE_NONE = 0,
	CG_RULE_CLONE3_SIZE,	/* A1: clone3 size < 64 or > 88 -> EINVAL */
	CG_RULE_C1,	/* unsupported flag -> EINVAL */
	CG_RULE_C2,	/* SIGHAND without VM -> EINVAL */
	CG_RULE_C3,	/* set_tid -> ENOTSUP */
	CG_RULE_C4,	/* THREAD without SIGHAND -> EINVAL */
	CG_RULE_C5,	/* THREAD and (NEWPID or unshared pid ns) -> EINVAL */
	CG_RULE_C6,	/* NEWPID after unshare(NEWPID) -> EINVAL */
	CG_RULE_C7,	/* NEWUSER and (THREAD or FS) -> EINVAL */
	CG_RULE_C8,	/* exit signal not in 0..64 -> EINVAL */
	CG_RULE_C9,	/* FS and NEWNS -> EINVAL */
	CG_RULE_C10,	/* NEWUSER while chrooted -> EPERM */
	CG_RULE_C11,	/* NEWUSER at user ns depth >= 32 -> EUSERS */
	CG_RULE_C12,	/* NEWUSER with unmapped euid/egid -> EPERM */
	CG_RULE_C13,	/* NEW{PID,NET,UTS,IPC} without CAP_SYS_ADMIN -> EPERM */
	CG_RULE_U1,	/* unshare VM or SIGHAND -> EINVAL */
	CG_RULE_U2,	/* unshare THREAD when multithreaded -> EINVAL */
	CG_RULE_U3,	/* unshare NEWUSER while chrooted -> EPERM */
	CG_RULE_U4_DEPTH, /* unshare NEWUSER at depth >= 32 -> EUSERS */
	CG_RULE_U4_IDS,	/* unshare NEWUSER with unmapped euid/egid -> EPERM */
	CG_RULE_U5,	/* unshare NEW{PID,NET,UTS,IPC,NS} without CAP_SYS_ADMIN -> EPERM */
	CG_RULE_UDROP,	/* unshare bits gVisor ignores: dropped, call succeeds */
	CG_RULE_S1,	/* setns fd not open -> EBADF */
	CG_RULE_S2,	/* setns fd not a net/ipc/mnt/uts ns file -> EINVAL */
	CG_RULE_S3,	/* setns nstype mismatch -> EINVAL */
	CG_RULE_S4,	/* setns net/ipc/uts without CAP_SYS_ADMIN -> EPERM */
	CG_RULE_S5,	/* setns mnt without CAP_SYS_ADMIN/CAP_SYS_CHROOT -> EPERM */
	CG_RULE_S6,	/* setns mnt with a shared fs context -> EINVAL */
	/* gvisor-head (gVisor at 3c5eee17d) only; see docs/policy.md */
	CG_RULE_H1,	/* clone/fork/vfork PIDFD with PARENT_SETTID -> EINVAL */
	CG_RULE_H2,	/* clone/fork/vfork PIDFD with DETACHED -> EINVAL */
	CG_RULE_H3,	/* clone3 DETACHED -> EINVAL */
	CG_RULE_H4,	/* clone3 (THREAD or PARENT) with an exit signal -> EINVAL */
	CG_RULE_H5,	/* NEWCGROUP or INTO_CGROUP, cgroup2 not mounted -> EINVAL */
	CG_RULE_H6,	/* SIGHAND with CLEAR_SIGHAND -> EINVAL */
	CG_RULE_H7,	/* PARENT from a pid namespace's init -> EINVAL */
	CG_RULE_H10,	/* unshare NEWCGROUP, cgroup2 not mounted -> EINVAL */
	CG_RULE_H11,	/* setns nstype NEWCGROUP, cgroup2 not mounted -> EINVAL */
	CG_RULE_H16A,	/* setns user: already the caller's user ns -> EINVAL */
	CG_RULE_H16B,	/* setns user: multithreaded caller -> EINVAL */
	CG_RULE_H16C,	/* setns user: shared fs context -> EINVAL */
	CG_RULE_H16D,	/* setns user: no CAP_SYS_ADMIN in it -> EPERM */
	CG_RULE_H17A,	/* setns pid: no CAP_SYS_ADMIN in its owner or own ns -> EPERM */
	CG_RULE_H17B,	/* setns pid: not the active pid ns or a descendant -> EINVAL */
	CG_RULE_H18,	/* setns cgroup: no CAP_SYS_ADMIN in its owner or own ns -> EPERM */
	CG_RULE_H12,	/* setns pidfd or /proc/<pid> dir: the task is a zombie or gone -> ESRCH */
	CG_RULE_H12_PROC, /* setns another file of a task's /proc dir -> ESRCH (quirk) */
	CG_RULE_H13,	/* setns pidfd: nstype 0 or outside the profile's set -> EINVAL */
	CG_RULE_H14,	/* setns pidfd: the caller may not ptrace-read the target -> EPERM */
	CG_RULE_H15,	/* setns pidfd: the target exiting, namespaces released -> ESRCH */
	CG_RULE_C5_SETNS, /* THREAD after a setns into a pid ns, even the own one -> EINVAL (quirk) */
	CG_RULE_C6_SETNS, /* NEWPID after a setns into a pid ns, even the own one -> EINVAL (quirk) */
	CG_RULE_H16_CREDS, /* setns pidfd: a join refused only with the credentials after the
			    * call's user ns join -> EPERM (quirk) */
	CG_RULE_MAX
};
#define CG_RULE_SLOTS	64

/* Profiles shipped with the module (their rows: tables.h). */
enum cg_profile_id {
	CG_PROFILE_GVISOR_21D66119 = 0,	/* the default */
	CG_PROFILE_GVISOR_8623C872,
	CG_PROFILE_LINUX,
	CG_PROFILE_GVISOR_HEAD,		/* gVisor at 3c5eee17d, cgroup2 not mounted */
	CG_PROFILE_GVISOR_HEAD_CGROUP2,	/* the same, run with --mount-cgroup-v2 */
	CG_PROFILE_MAX
};
#define CG_PROFILE_NAME_LEN	32

/*
 * Loaded profiles (CLONEGATE_IOC_LOAD): at most CG_MAX_LOADED_PROFILES at a
 * time, ids CG_PROFILE_LOADED_FIRST + slot (a slot freed by UNLOAD is used
 * again). The ids are apart from the built-ins' so that a module with more
 * built-ins never renumbers a loaded profile.
 */
#define CG_MAX_LOADED_PROFILES	16
#define CG_PROFILE_LOADED_FIRST	64

/* CLONEGATE_IOC_VERSION (read by anyone who can open the device). */
struct cg_version {
	__u32 size;
	__u32 abi_version;
	char module_version[CLONEGATE_VERSION_LEN];
	char kernel_release[64];
	__u32 nr_entries;
	__u32 nr_rules;
	__u32 nr_profiles;
	__u32 max_scopes;
	/* since LOAD: 0 from a module without it */
	__u32 max_loaded;		/* CG_MAX_LOADED_PROFILES */
	__u32 loaded_first;		/* CG_PROFILE_LOADED_FIRST */
};
#define CG_VERSION_SIZE_VER0	120	/* the first version of struct cg_version */

/*
 * CLONEGATE_IOC_APPLY and CLONEGATE_IOC_REMOVE. Both write cgroup_id back
 * before they change anything: a struct that cannot be written (a read-only
 * page) is EFAULT with the policy unchanged. If the change then fails
 * (ENOENT, ENOSPC, ENOMEM), cgroup_id has been written all the same.
 */
struct cg_policy {
	__u32 size;
	__u32 scope;		/* enum cg_scope_kind */
	__s32 cgroup_fd;	/* CG_SCOPE_CGROUP: an open cgroup v2 directory */
	__u32 profile;		/* enum cg_profile_id or a loaded id (ignored by REMOVE) */
	__u32 mode;		/* enum cg_mode (ignored by REMOVE) */
	__u32 flags;		/* must be 0 */
	__u64 cgroup_id;	/* out: the scope's cgroup id (kernfs inode), 0 for global */
};
#define CG_POLICY_SIZE_VER0	32

/* One scope in a CLONEGATE_IOC_LIST answer. */
struct cg_scope_info {
	__u32 scope;		/* enum cg_scope_kind */
	__u32 profile;
	__u32 mode;
	__u32 level;		/* cgroup depth below the root; 0 for global */
	__u64 cgroup_id;
	__u64 checked;		/* calls from tasks of this scope that were checked */
	__u64 refused;
	__u64 audited;
};

/*
 * CLONEGATE_IOC_LIST: scopes in the order they are matched (most specific
 * first). A scope whose cgroup was removed (rmdir) is not listed: the LIST,
 * APPLY or REMOVE call after the rmdir drops it (a change of its own, the
 * generation moves), and from then on it holds no slot of CG_MAX_SCOPES.
 */
struct cg_scope_list {
	__u32 size;
	__u32 count;		/* in: room in scopes[]; out: scopes that exist */
	__u64 scopes;		/* user pointer to struct cg_scope_info[count] */
	__u64 generation;	/* out: bumped by every change of the scopes */
};
#define CG_SCOPE_LIST_SIZE_VER0	24

/*
 * CLONEGATE_IOC_COUNTERS: module-wide counters since load or last RESET.
 * CLONEGATE_IOC_RESET (no argument; changing policy's privileges) zeroes
 * them and every scope's checked, refused and audited.
 */
struct cg_counters {
	__u32 size;
	__u32 nr_entries;	/* CG_ENTRY_MAX */
	__u32 nr_rules;		/* CG_RULE_MAX */
	__u32 pad;
	__u64 checked[CG_ENTRY_SLOTS];	/* policed calls per entry point */
	__u64 refused[CG_RULE_SLOTS];	/* refusals per rule (enforce) */
	__u64 audited[CG_RULE_SLOTS];	/* would-be refusals per rule (audit) */
	__u64 dropped[CG_ENTRY_SLOTS];	/* unshare calls whose ignored bits were dropped */
};
#define CG_COUNTERS_SIZE_VER0	1296

/*
 * A loaded profile: the fields of a built-in's row (struct cg_profile_def,
 * tables.h), by value. CLONEGATE_IOC_LOAD takes one (changing policy's
 * privileges; EINVAL for anything malformed, EEXIST for a name a built-in
 * or a loaded profile has, ENOSPC when CG_MAX_LOADED_PROFILES are loaded)
 * and writes back id. The module checks every field:
 *
 *   - name: 1 to 32 of a-z 0-9 . _ -, a letter or digit first, not "none";
 *     NUL-terminated and every byte after the NUL zero; what: at most 120
 *     printable ASCII characters (0x20-0x7e), the same way;
 *   - clone_supported, unshare_handled: ~0 (all) or named flags only
 *     (CG_CLONE_KNOWN); setns_types: ~0 or namespace flags only
 *     (CG_CLONE_NS_ALL); clone_caps, unshare_caps: namespace flags only;
 *   - rules: CG_RULE_BIT() of known rules (not CG_RULE_NONE), and none of
 *     H5, H10, H11 when cgroup2 is 1 (they refuse only while it is 0);
 *   - setns_pidfd, cgroup2: 0 or 1; flags and pad: 0.
 *
 *   - rule_err (since CG_PROFILE_SPEC_SIZE_VER1), indexed by rule id: 0,
 *     or the errno the rule refuses with instead of the catalogue's
 *     (cg_rules[].err), one of cg_profile_errnos[] (tables.h); only for a
 *     rule that is on and refuses (not U-drop), and 0 beyond CG_RULE_MAX.
 *
 * A caller with the first version's size (CG_PROFILE_SPEC_SIZE_VER0) loads
 * a profile whose rules refuse with the catalogue's errnos, and INFO gives
 * it no errnos: the missing rule_err reads as zero.
 *
 * CLONEGATE_IOC_UNLOAD (changing policy's privileges) and
 * CLONEGATE_IOC_INFO take the same struct and read only name, or id when
 * name is empty: ENOENT if no such profile is loaded. UNLOAD is EBUSY while
 * a scope uses the profile (remove or re-apply the scope first); INFO
 * writes the profile back, nr_scopes the scopes that use it. A built-in
 * cannot be unloaded or read through INFO (ENOENT). To list the loaded
 * profiles, ask INFO for every id from loaded_first on (struct cg_version).
 */
struct cg_profile_spec {
	__u32 size;
	__u32 id;		/* LOAD: out; UNLOAD, INFO: in when name is empty */
	__u32 flags;		/* must be 0 */
	__u32 nr_scopes;	/* INFO: out; LOAD: must be 0 */
	char name[48];
	char what[128];
	__u64 clone_supported;
	__u64 rules;
	__u64 setns_types;
	__u64 unshare_handled;
	__u64 clone_caps;
	__u64 unshare_caps;
	__u8 setns_pidfd;
	__u8 cgroup2;
	__u8 pad[6];
	/* since VER1: 0 from an older caller or module */
	__u8 rule_err[CG_RULE_SLOTS];	/* a rule's errno, 0: the catalogue's */
};
#define CG_PROFILE_SPEC_SIZE_VER0	248
#define CG_PROFILE_SPEC_SIZE_VER1	312	/* rule_err */
#define CG_PROFILE_SPEC_NAME_MAX	32	/* characters of name */
#define CG_PROFILE_SPEC_WHAT_MAX	120	/* characters of what */

#ifndef __bpf__
#define CLONEGATE_IOC_MAGIC	0xCE
/* No size in the numbers: the argument's size field versions it (above). */
#define CLONEGATE_IOC_VERSION	_IO(CLONEGATE_IOC_MAGIC, 0)	/* struct cg_version */
#define CLONEGATE_IOC_APPLY	_IO(CLONEGATE_IOC_MAGIC, 1)	/* struct cg_policy */
#define CLONEGATE_IOC_REMOVE	_IO(CLONEGATE_IOC_MAGIC, 2)	/* struct cg_policy */
#define CLONEGATE_IOC_LIST	_IO(CLONEGATE_IOC_MAGIC, 3)	/* struct cg_scope_list */
#define CLONEGATE_IOC_COUNTERS	_IO(CLONEGATE_IOC_MAGIC, 4)	/* struct cg_counters */
#define CLONEGATE_IOC_RESET	_IO(CLONEGATE_IOC_MAGIC, 5)	/* no argument */
#define CLONEGATE_IOC_LOAD	_IO(CLONEGATE_IOC_MAGIC, 6)	/* struct cg_profile_spec */
#define CLONEGATE_IOC_UNLOAD	_IO(CLONEGATE_IOC_MAGIC, 7)	/* struct cg_profile_spec */
#define CLONEGATE_IOC_INFO	_IO(CLONEGATE_IOC_MAGIC, 8)	/* struct cg_profile_spec */
#endif

#define CG_MAX_SCOPES	64

#endif /* CLONEGATE_ABI_H */
