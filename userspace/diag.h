/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * diag: how the command speaks to its user. The exit codes, the two global
 * output switches (--json, --verbose) and the three kinds of message: an
 * error or warning ("clonegate: ..."), a --verbose diagnostic, and a usage
 * error that points at --help. Every file may include this one; it includes
 * no header of the command, so it can be in no include cycle.
 */
#ifndef CLONEGATE_DIAG_H
#define CLONEGATE_DIAG_H

#include <stdbool.h>
#include <stdio.h>

/* Exit codes, documented in 'clonegate --help'. */
enum {
	EXIT_OK		= 0,	/* did what was asked */
	EXIT_USAGE	= 1,	/* bad command line: nothing was tried */
	EXIT_FAIL	= 2,	/* tried and failed: module, kernel, permissions, names */
};

extern bool json_output;	/* --json: data as JSON on stdout */
extern bool verbose;		/* --verbose: libbpf and extra diagnostics */

/* "clonegate: <message>\n" on stderr, after what stdout already holds. */
void p_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The same, with --verbose only. */
void p_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Report a usage error with a pointer to help; returns EXIT_USAGE. */
int usage_err(const char *where, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif /* CLONEGATE_DIAG_H */
