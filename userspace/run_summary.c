// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * run_summary: what 'clonegate run' tells at the end, on stderr: CMD's
 * status, the scope's counters, and one row per kind of call refused,
 * audited or with unshare bits dropped (run_events.c). Without decision
 * events (no BTF, an old module) it says why, and shows the module-wide
 * counters' change instead, which other scopes' calls may be part of.
 * The text is for a person; --json gives the same as one object.
 */
#include <string.h>

#include <clonegate/tables.h>

#include "diag.h"
#include "ev_stream.h"
#include "json.h"
#include "names.h"
#include "run.h"

static const char *flags_text(const struct kind *k, char *buf, size_t len)
{
	const char *ns;

	if (k->entry == CG_ENTRY_SETNS || k->entry == CG_ENTRY_IA32_SETNS) {
		ns = k->flags ? ev_ns_name(k->flags) : "nstype 0";
		snprintf(buf, len, "%s", ns ? ns : "?");
		if (!ns)
			snprintf(buf, len, "nstype 0x%llx", (unsigned long long)k->flags);
		return buf;
	}
	ev_flag_names(k->flags, buf, len);
	return buf;
}

static const char *kind_mode(const struct kind *k)
{
	if (k->rule == CG_RULE_UDROP)
		return "dropped";
	return k->mode == CG_MODE_ENFORCE ? "refused" : "audited";
}

/* Module-wide refusals and audits of rule j during the run; false if none. */
static bool rule_delta(const struct run *r, unsigned int j, unsigned long long *ref,
		       unsigned long long *aud)
{
	*ref = r->after.refused[j] - r->before.refused[j];
	*aud = r->after.audited[j] - r->before.audited[j];
	return *ref || *aud;
}

/* The profile's name: the BPF backend holds the profile itself (a file's has no id). */
static const char *run_profile_name(const struct run *r, char *buf, size_t len)
{
	if (r->backend == RUN_BACKEND_BPF)
		return r->bpf_profile.def.name;
	return profile_name(r->profile, buf, len);
}

static void summary_json(const struct run *r, int status)
{
	char b1[32], b2[32], fl[256];
	unsigned long long ref, aud;
	unsigned int i, j;

	jw_set_output(stderr, true);
	jw_begin_object(NULL);
	jw_string("type", "run_summary");
	jw_string("profile", run_profile_name(r, b1, sizeof(b1)));
	jw_string("mode", mode_name(r->mode, b2, sizeof(b2)));
	jw_string("backend", r->backend == RUN_BACKEND_BPF ? "bpf" : "module");
	jw_string("cgroup", r->shown);
	jw_i64("exit_status", status);
	jw_bool("detail", r->stream != NULL);
	if (!r->stream)
		jw_string("detail_unavailable", r->no_events_why);
	if (r->have_scope) {
		jw_u64("checked", r->scope.checked);
		jw_u64("refused", r->scope.refused);
		jw_u64("audited", r->scope.audited);
	}
	if (r->stream) {
		jw_u64("dropped_unshare_bits", r->dropped);
		jw_u64("events_lost", ev_stream_lost(r->stream) + r->other);
		jw_begin_array("calls");
		for (i = 0; i < r->nkinds; i++) {
			const struct kind *k = &r->kinds[i];

			jw_begin_object(NULL);
			jw_string("result", kind_mode(k));
			jw_string("rule", rule_name(k->rule, b1, sizeof(b1)));
			jw_string("entry_point", entry_name(k->entry, b2, sizeof(b2)));
			jw_u64("flags", k->flags);
			jw_string("flag_names", flags_text(k, fl, sizeof(fl)));
			jw_i64("errorno", k->err);
			jw_u64("count", k->count);
			jw_u64("first_pid", k->first_pid);
			jw_string("first_comm", k->first_comm);
			jw_end_object();
		}
		jw_end_array();
	} else if (r->have_after) {
		/* The module's counters are module-wide; the BPF backend's, this run's. */
		jw_begin_array(r->backend == RUN_BACKEND_BPF ? "rules" : "rules_module_wide");
		for (j = 0; j < CG_RULE_MAX; j++) {
			if (!rule_delta(r, j, &ref, &aud))
				continue;
			jw_begin_object(NULL);
			jw_string("rule", rule_name(j, b1, sizeof(b1)));
			jw_u64("refused", ref);
			jw_u64("audited", aud);
			jw_end_object();
		}
		jw_end_array();
	}
	jw_end_object();
	jw_end_line();
	jw_set_output(NULL, true);
}

static void summary_text(const struct run *r, int status)
{
	char b1[32], b2[32], fl[256], first[48];
	unsigned long long lost, ref, aud;
	unsigned int i, j;

	fflush(stdout);
	fprintf(stderr, "clonegate run: %s exited with status %d; profile %s, mode %s, cgroup %s%s\n",
		r->cmd, status, run_profile_name(r, b1, sizeof(b1)),
		mode_name(r->mode, b2, sizeof(b2)), r->shown,
		r->backend == RUN_BACKEND_BPF ? ", backend bpf" : "");
	if (r->have_scope)
		fprintf(stderr, "clonegate run: checked %llu calls: %llu refused, %llu audited\n",
			(unsigned long long)r->scope.checked, (unsigned long long)r->scope.refused,
			(unsigned long long)r->scope.audited);
	if (!r->stream) {
		fprintf(stderr, "clonegate run: per-call detail unavailable (%s)\n",
			r->no_events_why);
		if (!r->have_after)
			return;
		fprintf(stderr, "  %-9s %8s %8s   (%s)\n", "RULE", "REFUSED", "AUDITED",
			r->backend == RUN_BACKEND_BPF ? "this run's calls" :
			"module-wide: other scopes' calls are included");
		for (j = 0; j < CG_RULE_MAX; j++) {
			if (rule_delta(r, j, &ref, &aud))
				fprintf(stderr, "  %-9s %8llu %8llu\n", rule_name(j, b1, sizeof(b1)),
					ref, aud);
		}
		return;
	}
	if (!r->nkinds) {
		fprintf(stderr, "clonegate run: no call was refused or audited\n");
	} else {
		fprintf(stderr, "  %-8s %-9s %-13s %-24s %-8s %6s  %s\n", "RESULT", "RULE", "ENTRY",
			"FLAGS", "ERRNO", "COUNT", "FIRST (PID COMM)");
		for (i = 0; i < r->nkinds; i++) {
			const struct kind *k = &r->kinds[i];

			snprintf(first, sizeof(first), "%u %s", k->first_pid, k->first_comm);
			fprintf(stderr, "  %-8s %-9s %-13s %-24s %-8s %6llu  %s\n", kind_mode(k),
				rule_name(k->rule, b1, sizeof(b1)),
				entry_name(k->entry, b2, sizeof(b2)),
				flags_text(k, fl, sizeof(fl)), errno_name(k->err), k->count, first);
		}
	}
	lost = ev_stream_lost(r->stream) + r->other;
	if (lost)
		fprintf(stderr, "clonegate run: %llu decision events were lost (counted above only in the totals)\n",
			lost);
}

void run_summary(const struct run *r, int status)
{
	if (json_output)
		summary_json(r, status);
	else
		summary_text(r, status);
}
