// SPDX-License-Identifier: GPL-2.0
/*
 * TOCTOU and lifetime races.
 *
 * flag_flip: clone3's arguments live in user memory. Flipper threads rewrite
 * the flags (0 <-> CLONE_PIDFD) and set_tid (none <-> one) of structs that
 * caller threads keep passing to clone3, so some calls pass the module's
 * entry preview with an allowed value and reach the kernel's copy with a
 * refused one. A refused value that got through is visible: CLONE_PIDFD
 * writes a pidfd into the struct's pidfd slot, set_tid makes the child's pid
 * the requested one. Zero may get through, on every call. Both outcomes must
 * also be seen, or the race was not exercised: the callers go past their
 * minimum number of calls until they are, within a time bound (cg_test.h).
 *
 * kernel_copy_decides: the deterministic form of the same property. The
 * struct sits in a shared page whose page-table entry is absent, so the
 * module's no-fault preview at clone3's entry cannot read it; the module
 * faults it in and restarts the call, and a tracer moves the restarted
 * call's struct to a second cold page, so the entry cannot read it again
 * and Linux's copy goes on: every refusal must then come from
 * kernel_clone(), on the kernel's copy, with the spec's errno (NEWTIME is
 * one Linux allows), and each call is restarted exactly once.
 *
 * unload_under_load: the module is unloaded and loaded again, with a policy
 * re-applied each time, while both CPUs make every kind of call the hooks
 * see in the scope: fork, threads, vfork, unshare, NEWUSER (allowed, and
 * refused by Linux for a chrooted caller: the C10/U3 probe), setns (allowed,
 * and refused by S2). Every cycle must succeed and no worker may see an
 * unexpected answer; the runner fails the run on any kernel warning.
 */
#include "cg_test.h"
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/syscall.h>
#include "kselftest_harness.h"

#define RACE_CALLERS	2
/*
 * Per caller: RACE_CALLS calls, or as many as RACE_CALLS_MS allows, but
 * never fewer than RACE_CALLS_FLOOR. The count only gives the race more
 * chances (the property is checked on every call), and a call's cost
 * varies fivefold between Debian's kernels and the debug kernel (KASAN,
 * lockdep) under TCG, where 10 000 calls outlast the test's timeout.
 */
#define RACE_CALLS	5000
#define RACE_CALLS_MS	30000
#define RACE_CALLS_FLOOR	250

struct race_slot {
	struct t_clone_args args;
	int pidfd;
	int set_tid[1];
};

static struct race_slot slots[RACE_CALLERS];
/* Every struct's set_tid when the flipper sets one (cg_free_tid()). */
static int race_tid;
static struct t_flipper race_flipper = { .nargs = RACE_CALLERS, .spin = 2000 };

/* Seen by any caller: a created child, a refusal; when both were first seen. */
static int race_seen_ok, race_seen_refused;
static long long race_start_ms, race_both_ms = -1;
static long race_calls_to_both = -1;
static long race_calls;

static bool race_both_seen(void)
{
	return __atomic_load_n(&race_seen_ok, __ATOMIC_RELAXED) &&
	       __atomic_load_n(&race_seen_refused, __ATOMIC_RELAXED);
}

/* The calls above, then on until both outcomes (see cg_test.h). */
static bool race_more_calls(long i)
{
	return i < RACE_CALLS && (i < RACE_CALLS_FLOOR || t_now_ms() < race_start_ms + RACE_CALLS_MS);
}

static void *race_caller(void *arg)
{
	struct race_slot *s = arg;
	struct t_flip_tally *t = calloc(1, sizeof(*t));
	long long deadline = race_start_ms + T_RACE_BOTH_MS;
	long i;

	t_flipper_wait(&race_flipper);
	for (i = 0; race_more_calls(i) || (!race_both_seen() && t_now_ms() < deadline); i++) {
		int kind = t_flip_call(&s->args, &s->pidfd, race_tid, t);
		long n = __atomic_add_fetch(&race_calls, 1, __ATOMIC_RELAXED);
		long long no_time = -1;

		if (kind < 0)
			continue;
		__atomic_store_n(kind ? &race_seen_ok : &race_seen_refused, 1, __ATOMIC_RELAXED);
		if (race_both_seen() &&
		    __atomic_compare_exchange_n(&race_both_ms, &no_time, t_now_ms() - race_start_ms,
						false, __ATOMIC_RELAXED, __ATOMIC_RELAXED))
			race_calls_to_both = n;
	}
	return t;
}

struct race_result {
	struct t_flip_tally t;
	long long both_ms;
	long calls_to_both;
};

/* Runs inside the scoped cgroup; returns the summed results through a pipe. */
static void race_subject(int out)
{
	pthread_t callers[RACE_CALLERS], flipper;
	struct race_result sum = { 0 };
	int i;

	race_tid = cg_free_tid();
	for (i = 0; i < RACE_CALLERS; i++) {
		slots[i].set_tid[0] = race_tid;
		race_flipper.args[i] = &slots[i].args;
		race_flipper.tid[i] = slots[i].set_tid;
	}
	race_start_ms = t_now_ms();
	pthread_create(&flipper, NULL, t_flipper_run, &race_flipper);
	for (i = 0; i < RACE_CALLERS; i++)
		pthread_create(&callers[i], NULL, race_caller, &slots[i]);
	for (i = 0; i < RACE_CALLERS; i++) {
		struct t_flip_tally *t;

		pthread_join(callers[i], (void **)&t);
		sum.t.ok += t->ok;
		sum.t.refused += t->refused;
		sum.t.other += t->other;
		if (t->other)
			sum.t.other_errno = t->other_errno;
		sum.t.leaked_pidfd += t->leaked_pidfd;
		sum.t.leaked_tid += t->leaked_tid;
		free(t);
	}
	race_flipper.stop = 1;
	pthread_join(flipper, NULL);
	sum.both_ms = race_both_ms;
	sum.calls_to_both = race_calls_to_both;
	if (write(out, &sum, sizeof(sum)) != sizeof(sum))
		_exit(1);
	_exit(0);
}

FIXTURE(race) {
	struct t_cgroup cg;
	bool ready;
};

FIXTURE_SETUP(race)
{
	T_CGROUP_SETUP(self, "race");
	self->ready = true;
}

FIXTURE_TEARDOWN(race)
{
	t_cgroup_teardown(&self->cg);
}

TEST_F_TIMEOUT(race, flag_flip, 30 + T_RACE_BOTH_MS / 1000 * 2)
{
	struct race_result res = { 0 };
	struct cg_counters c0, c1;
	int p[2];
	pid_t pid;

	if (!self->ready)
		return;
	ASSERT_EQ(0, t_apply(self->cg.fd, CG_SCOPE_CGROUP, CG_PROFILE_GVISOR_21D66119,
			     CG_MODE_ENFORCE));
	ASSERT_EQ(0, t_counters(&c0));
	ASSERT_EQ(0, pipe(p));
	pid = t_fork_in(&self->cg, 1);
	ASSERT_LE(0, pid);
	if (pid == 0)
		race_subject(p[1]);
	ASSERT_EQ(sizeof(res), read(p[0], &res, sizeof(res)));
	waitpid(pid, NULL, 0);
	ASSERT_EQ(0, t_counters(&c1));
	TH_LOG("%ld calls: %ld created, %ld refused; both outcomes after %lld ms, %ld calls; kernel_clone refusals C1 %llu, C3 %llu",
	       res.t.ok + res.t.refused + res.t.other, res.t.ok, res.t.refused, res.both_ms,
	       res.calls_to_both,
	       (unsigned long long)(c1.refused[CG_RULE_C1] - c0.refused[CG_RULE_C1]),
	       (unsigned long long)(c1.refused[CG_RULE_C3] - c0.refused[CG_RULE_C3]));
	EXPECT_EQ(0, res.t.leaked_pidfd);
	EXPECT_EQ(0, res.t.leaked_tid);
	EXPECT_EQ(0, res.t.other) TH_LOG("unexpected errno %ld", res.t.other_errno);
	EXPECT_LE(RACE_CALLERS * RACE_CALLS_FLOOR, res.t.ok + res.t.refused);
	/* Both outcomes must occur within the bound, or the race was not exercised. */
	EXPECT_LT(0, res.t.ok);
	EXPECT_LT(0, res.t.refused);
}

/* ---- the kernel's copy decides ---- */

struct copy_row {
	const char *name;
	uint64_t flags;
	bool set_tid;
	int rule;
	int err;
};

static const struct copy_row copy_rows[] = {
	{ "NEWTIME", T_NEWTIME, false, CG_RULE_C1, EINVAL },
	{ "PIDFD", T_PIDFD, false, CG_RULE_C1, EINVAL },
	{ "CLEAR_SIGHAND", T_CLEAR_SIGHAND, false, CG_RULE_C1, EINVAL },
	{ "SIGHAND without VM", T_SIGHAND, false, CG_RULE_C2, EINVAL },
	{ "set_tid", 0, true, CG_RULE_C3, EOPNOTSUPP },
	{ "THREAD|SIGHAND|VM with NEWPID", T_THREAD | T_SIGHAND | T_VM | T_NEWPID, false,
	  CG_RULE_C5, EINVAL },
};

/*
 * In the scope, traced: each call with its struct in two pages of a memfd,
 * the same bytes in both, neither mapped in this process's page tables.
 * The first attempt faults at the entry, is faulted in and restarted; the
 * tracer points the restart at the second, still cold page, so the
 * restarted entry cannot read it either and Linux's copy decides.
 */
static void copy_subject(int memfd, int go, int out)
{
	static int tid_slot, pidfd = -1;
	long res[sizeof(copy_rows) / sizeof(copy_rows[0])];
	struct t_clone_args *a;
	size_t i;
	char c;

	if (read(go, &c, 1) != 1)
		_exit(4);
	a = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
	if (a == MAP_FAILED)
		_exit(2);
	for (i = 0; i < sizeof(copy_rows) / sizeof(copy_rows[0]); i++) {
		memset(a, 0, sizeof(*a));
		a->flags = copy_rows[i].flags;
		a->exit_signal = copy_rows[i].flags & T_THREAD ? 0 : 17;
		a->pidfd = (uintptr_t)&pidfd;
		if (copy_rows[i].set_tid) {
			tid_slot = cg_free_tid();
			a->set_tid = (uintptr_t)&tid_slot;
			a->set_tid_size = 1;
		}
		memcpy((char *)a + 4096, a, sizeof(*a));
		/* Drop the mapping's PTEs; the data stays in the memfd. */
		if (madvise(a, 8192, MADV_DONTNEED))
			_exit(3);
		res[i] = t_sys_clone3_exit(a, 88);
		if (res[i] > 0)
			waitpid(res[i], NULL, __WALL);
	}
	if (write(out, res, sizeof(res)) != sizeof(res))
		_exit(1);
	_exit(0);
}

#define T_ERESTARTNOINTR	513	/* what a tracer sees of a call to be restarted */

/* Point the tracee's clone3 struct argument 4096 bytes further. */
static int t_next_page(pid_t pid)
{
	struct user_regs_struct regs;

	if (ptrace(PTRACE_GETREGS, pid, 0, &regs))
		return -errno;
#ifdef __i386__
	regs.ebx += 4096;
#else
	regs.rdi += 4096;
#endif
	return ptrace(PTRACE_SETREGS, pid, 0, &regs) ? -errno : 0;
}

/*
 * Trace pid's syscalls until it exits; at each clone3 that returns
 * ERESTARTNOINTR, move its struct to the next page. Returns how many
 * clone3 calls were restarted, or -errno.
 */
static int t_trace_clone3_restarts(pid_t pid, int go)
{
	struct __ptrace_syscall_info info;
	int restarts = 0, st, sig;
	long nr = -1;

	if (ptrace(PTRACE_SEIZE, pid, 0, PTRACE_O_TRACESYSGOOD) ||
	    ptrace(PTRACE_INTERRUPT, pid, 0, 0) || waitpid(pid, &st, 0) != pid ||
	    ptrace(PTRACE_SYSCALL, pid, 0, 0) || write(go, "g", 1) != 1)
		return -errno;
	while (waitpid(pid, &st, 0) == pid && WIFSTOPPED(st)) {
		sig = 0;
		if (WSTOPSIG(st) == (SIGTRAP | 0x80)) {
			if (ptrace(PTRACE_GET_SYSCALL_INFO, pid, sizeof(info), &info) <= 0)
				return -errno;
			if (info.op == PTRACE_SYSCALL_INFO_ENTRY)
				nr = info.entry.nr;
			if (info.op == PTRACE_SYSCALL_INFO_EXIT && nr == T_NR_CLONE3 &&
			    info.exit.rval == -T_ERESTARTNOINTR) {
				if (t_next_page(pid))
					return -errno;
				restarts++;
			}
		} else if (st >> 16 == 0) {
			sig = WSTOPSIG(st);	/* a signal for the tracee: deliver it */
		}
		if (ptrace(PTRACE_SYSCALL, pid, 0, sig))
			return -errno;
	}
	return restarts;
}

TEST_F(race, kernel_copy_decides)
{
	long res[sizeof(copy_rows) / sizeof(copy_rows[0])];
	struct cg_counters c0, c1;
	int p[2], go[2], memfd, restarts;
	size_t i;
	pid_t pid;

	if (!self->ready)
		return;
	memfd = memfd_create("cgtest-args", MFD_CLOEXEC);
	ASSERT_LE(0, memfd);
	ASSERT_EQ(0, ftruncate(memfd, 8192));
	ASSERT_EQ(0, t_apply(self->cg.fd, CG_SCOPE_CGROUP, CG_PROFILE_GVISOR_21D66119,
			     CG_MODE_ENFORCE));
	ASSERT_EQ(0, t_counters(&c0));
	ASSERT_EQ(0, pipe(p));
	ASSERT_EQ(0, pipe(go));
	pid = t_fork_in(&self->cg, 1);
	ASSERT_LE(0, pid);
	if (pid == 0)
		copy_subject(memfd, go[0], p[1]);
	close(p[1]);
	close(go[0]);
	restarts = t_trace_clone3_restarts(pid, go[1]);
	if (restarts < 0)
		kill(pid, SIGKILL);	/* a subject left stopped would never write */
	ASSERT_LE(0, restarts) TH_LOG("tracing: %s", strerror(-restarts));
	ASSERT_EQ(sizeof(res), read(p[0], res, sizeof(res)));
	ASSERT_EQ(0, t_counters(&c1));
	/* Each call was restarted once: the entry never read a struct. */
	EXPECT_EQ((int)(sizeof(copy_rows) / sizeof(copy_rows[0])), restarts);
	for (i = 0; i < sizeof(copy_rows) / sizeof(copy_rows[0]); i++)
		EXPECT_EQ(-copy_rows[i].err, res[i]) TH_LOG("%s", copy_rows[i].name);
	EXPECT_EQ(3, c1.refused[CG_RULE_C1] - c0.refused[CG_RULE_C1]);
	EXPECT_EQ(1, c1.refused[CG_RULE_C2] - c0.refused[CG_RULE_C2]);
	EXPECT_EQ(1, c1.refused[CG_RULE_C3] - c0.refused[CG_RULE_C3]);
	EXPECT_EQ(1, c1.refused[CG_RULE_C5] - c0.refused[CG_RULE_C5]);
	close(p[0]);
	close(go[1]);
	close(memfd);
}

/* ---- unload under load ---- */

/* Cycles per run: UNLOAD_CYCLES overrides (the hardening runs use 100). */
#define CYCLES_DEFAULT	10

static void *t_thread_noop(void *arg)
{
	return arg;
}

/* A worker: fork/wait, vfork, threads, unshare(0) until told to stop. */
/* In a child: unshare(NEWUSER), chrooted or not; exit 0 on the expected answer. */
static bool newuser_child(bool chrooted)
{
	int st;
	pid_t pid = fork();

	if (pid == 0) {
		if (chrooted && (chroot("/tmp/cgtest-race") || chdir("/")))
			_exit(2);
		if (unshare(CLONE_NEWUSER))
			_exit(!(chrooted && errno == EPERM));
		_exit(chrooted);
	}
	return pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && !WEXITSTATUS(st);
}

/* setns() into the own net ns (allowed), then pid ns (S2 while loaded). */
static bool setns_calls(void)
{
	int net = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	int pid = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
	bool ok = net >= 0 && pid >= 0 && !t_setns(net, 0);
	long r = pid >= 0 ? t_setns(pid, 0) : -EBADF;

	ok = ok && (r == 0 || r == -EINVAL);
	close(net);
	close(pid);
	return ok;
}

static void load_worker(int kind, int errs)
{
	long bad = 0, n = 0, call = 0;
	pthread_t th;
	pid_t pid;

	while (getppid() != 1) {
		call = (kind + n++) % 6;
		switch (call) {
		case 0:
			pid = fork();
			if (pid == 0)
				_exit(0);
			if (pid < 0 || waitpid(pid, NULL, 0) != pid)
				bad++;
			break;
		case 1:
			if (pthread_create(&th, NULL, t_thread_noop, NULL) || pthread_join(th, NULL))
				bad++;
			break;
		case 2:
			if (t_sys_fork_exit(T_NR_VFORK) <= 0 || unshare(0))
				bad++;
			t_reap_all();
			break;
		case 3:
		case 4:
			if (!newuser_child(call == 4))
				bad++;
			break;
		default:
			if (!setns_calls())
				bad++;
			break;
		}
		if (bad) {
			if (write(errs, &call, sizeof(call)) != sizeof(call))
				_exit(2);
			_exit(1);
		}
	}
	_exit(0);
}

/*
 * Each cycle re-patches kernel text under TCG (about 2 s): allow for 100
 * cycles; make check's per-binary timeout bounds the default run.
 */
TEST_F_TIMEOUT(race, unload_under_load, 1800)
{
	const char *env = getenv("UNLOAD_CYCLES");
	int cycles = env ? atoi(env) : CYCLES_DEFAULT;
	pid_t workers[2];
	int errs[2], i, w, ret;
	long bad = 0;

	if (!self->ready)
		return;
	if (access(t_module_path(), R_OK))
		SKIP(return, "%s not found", t_module_path());
	ASSERT_EQ(0, pipe2(errs, O_NONBLOCK));
	mkdir("/tmp/cgtest-race", 0755);	/* the chrooted NEWUSER caller's root */
	for (w = 0; w < 2; w++) {
		pid_t mid = fork();

		/* An intermediate parent: its worker stops once it is gone. */
		if (mid == 0) {
			if (t_fork_in(&self->cg, 3) == 0)
				load_worker(w, errs[1]);
			pause();
			_exit(0);
		}
		workers[w] = mid;
	}
	for (i = 0; i < cycles; i++) {
		ASSERT_EQ(0, t_apply(self->cg.fd, CG_SCOPE_CGROUP, 0, CG_MODE_ENFORCE));
		ASSERT_EQ(0, t_apply(self->cg.fd, CG_SCOPE_CGROUP, 0, CG_MODE_OFF));
		ASSERT_EQ(0, t_apply(self->cg.fd, CG_SCOPE_CGROUP, 0, CG_MODE_ENFORCE));
		ret = t_module_unload();
		ASSERT_EQ(0, ret) TH_LOG("unload, cycle %d: %d", i, ret);
		ret = t_module_load();
		ASSERT_EQ(0, ret) TH_LOG("load, cycle %d: %d", i, ret);
	}
	for (w = 0; w < 2; w++) {
		kill(workers[w], SIGKILL);
		waitpid(workers[w], NULL, 0);
	}
	TH_LOG("%d load/unload cycles under load", cycles);
	EXPECT_EQ(-1, read(errs[0], &bad, sizeof(bad))) TH_LOG("a worker's call of kind %ld (see load_worker) failed", bad);
	close(errs[0]);
	close(errs[1]);
	/* Orphaned workers notice their parent is gone and exit; the teardown's rmdir needs the cgroup empty. */
	while (rmdir(self->cg.path) && errno == EBUSY)
		usleep(1000);
}

TEST_HARNESS_MAIN
