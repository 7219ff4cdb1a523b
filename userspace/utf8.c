// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * utf8: the one UTF-8 check of the sinks (see utf8.h). Well-formed means
 * Unicode's table 3-7: no overlong forms, no surrogates, nothing above
 * U+10FFFF. An ill-formed sequence is replaced by its "maximal subpart": a
 * sequence cut short is one replacement, a byte that starts nothing is one
 * each.
 */
#include <string.h>

#include "utf8.h"

int utf8_seq(const unsigned char *s, unsigned int left)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xbf;
	unsigned int n, k;

	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return -1;
	/* Second-byte ranges that keep out overlongs, surrogates, > U+10FFFF. */
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	/* A NUL is never a continuation byte: the scan stops there. */
	for (k = 1; k < n; k++) {
		if (k >= left || s[k] < lo || s[k] > hi)
			return -(int)k;
		lo = 0x80;
		hi = 0xbf;
	}
	return n;
}

const char *utf8_valid(const char *s, char *buf, unsigned int len)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned int i = 0, o = 0, step, out;
	int n;

	while (p[i] && p[i] < 0x80)
		i++;
	if (!p[i])
		return s;	/* ASCII, the common case: no copy */
	i = 0;
	while (p[i]) {
		n = p[i] < 0x80 ? 1 : utf8_seq(p + i, -1U);
		step = n > 0 ? n : -n;
		out = n > 0 ? step : UTF8_REPLACEMENT_LEN;
		if (o + out >= len)
			break;
		memcpy(buf + o, n > 0 ? s + i : UTF8_REPLACEMENT, out);
		o += out;
		i += step;
	}
	buf[o] = '\0';
	return strcmp(buf, s) ? buf : s;
}
