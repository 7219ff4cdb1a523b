// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * scopes: the module's scope table as the user sees it. LIST's answer with
 * each cgroup id turned back into a path, printed as a table or as JSON;
 * 'policy list' prints it alone, 'status' within the rest.
 *
 * report_eperm() lives here too: the module answers EPERM to a root task
 * that a scope polices, and the only way to say which scope is to read
 * this table the way the module matches it.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup.h"
#include "ctl.h"
#include "diag.h"
#include "json.h"
#include "names.h"
#include "profile_file.h"
#include "scopes.h"

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
	/* Scopes may name loaded profiles: learn their names. */
	profile_names_from_module(fd);
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
