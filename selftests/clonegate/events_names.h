/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Process names for the events_* tests of the sinks' UTF-8 (events_clone:
 * JSON; events_gvisor: the gVisor wire): names that are UTF-8, cut inside
 * a character at the 15-byte comm limit, or not UTF-8 at all, what each
 * sink must make of them, and a workload that forks once under each.
 * Include after events_helpers.h.
 */
#ifndef EVENTS_NAMES_H
#define EVENTS_NAMES_H

#define FFFD	"\xef\xbf\xbd"

/*
 * set: the name given with PR_SET_NAME (the kernel keeps 15 bytes);
 * want: process_name as a JSON parser decodes it, and as the gVisor wire
 * carries it; raw: the exact text between JSON's quotes. Invalid UTF-8 is
 * replaced as Unicode recommends (its "maximal subparts"): a truncated
 * sequence by one U+FFFD, any other bad byte by one each.
 */
static const struct name_case {
	const char *set, *want, *raw;
} names[] = {
	{ "ok-\xe2\x82\xac", "ok-\xe2\x82\xac", "ok-\xe2\x82\xac" },		/* ok-€ */
	{ "hi-\xf0\x9f\x98\x80", "hi-\xf0\x9f\x98\x80", "hi-\xf0\x9f\x98\x80" },	/* 4 bytes */
	/* 13 + 3 and 12 + 4 bytes: the kernel cuts the last character. */
	{ "abcdefghijklm\xe2\x82\xac", "abcdefghijklm" FFFD, "abcdefghijklm" FFFD },
	{ "abcdefghijkl\xf0\x9f\x98\x80", "abcdefghijkl" FFFD, "abcdefghijkl" FFFD },
	{ "x\xff" "y", "x" FFFD "y", "x" FFFD "y" },
	{ "x\xc0\x80" "y", "x" FFFD FFFD "y", "x" FFFD FFFD "y" },		/* overlong NUL */
	{ "x\xe0\x80\xaf" "y", "x" FFFD FFFD FFFD "y", "x" FFFD FFFD FFFD "y" },	/* overlong '/' */
	{ "x\xed\xa0\x80" "y", "x" FFFD FFFD FFFD "y", "x" FFFD FFFD FFFD "y" },	/* U+D800 */
	{ "x\xf4\x90\x80\x80" "y", "x" FFFD FFFD FFFD FFFD "y",
	  "x" FFFD FFFD FFFD FFFD "y" },					/* U+110000 */
	{ "\xc3\xa9\x80\xe2\x82" "z", "\xc3\xa9" FFFD FFFD "z", "\xc3\xa9" FFFD FFFD "z" },
	{ "q\"\\\t\n\x01\x1f\x7f", "q\"\\\t\n\x01\x1f\x7f", "q\\\"\\\\\\t\\n\\u0001\\u001f\x7f" },
};

#define N_NAMES	(int)(sizeof(names) / sizeof(names[0]))

/* One fork under each name, then the worker's own name again. */
static void wl_names(struct gt_log *g)
{
	int i;

	for (i = 0; i < N_NAMES; i++) {
		prctl(PR_SET_NAME, names[i].set);
		gt_fork_nr(g, T_NR_FORK, 0);
	}
	prctl(PR_SET_NAME, "cg-evwork");
}

/* s's bytes in hex, for the log. */
static const char *hex(const char *s, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (; *s && n + 4 < len; s++)
		n += snprintf(buf + n, len - n, "%02x ", (unsigned char)*s);
	return buf;
}

#endif /* EVENTS_NAMES_H */
