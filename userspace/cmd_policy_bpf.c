// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * clonegate policy ... --backend bpf: apply, remove and list the BPF
 * backend's policies (bpf/lsm_policy.bpf.c).
 *
 * A policy is one instance of the backend's object, attached, probed (see
 * lsm_policy.c) and pinned in bpffs, so that it outlives this command; the
 * pins are the only thing that holds it, and 'remove' unlinks them. What
 * 'list' shows comes from the kernel's attached programs, not from the pin
 * directories (lsm_pins.c), so runs of 'clonegate run --backend bpf' are
 * listed too.
 *
 * Everything that can be refused is refused before anything is loaded:
 * not root, no bpffs, mode off (the backend has no "attached, checking
 * nothing": remove the policy instead), a profile it cannot read, a scope
 * that overlaps another BPF scope, the module policing any scope.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <linux/magic.h>

#include <clonegate/lsm_policy.h>

#include "cgroup.h"
#include "cmds.h"
#include "diag.h"
#include "json.h"
#include "lsm_policy.h"
#include "names.h"
#include "profile_file.h"

#define NEED_ROOT_BPF "permission denied: the BPF backend needs root (CAP_BPF, CAP_PERFMON and CAP_MAC_ADMIN; run it with sudo)"

/* The scope given on the command line, opened: 0, or -1 (reported). */
static int open_scope(const struct policy_bpf_args *a, struct lsm_scope *s, char **shown)
{
	struct stat st;

	memset(s, 0, sizeof(*s));
	s->cgroup_fd = -1;
	*shown = NULL;
	if (a->global)
		return 0;
	s->cgroup_fd = cgroup_open(a->cgroup, shown);
	if (s->cgroup_fd < 0)
		return -1;
	if (fstat(s->cgroup_fd, &st)) {
		p_err("cannot read cgroup '%s': %s", *shown, strerror(errno));
		return -1;
	}
	s->cgroup_id = st.st_ino;
	s->cgroup_path = *shown;
	if (!strcmp(*shown, "/")) {
		p_err("the BPF backend does not take the root cgroup as a scope (for the whole host use --global)");
		return -1;
	}
	if (strlen(*shown) >= CG_LSM_PATH_MAX) {
		p_err("cgroup path '%s' is too long for the BPF backend (at most %d characters)",
		      *shown, CG_LSM_PATH_MAX - 1);
		return -1;
	}
	return 0;
}

static void close_scope(struct lsm_scope *s, char *shown)
{
	if (s->cgroup_fd >= 0)
		close(s->cgroup_fd);
	free(shown);
}

static int need_bpffs(void)
{
	struct statfs fs;

	if (!statfs("/sys/fs/bpf", &fs) && fs.f_type == BPF_FS_MAGIC)
		return 0;
	p_err("bpffs is not mounted at /sys/fs/bpf, where the BPF backend pins its policies (mount -t bpf bpf /sys/fs/bpf)");
	return -1;
}

/* 'policy apply --json': the policy as pinned. */
static void print_applied(const struct lsm_scope *s, const char *profile, int mode)
{
	char b[32], dir[LSM_PIN_DIR_LEN];

	lsm_pin_dir(s->cgroup_id, dir, sizeof(dir));
	jw_begin_object(NULL);
	jw_string("backend", "bpf");
	jw_string("scope", s->cgroup_fd >= 0 ? "cgroup" : "global");
	if (s->cgroup_fd >= 0)
		jw_string("cgroup", s->cgroup_path);
	else
		jw_null("cgroup");
	jw_u64("cgroup_id", s->cgroup_id);
	jw_string("profile", profile);
	jw_string("mode", mode_name(mode, b, sizeof(b)));
	jw_string("pinned", dir);
	jw_end_object();
	jw_end_line();
}

int policy_apply_bpf(const struct policy_bpf_args *a)
{
	struct lsm_policy *lp = NULL;
	struct profile prof;
	struct lsm_scope s;
	char *shown;
	int ret = EXIT_FAIL, err;

	if (a->mode == CG_MODE_OFF)
		return usage_err(a->where, "--backend bpf takes --mode enforce or audit (to stop policing, 'clonegate policy remove --backend bpf')");
	if (geteuid() != 0) {
		p_err(NEED_ROOT_BPF);
		return EXIT_FAIL;
	}
	if (need_bpffs() || profile_get(a->profile, &prof))
		return EXIT_FAIL;
	if (open_scope(a, &s, &shown))
		goto out;
	s.pinned = true;
	if (lsm_module_conflict(a->where) || lsm_scope_conflict(&s, a->where))
		goto out;
	lp = lsm_policy_start(&prof, a->mode, &s);
	if (!lp)
		goto out;
	err = lsm_policy_pin(lp);
	if (err) {
		p_err("pinning the policy under %s: %s", CG_LSM_PIN_DIR, strerror(-err));
		goto out;
	}
	if (json_output)
		print_applied(&s, prof.def.name, a->mode);
	ret = EXIT_OK;
out:
	/* Pinned, the policy stays attached; otherwise this detaches it. */
	lsm_policy_stop(lp);
	close_scope(&s, shown);
	return ret;
}

/*
 * The cgroup id of the pinned policy whose cgroup, once at @arg, was
 * removed (it polices nothing, and its path no longer opens); 0 if none.
 */
static __u64 gone_scope(const char *arg)
{
	char *shown = cgroup_shown(arg);
	struct lsm_instance *v;
	__u64 id = 0;
	int n, i;

	if (!shown)
		return 0;
	n = lsm_instances(&v, true);
	for (i = 0; i < n; i++)
		if (v[i].gone && v[i].cfg.pinned && !strcmp(v[i].cfg.cgroup_path, shown))
			id = v[i].cfg.cgroup_id;
	free(v);
	free(shown);
	return id;
}

int policy_remove_bpf(const struct policy_bpf_args *a)
{
	struct lsm_scope s = { .cgroup_fd = -1 };
	char *shown = NULL, dir[LSM_PIN_DIR_LEN];
	__u64 gone = 0;
	int err, ret = EXIT_FAIL;

	if (geteuid() != 0) {
		p_err(NEED_ROOT_BPF);
		return EXIT_FAIL;
	}
	if (!a->global)
		gone = gone_scope(a->cgroup);
	if (!gone && open_scope(a, &s, &shown))
		goto out;
	lsm_pin_dir(gone ?: s.cgroup_id, dir, sizeof(dir));
	lsm_unpin_leftovers(dir);
	err = lsm_unpin_wait(dir);
	if (err == -ENOENT)
		p_err("%s has no BPF backend policy to remove (see 'clonegate policy list --backend bpf')",
		      a->global ? "the host" : shown ?: a->cgroup);
	else if (err == -ETIMEDOUT)
		p_err("the pins in %s are gone, but the kernel had not detached the programs after %d s",
		      dir, LSM_REMOVE_WAIT_MS / 1000);
	else if (err)
		p_err("removing the pins in %s: %s", dir, strerror(-err));
	else
		ret = EXIT_OK;
out:
	close_scope(&s, shown);
	return ret;
}

static void sum_rules(const struct lsm_instance *in, __u64 *refused, __u64 *audited)
{
	int r;

	*refused = *audited = 0;
	for (r = 0; r < CG_RULE_SLOTS; r++) {
		*refused += in->refused[r];
		*audited += in->audited[r];
	}
}

static void print_instance_json(const struct lsm_instance *in)
{
	const struct cg_lsm_config *c = &in->cfg;
	__u64 refused, audited;
	char b[32];

	sum_rules(in, &refused, &audited);
	jw_begin_object(NULL);
	jw_string("scope", c->cgroup_scope ? "cgroup" : "global");
	if (c->cgroup_scope)
		jw_string("cgroup", c->cgroup_path);
	else
		jw_null("cgroup");
	jw_u64("cgroup_id", c->cgroup_id);
	jw_bool("cgroup_removed", in->gone);
	jw_string("profile", c->profile_name);
	jw_string("mode", mode_name(c->mode, b, sizeof(b)));
	jw_string("held_by", c->pinned ? "pin" : "run");
	jw_u64("checked", in->checked);
	jw_u64("refused", refused);
	jw_u64("audited", audited);
	jw_end_object();
}

static void print_instance(const struct lsm_instance *in, int width)
{
	const struct cg_lsm_config *c = &in->cfg;
	__u64 refused, audited;
	char b[32];

	sum_rules(in, &refused, &audited);
	printf("%-*s  %-16s %-7s %-4s %12llu %12llu %12llu%s\n", width,
	       c->cgroup_scope ? c->cgroup_path : "global", c->profile_name,
	       mode_name(c->mode, b, sizeof(b)), c->pinned ? "pin" : "run",
	       (unsigned long long)in->checked, (unsigned long long)refused,
	       (unsigned long long)audited, in->gone ? "  (cgroup removed)" : "");
}

int policy_list_bpf(void)
{
	struct lsm_instance *v;
	int n, i, width = 6;

	n = lsm_instances(&v, true);
	if (n < 0) {
		if (n == -EPERM)
			p_err(NEED_ROOT_BPF);
		else
			p_err("listing the BPF backend's programs: %s", strerror(-n));
		return EXIT_FAIL;
	}
	if (json_output) {
		jw_begin_object(NULL);
		jw_string("backend", "bpf");
		jw_begin_array("policies");
		for (i = 0; i < n; i++)
			print_instance_json(&v[i]);
		jw_end_array();
		jw_end_object();
		jw_end_line();
	} else if (!n) {
		printf("no BPF backend policies (apply one with 'clonegate policy apply --backend bpf')\n");
	} else {
		for (i = 0; i < n; i++)
			if ((int)strlen(v[i].cfg.cgroup_path) > width)
				width = strlen(v[i].cfg.cgroup_path);
		printf("%-*s  %-16s %-7s %-4s %12s %12s %12s\n", width, "SCOPE", "PROFILE", "MODE",
		       "HELD", "CHECKED", "REFUSED", "AUDITED");
		for (i = 0; i < n; i++)
			print_instance(&v[i], width);
	}
	free(v);
	return EXIT_OK;
}
