/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* clonegate command: what every object file shares. */
#ifndef CLONEGATE_MAIN_H
#define CLONEGATE_MAIN_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <linux/types.h>

#include <clonegate/abi.h>

/* The profile 'policy apply' uses when none is named. */
#define CG_DEFAULT_PROFILE	CG_PROFILE_GVISOR_21D66119

/* Exit codes, documented in 'clonegate --help'. */
enum {
	EXIT_OK		= 0,	/* did what was asked */
	EXIT_USAGE	= 1,	/* bad command line: nothing was tried */
	EXIT_FAIL	= 2,	/* tried and failed: module, kernel, permissions, names */
};

extern bool json_output;	/* --json: data as JSON on stdout */
extern bool verbose;		/* --verbose: libbpf and extra diagnostics */

/* "clonegate: <message>\n" on stderr. */
void p_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void p_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

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

/* Report a usage error with a pointer to help; returns EXIT_USAGE. */
int usage_err(const char *where, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Parse a non-negative decimal number; false if it is not one. */
bool parse_u64(const char *s, unsigned long long *out);

/* Names for numbers in the ABI; "?" forms for values this build does not know. */
const char *profile_name(__u32 id, char *buf, size_t len);
int profile_lookup(const char *name);	/* enum cg_profile_id or -1 */
const char *mode_name(__u32 mode, char *buf, size_t len);
const char *entry_name(__u32 entry, char *buf, size_t len);
const char *rule_name(__u32 rule, char *buf, size_t len);
const char *errno_name(int err);

/* Objects (one file each). */
int do_policy(int argc, char **argv);
int do_profile(int argc, char **argv);
int do_status(int argc, char **argv);
int do_module(int argc, char **argv);
int do_events(int argc, char **argv);
int do_run(int argc, char **argv);

/* policy.c: the scope table shared by 'policy list' and 'status'. */
struct scopes {
	struct cg_scope_info *sc;
	char **paths;		/* cgroup path per scope, NULL if global or not found */
	__u32 n;
	__u64 generation;
};
int scopes_fetch(int fd, struct scopes *t);	/* EXIT_OK, or EXIT_FAIL reported */
/* Text: a table, each line prefixed by indent. JSON: adds "generation" and
 * "scopes" to the object the caller opened. */
void scopes_print(const struct scopes *t, const char *indent);
void scopes_free(struct scopes *t);
/*
 * Say why the module answered EPERM to @what ("changing policy"): not root,
 * or which scope polices this task.
 */
void report_eperm(int fd, const char *what);

#endif /* CLONEGATE_MAIN_H */
