// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * run_lsm: 'clonegate run --backend bpf', the steps that differ from the
 * module's: no scope is applied; the BPF LSM programs (lsm_policy.c) are
 * attached to the run's cgroup instead, held for as long as the run lasts,
 * and their counters, which only this run's tasks move, fill the summary.
 * Their decision events come from the programs' own ring buffer, through
 * the same stream and summary as the module's.
 *
 * The two backends never police the same task: while the module has any
 * scope that enforces or audits, the BPF backend refuses to start (a global
 * scope covers every task, and a cgroup scope may be an ancestor of ours).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "ev_stream.h"
#include "lsm_policy.h"
#include "run.h"

static unsigned long long lsm_events_lost(void *lp)
{
	return lsm_policy_events_lost(lp);
}

int run_lsm_start(struct run *r)
{
	struct lsm_scope scope = {
		.cgroup_fd = r->cgroup_fd, .cgroup_id = r->cgroup_id, .cgroup_path = r->shown,
		.events = true,
	};

	if (lsm_scope_conflict(&scope, "clonegate run"))
		return EXIT_FAIL;
	r->lsm = lsm_policy_start(&r->bpf_profile, r->mode, &scope);
	if (!r->lsm)
		return EXIT_FAIL;
	r->stream = ev_stream_open_rb(lsm_policy_events_fd(r->lsm), lsm_events_lost, r->lsm,
				      run_on_event, r, r->no_events_why, sizeof(r->no_events_why));
	if (r->stream)
		return EXIT_OK;
	p_err("%scannot collect the BPF backend's decision events: %s",
	      r->events_out ? "--events: " : "", r->no_events_why);
	return r->events_out ? EXIT_FAIL : EXIT_OK;
}

void run_lsm_finish(struct run *r)
{
	__u64 checked;
	unsigned int j;
	int err;

	if (!r->lsm)
		return;
	/* Still attached: the stream's losses are read from it (run_lsm_stop()). */
	err = lsm_policy_counts(r->lsm, &checked, r->after.refused, r->after.audited);
	if (err) {
		p_err("reading the BPF backend's counters: %s", strerror(-err));
		return;
	}
	memset(&r->before, 0, sizeof(r->before));
	r->have_before = r->have_after = true;
	memset(&r->scope, 0, sizeof(r->scope));
	r->scope.checked = checked;
	for (j = 0; j < CG_RULE_SLOTS; j++) {
		r->scope.refused += r->after.refused[j];
		r->scope.audited += r->after.audited[j];
	}
	r->have_scope = true;
}

void run_lsm_stop(struct run *r)
{
	lsm_policy_stop(r->lsm);
	r->lsm = NULL;
}
