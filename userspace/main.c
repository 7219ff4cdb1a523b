// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * clonegate: control the clonegate kernel module and watch task creation.
 *
 *   clonegate [OPTIONS] OBJECT { COMMAND | help }
 *
 * One file per object (policy.c, profile.c, status.c, module.c, events.c);
 * ctl.c is the only code that talks to /dev/clonegate.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <clonegate/tables.h>

#include "ctl.h"
#include "json.h"
#include "main.h"
#include "version.h"

bool json_output;
bool verbose;

/* "clonegate: <message>" on stderr, after what stdout already holds. */
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

/* A diagnostic for --verbose only. */
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

const char *profile_name(__u32 id, char *buf, size_t len)
{
	if (id < CG_PROFILE_MAX && cg_profiles[id].name)
		return cg_profiles[id].name;
	snprintf(buf, len, "profile#%u", id);
	return buf;
}

int profile_lookup(const char *name)
{
	int i;

	for (i = 0; i < CG_PROFILE_MAX; i++)
		if (cg_profiles[i].name && !strcmp(cg_profiles[i].name, name))
			return i;
	return -1;
}

const char *mode_name(__u32 mode, char *buf, size_t len)
{
	if (mode < CG_MODE_MAX && cg_mode_names[mode])
		return cg_mode_names[mode];
	snprintf(buf, len, "mode#%u", mode);
	return buf;
}

const char *entry_name(__u32 entry, char *buf, size_t len)
{
	if (entry < CG_ENTRY_MAX && cg_entry_names[entry])
		return cg_entry_names[entry];
	snprintf(buf, len, "entry#%u", entry);
	return buf;
}

const char *rule_name(__u32 rule, char *buf, size_t len)
{
	if (rule < CG_RULE_MAX && cg_rules[rule].name)
		return cg_rules[rule].name;
	snprintf(buf, len, "rule#%u", rule);
	return buf;
}

const char *errno_name(int err)
{
	static char buf[16];

	switch (err) {
	case 0:		return "-";
	case EPERM:	return "EPERM";
	case ENOENT:	return "ENOENT";
	case EBADF:	return "EBADF";
	case EFAULT:	return "EFAULT";
	case EINVAL:	return "EINVAL";
	case ENOSPC:	return "ENOSPC";
	case EUSERS:	return "EUSERS";
	case EOPNOTSUPP: return "ENOTSUP";	/* the spec's name for 95 */
	case E2BIG:	return "E2BIG";
	}
	snprintf(buf, sizeof(buf), "errno %d", err);
	return buf;
}

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

static int version_help(void)
{
	printf("Usage: clonegate version [--json]\n"
	       "\n"
	       "Print the version and ABI of this command and, when the module is loaded,\n"
	       "of the module (CLONEGATE_IOC_VERSION). A module that is not loaded is not\n"
	       "an error here.\n");
	return EXIT_OK;
}

static int do_version(int argc, char **argv)
{
	const char *where = "clonegate version";
	char sysver[CLONEGATE_VERSION_LEN + 1];
	struct cg_version v;
	int fd, err;

	err = parse_simple_opts(argc, argv, where, version_help);
	if (err >= 0)
		return err;
	if (optind < argc)
		return usage_err(where, "unexpected argument '%s'", argv[optind]);

	fd = ctl_open();
	if (fd >= 0) {
		err = ctl_version(fd, &v);
		close(fd);
		if (err) {
			p_err("reading the module version: %s", ctl_strerror(err));
			return EXIT_FAIL;
		}
		v.module_version[sizeof(v.module_version) - 1] = '\0';
		v.kernel_release[sizeof(v.kernel_release) - 1] = '\0';
	} else if (fd != -ENOENT && fd != -ENXIO && fd != -ENODEV) {
		/* Loaded but unreadable (not root): say so, it is not an error. */
		if (verbose)
			ctl_open_error(fd);
	}

	if (json_output) {
		jw_begin_object(NULL);
		jw_begin_object("cli");
		jw_string("version", CLONEGATE_CLI_VERSION);
		jw_u64("abi_version", CLONEGATE_ABI_VERSION);
		jw_end_object();
		jw_begin_object("module");
		jw_bool("loaded", fd >= 0 || ctl_module_loaded());
		if (fd < 0 && !ctl_sysfs_version(sysver, sizeof(sysver)))
			jw_string("version", sysver);
		if (fd >= 0) {
			jw_string("version", v.module_version);
			jw_u64("abi_version", v.abi_version);
			jw_string("kernel_release", v.kernel_release);
			jw_u64("nr_entries", v.nr_entries);
			jw_u64("nr_rules", v.nr_rules);
			jw_u64("nr_profiles", v.nr_profiles);
			jw_u64("max_scopes", v.max_scopes);
		}
		jw_end_object();
		jw_end_object();
		jw_end_line();
	} else {
		printf("clonegate %s (abi %d)\n", CLONEGATE_CLI_VERSION, CLONEGATE_ABI_VERSION);
		if (fd >= 0)
			printf("module: %s (abi %u) on %s: %u entry points, %u rules, %u profiles, up to %u scopes\n",
			       v.module_version, v.abi_version, v.kernel_release,
			       v.nr_entries, v.nr_rules, v.nr_profiles, v.max_scopes);
		else if (!ctl_sysfs_version(sysver, sizeof(sysver)))
			printf("module: %s (run as root for its ABI and limits)\n", sysver);
		else if (ctl_module_loaded())
			printf("module: loaded (run as root to read its version)\n");
		else
			printf("module: not loaded\n");
	}

	if (fd >= 0 && v.abi_version != CLONEGATE_ABI_VERSION)
		p_err("warning: the module speaks ABI %u, this command ABI %d: use a matching build",
		      v.abi_version, CLONEGATE_ABI_VERSION);
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
