// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * diag: the command's messages and output switches (see diag.h).
 *
 * Every message flushes stdout first, so that on a terminal or in a log
 * that holds both streams it stands after the data it is about. These used
 * to live in main.c, which made every file (ctl.c included) call into the
 * file that calls it; here they depend on nothing of the command.
 */
#include <stdarg.h>

#include "diag.h"

bool json_output;
bool verbose;

static void vmessage(const char *fmt, va_list ap)
{
	fflush(stdout);
	fputs("clonegate: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void p_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(fmt, ap);
	va_end(ap);
}

void p_info(const char *fmt, ...)
{
	va_list ap;

	if (!verbose)
		return;
	va_start(ap, fmt);
	vmessage(fmt, ap);
	va_end(ap);
}

int usage_err(const char *where, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "%s: ", where);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see '%s --help')\n", where);
	return EXIT_USAGE;
}
