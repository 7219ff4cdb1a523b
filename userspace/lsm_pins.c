// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * lsm_pins: the BPF backend's instances on this host, for 'policy list',
 * 'status' and the checks that keep scopes apart.
 *
 * An instance is one loaded lsm_policy object: held by a 'clonegate run'
 * process, or pinned by 'policy apply --backend bpf'. Both kinds are found
 * the same way, from the kernel rather than from files: every LSM program
 * named cg_lsm_task_alloc is one instance, its .bss map holds the
 * configuration it was loaded with (struct cg_lsm_config: profile, mode,
 * scope) and its cg_lsm_counts map the counters. So a run killed without
 * clean-up, or a pin directory someone removed by hand, can never leave a
 * stale entry behind: what is listed is what is attached.
 *
 * BPF scopes never overlap: a cgroup subtree is policed by one instance at
 * most, the module's scopes excepted (those are kept apart by the mode
 * checks in cmd_policy.c and run_lsm.c). Unlike the module, the programs
 * have no "most specific scope wins": two nested instances would both
 * decide every call below the inner one.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <clonegate/lsm_policy.h>

#include "cgroup.h"
#include "ctl.h"
#include "diag.h"
#include "lsm_policy.h"

/* The kernel keeps BPF_OBJ_NAME_LEN - 1 characters of a name. */
#define TASK_ALLOC_PROG	"cg_lsm_task_alloc"
#define COUNTS_MAP	"cg_lsm_counts"
#define MAX_MAPS	16

void lsm_pin_dir(__u64 cgroup_id, char *buf, size_t len)
{
	if (cgroup_id)
		snprintf(buf, len, "%s/cgroup_%llu", CG_LSM_PIN_DIR, (unsigned long long)cgroup_id);
	else
		snprintf(buf, len, "%s/global", CG_LSM_PIN_DIR);
}

int lsm_unpin(const char *dir)
{
	static const char *const files[] = { CG_LSM_PIN_LINKS, "counts" };
	char path[PATH_MAX + 32];
	size_t i;
	int err = 0;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		if (unlink(path) && errno != ENOENT && !err)
			err = -errno;
	}
	if (rmdir(dir) && !err)
		err = -errno;
	return err;
}

#define NLINKS	3	/* CG_LSM_PIN_LINKS */

/* The program ids behind a directory's pinned links (0 where there is none). */
static void pinned_prog_ids(const char *dir, __u32 ids[NLINKS])
{
	static const char *const files[NLINKS] = { CG_LSM_PIN_LINKS };
	struct bpf_link_info info;
	char path[PATH_MAX];
	__u32 len;
	int i, fd;

	for (i = 0; i < NLINKS; i++) {
		ids[i] = 0;
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		fd = bpf_obj_get(path);
		if (fd < 0)
			continue;
		memset(&info, 0, sizeof(info));
		len = sizeof(info);
		if (!bpf_obj_get_info_by_fd(fd, &info, &len))
			ids[i] = info.prog_id;
		close(fd);
	}
}

/*
 * The last reference to a link may be dropped after an RCU grace period or
 * in a work item (6.12 always defers it): the programs can still run for a
 * moment after their pins are gone. So wait, up to LSM_REMOVE_WAIT_MS,
 * until the kernel has let every one of them go, so that the policy is
 * gone when 'policy remove' (or the replacing 'apply') returns.
 */
int lsm_unpin_wait(const char *dir)
{
	__u32 ids[NLINKS];
	int err, fd, ms, i;

	pinned_prog_ids(dir, ids);
	err = lsm_unpin(dir);
	if (err)
		return err;
	for (i = 0; i < NLINKS; i++) {
		for (ms = 0; ids[i]; ms += 10) {
			fd = bpf_prog_get_fd_by_id(ids[i]);
			if (fd < 0 && errno == ENOENT)
				break;
			if (fd < 0)
				return -errno;
			close(fd);
			if (ms >= LSM_REMOVE_WAIT_MS)
				return -ETIMEDOUT;
			usleep(10000);
		}
	}
	return 0;
}

/*
 * What an 'apply' killed halfway leaves: "<dir>_new_<pid>" (pinned, not yet
 * renamed) or "<dir>_old_<pid>" (renamed away, not yet unpinned). Both
 * still hold programs attached to the scope; the next apply or remove of
 * the scope takes them away.
 */
void lsm_unpin_leftovers(const char *dir)
{
	const char *name = strrchr(dir, '/') + 1;
	size_t n = strlen(name);
	char path[PATH_MAX];
	struct dirent *d;
	DIR *top;

	top = opendir(CG_LSM_PIN_DIR);
	if (!top)
		return;
	while ((d = readdir(top))) {
		if (strncmp(d->d_name, name, n) ||
		    (strncmp(d->d_name + n, "_new_", 5) && strncmp(d->d_name + n, "_old_", 5)))
			continue;
		snprintf(path, sizeof(path), "%s/%s", CG_LSM_PIN_DIR, d->d_name);
		lsm_unpin(path);
	}
	closedir(top);
}

/* One map of an instance's program: its configuration or its counters. */
static void read_map(__u32 id, struct lsm_instance *in, bool *have_cfg)
{
	struct bpf_map_info info;
	__u32 len = sizeof(info), key = 0;
	size_t nlen;
	void *val;
	int fd;

	fd = bpf_map_get_fd_by_id(id);
	if (fd < 0)
		return;
	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		goto out;
	nlen = strlen(info.name);
	if (!strcmp(info.name, "cg_lsm_readers"))
		in->readers_map_id = id;
	else if (!strcmp(info.name, "cg_lsm_rd_cg"))
		in->rd_cgroup_map_id = id;
	else if (!strcmp(info.name, "cg_lsm_rd_lost"))
		in->rd_lost_map_id = id;
	else if (!strcmp(info.name, "cg_lsm_rd_owner"))
		in->rd_owner_map_id = id;
	else if (!strcmp(info.name, COUNTS_MAP)) {
		lsm_counts_read(fd, &in->checked, in->refused, in->audited);
	} else if (nlen > 4 && !strcmp(info.name + nlen - 4, ".bss") &&
		   info.value_size >= sizeof(in->cfg)) {
		/* cfg is the object's one zero-initialised global: the section starts with it. */
		val = calloc(1, info.value_size);
		if (val && !bpf_map_lookup_elem(fd, &key, val)) {
			memcpy(&in->cfg, val, sizeof(in->cfg));
			*have_cfg = in->cfg.magic == CG_LSM_MAGIC;
		}
		free(val);
	}
out:
	close(fd);
}

/* Fill *in from program fd, if it is an instance's task_alloc: 1, else 0. */
static int read_instance(int fd, struct lsm_instance *in)
{
	struct bpf_prog_info info;
	__u32 map_ids[MAX_MAPS], len = sizeof(info), i;
	bool have_cfg = false;

	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(fd, &info, &len) || info.type != BPF_PROG_TYPE_LSM ||
	    strncmp(info.name, TASK_ALLOC_PROG, sizeof(info.name) - 1))
		return 0;
	memset(in, 0, sizeof(*in));
	in->prog_id = info.id;
	memset(&info, 0, sizeof(info));
	info.nr_map_ids = MAX_MAPS;
	info.map_ids = (__u64)(unsigned long)map_ids;
	len = sizeof(info);
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return 1;
	for (i = 0; i < info.nr_map_ids && i < MAX_MAPS; i++)
		read_map(map_ids[i], in, &have_cfg);
	if (!have_cfg)
		snprintf(in->cfg.profile_name, sizeof(in->cfg.profile_name), "?");
	else if (in->checked >= in->cfg.probe_checked)
		in->checked -= in->cfg.probe_checked;
	in->known = have_cfg;
	return 1;
}

/*
 * Where each scope's cgroup is now: the path it had when applied may have
 * been renamed, or the cgroup removed (then the instance polices nothing
 * and is marked gone). One walk of the cgroup v2 mount for all of them.
 */
static void refresh_paths(struct lsm_instance *v, int n)
{
	__u64 *ids = calloc(n ?: 1, sizeof(*ids));
	char **paths = calloc(n ?: 1, sizeof(*paths));
	int i;

	if (!ids || !paths)
		goto out;
	for (i = 0; i < n; i++)
		ids[i] = v[i].known && v[i].cfg.cgroup_scope ? v[i].cfg.cgroup_id : 0;
	cgroup_paths(ids, paths, n);
	for (i = 0; i < n; i++) {
		if (!ids[i])
			continue;
		v[i].gone = !paths[i];
		if (paths[i])
			snprintf(v[i].cfg.cgroup_path, sizeof(v[i].cfg.cgroup_path), "%s", paths[i]);
		free(paths[i]);
	}
out:
	free(ids);
	free(paths);
}

int lsm_instances(struct lsm_instance **out, bool paths)
{
	struct lsm_instance *v = NULL, *nv;
	__u32 id = 0;
	int n = 0, fd;

	*out = NULL;
	while (!bpf_prog_get_next_id(id, &id)) {
		fd = bpf_prog_get_fd_by_id(id);
		if (fd < 0) {
			if (errno == ENOENT)
				continue;	/* unloaded meanwhile */
			free(v);
			return -errno;
		}
		nv = realloc(v, (n + 1) * sizeof(*v));
		if (!nv) {
			close(fd);
			free(v);
			return -ENOMEM;
		}
		v = nv;
		n += read_instance(fd, &v[n]);
		close(fd);
	}
	if (errno != ENOENT) {
		free(v);
		return -errno;
	}
	if (paths)
		refresh_paths(v, n);
	*out = v;
	return n;
}

int lsm_policy_active(void)
{
	struct lsm_instance *v;
	int n = lsm_instances(&v, false);

	free(v);
	return n;
}

int lsm_policy_refuse_if_active(const char *what)
{
	int n = lsm_policy_active();

	if (n <= 0)
		return 0;
	p_err("%s: the BPF backend is active (%d polic%s: see 'clonegate policy list --backend bpf'): the two backends never police the same task; remove them ('policy remove --backend bpf'), let the runs end, or use --backend bpf",
	      what, n, n == 1 ? "y" : "ies");
	return -1;
}

const char *lsm_scope_shown(const struct cg_lsm_config *cfg)
{
	return cfg->cgroup_scope ? cfg->cgroup_path : "the whole host (global)";
}

int lsm_scope_conflict(const struct lsm_scope *scope, const char *what)
{
	struct lsm_instance *v;
	const struct cg_lsm_config *c;
	int n, i;
	bool overlap;

	n = lsm_instances(&v, true);
	if (n < 0) {
		p_err("%s: cannot list the BPF backend's policies: %s", what, strerror(-n));
		return -1;
	}
	for (i = 0; i < n; i++) {
		c = &v[i].cfg;
		if (!v[i].known) {
			p_err("%s: a BPF backend instance of another clonegate build is attached (program id %u): it cannot be read, so nothing is applied",
			      what, v[i].prog_id);
			break;
		}
		/* A removed cgroup's policy polices nothing. */
		if (v[i].gone)
			continue;
		/* The scope's own pinned policy is replaced, not overlapped. */
		if (scope->pinned && c->pinned && c->cgroup_id == scope->cgroup_id)
			continue;
		overlap = !c->cgroup_scope || scope->cgroup_fd < 0 ||
			  cgroup_path_within(c->cgroup_path, scope->cgroup_path) ||
			  cgroup_path_within(scope->cgroup_path, c->cgroup_path);
		if (overlap) {
			p_err("%s: the BPF backend already polices %s (profile %s, %s): its scopes may not overlap, or both would decide each call; remove it first%s",
			      what, lsm_scope_shown(c), c->profile_name,
			      c->pinned ? "applied" : "a 'clonegate run'",
			      c->pinned ? " ('clonegate policy remove --backend bpf')" : "");
			break;
		}
	}
	free(v);
	return i < n ? -1 : 0;
}

int lsm_module_conflict(const char *what)
{
	struct cg_scope_info *sc = NULL;
	__u32 n = 0, i, active = 0;
	int fd = ctl_open(), err;

	if (fd < 0)
		return 0;		/* no module: nothing else polices */
	err = ctl_list(fd, &sc, &n, NULL);
	close(fd);
	if (err) {
		p_err("%s: cannot list the module's scopes: %s", what, ctl_strerror(err));
		return -1;
	}
	for (i = 0; i < n; i++)
		active += sc[i].mode != CG_MODE_OFF;
	free(sc);
	if (!active)
		return 0;
	p_err("%s: the clonegate module polices %u scope(s) (see 'clonegate policy list'): the two backends never police the same task; remove them, or use the module",
	      what, active);
	return -1;
}
