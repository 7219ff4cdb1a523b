// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * clonegate: control the clonegate kernel module and watch task creation.
 *
 *   clonegate [OPTIONS] OBJECT { COMMAND | help }
 *
 * This file holds only the global options, the top-level help and the
 * table of objects. Each object is a file of its own, cmd_<object>.c,
 * with its help, options and verbs (bpftool's layout); what they share
 * is in diag.c (messages, exit codes), opts.c (option parsing, cmds[]
 * dispatch) and names.c (ABI numbers as words). ctl.c is the only code
 * that talks to /dev/clonegate.
 */
#include "cmds.h"
#include "diag.h"
#include "opts.h"

static int do_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("Usage: clonegate [OPTIONS] OBJECT { COMMAND | help }\n"
	       "       clonegate help\n"
	       "\n"
	       "OBJECT := { run | policy | profile | status | module | events | version | help }\n"
	       "OPTIONS := { -j|--json | -v|--verbose | -h|--help }\n"
	       "\n"
	       "  run      run a command under a policy in a transient cgroup, and summarize\n"
	       "           what it did that gVisor refuses\n"
	       "  policy   apply, remove and list policies for the host or a cgroup v2 subtree\n"
	       "  profile  list and explain the rule sets a policy can use\n"
	       "  status   module state, scopes and counters (--reset zeroes the counters)\n"
	       "  module   load or unload the clonegate kernel module\n"
	       "  events   stream clone, decision, unshare and setns events (JSON, gVisor)\n"
	       "  version  versions of this command and of the loaded module\n"
	       "\n"
	       "  -j, --json     print data as JSON (one value per line); also accepted after\n"
	       "                 the command\n"
	       "  -v, --verbose  print libbpf's and other diagnostics\n"
	       "\n"
	       "'clonegate OBJECT help' and 'clonegate OBJECT COMMAND --help' explain each one.\n"
	       "\n"
	       "Exit status:\n"
	       "  0  success\n"
	       "  1  usage error: the command line is wrong; nothing was done\n"
	       "  2  operational error: module not loaded, permission denied, unknown\n"
	       "     profile or cgroup, or the kernel refused the request\n"
	       "  'clonegate run' exits with its command's status (see 'clonegate run --help')\n"
	       "Errors go to stderr as 'clonegate: ...', each with what to do about it.\n");
	return EXIT_OK;
}

static int do_help_cmd(int argc, char **argv)
{
	return do_help(argc, argv);
}

static const struct cmd cmds[] = {
	{ "policy",	do_policy },
	{ "profile",	do_profile },
	{ "status",	do_status },
	{ "module",	do_module },
	{ "events",	do_events },
	{ "run",	do_run },
	{ "version",	do_version },
	{ "help",	do_help_cmd },
	{ 0 }
};

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json",	no_argument, NULL, 'j' },
		{ "verbose",	no_argument, NULL, 'v' },
		{ "help",	no_argument, NULL, 'h' },
		{ "version",	no_argument, NULL, 'V' },
		{ 0 }
	};
	int opt;

	/* '+': stop at the object, whose own options follow it. */
	while ((opt = next_opt(argc, argv, "+:jvhV", opts, "clonegate")) != -1) {
		switch (opt) {
		case 'j': json_output = true; break;
		case 'v': verbose = true; break;
		case 'h': return do_help(0, NULL);
		case 'V': return do_version(1, (char *[]){ "version", NULL });
		default:  return EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1) {
		do_help(0, NULL);
		return EXIT_USAGE;
	}
	return cmd_select(cmds, argc, argv, do_help, "clonegate");
}
