// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * profile_file: the reader of profile files (docs/profile-format.md). The
 * input is treated as hostile: bounded size, line length and names, and
 * every error names FILE:LINE:COL, what was found and what was expected.
 * Nothing reaches the caller's struct unless the whole file is valid.
 * The keys themselves are applied by profile_keys.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctl.h"
#include "diag.h"
#include "names.h"
#include "profile_file.h"
#include "profile_parse.h"

#define PF_FILE_MAX	65536	/* bytes */

int pf_fail(struct pf_state *st, int col, const char *fmt, ...)
{
	size_t len;
	va_list ap;

	len = snprintf(st->msg, st->msglen, "%s:%d:%d: error: ", st->path, st->line, col);
	if (len < st->msglen) {
		va_start(ap, fmt);
		vsnprintf(st->msg + len, st->msglen - len, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* A word from the file, quoted and cut short for a message. */
const char *pf_quote(const struct pf_tok *t)
{
	static char buf[48];

	if (strlen(t->s) > 40)
		snprintf(buf, sizeof(buf), "'%.37s...'", t->s);
	else
		snprintf(buf, sizeof(buf), "'%s'", t->s);
	return buf;
}

/* Where a line's comment starts: a '#' at its start or after a blank. */
static size_t comment_start(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (s[i] == '#' && (i == 0 || s[i - 1] == ' ' || s[i - 1] == '\t'))
			return i;
	return len;
}

/* Printable ASCII and tabs only, outside comments; a NUL nowhere. */
static int check_bytes(struct pf_state *st, const char *s, size_t len)
{
	size_t end = comment_start(s, len), i;

	for (i = 0; i < len; i++) {
		unsigned char c = s[i];

		if (c == 0 || (i < end && c != '\t' && (c < 0x20 || c >= 0x7f)))
			return pf_fail(st, i + 1, "found byte 0x%02x, expected printable ASCII text", c);
	}
	return 0;
}

/* Split one line (NUL-terminated in place) into words, comment dropped. */
static int split_words(struct pf_state *st, char *s, size_t len, struct pf_tok *tok)
{
	size_t end = comment_start(s, len), i = 0;
	int n = 0;

	s[end] = '\0';
	while (i < end) {
		while (i < end && (s[i] == ' ' || s[i] == '\t'))
			s[i++] = '\0';
		if (i >= end)
			break;
		if (n == PF_WORDS_MAX)
			return pf_fail(st, i + 1, "found more than %d words on a line, expected fewer",
				       PF_WORDS_MAX);
		tok[n].s = s + i;
		tok[n++].col = i + 1;
		while (i < end && s[i] != ' ' && s[i] != '\t')
			i++;
	}
	return n;
}

static int version_line(struct pf_state *st, struct pf_tok *tok, int n)
{
	if (strcmp(tok[0].s, "clonegate-profile"))
		return pf_fail(st, tok[0].col, "found %s, expected 'clonegate-profile 1' first",
			       pf_quote(&tok[0]));
	if (n < 2)
		return pf_fail(st, tok[0].col + strlen(tok[0].s),
			       "found the end of the line, expected the format version 1");
	if (strcmp(tok[1].s, "1"))
		return pf_fail(st, tok[1].col, "found version %s, expected 1", pf_quote(&tok[1]));
	if (n > 2)
		return pf_fail(st, tok[2].col, "found %s, expected the end of the line",
			       pf_quote(&tok[2]));
	st->have_version = true;
	return 0;
}

static int one_line(struct pf_state *st, char *s, size_t len)
{
	struct pf_tok tok[PF_WORDS_MAX];
	int n;

	if (len > PF_LINE_MAX)
		return pf_fail(st, PF_LINE_MAX + 1,
			       "found a line longer than %d characters, expected a shorter one",
			       PF_LINE_MAX);
	if (check_bytes(st, s, len))
		return -1;
	n = split_words(st, s, len, tok);
	if (n <= 0)
		return n;
	if (!st->have_version)
		return version_line(st, tok, n);
	return pf_key(st, tok, n);
}

static int read_all(const char *path, char *buf, size_t *len, char *msg, size_t msglen)
{
	struct stat sb;
	ssize_t got;
	int fd;

	*len = 0;
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &sb) || !S_ISREG(sb.st_mode)) {
		if (fd < 0)
			snprintf(msg, msglen, "%s:1:1: error: found no file to read (%s), "
				 "expected a readable regular file", path, strerror(errno));
		else
			snprintf(msg, msglen, "%s:1:1: error: found something that is not a "
				 "regular file, expected a readable regular file", path);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	while ((got = read(fd, buf + *len, PF_FILE_MAX + 1 - *len)) > 0 &&
	       *len + got <= PF_FILE_MAX)
		*len += got;
	close(fd);
	if (got < 0) {
		snprintf(msg, msglen, "%s:1:1: error: found a read error (%s), "
			 "expected a readable file", path, strerror(errno));
		return -1;
	}
	if (got > 0) {
		*len += got;	/* over the limit: the caller reports where */
		return 1;
	}
	return 0;
}

static int parse_buf(struct pf_state *st, char *buf, size_t len, bool too_big)
{
	size_t start = 0, end;

	while (start < len) {
		st->line++;
		for (end = start; end < len && buf[end] != '\n'; end++)
			;
		if (too_big && end >= PF_FILE_MAX)
			return pf_fail(st, PF_FILE_MAX - start + 1,
				       "found a file over %d bytes, expected a smaller one",
				       PF_FILE_MAX);
		buf[end] = '\0';
		if (one_line(st, buf + start, end - start))
			return -1;
		start = end + 1;
	}
	st->line++;	/* the end of the file, for what is missing */
	return pf_finish(st, !st->have_version);
}

int profile_file_parse(const char *path, struct profile *out, char *msg, size_t msglen)
{
	static char buf[PF_FILE_MAX + 2];
	struct pf_state *st;
	size_t len;
	int ret;

	ret = read_all(path, buf, &len, msg, msglen);
	if (ret < 0)
		return -1;
	st = calloc(1, sizeof(*st));
	if (!st) {
		snprintf(msg, msglen, "%s: out of memory", path);
		return -1;
	}
	st->path = path;
	st->msg = msg;
	st->msglen = msglen;
	ret = parse_buf(st, buf, len, ret > 0);
	if (!ret) {
		*out = st->p;
		snprintf(out->path, sizeof(out->path), "%s", path);
		out->def.name = out->name;
		out->def.what = out->what;
	}
	free(st);
	return ret;
}

bool profile_arg_is_file(const char *arg)
{
	size_t len = strlen(arg);

	return strchr(arg, '/') || (len > 8 && !strcmp(arg + len - 8, ".profile"));
}

int profile_get(const char *arg, struct profile *out)
{
	char msg[512];
	int id;

	if (profile_arg_is_file(arg)) {
		if (profile_file_parse(arg, out, msg, sizeof(msg))) {
			fflush(stdout);
			fprintf(stderr, "%s\n", msg);
			return -1;
		}
		return 0;
	}
	id = profile_lookup(arg);
	if (id < 0) {
		int err = profile_loaded_get(arg, out);

		if (!err)
			return 0;
		if (err == -ENOENT)
			profile_unknown(arg);
		else
			p_err("unknown profile '%s': not built in, and loaded profiles cannot "
			      "be read (%s)", arg, ctl_strerror(err));
		return -1;
	}
	memset(out, 0, sizeof(*out));
	out->def = cg_profiles[id];
	out->id = id;
	return 0;
}

int profile_rule_errno(const struct profile *p, int r)
{
	return cg_profile_errno(&p->def, r);
}

int errno_lookup(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(cg_profile_errnos); i++)
		if (!strcmp(errno_name(cg_profile_errnos[i]), name))
			return cg_profile_errnos[i];
	return 0;
}
