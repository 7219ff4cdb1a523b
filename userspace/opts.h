/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * opts: the command line, bpftool's way. Each object has a cmds[] table
 * and a do_help; each verb parses its own options with next_opt(), so all
 * of them word their usage errors the same (diag.h's usage_err()).
 */
#ifndef CLONEGATE_OPTS_H
#define CLONEGATE_OPTS_H

#include <getopt.h>
#include <stdbool.h>

/* One object or verb: argv[0] is its own name. Returns an EXIT_* code. */
struct cmd {
	const char *name;
	int (*func)(int argc, char **argv);
};

/*
 * Run the command in cmds[] named by argv[0]; 'help' with no argv.
 * 'where' is the command path for messages ("clonegate policy").
 */
int cmd_select(const struct cmd *cmds, int argc, char **argv,
	       int (*help)(int argc, char **argv), const char *where);

/*
 * getopt_long() for a verb, with clonegate's messages. 'where' names the
 * verb ("clonegate policy apply"). Returns the option, -1 at the end, or
 * '?' after reporting a bad option (the caller returns EXIT_USAGE).
 * Call with optind = 0 before the first call for a new argv.
 */
int next_opt(int argc, char **argv, const char *shortopts,
	     const struct option *longopts, const char *where);

/*
 * Options of a verb that takes only --json and --help. Returns -1 to go on,
 * with the positional arguments at argv[optind..argc-1], or an exit code.
 */
int parse_simple_opts(int argc, char **argv, const char *where, int (*help)(void));

/* Parse a non-negative decimal number; false if it is not one. */
bool parse_u64(const char *s, unsigned long long *out);

#endif /* CLONEGATE_OPTS_H */
