/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The BPF backend for the selftests that run against it (T_BPF builds:
 * policy_rules_bpf, bypass_bpf): apply and remove a policy through the
 * clonegate command ('policy apply --backend bpf'), read its counters from
 * the pinned map (clonegate/lsm_pins.h) with the bpf syscall, and keep the
 * module unloaded for the whole binary, so the backend answers alone.
 *
 * The module goes before the harness's main() and comes back after it, in
 * the process that runs it (the tests' own children leave with _exit() or
 * are not that pid); a binary that cannot unload it bails out.
 */
#ifndef BPF_BACKEND_H
#define BPF_BACKEND_H

#include <linux/bpf.h>

#include "clonegate/lsm_pins.h"

static const char *const t_profile_names[] = {
	[CG_PROFILE_GVISOR_21D66119] = "gvisor-21d66119",
	[CG_PROFILE_GVISOR_8623C872] = "gvisor-8623c872",
	[CG_PROFILE_GVISOR_HEAD] = "gvisor-head",
	[CG_PROFILE_GVISOR_HEAD_CGROUP2] = "gvisor-head-cgroup2",
};


/* Run the clonegate command with argv; its exit status, or -1. */
static inline int t_cli_run(char *const argv[])
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		execv(t_cli(), argv);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static inline int t_bpf_apply(const struct t_cgroup *cg, uint32_t profile, uint32_t mode)
{
	char *argv[] = {
		"clonegate", "policy", "apply", "--backend", "bpf", "--cgroup", (char *)cg->path,
		"--profile", (char *)t_profile_names[profile],
		"--mode", mode == CG_MODE_ENFORCE ? "enforce" : "audit", NULL,
	};

	return t_cli_run(argv);
}

static inline int t_bpf_remove(const struct t_cgroup *cg)
{
	char *argv[] = { "clonegate", "policy", "remove", "--backend", "bpf", "--cgroup",
			 (char *)cg->path, NULL };

	return t_cli_run(argv);
}

/* The backend's counters, summed over CPUs: checked, and per rule. */
struct t_bpf_counts {
	uint64_t checked;
	uint64_t refused[CG_RULE_SLOTS], audited[CG_RULE_SLOTS];
};

static inline int t_possible_cpus(void)
{
	char buf[64];
	int lo, hi, n = 0;
	char *p = buf;
	FILE *f = fopen("/sys/devices/system/cpu/possible", "r");

	if (!f)
		return -1;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = 0;
	fclose(f);
	/* "0-3" or "0,2-5": the highest CPU number + 1 is what a per-CPU map holds. */
	while (*p) {
		if (sscanf(p, "%d-%d", &lo, &hi) == 2)
			n = hi + 1;
		else if (sscanf(p, "%d", &lo) == 1)
			n = lo + 1;
		p += strcspn(p, ",");
		p += *p == ',';
		if (*p == '\n')
			break;
	}
	return n;
}

static inline int t_bpf_counts(const struct t_cgroup *cg, struct t_bpf_counts *c)
{
	struct cg_lsm_count per[64];
	union bpf_attr attr;
	char path[128];
	struct stat st;
	int fd, ncpu = t_possible_cpus(), cpu, ret = 0;
	__u32 rule;

	memset(c, 0, sizeof(*c));
	if (ncpu <= 0 || ncpu > 64 || fstat(cg->fd, &st))
		return -EINVAL;
	snprintf(path, sizeof(path), CG_LSM_PIN_DIR "/cgroup_%llu/counts",
		 (unsigned long long)st.st_ino);
	memset(&attr, 0, sizeof(attr));
	attr.pathname = (__u64)(unsigned long)path;
	fd = syscall(__NR_bpf, BPF_OBJ_GET, &attr, sizeof(attr));
	if (fd < 0)
		return -errno;
	for (rule = 0; rule < CG_RULE_SLOTS && !ret; rule++) {
		/* A sparse CPU mask leaves slots the kernel does not fill. */
		memset(per, 0, sizeof(per));
		memset(&attr, 0, sizeof(attr));
		attr.map_fd = fd;
		attr.key = (__u64)(unsigned long)&rule;
		attr.value = (__u64)(unsigned long)per;
		if (syscall(__NR_bpf, BPF_MAP_LOOKUP_ELEM, &attr, sizeof(attr))) {
			ret = -errno;
			break;
		}
		for (cpu = 0; cpu < ncpu; cpu++) {
			c->checked += per[cpu].checked;
			c->refused[rule] += per[cpu].refused;
			c->audited[rule] += per[cpu].audited;
		}
	}
	close(fd);
	return ret;
}

static inline bool t_bpf_pinned(const struct t_cgroup *cg)
{
	char path[128];
	struct stat st;

	if (fstat(cg->fd, &st))
		return false;
	snprintf(path, sizeof(path), CG_LSM_PIN_DIR "/cgroup_%llu/counts",
		 (unsigned long long)st.st_ino);
	return !access(path, F_OK);
}

static pid_t t_bpf_main_pid;
static bool t_bpf_reload;

static void __attribute__((constructor)) t_bpf_unload_module(void)
{
	int err;

	t_bpf_main_pid = getpid();
	if (access("/sys/module/clonegate", F_OK))
		return;
	err = t_module_unload();
	if (err) {
		printf("Bail out! cannot unload the clonegate module: %s\n", strerror(-err));
		_exit(KSFT_FAIL);
	}
	t_bpf_reload = true;
}

/* Last of the destructors (a lower priority runs later): after the policies went. */
static void __attribute__((destructor(101))) t_bpf_reload_module(void)
{
	int err;

	if (t_bpf_main_pid != getpid() || !t_bpf_reload)
		return;
	err = t_module_load();
	if (err) {
		printf("# cannot load the clonegate module again (%s): %s\n", t_module_path(),
		       strerror(-err));
		fflush(stdout);
		_exit(KSFT_FAIL);
	}
}

#endif /* BPF_BACKEND_H */
