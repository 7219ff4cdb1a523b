// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * clonegate profile: the rule sets a policy can use, read from the same
 * tables the module enforces (<clonegate/tables.h>).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <clonegate/tables.h>

#include "cmds.h"
#include "ctl.h"
#include "diag.h"
#include "json.h"
#include "names.h"
#include "opts.h"
#include "profile_file.h"
#include "profile_show.h"


static int profile_list_help(void)
{
	printf("Usage: clonegate profile list [--json]\n"
	       "\n"
	       "The profiles this build knows, then those loaded into the module\n"
	       "('clonegate profile load'; listed when the module is loaded and the\n"
	       "caller may open %s), and what each one is (JSON marks the\n"
	       "default with \"default\": true and loaded ones with \"loaded\": true).\n",
	       CLONEGATE_DEVICE);
	return EXIT_OK;
}

static int profile_show_help(void)
{
	printf("Usage: clonegate profile show { NAME | FILE } [--json]\n"
	       "\n"
	       "What profile NAME (built in or loaded), or the profile in FILE, refuses:\n"
	       "the clone flags it\n"
	       "supports (C1), the rules that are on and the errno each returns, the\n"
	       "namespaces setns may enter, and the unshare bits it acts on (every other\n"
	       "bit is dropped). An argument is a FILE when it contains '/' or ends in\n"
	       ".profile (docs/profile-format.md); else it names a built-in profile.\n");
	return EXIT_OK;
}

static int profile_validate_help(void)
{
	printf("Usage: clonegate profile validate FILE [--json]\n"
	       "\n"
	       "Read the profile file FILE (docs/profile-format.md) and say whether it is\n"
	       "valid: one line and exit 0, or FILE:LINE:COL and what was expected, on\n"
	       "stderr, and exit 1. Nothing is loaded.\n");
	return EXIT_OK;
}

static int profile_load_help(void)
{
	printf("Usage: clonegate profile load FILE [--json]\n"
	       "\n"
	       "Read the profile file FILE (docs/profile-format.md) and load it into the\n"
	       "module under its own name, for 'policy apply --profile NAME' and 'run\n"
	       "--profile NAME' at once. A file with an error is reported as 'validate'\n"
	       "does (FILE:LINE:COL) and nothing is loaded. At most %d profiles are\n"
	       "loaded at a time. Its rules refuse with the errnos the file gives them\n"
	       "(errno lines), the others with the catalogue's. Needs root\n"
	       "(CAP_SYS_ADMIN in the initial user namespace).\n", CG_MAX_LOADED_PROFILES);
	return EXIT_OK;
}

static int profile_unload_help(void)
{
	printf("Usage: clonegate profile unload NAME\n"
	       "\n"
	       "Unload the loaded profile NAME. Refused while a scope uses it: remove\n"
	       "that scope, or apply another profile to it, first ('clonegate policy\n"
	       "list' shows which). Built-in profiles cannot be unloaded. Needs root.\n");
	return EXIT_OK;
}

static int do_profile_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("Usage: clonegate profile { list | show PROFILE | validate FILE |\n"
	       "                           diff PROFILE PROFILE | load FILE |\n"
	       "                           unload NAME | help } [--json]\n"
	       "\n"
	       "  list           the profiles built in and loaded\n"
	       "  show PROFILE   what PROFILE refuses and with which errno\n"
	       "  validate FILE  whether a profile file is valid, and where it is not\n"
	       "  diff A B       which flags and rules differ between two profiles\n"
	       "  load FILE      load a profile file into the module, under its name\n"
	       "  unload NAME    unload a loaded profile no scope uses\n"
	       "\n"
	       "Built-in profiles are tables compiled into the module and this command\n"
	       "alike (include/clonegate/tables.h), so what is shown is what the module\n"
	       "enforces. A PROFILE is a built-in's or a loaded profile's name, or a\n"
	       "file's path when it contains '/' or ends in .profile\n"
	       "(docs/profile-format.md).\n");
	return EXIT_OK;
}

static int profile_list(int argc, char **argv)
{
	const char *where = "clonegate profile list";
	struct profile loaded[CG_MAX_LOADED_PROFILES];
	int i, ret, nr_loaded;

	ret = parse_simple_opts(argc, argv, where, profile_list_help);
	if (ret >= 0)
		return ret;
	if (optind < argc)
		return usage_err(where, "unexpected argument '%s'", argv[optind]);

	nr_loaded = profile_loaded_list(loaded, CG_MAX_LOADED_PROFILES);
	if (nr_loaded < 0) {
		/* Not root: the built-ins alone, and a word why with --verbose. */
		if (nr_loaded == -EACCES || nr_loaded == -EPERM)
			p_info("loaded profiles not listed: %s: %s", CLONEGATE_DEVICE,
			       strerror(-nr_loaded));
		else
			p_err("loaded profiles not listed: %s: %s", CLONEGATE_DEVICE,
			      strerror(-nr_loaded));
		nr_loaded = 0;
	}
	if (json_output)
		jw_begin_array(NULL);
	else
		printf("%-20s %s\n", "NAME", "DESCRIPTION");
	for (i = 0; i < CG_PROFILE_MAX + nr_loaded; i++) {
		const struct profile *l = i < CG_PROFILE_MAX ? NULL : &loaded[i - CG_PROFILE_MAX];
		const struct cg_profile_def *p = l ? &l->def : &cg_profiles[i];

		if (json_output) {
			jw_begin_object(NULL);
			jw_string("name", p->name);
			jw_u64("id", l ? l->id : i);
			jw_string("description", p->what);
			jw_bool("default", i == CG_DEFAULT_PROFILE);
			jw_bool("loaded", l);
			if (l)
				jw_u64("scopes", l->nr_scopes);
			jw_end_object();
		} else {
			printf("%-20s %s%s\n", p->name, l ? "(loaded) " : "", p->what);
		}
	}
	if (json_output) {
		jw_end_array();
		jw_end_line();
	}
	return EXIT_OK;
}

/* The one positional argument of a verb, or a usage error. */
static int one_arg(int argc, char **argv, const char *where, const char *what)
{
	if (optind >= argc)
		return usage_err(where, "%s", what);
	if (optind + 1 < argc)
		return usage_err(where, "unexpected argument '%s'", argv[optind + 1]);
	return -1;
}

/*
 * The options and the one FILE of validate and load, read into *pf: -1 to
 * go on, else the exit status (bad_file for a file with an error, which is
 * reported as FILE:LINE:COL).
 */
static int file_arg(int argc, char **argv, const char *where, int (*help)(void),
		    struct profile *pf, int bad_file)
{
	char msg[512];
	int ret;

	ret = parse_simple_opts(argc, argv, where, help);
	if (ret >= 0)
		return ret;
	ret = one_arg(argc, argv, where, "which file?");
	if (ret >= 0)
		return ret;
	if (profile_file_parse(argv[optind], pf, msg, sizeof(msg))) {
		fflush(stdout);
		fprintf(stderr, "%s\n", msg);
		return bad_file;
	}
	return -1;
}

static int profile_show(int argc, char **argv)
{
	const char *where = "clonegate profile show";
	struct profile pf;
	int ret;

	ret = parse_simple_opts(argc, argv, where, profile_show_help);
	if (ret >= 0)
		return ret;
	ret = one_arg(argc, argv, where, "which profile? give its NAME, from "
		      "'clonegate profile list', or a FILE");
	if (ret >= 0)
		return ret;
	if (profile_get(argv[optind], &pf))
		return EXIT_FAIL;
	if (json_output)
		profile_show_json(&pf);
	else
		profile_show_text(&pf);
	return EXIT_OK;
}

/* Exit 0 and one line when FILE is valid; else its error and exit 1. */
static int profile_validate(int argc, char **argv)
{
	struct profile pf;
	int ret;

	ret = file_arg(argc, argv, "clonegate profile validate", profile_validate_help, &pf, 1);
	if (ret >= 0)
		return ret;
	if (json_output) {
		jw_begin_object(NULL);
		jw_string("file", pf.path);
		jw_bool("valid", true);
		jw_string("name", pf.name);
		jw_string("base", pf.base);
		jw_end_object();
		jw_end_line();
	} else {
		printf("%s: OK: profile %s, base %s\n", pf.path, pf.name, pf.base);
	}
	return EXIT_OK;
}

static void perm_error(const char *doing)
{
	p_err("permission denied: %s a profile needs CAP_SYS_ADMIN in the initial user "
	      "namespace, outside any enforcing or auditing scope", doing);
}

static int load_error(int err, const struct profile *pf)
{
	switch (err) {
	case -EEXIST:
		p_err("a profile named '%s' is already loaded (unload it first: 'clonegate "
		      "profile unload %s')", pf->name, pf->name);
		break;
	case -ENOSPC:
		p_err("the module holds its maximum of %d loaded profiles: unload one first "
		      "('clonegate profile list')", CG_MAX_LOADED_PROFILES);
		break;
	case -EPERM:
		perm_error("loading");
		break;
	case -ENOTTY:
		p_err("the loaded module cannot load profiles (it is older than this "
		      "command: reload it with 'clonegate module load')");
		break;
	case -E2BIG:
		p_err("the loaded module cannot load a rule's own errno (it is older than "
		      "this command: reload it with 'clonegate module load')");
		break;
	default:
		p_err("loading profile '%s': %s", pf->name, ctl_strerror(err));
	}
	return EXIT_FAIL;
}

static int profile_load(int argc, char **argv)
{
	struct cg_profile_spec sp;
	struct profile pf;
	int ret, fd;

	ret = file_arg(argc, argv, "clonegate profile load", profile_load_help, &pf, EXIT_FAIL);
	if (ret >= 0)
		return ret;
	fd = ctl_open_or_report();
	if (fd < 0)
		return EXIT_FAIL;
	profile_to_spec(&pf, &sp);
	ret = ctl_load(fd, &sp);
	close(fd);
	if (ret)
		return load_error(ret, &pf);
	if (json_output) {
		jw_begin_object(NULL);
		jw_string("name", pf.name);
		jw_u64("id", sp.id);
		jw_string("file", pf.path);
		jw_end_object();
		jw_end_line();
	} else {
		printf("loaded profile %s (id %u) from %s\n", pf.name, sp.id, pf.path);
	}
	return EXIT_OK;
}

static int profile_unload(int argc, char **argv)
{
	const char *where = "clonegate profile unload";
	struct cg_profile_spec sp = { 0 };
	struct profile pf;
	const char *name;
	int ret, fd;

	ret = parse_simple_opts(argc, argv, where, profile_unload_help);
	if (ret >= 0)
		return ret;
	ret = one_arg(argc, argv, where, "which profile? give a loaded profile's NAME");
	if (ret >= 0)
		return ret;
	name = argv[optind];
	if (profile_lookup(name) >= 0) {
		p_err("'%s' is built in: only loaded profiles can be unloaded", name);
		return EXIT_FAIL;
	}
	if (strlen(name) > CG_PROFILE_SPEC_NAME_MAX) {
		p_err("no loaded profile named '%.40s...'", name);
		return EXIT_FAIL;
	}
	fd = ctl_open_or_report();
	if (fd < 0)
		return EXIT_FAIL;
	snprintf(sp.name, sizeof(sp.name), "%s", name);
	ret = ctl_unload(fd, &sp);
	if (ret == -EBUSY && !profile_loaded_get(name, &pf))
		p_err("profile '%s' is in use by %u scope%s: remove %s or apply another "
		      "profile first (see 'clonegate policy list')", name, pf.nr_scopes,
		      pf.nr_scopes == 1 ? "" : "s", pf.nr_scopes == 1 ? "it" : "them");
	else if (ret == -EBUSY)
		p_err("profile '%s' is in use by a scope (see 'clonegate policy list')", name);
	else if (ret == -ENOENT)
		p_err("no loaded profile named '%s' (see 'clonegate profile list')", name);
	else if (ret == -EPERM)
		perm_error("unloading");
	else if (ret)
		p_err("unloading profile '%s': %s", name, ctl_strerror(ret));
	close(fd);
	if (ret)
		return EXIT_FAIL;
	if (!json_output)
		printf("unloaded profile %s\n", name);
	return EXIT_OK;
}

static const struct cmd cmds[] = {
	{ "list",	profile_list },
	{ "show",	profile_show },
	{ "validate",	profile_validate },
	{ "diff",	profile_diff },
	{ "load",	profile_load },
	{ "unload",	profile_unload },
	{ "help",	do_profile_help },
	{ 0 }
};

int do_profile(int argc, char **argv)
{
	return cmd_select(cmds, argc - 1, argv + 1, do_profile_help, "clonegate profile");
}
