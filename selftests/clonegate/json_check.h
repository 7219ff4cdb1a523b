/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A strict JSON checker for the selftests (the guest has no python or jq).
 *
 * jc_check(text, key, out, len) parses text as exactly one JSON value
 * (RFC 8259: objects, arrays, strings, numbers, true, false, null, with
 * optional whitespace around) and fails on anything else: a raw control
 * character or an unknown escape in a string, a lone surrogate (raw or
 * \u-escaped), bytes that are not well-formed UTF-8 (bad lead bytes,
 * truncated sequences, overlong forms, surrogates, code points above
 * U+10FFFF), trailing text. When key is not NULL, the decoded value (as
 * UTF-8) of the first member named key, at any depth, whose value is a
 * string goes to out; *found says whether there was one.
 *
 * The UTF-8 check decodes each sequence to its code point and compares
 * it with the smallest one that needs that many bytes: written on its own,
 * not after the writer under test.
 */
#ifndef JSON_CHECK_H
#define JSON_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#define JC_MAX_DEPTH	32

struct jc {
	const unsigned char *p;
	const char *key;
	char *out;		/* the wanted string, decoded */
	size_t len;
	bool found;
	const char *why;	/* the first error */
	size_t at;		/* its offset */
	const unsigned char *start;
};

static inline bool jc_fail(struct jc *j, const char *why)
{
	if (!j->why) {
		j->why = why;
		j->at = j->p - j->start;
	}
	return false;
}

static inline void jc_ws(struct jc *j)
{
	while (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r')
		j->p++;
}

/* Append code point cp as UTF-8 to buf (at most len - 1 bytes, NUL-ended). */
static inline void jc_put(char *buf, size_t len, size_t *n, unsigned int cp)
{
	unsigned char u[4];
	int k = 0, i;

	if (cp < 0x80) {
		u[k++] = cp;
	} else if (cp < 0x800) {
		u[k++] = 0xc0 | cp >> 6;
		u[k++] = 0x80 | (cp & 0x3f);
	} else if (cp < 0x10000) {
		u[k++] = 0xe0 | cp >> 12;
		u[k++] = 0x80 | ((cp >> 6) & 0x3f);
		u[k++] = 0x80 | (cp & 0x3f);
	} else {
		u[k++] = 0xf0 | cp >> 18;
		u[k++] = 0x80 | ((cp >> 12) & 0x3f);
		u[k++] = 0x80 | ((cp >> 6) & 0x3f);
		u[k++] = 0x80 | (cp & 0x3f);
	}
	for (i = 0; i < k && buf && *n + 1 < len; i++)
		buf[(*n)++] = u[i];
	if (buf && len)
		buf[*n] = '\0';
}

/* One raw UTF-8 sequence at j->p (first byte >= 0x80): its code point, or -1. */
static inline long jc_utf8(struct jc *j)
{
	static const unsigned int min[] = { 0, 0, 0x80, 0x800, 0x10000 };
	unsigned int c = *j->p, cp;
	int n, i;

	if ((c & 0xe0) == 0xc0) {
		n = 2;
		cp = c & 0x1f;
	} else if ((c & 0xf0) == 0xe0) {
		n = 3;
		cp = c & 0x0f;
	} else if ((c & 0xf8) == 0xf0) {
		n = 4;
		cp = c & 0x07;
	} else {
		return jc_fail(j, "invalid UTF-8 lead byte"), -1;
	}
	for (i = 1; i < n; i++) {
		if ((j->p[i] & 0xc0) != 0x80)
			return jc_fail(j, "truncated UTF-8 sequence"), -1;
		cp = cp << 6 | (j->p[i] & 0x3f);
	}
	if (cp < min[n])
		return jc_fail(j, "overlong UTF-8 sequence"), -1;
	if (cp >= 0xd800 && cp <= 0xdfff)
		return jc_fail(j, "UTF-8-encoded surrogate"), -1;
	if (cp > 0x10ffff)
		return jc_fail(j, "code point above U+10FFFF"), -1;
	j->p += n;
	return cp;
}

/* Four hex digits after "\u": their value, or -1. */
static inline long jc_hex4(struct jc *j)
{
	unsigned int v = 0;
	int i;

	for (i = 0; i < 4; i++) {
		unsigned char c = j->p[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return jc_fail(j, "bad \\u escape"), -1;
	}
	j->p += 4;
	return v;
}

/* A \u escape (j->p after the 'u'), with a surrogate pair's second half. */
static inline long jc_uescape(struct jc *j)
{
	long hi = jc_hex4(j), lo;

	if (hi < 0 || hi < 0xd800 || hi > 0xdfff)
		return hi;
	if (hi > 0xdbff || j->p[0] != '\\' || j->p[1] != 'u')
		return jc_fail(j, "lone surrogate escape"), -1;
	j->p += 2;
	lo = jc_hex4(j);
	if (lo < 0)
		return -1;
	if (lo < 0xdc00 || lo > 0xdfff)
		return jc_fail(j, "lone surrogate escape"), -1;
	return 0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00);
}

/* A string at j->p ('"'); decoded into buf (NULL: only checked). */
static inline bool jc_string(struct jc *j, char *buf, size_t len)
{
	static const char esc_in[] = "\"\\/bfnrt", esc_out[] = "\"\\/\b\f\n\r\t";
	size_t n = 0;
	long cp;

	if (buf && len)
		buf[0] = '\0';
	j->p++;
	for (;;) {
		unsigned char c = *j->p;
		const char *e;

		if (c == '"') {
			j->p++;
			return true;
		}
		if (c < 0x20)
			return jc_fail(j, c ? "raw control character in a string" :
					      "unterminated string");
		if (c >= 0x80) {
			cp = jc_utf8(j);
		} else if (c != '\\') {
			cp = c;
			j->p++;
		} else if (j->p[1] == 'u') {
			j->p += 2;
			cp = jc_uescape(j);
		} else if (j->p[1] && (e = strchr(esc_in, j->p[1]))) {
			cp = (unsigned char)esc_out[e - esc_in];
			j->p += 2;
		} else {
			return jc_fail(j, "unknown escape");
		}
		if (cp < 0)
			return false;
		jc_put(buf, len, &n, cp);
	}
}

static inline bool jc_digits(struct jc *j)
{
	if (*j->p < '0' || *j->p > '9')
		return jc_fail(j, "digit expected");
	while (*j->p >= '0' && *j->p <= '9')
		j->p++;
	return true;
}

static inline bool jc_number(struct jc *j)
{
	if (*j->p == '-')
		j->p++;
	if (*j->p == '0')
		j->p++;
	else if (!jc_digits(j))
		return false;
	if (*j->p == '.') {
		j->p++;
		if (!jc_digits(j))
			return false;
	}
	if (*j->p == 'e' || *j->p == 'E') {
		j->p++;
		if (*j->p == '+' || *j->p == '-')
			j->p++;
		if (!jc_digits(j))
			return false;
	}
	return true;
}

static inline bool jc_value(struct jc *j, int depth);

/* An object's or an array's members; j->p at '{' or '['. */
static inline bool jc_container(struct jc *j, int depth)
{
	bool object = *j->p == '{';
	char close = object ? '}' : ']';
	char name[128];

	if (depth >= JC_MAX_DEPTH)
		return jc_fail(j, "nested too deep");
	j->p++;
	jc_ws(j);
	if (*j->p == close) {
		j->p++;
		return true;
	}
	for (;;) {
		bool wanted = false;

		if (object) {
			jc_ws(j);
			if (*j->p != '"')
				return jc_fail(j, "member name expected");
			if (!jc_string(j, name, sizeof(name)))
				return false;
			jc_ws(j);
			if (*j->p++ != ':')
				return jc_fail(j, "':' expected");
			jc_ws(j);
			wanted = j->key && !j->found && !strcmp(name, j->key) && *j->p == '"';
		}
		if (wanted) {
			if (!jc_string(j, j->out, j->len))
				return false;
			j->found = true;
		} else if (!jc_value(j, depth + 1)) {
			return false;
		}
		jc_ws(j);
		if (*j->p == close) {
			j->p++;
			return true;
		}
		if (*j->p++ != ',')
			return jc_fail(j, "',' or end of container expected");
	}
}

static inline bool jc_value(struct jc *j, int depth)
{
	static const char *const lits[] = { "true", "false", "null" };
	size_t i;

	jc_ws(j);
	switch (*j->p) {
	case '{':
	case '[':
		return jc_container(j, depth);
	case '"':
		return jc_string(j, NULL, 0);
	case '-':
	case '0' ... '9':
		return jc_number(j);
	}
	for (i = 0; i < sizeof(lits) / sizeof(lits[0]); i++) {
		size_t n = strlen(lits[i]);

		if (!strncmp((const char *)j->p, lits[i], n)) {
			j->p += n;
			return true;
		}
	}
	return jc_fail(j, "value expected");
}

/*
 * Is text one valid JSON value? See the top of this file. On failure *why
 * (if not NULL) says what was wrong, and where.
 */
static inline bool jc_check(const char *text, const char *key, char *out, size_t len,
			    bool *found, char *why, size_t why_len)
{
	struct jc j = { .p = (const unsigned char *)text, .key = key, .out = out, .len = len,
			.start = (const unsigned char *)text };
	bool ok = jc_value(&j, 0);

	if (ok) {
		jc_ws(&j);
		if (*j.p)
			ok = jc_fail(&j, "text after the value");
	}
	if (found)
		*found = j.found;
	if (!ok && why)
		snprintf(why, why_len, "%s at byte %zu", j.why, j.at);
	return ok;
}

#endif /* JSON_CHECK_H */
