/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * clonegate events: the records the BPF programs put in the ring buffer and
 * the clonegate command reads back. Shared by both sides, so plain C with
 * fixed-size types and explicit padding only.
 *
 * Every record starts with struct cg_event_hdr. A reader dispatches on
 * hdr.type and must skip (not fail on) types it does not know, using
 * hdr.size; a record may grow at its end, so a reader accepts any
 * hdr.size >= the sizeof() it was compiled with.
 *
 * Times are CLOCK_MONOTONIC nanoseconds as the kernel keeps them
 * (bpf_ktime_get_ns(), task_struct.start_time); the reader converts them
 * to CLOCK_REALTIME for output, as gVisor reports them.
 *
 * Every record the BPF side could not deliver (ring buffer full) is
 * counted by type in the per-CPU array map "dropped", indexed by enum
 * cg_event_type. (An unshare/setns whose kretprobe ran out of instances
 * never reaches BPF: the kernel counts it, not us.)
 */
#ifndef CLONEGATE_EVENTS_H
#define CLONEGATE_EVENTS_H

/* BPF programs get the __u* types from vmlinux.h; everyone else from here. */
#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define CG_EVENTS_VERSION	5
#define CG_COMM_LEN		16	/* TASK_COMM_LEN */
#define CG_PATH_LEN		256	/* cwd and cgroup path buffers, power of two */
#define CG_PATH_DEPTH		32	/* most components a path walk follows */

enum cg_event_type {
	CG_EVENT_NONE		= 0,
	CG_EVENT_CLONE		= 1,	/* a task was created (sched_process_fork) */
	CG_EVENT_DECISION	= 2,	/* the module refused or audited a call */
	CG_EVENT_UNSHARE	= 3,	/* unshare(2) returned */
	CG_EVENT_SETNS		= 4,	/* setns(2) returned */
	CG_EVENT_MAX
};
#define CG_EVENT_SLOTS		8	/* size of the "dropped" array */

/*
 * Context fields (gVisor's ContextData), one bit each in the BPF config and
 * in cg_event_task.fields. Numbered like ContextData's field numbers - 1.
 */
enum cg_field {
	CG_FIELD_TIME			= 0,
	CG_FIELD_THREAD_ID		= 1,
	CG_FIELD_THREAD_START_TIME	= 2,
	CG_FIELD_THREAD_GROUP_ID	= 3,
	CG_FIELD_THREAD_GROUP_START_TIME = 4,
	CG_FIELD_CONTAINER_ID		= 5,
	CG_FIELD_CREDENTIALS		= 6,
	CG_FIELD_CWD			= 7,
	CG_FIELD_PROCESS_NAME		= 8,
	CG_FIELD_PARENT_THREAD_GROUP_ID	= 9,
	CG_FIELD_MAX
};
#define CG_FIELD_BIT(f)		(1U << (f))
#define CG_FIELDS_ALL		((1U << CG_FIELD_MAX) - 1)

struct cg_event_hdr {
	__u16 type;		/* enum cg_event_type */
	__u16 size;		/* bytes in the whole record, this header included */
	__u32 cpu;		/* CPU the record was written on */
	__u64 time_ns;		/* when it was written (CLOCK_MONOTONIC) */
};

/* Real, effective and saved ids, as seen from the initial user namespace. */
struct cg_event_creds {
	__u32 uid, euid, suid;
	__u32 gid, egid, sgid;
};

/*
 * A path as the BPF walk found it: its components from the leaf up (the
 * cwd's own name first, the root's child last), each NUL-terminated, in
 * buf[0..len). depth 0 is the root itself ("/"). CG_PATH_TRUNCATED: the
 * walk stopped before the root (too deep or too long); what is there is the
 * leaf end of the path.
 */
#define CG_PATH_TRUNCATED	0x1
#define CG_PATH_UNREACHABLE	0x2	/* cwd outside the task's root (chroot escape) */
/*
 * The cgroup path only: len is 0 and the path is the value of the task's
 * cgroup_id in the BPF map "cgroup_paths" (a struct cg_event_path there),
 * which the BPF side filled before it sent the record and never deletes
 * from. The walk costs most of a record; a cgroup's path is sent once.
 */
#define CG_PATH_CACHED		0x4
struct cg_event_path {
	__u16 len;
	__u8 depth;
	__u8 flags;
	__u32 pad;
	char buf[CG_PATH_LEN];
};

/*
 * The task that made the call (gVisor's ContextData). Ids are as seen from
 * the initial pid namespace. Fields whose bit is clear in 'fields' were not
 * collected and are zero.
 */
struct cg_event_task {
	__u32 tid;
	__u32 tgid;
	__u64 start_time_ns;		/* the thread's start (CLOCK_MONOTONIC) */
	__u64 group_start_time_ns;	/* its thread group leader's start */
	__u64 cgroup_id;		/* cgroup v2 id (kernfs inode number), always set */
	struct cg_event_creds creds;
	__u32 fields;			/* CG_FIELD_BIT()s collected */
	__u32 parent_tgid;		/* CG_FIELD_PARENT_THREAD_GROUP_ID: real_parent's tgid */
	char comm[CG_COMM_LEN];		/* NUL-terminated */
	struct cg_event_path cgroup;	/* CG_FIELD_CONTAINER_ID: cgroup v2 path */
	struct cg_event_path cwd;	/* CG_FIELD_CWD */
};

/* CG_EVENT_CLONE: one record per task created, threads included. */
struct cg_event_clone {
	struct cg_event_hdr hdr;
	struct cg_event_task ctx;	/* the caller of clone/fork/... */
	__u32 created_tid;
	__u32 created_tgid;
	__u64 created_start_time_ns;	/* CLOCK_MONOTONIC */
	__u64 flags;			/* kernel_clone_args.flags (no exit signal byte) */
	__u64 pad;
};

/* CG_EVENT_DECISION: the module's clonegate:clonegate_decision tracepoint. */
struct cg_event_decision {
	struct cg_event_hdr hdr;
	struct cg_event_task ctx;	/* the caller */
	__u32 entry_point;		/* enum cg_entry */
	__u32 rule;			/* enum cg_rule */
	__u32 mode;			/* enum cg_mode */
	__s32 err;			/* errno (positive) the rule gives; 0 for U-drop */
	__u64 flags;			/* the request's flags (setns: nstype) */
	__u64 scope_cgroup_id;		/* the scope's cgroup id (0: global) */
	__u32 profile;			/* enum cg_profile_id */
	__u32 pad;
};

/* CG_EVENT_UNSHARE: unshare(flags) returned 'result' (0 or -errno). */
struct cg_event_unshare {
	struct cg_event_hdr hdr;
	struct cg_event_task ctx;
	__u32 entry_point;		/* CG_ENTRY_UNSHARE or CG_ENTRY_IA32_UNSHARE */
	__s32 result;
	__u64 flags;			/* as the caller passed them */
};

/* CG_EVENT_SETNS: setns(fd, nstype) returned 'result' (0 or -errno). */
struct cg_event_setns {
	struct cg_event_hdr hdr;
	struct cg_event_task ctx;
	__u32 entry_point;		/* CG_ENTRY_SETNS or CG_ENTRY_IA32_SETNS */
	__s32 result;
	__s32 fd;
	__u32 nstype;			/* the nstype argument (0: any) */
	__u64 ns_type;			/* CLONE_NEW* of the namespace fd refers to; 0 if not a ns file */
};

#endif /* CLONEGATE_EVENTS_H */
