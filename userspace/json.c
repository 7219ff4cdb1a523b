// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Streaming JSON writer: see json.h. */
#include <stdio.h>
#include <string.h>

#include "json.h"
#include "utf8.h"

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

static void __attribute__((noinline)) put_raw_slow(const char *s, size_t n)
{
	jw_flush();
	if (n > sizeof(obuf))
		fwrite(s, 1, n, OUT);
	else
		memcpy(obuf, s, olen = n);
}

static inline void put_raw(const char *s, size_t n)
{
	if (__builtin_expect(olen + n > sizeof(obuf), 0)) {
		put_raw_slow(s, n);
		return;
	}
	memcpy(obuf + olen, s, n);
	olen += n;
}

static inline void put_char(char c)
{
	if (__builtin_expect(olen == sizeof(obuf), 0))
		jw_flush();
	obuf[olen++] = c;
}

/*
 * Bytes that a run of plain text stops at: controls, '"', '\\' (escaped as
 * RFC 8259 says) and the bytes of multibyte UTF-8 (checked). DEL passes.
 */
static const bool escape[256] = {
	[0 ... 0x1f] = true, ['"'] = true, ['\\'] = true, [0x80 ... 0xff] = true,
};

/*
 * A JSON string: valid UTF-8 as it is, each invalid part as U+FFFD (task
 * names, paths and cgroup names need not be UTF-8), controls, '"' and '\\'
 * escaped.
 */
static void put_escaped(const char *s, unsigned int maxlen)
{
	static const char hex[] = "0123456789abcdef";
	unsigned int i = 0, run;

	put_char('"');
	while (i < maxlen && s[i]) {
		unsigned char c;
		int n;

		for (run = i; run < maxlen && s[run] && !escape[(unsigned char)s[run]]; run++)
			;
		if (run > i) {
			put_raw(s + i, run - i);
			i = run;
			continue;
		}
		c = (unsigned char)s[i];
		if (c >= 0x80) {
			n = utf8_seq((const unsigned char *)s + i, maxlen - i);
			if (n > 0)
				put_raw(s + i, n);
			else
				put_raw(UTF8_REPLACEMENT, UTF8_REPLACEMENT_LEN);
			i += n > 0 ? n : -n;
			continue;
		}
		i++;
		switch (c) {
		case '"':  put_raw("\\\"", 2); break;
		case '\\': put_raw("\\\\", 2); break;
		case '\n': put_raw("\\n", 2); break;
		case '\r': put_raw("\\r", 2); break;
		case '\t': put_raw("\\t", 2); break;
		default: {
			char u[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };

			put_raw(u, sizeof(u));
		}
		}
	}
	put_char('"');
}

/* Two digits at a time, from the right. */
static void put_u64(unsigned long long v)
{
	static const char pairs[] =
		"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
		"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
		"8081828384858687888990919293949596979899";
	char buf[20];
	int i = sizeof(buf);

	while (v >= 100) {
		unsigned int d = v % 100;

		v /= 100;
		buf[--i] = pairs[2 * d + 1];
		buf[--i] = pairs[2 * d];
	}
	if (v >= 10) {
		buf[--i] = pairs[2 * v + 1];
		buf[--i] = pairs[2 * v];
	} else {
		buf[--i] = '0' + v;
	}
	put_raw(buf + i, sizeof(buf) - i);
}

/* The comma before a member, and its key: the program's own ASCII literal. */
static void member(const char *key, size_t klen)
{
	if (depth > 0 && depth <= JW_MAX_DEPTH) {
		if (has_members[depth - 1])
			put_char(',');
		has_members[depth - 1] = true;
	}
	if (key) {
		put_char('"');
		put_raw(key, klen);
		put_raw("\":", 2);
	}
}

static void open_container(const char *key, size_t klen, char c)
{
	member(key, klen);
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

void jw_begin_object_k(const char *key, size_t klen) { open_container(key, klen, '{'); }
void jw_end_object(void) { close_container('}'); }
void jw_begin_array_k(const char *key, size_t klen) { open_container(key, klen, '['); }
void jw_end_array(void) { close_container(']'); }

void jw_string_k(const char *key, size_t klen, const char *val, unsigned int maxlen)
{
	member(key, klen);
	if (val)
		put_escaped(val, maxlen);
	else
		put_raw("null", 4);
}

void jw_u64_k(const char *key, size_t klen, unsigned long long val)
{
	member(key, klen);
	put_u64(val);
}

void jw_i64_k(const char *key, size_t klen, long long val)
{
	member(key, klen);
	if (val < 0) {
		put_char('-');
		put_u64(-(unsigned long long)val);
	} else {
		put_u64(val);
	}
}

void jw_bool_k(const char *key, size_t klen, bool val)
{
	member(key, klen);
	if (val)
		put_raw("true", 4);
	else
		put_raw("false", 5);
}

void jw_null_k(const char *key, size_t klen)
{
	member(key, klen);
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
