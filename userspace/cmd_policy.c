// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * clonegate policy: apply, remove and list the module's scopes; with
 * --backend bpf, the BPF backend's policies (cmd_policy_bpf.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <clonegate/lsm_policy.h>

#include "cgroup.h"
#include "cmds.h"
#include "ctl.h"
#include "diag.h"
#include "json.h"
#include "lsm_policy.h"
#include "names.h"
#include "opts.h"
#include "profile_file.h"
#include "scopes.h"

static int apply_help(void)
{
	printf("Usage: clonegate policy apply { --global | --cgroup PATH } --mode MODE\n"
	       "                              [--profile NAME] [--backend module|bpf] [--json]\n"
	       "\n"
	       "Police clone, clone3, fork, vfork, unshare and setns calls of every user\n"
	       "task (--global) or of the tasks in a cgroup v2 subtree (--cgroup), with\n"
	       "the rules of profile NAME. Applying to a scope that already has a policy\n"
	       "replaces its profile and mode.\n"
	       "\n"
	       "  --global        the whole host\n"
	       "  --cgroup PATH   a cgroup v2 directory and its descendants: a path under\n"
	       "                  the cgroup v2 mount, or one relative to it (\"/a/b\" as\n"
	       "                  in /proc/PID/cgroup); the mount is the cgroup2 one in\n"
	       "                  /proc/self/mountinfo (here: %s)\n"
	       "  --mode MODE     enforce: refuse with the profile's errno\n"
	       "                  audit:   decide, count and log; Linux answers\n"
	       "                  off:     keep the scope, check nothing\n"
	       "  --profile NAME  default %s (see 'clonegate profile list'); with\n"
	       "                  --backend bpf, a profile file too\n"
	       "  --backend B     module: the clonegate module (default)\n"
	       "                  bpf: BPF LSM programs, pinned under %s (no\n"
	       "                  module needed; the clone family only, see\n"
	       "                  docs/policy.md \"The BPF backend\"); enforce or audit;\n"
	       "                  its scopes may not overlap one another\n"
	       "  --json          print the applied scope as JSON\n"
	       "\n"
	       "The module needs CAP_SYS_ADMIN, from a task outside every enforcing or\n"
	       "auditing scope; the BPF backend needs root. The two backends never police\n"
	       "the same task: each refuses to enforce or audit while the other does.\n",
	       cgroup_root() ?: "none", profile_name(CG_DEFAULT_PROFILE, NULL, 0), CG_LSM_PIN_DIR);
	return EXIT_OK;
}

static int remove_help(void)
{
	printf("Usage: clonegate policy remove { --global | --cgroup PATH } [--backend module|bpf]\n"
	       "\n"
	       "Remove the policy of the host or of a cgroup v2 subtree (PATH as for\n"
	       "'policy apply'). Needs CAP_SYS_ADMIN (the BPF backend: root). With\n"
	       "--backend bpf, the pins go and the kernel detaches the programs.\n");
	return EXIT_OK;
}

static int list_help(void)
{
	printf("Usage: clonegate policy list [--backend module|bpf] [--json]\n"
	       "\n"
	       "Every scope, most specific first (the order the module matches them):\n"
	       "its cgroup (or 'global'), profile, mode, depth below the root cgroup, and\n"
	       "the calls of its tasks that were checked, refused and audited. A scope\n"
	       "whose cgroup was removed (rmdir) is dropped by the module and not listed.\n"
	       "\n"
	       "With --backend bpf: every attached instance of the BPF backend, applied\n"
	       "(HELD pin) or held by a 'clonegate run' (HELD run), with its counters.\n");
	return EXIT_OK;
}

static int do_policy_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("Usage: clonegate policy { apply | remove | list | help } [OPTIONS]\n"
	       "\n"
	       "  apply  { --global | --cgroup PATH } --mode enforce|audit|off [--profile NAME]\n"
	       "         [--backend module|bpf]\n"
	       "  remove { --global | --cgroup PATH } [--backend module|bpf]\n"
	       "  list   [--backend module|bpf] [--json]\n"
	       "\n"
	       "'clonegate policy COMMAND --help' explains each one.\n");
	return EXIT_OK;
}

static int parse_mode(const char *s)
{
	if (!strcmp(s, "enforce"))
		return CG_MODE_ENFORCE;
	if (!strcmp(s, "audit"))
		return CG_MODE_AUDIT;
	if (!strcmp(s, "off"))
		return CG_MODE_OFF;
	return -1;
}

/* --backend's argument: *bpf true for bpf, false for module; -1 (said) for neither. */
static int parse_backend(const char *s, const char *where, bool *bpf)
{
	*bpf = !strcmp(s, "bpf");
	if (*bpf || !strcmp(s, "module"))
		return 0;
	usage_err(where, "--backend takes 'module' or 'bpf'");
	return -1;
}

/* The scope a command names: --global or --cgroup PATH (opened). */
struct scope_arg {
	bool global;
	const char *cgroup;	/* as given */
	char *shown;		/* as 'policy list' prints it */
	int fd;
};

/* After the options: no argument left, and one scope. -1 to go on, or EXIT_USAGE. */
static int scope_check(const struct scope_arg *s, int argc, char **argv, const char *where)
{
	if (optind < argc)
		return usage_err(where, "unexpected argument '%s'", argv[optind]);
	if (s->global && s->cgroup)
		return usage_err(where, "--global and --cgroup exclude each other");
	if (!s->global && !s->cgroup)
		return usage_err(where, "which scope? give --global or --cgroup PATH");
	return -1;
}

static int scope_open(struct scope_arg *s, struct cg_policy *p)
{
	memset(p, 0, sizeof(*p));
	s->fd = -1;
	if (s->global) {
		p->scope = CG_SCOPE_GLOBAL;
		p->cgroup_fd = -1;
		return 0;
	}
	s->fd = cgroup_open(s->cgroup, &s->shown);
	if (s->fd < 0)
		return -1;
	p->scope = CG_SCOPE_CGROUP;
	p->cgroup_fd = s->fd;
	return 0;
}

static void scope_close(struct scope_arg *s)
{
	if (s->fd >= 0)
		close(s->fd);
	free(s->shown);
}

/* Say why the module refused APPLY or REMOVE, and what to do. */
static int report_policy_error(int fd, int err, const struct scope_arg *s, bool apply)
{
	const char *what = apply ? "applying the policy" : "removing the policy";

	switch (err) {
	case -EPERM:
		report_eperm(fd, "changing policy");
		break;
	case -ENOSPC:
		p_err("no room for another scope: the module holds at most %d (remove one with 'clonegate policy remove')",
		      CG_MAX_SCOPES);
		break;
	case -ENOENT:
		if (!apply && s->global)
			p_err("there is no global policy to remove (see 'clonegate policy list')");
		else if (!apply)
			p_err("cgroup '%s' has no policy to remove (see 'clonegate policy list')",
			      s->shown);
		else
			p_err("%s: %s", what, ctl_strerror(err));
		break;
	case -EBADF:
	case -ENOTDIR:
	case -EINVAL:
		if (s->global && err == -EINVAL)
			p_err("%s: the module found the request malformed (EINVAL): this command and the module may come from different builds (see 'clonegate version')",
			      what);
		else if (s->global)
			p_err("%s: %s", what, strerror(-err));
		else if (!strcmp(s->shown, "/"))
			p_err("the module does not take the root cgroup as a scope (for the whole host use --global)");
		else
			p_err("'%s' is not a cgroup v2 directory the module accepts (%s)",
			      s->shown, strerror(-err));
		break;
	default:
		p_err("%s: %s", what, ctl_strerror(err));
	}
	return EXIT_FAIL;
}

/*
 * What the user typed first, then the module: an fd for /dev/clonegate with
 * *p set for the scope, or -1 (reported). policy_close() in either case.
 */
static int policy_open(struct scope_arg *s, struct cg_policy *p)
{
	if (scope_open(s, p))
		return -1;
	return ctl_open_or_report();
}

/* Close what policy_open() opened; returns ret. */
static int policy_close(struct scope_arg *s, int fd, int ret)
{
	scope_close(s);
	if (fd >= 0)
		close(fd);
	return ret;
}

/* 'policy apply --json': the scope as the module took it. */
static void print_applied(const struct scope_arg *s, const struct cg_policy *p)
{
	char b1[32], b2[32];

	jw_begin_object(NULL);
	jw_string("scope", s->global ? "global" : "cgroup");
	if (s->global)
		jw_null("cgroup");
	else
		jw_string("cgroup", s->shown);
	jw_u64("cgroup_id", p->cgroup_id);
	jw_string("profile", profile_name(p->profile, b1, sizeof(b1)));
	jw_string("mode", mode_name(p->mode, b2, sizeof(b2)));
	jw_end_object();
	jw_end_line();
}

static int policy_apply(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "global",	no_argument,		NULL, 'g' },
		{ "cgroup",	required_argument,	NULL, 'c' },
		{ "profile",	required_argument,	NULL, 'p' },
		{ "mode",	required_argument,	NULL, 'm' },
		{ "backend",	required_argument,	NULL, 'b' },
		{ "json",	no_argument,		NULL, 'j' },
		{ "help",	no_argument,		NULL, 'h' },
		{ 0 }
	};
	const char *where = "clonegate policy apply";
	const char *profile = profile_name(CG_DEFAULT_PROFILE, NULL, 0), *mode_arg = NULL;
	struct scope_arg s = { .fd = -1 };
	struct cg_policy p;
	int opt, mode, id, fd, err, ret;
	bool bpf = false;

	optind = 0;
	while ((opt = next_opt(argc, argv, ":gc:p:m:b:jh", opts, where)) != -1) {
		switch (opt) {
		case 'g': s.global = true; break;
		case 'c': s.cgroup = optarg; break;
		case 'p': profile = optarg; break;
		case 'm': mode_arg = optarg; break;
		case 'b':
			if (parse_backend(optarg, where, &bpf))
				return EXIT_USAGE;
			break;
		case 'j': json_output = true; break;
		case 'h': return apply_help();
		default:  return EXIT_USAGE;
		}
	}
	ret = scope_check(&s, argc, argv, where);
	if (ret >= 0)
		return ret;
	if (!mode_arg)
		return usage_err(where, "which mode? give --mode enforce, audit or off");
	mode = parse_mode(mode_arg);
	if (mode < 0)
		return usage_err(where, "unknown mode '%s': use enforce, audit or off", mode_arg);
	if (bpf)
		return policy_apply_bpf(&(struct policy_bpf_args){
			.where = where, .global = s.global, .cgroup = s.cgroup,
			.profile = profile, .mode = mode });
	id = profile_resolve(profile);
	if (id < 0)
		return EXIT_FAIL;
	/* Mode off polices nothing: it may coexist with the BPF backend. */
	if (mode != CG_MODE_OFF && lsm_policy_refuse_if_active(where))
		return EXIT_FAIL;

	fd = policy_open(&s, &p);
	if (fd < 0)
		return policy_close(&s, fd, EXIT_FAIL);
	p.profile = id;
	p.mode = mode;
	err = ctl_apply(fd, &p);
	if (err)
		return policy_close(&s, fd, report_policy_error(fd, err, &s, true));
	if (json_output)
		print_applied(&s, &p);
	return policy_close(&s, fd, EXIT_OK);
}

static int policy_remove(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "global",	no_argument,		NULL, 'g' },
		{ "cgroup",	required_argument,	NULL, 'c' },
		{ "backend",	required_argument,	NULL, 'b' },
		{ "help",	no_argument,		NULL, 'h' },
		{ 0 }
	};
	const char *where = "clonegate policy remove";
	struct scope_arg s = { .fd = -1 };
	struct cg_policy p;
	int opt, fd, err, ret;
	bool bpf = false;

	optind = 0;
	while ((opt = next_opt(argc, argv, ":gc:b:h", opts, where)) != -1) {
		switch (opt) {
		case 'g': s.global = true; break;
		case 'c': s.cgroup = optarg; break;
		case 'b':
			if (parse_backend(optarg, where, &bpf))
				return EXIT_USAGE;
			break;
		case 'h': return remove_help();
		default:  return EXIT_USAGE;
		}
	}
	ret = scope_check(&s, argc, argv, where);
	if (ret >= 0)
		return ret;
	if (bpf)
		return policy_remove_bpf(&(struct policy_bpf_args){
			.where = where, .global = s.global, .cgroup = s.cgroup });

	fd = policy_open(&s, &p);
	if (fd < 0)
		return policy_close(&s, fd, EXIT_FAIL);
	err = ctl_remove(fd, &p);
	return policy_close(&s, fd, err ? report_policy_error(fd, err, &s, false) : EXIT_OK);
}

static int policy_list(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "backend",	required_argument,	NULL, 'b' },
		{ "json",	no_argument,		NULL, 'j' },
		{ "help",	no_argument,		NULL, 'h' },
		{ 0 }
	};
	const char *where = "clonegate policy list";
	struct scopes t;
	int opt, fd, ret;
	bool bpf = false;

	optind = 0;
	while ((opt = next_opt(argc, argv, ":b:jh", opts, where)) != -1) {
		switch (opt) {
		case 'b':
			if (parse_backend(optarg, where, &bpf))
				return EXIT_USAGE;
			break;
		case 'j': json_output = true; break;
		case 'h': return list_help();
		default:  return EXIT_USAGE;
		}
	}
	if (optind < argc)
		return usage_err(where, "unexpected argument '%s'", argv[optind]);
	if (bpf)
		return policy_list_bpf();

	fd = ctl_open_or_report();
	if (fd < 0)
		return EXIT_FAIL;
	ret = scopes_fetch(fd, &t);
	close(fd);
	if (ret)
		return ret;
	if (json_output)
		jw_begin_object(NULL);
	scopes_print(&t, "");
	if (json_output) {
		jw_end_object();
		jw_end_line();
	}
	scopes_free(&t);
	return EXIT_OK;
}

static const struct cmd cmds[] = {
	{ "apply",	policy_apply },
	{ "remove",	policy_remove },
	{ "list",	policy_list },
	{ "help",	do_policy_help },
	{ 0 }
};

int do_policy(int argc, char **argv)
{
	return cmd_select(cmds, argc - 1, argv + 1, do_policy_help, "clonegate policy");
}
