/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * A small streaming JSON writer for stdout: compact output, one top-level
 * value per line. 'key' names a member inside an object and is NULL for
 * array elements and the top-level value.
 *
 * Strings are always valid UTF-8 (task names and paths need not be): valid
 * UTF-8 is copied as it is, each invalid part becomes U+FFFD (Unicode's
 * maximal subparts), controls, '"' and '\\' are escaped (RFC 8259).
 *
 * The collector writes up to a million lines a second through here. The
 * jw_*() calls are inline wrappers that pass the key's length along: for
 * the usual literal key the compiler computes it, so no strlen() per field.
 */
#ifndef CLONEGATE_JSON_H
#define CLONEGATE_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/*
 * Where the writer goes: f (NULL: stdout). flush_each_line false leaves
 * flushing to the caller (batched output): jw_flush(), then fflush(f) and
 * ferror(f). The writer buffers text of its own; switching the output
 * hands it to the old one first.
 */
void jw_set_output(FILE *f, bool flush_each_line);
/* Hand the buffered text to the FILE (no fflush). */
void jw_flush(void);

void jw_begin_object_k(const char *key, size_t klen);
void jw_begin_array_k(const char *key, size_t klen);
void jw_end_object(void);
void jw_end_array(void);
void jw_string_k(const char *key, size_t klen, const char *val, unsigned int maxlen);
void jw_u64_k(const char *key, size_t klen, unsigned long long val);
void jw_i64_k(const char *key, size_t klen, long long val);
void jw_bool_k(const char *key, size_t klen, bool val);
void jw_null_k(const char *key, size_t klen);
/* Ends the top-level value: newline, and flush unless jw_set_output() said not to. */
void jw_end_line(void);

#define JW_KLEN(key)	((key) ? __builtin_strlen(key) : 0)

static inline void jw_begin_object(const char *key) { jw_begin_object_k(key, JW_KLEN(key)); }
static inline void jw_begin_array(const char *key) { jw_begin_array_k(key, JW_KLEN(key)); }
/* NULL val writes null; at most maxlen bytes of val. */
static inline void jw_string_n(const char *key, const char *val, unsigned int maxlen)
{
	jw_string_k(key, JW_KLEN(key), val, maxlen);
}
static inline void jw_string(const char *key, const char *val)
{
	jw_string_k(key, JW_KLEN(key), val, ~0U);
}
static inline void jw_u64(const char *key, unsigned long long val)
{
	jw_u64_k(key, JW_KLEN(key), val);
}
static inline void jw_i64(const char *key, long long val) { jw_i64_k(key, JW_KLEN(key), val); }
static inline void jw_bool(const char *key, bool val) { jw_bool_k(key, JW_KLEN(key), val); }
static inline void jw_null(const char *key) { jw_null_k(key, JW_KLEN(key)); }

#endif /* CLONEGATE_JSON_H */
