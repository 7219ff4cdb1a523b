// SPDX-License-Identifier: GPL-2.0
/*
 * events_clone: 'clonegate events --json' reports exactly what a scripted
 * workload did, checked against the syscalls' own results:
 *
 *   workload  fork, vfork, clone and clone3 (raw syscalls, with flags),
 *             pthreads, a fork from a thread, a child that drops to other
 *             uids/gids and forks, unshare and setns that succeed and fail;
 *             one event per task created, with the child's tid from the
 *             syscall's return value, the flags, the caller's ids,
 *             credentials, cwd, comm and times
 *   decisions with a policy in enforce and then audit mode on the workload's
 *             cgroup: the module's refusals and audits (rule, errno, flags),
 *             and no clone event for a refused clone
 *   drops     a stopped collector loses events: every one is counted, by
 *             type, in the kernel, and no clone of the workload fails
 *   names     process names that are UTF-8, cut inside a character at the
 *             15-byte comm limit, or not UTF-8 at all: every line is valid
 *             JSON (a strict parser, json_check.h), UTF-8 passes through as
 *             it is, each invalid part becomes U+FFFD
 *
 * Built 32-bit as well (events_clone_32): the same workload then goes
 * through the ia32 entry points. The collector only reports the test
 * cgroup (--cgroup), so other guest activity cannot disturb the counts.
 */
#include "events_helpers.h"
#include "events_names.h"
#include "json_check.h"
#include "kselftest_harness.h"

#define TOL_NS		50000000LL	/* clock conversion and TCG jitter */
#define MAX_LINES	1024

#define CLONE_PARENT_SETTID_	0x00100000ULL
#define PTHREAD_FLAGS	0x003d0f00ULL	/* glibc's pthread_create */
#define NEWUTS		0x04000000ULL

static char lines[MAX_LINES][EV_LINE_MAX];
static int nlines;

/* ---- the workload --------------------------------------------------------- */

static void wl_clone(struct gt_log *g)
{
	struct gt_event *e = gt_add(g, GT_CLONE);
	int ptid = 0;

	if (!e)
		return;
	/* The exit signal byte is not part of the reported flags. */
	e->flags = T_FILES | CLONE_PARENT_SETTID_;
	e->flags_mask = ~0ULL;
	e->t0 = gt_now();
	gt_clone_done(g, e, t_sys_clone_exit(SIGCHLD | T_FILES | CLONE_PARENT_SETTID_, &ptid, NULL),
		   false);
}

static void wl_clone3(struct gt_log *g)
{
	struct t_clone_args a = { .flags = T_CLEAR_SIGHAND | T_FILES, .exit_signal = SIGCHLD };
	struct gt_event *e = gt_add(g, GT_CLONE);

	if (!e)
		return;
	/* clone3: all 64 bits. */
	e->flags = T_CLEAR_SIGHAND | T_FILES;
	e->flags_mask = ~0ULL;
	e->t0 = gt_now();
	gt_clone_done(g, e, t_sys_clone3_exit(&a, 88), false);
}

struct th_arg {
	struct gt_log *g;
	int tid;
	bool fork;
};

static void *th_fn(void *p)
{
	struct th_arg *a = p;

	a->tid = syscall(SYS_gettid);
	if (a->fork)
		gt_fork_nr(a->g, T_NR_FORK, 0);	/* a thread creates a process */
	return NULL;
}

static void wl_threads(struct gt_log *g, int n)
{
	struct th_arg a[4];
	struct gt_event *e[4];
	pthread_t th[4];
	int i;

	for (i = 0; i < n && i < 4; i++) {
		a[i] = (struct th_arg){ .g = g, .fork = i == 0 };
		e[i] = gt_add(g, GT_CLONE);
		if (!e[i])
			return;
		e[i]->flags = PTHREAD_FLAGS;
		e[i]->flags_mask = ~0ULL;
		e[i]->t0 = gt_now();
		if (pthread_create(&th[i], NULL, th_fn, &a[i])) {
			gt_clone_done(g, e[i], -1, true);
			continue;
		}
		pthread_join(th[i], NULL);
		gt_clone_done(g, e[i], a[i].tid, true);
	}
}

static void wl_unshare(struct gt_log *g, unsigned long long flags)
{
	struct gt_event *e = gt_add(g, GT_UNSHARE);

	if (!e)
		return;
	e->flags = flags;
	e->t0 = gt_now();
	e->result = t_unshare(flags);
	e->t1 = gt_now();
}

static void wl_setns(struct gt_log *g, int fd, int nstype)
{
	struct gt_event *e = gt_add(g, GT_SETNS);

	if (!e)
		return;
	e->fd = fd;
	e->flags = (unsigned int)nstype;
	e->t0 = gt_now();
	e->result = t_setns(fd, nstype);
	e->t1 = gt_now();
}

/* A child that is not root (distinct real/effective/saved ids) and forks. */
static void wl_nonroot(struct gt_log *g)
{
	struct gt_event *e = gt_add(g, GT_CLONE);
	long pid;

	if (!e)
		return;
	e->flags = 0;
	e->flags_mask = ~0ULL;
	e->t0 = gt_now();
	pid = syscall(T_NR_FORK);
	if (pid == 0) {
		if (setresgid(2001, 2002, 2003) || setresuid(1001, 1002, 1003))
			_exit(1);
		prctl(PR_SET_NAME, "cg-evuser");
		gt_fork_nr(g, T_NR_FORK, 0);
		wl_unshare(g, T_NEWNET);	/* EPERM: not privileged */
		_exit(0);
	}
	gt_clone_done(g, e, pid, false);
}

static void workload_all(struct gt_log *g)
{
	int fd;

	gt_fork_nr(g, T_NR_FORK, 0);
	gt_fork_nr(g, T_NR_VFORK, T_VM | T_VFORK);
	wl_clone(g);
	wl_clone3(g);
	wl_threads(g, 3);
	wl_nonroot(g);
	wl_unshare(g, NEWUTS);
	wl_unshare(g, 0x1);		/* EINVAL: not an unshare flag */
	fd = open("/proc/self/ns/uts", O_RDONLY | O_CLOEXEC);
	wl_setns(g, fd, NEWUTS);
	wl_setns(g, fd, T_NEWNET);	/* EINVAL: fd is no net namespace */
	close(fd);
}

/* ---- reading and checking ------------------------------------------------- */

/* Read JSON lines until the marker; false on timeout or EOF. */
static bool read_until_marker(struct ev_collector *c)
{
	char line[EV_LINE_MAX];

	while (ev_next_line(c, line, sizeof(line), EV_TIMEOUT_MS)) {
		if (ev_is_marker(line))
			return true;
		if (nlines < MAX_LINES)
			strcpy(lines[nlines++], line);
	}
	return false;
}

static bool is_type(const char *l, const char *type)
{
	char t[32];

	return ev_json_str(l, "type", t, sizeof(t)) && !strcmp(t, type);
}

static int count_type(const char *type)
{
	int i, n = 0;

	for (i = 0; i < nlines; i++)
		n += is_type(lines[i], type);
	return n;
}

static const char *find_clone(long long tid)
{
	unsigned long long v;
	int i;

	for (i = 0; i < nlines; i++)
		if (is_type(lines[i], "clone") && ev_json_u64(lines[i], "created_thread_id", &v) &&
		    (long long)v == tid)
			return lines[i];
	return NULL;
}

/* The i-th event of 'type' from the workload (the marker is not in lines[]). */
static const char *nth(const char *type, int n)
{
	int i;

	for (i = 0; i < nlines; i++)
		if (is_type(lines[i], type) && n-- == 0)
			return lines[i];
	return NULL;
}

#define CHECK_U(l, key, want)								\
	do {										\
		unsigned long long _v = ~0ULL;						\
		ev_json_u64(l, key, &_v);						\
		EXPECT_EQ((unsigned long long)(want), _v) TH_LOG("%s in %s", key, l);	\
	} while (0)

#define CHECK_S(l, key, want)								\
	do {										\
		char _s[256] = "";							\
		ev_json_str(l, key, _s, sizeof(_s));					\
		EXPECT_STREQ(want, _s) TH_LOG("%s in %s", key, l);			\
	} while (0)

#define CHECK_TIME(l, key, e)								\
	do {										\
		long long _t = 0;							\
		ev_json_i64(l, key, &_t);						\
		EXPECT_LE((e)->t0 - TOL_NS, _t) TH_LOG("%s in %s", key, l);		\
		EXPECT_GE((e)->t1 + TOL_NS, _t) TH_LOG("%s in %s", key, l);		\
	} while (0)

/* The context every event carries, against the caller's recorded state. */
static void check_ctx(struct __test_metadata *_metadata, const char *l, const struct gt_event *e)
{
	CHECK_U(l, "thread_id", e->parent_tid);
	CHECK_U(l, "thread_group_id", e->parent_tgid);
	CHECK_U(l, "parent_thread_group_id", e->parent_ppid);
	CHECK_U(l, "real_uid", e->uid[0]);
	CHECK_U(l, "effective_uid", e->uid[1]);
	CHECK_U(l, "saved_uid", e->uid[2]);
	CHECK_U(l, "real_gid", e->gid[0]);
	CHECK_U(l, "effective_gid", e->gid[1]);
	CHECK_U(l, "saved_gid", e->gid[2]);
	CHECK_S(l, "cwd", e->cwd);
	CHECK_S(l, "process_name", e->comm);
	CHECK_TIME(l, "time_ns", e);
}

/*
 * A task's start time as the event of its creation gave it must be what
 * later events of that task report as thread_start_time_ns (and, for a
 * process, thread_group_start_time_ns).
 */
static void check_start_times(struct __test_metadata *_metadata)
{
	unsigned long long tid, tgid;
	long long st, got;
	const char *c;
	int i;

	for (i = 0; i < nlines; i++) {
		if (!ev_json_u64(lines[i], "thread_id", &tid) ||
		    !ev_json_u64(lines[i], "thread_group_id", &tgid))
			continue;
		c = find_clone(tid);
		if (c && ev_json_i64(c, "created_thread_start_time_ns", &st) &&
		    ev_json_i64(lines[i], "thread_start_time_ns", &got))
			EXPECT_EQ(st, got) TH_LOG("thread start of %llu in %s", tid, lines[i]);
		c = find_clone(tgid);
		if (c && ev_json_i64(c, "created_thread_start_time_ns", &st) &&
		    ev_json_i64(lines[i], "thread_group_start_time_ns", &got))
			EXPECT_EQ(st, got) TH_LOG("group start of %llu in %s", tgid, lines[i]);
	}
}

/* Every ground-truth event against the lines, and nothing else in them. */
static void check_all(struct __test_metadata *_metadata, const struct gt_log *g)
{
	int i, n_clone = 0, n_unshare = 0, n_setns = 0;
	const char *unshare_ep = T_IA32 ? "ia32_unshare" : "unshare";
	const char *setns_ep = T_IA32 ? "ia32_setns" : "setns";

	for (i = 0; i < g->n && i < GT_MAX; i++) {
		const struct gt_event *e = &g->ev[i];
		const char *l;

		switch (e->type) {
		case GT_CLONE:
			n_clone++;
			l = find_clone(e->child_tid);
			ASSERT_NE(NULL, l) TH_LOG("no clone event for tid %lld", e->child_tid);
			CHECK_U(l, "created_thread_group_id", e->child_tgid);
			{
				unsigned long long f = 0;

				ev_json_u64(l, "flags", &f);
				EXPECT_EQ(e->flags & e->flags_mask, f & e->flags_mask)
					TH_LOG("flags in %s", l);
			}
			CHECK_TIME(l, "created_thread_start_time_ns", e);
			check_ctx(_metadata, l, e);
			break;
		case GT_UNSHARE:
			l = nth("unshare", n_unshare++);
			ASSERT_NE(NULL, l) TH_LOG("unshare event %d missing", n_unshare);
			CHECK_U(l, "flags", e->flags);
			CHECK_U(l, "result", (unsigned long long)e->result);
			CHECK_S(l, "entry_point", unshare_ep);
			check_ctx(_metadata, l, e);
			break;
		case GT_SETNS:
			l = nth("setns", n_setns++);
			ASSERT_NE(NULL, l) TH_LOG("setns event %d missing", n_setns);
			CHECK_U(l, "fd", (unsigned long long)e->fd);
			CHECK_U(l, "nstype", e->flags);
			CHECK_U(l, "result", (unsigned long long)e->result);
			CHECK_U(l, "fd_ns_type", NEWUTS);
			CHECK_S(l, "entry_point", setns_ep);
			check_ctx(_metadata, l, e);
			break;
		}
	}
	EXPECT_EQ(n_clone, count_type("clone"));
	EXPECT_EQ(n_unshare, count_type("unshare"));
	EXPECT_EQ(n_setns, count_type("setns"));
	check_start_times(_metadata);
	TH_LOG("checked %d clone, %d unshare, %d setns events against %d lines", n_clone,
	       n_unshare, n_setns, nlines);
}

/* ---- fixture ---------------------------------------------------------------- */

FIXTURE(events) {
	struct t_cgroup cg;
	struct ev_collector col;
	struct ev_worker w;
	struct gt_log *g;
	char dir[64];
	bool started;
};

/*
 * Every case under both probe flavours (clone_events.bpf.c): BPF trampolines
 * and the kprobe fallback. --probes without "auto" fails rather than falls
 * back, so each variant really runs its flavour.
 */
FIXTURE_VARIANT(events) {
	const char *probes;
};

FIXTURE_VARIANT_ADD(events, fentry) { .probes = "fentry" };
FIXTURE_VARIANT_ADD(events, kprobe) { .probes = "kprobe" };

FIXTURE_SETUP(events)
{
	nlines = 0;
	self->started = false;
	self->w.pid = 0;
	ASSERT_EQ(0, t_cgroup_create(&self->cg, "events"));
	self->g = gt_create();
	ASSERT_NE(NULL, self->g);
	snprintf(self->dir, sizeof(self->dir), "/tmp/cg-events-%d", getpid());
	ASSERT_EQ(0, mkdir(self->dir, 0755));
}

FIXTURE_TEARDOWN(events)
{
	if (self->w.pid > 0)
		ev_worker_stop(&self->w);
	if (self->started)
		ev_stop(&self->col, SIGKILL);
	t_cgroup_destroy(&self->cg);
	rmdir(self->dir);
}

static bool start_collector(struct __test_metadata *_metadata, FIXTURE_DATA(events) *self,
			    const FIXTURE_VARIANT(events) *variant,
			    const char *extra, const char *extra_val)
{
	const char *args[] = { "--json", "--fields", "all", "--cgroup", self->cg.path,
			       "--probes", variant->probes, extra, extra_val, NULL };

	if (ev_start(&self->col, true, args))
		return false;
	self->started = true;
	if (!ev_wait_ready(&self->col)) {
		TH_LOG("collector not ready: %s", self->col.ebuf);
		return false;
	}
	return true;
}

/* Summary counts: "<key>":{"clone":N,...} on the collector's stderr. */
/* The collector started, fn run by the worker, its events in lines[]. */
static void run_workload(struct __test_metadata *_metadata, FIXTURE_DATA(events) *self,
			 const FIXTURE_VARIANT(events) *variant, ev_work_fn fn)
{
	ASSERT_TRUE(start_collector(_metadata, self, variant, NULL, NULL));
	ASSERT_EQ(0, ev_worker_start(&self->w, &self->cg, self->dir, self->g, fn));
	ASSERT_TRUE(ev_worker_cmd(&self->w, 'w'));
	ASSERT_EQ(0, self->g->failed_clones) TH_LOG("%s", self->g->why);
	ASSERT_TRUE(ev_worker_cmd(&self->w, 'm'));
	ASSERT_TRUE(read_until_marker(&self->col)) TH_LOG("no marker; stderr: %s", self->col.ebuf);
	ASSERT_EQ(0, ev_worker_stop(&self->w));
}

TEST_F_TIMEOUT(events, workload_matches_ground_truth, EV_TEST_TIMEOUT_S)
{
	run_workload(_metadata, self, variant, workload_all);

	self->started = false;
	ASSERT_EQ(0, ev_stop(&self->col, SIGINT)) TH_LOG("%s", self->col.ebuf);
	EXPECT_EQ(0, ev_summary(&self->col, "dropped_kernel", "clone")) TH_LOG("%s", self->col.ebuf);
	EXPECT_EQ(0, ev_summary(&self->col, "dropped_kernel", "unshare"));
	EXPECT_EQ(0, ev_summary(&self->col, "dropped_kernel", "setns"));
	{
		long long skipped = -1;

		ev_json_i64(self->col.ebuf, "skipped", &skipped);
		EXPECT_EQ(0, skipped);
	}
	check_all(_metadata, self->g);
	EXPECT_EQ(0, count_type("decision"));
}

/* ---- the module's decisions --------------------------------------------------- */

static void wl_refused(struct gt_log *g)
{
	struct gt_event *e;
	long r;
	int fd;

	/* C1: NEWCGROUP is not supported by the default profile -> EINVAL. */
	e = gt_add(g, GT_DECISION);
	if (!e)
		return;
	e->flags = T_NEWCGROUP;
	e->rule = CG_RULE_C1;
	e->t0 = gt_now();
	r = t_sys_clone_exit(SIGCHLD | T_NEWCGROUP, NULL, NULL);
	e->t1 = gt_now();
	e->result = r;
	e->child_tid = r;
	if (r > 0)
		waitpid(r, NULL, __WALL);
	/* S1: setns on a closed fd -> EBADF. */
	fd = 1000;
	e = gt_add(g, GT_DECISION);
	if (!e)
		return;
	e->flags = NEWUTS;
	e->rule = CG_RULE_S1;
	e->t0 = gt_now();
	e->result = t_setns(fd, NEWUTS);
	e->t1 = gt_now();
}

static int policy(const char *cg, const char *mode)
{
	const char *args[] = { "policy", "apply", "--cgroup", cg, "--mode", mode, NULL };

	return ev_cli_run(args);
}

static void check_decision(struct __test_metadata *_metadata, const char *l,
			   const struct gt_event *e, const char *mode, const char *rule,
			   int err, const char *entry)
{
	ASSERT_NE(NULL, l) TH_LOG("decision event missing");
	CHECK_S(l, "mode", mode);
	CHECK_S(l, "rule", rule);
	CHECK_S(l, "entry_point", entry);
	CHECK_U(l, "errorno", err);
	CHECK_U(l, "flags", e->flags);
	CHECK_S(l, "profile", "gvisor-21d66119");
	check_ctx(_metadata, l, e);
}

TEST_F_TIMEOUT(events, decisions_enforce_and_audit, EV_TEST_TIMEOUT_S)
{
	const char *clone_ep = T_IA32 ? "ia32_clone" : "clone";
	const char *setns_ep = T_IA32 ? "ia32_setns" : "setns";
	const char *rm[] = { "policy", "remove", "--cgroup", self->cg.path, NULL };
	const struct gt_event *e;

	if (access(CLONEGATE_DEVICE, F_OK))
		SKIP(return, "the clonegate module is not loaded");
	ASSERT_EQ(0, policy(self->cg.path, "enforce"));
	ASSERT_TRUE(start_collector(_metadata, self, variant, NULL, NULL));
	ASSERT_EQ(0, ev_worker_start(&self->w, &self->cg, self->dir, self->g, wl_refused));

	/* enforce: refused, so no clone event; the marker's setns is refused too (S1). */
	ASSERT_TRUE(ev_worker_cmd(&self->w, 'w'));
	e = &self->g->ev[0];
	ASSERT_EQ(-EINVAL, e->result);
	ASSERT_EQ(-EBADF, self->g->ev[1].result);
	ASSERT_TRUE(ev_worker_cmd(&self->w, 'm'));
	ASSERT_TRUE(read_until_marker(&self->col)) TH_LOG("no marker; stderr: %s", self->col.ebuf);
	EXPECT_EQ(0, count_type("clone"));
	check_decision(_metadata, nth("decision", 0), e, "enforce", "C1", EINVAL, clone_ep);
	check_decision(_metadata, nth("decision", 1), &self->g->ev[1], "enforce", "S1", EBADF,
		       setns_ep);
	/* The marker's own refusal (S1) comes before its setns event: skip it. */
	EXPECT_EQ(3, count_type("decision"));

	/* audit: Linux answers, the clone succeeds, the module only records. */
	ASSERT_EQ(0, policy(self->cg.path, "audit"));
	nlines = 0;
	self->g->n = 0;
	ASSERT_TRUE(ev_worker_cmd(&self->w, 'w'));
	e = &self->g->ev[0];
	ASSERT_LT(0, e->result) TH_LOG("audited clone failed: %lld", e->result);
	ASSERT_TRUE(ev_worker_cmd(&self->w, 'm'));
	ASSERT_TRUE(read_until_marker(&self->col));
	check_decision(_metadata, nth("decision", 0), e, "audit", "C1", EINVAL, clone_ep);
	ASSERT_NE(NULL, find_clone(e->child_tid)) TH_LOG("no clone event for the audited clone");
	CHECK_U(find_clone(e->child_tid), "flags", T_NEWCGROUP);
	check_decision(_metadata, nth("decision", 1), &self->g->ev[1], "audit", "S1", EBADF,
		       setns_ep);

	ASSERT_EQ(0, ev_worker_stop(&self->w));
	self->started = false;
	ASSERT_EQ(0, ev_stop(&self->col, SIGINT)) TH_LOG("%s", self->col.ebuf);
	EXPECT_EQ(0, ev_summary(&self->col, "dropped_kernel", "decision"));
	EXPECT_EQ(0, ev_cli_run(rm));
}

/* ---- container_id ----------------------------------------------------------- */

static void wl_one_fork(struct gt_log *g)
{
	gt_fork_nr(g, T_NR_FORK, 0);
}

/*
 * container_id is the runtime's 64-hex id when the cgroup path holds one (as
 * a "docker-<id>.scope" component here), else the cgroup path itself.
 */
TEST_F_TIMEOUT(events, container_id_from_cgroup_path, EV_TEST_TIMEOUT_S)
{
	static const char id[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
	struct t_cgroup scope = { .fd = -1 };
	char line[EV_LINE_MAX], got[256], want[300];
	int n = 0;

	snprintf(scope.path, sizeof(scope.path), "%.150s/docker-%s.scope", self->cg.path, id);
	ASSERT_EQ(0, mkdir(scope.path, 0755));
	ASSERT_TRUE(start_collector(_metadata, self, variant, NULL, NULL));

	/* In the plain test cgroup: the path, as /proc/self/cgroup shows it. */
	ASSERT_EQ(0, ev_worker_start(&self->w, &self->cg, self->dir, self->g, wl_one_fork));
	ASSERT_TRUE(ev_worker_cmd(&self->w, 'w'));
	ASSERT_TRUE(ev_worker_cmd(&self->w, 'm'));
	ASSERT_EQ(0, ev_worker_stop(&self->w));
	/* In the docker-like scope below it: the id. */
	ASSERT_EQ(0, ev_worker_start(&self->w, &scope, self->dir, self->g, wl_one_fork));
	ASSERT_TRUE(ev_worker_cmd(&self->w, 'w'));
	ASSERT_TRUE(ev_worker_cmd(&self->w, 'm'));
	ASSERT_EQ(0, ev_worker_stop(&self->w));

	while (n < 2 && ev_next_line(&self->col, line, sizeof(line), EV_TIMEOUT_MS)) {
		if (!ev_is_marker(line) && !is_type(line, "clone"))
			continue;
		if (ev_is_marker(line)) {
			n++;
			continue;
		}
		ASSERT_TRUE(ev_json_str(line, "container_id", got, sizeof(got))) TH_LOG("%s", line);
		if (n == 0)
			snprintf(want, sizeof(want), "%s", self->cg.path + strlen("/sys/fs/cgroup"));
		else
			snprintf(want, sizeof(want), "%s", id);
		EXPECT_STREQ(want, got);
	}
	EXPECT_EQ(2, n);
	rmdir(scope.path);
}

/* ---- process names and UTF-8 --------------------------------------------------- */

TEST_F_TIMEOUT(events, process_names_are_utf8, EV_TEST_TIMEOUT_S)
{
	char got[256], pat[300], why[128], h1[200], h2[200];
	const char *l;
	bool found;
	int i;

	run_workload(_metadata, self, variant, wl_names);
	ASSERT_EQ(N_NAMES, self->g->n);

	for (i = 0; i < nlines; i++)
		EXPECT_TRUE(jc_check(lines[i], NULL, NULL, 0, NULL, why, sizeof(why)))
			TH_LOG("invalid JSON (%s): %s", why, lines[i]);
	for (i = 0; i < N_NAMES; i++) {
		l = find_clone(self->g->ev[i].child_tid);
		ASSERT_NE(NULL, l) TH_LOG("no clone event for name %d", i);
		/* What the kernel kept is what the workload saw. */
		ASSERT_EQ(0, strncmp(names[i].set, self->g->ev[i].comm, 15));
		EXPECT_TRUE(jc_check(l, "process_name", got, sizeof(got), &found, why, sizeof(why)))
			TH_LOG("name %d: invalid JSON (%s): %s", i, why, l);
		EXPECT_TRUE(found) TH_LOG("name %d: no process_name: %s", i, l);
		EXPECT_STREQ(names[i].want, got)
			TH_LOG("name %d: decoded %s, want %s", i, hex(got, h1, sizeof(h1)),
			       hex(names[i].want, h2, sizeof(h2)));
		snprintf(pat, sizeof(pat), "\"process_name\":\"%s\"", names[i].raw);
		EXPECT_NE(NULL, strstr(l, pat)) TH_LOG("name %d: want %s in %s", i, pat, l);
	}
	self->started = false;
	ASSERT_EQ(0, ev_stop(&self->col, SIGINT)) TH_LOG("%s", self->col.ebuf);
}

/* ---- drops ------------------------------------------------------------------ */

#define STORM	200

static void wl_storm(struct gt_log *g)
{
	int i;

	for (i = 0; i < STORM; i++)
		gt_fork_nr(g, T_NR_FORK, 0);
}

TEST_F_TIMEOUT(events, stopped_collector_drops_are_counted, EV_TEST_TIMEOUT_S)
{
	long long got = 0, dropped;
	char line[EV_LINE_MAX];
	bool marker = false;
	long long deadline;

	/* A tiny ring buffer: a handful of records fit. */
	ASSERT_TRUE(start_collector(_metadata, self, variant, "--ring-size", "8192"));
	ASSERT_EQ(0, ev_worker_start(&self->w, &self->cg, self->dir, self->g, wl_storm));
	ASSERT_EQ(0, kill(self->col.pid, SIGSTOP));
	ASSERT_TRUE(ev_worker_cmd(&self->w, 'w'));
	ASSERT_EQ(0, self->g->failed_clones) TH_LOG("%s", self->g->why);
	ASSERT_EQ(0, kill(self->col.pid, SIGCONT));
	/* The ring may still be full when the first marker comes: send until one arrives. */
	for (deadline = ev_deadline(); !marker && !ev_expired(deadline);) {
		ASSERT_TRUE(ev_worker_cmd(&self->w, 'm'));
		while (ev_next_line(&self->col, line, sizeof(line), EV_MARKER_RETRY_MS)) {
			if (ev_is_marker(line)) {
				marker = true;
				break;
			}
			got += is_type(line, "clone");
		}
	}
	ASSERT_TRUE(marker);
	ASSERT_EQ(0, ev_worker_stop(&self->w));
	self->started = false;
	ASSERT_EQ(0, ev_stop(&self->col, SIGINT)) TH_LOG("%s", self->col.ebuf);
	dropped = ev_summary(&self->col, "dropped_kernel", "clone");
	EXPECT_LT(0, dropped) TH_LOG("%s", self->col.ebuf);
	EXPECT_EQ(STORM, got + dropped) TH_LOG("got %lld dropped %lld", got, dropped);
	EXPECT_EQ(got, ev_summary(&self->col, "events", "clone"));
}

TEST_HARNESS_MAIN
