// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * profile_show: one profile, built-in, loaded or from a file, as the text
 * or the JSON of 'clonegate profile show': its clone flags, its rules in
 * the order they are checked with their errnos, and the masks of setns,
 * C13, U5 and unshare. Read from the same tables the module enforces.
 */
#include <stdbool.h>
#include <stdio.h>

#include <clonegate/tables.h>

#include "cmds.h"
#include "diag.h"
#include "json.h"
#include "names.h"
#include "profile_file.h"
#include "profile_show.h"

#define N_FLAG_NAMES	(sizeof(cg_flag_names) / sizeof(cg_flag_names[0]))
#define N_RULE_ORDER	(sizeof(cg_rule_order) / sizeof(cg_rule_order[0]))

/* Print (or add to a JSON array) the names of the flags in mask. */
static void flag_list(const char *key, unsigned long long mask)
{
	bool first = true;
	size_t i;

	if (json_output)
		jw_begin_array(key);
	for (i = 0; i < N_FLAG_NAMES; i++) {
		if (!(mask & cg_flag_names[i].flag))
			continue;
		if (json_output)
			jw_string(NULL, cg_flag_names[i].name);
		else
			printf("%s%s", first ? "" : " ", cg_flag_names[i].name);
		first = false;
	}
	if (json_output)
		jw_end_array();
	else if (first)
		printf("none");
}

void profile_show_json(const struct profile *pf)
{
	const struct cg_profile_def *p = &pf->def;
	unsigned long long known = pf_known_flags();
	size_t i;
	int r;

	jw_begin_object(NULL);
	jw_string("name", p->name);
	if (pf->id < 0) {
		jw_null("id");
		jw_string("file", pf->path);
		jw_string("base", pf->base);
	} else {
		jw_u64("id", pf->id);
	}
	if (pf->loaded)
		jw_bool("loaded", true);
	jw_string("description", p->what);
	jw_bool("default", pf->id == CG_DEFAULT_PROFILE);
	jw_u64("clone_supported", p->clone_supported);
	flag_list("clone_supported_flags", p->clone_supported);
	flag_list("clone_refused_flags", known & ~p->clone_supported);
	jw_bool("cgroup2", p->cgroup2);
	flag_list("clone_caps", p->clone_caps);
	flag_list("unshare_caps", p->unshare_caps);
	jw_bool("setns_pidfd", p->setns_pidfd);
	jw_begin_array("rules");
	for (i = 0; i < N_RULE_ORDER; i++) {
		r = cg_rule_order[i];
		if (!(p->rules & CG_RULE_BIT(r)))
			continue;
		jw_begin_object(NULL);
		jw_string("rule", cg_rules[r].name);
		jw_u64("id", r);
		if (profile_rule_errno(pf, r))
			jw_string("errno", errno_name(profile_rule_errno(pf, r)));
		else
			jw_null("errno");
		jw_i64("errno_value", profile_rule_errno(pf, r));
		jw_string("what", cg_rules[r].what);
		jw_end_object();
	}
	jw_end_array();
	jw_begin_array("rules_off");
	for (i = 0; i < N_RULE_ORDER; i++)
		if (!(p->rules & CG_RULE_BIT(cg_rule_order[i])))
			jw_string(NULL, cg_rules[cg_rule_order[i]].name);
	jw_end_array();
	flag_list("setns_types", p->setns_types & PF_NS_FLAGS);
	flag_list("unshare_handled", p->unshare_handled);
	jw_end_object();
	jw_end_line();
}

void profile_show_text(const struct profile *pf)
{
	const struct cg_profile_def *p = &pf->def;
	unsigned long long known = pf_known_flags();
	bool any_off = false;
	size_t i;
	int r;

	if (pf->id < 0)
		printf("%s (from %s, base %s)\n  %s\n\n", p->name, pf->path, pf->base, p->what);
	else if (pf->loaded)
		printf("%s (loaded, id %d, used by %u scope%s)\n  %s\n\n", p->name, pf->id,
		       pf->nr_scopes, pf->nr_scopes == 1 ? "" : "s", p->what);
	else
		printf("%s%s\n  %s\n\n", p->name,
		       pf->id == CG_DEFAULT_PROFILE ? " (default)" : "", p->what);

	if (p->rules & CG_RULE_BIT(CG_RULE_C1))
		printf("clone flags (C1: any other flag -> %s)\n",
		       errno_name(profile_rule_errno(pf, CG_RULE_C1)));
	else
		printf("clone flags\n");
	if (p->clone_supported == ~0ULL) {
		printf("  supported: all\n");
	} else {
		printf("  supported: ");
		flag_list(NULL, p->clone_supported);
		printf("  (%#llx)\n  refused:   ", p->clone_supported);
		flag_list(NULL, known & ~p->clone_supported);
		printf(", and every bit without a name\n");
	}

	printf("\nrules, in the order they are checked\n");
	if (!p->rules) {
		printf("  none: this profile refuses nothing\n");
	} else {
		printf("  %-9s %-8s %s\n", "RULE", "ERRNO", "WHAT");
		for (i = 0; i < N_RULE_ORDER; i++) {
			r = cg_rule_order[i];
			if (p->rules & CG_RULE_BIT(r))
				printf("  %-9s %-8s %s\n", cg_rules[r].name,
				       errno_name(profile_rule_errno(pf, r)), cg_rules[r].what);
		}
		for (i = 0; i < N_RULE_ORDER; i++) {
			r = cg_rule_order[i];
			if (p->rules & CG_RULE_BIT(r))
				continue;
			printf("%s%s", any_off ? " " : "  off: ", cg_rules[r].name);
			any_off = true;
		}
		if (any_off)
			printf("\n");
	}

	printf("\nsetns may enter: ");
	if (p->setns_types == ~0ULL)
		printf("any namespace\n");
	else {
		flag_list(NULL, p->setns_types & PF_NS_FLAGS);
		printf(" (any other namespace file -> %s, S2)\n",
		       errno_name(profile_rule_errno(pf, CG_RULE_S2)));
	}

	if (p->rules & CG_RULE_BIT(CG_RULE_C13)) {
		printf("clone needs CAP_SYS_ADMIN for (C13): ");
		flag_list(NULL, p->clone_caps);
		printf("\n");
	}
	if (p->rules & CG_RULE_BIT(CG_RULE_U5)) {
		printf("unshare needs CAP_SYS_ADMIN for (U5): ");
		flag_list(NULL, p->unshare_caps);
		printf("\n");
	}
	if (p->rules & CG_RULE_BIT(CG_RULE_S2))
		printf("setns through a pidfd: %s\n", p->setns_pidfd ?
		       "accepted (H12-H15, then Linux's own checks of the namespaces joined)" : "refused (S2)");
	if (p->rules)
		printf("cgroup2: %s\n", p->cgroup2 ? "mounted (NEWCGROUP and INTO_CGROUP allowed)" :
		       (p->rules & CG_RULES_CGROUP2_GATE) ?
		       "never mounted (runsc's default): H5, H10, H11 refuse NEWCGROUP and INTO_CGROUP" :
		       "not modelled");
	printf("unshare acts on: ");
	if (p->unshare_handled == ~0ULL)
		printf("every bit (nothing is dropped)\n");
	else {
		flag_list(NULL, p->unshare_handled);
		printf("; every other bit is dropped and the call succeeds\n");
	}
}
