// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * profile_loaded: profiles loaded into the module (clonegate profile load),
 * as the command sees them. A loaded profile is a struct cg_profile_spec
 * in the module (<clonegate/abi.h>); here it becomes the same struct
 * profile a built-in or a file does, so show, diff, apply and run treat
 * the three alike. Names resolve built-in first: a loaded profile can never
 * take a built-in's name (the module refuses it).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <clonegate/tables.h>

#include "ctl.h"
#include "diag.h"
#include "names.h"
#include "profile_file.h"

void profile_to_spec(const struct profile *p, struct cg_profile_spec *sp)
{
	memset(sp, 0, sizeof(*sp));
	snprintf(sp->name, sizeof(sp->name), "%s", p->def.name);
	snprintf(sp->what, sizeof(sp->what), "%s", p->def.what ? p->def.what : "");
	cg_profile_spec_masks(sp, &p->def);
}

static void spec_to_profile(const struct cg_profile_spec *sp, struct profile *out)
{
	memset(out, 0, sizeof(*out));
	snprintf(out->name, sizeof(out->name), "%.*s", CG_PROFILE_SPEC_NAME_MAX, sp->name);
	snprintf(out->what, sizeof(out->what), "%.*s", CG_PROFILE_SPEC_WHAT_MAX, sp->what);
	cg_profile_def_from_spec(&out->def, sp, out->name, out->what);
	out->id = sp->id;
	out->loaded = true;
	out->nr_scopes = sp->nr_scopes;
}

/* The loaded profile called name through fd: 0 or -errno (-ENOENT: none). */
static int loaded_info(int fd, const char *name, struct profile *out)
{
	struct cg_profile_spec sp = { 0 };
	int err;

	if (strlen(name) > CG_PROFILE_SPEC_NAME_MAX)
		return -ENOENT;
	snprintf(sp.name, sizeof(sp.name), "%s", name);
	err = ctl_info(fd, &sp);
	if (!err)
		spec_to_profile(&sp, out);
	return err;
}

int profile_loaded_get(const char *name, struct profile *out)
{
	int fd, err;

	if (!ctl_module_loaded())
		return -ENOENT;
	fd = ctl_open();
	if (fd < 0)
		return fd;
	err = loaded_info(fd, name, out);
	close(fd);
	return err == -ENOTTY ? -ENOENT : err;
}

int profile_loaded_list(struct profile *out, int room)
{
	struct cg_version v;
	int fd, n = 0, err;
	__u32 i;

	if (!ctl_module_loaded())
		return 0;
	fd = ctl_open();
	if (fd < 0)
		return fd;
	err = ctl_version(fd, &v);
	for (i = 0; !err && i < v.max_loaded && n < room; i++) {
		struct cg_profile_spec sp = { .id = v.loaded_first + i };

		if (!ctl_info(fd, &sp))
			spec_to_profile(&sp, &out[n++]);
	}
	close(fd);
	return err ? err : n;
}

void profile_unknown(const char *arg)
{
	p_err("unknown profile '%s': not built in and not loaded (see 'clonegate profile "
	      "list'; a file's path contains '/' or ends in .profile)", arg);
}

int profile_resolve(const char *name)
{
	struct profile p;
	int id = profile_lookup(name), err;

	if (id >= 0)
		return id;
	err = profile_loaded_get(name, &p);
	if (!err) {
		profile_name_set(p.id, p.name);
		return p.id;
	}
	if (err == -ENOENT)
		profile_unknown(name);
	else
		p_err("unknown profile '%s': not built in, and loaded profiles cannot be "
		      "read (%s: %s)", name, CLONEGATE_DEVICE, strerror(-err));
	return -1;
}

void profile_names_from_module(int fd)
{
	struct cg_version v;
	__u32 i;

	if (ctl_version(fd, &v))
		return;
	for (i = 0; i < v.max_loaded; i++) {
		struct cg_profile_spec sp = { .id = v.loaded_first + i };

		if (!ctl_info(fd, &sp)) {
			sp.name[sizeof(sp.name) - 1] = '\0';
			profile_name_set(sp.id, sp.name);
		}
	}
}
