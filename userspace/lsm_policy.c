// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * lsm_policy: load the BPF LSM backend (bpf/lsm_policy.bpf.c) for one
 * cgroup, read its counters, detach it.
 *
 * The profile goes into the object's data before it loads, and nothing
 * writes it after, so a policy never changes under a running program:
 * another policy is another object. Every rule's errno is
 * filled in here (the profile's or the catalogue's), so the programs need
 * no table of names. Any profile the command can read will do: a built-in
 * one, a file (parsed and checked by the command, as for 'profile load'),
 * or one loaded into the module.
 *
 * The programs stay attached while something holds them: 'clonegate run
 * --backend bpf' holds them in this process, and when it ends, for whatever
 * reason, the kernel detaches them; 'clonegate policy apply --backend bpf'
 * pins their links and counters in bpffs (lsm_policy_pin()), and they stay
 * until 'policy remove' unlinks the pins. Pinning a new policy for a scope
 * that has one attaches the new one before unlinking the old, so the scope
 * is never unpoliced; for that instant both decide, and a call either one
 * refuses fails.
 *
 * Attached is not enough: on a kernel whose LSM list lacks "bpf" (lsm= on
 * the command line), BPF LSM programs attach and never run, and a policy
 * would silently enforce nothing. So before anything relies on them, a
 * probe process forks once in the scope (in a cgroup it creates below the
 * scope's and removes after; every profile allows a plain fork): the
 * programs must have counted that call, or the backend refuses to go on.
 * The probe's call is left out of the counts reported.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <clonegate/lsm_policy.h>

#include "cgroup.h"
#include "diag.h"
#include "lsm_policy.h"
#include "lsm_policy.skel.h"
#include "skel.h"

struct lsm_policy {
	struct lsm_policy_bpf *skel;
	int cgroup_fd;			/* the scope's; -1 for the whole host */
};

static void lsm_error(const char *step, int err)
{
	const char *more = verbose ? "" : " (add --verbose for libbpf's log)";

	err = err < 0 ? -err : err;
	if (err == EPERM && geteuid() != 0)
		p_err("permission denied: %s needs CAP_BPF, CAP_PERFMON and CAP_MAC_ADMIN (run as root)",
		      step);
	else if (err == EPERM)
		p_err("%s: the kernel refused it (%s: lockdown, or another BPF LSM policy?)%s",
		      step, strerror(err), more);
	else if (err == EINVAL || err == ENOENT || err == EOPNOTSUPP)
		p_err("%s: %s; the BPF backend needs a kernel with BPF LSM active ('bpf' in /sys/kernel/security/lsm, CONFIG_BPF_LSM) and BTF%s",
		      step, strerror(err), more);
	else
		p_err("%s: %s%s", step, strerror(err), more);
}

static void fill_config(struct cg_lsm_config *cfg, const struct profile *prof, int mode,
			const struct lsm_scope *scope)
{
	const struct cg_profile_def *def = &prof->def;
	int r;

	memset(cfg, 0, sizeof(*cfg));
	cfg->profile = *def;
	cfg->profile.name = NULL;
	cfg->profile.what = NULL;
	for (r = 0; r < CG_RULE_MAX; r++)
		cfg->profile.err[r] = cg_profile_errno(def, r);
	cfg->mode = mode;
	cfg->cgroup_scope = scope->cgroup_fd >= 0;
	cfg->magic = CG_LSM_MAGIC;
	cfg->pinned = scope->pinned;
	cfg->cgroup_id = scope->cgroup_id;
	cfg->events = scope->events;
	cfg->profile_id = prof->id < 0 ? ~0U : (__u32)prof->id;
	snprintf(cfg->profile_name, sizeof(cfg->profile_name), "%s", def->name ?: "?");
	snprintf(cfg->cgroup_path, sizeof(cfg->cgroup_path), "%s", scope->cgroup_path ?: "");
}

int lsm_counts_read(int map_fd, __u64 *checked, __u64 refused[CG_RULE_SLOTS],
		    __u64 audited[CG_RULE_SLOTS])
{
	int ncpu = libbpf_num_possible_cpus();
	struct cg_lsm_count *per;
	__u32 rule;
	int cpu;

	if (ncpu <= 0)
		return -EINVAL;
	per = calloc(ncpu, sizeof(*per));
	if (!per)
		return -ENOMEM;
	*checked = 0;
	for (rule = 0; rule < CG_RULE_SLOTS; rule++) {
		refused[rule] = audited[rule] = 0;
		if (bpf_map_lookup_elem(map_fd, &rule, per)) {
			free(per);
			return -errno;
		}
		for (cpu = 0; cpu < ncpu; cpu++) {
			*checked += per[cpu].checked;
			refused[rule] += per[cpu].refused;
			audited[rule] += per[cpu].audited;
		}
	}
	free(per);
	return 0;
}

static int sum_counts(struct lsm_policy *lp, __u64 *checked, __u64 refused[CG_RULE_SLOTS],
		      __u64 audited[CG_RULE_SLOTS])
{
	return lsm_counts_read(bpf_map__fd(lp->skel->maps.cg_lsm_counts), checked, refused, audited);
}

/* A process forks once (in the cgroup dfd, unless -1): 0 when it succeeded, else -errno. */
static int probe_fork(int dfd)
{
	int status;
	pid_t pid, child;

	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		if (dfd >= 0 && cgroup_write(dfd, "cgroup.procs", "0"))
			_exit(2);
		child = fork();
		if (child == 0)
			_exit(0);
		_exit(child > 0 && waitpid(child, &status, 0) == child ? 0 : 1);
	}
	if (waitpid(pid, &status, 0) != pid)
		return -errno;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -EIO;
}

/*
 * The probe's fork, in a cgroup of its own below the scope's: a process
 * may not join a cgroup that delegates domain controllers to its children,
 * and the scope's cgroup may be one. 0 or -errno.
 */
static int probe_in_scope(int cgroup_fd)
{
	char name[64];
	int dfd, err;

	if (cgroup_fd < 0)
		return probe_fork(-1);
	snprintf(name, sizeof(name), "clonegate.probe.%d", (int)getpid());
	if (mkdirat(cgroup_fd, name, 0755))
		return -errno;
	dfd = openat(cgroup_fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	err = dfd < 0 ? -errno : probe_fork(dfd);
	if (dfd >= 0)
		close(dfd);
	/* Its one process was reaped: the cgroup is empty. */
	if (unlinkat(cgroup_fd, name, AT_REMOVEDIR) && !err)
		err = -errno;
	return err;
}

/* Do the programs run? (See the top of this file.) EXIT_OK or EXIT_FAIL, said. */
static int probe(struct lsm_policy *lp)
{
	__u64 refused[CG_RULE_SLOTS], audited[CG_RULE_SLOTS], checked;
	int err;

	err = probe_in_scope(lp->cgroup_fd);
	if (err) {
		p_err("probing the BPF backend: a fork in the scope's cgroup failed: %s",
		      strerror(-err));
		return EXIT_FAIL;
	}
	err = sum_counts(lp, &checked, refused, audited);
	if (err) {
		p_err("reading the BPF backend's counters: %s", strerror(-err));
		return EXIT_FAIL;
	}
	if (!checked) {
		p_err("the BPF backend's programs are attached but do not run: the bpf LSM is not active on this kernel (it must be in the LSM list: cat /sys/kernel/security/lsm; boot with lsm=...,bpf)");
		return EXIT_FAIL;
	}
	/* Never read by the programs: the counts' readers subtract it. */
	lp->skel->bss->cfg.probe_checked = checked;
	return EXIT_OK;
}

struct lsm_policy *lsm_policy_start(const struct profile *profile, int mode,
				    const struct lsm_scope *scope)
{
	struct lsm_policy *lp;
	__u32 key = 0;
	int err;

	lp = calloc(1, sizeof(*lp));
	if (!lp) {
		p_err("out of memory");
		return NULL;
	}
	lp->cgroup_fd = scope->cgroup_fd;
	if (scope->cgroup_path && strlen(scope->cgroup_path) >= CG_LSM_PATH_MAX) {
		p_err("the BPF backend takes cgroup paths of at most %d characters: %s",
		      CG_LSM_PATH_MAX - 1, scope->cgroup_path);
		goto fail;
	}
	skel_libbpf_quiet();
	lp->skel = lsm_policy_bpf__open();
	if (!lp->skel) {
		lsm_error("opening the BPF backend's programs", errno);
		goto fail;
	}
	fill_config(&lp->skel->bss->cfg, profile, mode, scope);
	err = lsm_policy_bpf__load(lp->skel);
	if (err) {
		lsm_error("loading the BPF backend's programs", err);
		goto fail;
	}
	if (scope->cgroup_fd >= 0 &&
	    bpf_map_update_elem(bpf_map__fd(lp->skel->maps.cg_lsm_cgroup), &key, &scope->cgroup_fd,
				BPF_ANY)) {
		lsm_error("setting the BPF backend's cgroup", errno);
		goto fail;
	}
	err = lsm_policy_bpf__attach(lp->skel);
	if (err) {
		lsm_error("attaching the BPF backend's programs", err);
		goto fail;
	}
	if (probe(lp))
		goto fail;
	return lp;
fail:
	lsm_policy_stop(lp);
	return NULL;
}

int lsm_policy_counts(struct lsm_policy *lp, __u64 *checked, __u64 refused[CG_RULE_SLOTS],
		      __u64 audited[CG_RULE_SLOTS])
{
	int err = sum_counts(lp, checked, refused, audited);

	if (!err)
		*checked -= lp->skel->bss->cfg.probe_checked;
	return err;
}

/* Pin the links and the counters in directory dir (made here): 0 or -errno. */
static int pin_all(struct lsm_policy *lp, const char *dir)
{
	struct bpf_link *links[] = {
		lp->skel->links.cg_lsm_kernel_clone, lp->skel->links.cg_lsm_task_alloc,
		lp->skel->links.cg_lsm_userns_create,
	};
	static const char *const files[] = { CG_LSM_PIN_LINKS };
	char path[PATH_MAX];
	size_t i;
	int err;

	if (mkdir(dir, 0700))
		return -errno;
	for (i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		err = bpf_link__pin(links[i], path);
		if (err)
			return err;
	}
	snprintf(path, sizeof(path), "%s/counts", dir);
	return bpf_map__pin(lp->skel->maps.cg_lsm_counts, path);
}

/*
 * Pin in CG_LSM_PIN_DIR/<name> (see clonegate/lsm_pins.h), replacing what
 * the scope had there, so that a failure at any step leaves the old policy
 * attached and pinned where it was: the new one is pinned under a
 * temporary name, the old directory renamed away, the new one renamed into
 * place (the old renamed back if that fails), and only then is the old one
 * unpinned, and waited for until the kernel has detached it.
 */
int lsm_policy_pin(struct lsm_policy *lp)
{
	const struct cg_lsm_config *cfg = &lp->skel->bss->cfg;
	char dir[LSM_PIN_DIR_LEN], tmp[LSM_PIN_DIR_LEN + 32], old[LSM_PIN_DIR_LEN + 32];
	bool had_old;
	int err;

	lsm_pin_dir(cfg->cgroup_id, dir, sizeof(dir));
	snprintf(tmp, sizeof(tmp), "%s_new_%d", dir, (int)getpid());
	snprintf(old, sizeof(old), "%s_old_%d", dir, (int)getpid());
	if (mkdir(CG_LSM_PIN_DIR, 0700) && errno != EEXIST)
		return -errno;
	lsm_unpin_leftovers(dir);
	err = pin_all(lp, tmp);
	if (err)
		goto fail;
	had_old = !rename(dir, old);
	if (!had_old && errno != ENOENT) {
		err = -errno;
		goto fail;
	}
	if (rename(tmp, dir)) {
		err = -errno;
		if (had_old)
			rename(old, dir);
		goto fail;
	}
	/* The new policy is in place: a stuck old one is worth a warning, not a failure. */
	if (had_old) {
		err = lsm_unpin_wait(old);
		if (err)
			p_err("warning: the replaced policy's pins (%s): %s", old, strerror(-err));
	}
	return 0;
fail:
	lsm_unpin(tmp);
	return err;
}

int lsm_policy_events_fd(struct lsm_policy *lp)
{
	return bpf_map__fd(lp->skel->maps.cg_lsm_events);
}

unsigned long long lsm_policy_events_lost(struct lsm_policy *lp)
{
	unsigned long long sum = 0;

	map_percpu_sum(bpf_map__fd(lp->skel->maps.cg_lsm_lost), 0, &sum);
	return sum;
}

void lsm_policy_stop(struct lsm_policy *lp)
{
	if (!lp)
		return;
	lsm_policy_bpf__destroy(lp->skel);
	free(lp);
}
