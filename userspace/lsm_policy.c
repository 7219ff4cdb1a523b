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
 * The programs stay attached while this process holds them (the links are
 * not pinned): 'clonegate run --backend bpf' is their one user, and when it
 * ends, for whatever reason, the kernel detaches them.
 *
 * Attached is not enough: on a kernel whose LSM list lacks "bpf" (lsm= on
 * the command line), BPF LSM programs attach and never run, and a policy
 * would silently enforce nothing. So before CMD starts, a probe process
 * joins the cgroup and forks once (every profile allows a plain fork): the
 * programs must have counted that call, or the backend refuses to go on.
 * The probe's call is left out of the counts reported.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
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
	__u64 probe_checked;		/* the probe's calls, left out of the counts */
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

static void fill_config(struct cg_lsm_config *cfg, const struct cg_profile_def *def, int mode)
{
	int r;

	memset(cfg, 0, sizeof(*cfg));
	cfg->profile = *def;
	cfg->profile.name = NULL;
	cfg->profile.what = NULL;
	for (r = 0; r < CG_RULE_MAX; r++)
		cfg->profile.err[r] = cg_profile_errno(def, r);
	cfg->mode = mode;
	cfg->cgroup_scope = 1;
}

static int sum_counts(struct lsm_policy *lp, __u64 *checked, __u64 refused[CG_RULE_SLOTS],
		      __u64 audited[CG_RULE_SLOTS]);

/* A process in the cgroup forks once: 0 when it succeeded, else -errno. */
static int probe_fork(int cgroup_fd)
{
	int status;
	pid_t pid, child;

	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		if (cgroup_write(cgroup_fd, "cgroup.procs", "0"))
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

/* Do the programs run? (See the top of this file.) EXIT_OK or EXIT_FAIL, said. */
static int probe(struct lsm_policy *lp, int cgroup_fd)
{
	__u64 refused[CG_RULE_SLOTS], audited[CG_RULE_SLOTS];
	int err;

	err = probe_fork(cgroup_fd);
	if (err) {
		p_err("probing the BPF backend: a fork in the run's cgroup failed: %s", strerror(-err));
		return EXIT_FAIL;
	}
	err = sum_counts(lp, &lp->probe_checked, refused, audited);
	if (err) {
		p_err("reading the BPF backend's counters: %s", strerror(-err));
		return EXIT_FAIL;
	}
	if (!lp->probe_checked) {
		p_err("the BPF backend's programs are attached but do not run: the bpf LSM is not active on this kernel (it must be in the LSM list: cat /sys/kernel/security/lsm; boot with lsm=...,bpf)");
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

struct lsm_policy *lsm_policy_start(const struct cg_profile_def *profile, int mode, int cgroup_fd)
{
	struct lsm_policy *lp;
	__u32 key = 0;
	int err;

	lp = calloc(1, sizeof(*lp));
	if (!lp) {
		p_err("out of memory");
		return NULL;
	}
	skel_libbpf_quiet();
	lp->skel = lsm_policy_bpf__open();
	if (!lp->skel) {
		lsm_error("opening the BPF backend's programs", errno);
		goto fail;
	}
	fill_config(&lp->skel->bss->cfg, profile, mode);
	err = lsm_policy_bpf__load(lp->skel);
	if (err) {
		lsm_error("loading the BPF backend's programs", err);
		goto fail;
	}
	if (bpf_map_update_elem(bpf_map__fd(lp->skel->maps.cg_lsm_cgroup), &key, &cgroup_fd, BPF_ANY)) {
		lsm_error("setting the BPF backend's cgroup", errno);
		goto fail;
	}
	err = lsm_policy_bpf__attach(lp->skel);
	if (err) {
		lsm_error("attaching the BPF backend's programs", err);
		goto fail;
	}
	if (probe(lp, cgroup_fd))
		goto fail;
	return lp;
fail:
	lsm_policy_stop(lp);
	return NULL;
}

static int sum_counts(struct lsm_policy *lp, __u64 *checked, __u64 refused[CG_RULE_SLOTS],
		      __u64 audited[CG_RULE_SLOTS])
{
	int ncpu = libbpf_num_possible_cpus(), fd = bpf_map__fd(lp->skel->maps.cg_lsm_counts);
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
		if (bpf_map_lookup_elem(fd, &rule, per)) {
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

int lsm_policy_counts(struct lsm_policy *lp, __u64 *checked, __u64 refused[CG_RULE_SLOTS],
		      __u64 audited[CG_RULE_SLOTS])
{
	int err = sum_counts(lp, checked, refused, audited);

	if (!err)
		*checked -= lp->probe_checked;
	return err;
}

int lsm_policy_active(void)
{
	/* The kernel keeps BPF_OBJ_NAME_LEN - 1 characters of a program's name. */
	static const char name[] = "cg_lsm_task_alloc";
	struct bpf_prog_info info;
	__u32 id = 0, len;
	int n = 0, fd;

	while (!bpf_prog_get_next_id(id, &id)) {
		fd = bpf_prog_get_fd_by_id(id);
		if (fd < 0) {
			if (errno == ENOENT)
				continue;	/* unloaded meanwhile */
			return -errno;
		}
		memset(&info, 0, sizeof(info));
		len = sizeof(info);
		if (!bpf_obj_get_info_by_fd(fd, &info, &len) && info.type == BPF_PROG_TYPE_LSM &&
		    !strncmp(info.name, name, sizeof(info.name) - 1))
			n++;
		close(fd);
	}
	return errno == ENOENT ? n : -errno;
}

int lsm_policy_refuse_if_active(const char *what)
{
	int n = lsm_policy_active();

	if (n <= 0)
		return 0;
	p_err("%s: the BPF backend is active (%d run%s of 'clonegate run --backend bpf'): the two backends never police the same task; wait for %s to end, or use --backend bpf",
	      what, n, n == 1 ? "" : "s", n == 1 ? "it" : "them");
	return -1;
}

void lsm_policy_stop(struct lsm_policy *lp)
{
	if (!lp)
		return;
	lsm_policy_bpf__destroy(lp->skel);
	free(lp);
}
