// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * clonegate version: this command's version and ABI and, when it is
 * loaded, the module's. A module that is not loaded, or that this user
 * cannot open, is no error here: sysfs still tells its version.
 */
#include <errno.h>
#include <unistd.h>

#include "cmds.h"
#include "ctl.h"
#include "diag.h"
#include "json.h"
#include "opts.h"
#include "version.h"

static int version_help(void)
{
	printf("Usage: clonegate version [--json]\n"
	       "\n"
	       "Print the version and ABI of this command and, when the module is loaded,\n"
	       "of the module (CLONEGATE_IOC_VERSION). A module that is not loaded is not\n"
	       "an error here.\n");
	return EXIT_OK;
}

int do_version(int argc, char **argv)
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
