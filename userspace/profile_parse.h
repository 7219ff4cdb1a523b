/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * profile_parse: what the file reader (profile_file.c) and the keys
 * (profile_keys.c) share while one profile file is read. Not for callers:
 * they use profile_file.h.
 */
#ifndef CLONEGATE_PROFILE_PARSE_H
#define CLONEGATE_PROFILE_PARSE_H

#include "profile_file.h"

#define PF_LINE_MAX	256	/* characters of a line, comment included */
#define PF_WORDS_MAX	48	/* words of a line */

/* One word of a line: its text and its 1-based column. */
struct pf_tok {
	const char *s;
	int col;
};

/* Where a key or a rule's line was first seen: line 0 if never. */
struct pf_seen {
	int line;
	int col;
};

enum pf_key_id {
	PF_K_NAME, PF_K_DESCRIPTION, PF_K_BASE,
	PF_K_CLONE_FLAGS, PF_K_UNSHARE_FLAGS, PF_K_SETNS_TYPES,
	PF_K_CLONE_CAPS, PF_K_UNSHARE_CAPS, PF_K_SETNS_PIDFD, PF_K_CGROUP2,
	PF_K_RULE, PF_K_ERRNO, PF_K_MAX
};

struct pf_state {
	const char *path;
	int line;
	char *msg;
	size_t msglen;
	bool have_version;
	struct profile p;			/* what the file says so far */
	struct pf_seen key[PF_K_MAX];
	struct pf_seen rule[CG_RULE_MAX];	/* 'rule ID on|off' */
	struct pf_seen err[CG_RULE_MAX];	/* 'errno ID NAME' */
};

/* Put "FILE:LINE:COL: error: " and the rest in st->msg; returns -1. */
int pf_fail(struct pf_state *st, int col, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
const char *pf_quote(const struct pf_tok *t);

/* One line after the version line: tok[0] is its key. 0 or -1. */
int pf_key(struct pf_state *st, struct pf_tok *tok, int n);
/* At the end of the file: what is missing, what contradicts. 0 or -1. */
int pf_finish(struct pf_state *st, bool empty);

#endif /* CLONEGATE_PROFILE_PARSE_H */
