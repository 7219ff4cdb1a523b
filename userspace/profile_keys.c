// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * profile_keys: what each key of a profile file does to the profile being
 * read (docs/profile-format.md), and the checks made once the file ends.
 * Lines that name a field or a rule themselves win over what 'base' and
 * 'cgroup2' imply, in whatever order they come.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "names.h"
#include "profile_parse.h"

#define N_FLAG_NAMES	(sizeof(cg_flag_names) / sizeof(cg_flag_names[0]))

unsigned long long pf_known_flags(void)
{
	unsigned long long all = 0;
	size_t i;

	for (i = 0; i < N_FLAG_NAMES; i++)
		all |= cg_flag_names[i].flag;
	return all;
}

/* Exactly want words after the key, else an error at the first misfit. */
static int need_args(struct pf_state *st, struct pf_tok *tok, int n, int want,
		     const char *what)
{
	if (n - 1 < want)
		return pf_fail(st, tok[n - 1].col + strlen(tok[n - 1].s),
			       "found the end of the line, expected %s", what);
	if (n - 1 > want)
		return pf_fail(st, tok[want + 1].col, "found %s, expected the end of the line",
			       pf_quote(&tok[want + 1]));
	return 0;
}

/* Which of two words tok is: 1 for yes, 0 for no, -1 after an error. */
static int pick(struct pf_state *st, struct pf_tok *tok, const char *yes, const char *no)
{
	if (!strcmp(tok->s, yes))
		return 1;
	if (!strcmp(tok->s, no))
		return 0;
	return pf_fail(st, tok->col, "found %s, expected '%s' or '%s'", pf_quote(tok), yes, no);
}

static int key_name(struct pf_state *st, enum pf_key_id k, struct pf_tok *tok, int n)
{
	const char *s = tok[1].s;
	size_t i, len;

	(void)k;
	if (need_args(st, tok, n, 1, "the profile's name"))
		return -1;
	len = strlen(s);
	if (len > PF_NAME_MAX)
		return pf_fail(st, tok[1].col + PF_NAME_MAX,
			       "found a name longer than %d characters, expected a shorter one",
			       PF_NAME_MAX);
	for (i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
		      (i && strchr("._-", s[i]))))
			return pf_fail(st, tok[1].col + i, "found '%c' in the name, expected %s",
				       s[i], i ? "a-z, 0-9, '.', '_' or '-'" : "a-z or 0-9 first");
	if (profile_lookup(s) >= 0 || !strcmp(s, "none"))
		return pf_fail(st, tok[1].col, "found %s, a built-in profile's name, "
			       "expected a name of its own", pf_quote(&tok[1]));
	memcpy(st->p.name, s, len + 1);
	return 0;
}

static int key_description(struct pf_state *st, enum pf_key_id k, struct pf_tok *tok, int n)
{
	size_t len = 0, w;
	int i;

	(void)k;
	if (n < 2)
		return need_args(st, tok, n, 1, "a description");
	for (i = 1; i < n; i++) {
		w = strlen(tok[i].s);
		if (len + w + (i > 1) > PF_WHAT_MAX)
			return pf_fail(st, tok[i].col, "found a description longer than %d "
				       "characters, expected a shorter one", PF_WHAT_MAX);
		if (i > 1)
			st->p.what[len++] = ' ';
		memcpy(st->p.what + len, tok[i].s, w + 1);
		len += w;
	}
	return 0;
}

static int key_base(struct pf_state *st, enum pf_key_id k, struct pf_tok *tok, int n)
{
	int id;

	(void)k;
	if (need_args(st, tok, n, 1, "a built-in profile's name or 'none'"))
		return -1;
	id = strcmp(tok[1].s, "none") ? profile_lookup(tok[1].s) : CG_PROFILE_LINUX;
	if (id < 0)
		return pf_fail(st, tok[1].col, "found %s, expected 'none' or a built-in profile "
			       "('clonegate profile list')", pf_quote(&tok[1]));
	st->p.def = cg_profiles[id];
	st->p.base = strcmp(tok[1].s, "none") ? cg_profiles[id].name : "none";
	return 0;
}

static unsigned long long *mask_field(struct pf_state *st, enum pf_key_id k)
{
	switch (k) {
	case PF_K_CLONE_FLAGS:	 return &st->p.def.clone_supported;
	case PF_K_UNSHARE_FLAGS: return &st->p.def.unshare_handled;
	case PF_K_SETNS_TYPES:	 return &st->p.def.setns_types;
	case PF_K_CLONE_CAPS:	 return &st->p.def.clone_caps;
	default:		 return &st->p.def.unshare_caps;
	}
}

/* One flag name or 0x mask, within allowed. */
static int mask_word(struct pf_state *st, const char *s, int col, unsigned long long allowed,
		     unsigned long long *bits)
{
	char *end;
	size_t i;

	if (!strncasecmp(s, "0x", 2)) {
		*bits = strtoull(s + 2, &end, 16);
		if (end == s + 2 || *end || strlen(s + 2) > 16)
			return pf_fail(st, col, "found '%.40s', expected a hex mask of 1 to 16 "
				       "digits", s);
		if (*bits & ~allowed)
			return pf_fail(st, col, "found bits %#llx that this key does not take, "
				       "expected bits within %#llx", *bits & ~allowed, allowed);
		return 0;
	}
	for (i = 0; i < N_FLAG_NAMES; i++) {
		if (strcasecmp(s, cg_flag_names[i].name))
			continue;
		*bits = cg_flag_names[i].flag;
		if (*bits & allowed)
			return 0;
		return pf_fail(st, col, "found '%s', expected a namespace flag (NEWNS, NEWCGROUP, "
			       "NEWUTS, NEWIPC, NEWUSER, NEWPID, NEWNET, NEWTIME)", s);
	}
	return pf_fail(st, col, "found '%.40s', expected a flag name as 'clonegate profile show' "
		       "prints them, or a 0x mask", s);
}

/* KEY all | none | FLAG... | +FLAG... and -FLAG... (changes to the base). */
static int key_mask(struct pf_state *st, enum pf_key_id k, struct pf_tok *tok, int n)
{
	bool ns = k == PF_K_SETNS_TYPES || k == PF_K_CLONE_CAPS || k == PF_K_UNSHARE_CAPS;
	unsigned long long allowed = ns ? PF_NS_FLAGS : pf_known_flags(), val, bits = 0;
	bool edit;
	int i;

	if (n < 2)
		return need_args(st, tok, n, 1, "flag names, 'all' or 'none'");
	if (n == 2 && (!strcmp(tok[1].s, "all") || !strcmp(tok[1].s, "none"))) {
		*mask_field(st, k) = tok[1].s[0] == 'n' ? 0 : ns ? PF_NS_FLAGS : ~0ULL;
		return 0;
	}
	edit = tok[1].s[0] == '+' || tok[1].s[0] == '-';
	val = edit ? *mask_field(st, k) : 0;
	for (i = 1; i < n; i++) {
		char sign = tok[i].s[0] == '+' || tok[i].s[0] == '-' ? tok[i].s[0] : 0;

		if (!sign != !edit)
			return pf_fail(st, tok[i].col, "found %s, expected %s like the first flag "
				       "of the line", pf_quote(&tok[i]),
				       edit ? "+FLAG or -FLAG" : "a flag without + or -");
		if (mask_word(st, tok[i].s + !!sign, tok[i].col + !!sign, allowed, &bits))
			return -1;
		val = sign == '-' ? val & ~bits : val | bits;
	}
	*mask_field(st, k) = val;
	return 0;
}

static int key_setns_pidfd(struct pf_state *st, enum pf_key_id k, struct pf_tok *tok, int n)
{
	int yes;

	(void)k;
	if (need_args(st, tok, n, 1, "'yes' or 'no'"))
		return -1;
	yes = pick(st, &tok[1], "yes", "no");
	if (yes < 0)
		return -1;
	st->p.def.setns_pidfd = yes;
	return 0;
}

/* The gate: its rules and setns into cgroup namespaces, unless named apart. */
static int key_cgroup2(struct pf_state *st, enum pf_key_id k, struct pf_tok *tok, int n)
{
	int mounted, r;

	(void)k;
	if (need_args(st, tok, n, 1, "'mounted' or 'unmounted'"))
		return -1;
	mounted = pick(st, &tok[1], "mounted", "unmounted");
	if (mounted < 0)
		return -1;
	st->p.def.cgroup2 = mounted;
	for (r = 0; r < CG_RULE_MAX; r++)
		if ((CG_RULES_CGROUP2_GATE & CG_RULE_BIT(r)) && !st->rule[r].line)
			st->p.def.rules = mounted ? st->p.def.rules & ~CG_RULE_BIT(r) :
				st->p.def.rules | CG_RULE_BIT(r);
	if (!st->key[PF_K_SETNS_TYPES].line)
		st->p.def.setns_types = mounted ? st->p.def.setns_types | CG_CLONE_NEWCGROUP :
			st->p.def.setns_types & ~CG_CLONE_NEWCGROUP;
	return 0;
}

/* The rule tok names, once per file for seen[]; -1 after an error. */
static int rule_word(struct pf_state *st, struct pf_tok *tok, struct pf_seen *seen)
{
	int r;

	for (r = 1; r < CG_RULE_MAX; r++)
		if (cg_rules[r].name && !strcasecmp(tok->s, cg_rules[r].name))
			break;
	if (r == CG_RULE_MAX)
		return pf_fail(st, tok->col, "found %s, expected a rule id such as C1 or H16a "
			       "(docs/policy.md)", pf_quote(tok));
	if (seen[r].line)
		return pf_fail(st, tok->col, "found a second line for %s (the first is line %d), "
			       "expected one", cg_rules[r].name, seen[r].line);
	seen[r].line = st->line;
	seen[r].col = tok->col;
	return r;
}

static int key_rule(struct pf_state *st, enum pf_key_id k, struct pf_tok *tok, int n)
{
	int r, on;

	(void)k;
	if (need_args(st, tok, n, 2, "a rule id and 'on' or 'off'"))
		return -1;
	r = rule_word(st, &tok[1], st->rule);
	if (r < 0)
		return -1;
	on = pick(st, &tok[2], "on", "off");
	if (on < 0)
		return -1;
	st->p.def.rules = on ? st->p.def.rules | CG_RULE_BIT(r) : st->p.def.rules & ~CG_RULE_BIT(r);
	return 0;
}

static int key_errno(struct pf_state *st, enum pf_key_id k, struct pf_tok *tok, int n)
{
	int r, e;

	(void)k;
	if (need_args(st, tok, n, 2, "a rule id and an errno name"))
		return -1;
	r = rule_word(st, &tok[1], st->err);
	if (r < 0)
		return -1;
	if (!cg_rules[r].err)
		return pf_fail(st, tok[1].col, "found %s, which refuses nothing, expected a rule "
			       "that returns an errno", cg_rules[r].name);
	e = errno_lookup(tok[2].s);
	if (!e)
		return pf_fail(st, tok[2].col, "found %s, expected an errno name such as EPERM "
			       "or EINVAL", pf_quote(&tok[2]));
	st->p.def.err[r] = e == cg_rules[r].err ? 0 : e;
	return 0;
}

static const struct pf_key_def {
	const char *name;
	int (*apply)(struct pf_state *st, enum pf_key_id k, struct pf_tok *tok, int n);
	bool per_rule;		/* once per rule id, not once per file */
	bool after_base;	/* changes the base, so comes after it */
} pf_keys[PF_K_MAX] = {
	[PF_K_NAME]		= { "name", key_name, false, false },
	[PF_K_DESCRIPTION]	= { "description", key_description, false, false },
	[PF_K_BASE]		= { "base", key_base, false, false },
	[PF_K_CLONE_FLAGS]	= { "clone-flags", key_mask, false, true },
	[PF_K_UNSHARE_FLAGS]	= { "unshare-flags", key_mask, false, true },
	[PF_K_SETNS_TYPES]	= { "setns-types", key_mask, false, true },
	[PF_K_CLONE_CAPS]	= { "clone-caps", key_mask, false, true },
	[PF_K_UNSHARE_CAPS]	= { "unshare-caps", key_mask, false, true },
	[PF_K_SETNS_PIDFD]	= { "setns-pidfd", key_setns_pidfd, false, true },
	[PF_K_CGROUP2]		= { "cgroup2", key_cgroup2, false, true },
	[PF_K_RULE]		= { "rule", key_rule, true, true },
	[PF_K_ERRNO]		= { "errno", key_errno, true, true },
};

int pf_key(struct pf_state *st, struct pf_tok *tok, int n)
{
	int k;

	for (k = 0; k < PF_K_MAX; k++)
		if (!strcmp(tok[0].s, pf_keys[k].name))
			break;
	if (k == PF_K_MAX)
		return pf_fail(st, tok[0].col, "found %s, expected a key (name, description, base, "
			       "clone-flags, unshare-flags, setns-types, clone-caps, unshare-caps, "
			       "setns-pidfd, cgroup2, rule, errno)", pf_quote(&tok[0]));
	if (!pf_keys[k].per_rule && st->key[k].line)
		return pf_fail(st, tok[0].col, "found a second '%s' (the first is line %d), "
			       "expected each key once", pf_keys[k].name, st->key[k].line);
	if (pf_keys[k].after_base && !st->key[PF_K_BASE].line)
		return pf_fail(st, tok[0].col, "found '%s' before 'base', expected the base "
			       "profile first", pf_keys[k].name);
	if (pf_keys[k].apply(st, k, tok, n))
		return -1;
	if (!st->key[k].line)
		st->key[k] = (struct pf_seen){ st->line, tok[0].col };
	return 0;
}

/* Go back to a line seen earlier, for an error found at the end. */
static int back_to(struct pf_state *st, const struct pf_seen *at, const struct pf_seen *or)
{
	if (!at->line)
		at = or;
	st->line = at->line;
	return at->col;
}

int pf_finish(struct pf_state *st, bool empty)
{
	int r;

	if (empty)
		return pf_fail(st, 1, "found the end of the file, expected 'clonegate-profile 1'");
	if (!st->key[PF_K_NAME].line)
		return pf_fail(st, 1, "found the end of the file, expected a 'name' line");
	if (!st->key[PF_K_BASE].line)
		return pf_fail(st, 1, "found the end of the file, expected a 'base' line");
	for (r = 0; r < CG_RULE_MAX; r++) {
		if (st->p.def.cgroup2 && (st->p.def.rules & CG_RULES_CGROUP2_GATE & CG_RULE_BIT(r)))
			return pf_fail(st, back_to(st, &st->rule[r], &st->key[PF_K_CGROUP2]),
				       "found %s on while cgroup2 is mounted, expected 'cgroup2 "
				       "unmounted' (%s refuses only without cgroup2)",
				       cg_rules[r].name, cg_rules[r].name);
		if (st->err[r].line && !(st->p.def.rules & CG_RULE_BIT(r)))
			return pf_fail(st, back_to(st, &st->err[r], &st->err[r]),
				       "found an errno for %s, which is off, expected 'rule %s on'",
				       cg_rules[r].name, cg_rules[r].name);
	}
	if (!st->key[PF_K_DESCRIPTION].line)
		snprintf(st->p.what, sizeof(st->p.what), "from a file, based on %s", st->p.base);
	st->p.id = -1;
	return 0;
}
