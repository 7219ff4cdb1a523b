/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * UTF-8 for the sinks. Task names, paths and cgroup names are bytes the
 * user chose; JSON and proto3 strings must be UTF-8. Both sinks keep valid
 * UTF-8 as it is and replace each invalid part by one U+FFFD, as Unicode
 * recommends, so the two outputs of one event agree.
 */
#ifndef CLONEGATE_UTF8_H
#define CLONEGATE_UTF8_H

#define UTF8_REPLACEMENT	"\xef\xbf\xbd"	/* U+FFFD */
#define UTF8_REPLACEMENT_LEN	3

/*
 * The sequence at s, whose first byte is 0x80 or above, with at most 'left'
 * bytes to read: its length if well-formed, else minus the number of bytes
 * one U+FFFD replaces (at least 1). Never reads past a NUL.
 */
int utf8_seq(const unsigned char *s, unsigned int left);

/*
 * s (NUL-terminated) as valid UTF-8: s itself if it is, else a copy in
 * buf (len bytes, cut at a whole character) with the replacements.
 */
const char *utf8_valid(const char *s, char *buf, unsigned int len);

#endif
