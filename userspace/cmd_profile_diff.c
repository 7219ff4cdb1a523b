// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * clonegate profile diff A B: which flags and rules differ between two
 * profiles, each a built-in or a file. Exit status as diff(1)'s: 0 the
 * same, 1 they differ, 2 trouble (usage, an unknown name, a bad file).
 */
#include <stddef.h>
#include <string.h>

#include <clonegate/tables.h>

#include "cmds.h"
#include "diag.h"
#include "json.h"
#include "names.h"
#include "opts.h"
#include "profile_file.h"

#define N_FLAG_NAMES	(sizeof(cg_flag_names) / sizeof(cg_flag_names[0]))
#define N_RULE_ORDER	(sizeof(cg_rule_order) / sizeof(cg_rule_order[0]))
#define DIFF_ROWS_MAX	(5 * (N_FLAG_NAMES + 1) + 2 + 2 * CG_RULE_MAX)

enum { DIFF_SAME = 0, DIFF_DIFFER = 1, DIFF_TROUBLE = 2 };

/* One difference: a field, the flag or rule in it, and each side's value. */
struct diff_row {
	const char *field;
	const char *item;
	char a[24];
	char b[24];
};

struct diff {
	struct diff_row row[DIFF_ROWS_MAX];
	int n;
};

/* The masks of struct cg_profile_def, by the keys of the file format. */
static const struct {
	const char *field;
	size_t off;
	bool ns;	/* namespace types: other flags count as unnamed bits */
} diff_masks[] = {
	{ "clone-flags", offsetof(struct cg_profile_def, clone_supported), false },
	{ "unshare-flags", offsetof(struct cg_profile_def, unshare_handled), false },
	{ "setns-types", offsetof(struct cg_profile_def, setns_types), true },
	{ "clone-caps", offsetof(struct cg_profile_def, clone_caps), true },
	{ "unshare-caps", offsetof(struct cg_profile_def, unshare_caps), true },
};

static int profile_diff_help(void)
{
	printf("Usage: clonegate profile diff A B [--json]\n"
	       "\n"
	       "Which flags (per mask, by name) and which rules (on or off, errno) differ\n"
	       "between profiles A and B, each a built-in's name or a file's path (it\n"
	       "contains '/' or ends in .profile). The order rules are checked in is the\n"
	       "same for every profile, so it never differs. Nothing is printed when they\n"
	       "are the same (JSON: an empty \"differences\").\n"
	       "\n"
	       "Exit status: 0 the same, 1 they differ, 2 an error.\n");
	return EXIT_OK;
}

static void add_row(struct diff *d, const char *field, const char *item,
		    const char *a, const char *b)
{
	struct diff_row *row = &d->row[d->n++];

	row->field = field;
	row->item = item;
	snprintf(row->a, sizeof(row->a), "%s", a);
	snprintf(row->b, sizeof(row->b), "%s", b);
}

static unsigned long long mask_of(const struct profile *p, size_t off)
{
	return *(const unsigned long long *)((const char *)&p->def + off);
}

static void diff_masks_of(struct diff *d, const struct profile *a, const struct profile *b)
{
	unsigned long long known, ma, mb;
	char va[24], vb[24];
	size_t m, i;

	for (m = 0; m < sizeof(diff_masks) / sizeof(diff_masks[0]); m++) {
		known = diff_masks[m].ns ? PF_NS_FLAGS : pf_known_flags();
		ma = mask_of(a, diff_masks[m].off);
		mb = mask_of(b, diff_masks[m].off);
		for (i = 0; i < N_FLAG_NAMES; i++)
			if ((ma ^ mb) & known & cg_flag_names[i].flag)
				add_row(d, diff_masks[m].field, cg_flag_names[i].name,
					ma & cg_flag_names[i].flag ? "yes" : "no",
					mb & cg_flag_names[i].flag ? "yes" : "no");
		if (!((ma ^ mb) & ~known))
			continue;
		snprintf(va, sizeof(va), "%#llx", ma & ~known);
		snprintf(vb, sizeof(vb), "%#llx", mb & ~known);
		add_row(d, diff_masks[m].field, "unnamed bits", va, vb);
	}
}

static void diff_rules_of(struct diff *d, const struct profile *a, const struct profile *b)
{
	bool on_a, on_b;
	size_t i;
	int r;

	for (i = 0; i < N_RULE_ORDER; i++) {
		r = cg_rule_order[i];
		on_a = a->def.rules & CG_RULE_BIT(r);
		on_b = b->def.rules & CG_RULE_BIT(r);
		if (on_a != on_b)
			add_row(d, "rule", cg_rules[r].name, on_a ? "on" : "off", on_b ? "on" : "off");
		else if (on_a && profile_rule_errno(a, r) != profile_rule_errno(b, r))
			add_row(d, "errno", cg_rules[r].name, errno_name(profile_rule_errno(a, r)),
				errno_name(profile_rule_errno(b, r)));
	}
}

static void diff_profiles(struct diff *d, const struct profile *a, const struct profile *b)
{
	d->n = 0;
	diff_masks_of(d, a, b);
	if (a->def.setns_pidfd != b->def.setns_pidfd)
		add_row(d, "setns-pidfd", "-", a->def.setns_pidfd ? "yes" : "no",
			b->def.setns_pidfd ? "yes" : "no");
	if (a->def.cgroup2 != b->def.cgroup2)
		add_row(d, "cgroup2", "-", a->def.cgroup2 ? "mounted" : "unmounted",
			b->def.cgroup2 ? "mounted" : "unmounted");
	diff_rules_of(d, a, b);
}

static void print_json(const struct diff *d, const struct profile *a, const struct profile *b)
{
	int i;

	jw_begin_object(NULL);
	jw_string("a", a->def.name);
	jw_string("b", b->def.name);
	jw_bool("same", !d->n);
	jw_begin_array("differences");
	for (i = 0; i < d->n; i++) {
		jw_begin_object(NULL);
		jw_string("field", d->row[i].field);
		jw_string("item", d->row[i].item);
		jw_string("a", d->row[i].a);
		jw_string("b", d->row[i].b);
		jw_end_object();
	}
	jw_end_array();
	jw_end_object();
	jw_end_line();
}

static void print_table(const struct diff *d, const struct profile *a, const struct profile *b)
{
	int wa = strlen(a->def.name), i;

	if (!d->n)
		return;
	if (wa < 18)
		wa = 18;	/* room for unnamed bits, 0x and 16 digits */
	printf("%-13s %-14s %-*s %s\n", "FIELD", "ITEM", wa, a->def.name, b->def.name);
	for (i = 0; i < d->n; i++)
		printf("%-13s %-14s %-*s %s\n", d->row[i].field, d->row[i].item, wa,
		       d->row[i].a, d->row[i].b);
}

int profile_diff(int argc, char **argv)
{
	const char *where = "clonegate profile diff";
	static struct profile a, b;
	static struct diff d;
	int ret;

	ret = parse_simple_opts(argc, argv, where, profile_diff_help);
	if (ret >= 0)
		return ret == EXIT_OK ? ret : DIFF_TROUBLE;
	if (argc - optind != 2) {
		usage_err(where, "give two profiles, each a NAME or a FILE");
		return DIFF_TROUBLE;
	}
	if (profile_get(argv[optind], &a) || profile_get(argv[optind + 1], &b))
		return DIFF_TROUBLE;
	diff_profiles(&d, &a, &b);
	if (json_output)
		print_json(&d, &a, &b);
	else
		print_table(&d, &a, &b);
	return d.n ? DIFF_DIFFER : DIFF_SAME;
}
