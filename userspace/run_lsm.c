// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * run_lsm: 'clonegate run --backend bpf', the steps that differ from the
 * module's: no scope is applied; the BPF LSM programs (lsm_policy.c) are
 * attached to the run's cgroup instead, held for as long as the run lasts,
 * and their counters, which only this run's tasks move, fill the summary.
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

#include "ctl.h"
#include "diag.h"
#include "lsm_policy.h"
#include "run.h"

int run_lsm_check_module(void)
{
	struct cg_scope_info *sc = NULL;
	__u32 n = 0, i, active = 0;
	int fd = ctl_open(), err;

	if (fd < 0)
		return EXIT_OK;		/* no module: nothing else polices */
	err = ctl_list(fd, &sc, &n, NULL);
	close(fd);
	if (err) {
		p_err("cannot list the module's scopes: %s", ctl_strerror(err));
		return EXIT_FAIL;
	}
	for (i = 0; i < n; i++)
		active += sc[i].mode != CG_MODE_OFF;
	free(sc);
	if (!active)
		return EXIT_OK;
	p_err("the clonegate module polices %u scope(s) (see 'clonegate policy list'): the two backends never police the same task; remove them, or run without --backend bpf",
	      active);
	return EXIT_FAIL;
}

int run_lsm_start(struct run *r)
{
	r->lsm = lsm_policy_start(&r->bpf_profile.def, r->mode, r->cgroup_fd);
	if (!r->lsm)
		return EXIT_FAIL;
	snprintf(r->no_events_why, sizeof(r->no_events_why),
		 "the BPF backend counts per rule and has no decision events yet");
	return EXIT_OK;
}

void run_lsm_finish(struct run *r)
{
	__u64 checked;
	unsigned int j;
	int err;

	if (!r->lsm)
		return;
	err = lsm_policy_counts(r->lsm, &checked, r->after.refused, r->after.audited);
	lsm_policy_stop(r->lsm);
	r->lsm = NULL;
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
