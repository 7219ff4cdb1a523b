/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * run: what the files of 'clonegate run' share (cmd_run.c, run_cgroup.c,
 * run_spawn.c, run_events.c, run_summary.c): one struct run, filled in as
 * the steps go, and each step's entry point.
 */
#ifndef CLONEGATE_RUN_H
#define CLONEGATE_RUN_H

#include <stdbool.h>
#include <stdio.h>
#include <linux/types.h>

#include <clonegate/abi.h>
#include <clonegate/events.h>

#include "ev.h"
#include "profile_file.h"

#define RUN_PREFIX	"clonegate.run."
#define MAX_KINDS	256		/* distinct (rule, entry, flags, mode) rows */

/* Who enforces: the module (a scope on the cgroup) or BPF LSM programs. */
enum run_backend { RUN_BACKEND_MODULE, RUN_BACKEND_BPF };

/* Exit statuses of 'run' itself, like a shell's. */
#define EXIT_NOEXEC	126
#define EXIT_NOTFOUND	127

/* One row of the summary: the decisions alike but for who made them. */
struct kind {
	__u32 rule, entry, mode;
	int err;
	__u64 flags;
	unsigned long long count;
	__u32 first_pid;
	char first_comm[CG_COMM_LEN + 1];
};

struct run {
	/* configuration */
	int profile, mode;		/* profile: built-in or loaded id (-1: a file's) */
	struct profile bpf_profile;	/* --backend bpf: the profile itself, any kind */
	enum run_backend backend;
	const char *parent_arg;
	const char *events_arg;
	FILE *events_out;
	/* state */
	int ctl_fd, parent_fd, cgroup_fd;
	char name[64];			/* clonegate.run.<pid> */
	char *parent_shown;
	char shown[4096];		/* the cgroup as 'policy list' prints it */
	const char *cmd;		/* argv[0] of CMD */
	bool applied, created, started;
	__u64 cgroup_id;
	struct ev_stream *stream;
	struct lsm_policy *lsm;		/* --backend bpf: the attached programs */
	char no_events_why[256];
	struct cg_counters before;
	bool have_before;
	/* results */
	struct kind kinds[MAX_KINDS];
	unsigned int nkinds;
	unsigned long long other;	/* events beyond MAX_KINDS rows */
	unsigned long long refused, audited, dropped;
	bool have_scope;
	struct cg_scope_info scope;
	struct cg_counters after;
	bool have_after;
	bool events_failed;
};

/* run_cgroup.c: the transient cgroup and its scope. EXIT_OK or EXIT_FAIL (reported). */
int run_open_parent(struct run *r);
int run_create_cgroup(struct run *r);
int run_apply_policy(struct run *r);
/* Empty the cgroup, read the scope, REMOVE it, rmdir; false if anything was left. */
bool run_teardown(struct run *r);

/*
 * run_lsm.c: --backend bpf. Attach the programs to the cgroup (unless
 * another BPF scope covers it) and read their decision events, and at the
 * end take their counters into the summary's fields. EXIT_OK or EXIT_FAIL
 * (reported).
 */
int run_lsm_start(struct run *r);
void run_lsm_finish(struct run *r);
void run_lsm_stop(struct run *r);	/* detach: after the summary and the stream */

/* run_spawn.c: start CMD in the cgroup and wait for it (see there). */
int run_spawn(struct run *r, char **argv, int *status);

/* run_events.c: the decision events, counted by kind. */
void run_on_event(const struct ev *ev, void *ctx);	/* an ev_stream_cb */
/*
 * poll() fd for 'events' together with the event stream (if any), for at
 * most timeout_ms, then take what the stream holds. poll()'s result, with
 * fd's revents in *revents.
 */
int run_poll(struct run *r, int fd, short events, int timeout_ms, short *revents);

/* run_summary.c: what the run saw, on stderr (text, or JSON with --json). */
void run_summary(const struct run *r, int status);

#endif /* CLONEGATE_RUN_H */
