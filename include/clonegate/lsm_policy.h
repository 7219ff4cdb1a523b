/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The BPF LSM backend's interface between bpf/lsm_policy.bpf.c and the
 * clonegate command (userspace/lsm_policy.c): its configuration, set in
 * the object's read-only data before it loads, and its counters.
 */
#ifndef CLONEGATE_LSM_POLICY_H
#define CLONEGATE_LSM_POLICY_H

#include "tables.h"

/* One scope: the whole host, or every task in one cgroup v2 subtree. */
struct cg_lsm_config {
	struct cg_profile_def profile;	/* name and what are not used here */
	__u32 mode;			/* CG_MODE_ENFORCE or CG_MODE_AUDIT */
	__u32 cgroup_scope;		/* 1: only tasks under cg_lsm_cgroup[0] */
};

/* Per CPU, per rule (index: enum cg_rule; CG_RULE_NONE: calls checked). */
struct cg_lsm_count {
	__u64 refused;			/* enforce: the call failed with the rule's errno */
	__u64 audited;			/* audit: it would have */
	__u64 checked;			/* only in CG_RULE_NONE's slot */
};

#endif /* CLONEGATE_LSM_POLICY_H */
