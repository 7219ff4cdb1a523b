/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * lsm_policy: the BPF LSM backend (bpf/lsm_policy.bpf.c) seen from the
 * command: load it with a profile, a mode and a cgroup, read its counters,
 * detach it.
 */
#ifndef CLONEGATE_LSM_POLICY_LOADER_H
#define CLONEGATE_LSM_POLICY_LOADER_H

#include <stddef.h>
#include <linux/types.h>

#include <clonegate/abi.h>
#include <clonegate/tables.h>

struct lsm_policy;

/*
 * Enforce (or audit) @profile (built in, loaded or a file's: its def, with
 * its errnos) on every task under the cgroup @cgroup_fd, from now until
 * lsm_policy_stop(). NULL if it cannot, and why is said on stderr.
 */
struct lsm_policy *lsm_policy_start(const struct cg_profile_def *profile, int mode,
				    int cgroup_fd);

/* Sum the per-CPU counters: calls checked, refusals and audits per rule. */
int lsm_policy_counts(struct lsm_policy *lp, __u64 *checked, __u64 refused[CG_RULE_SLOTS],
		      __u64 audited[CG_RULE_SLOTS]);

/*
 * How many instances of the backend are attached on this host (each 'run
 * --backend bpf' holds one), found by their task_alloc program's name;
 * -errno if the programs cannot be listed (not root).
 */
int lsm_policy_active(void);

/*
 * The module's side of "the two backends never police the same task": 0
 * while no run of the BPF backend is attached (or they cannot be listed:
 * the module's own checks then answer), else -1, and why on stderr. @what
 * names the refused action.
 */
int lsm_policy_refuse_if_active(const char *what);

/* Detach and unload (NULL: nothing). */
void lsm_policy_stop(struct lsm_policy *lp);

#endif /* CLONEGATE_LSM_POLICY_LOADER_H */
