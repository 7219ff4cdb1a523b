/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * lsm_policy: the BPF LSM backend (bpf/lsm_policy.bpf.c) seen from the
 * command: load it with a profile, a mode and a scope, pin it or hold it,
 * read its counters, detach it; find the instances attached on the host.
 */
#ifndef CLONEGATE_LSM_POLICY_LOADER_H
#define CLONEGATE_LSM_POLICY_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#include <clonegate/abi.h>
#include <clonegate/lsm_policy.h>
#include <clonegate/tables.h>

#include "profile_file.h"

struct lsm_policy;

/* Where an instance polices. */
struct lsm_scope {
	int cgroup_fd;			/* the scope's cgroup; -1: the whole host */
	__u64 cgroup_id;		/* its id; 0 for the whole host */
	const char *cgroup_path;	/* "/a/b" as 'policy list' shows it; NULL for the host */
	bool pinned;			/* for 'policy apply' (lsm_policy_pin() follows) */
	bool events;			/* decision events, for a reader (lsm_policy_events_fd()) */
};

/*
 * Enforce (or audit) @profile (built in, loaded or a file's, with its
 * errnos) on every task of @scope, from now until lsm_policy_stop() or,
 * once pinned, 'policy remove'. NULL if it cannot, and why is said on
 * stderr.
 */
struct lsm_policy *lsm_policy_start(const struct profile *profile, int mode,
				    const struct lsm_scope *scope);

/* The decision events' ring buffer (scope->events), and how many it had no room for. */
int lsm_policy_events_fd(struct lsm_policy *lp);
unsigned long long lsm_policy_events_lost(struct lsm_policy *lp);

/* Pin it (see clonegate/lsm_policy.h), replacing the scope's pinned one: 0 or -errno. */
int lsm_policy_pin(struct lsm_policy *lp);

/* Sum the per-CPU counters: calls checked, refusals and audits per rule. */
int lsm_policy_counts(struct lsm_policy *lp, __u64 *checked, __u64 refused[CG_RULE_SLOTS],
		      __u64 audited[CG_RULE_SLOTS]);

/* The same, from a cg_lsm_counts map's fd: 0 or -errno. */
int lsm_counts_read(int map_fd, __u64 *checked, __u64 refused[CG_RULE_SLOTS],
		    __u64 audited[CG_RULE_SLOTS]);

/* ---- lsm_pins.c: the instances attached on this host ---- */

struct lsm_instance {
	__u32 prog_id;			/* its task_alloc program */
	bool known;			/* cfg was read (an instance of this build's layout) */
	bool gone;			/* its scope's cgroup was removed */
	struct cg_lsm_config cfg;
	__u64 checked;			/* the probe's calls left out */
	__u64 refused[CG_RULE_SLOTS], audited[CG_RULE_SLOTS];
	/* Its collectors' maps (lsm_readers.c); 0: a build without them. */
	__u32 readers_map_id, rd_cgroup_map_id, rd_lost_map_id, rd_owner_map_id;
};

/*
 * Every attached instance, applied or a run's: how many (*out malloc'd),
 * or -errno. With @paths, each scope's cgroup path as it is now, and
 * whether it is gone (a walk of the cgroup v2 mount, for those who compare
 * or show paths); without, the path it was applied with.
 */
int lsm_instances(struct lsm_instance **out, bool paths);

/* Room for a pin directory's path: CG_LSM_PIN_DIR "/cgroup_" and 20 digits. */
#define LSM_PIN_DIR_LEN	64

/* The pin directory of the scope with cgroup id @cgroup_id (0: the whole host). */
void lsm_pin_dir(__u64 cgroup_id, char *buf, size_t len);

/* An instance's scope in messages: its cgroup path, or "the whole host (global)". */
const char *lsm_scope_shown(const struct cg_lsm_config *cfg);

/* Unlink a pin directory's files and the directory: 0 or -errno (-ENOENT: none). */
int lsm_unpin(const char *dir);

/* The same, and return once the kernel has detached the programs (-ETIMEDOUT if not). */
#define LSM_REMOVE_WAIT_MS	5000
int lsm_unpin_wait(const char *dir);

/* Unpin what an 'apply' of dir's scope that was killed halfway left behind. */
void lsm_unpin_leftovers(const char *dir);

/*
 * How many instances are attached (lsm_instances()); -errno if the
 * programs cannot be listed (not root).
 */
int lsm_policy_active(void);

/*
 * The module's side of "the two backends never police the same task": 0
 * while no instance of the BPF backend is attached (or they cannot be
 * listed: the module's own checks then answer), else -1, and why on
 * stderr. @what names the refused action.
 */
int lsm_policy_refuse_if_active(const char *what);

/*
 * The other side: 0 while the module (if loaded) has no scope that
 * enforces or audits, else -1, and why on stderr.
 */
int lsm_module_conflict(const char *what);

/*
 * BPF scopes never overlap: 0 when @scope overlaps no attached instance
 * (the scope's own pinned policy, which @scope replaces, excepted), else
 * -1 and why on stderr, @what naming the refused action.
 */
int lsm_scope_conflict(const struct lsm_scope *scope, const char *what);

/* Detach and unload (NULL: nothing). */
void lsm_policy_stop(struct lsm_policy *lp);

#endif /* CLONEGATE_LSM_POLICY_LOADER_H */
