// SPDX-License-Identifier: GPL-2.0
/*
 * Everyday workloads keep working under the default profile in enforce
 * mode, where gVisor allows them: glibc threads (pthread_create uses clone3),
 * fork, vfork, posix_spawn, and busybox unshare/nsenter. None of them may be
 * refused, and the module must actually have seen them (checked moves).
 */
#include "cg_test.h"
#include <spawn.h>
#include "kselftest_harness.h"

extern char **environ;

static void *t_thread_fn(void *arg)
{
	return arg;
}

/* Each workload runs in a child placed in the scope; returns its exit status. */
static int t_workload_threads(void)
{
	pthread_t th[8];
	int i;

	for (i = 0; i < 8; i++)
		if (pthread_create(&th[i], NULL, t_thread_fn, NULL))
			return 1;
	for (i = 0; i < 8; i++)
		if (pthread_join(th[i], NULL))
			return 2;
	return 0;
}

static int t_workload_fork(void)
{
	int st;
	pid_t p = fork();

	if (p == 0)
		_exit(7);
	return p > 0 && waitpid(p, &st, 0) == p && WEXITSTATUS(st) == 7 ? 0 : 1;
}

static int t_workload_vfork(void)
{
	int st;
	pid_t p = vfork();

	if (p == 0)
		_exit(9);
	return p > 0 && waitpid(p, &st, 0) == p && WEXITSTATUS(st) == 9 ? 0 : 1;
}

static int t_run_argv(char *const argv[])
{
	pid_t p;
	int st;

	if (posix_spawn(&p, argv[0], NULL, NULL, argv, environ))
		return 100;
	if (waitpid(p, &st, 0) != p)
		return 101;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 102;
}

static int t_workload_posix_spawn(void)
{
	char *const argv[] = { "/bin/true", NULL };

	return t_run_argv(argv);
}

static int t_workload_busybox_unshare(void)
{
	char *const mnt[] = { "/bin/unshare", "-m", "/bin/true", NULL };
	char *const uts_ipc_net[] = { "/bin/unshare", "-u", "-i", "-n", "/bin/true", NULL };
	char *const pid[] = { "/bin/unshare", "-p", "-f", "/bin/true", NULL };
	char *const user[] = { "/bin/unshare", "-U", "-r", "/bin/true", NULL };

	return t_run_argv(mnt) ?: t_run_argv(uts_ipc_net) ?: t_run_argv(pid) ?: t_run_argv(user);
}

static int t_workload_busybox_nsenter(void)
{
	char target[16];
	char *const argv[] = { "/bin/nsenter", "-t", target, "-n", "-u", "-i", "-m", "/bin/true", NULL };

	snprintf(target, sizeof(target), "%d", getppid());
	return t_run_argv(argv);
}

struct workload {
	const char *name;
	int (*fn)(void);
	int entry;	/* an entry point it must go through */
};

static const struct workload workloads[] = {
	{ "pthread_create", t_workload_threads, CG_ENTRY_CLONE3 },
	{ "fork", t_workload_fork, CG_ENTRY_CLONE },
	{ "vfork", t_workload_vfork, CG_ENTRY_VFORK },
	{ "posix_spawn", t_workload_posix_spawn, CG_ENTRY_CLONE3 },
	{ "busybox unshare", t_workload_busybox_unshare, CG_ENTRY_UNSHARE },
	{ "busybox nsenter", t_workload_busybox_nsenter, CG_ENTRY_SETNS },
};

FIXTURE(work) {
	struct t_cgroup cg;
	bool ready;
};

FIXTURE_SETUP(work)
{
	T_CGROUP_SETUP(self, "work");
	ASSERT_EQ(0, t_apply(self->cg.fd, CG_SCOPE_CGROUP, CG_PROFILE_GVISOR_21D66119,
			     CG_MODE_ENFORCE));
	self->ready = true;
}

FIXTURE_TEARDOWN(work)
{
	t_cgroup_teardown(&self->cg);
}

static uint64_t t_total(const __u64 *v, int n)
{
	uint64_t s = 0;

	while (n--)
		s += v[n];
	return s;
}

TEST_F(work, everyday_workloads_run_under_enforce)
{
	size_t i;

	if (!self->ready)
		return;
	for (i = 0; i < sizeof(workloads) / sizeof(workloads[0]); i++) {
		const struct workload *w = &workloads[i];
		struct cg_counters c0, c1;
		int st = -1;
		pid_t p;

		ASSERT_EQ(0, t_counters(&c0));
		p = t_fork_in(&self->cg, 99);
		ASSERT_LE(0, p);
		if (p == 0)
			_exit(w->fn());
		ASSERT_EQ(p, waitpid(p, &st, 0));
		ASSERT_EQ(0, t_counters(&c1));
		EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0)
			TH_LOG("%s: status 0x%x", w->name, st);
		EXPECT_EQ(0, t_total(c1.refused, CG_RULE_SLOTS) - t_total(c0.refused, CG_RULE_SLOTS))
			TH_LOG("%s was refused", w->name);
		EXPECT_LE(1, c1.checked[w->entry] - c0.checked[w->entry])
			TH_LOG("%s: the module did not see entry %d", w->name, w->entry);
	}
}

TEST_HARNESS_MAIN
