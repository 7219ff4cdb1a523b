// SPDX-License-Identifier: GPL-2.0
/*
 * Scopes and modes: the most specific cgroup scope wins, global covers the
 * rest, modes switch at run time without a reload, every decision reaches
 * the kernel log and the clonegate_decision tracepoint, and a task cannot
 * walk out of its scope without the privilege to move cgroups.
 *
 * The probe call is clone3(CLONE_NEWTIME): gVisor refuses it (C1, EINVAL),
 * Linux creates the child.
 */
#include "cg_test.h"
#include <sys/klog.h>
#include <sys/prctl.h>
#include "kselftest_harness.h"

#define PROBE_REFUSED	(-EINVAL)
#define PROBE_ALLOWED	0
#ifdef __i386__
#define T_CLONE3_NAME	"ia32_clone3"
#else
#define T_CLONE3_NAME	"clone3"
#endif

static long t_probe_call(void)
{
	struct t_clone_args a = { .flags = T_NEWTIME, .exit_signal = 17 };
	long r = t_sys_clone3_exit(&a, 88);

	if (r > 0) {
		waitpid(r, NULL, 0);
		r = 0;
	}
	return r;
}

/* The probing subject's name, when a test sets one. */
static const char *t_probe_comm;

/*
 * Fork a subject, place it in @cgpath's cgroup.procs (NULL: stay in the
 * root cgroup), optionally drop to nobody, and return the probe's result.
 */
static long t_probe_in(const char *cgpath, bool unpriv, bool try_escape, long *escape)
{
	struct t_cgroup cg = { .fd = -1 };
	struct t_subject s;
	long out[2] = { -EIO, 0 };
	int res[2];
	pid_t pid;

	if (pipe(res))
		return -EIO;
	pid = t_subject_fork(&s);
	if (pid < 0) {
		close(res[0]);
		close(res[1]);
		return -EIO;
	}
	if (pid == 0) {
		long o[2] = { 0, 0 };

		if (!t_subject_wait(&s))
			_exit(1);
		if (unpriv && (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534)))
			_exit(1);
		if (t_probe_comm)
			prctl(PR_SET_NAME, t_probe_comm);
		if (try_escape)
			o[1] = t_write_file("/sys/fs/cgroup/cgroup.procs", "0");
		o[0] = t_probe_call();
		if (write(res[1], o, sizeof(o)) != sizeof(o))
			_exit(1);
		_exit(0);
	}
	if (cgpath)
		snprintf(cg.path, sizeof(cg.path), "%s", cgpath);
	close(res[1]);
	if (t_subject_go(&s, cgpath ? &cg : NULL) || read(res[0], out, sizeof(out)) != sizeof(out))
		out[0] = -EIO;
	waitpid(pid, NULL, 0);
	close(res[0]);
	if (escape)
		*escape = out[1];
	return out[0];
}

static long t_probe(const char *cgpath)
{
	return t_probe_in(cgpath, false, false, NULL);
}

FIXTURE(scope) {
	struct t_cgroup outer, inner, leaf;
	bool ready;
};

FIXTURE_SETUP(scope)
{
	char p[300];

	self->ready = false;
	self->outer.fd = self->inner.fd = self->leaf.fd = -1;
	if (access(CLONEGATE_DEVICE, F_OK))
		SKIP(return, "clonegate module not loaded");
	ASSERT_EQ(0, t_cgroup_create(&self->outer, "scope"));
	snprintf(self->inner.path, sizeof(self->inner.path), "%.200s/inner", self->outer.path);
	snprintf(self->leaf.path, sizeof(self->leaf.path), "%.200s/leaf", self->inner.path);
	ASSERT_EQ(0, mkdir(self->inner.path, 0755));
	ASSERT_EQ(0, mkdir(self->leaf.path, 0755));
	self->inner.fd = open(self->inner.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	self->leaf.fd = open(self->leaf.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ASSERT_LE(0, self->inner.fd);
	ASSERT_LE(0, self->leaf.fd);
	/* Let an unprivileged subject be moved in by root, as a workload would be. */
	snprintf(p, sizeof(p), "%s/cgroup.procs", self->leaf.path);
	chmod(p, 0666);
	t_remove(-1, CG_SCOPE_GLOBAL);
	self->ready = true;
}

FIXTURE_TEARDOWN(scope)
{
	t_remove(-1, CG_SCOPE_GLOBAL);
	t_remove(self->outer.fd, CG_SCOPE_CGROUP);
	t_remove(self->inner.fd, CG_SCOPE_CGROUP);
	t_remove(self->leaf.fd, CG_SCOPE_CGROUP);
	t_cgroup_destroy(&self->leaf);
	t_cgroup_destroy(&self->inner);
	t_cgroup_destroy(&self->outer);
}

TEST_F(scope, unscoped_tasks_are_untouched)
{
	if (!self->ready)
		return;
	EXPECT_EQ(PROBE_ALLOWED, t_probe(self->leaf.path));
	EXPECT_EQ(0, t_apply(self->inner.fd, CG_SCOPE_CGROUP, 0, CG_MODE_ENFORCE));
	/* outer is not below inner: not policed */
	EXPECT_EQ(PROBE_ALLOWED, t_probe(self->outer.path));
	EXPECT_EQ(PROBE_ALLOWED, t_probe(NULL));
}

TEST_F(scope, descendants_are_covered)
{
	if (!self->ready)
		return;
	ASSERT_EQ(0, t_apply(self->outer.fd, CG_SCOPE_CGROUP, 0, CG_MODE_ENFORCE));
	EXPECT_EQ(PROBE_REFUSED, t_probe(self->outer.path));
	EXPECT_EQ(PROBE_REFUSED, t_probe(self->inner.path));
	EXPECT_EQ(PROBE_REFUSED, t_probe(self->leaf.path));
}

TEST_F(scope, most_specific_wins)
{
	if (!self->ready)
		return;
	ASSERT_EQ(0, t_apply(self->outer.fd, CG_SCOPE_CGROUP, 0, CG_MODE_ENFORCE));
	ASSERT_EQ(0, t_apply(self->inner.fd, CG_SCOPE_CGROUP, CG_PROFILE_LINUX, CG_MODE_ENFORCE));
	EXPECT_EQ(PROBE_REFUSED, t_probe(self->outer.path));
	EXPECT_EQ(PROBE_ALLOWED, t_probe(self->inner.path));
	EXPECT_EQ(PROBE_ALLOWED, t_probe(self->leaf.path));
	/* A deeper scope in mode off also wins: nothing is checked there. */
	ASSERT_EQ(0, t_apply(self->leaf.fd, CG_SCOPE_CGROUP, 0, CG_MODE_OFF));
	ASSERT_EQ(0, t_apply(self->inner.fd, CG_SCOPE_CGROUP, 0, CG_MODE_ENFORCE));
	EXPECT_EQ(PROBE_ALLOWED, t_probe(self->leaf.path));
	EXPECT_EQ(PROBE_REFUSED, t_probe(self->inner.path));
	/* Removing the inner scopes hands the leaf back to the outer one. */
	ASSERT_EQ(0, t_remove(self->leaf.fd, CG_SCOPE_CGROUP));
	ASSERT_EQ(0, t_remove(self->inner.fd, CG_SCOPE_CGROUP));
	EXPECT_EQ(PROBE_REFUSED, t_probe(self->leaf.path));
}

TEST_F(scope, global_covers_the_rest)
{
	if (!self->ready)
		return;
	ASSERT_EQ(0, t_apply(-1, CG_SCOPE_GLOBAL, 0, CG_MODE_ENFORCE));
	EXPECT_EQ(PROBE_REFUSED, t_probe(NULL));
	EXPECT_EQ(PROBE_REFUSED, t_probe(self->leaf.path));
	ASSERT_EQ(0, t_apply(self->inner.fd, CG_SCOPE_CGROUP, 0, CG_MODE_AUDIT));
	EXPECT_EQ(PROBE_ALLOWED, t_probe(self->leaf.path));
	EXPECT_EQ(PROBE_REFUSED, t_probe(self->outer.path));
	ASSERT_EQ(0, t_remove(-1, CG_SCOPE_GLOBAL));
	EXPECT_EQ(PROBE_ALLOWED, t_probe(NULL));
}

TEST_F(scope, modes_switch_at_run_time)
{
	struct cg_counters c0, c1;

	if (!self->ready)
		return;
	ASSERT_EQ(0, t_apply(self->outer.fd, CG_SCOPE_CGROUP, 0, CG_MODE_ENFORCE));
	EXPECT_EQ(PROBE_REFUSED, t_probe(self->leaf.path));

	ASSERT_EQ(0, t_apply(self->outer.fd, CG_SCOPE_CGROUP, 0, CG_MODE_AUDIT));
	ASSERT_EQ(0, t_counters(&c0));
	EXPECT_EQ(PROBE_ALLOWED, t_probe(self->leaf.path));
	ASSERT_EQ(0, t_counters(&c1));
	EXPECT_EQ(1, c1.audited[CG_RULE_C1] - c0.audited[CG_RULE_C1]);
	EXPECT_EQ(0, c1.refused[CG_RULE_C1] - c0.refused[CG_RULE_C1]);

	ASSERT_EQ(0, t_apply(self->outer.fd, CG_SCOPE_CGROUP, 0, CG_MODE_OFF));
	ASSERT_EQ(0, t_counters(&c0));
	EXPECT_EQ(PROBE_ALLOWED, t_probe(self->leaf.path));
	ASSERT_EQ(0, t_counters(&c1));
	EXPECT_EQ(c0.audited[CG_RULE_C1], c1.audited[CG_RULE_C1]);
	EXPECT_EQ(c0.checked[CG_ENTRY_CLONE3], c1.checked[CG_ENTRY_CLONE3]);

	ASSERT_EQ(0, t_apply(self->outer.fd, CG_SCOPE_CGROUP, 0, CG_MODE_ENFORCE));
	EXPECT_EQ(PROBE_REFUSED, t_probe(self->leaf.path));
}

TEST_F(scope, scope_counters)
{
	struct cg_scope_info info[4];
	struct cg_scope_list l = { .size = sizeof(l), .count = 4, .scopes = (uintptr_t)info };

	if (!self->ready)
		return;
	ASSERT_EQ(0, t_apply(self->inner.fd, CG_SCOPE_CGROUP, 0, CG_MODE_ENFORCE));
	EXPECT_EQ(PROBE_REFUSED, t_probe(self->leaf.path));
	EXPECT_EQ(PROBE_REFUSED, t_probe(self->leaf.path));
	ASSERT_EQ(0, t_ctl(CLONEGATE_IOC_LIST, &l));
	ASSERT_EQ(1, l.count);
	EXPECT_EQ(2, info[0].refused);
	EXPECT_EQ(2, info[0].checked);
	EXPECT_EQ(0, info[0].audited);
}

/* A task may not walk out of its scope without the right to move cgroups. */
TEST_F(scope, unprivileged_task_cannot_leave)
{
	long escape = 0;

	if (!self->ready)
		return;
	ASSERT_EQ(0, t_apply(self->outer.fd, CG_SCOPE_CGROUP, 0, CG_MODE_ENFORCE));
	EXPECT_EQ(PROBE_REFUSED, t_probe_in(self->leaf.path, true, true, &escape));
	EXPECT_TRUE(escape == -EACCES || escape == -EPERM) TH_LOG("escape: %ld", escape);
}

/* The kernel log's raw text (syslog(2)); /dev/kmsg would escape it again. */
static bool t_klog_has(const char *needle)
{
	int len = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
	char *buf = len > 0 ? malloc(len + 1) : NULL;
	bool found = false;
	int n;

	if (!buf)
		return false;
	n = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, len);
	if (n > 0) {
		buf[n] = 0;
		found = strstr(buf, needle);
	}
	free(buf);
	return found;
}

/*
 * Probe from @cgpath (expecting @want) until the kernel log has @needle. The
 * module rate-limits its log line (20 per 5 s), so after a burst of refusals
 * a probe's line may be suppressed: probing again once the interval has
 * passed logs it. Bounded by LOG_WAIT_MS, far above the 5 s interval.
 */
#define LOG_WAIT_MS	30000

static bool t_probe_logged(const char *cgpath, long want, const char *needle)
{
	const struct timespec pause = { .tv_nsec = 50 * 1000 * 1000 };
	long long start = t_now_ms();

	do {
		if (t_probe(cgpath) != want)
			return false;
		if (t_klog_has(needle))
			return true;
		nanosleep(&pause, NULL);
	} while (t_now_ms() - start < LOG_WAIT_MS);
	return false;
}

TEST_F_TIMEOUT(scope, decisions_reach_the_kernel_log, 30 + 2 * LOG_WAIT_MS / 1000)
{
	if (!self->ready)
		return;
	ASSERT_EQ(0, t_apply(self->outer.fd, CG_SCOPE_CGROUP, 0, CG_MODE_ENFORCE));
	EXPECT_TRUE(t_probe_logged(self->leaf.path, PROBE_REFUSED,
				   "clonegate: refused entry=" T_CLONE3_NAME
				   " rule=C1 errno=22 flags=0x80 "));
	ASSERT_EQ(0, t_apply(self->outer.fd, CG_SCOPE_CGROUP, 0, CG_MODE_AUDIT));
	EXPECT_TRUE(t_probe_logged(self->leaf.path, PROBE_ALLOWED,
				   "clonegate: audit entry=" T_CLONE3_NAME " rule=C1 errno=22"));
}

/* A task names itself to forge a field and a line: the log escapes it. */
TEST_F_TIMEOUT(scope, log_line_escapes_comm, 30 + LOG_WAIT_MS / 1000)
{
	bool logged;

	if (!self->ready)
		return;
	ASSERT_EQ(0, t_apply(self->outer.fd, CG_SCOPE_CGROUP, 0, CG_MODE_ENFORCE));
	t_probe_comm = "x\" rule=C9\nfake";
	logged = t_probe_logged(self->leaf.path, PROBE_REFUSED,
				" comm=\"x\\042 rule=C9\\012fake\" ");
	t_probe_comm = NULL;
	EXPECT_TRUE(logged);
	EXPECT_FALSE(t_klog_has("\nfake"));
	EXPECT_FALSE(t_klog_has("comm=\"x\" rule=C9"));
}

TEST_F(scope, decisions_reach_the_tracepoint)
{
	const char *tp = "/sys/kernel/tracing/events/clonegate/clonegate_decision/enable";
	char buf[8192], want[128];
	ssize_t n;

	if (!self->ready)
		return;
	ASSERT_EQ(0, t_write_file(tp, "1"));
	ASSERT_EQ(0, t_write_file("/sys/kernel/tracing/trace", ""));
	ASSERT_EQ(0, t_apply(self->outer.fd, CG_SCOPE_CGROUP, 0, CG_MODE_ENFORCE));
	EXPECT_EQ(PROBE_REFUSED, t_probe(self->leaf.path));
	ASSERT_EQ(0, t_write_file(tp, "0"));
	n = t_read_file("/sys/kernel/tracing/trace", buf, sizeof(buf));
	ASSERT_LT(0, n);
	snprintf(want, sizeof(want), "clonegate_decision: entry_point=%d rule=%d mode=%d errno=22 flags=0x80",
		 T_IA32 ? CG_ENTRY_IA32_CLONE3 : CG_ENTRY_CLONE3, CG_RULE_C1, CG_MODE_ENFORCE);
	EXPECT_NE(NULL, strstr(buf, want)) TH_LOG("trace: %s", buf);
}

TEST_HARNESS_MAIN
