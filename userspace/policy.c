// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* clonegate policy: apply, remove and list the module's scopes. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup.h"
#include "ctl.h"
#include "json.h"
#include "main.h"

static int apply_help(void)
{
	printf("Usage: clonegate policy apply { --global | --cgroup PATH } --mode MODE\n"
	       "                              [--profile NAME] [--json]\n"
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
	       "  --profile NAME  default %s (see 'clonegate profile list')\n"
	       "  --json          print the applied scope as JSON\n"
	       "\n"
	       "Needs CAP_SYS_ADMIN, from a task outside every enforcing or auditing scope.\n",
	       cgroup_root() ?: "none", profile_name(CG_DEFAULT_PROFILE, NULL, 0));
	return EXIT_OK;
}

static int remove_help(void)
{
	printf("Usage: clonegate policy remove { --global | --cgroup PATH }\n"
	       "\n"
	       "Remove the policy of the host or of a cgroup v2 subtree (PATH as for\n"
	       "'policy apply'). Needs CAP_SYS_ADMIN.\n");
	return EXIT_OK;
}

static int list_help(void)
{
	printf("Usage: clonegate policy list [--json]\n"
	       "\n"
	       "Every scope, most specific first (the order the module matches them):\n"
	       "its cgroup (or 'global'), profile, mode, depth below the root cgroup, and\n"
	       "the calls of its tasks that were checked, refused and audited. A scope\n"
	       "whose cgroup was removed (rmdir) is dropped by the module and not listed.\n");
	return EXIT_OK;
}

static int do_policy_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("Usage: clonegate policy { apply | remove | list | help } [OPTIONS]\n"
	       "\n"
	       "  apply  { --global | --cgroup PATH } --mode enforce|audit|off [--profile NAME]\n"
	       "  remove { --global | --cgroup PATH }\n"
	       "  list   [--json]\n"
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

/* The scope a command names: --global or --cgroup PATH (opened). */
struct scope_arg {
	bool global;
	const char *cgroup;	/* as given */
	char *shown;		/* as 'policy list' prints it */
	int fd;
};

static int scope_check(const struct scope_arg *s, const char *where)
{
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

/*
 * EPERM as root: most likely this task is policed itself. Find the scope
 * that covers it the way the module matches (list order, most specific
 * first) and name it. @what: "changing policy", "resetting the counters".
 */
static void report_eperm_as_root(int fd, const char *what)
{
	char *self = cgroup_self();
	struct scopes t;
	char buf[32];
	__u32 i;

	if (!self || scopes_fetch(fd, &t)) {
		p_err("permission denied: %s needs CAP_SYS_ADMIN in the initial user namespace, from a task outside every enforcing or auditing cgroup scope",
		      what);
		free(self);
		return;
	}
	for (i = 0; i < t.n; i++) {
		const struct cg_scope_info *sc = &t.sc[i];

		if (sc->scope == CG_SCOPE_GLOBAL)
			break;
		if (!t.paths[i] || !cgroup_path_within(self, t.paths[i]))
			continue;
		if (sc->mode == CG_MODE_OFF)
			break;
		if (!strcmp(t.paths[i], "/"))
			p_err("permission denied: the root cgroup has an %s policy, so every task is policed and %s is refused to all ('clonegate module unload' removes it)",
			      mode_name(sc->mode, buf, sizeof(buf)), what);
		else
			p_err("permission denied: this task is in cgroup '%s', under the %s policy of '%s', and %s is refused to a policed task (run clonegate from a cgroup outside '%s')",
			      self, mode_name(sc->mode, buf, sizeof(buf)), t.paths[i], what,
			      t.paths[i]);
		goto out;
	}
	p_err("permission denied: %s needs CAP_SYS_ADMIN in the initial user namespace, from a task outside every enforcing or auditing cgroup scope (not in the initial user namespace?)",
	      what);
out:
	scopes_free(&t);
	free(self);
}

void report_eperm(int fd, const char *what)
{
	if (geteuid() != 0)
		p_err("permission denied: %s needs CAP_SYS_ADMIN (run as root)", what);
	else
		report_eperm_as_root(fd, what);
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

static int policy_apply(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "global",	no_argument,		NULL, 'g' },
		{ "cgroup",	required_argument,	NULL, 'c' },
		{ "profile",	required_argument,	NULL, 'p' },
		{ "mode",	required_argument,	NULL, 'm' },
		{ "json",	no_argument,		NULL, 'j' },
		{ "help",	no_argument,		NULL, 'h' },
		{ 0 }
	};
	const char *where = "clonegate policy apply";
	const char *profile = profile_name(CG_DEFAULT_PROFILE, NULL, 0), *mode_arg = NULL;
	struct scope_arg s = { .fd = -1 };
	struct cg_policy p;
	char b1[32], b2[32];
	int opt, mode, id, fd = -1, err, ret;

	optind = 0;
	while ((opt = next_opt(argc, argv, ":gc:p:m:jh", opts, where)) != -1) {
		switch (opt) {
		case 'g': s.global = true; break;
		case 'c': s.cgroup = optarg; break;
		case 'p': profile = optarg; break;
		case 'm': mode_arg = optarg; break;
		case 'j': json_output = true; break;
		case 'h': return apply_help();
		default:  return EXIT_USAGE;
		}
	}
	if (optind < argc)
		return usage_err(where, "unexpected argument '%s'", argv[optind]);
	ret = scope_check(&s, where);
	if (ret >= 0)
		return ret;
	if (!mode_arg)
		return usage_err(where, "which mode? give --mode enforce, audit or off");
	mode = parse_mode(mode_arg);
	if (mode < 0)
		return usage_err(where, "unknown mode '%s': use enforce, audit or off", mode_arg);
	id = profile_lookup(profile);
	if (id < 0) {
		p_err("unknown profile '%s' (see 'clonegate profile list')", profile);
		return EXIT_FAIL;
	}

	/* What the user typed first, then the module. */
	if (scope_open(&s, &p)) {
		ret = EXIT_FAIL;
		goto cleanup;
	}
	fd = ctl_open_or_report();
	if (fd < 0) {
		ret = EXIT_FAIL;
		goto cleanup;
	}
	p.profile = id;
	p.mode = mode;
	err = ctl_apply(fd, &p);
	if (err) {
		ret = report_policy_error(fd, err, &s, true);
		goto cleanup;
	}

	if (json_output) {
		jw_begin_object(NULL);
		jw_string("scope", s.global ? "global" : "cgroup");
		if (s.global)
			jw_null("cgroup");
		else
			jw_string("cgroup", s.shown);
		jw_u64("cgroup_id", p.cgroup_id);
		jw_string("profile", profile_name(p.profile, b1, sizeof(b1)));
		jw_string("mode", mode_name(p.mode, b2, sizeof(b2)));
		jw_end_object();
		jw_end_line();
	}
	ret = EXIT_OK;
cleanup:
	scope_close(&s);
	if (fd >= 0)
		close(fd);
	return ret;
}

static int policy_remove(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "global",	no_argument,		NULL, 'g' },
		{ "cgroup",	required_argument,	NULL, 'c' },
		{ "help",	no_argument,		NULL, 'h' },
		{ 0 }
	};
	const char *where = "clonegate policy remove";
	struct scope_arg s = { .fd = -1 };
	struct cg_policy p;
	int opt, fd = -1, err, ret;

	optind = 0;
	while ((opt = next_opt(argc, argv, ":gc:h", opts, where)) != -1) {
		switch (opt) {
		case 'g': s.global = true; break;
		case 'c': s.cgroup = optarg; break;
		case 'h': return remove_help();
		default:  return EXIT_USAGE;
		}
	}
	if (optind < argc)
		return usage_err(where, "unexpected argument '%s'", argv[optind]);
	ret = scope_check(&s, where);
	if (ret >= 0)
		return ret;

	if (scope_open(&s, &p)) {
		ret = EXIT_FAIL;
		goto cleanup;
	}
	fd = ctl_open_or_report();
	if (fd < 0) {
		ret = EXIT_FAIL;
		goto cleanup;
	}
	err = ctl_remove(fd, &p);
	ret = err ? report_policy_error(fd, err, &s, false) : EXIT_OK;
cleanup:
	scope_close(&s);
	if (fd >= 0)
		close(fd);
	return ret;
}

int scopes_fetch(int fd, struct scopes *t)
{
	__u64 *ids = NULL;
	__u32 i;
	int err;

	memset(t, 0, sizeof(*t));
	err = ctl_list(fd, &t->sc, &t->n, &t->generation);
	if (err) {
		p_err("listing scopes: %s", ctl_strerror(err));
		return EXIT_FAIL;
	}
	ids = calloc(t->n + 1, sizeof(*ids));
	t->paths = calloc(t->n + 1, sizeof(*t->paths));
	if (!ids || !t->paths) {
		p_err("out of memory");
		free(ids);
		scopes_free(t);
		return EXIT_FAIL;
	}
	for (i = 0; i < t->n; i++)
		ids[i] = t->sc[i].scope == CG_SCOPE_CGROUP ? t->sc[i].cgroup_id : 0;
	cgroup_paths(ids, t->paths, t->n);
	free(ids);
	return EXIT_OK;
}

void scopes_free(struct scopes *t)
{
	__u32 i;

	if (t->paths)
		for (i = 0; i < t->n; i++)
			free(t->paths[i]);
	free(t->paths);
	free(t->sc);
	memset(t, 0, sizeof(*t));
}

static void scopes_print_json(const struct scopes *t)
{
	char b1[32], b2[32];
	__u32 i;

	jw_u64("generation", t->generation);
	jw_begin_array("scopes");
	for (i = 0; i < t->n; i++) {
		const struct cg_scope_info *sc = &t->sc[i];
		bool cg = sc->scope == CG_SCOPE_CGROUP;

		jw_begin_object(NULL);
		jw_string("scope", cg ? "cgroup" : "global");
		if (cg)
			jw_string("cgroup", t->paths[i]);	/* null if not found */
		else
			jw_null("cgroup");
		jw_u64("cgroup_id", sc->cgroup_id);
		jw_string("profile", profile_name(sc->profile, b1, sizeof(b1)));
		jw_string("mode", mode_name(sc->mode, b2, sizeof(b2)));
		jw_u64("level", sc->level);
		jw_u64("checked", sc->checked);
		jw_u64("refused", sc->refused);
		jw_u64("audited", sc->audited);
		jw_end_object();
	}
	jw_end_array();
}

void scopes_print(const struct scopes *t, const char *indent)
{
	char b1[32], b2[32], idbuf[40];
	int width = 6;
	__u32 i;

	if (json_output) {
		scopes_print_json(t);
		return;
	}
	if (!t->n) {
		printf("%sno policies (apply one with 'clonegate policy apply')\n", indent);
		return;
	}
	for (i = 0; i < t->n; i++)
		if (t->paths[i] && (int)strlen(t->paths[i]) > width)
			width = strlen(t->paths[i]);
	printf("%s%-*s  %-16s %-7s %5s %12s %12s %12s\n", indent, width, "SCOPE", "PROFILE",
	       "MODE", "LEVEL", "CHECKED", "REFUSED", "AUDITED");
	for (i = 0; i < t->n; i++) {
		const struct cg_scope_info *sc = &t->sc[i];
		const char *name = "global";

		if (sc->scope == CG_SCOPE_CGROUP) {
			name = t->paths[i];
			if (!name) {
				snprintf(idbuf, sizeof(idbuf), "cgroup#%llu",
					 (unsigned long long)sc->cgroup_id);
				name = idbuf;
			}
		}
		printf("%s%-*s  %-16s %-7s %5u %12llu %12llu %12llu\n", indent, width, name,
		       profile_name(sc->profile, b1, sizeof(b1)),
		       mode_name(sc->mode, b2, sizeof(b2)), sc->level,
		       (unsigned long long)sc->checked, (unsigned long long)sc->refused,
		       (unsigned long long)sc->audited);
	}
}

static int policy_list(int argc, char **argv)
{
	const char *where = "clonegate policy list";
	struct scopes t;
	int fd, ret;

	ret = parse_simple_opts(argc, argv, where, list_help);
	if (ret >= 0)
		return ret;
	if (optind < argc)
		return usage_err(where, "unexpected argument '%s'", argv[optind]);

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
