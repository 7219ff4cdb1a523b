/* SPDX-License-Identifier: GPL-2.0 */
/*
 * clonegate internal interfaces. See main.c for the design overview.
 */
#ifndef CLONEGATE_INTERNAL_H
#define CLONEGATE_INTERNAL_H

#include <linux/types.h>
#include <linux/cgroup.h>
#include <linux/percpu.h>

#include <clonegate/abi.h>
#include <clonegate/tables.h>

/* ---- policy.c: the one rule engine ------------------------------------ */

/*
 * One request, whichever entry point it came from. Hooks fill it from the
 * kernel's own copy of the arguments (or, for clone3's errno preview, from a
 * snapshot of user memory that never decides alone).
 */
struct cg_request {
	enum cg_entry entry;
	u64 flags;		/* clone: without CSIGNAL; clone3: all 64 bits */
	int exit_signal;	/* clone family */
	bool set_tid;		/* clone3: set_tid given */
	/* clone3's entry only */
	u64 clone3_size;	/* the size argument (A1) */
	bool previewed;		/* flags and set_tid were read from user memory */
	bool preview_faulted;	/* the read was tried and faulted */
	/* create_user_ns() returned EPERM (the C10/U3 probe) */
	bool userns_eperm;
	/* setns only */
	bool ns_file_open;	/* S1 */
	u64 ns_type;		/* CLONE_NEW* of the ns file, 0 if not one */
	u64 nstype_arg;		/* setns(2)'s nstype argument */
	struct user_namespace *ns_owner;
	bool ns_pidfd;		/* the fd is a pidfd */
	bool ns_proc_dir;	/* a /proc/<pid> or /proc/<pid>/task/<tid> directory */
	bool ns_proc_file;	/* any other file under a /proc/<pid> directory */
	/* pidfd or ns_proc_dir: the task (NULL: gone), valid under rcu_read_lock() */
	struct task_struct *ns_task;
	struct user_namespace *ns_user;	/* the target, for a user ns file */
	struct pid_namespace *ns_pid;	/* the target, for a pid ns file */
};

/* Each returns the first rule that refuses, or CG_RULE_NONE. */
int cg_decide_clone(const struct cg_profile_def *p, const struct cg_request *rq,
		    enum cg_rule last);
int cg_decide_clone3_entry(const struct cg_profile_def *p, const struct cg_request *rq);
int cg_decide_unshare(const struct cg_profile_def *p, const struct cg_request *rq);
int cg_decide_userns_refusal(const struct cg_profile_def *p, const struct cg_request *rq);
int cg_decide_setns(const struct cg_profile_def *p, const struct cg_request *rq);
int cg_decide_ns_install(const struct cg_profile_def *p, const struct cg_request *rq);
u64 cg_unshare_dropped_bits(const struct cg_profile_def *p, u64 flags);

/* ---- scope.c: which profile and mode cover a task ---------------------- */

struct cg_scope_stats {
	u64 checked;
	u64 refused;
	u64 audited;
};

struct cg_scope {
	u32 kind;			/* enum cg_scope_kind */
	u32 profile;			/* enum cg_profile_id or a loaded id */
	const struct cg_profile_def *def; /* profile's row (profiles.c) */
	u32 mode;			/* enum cg_mode */
	u32 level;			/* cgroup level, 0 for global */
	u64 cgid;
	struct cgroup *cgrp;		/* holds a reference; NULL for global */
	struct cg_scope_stats __percpu *stats;
};

/*
 * An immutable snapshot of every scope, replaced as a whole under RCU so a
 * clone racing a policy change sees the old policy or the new one.
 * scopes[] is in match order: cgroup scopes deepest first, global last.
 */
struct cg_state {
	struct rcu_head rcu;
	u64 generation;
	u32 nr;
	struct cg_scope scopes[];
};

struct cg_stats {
	u64 checked[CG_ENTRY_SLOTS];
	u64 refused[CG_RULE_SLOTS];
	u64 audited[CG_RULE_SLOTS];
	u64 dropped[CG_ENTRY_SLOTS];
};

DECLARE_PER_CPU(struct cg_stats, cg_stats);

/* Under rcu_read_lock(): the scope covering current, or NULL. */
const struct cg_scope *cg_scope_of_current(void);
bool cg_current_is_confined(void);

int cg_scope_apply(const struct cg_policy *pol, const struct cg_profile_def *def,
		   struct cgroup *cgrp);
u32 cg_scope_uses(const struct cg_profile_def *def);
int cg_scope_remove(u32 kind, struct cgroup *cgrp);
int cg_scope_list(struct cg_scope_info *out, u32 room, u32 *total, u64 *generation);
void cg_scope_prune(void);
void cg_scope_reset(void);
void cg_scope_exit(void);

/* ---- profiles.c: loaded profiles --------------------------------------- */

struct cg_loaded;

void cg_profiles_lock_table(void);
void cg_profiles_unlock_table(void);
/* These need the table locked. */
const struct cg_profile_def *cg_profile_def(u32 id);
struct cg_loaded *cg_profile_prepare(struct cg_profile_spec *sp);
void cg_profile_commit(struct cg_loaded *l, u32 id);
int cg_profile_info(struct cg_profile_spec *sp);
int cg_profile_unload(const struct cg_profile_spec *sp);
void cg_profiles_exit(void);

/* ---- hooks.c ----------------------------------------------------------- */

int cg_hooks_init(void);
void cg_hooks_exit(void);

/*
 * Record one decision: counters, the rate-limited log line, the tracepoint.
 * mode is the scope's mode (audit or enforce).
 */
void cg_record(const struct cg_scope *scope, const struct cg_request *rq,
	       enum cg_rule rule, u32 mode);

/* ---- context.c: the syscall current is in ------------------------------ */

bool cg_is_clone3(enum cg_entry e);
enum cg_entry cg_clone_entry(void);
enum cg_entry cg_unshare_entry(void);
bool cg_in_setns(void);
bool cg_in_unshare(void);
void cg_clone3_preview(struct cg_request *rq, unsigned long uargs);
void cg_current_request(struct cg_request *rq);

/* ---- probes.c: kretprobes (C10/U3; setns for C5/C6.setns) -------------------------------------- */

int cg_probes_init(void);
void cg_probes_exit(void);
int cg_probes_coverage(char *buf, int n);

/* ---- clone3_mark.c: one answer and one record per clone3 call ---------- */

enum cg_clone3_mark_state { CG_CLONE3_NONE, CG_CLONE3_RECORDED, CG_CLONE3_RETRIED };

enum cg_clone3_mark_state cg_clone3_mark_take(void);
void cg_clone3_mark_set(enum cg_clone3_mark_state state);

/* ---- pidns_joined.c: "this thread joined a pid namespace" (C5/C6.setns) */

void cg_pidns_join_begin(void);
void cg_pidns_join_end(bool ok);
bool cg_pidns_joined(void);
void cg_pidns_joined_exit(void);

/* ---- task_ns.c: the namespaces a pidfd join takes from its target ------ */

struct cg_task_ns {
	struct user_namespace *user;	/* of the target's credentials */
	struct pid_namespace *pid;	/* its active one; NULL once detached */
	struct user_namespace *net_owner, *uts_owner, *ipc_owner, *cgroup_owner;
	struct user_namespace *mnt_owner;	/* NULL: not known (task_ns.c) */
};

void cg_task_ns_init(void);
bool cg_task_ns_lock(struct task_struct *t, struct cg_task_ns *ns);
void cg_task_ns_unlock(struct task_struct *t);

/* ---- control.c --------------------------------------------------------- */

int cg_control_init(void);
void cg_control_exit(void);

#endif /* CLONEGATE_INTERNAL_H */
