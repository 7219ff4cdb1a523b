/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Where the BPF backend's applied policies live, for the command and for
 * anyone who reads them without it (the selftests, bpftool): the pin
 * directories and the counters' layout. No profile tables here.
 */
#ifndef CLONEGATE_LSM_PINS_H
#define CLONEGATE_LSM_PINS_H

#ifndef __bpf__
#include <linux/types.h>	/* BPF programs: from vmlinux.h */
#endif

/*
 * 'clonegate policy apply --backend bpf' pins each policy's links and
 * counters in CG_LSM_PIN_DIR/<name>, <name> being "global" or
 * "cgroup_<id>" (bpffs takes no '.' in a name): the files CG_LSM_PIN_LINKS
 * name, and "counts" (the cg_lsm_counts map). Removing the directory's
 * files detaches the policy.
 */
#define CG_LSM_PIN_DIR		"/sys/fs/bpf/clonegate"
#define CG_LSM_PIN_LINKS	"kernel_clone", "task_alloc", "userns_create"

/* Per CPU, per rule (index: enum cg_rule; CG_RULE_NONE: calls checked). */
struct cg_lsm_count {
	__u64 refused;			/* enforce: the call failed with the rule's errno */
	__u64 audited;			/* audit: it would have */
	__u64 checked;			/* only in CG_RULE_NONE's slot */
};

#endif /* CLONEGATE_LSM_PINS_H */
