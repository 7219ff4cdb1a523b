// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Streaming JSON writer: see json.h. */
#include <stdio.h>
#include <string.h>

#include "json.h"

#define JW_MAX_DEPTH	16

static bool has_members[JW_MAX_DEPTH];	/* per open container: comma needed */
static int depth;
static FILE *out;			/* NULL: stdout */
static bool flush_lines = true;

void jw_set_output(FILE *f, bool flush_each_line)
{
	out = f;
	flush_lines = flush_each_line;
}

#define OUT	(out ? out : stdout)

static void put_escaped(const char *s, unsigned int maxlen)
{
	unsigned int i;

	putc('"', OUT);
	for (i = 0; i < maxlen && s[i]; i++) {
		unsigned char c = (unsigned char)s[i];

		switch (c) {
		case '"':  fputs("\\\"", OUT); break;
		case '\\': fputs("\\\\", OUT); break;
		case '\n': fputs("\\n", OUT); break;
		case '\r': fputs("\\r", OUT); break;
		case '\t': fputs("\\t", OUT); break;
		default:
			/* Control bytes and non-ASCII (task names need not be UTF-8). */
			if (c < 0x20 || c >= 0x7f)
				fprintf(OUT, "\\u%04x", c);
			else
				putc(c, OUT);
		}
	}
	putc('"', OUT);
}

static void member(const char *key)
{
	if (depth > 0 && depth <= JW_MAX_DEPTH) {
		if (has_members[depth - 1])
			putc(',', OUT);
		has_members[depth - 1] = true;
	}
	if (key) {
		put_escaped(key, ~0U);
		putc(':', OUT);
	}
}

static void open_container(const char *key, char c)
{
	member(key);
	putc(c, OUT);
	if (depth < JW_MAX_DEPTH)
		has_members[depth] = false;
	depth++;
}

static void close_container(char c)
{
	putc(c, OUT);
	if (depth > 0)
		depth--;
}

void jw_begin_object(const char *key) { open_container(key, '{'); }
void jw_end_object(void) { close_container('}'); }
void jw_begin_array(const char *key) { open_container(key, '['); }
void jw_end_array(void) { close_container(']'); }

void jw_string_n(const char *key, const char *val, unsigned int maxlen)
{
	member(key);
	if (val)
		put_escaped(val, maxlen);
	else
		fputs("null", OUT);
}

void jw_string(const char *key, const char *val)
{
	jw_string_n(key, val, ~0U);
}

void jw_u64(const char *key, unsigned long long val)
{
	member(key);
	fprintf(OUT, "%llu", val);
}

void jw_i64(const char *key, long long val)
{
	member(key);
	fprintf(OUT, "%lld", val);
}

void jw_bool(const char *key, bool val)
{
	member(key);
	fputs(val ? "true" : "false", OUT);
}

void jw_null(const char *key)
{
	member(key);
	fputs("null", OUT);
}

void jw_end_line(void)
{
	putc('\n', OUT);
	if (flush_lines)
		fflush(OUT);
	depth = 0;
}
