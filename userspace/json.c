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

/*
 * The collector writes up to a million lines a second through here, so the
 * text is built in our own buffer (stdio's per-call cost was most of the
 * time) and handed to stdio in large pieces: at jw_flush(), when the buffer
 * fills, and at each line's end when flushing per line.
 */
static char obuf[1 << 16];
static size_t olen;

#define OUT	(out ? out : stdout)

void jw_flush(void)
{
	if (olen)
		fwrite(obuf, 1, olen, OUT);
	olen = 0;
}

void jw_set_output(FILE *f, bool flush_each_line)
{
	jw_flush();
	out = f;
	flush_lines = flush_each_line;
}

static void put_raw(const char *s, size_t n)
{
	if (olen + n > sizeof(obuf)) {
		jw_flush();
		if (n > sizeof(obuf)) {
			fwrite(s, 1, n, OUT);
			return;
		}
	}
	/* Mostly keys and numbers: a loop beats a call to memcpy. */
	if (n <= 32) {
		char *d = obuf + olen;
		size_t i;

		for (i = 0; i < n; i++)
			d[i] = s[i];
	} else {
		memcpy(obuf + olen, s, n);
	}
	olen += n;
}

static void put_char(char c)
{
	if (olen == sizeof(obuf))
		jw_flush();
	obuf[olen++] = c;
}

static bool needs_escape(unsigned char c)
{
	return c < 0x20 || c >= 0x7f || c == '"' || c == '\\';
}

static void put_escaped(const char *s, unsigned int maxlen)
{
	static const char hex[] = "0123456789abcdef";
	unsigned int i = 0, run;

	put_char('"');
	while (i < maxlen && s[i]) {
		unsigned char c;

		for (run = i; run < maxlen && s[run] && !needs_escape((unsigned char)s[run]); run++)
			;
		if (run > i) {
			put_raw(s + i, run - i);
			i = run;
			continue;
		}
		c = (unsigned char)s[i++];
		switch (c) {
		case '"':  put_raw("\\\"", 2); break;
		case '\\': put_raw("\\\\", 2); break;
		case '\n': put_raw("\\n", 2); break;
		case '\r': put_raw("\\r", 2); break;
		case '\t': put_raw("\\t", 2); break;
		default: {
			/* Control bytes and non-ASCII (task names need not be UTF-8). */
			char u[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };

			put_raw(u, sizeof(u));
		}
		}
	}
	put_char('"');
}

/* Keys are the program's own literals: plain ASCII, nothing to escape. */
static void put_key(const char *key)
{
	put_char('"');
	put_raw(key, strlen(key));
	put_raw("\":", 2);
}

static void put_u64(unsigned long long v)
{
	char buf[20];
	int i = sizeof(buf);

	do {
		buf[--i] = '0' + v % 10;
		v /= 10;
	} while (v);
	put_raw(buf + i, sizeof(buf) - i);
}

static void member(const char *key)
{
	if (depth > 0 && depth <= JW_MAX_DEPTH) {
		if (has_members[depth - 1])
			put_char(',');
		has_members[depth - 1] = true;
	}
	if (key)
		put_key(key);
}

static void open_container(const char *key, char c)
{
	member(key);
	put_char(c);
	if (depth < JW_MAX_DEPTH)
		has_members[depth] = false;
	depth++;
}

static void close_container(char c)
{
	put_char(c);
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
		put_raw("null", 4);
}

void jw_string(const char *key, const char *val)
{
	jw_string_n(key, val, ~0U);
}

void jw_u64(const char *key, unsigned long long val)
{
	member(key);
	put_u64(val);
}

void jw_i64(const char *key, long long val)
{
	member(key);
	if (val < 0) {
		put_char('-');
		put_u64(-(unsigned long long)val);
	} else {
		put_u64(val);
	}
}

void jw_bool(const char *key, bool val)
{
	member(key);
	if (val)
		put_raw("true", 4);
	else
		put_raw("false", 5);
}

void jw_null(const char *key)
{
	member(key);
	put_raw("null", 4);
}

void jw_end_line(void)
{
	put_char('\n');
	if (flush_lines) {
		jw_flush();
		fflush(OUT);
	}
	depth = 0;
}
