/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The BPF LSM backend's interface between bpf/lsm_policy.bpf.c and the
 * clonegate command (userspace/lsm_policy.c): its configuration, set in
 * the object's data before it loads, its counters, and where
 * 'policy apply --backend bpf' pins them.
 */
#ifndef CLONEGATE_LSM_POLICY_H
#define CLONEGATE_LSM_POLICY_H

#include "lsm_pins.h"
#include "tables.h"

#define CG_LSM_NAME_MAX		64	/* a profile's name, with its NUL */
#define CG_LSM_PATH_MAX		256	/* a scope's cgroup path, with its NUL */
#define CG_LSM_MAGIC		0x43474c31	/* "CGL1": this layout of cg_lsm_config */

/* One scope: the whole host, or every task in one cgroup v2 subtree. */
struct cg_lsm_config {
	struct cg_profile_def profile;	/* name and what are not used here */
	__u32 mode;			/* CG_MODE_ENFORCE or CG_MODE_AUDIT */
	__u32 cgroup_scope;		/* 1: only tasks under cg_lsm_cgroup[0] */
	/*
	 * For the command (list, status, the overlap checks) and the events:
	 * the programs' decisions never read these. Found again from any attached instance
	 * through its task_alloc program's .bss map.
	 */
	__u32 magic;			/* CG_LSM_MAGIC */
	__u32 pinned;			/* 1: 'policy apply', 0: a 'run' holds it */
	__u64 cgroup_id;		/* the scope's cgroup; 0 for the whole host */
	__u64 probe_checked;		/* the start-up probe's calls (see lsm_policy.c) */
	__u32 events;			/* 1: decision events in cg_lsm_events (a run reads them) */
	__u32 profile_id;		/* for the events: enum cg_profile_id, a loaded id, or ~0 */
	char profile_name[CG_LSM_NAME_MAX];
	char cgroup_path[CG_LSM_PATH_MAX];	/* "/a/b", "" for the whole host */
};

/*
 * Decision events for 'clonegate events' (userspace/lsm_readers.c): each
 * collector holds one of an instance's CG_LSM_READERS slots, its ring
 * buffer in cg_lsm_readers and its --cgroup in cg_lsm_rd_cg, and says who
 * it is in cg_lsm_rd_owner so that a collector that died without taking
 * its ring out can be told from one that lives. The programs write to a
 * slot's ring only while the slot has an owner.
 */
#define CG_LSM_READERS		8

struct cg_lsm_reader_owner {
	__u32 pid;			/* 0: the slot is free */
	__u32 pad;
	__u64 start_time;		/* the pid's start (/proc/PID/stat field 22) */
};

#endif /* CLONEGATE_LSM_POLICY_H */
