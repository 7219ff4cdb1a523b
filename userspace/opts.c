// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * opts: option parsing and the cmds[] dispatch every object uses (see
 * opts.h). Nothing here knows any object: main.c and the cmd_*.c files
 * call in, this file calls only diag.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "opts.h"

int next_opt(int argc, char **argv, const char *shortopts,
	     const struct option *longopts, const char *where)
{
	const char *bad;
	int opt;

	opterr = 0;
	opt = getopt_long(argc, argv, shortopts, longopts, NULL);
	if (opt != '?' && opt != ':')
		return opt;

	/* A long option (optopt 0 or its value) is still in argv[optind - 1]. */
	bad = optind > 0 && optind <= argc ? argv[optind - 1] : "";
	if (opt == ':') {
		if (strncmp(bad, "--", 2) == 0)
			usage_err(where, "option '%s' needs a value", bad);
		else
			usage_err(where, "option '-%c' needs a value", optopt);
	} else if (optopt && strncmp(bad, "--", 2) != 0) {
		usage_err(where, "unknown option '-%c'", optopt);
	} else {
		usage_err(where, "unknown option '%s'", bad);
	}
	return '?';
}

int cmd_select(const struct cmd *cmds, int argc, char **argv,
	       int (*help)(int argc, char **argv), const char *where)
{
	int i;

	/* 'clonegate policy --json list' works like 'clonegate --json policy list'. */
	while (argc > 0 && (!strcmp(argv[0], "-j") || !strcmp(argv[0], "--json"))) {
		json_output = true;
		argc--;
		argv++;
	}
	if (argc < 1)
		return help(argc, argv);
	if (!strcmp(argv[0], "-h") || !strcmp(argv[0], "--help"))
		return help(argc, argv);

	for (i = 0; cmds[i].name; i++)
		if (!strcmp(argv[0], cmds[i].name))
			return cmds[i].func(argc, argv);

	fflush(stdout);
	fprintf(stderr, "%s: unknown command '%s' (see '%s help')\n", where, argv[0], where);
	return EXIT_USAGE;
}

int parse_simple_opts(int argc, char **argv, const char *where, int (*help)(void))
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	int opt;

	optind = 0;
	while ((opt = next_opt(argc, argv, ":jh", opts, where)) != -1) {
		switch (opt) {
		case 'j': json_output = true; break;
		case 'h': return help();
		default:  return EXIT_USAGE;
		}
	}
	return -1;
}

bool parse_u64(const char *s, unsigned long long *out)
{
	char *end;

	if (!s || !*s || *s == '-' || *s == '+')
		return false;
	errno = 0;
	*out = strtoull(s, &end, 10);
	return !errno && !*end;
}
