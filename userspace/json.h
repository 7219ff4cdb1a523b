/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * A small streaming JSON writer for stdout: compact output, one top-level
 * value per line. 'key' names a member inside an object and is NULL for
 * array elements and the top-level value.
 */
#ifndef CLONEGATE_JSON_H
#define CLONEGATE_JSON_H

#include <stdbool.h>
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

void jw_begin_object(const char *key);
void jw_end_object(void);
void jw_begin_array(const char *key);
void jw_end_array(void);
void jw_string(const char *key, const char *val);	/* NULL writes null */
void jw_string_n(const char *key, const char *val, unsigned int maxlen);
void jw_u64(const char *key, unsigned long long val);
void jw_i64(const char *key, long long val);
void jw_bool(const char *key, bool val);
void jw_null(const char *key);
/* Ends the top-level value: newline, and flush unless jw_set_output() said not to. */
void jw_end_line(void);

#endif /* CLONEGATE_JSON_H */
