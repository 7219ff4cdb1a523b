/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * cmds: the objects main.c dispatches to, one cmd_<object>.c each, and the
 * little the verbs share beyond diag.h, opts.h and names.h.
 */
#ifndef CLONEGATE_CMDS_H
#define CLONEGATE_CMDS_H

#include <stdbool.h>

#include <clonegate/abi.h>

/* The profile 'policy apply' and 'run' use when none is named. */
#define CG_DEFAULT_PROFILE	CG_PROFILE_GVISOR_21D66119

int do_policy(int argc, char **argv);	/* cmd_policy.c */
int do_profile(int argc, char **argv);	/* cmd_profile.c */
int profile_diff(int argc, char **argv);	/* cmd_profile_diff.c */
int do_status(int argc, char **argv);	/* cmd_status.c */
int do_module(int argc, char **argv);	/* cmd_module.c */
int do_events(int argc, char **argv);	/* cmd_events.c */
int do_run(int argc, char **argv);	/* cmd_run.c */
int do_version(int argc, char **argv);	/* cmd_version.c */

/* cmd_policy_bpf.c: the policy verbs with --backend bpf, after their options. */
struct policy_bpf_args {
	const char *where;	/* "clonegate policy apply", for messages */
	bool global;		/* --global, else --cgroup */
	const char *cgroup;
	const char *profile;	/* apply: a name or a file */
	int mode;		/* apply: CG_MODE_* */
};
int policy_apply_bpf(const struct policy_bpf_args *a);
int policy_remove_bpf(const struct policy_bpf_args *a);
int policy_list_bpf(void);

#endif /* CLONEGATE_CMDS_H */
