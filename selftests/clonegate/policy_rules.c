// SPDX-License-Identifier: GPL-2.0
/*
 * Table-driven tests of every rule of docs/policy.md.
 *
 * Each row: a subject state (credentials, namespaces, chroot, threads), one
 * call (entry point + arguments), and what the spec says gVisor answers: the
 * refusing rule and its errno, or T_LINUX when gVisor allows the call and the
 * host kernel's answer must stand.
 *
 * Each row runs three ways in a fresh subject process inside a cgroup scope:
 *   baseline   no policy at all: Linux's answer, measured in this run;
 *   the mode   enforce: the spec's errno (or the baseline when allowed);
 *              audit, off: the baseline, always.
 * and the module's counters must move exactly: enforce refuses one call under
 * the row's rule, audit audits it, off moves nothing.
 *
 * Built twice: 64-bit (x86-64 entry points) and -m32 (ia32 int 0x80 entry
 * points, and the ioctls through compat). policy_rules_bpf.c builds the
 * same rows against the BPF backend instead of the module (T_BPF,
 * rules_bpf.h): enforce and audit, each row's answer from docs/policy.md's
 * coverage table.
 */
#include "cg_test.h"
#include "kselftest_harness.h"
#include "exiting_task.h"

#define T_LINUX	1000	/* expected: whatever Linux answered in the baseline */

#ifndef T_BPF
#define T_BPF	0	/* 1: against the BPF backend (policy_rules_bpf.c) */
#endif

enum subject_state {
	S_ROOT,
	S_UNPRIV,		/* uid/gid 65534, no capabilities */
	S_USERNS,		/* root in a fresh, mapped user namespace */
	S_USERNS_UNMAPPED,	/* in a fresh user namespace with no id maps */
	S_USERNS_DEPTH31,	/* 31 nested, mapped user namespaces */
	S_CHROOT,		/* chrooted to a directory */
	S_CHROOT_DEPTH31,	/* S_USERNS_DEPTH31, then chrooted */
	S_CHROOT_UNMAPPED,	/* S_USERNS_UNMAPPED, then chrooted */
	S_PIDNS_UNSHARED,	/* after unshare(CLONE_NEWPID) */
	S_THREADED,		/* a second thread (shares VM, FS) */
	S_UNPRIV_THREADED,
	S_NO_CHROOT_CAP,	/* root without CAP_SYS_CHROOT */
	S_PIDNS_INIT,		/* the call is made by init (pid 1) of a new pid namespace */
	S_FS_SHARED,		/* a CLONE_FS child shares the fs context */
};

enum call_kind { CALL_CLONE, CALL_CLONE3, CALL_FORK, CALL_VFORK, CALL_UNSHARE, CALL_SETNS };

/*
 * FD_USERNS_CHILD: a user namespace the subject's own namespace is the parent of.
 * FD_PIDFD_ZOMBIE, FD_PROC_ZOMBIE: a pidfd, or the /proc/<pid> directory, of a
 * child that has exited and is not reaped; FD_PIDFD_REAPED: of one reaped.
 * FD_PIDFD_INIT, FD_PROC_INIT: of pid 1. FD_PROC_SELF, FD_PROC_TASK: the
 * subject's /proc/<pid> and /proc/<pid>/task/<tid> directories; FD_PROC: the
 * file "ns" names under /proc (/proc/self/cmdline, /proc/cpuinfo, ...).
 * FD_PIDFD_EXITING: a pidfd to a child held in its exit after it released its
 * namespaces (exiting_task.h); the subject lets it go after its call.
 * FD_PIDFD_USERNS: a pidfd to a live child that unshared only its user
 * namespace, so it is in a user namespace below the subject's while its
 * other namespaces are owned by the subject's; killed after the call.
 */
enum fd_source {
	FD_NONE, FD_BAD, FD_NS, FD_PIDFD, FD_DIR, FD_USERNS_CHILD,
	FD_PIDFD_ZOMBIE, FD_PIDFD_REAPED, FD_PIDFD_INIT,
	FD_PROC_ZOMBIE, FD_PROC_INIT, FD_PROC_SELF, FD_PROC_TASK, FD_PROC,
	FD_PIDFD_EXITING, FD_PIDFD_USERNS,
};

/*
 * A setns the subject makes inside the scope just before its call (C5.setns,
 * C6.setns): JOIN_PIDNS /proc/self/ns/pid with nstype 0, JOIN_PIDNS_NEWPID
 * with CLONE_NEWPID, JOIN_PIDFD_NEWPID a pidfd to itself with CLONE_NEWPID;
 * no pid ns join: JOIN_PIDFD_UTS (a pidfd, NEWUTS), JOIN_NET (its net ns);
 * failing: JOIN_BAD_FD (EBADF), JOIN_PIDNS_AS_NET (EINVAL), JOIN_PIDFD_NET
 * (a pidfd with NEWPID|NEWNET: from S_USERNS, H17a, and Linux's
 * pidns_install() says EPERM).
 */
enum join {
	JOIN_NONE, JOIN_PIDNS, JOIN_PIDNS_NEWPID, JOIN_PIDFD_NEWPID, JOIN_PIDFD_UTS, JOIN_NET,
	JOIN_BAD_FD, JOIN_PIDNS_AS_NET, JOIN_PIDFD_NET,
};

struct row {
	const char *name;
	enum subject_state state;
	enum call_kind call;
	uint64_t flags;		/* clone/clone3/unshare flags; setns nstype */
	int exit_signal;	/* clone3 */
	size_t size;		/* clone3 size, 0 = 88 */
	bool set_tid;		/* clone3: set_tid = &tid */
	bool cold;		/* clone3: the struct in a page not mapped yet */
	bool unreadable;	/* clone3, cold: a page that cannot be read at all */
	int set_tid_size;
	enum fd_source fd;	/* setns */
	const char *ns;		/* setns: /proc/self/ns/<ns> */
	uint32_t profile;
	int rule;		/* spec rule id (enum cg_rule), 0 = allowed */
	int expect;		/* spec errno (positive), 0 success, T_LINUX */
	const char *unchanged;	/* dropped bits: ns file that must not change */
	enum join join;		/* a setns in the scope before the call */
	int join_rule;		/* the rule that refuses or audits that setns, 0 none */
	bool in_child;		/* the call is made by a child forked after the join */
};

/* A row under profile pr; the unsuffixed ones are the seed's (P_SEED, the default). */
#define CLONE_P(pr, n, st, fl, rl, ex) \
	{ .name = n, .state = st, .call = CALL_CLONE, .flags = fl, .rule = rl, .expect = ex, \
	  .profile = pr }
#define CLONE3_P(pr, n, st, fl, sig, rl, ex) \
	{ .name = n, .state = st, .call = CALL_CLONE3, .flags = fl, .exit_signal = sig, \
	  .rule = rl, .expect = ex, .profile = pr }
#define UNSHARE_P(pr, n, st, fl, rl, ex) \
	{ .name = n, .state = st, .call = CALL_UNSHARE, .flags = fl, .rule = rl, .expect = ex, \
	  .profile = pr }
#define SETNS_P(pr, n, st, src, nsname, nstype, rl, ex) \
	{ .name = n, .state = st, .call = CALL_SETNS, .fd = src, .ns = nsname, \
	  .flags = nstype, .rule = rl, .expect = ex, .profile = pr }
#define CLONE(n, st, fl, rl, ex)		CLONE_P(P_SEED, n, st, fl, rl, ex)
#define CLONE3(n, st, fl, sig, rl, ex)		CLONE3_P(P_SEED, n, st, fl, sig, rl, ex)
#define UNSHARE(n, st, fl, rl, ex)		UNSHARE_P(P_SEED, n, st, fl, rl, ex)
#define SETNS(n, st, src, nsname, nstype, rl, ex) \
	SETNS_P(P_SEED, n, st, src, nsname, nstype, rl, ex)

/* ---- the subject: set up state, wait to be placed in the scope, call ---- */

static void *t_park(void *arg)
{
	for (;;)
		pause();
	return arg;
}




/* S_FS_SHARED's CLONE_FS child, killed once the subject has answered. */
static pid_t t_helper;

static int t_chroot(void)
{
	mkdir("/tmp/cgtest-chroot", 0755);
	if (chroot("/tmp/cgtest-chroot") || chdir("/"))
		return -errno;
	return 0;
}

static int t_setup(enum subject_state st)
{
	pthread_t th;
	int i, ret = 0;

	switch (st) {
	case S_ROOT:
		return 0;
	case S_UNPRIV:
		return t_drop_to_nobody();
	case S_USERNS:
		if (unshare(CLONE_NEWUSER))
			return -errno;
		return t_map_self();
	case S_USERNS_UNMAPPED:
		return unshare(CLONE_NEWUSER) ? -errno : 0;
	case S_USERNS_DEPTH31:
		for (i = 0; i < 31 && !ret; i++) {
			if (unshare(CLONE_NEWUSER))
				return -errno;
			ret = t_map_self();
		}
		return ret;
	case S_CHROOT:
		return t_chroot();
	case S_CHROOT_DEPTH31:
		ret = t_setup(S_USERNS_DEPTH31);
		return ret ? ret : t_chroot();
	case S_CHROOT_UNMAPPED:
		ret = t_setup(S_USERNS_UNMAPPED);
		return ret ? ret : t_chroot();
	case S_PIDNS_UNSHARED:
		return unshare(CLONE_NEWPID) ? -errno : 0;
	case S_THREADED:
		return -pthread_create(&th, NULL, t_park, NULL);
	case S_UNPRIV_THREADED:
		ret = t_drop_to_nobody();
		return ret ? ret : -pthread_create(&th, NULL, t_park, NULL);
	case S_NO_CHROOT_CAP:
		return t_drop_cap(18 /* CAP_SYS_CHROOT */);
	case S_PIDNS_INIT:
		/* The call is made by the first child, inside the scope (t_call_in_child). */
		return unshare(CLONE_NEWPID) ? -errno : 0;
	case S_FS_SHARED:
		t_helper = syscall(SYS_clone, CLONE_FS | SIGCHLD, 0, 0, 0, 0);
		if (t_helper == 0)
			for (;;)
				pause();
		return t_helper < 0 ? -errno : 0;
	}
	return -EINVAL;
}

/* A child that has unshared its user namespace, paused; -1 on failure. */
static pid_t t_userns_child(void)
{
	int p[2];
	pid_t pid;
	char c;

	if (pipe(p))
		return -1;
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		if (!unshare(CLONE_NEWUSER) && write(p[1], "x", 1) == 1)
			for (;;)
				pause();
		_exit(1);
	}
	close(p[1]);
	if (pid > 0 && read(p[0], &c, 1) != 1) {
		waitpid(pid, NULL, 0);
		pid = -1;
	}
	close(p[0]);
	return pid;
}

/* An fd to a user namespace created by a child of the caller. */
static int t_child_userns_fd(void)
{
	pid_t pid = t_userns_child();
	char path[64];
	int fd;

	if (pid < 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/%d/ns/user", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return fd;
}

/* FD_PIDFD_USERNS's child, killed once the subject has answered. */
static pid_t t_userns_target;

/* A pidfd or the /proc/<pid> directory of a child that has exited (reaped or not). */
static int t_dead_child_fd(enum fd_source src)
{
	char path[64];
	siginfo_t si;
	pid_t pid;
	int fd;

	pid = fork();
	if (pid == 0)
		_exit(0);
	if (pid < 0 || waitid(P_PID, pid, &si, WEXITED | WNOWAIT))
		return -1;
	if (src == FD_PROC_ZOMBIE) {
		snprintf(path, sizeof(path), "/proc/%d", pid);
		return open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	}
	fd = syscall(T_NR_PIDFD_OPEN, pid, 0);
	if (src == FD_PIDFD_REAPED)
		waitpid(pid, NULL, 0);
	return fd;
}

static struct t_exiting t_exiting = { .release = -1, .pidfd = -1 };

static int t_open_fd(const struct row *r)
{
	char path[64];

	switch (r->fd) {
	case FD_BAD:
		return 999;
	case FD_NS:
		snprintf(path, sizeof(path), "/proc/self/ns/%s", r->ns);
		return open(path, O_RDONLY | O_CLOEXEC);
	case FD_PIDFD:
		return syscall(T_NR_PIDFD_OPEN, getpid(), 0);
	case FD_DIR:
		return open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	case FD_USERNS_CHILD:
		return t_child_userns_fd();
	case FD_PIDFD_ZOMBIE:
	case FD_PIDFD_REAPED:
	case FD_PROC_ZOMBIE:
		return t_dead_child_fd(r->fd);
	case FD_PIDFD_INIT:
		return syscall(T_NR_PIDFD_OPEN, 1, 0);
	case FD_PROC_INIT:
		return open("/proc/1", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	case FD_PROC_SELF:
		return open("/proc/self", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	case FD_PROC_TASK:
		snprintf(path, sizeof(path), "/proc/self/task/%ld", (long)syscall(SYS_gettid));
		return open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	case FD_PROC:
		snprintf(path, sizeof(path), "/proc/%s", r->ns);
		return open(path, O_RDONLY | O_CLOEXEC);
	case FD_PIDFD_EXITING:
		return t_exiting_start(&t_exiting);
	case FD_PIDFD_USERNS:
		t_userns_target = t_userns_child();
		return t_userns_target < 0 ? -1 : syscall(T_NR_PIDFD_OPEN, t_userns_target, 0);
	default:
		return -1;
	}
}

/*
 * clone3 with its struct where the caller put it, or, cold, in a shared
 * page of a memfd mapped just now and never touched: the page is in the
 * page cache but not in this process's page tables, so the module's no-fault
 * preview at the syscall's entry faults, while Linux's own copy faults it in.
 * Unreadable: the same page mapped PROT_NONE, which no copy can read.
 */
static long t_clone3_call(struct t_clone_args *a, size_t size, const struct row *r)
{
	struct t_clone_args *p;
	long ret;
	int fd;

	if (!r->cold)
		return t_sys_clone3_exit(a, size);
	fd = memfd_create("clone3-args", MFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (pwrite(fd, a, sizeof(*a), 0) != (ssize_t)sizeof(*a) || ftruncate(fd, 4096)) {
		close(fd);
		return -EIO;
	}
	p = mmap(NULL, 4096, r->unreadable ? PROT_NONE : PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return -errno;
	ret = t_sys_clone3_exit(p, size);
	munmap(p, 4096);
	return ret;
}



/* The call itself; returns 0 or -errno. */
static long t_call(const struct row *r, int fd)
{
	static int tid_slot, ptid, ctid;
	struct t_clone_args a = {
		.flags = r->flags, .exit_signal = r->exit_signal,
		.pidfd = (uintptr_t)&ptid, .child_tid = (uintptr_t)&ctid,
		.parent_tid = (uintptr_t)&ptid,
	};
	long ret = 0;

	switch (r->call) {
	case CALL_CLONE:
		ret = t_sys_clone_exit(r->flags, &ptid, &ctid);
		break;
	case CALL_CLONE3:
		if (r->set_tid) {
			tid_slot = cg_free_tid();
			a.set_tid = (uintptr_t)&tid_slot;
			a.set_tid_size = r->set_tid_size;
		}
		ret = t_clone3_call(&a, r->size ? r->size : 88, r);
		break;
	case CALL_FORK:
		ret = t_sys_fork_exit(T_NR_FORK);
		break;
	case CALL_VFORK:
		ret = t_sys_fork_exit(T_NR_VFORK);
		break;
	case CALL_UNSHARE:
		ret = t_unshare(r->flags);
		break;
	case CALL_SETNS:
		ret = t_setns(fd, (int)r->flags);
		break;
	}
	return ret > 0 ? 0 : ret;
}

/* The row's setns before the call; returns 0 or -errno. */
static long t_join(enum join j)
{
	static const struct { int src; const char *ns; int nstype; } how[] = {
		[JOIN_PIDNS] = { FD_NS, "pid", 0 },
		[JOIN_PIDNS_NEWPID] = { FD_NS, "pid", T_NEWPID },
		[JOIN_PIDFD_NEWPID] = { FD_PIDFD, NULL, T_NEWPID },
		[JOIN_PIDFD_UTS] = { FD_PIDFD, NULL, T_NEWUTS },
		[JOIN_NET] = { FD_NS, "net", 0 },
		[JOIN_BAD_FD] = { FD_BAD, NULL, T_NEWPID },
		[JOIN_PIDNS_AS_NET] = { FD_NS, "pid", T_NEWNET },
		[JOIN_PIDFD_NET] = { FD_PIDFD, NULL, T_NEWPID | T_NEWNET },
	};
	struct row r = { .fd = how[j].src, .ns = how[j].ns };
	int fd = t_open_fd(&r);
	long ret;

	if (fd < 0)
		return -EIO;
	ret = t_setns(fd, how[j].nstype);
	if (fd != 999)
		close(fd);
	return ret > 0 ? 0 : ret;
}

/*
 * The call made by a child of the subject: for in_child rows, a child
 * forked after the join; for S_PIDNS_INIT (@as_init), the subject's first
 * child after it unshared its pid namespace, that namespace's init.
 */
static long t_call_in_child(const struct row *r, int fd, bool as_init)
{
	long ret = -EIO;
	int p[2];
	pid_t pid;

	if (pipe(p))
		return -errno;
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		ret = !as_init || getpid() == 1 ? t_call(r, fd) : -ECHILD;
		if (write(p[1], &ret, sizeof(ret)) != sizeof(ret))
			_exit(1);
		t_reap_all();
		_exit(0);
	}
	close(p[1]);
	if (pid < 0)
		ret = -errno;
	else if (read(p[0], &ret, sizeof(ret)) != sizeof(ret))
		ret = -EIO;
	close(p[0]);
	if (pid > 0)
		waitpid(pid, NULL, 0);
	return ret;
}

struct outcome {
	long ret;		/* 0 or -errno */
	long join_ret;		/* the row's setns before the call: 0 or -errno */
	int setup;		/* 0 or -errno from the subject's set-up */
	bool changed;		/* the row's "unchanged" ns file changed */
};

/*
 * Run one row in a new subject: set up, get placed into @cg by the parent,
 * call, report. The parent is outside every scope.
 */
static struct outcome t_run(const struct row *r, const struct t_cgroup *cg)
{
	struct outcome out = { .setup = -EIO };
	struct t_subject s;
	unsigned long before = 0;
	int res[2];
	pid_t pid;

	if (pipe(res))
		return out;
	pid = t_subject_fork(&s);
	if (pid == 0) {
		struct outcome o = { 0 };
		int fd = t_open_fd(r);	/* opened with the starting credentials */
		sigset_t all;

		/* A child's exit signal (any of 1..64) must not kill the subject. */
		sigfillset(&all);
		sigprocmask(SIG_BLOCK, &all, NULL);

		close(res[0]);
		o.setup = fd < 0 && r->fd == FD_PIDFD_EXITING ? fd : t_setup(r->state);
		if (r->unchanged)
			before = t_ns_inode(r->unchanged);
		if (!t_subject_wait(&s))
			_exit(1);
		if (!o.setup && r->join)
			o.join_ret = t_join(r->join);
		if (!o.setup) {
			if (r->in_child || r->state == S_PIDNS_INIT)
				o.ret = t_call_in_child(r, fd, r->state == S_PIDNS_INIT);
			else
				o.ret = t_call(r, fd);
			if (r->unchanged)
				o.changed = t_ns_inode(r->unchanged) != before;
		}
		t_exiting_end(&t_exiting);
		if (write(res[1], &o, sizeof(o)) != sizeof(o))
			_exit(1);
		if (t_helper > 0)
			kill(t_helper, SIGKILL);
		if (t_userns_target > 0)
			kill(t_userns_target, SIGKILL);
		t_reap_all();
		_exit(0);
	}
	close(res[1]);
	if (pid > 0 && !t_subject_go(&s, cg) && read(res[0], &out, sizeof(out)) != sizeof(out))
		out.setup = -EIO;
	if (pid > 0)
		waitpid(pid, NULL, 0);
	close(res[0]);
	return out;
}

/* ---- the rows: one table per rule family, expectations from the spec ---- */

#define P_SEED	CG_PROFILE_GVISOR_21D66119
#define P_8623	CG_PROFILE_GVISOR_8623C872
#define SIGCHLD_ 17

#if T_BPF
#include "rules_bpf.h"
#endif

static const struct row rows_allowed[] = {
	CLONE("fork via clone", S_ROOT, SIGCHLD_, 0, T_LINUX),
	{ .name = "fork", .state = S_ROOT, .call = CALL_FORK, .expect = T_LINUX },
	{ .name = "vfork", .state = S_ROOT, .call = CALL_VFORK, .expect = T_LINUX },
	CLONE("thread", S_ROOT, T_VM | T_FS | T_FILES | T_SIGHAND | T_THREAD | T_SYSVSEM, 0, T_LINUX),
	CLONE3("clone3 thread", S_ROOT, T_VM | T_FS | T_FILES | T_SIGHAND | T_THREAD, 0, 0, T_LINUX),
	CLONE3("clone3 process", S_ROOT, 0, SIGCHLD_, 0, T_LINUX),
	CLONE("posix_spawn style", S_ROOT, T_VM | T_VFORK | SIGCHLD_, 0, T_LINUX),
	CLONE("unpriv NEWUSER|NEWUTS", S_UNPRIV, T_NEWUSER | T_NEWUTS | SIGCHLD_, 0, T_LINUX),
	CLONE("root NEWPID|NEWNET|NEWIPC", S_ROOT, T_NEWPID | T_NEWNET | T_NEWIPC | SIGCHLD_, 0, T_LINUX),
	CLONE("userns root NEWUTS", S_USERNS, T_NEWUTS | SIGCHLD_, 0, T_LINUX),
	UNSHARE("unshare 0", S_ROOT, 0, 0, T_LINUX),
	UNSHARE("unshare NEWUTS|NEWIPC|NEWNET", S_ROOT, T_NEWUTS | T_NEWIPC | T_NEWNET, 0, T_LINUX),
	UNSHARE("unpriv unshare NEWUSER|NEWNS", S_UNPRIV, T_NEWUSER | T_NEWNS, 0, T_LINUX),
	SETNS("setns own net", S_ROOT, FD_NS, "net", 0x40000000, 0, T_LINUX),
	SETNS("setns own uts", S_ROOT, FD_NS, "uts", 0, 0, T_LINUX),
	SETNS("setns own mnt", S_ROOT, FD_NS, "mnt", 0, 0, T_LINUX),
};

static const struct row rows_a1[] = {
	{ .name = "clone3 size 63", .state = S_ROOT, .call = CALL_CLONE3, .exit_signal = SIGCHLD_,
	  .size = 63, .rule = CG_RULE_CLONE3_SIZE, .expect = EINVAL },
	{ .name = "clone3 size 89", .state = S_ROOT, .call = CALL_CLONE3, .exit_signal = SIGCHLD_,
	  .size = 89, .rule = CG_RULE_CLONE3_SIZE, .expect = EINVAL },
	{ .name = "clone3 size 4097", .state = S_ROOT, .call = CALL_CLONE3, .exit_signal = SIGCHLD_,
	  .size = 4097, .rule = CG_RULE_CLONE3_SIZE, .expect = EINVAL },
	{ .name = "clone3 size 64", .state = S_ROOT, .call = CALL_CLONE3, .exit_signal = SIGCHLD_,
	  .size = 64, .expect = T_LINUX },
	{ .name = "clone3 size 72", .state = S_ROOT, .call = CALL_CLONE3, .exit_signal = SIGCHLD_,
	  .size = 72, .expect = T_LINUX },
};

static const struct row rows_c1[] = {
	CLONE3("clone3 NEWTIME", S_ROOT, T_NEWTIME, SIGCHLD_, CG_RULE_C1, EINVAL),
	CLONE3("clone3 PIDFD", S_ROOT, T_PIDFD, SIGCHLD_, CG_RULE_C1, EINVAL),
	CLONE3("clone3 CLEAR_SIGHAND", S_ROOT, T_CLEAR_SIGHAND, SIGCHLD_, CG_RULE_C1, EINVAL),
	CLONE3("clone3 INTO_CGROUP", S_ROOT, T_INTO_CGROUP, SIGCHLD_, CG_RULE_C1, EINVAL),
	CLONE("clone NEWNS", S_ROOT, T_NEWNS | SIGCHLD_, CG_RULE_C1, EINVAL),
	CLONE("clone NEWCGROUP", S_ROOT, T_NEWCGROUP | SIGCHLD_, CG_RULE_C1, EINVAL),
	CLONE("clone PIDFD", S_ROOT, T_PIDFD | SIGCHLD_, CG_RULE_C1, EINVAL),
	CLONE("clone DETACHED", S_ROOT, T_DETACHED | SIGCHLD_, CG_RULE_C1, EINVAL),
	CLONE("unpriv clone NEWNS (C1 before C13)", S_UNPRIV, T_NEWNS | SIGCHLD_, CG_RULE_C1, EINVAL),
	{ .name = "8623c872 allows NEWNS", .state = S_ROOT, .call = CALL_CLONE,
	  .flags = T_NEWNS | SIGCHLD_, .profile = P_8623, .expect = T_LINUX },
	{ .name = "8623c872 refuses NEWTIME", .state = S_ROOT, .call = CALL_CLONE3,
	  .flags = T_NEWTIME, .exit_signal = SIGCHLD_, .profile = P_8623,
	  .rule = CG_RULE_C1, .expect = EINVAL },
};

static const struct row rows_c2[] = {
	CLONE("SIGHAND without VM", S_ROOT, T_SIGHAND | SIGCHLD_, CG_RULE_C2, EINVAL),
	CLONE3("clone3 SIGHAND without VM", S_ROOT, T_SIGHAND, SIGCHLD_, CG_RULE_C2, EINVAL),
};

static const struct row rows_c3[] = {
	{ .name = "set_tid size 1", .state = S_ROOT, .call = CALL_CLONE3, .exit_signal = SIGCHLD_,
	  .set_tid = true, .set_tid_size = 1, .rule = CG_RULE_C3, .expect = EOPNOTSUPP },
	{ .name = "set_tid size 0", .state = S_ROOT, .call = CALL_CLONE3, .exit_signal = SIGCHLD_,
	  .set_tid = true, .set_tid_size = 0, .rule = CG_RULE_C3, .expect = EOPNOTSUPP },
	{ .name = "set_tid size 40", .state = S_ROOT, .call = CALL_CLONE3, .exit_signal = SIGCHLD_,
	  .set_tid = true, .set_tid_size = 40, .rule = CG_RULE_C3, .expect = EOPNOTSUPP },
	{ .name = "set_tid after NEWTIME is C1", .state = S_ROOT, .call = CALL_CLONE3,
	  .flags = T_NEWTIME, .exit_signal = SIGCHLD_, .set_tid = true, .set_tid_size = 1,
	  .rule = CG_RULE_C1, .expect = EINVAL },
	{ .name = "set_tid before bad signal (C3 before C8)", .state = S_ROOT, .call = CALL_CLONE3,
	  .exit_signal = 100, .set_tid = true, .set_tid_size = 1,
	  .rule = CG_RULE_C3, .expect = EOPNOTSUPP },
};

/*
 * The struct in a page not mapped yet: the entry cannot read it, faults it
 * in and has the call restarted; the answer and the count (one check) must
 * be the same as with a warm struct, also where Linux would refuse first
 * (set_tid_size over 32, a bad exit signal).
 */
#define COLD3(n, fl, sig, tid_size, rl, ex) \
	{ .name = n, .state = S_ROOT, .call = CALL_CLONE3, .flags = fl, .exit_signal = sig, \
	  .set_tid = (tid_size) >= 0, .set_tid_size = (tid_size) < 0 ? 0 : (tid_size), \
	  .cold = true, .rule = rl, .expect = ex }

static const struct row rows_cold[] = {
	COLD3("cold clone3 process", 0, SIGCHLD_, -1, 0, T_LINUX),
	COLD3("cold clone3 NEWTIME", T_NEWTIME, SIGCHLD_, -1, CG_RULE_C1, EINVAL),
	COLD3("cold clone3 SIGHAND without VM", T_SIGHAND, SIGCHLD_, -1, CG_RULE_C2, EINVAL),
	COLD3("cold set_tid size 1", 0, SIGCHLD_, 1, CG_RULE_C3, EOPNOTSUPP),
	COLD3("cold set_tid size 40 (Linux refuses first)", 0, SIGCHLD_, 40, CG_RULE_C3, EOPNOTSUPP),
	COLD3("cold set_tid and exit signal 100 (Linux refuses first)", 0, 100, 1,
	      CG_RULE_C3, EOPNOTSUPP),
	/* Retried once, then Linux's own copy fails: Linux's EFAULT, one check. */
	{ .name = "unreadable clone3 struct", .state = S_ROOT, .call = CALL_CLONE3,
	  .exit_signal = SIGCHLD_, .set_tid = true, .set_tid_size = 1, .cold = true,
	  .unreadable = true, .expect = T_LINUX },
};

static const struct row rows_c4[] = {
	CLONE("THREAD without SIGHAND", S_ROOT, T_VM | T_THREAD, CG_RULE_C4, EINVAL),
};

static const struct row rows_c5[] = {
	CLONE("THREAD with NEWPID", S_ROOT, T_VM | T_SIGHAND | T_THREAD | T_NEWPID, CG_RULE_C5, EINVAL),
	CLONE("THREAD after unshare(NEWPID)", S_PIDNS_UNSHARED, T_VM | T_SIGHAND | T_THREAD,
	      CG_RULE_C5, EINVAL),
};

static const struct row rows_c6[] = {
	CLONE("NEWPID after unshare(NEWPID)", S_PIDNS_UNSHARED, T_NEWPID | SIGCHLD_, CG_RULE_C6, EINVAL),
	CLONE("fork after unshare(NEWPID)", S_PIDNS_UNSHARED, SIGCHLD_, 0, T_LINUX),
};

static const struct row rows_c7[] = {
	CLONE("NEWUSER with FS", S_ROOT, T_NEWUSER | T_FS | SIGCHLD_, CG_RULE_C7, EINVAL),
	CLONE("NEWUSER with THREAD", S_ROOT, T_NEWUSER | T_VM | T_SIGHAND | T_THREAD, CG_RULE_C7, EINVAL),
};

static const struct row rows_c8[] = {
	CLONE("exit signal 65", S_ROOT, 65, CG_RULE_C8, EINVAL),
	CLONE("exit signal 255", S_ROOT, 255, CG_RULE_C8, EINVAL),
	CLONE("exit signal 64", S_ROOT, 64, 0, T_LINUX),
	CLONE("exit signal 0", S_ROOT, 0, 0, T_LINUX),
};

static const struct row rows_c9[] = {
	{ .name = "FS with NEWNS (8623c872)", .state = S_ROOT, .call = CALL_CLONE,
	  .flags = T_FS | T_NEWNS | SIGCHLD_, .profile = P_8623, .rule = CG_RULE_C9, .expect = EINVAL },
	CLONE("FS with NEWNS (seed: C1 first)", S_ROOT, T_FS | T_NEWNS | SIGCHLD_, CG_RULE_C1, EINVAL),
};

/*
 * Linux refuses a chrooted caller's NEWUSER itself and the module counts it
 * as C10; where gVisor checks the chroot first and Linux does not, the
 * documented answer is pinned (docs/policy.md, "where the host keeps
 * Linux's answer").
 */
static const struct row rows_c10[] = {
	CLONE("chrooted NEWUSER", S_CHROOT, T_NEWUSER | SIGCHLD_, CG_RULE_C10, EPERM),
	CLONE("chrooted fork", S_CHROOT, SIGCHLD_, 0, T_LINUX),
	CLONE3("chrooted clone3 NEWUSER", S_CHROOT, T_NEWUSER, SIGCHLD_, CG_RULE_C10, EPERM),
	CLONE("chrooted NEWUSER at depth 32 (C11 first: EUSERS)", S_CHROOT_DEPTH31,
	      T_NEWUSER | SIGCHLD_, CG_RULE_C11, EUSERS),
	CLONE("chrooted NEWUSER with unmapped ids (C12 first)", S_CHROOT_UNMAPPED,
	      T_NEWUSER | SIGCHLD_, CG_RULE_C12, EPERM),
};

static const struct row rows_c11[] = {
	CLONE("NEWUSER at depth 32", S_USERNS_DEPTH31, T_NEWUSER | SIGCHLD_, CG_RULE_C11, EUSERS),
	CLONE("fork at depth 32", S_USERNS_DEPTH31, SIGCHLD_, 0, T_LINUX),
};

static const struct row rows_c12[] = {
	CLONE("NEWUSER with unmapped ids", S_USERNS_UNMAPPED, T_NEWUSER | SIGCHLD_, CG_RULE_C12, EPERM),
};

static const struct row rows_c13[] = {
	CLONE("unpriv NEWUTS", S_UNPRIV, T_NEWUTS | SIGCHLD_, CG_RULE_C13, EPERM),
	CLONE("unpriv NEWPID", S_UNPRIV, T_NEWPID | SIGCHLD_, CG_RULE_C13, EPERM),
	CLONE("unpriv NEWNET", S_UNPRIV, T_NEWNET | SIGCHLD_, CG_RULE_C13, EPERM),
	CLONE("unpriv NEWIPC", S_UNPRIV, T_NEWIPC | SIGCHLD_, CG_RULE_C13, EPERM),
	CLONE3("unpriv clone3 NEWUTS", S_UNPRIV, T_NEWUTS, SIGCHLD_, CG_RULE_C13, EPERM),
};

static const struct row rows_u1[] = {
	UNSHARE("unshare VM", S_ROOT, T_VM, CG_RULE_U1, EINVAL),
	UNSHARE("unshare SIGHAND", S_ROOT, T_SIGHAND, CG_RULE_U1, EINVAL),
	UNSHARE("unpriv unshare VM|NEWUTS (U1 before U5)", S_UNPRIV, T_VM | T_NEWUTS, CG_RULE_U1, EINVAL),
};

static const struct row rows_u2[] = {
	UNSHARE("threaded unshare NEWPID", S_THREADED, T_NEWPID, CG_RULE_U2, EINVAL),
	UNSHARE("threaded unshare NEWUSER", S_THREADED, T_NEWUSER, CG_RULE_U2, EINVAL),
	UNSHARE("threaded unshare THREAD", S_THREADED, T_THREAD, CG_RULE_U2, EINVAL),
	UNSHARE("threaded unshare NEWUTS", S_THREADED, T_NEWUTS, 0, T_LINUX),
	UNSHARE("single-threaded unshare NEWPID", S_ROOT, T_NEWPID, 0, T_LINUX),
};

static const struct row rows_u3[] = {
	UNSHARE("chrooted unshare NEWUSER", S_CHROOT, T_NEWUSER, CG_RULE_U3, EPERM),
	UNSHARE("chrooted unshare NEWUSER at depth 32 (U4.depth first: EUSERS)",
		S_CHROOT_DEPTH31, T_NEWUSER, CG_RULE_U4_DEPTH, EUSERS),
	UNSHARE("chrooted unshare NEWUSER unmapped (U4.ids first)", S_CHROOT_UNMAPPED,
		T_NEWUSER, CG_RULE_U4_IDS, EPERM),
};

static const struct row rows_u4[] = {
	UNSHARE("unshare NEWUSER at depth 32", S_USERNS_DEPTH31, T_NEWUSER, CG_RULE_U4_DEPTH, EUSERS),
	UNSHARE("unshare NEWUSER unmapped", S_USERNS_UNMAPPED, T_NEWUSER, CG_RULE_U4_IDS, EPERM),
};

static const struct row rows_u5[] = {
	UNSHARE("unpriv unshare NEWUTS", S_UNPRIV, T_NEWUTS, CG_RULE_U5, EPERM),
	UNSHARE("unpriv unshare NEWNS", S_UNPRIV, T_NEWNS, CG_RULE_U5, EPERM),
	UNSHARE("unpriv unshare NEWNET", S_UNPRIV, T_NEWNET, CG_RULE_U5, EPERM),
	UNSHARE("unpriv unshare NEWPID", S_UNPRIV, T_NEWPID, CG_RULE_U5, EPERM),
};

static const struct row rows_udrop[] = {
	{ .name = "unshare NEWTIME dropped", .state = S_ROOT, .call = CALL_UNSHARE,
	  .flags = T_NEWTIME, .rule = CG_RULE_UDROP, .expect = 0,
	  .unchanged = "/proc/self/ns/time_for_children" },
	{ .name = "unshare NEWCGROUP dropped", .state = S_ROOT, .call = CALL_UNSHARE,
	  .flags = T_NEWCGROUP, .rule = CG_RULE_UDROP, .expect = 0,
	  .unchanged = "/proc/self/ns/cgroup" },
	{ .name = "unshare NEWUTS|NEWCGROUP keeps NEWUTS", .state = S_ROOT, .call = CALL_UNSHARE,
	  .flags = T_NEWUTS | T_NEWCGROUP, .rule = CG_RULE_UDROP, .expect = 0,
	  .unchanged = "/proc/self/ns/cgroup" },
	{ .name = "unshare unknown bit dropped", .state = S_ROOT, .call = CALL_UNSHARE,
	  .flags = 0x1, .rule = CG_RULE_UDROP, .expect = 0 },
	{ .name = "unshare SYSVSEM|IO dropped", .state = S_ROOT, .call = CALL_UNSHARE,
	  .flags = T_SYSVSEM | T_IO, .rule = CG_RULE_UDROP, .expect = 0 },
};

static const struct row rows_s1[] = {
	SETNS("setns bad fd", S_ROOT, FD_BAD, NULL, 0, CG_RULE_S1, EBADF),
};

static const struct row rows_s2[] = {
	SETNS("setns user ns", S_USERNS, FD_NS, "user", 0, CG_RULE_S2, EINVAL),
	SETNS("setns pid ns", S_ROOT, FD_NS, "pid", 0, CG_RULE_S2, EINVAL),
	SETNS("setns cgroup ns", S_ROOT, FD_NS, "cgroup", 0, CG_RULE_S2, EINVAL),
	SETNS("setns time ns", S_ROOT, FD_NS, "time", 0, CG_RULE_S2, EINVAL),
	SETNS("setns pidfd", S_ROOT, FD_PIDFD, NULL, 0x04000000, CG_RULE_S2, EINVAL),
	SETNS("setns directory", S_ROOT, FD_DIR, NULL, 0, CG_RULE_S2, EINVAL),
};

static const struct row rows_s3[] = {
	SETNS("setns net as uts", S_ROOT, FD_NS, "net", 0x04000000, CG_RULE_S3, EINVAL),
	SETNS("setns mnt as ipc", S_ROOT, FD_NS, "mnt", 0x08000000, CG_RULE_S3, EINVAL),
};

static const struct row rows_s4[] = {
	SETNS("unpriv setns net", S_UNPRIV, FD_NS, "net", 0, CG_RULE_S4, EPERM),
	SETNS("unpriv setns uts", S_UNPRIV, FD_NS, "uts", 0, CG_RULE_S4, EPERM),
	SETNS("unpriv setns ipc", S_UNPRIV, FD_NS, "ipc", 0, CG_RULE_S4, EPERM),
};

static const struct row rows_s5[] = {
	SETNS("unpriv setns mnt", S_UNPRIV, FD_NS, "mnt", 0, CG_RULE_S5, EPERM),
	SETNS("setns mnt without CAP_SYS_CHROOT", S_NO_CHROOT_CAP, FD_NS, "mnt", 0, CG_RULE_S5, EPERM),
	SETNS("unpriv threaded setns mnt (S5 before S6)", S_UNPRIV_THREADED, FD_NS, "mnt", 0,
	      CG_RULE_S5, EPERM),
};

static const struct row rows_s6[] = {
	SETNS("threaded setns mnt", S_THREADED, FD_NS, "mnt", 0, CG_RULE_S6, EINVAL),
};

/*
 * gvisor-head (gVisor at 3c5eee17d): its own rules, the seed's rules it
 * changed, and where it disagrees with the seed. Rule ids and errnos from
 * the gvisor-head spec; the cgroup2 gate is shut in P_HEAD, open in P_HEAD2.
 */
#define P_HEAD	CG_PROFILE_GVISOR_HEAD
#define P_HEAD2	CG_PROFILE_GVISOR_HEAD_CGROUP2
#define T_PARENT_SETTID	0x00100000ULL
#define T_THREAD_FLAGS	(T_VM | T_FS | T_FILES | T_SIGHAND | T_THREAD)

/* Pairs: the seed refuses (C1, S2), gvisor-head lets Linux answer. */
static const struct row rows_head_vs_seed[] = {
	CLONE("seed: clone NEWNS", S_ROOT, T_NEWNS | SIGCHLD_, CG_RULE_C1, EINVAL),
	CLONE_P(P_HEAD, "head: clone NEWNS", S_ROOT, T_NEWNS | SIGCHLD_, 0, T_LINUX),
	CLONE("seed: clone PIDFD", S_ROOT, T_PIDFD | SIGCHLD_, CG_RULE_C1, EINVAL),
	CLONE_P(P_HEAD, "head: clone PIDFD", S_ROOT, T_PIDFD | SIGCHLD_, 0, T_LINUX),
	CLONE("seed: clone DETACHED", S_ROOT, T_DETACHED | SIGCHLD_, CG_RULE_C1, EINVAL),
	CLONE_P(P_HEAD, "head: clone DETACHED (ignored)", S_ROOT, T_DETACHED | SIGCHLD_, 0, T_LINUX),
	CLONE3("seed: clone3 CLEAR_SIGHAND", S_ROOT, T_CLEAR_SIGHAND, SIGCHLD_, CG_RULE_C1, EINVAL),
	CLONE3_P(P_HEAD, "head: clone3 CLEAR_SIGHAND", S_ROOT, T_CLEAR_SIGHAND, SIGCHLD_, 0, T_LINUX),
	CLONE3("seed: clone3 PIDFD", S_ROOT, T_PIDFD, SIGCHLD_, CG_RULE_C1, EINVAL),
	CLONE3_P(P_HEAD, "head: clone3 PIDFD", S_ROOT, T_PIDFD, SIGCHLD_, 0, T_LINUX),
	CLONE3_P(P_HEAD, "head: clone3 NEWNS", S_ROOT, T_NEWNS, SIGCHLD_, 0, T_LINUX),
	SETNS("seed: setns pid ns", S_ROOT, FD_NS, "pid", 0, CG_RULE_S2, EINVAL),
	SETNS_P(P_HEAD, "head: setns own pid ns", S_ROOT, FD_NS, "pid", T_NEWPID, 0, T_LINUX),
	SETNS("seed: setns child user ns", S_ROOT, FD_USERNS_CHILD, NULL, 0, CG_RULE_S2, EINVAL),
	SETNS_P(P_HEAD, "head: setns child user ns", S_ROOT, FD_USERNS_CHILD, NULL, 0, 0, T_LINUX),
	SETNS("seed: setns pidfd", S_ROOT, FD_PIDFD, NULL, T_NEWUTS, CG_RULE_S2, EINVAL),
	SETNS_P(P_HEAD, "head: setns pidfd (past H12-H15: Linux)", S_ROOT, FD_PIDFD, NULL,
		T_NEWUTS, 0, T_LINUX),
	SETNS("seed: setns pidfd to a zombie (S2)", S_ROOT, FD_PIDFD_ZOMBIE, NULL, T_NEWUTS,
	      CG_RULE_S2, EINVAL),
	SETNS("seed: setns /proc/self/cmdline (S2)", S_ROOT, FD_PROC, "self/cmdline", T_NEWUTS,
	      CG_RULE_S2, EINVAL),
	UNSHARE("seed: unshare NEWCGROUP is dropped", S_ROOT, T_NEWCGROUP, CG_RULE_UDROP, 0),
	UNSHARE_P(P_HEAD2, "head-cgroup2: unshare NEWCGROUP", S_ROOT, T_NEWCGROUP, 0, T_LINUX),
};

/* gVisor accepts, Linux refuses: the host keeps Linux's answer (D8-D10, D14). */
static const struct row rows_head_linux[] = {
	CLONE_P(P_HEAD, "D8: unpriv clone NEWNS", S_UNPRIV, T_NEWNS | SIGCHLD_, 0, T_LINUX),
	CLONE3_P(P_HEAD, "D8: unpriv clone3 NEWNS", S_UNPRIV, T_NEWNS, SIGCHLD_, 0, T_LINUX),
	CLONE3_P(P_HEAD, "D9: clone3 thread with PIDFD", S_ROOT, T_THREAD_FLAGS | T_PIDFD, 0,
		 0, T_LINUX),
	CLONE3_P(P_HEAD, "D10: clone3 PIDFD|PARENT_SETTID, one pointer", S_ROOT,
		 T_PIDFD | T_PARENT_SETTID, SIGCHLD_, 0, T_LINUX),
	UNSHARE_P(P_HEAD, "D14: a second unshare(NEWPID)", S_PIDNS_UNSHARED, T_NEWPID, 0, T_LINUX),
	SETNS_P(P_HEAD, "setns directory (S2)", S_ROOT, FD_DIR, NULL, T_NEWUTS, CG_RULE_S2, EINVAL),
	SETNS_P(P_HEAD, "D12: setns /proc/<pid> (past H12-H15: S2, Linux's EINVAL)", S_ROOT,
		FD_PROC_SELF, NULL, T_NEWUTS, CG_RULE_S2, EINVAL),
	SETNS_P(P_HEAD, "D12: setns /proc/<pid>/task/<tid> (S2, Linux's EINVAL)", S_ROOT,
		FD_PROC_TASK, NULL, T_NEWUTS | T_NEWNET, CG_RULE_S2, EINVAL),
	SETNS_P(P_HEAD2, "D12: cgroup2: setns /proc/<pid> as NEWCGROUP (S2)", S_ROOT,
		FD_PROC_SELF, NULL, T_NEWCGROUP, CG_RULE_S2, EINVAL),
};

static const struct row rows_h1_h2[] = {
	CLONE_P(P_HEAD, "H1 clone PIDFD|PARENT_SETTID", S_ROOT, T_PIDFD | T_PARENT_SETTID | SIGCHLD_,
		CG_RULE_H1, EINVAL),
	CLONE_P(P_HEAD, "H1 before H2", S_ROOT, T_PIDFD | T_PARENT_SETTID | T_DETACHED | SIGCHLD_,
		CG_RULE_H1, EINVAL),
	CLONE_P(P_HEAD, "H2 clone PIDFD|DETACHED", S_ROOT, T_PIDFD | T_DETACHED | SIGCHLD_,
		CG_RULE_H2, EINVAL),
	CLONE_P(P_HEAD, "H2 before H5", S_ROOT, T_PIDFD | T_DETACHED | T_NEWCGROUP | SIGCHLD_,
		CG_RULE_H2, EINVAL),
	CLONE_P(P_HEAD, "clone PARENT_SETTID alone", S_ROOT, T_PARENT_SETTID | SIGCHLD_, 0, T_LINUX),
};

static const struct row rows_h3_h4[] = {
	CLONE3_P(P_HEAD, "H3 clone3 DETACHED", S_ROOT, T_DETACHED, SIGCHLD_, CG_RULE_H3, EINVAL),
	{ .name = "H3 before C3", .state = S_ROOT, .call = CALL_CLONE3, .flags = T_DETACHED,
	  .exit_signal = SIGCHLD_, .set_tid = true, .set_tid_size = 1, .profile = P_HEAD,
	  .rule = CG_RULE_H3, .expect = EINVAL },
	{ .name = "H3 cold struct", .state = S_ROOT, .call = CALL_CLONE3, .flags = T_DETACHED,
	  .exit_signal = SIGCHLD_, .cold = true, .profile = P_HEAD,
	  .rule = CG_RULE_H3, .expect = EINVAL },
	CLONE3_P(P_HEAD, "H4 clone3 thread with SIGCHLD", S_ROOT, T_THREAD_FLAGS, SIGCHLD_,
		 CG_RULE_H4, EINVAL),
	CLONE3_P(P_HEAD, "H4 clone3 PARENT with SIGCHLD", S_ROOT, T_PARENT, SIGCHLD_,
		 CG_RULE_H4, EINVAL),
	{ .name = "H4 before C3 (the seed says C3)", .state = S_ROOT, .call = CALL_CLONE3,
	  .flags = T_THREAD_FLAGS, .exit_signal = SIGCHLD_, .set_tid = true, .set_tid_size = 1,
	  .profile = P_HEAD, .rule = CG_RULE_H4, .expect = EINVAL },
	{ .name = "seed: the same is C3", .state = S_ROOT, .call = CALL_CLONE3,
	  .flags = T_THREAD_FLAGS, .exit_signal = SIGCHLD_, .set_tid = true, .set_tid_size = 1,
	  .rule = CG_RULE_C3, .expect = EOPNOTSUPP },
	{ .name = "H4 cold struct", .state = S_ROOT, .call = CALL_CLONE3, .flags = T_PARENT,
	  .exit_signal = SIGCHLD_, .cold = true, .profile = P_HEAD,
	  .rule = CG_RULE_H4, .expect = EINVAL },
	CLONE3_P(P_HEAD, "clone3 PARENT without exit signal", S_ROOT, T_PARENT, 0, 0, T_LINUX),
};

static const struct row rows_head_c1[] = {
	CLONE3_P(P_HEAD, "head: clone3 NEWTIME", S_ROOT, T_NEWTIME, SIGCHLD_, CG_RULE_C1, EINVAL),
	CLONE3_P(P_HEAD, "head: clone3 bit 34", S_ROOT, 1ULL << 34, SIGCHLD_, CG_RULE_C1, EINVAL),
	CLONE3_P(P_HEAD, "head: C1 before H5", S_ROOT, T_NEWTIME | T_NEWCGROUP, SIGCHLD_,
		 CG_RULE_C1, EINVAL),
	CLONE_P(P_HEAD, "head: clone exit signal 65 (C8)", S_ROOT, 65, CG_RULE_C8, EINVAL),
	CLONE_P(P_HEAD, "head: FS with NEWNS (C9)", S_ROOT, T_FS | T_NEWNS | SIGCHLD_,
		CG_RULE_C9, EINVAL),
	CLONE_P(P_HEAD, "head: unpriv NEWUTS (C13)", S_UNPRIV, T_NEWUTS | SIGCHLD_, CG_RULE_C13, EPERM),
	CLONE_P(P_HEAD, "head: THREAD after unshare(NEWPID) (C5)", S_PIDNS_UNSHARED,
		T_VM | T_SIGHAND | T_THREAD, CG_RULE_C5, EINVAL),
	CLONE_P(P_HEAD, "head: NEWUSER at depth 32 (C11)", S_USERNS_DEPTH31, T_NEWUSER | SIGCHLD_,
		CG_RULE_C11, EUSERS),
};

static const struct row rows_h5[] = {
	CLONE_P(P_HEAD, "H5 clone NEWCGROUP", S_ROOT, T_NEWCGROUP | SIGCHLD_, CG_RULE_H5, EINVAL),
	CLONE3_P(P_HEAD, "H5 clone3 NEWCGROUP", S_ROOT, T_NEWCGROUP, SIGCHLD_, CG_RULE_H5, EINVAL),
	CLONE3_P(P_HEAD, "H5 clone3 INTO_CGROUP", S_ROOT, T_INTO_CGROUP, SIGCHLD_, CG_RULE_H5, EINVAL),
	CLONE_P(P_HEAD, "H5 before C2", S_ROOT, T_NEWCGROUP | T_SIGHAND | SIGCHLD_, CG_RULE_H5, EINVAL),
	CLONE_P(P_HEAD, "H5 before C13", S_UNPRIV, T_NEWCGROUP | SIGCHLD_, CG_RULE_H5, EINVAL),
	CLONE_P(P_HEAD2, "cgroup2: clone NEWCGROUP", S_ROOT, T_NEWCGROUP | SIGCHLD_, 0, T_LINUX),
	CLONE3_P(P_HEAD2, "cgroup2: clone3 INTO_CGROUP (Linux decides the fd)", S_ROOT,
		 T_INTO_CGROUP, SIGCHLD_, 0, T_LINUX),
	CLONE_P(P_HEAD2, "cgroup2: unpriv NEWCGROUP (C13)", S_UNPRIV, T_NEWCGROUP | SIGCHLD_,
		CG_RULE_C13, EPERM),
};

static const struct row rows_h6[] = {
	CLONE3_P(P_HEAD, "H6 SIGHAND with CLEAR_SIGHAND", S_ROOT, T_VM | T_SIGHAND | T_CLEAR_SIGHAND,
		 SIGCHLD_, CG_RULE_H6, EINVAL),
	CLONE3_P(P_HEAD, "C2 before H6", S_ROOT, T_SIGHAND | T_CLEAR_SIGHAND, SIGCHLD_,
		 CG_RULE_C2, EINVAL),
	{ .name = "H6 before C3", .state = S_ROOT, .call = CALL_CLONE3,
	  .flags = T_VM | T_SIGHAND | T_CLEAR_SIGHAND, .exit_signal = SIGCHLD_, .set_tid = true,
	  .set_tid_size = 1, .profile = P_HEAD, .rule = CG_RULE_H6, .expect = EINVAL },
};

static const struct row rows_h7[] = {
	CLONE_P(P_HEAD, "H7 clone PARENT from a pid ns init", S_PIDNS_INIT, T_PARENT | SIGCHLD_,
		CG_RULE_H7, EINVAL),
	CLONE3_P(P_HEAD, "H7 clone3 PARENT from a pid ns init", S_PIDNS_INIT, T_PARENT, 0,
		 CG_RULE_H7, EINVAL),
	CLONE("seed: PARENT from a pid ns init (Linux's EINVAL)", S_PIDNS_INIT, T_PARENT | SIGCHLD_,
	      0, T_LINUX),
	CLONE_P(P_HEAD, "head: PARENT from another task", S_ROOT, T_PARENT | SIGCHLD_, 0, T_LINUX),
	CLONE_P(P_HEAD, "head: fork from a pid ns init", S_PIDNS_INIT, SIGCHLD_, 0, T_LINUX),
};

static const struct row rows_head_unshare[] = {
	UNSHARE_P(P_HEAD, "H10 unshare NEWCGROUP", S_ROOT, T_NEWCGROUP, CG_RULE_H10, EINVAL),
	UNSHARE_P(P_HEAD, "U1 before H10", S_ROOT, T_VM | T_NEWCGROUP, CG_RULE_U1, EINVAL),
	UNSHARE_P(P_HEAD, "H10 before U2", S_THREADED, T_NEWPID | T_NEWCGROUP, CG_RULE_H10, EINVAL),
	UNSHARE_P(P_HEAD, "head: threaded unshare NEWPID (U2)", S_THREADED, T_NEWPID,
		  CG_RULE_U2, EINVAL),
	UNSHARE_P(P_HEAD2, "cgroup2: unpriv unshare NEWCGROUP (U5)", S_UNPRIV, T_NEWCGROUP,
		  CG_RULE_U5, EPERM),
	UNSHARE_P(P_HEAD, "head: unpriv unshare NEWNS (U5)", S_UNPRIV, T_NEWNS, CG_RULE_U5, EPERM),
	UNSHARE_P(P_HEAD, "head: unpriv unshare NEWUSER|NEWNS", S_UNPRIV, T_NEWUSER | T_NEWNS,
		  0, T_LINUX),
	{ .name = "head: unshare NEWTIME dropped", .state = S_ROOT, .call = CALL_UNSHARE,
	  .flags = T_NEWTIME, .profile = P_HEAD, .rule = CG_RULE_UDROP, .expect = 0,
	  .unchanged = "/proc/self/ns/time_for_children" },
	{ .name = "head: unshare SYSVSEM|IO dropped", .state = S_ROOT, .call = CALL_UNSHARE,
	  .flags = T_SYSVSEM | T_IO, .profile = P_HEAD, .rule = CG_RULE_UDROP, .expect = 0 },
	{ .name = "cgroup2: NEWUTS|NEWTIME keeps NEWUTS", .state = S_ROOT, .call = CALL_UNSHARE,
	  .flags = T_NEWUTS | T_NEWTIME, .profile = P_HEAD2, .rule = CG_RULE_UDROP, .expect = 0,
	  .unchanged = "/proc/self/ns/time_for_children" },
};

static const struct row rows_head_setns[] = {
	SETNS_P(P_HEAD, "head: setns bad fd (S1 before H11)", S_ROOT, FD_BAD, NULL, T_NEWCGROUP,
		CG_RULE_S1, EBADF),
	SETNS_P(P_HEAD, "H11 cgroup ns as NEWCGROUP", S_ROOT, FD_NS, "cgroup", T_NEWCGROUP,
		CG_RULE_H11, EINVAL),
	SETNS_P(P_HEAD, "H11 before S3", S_ROOT, FD_NS, "net", T_NEWCGROUP, CG_RULE_H11, EINVAL),
	SETNS_P(P_HEAD, "H11 pidfd", S_ROOT, FD_PIDFD, NULL, T_NEWCGROUP | T_NEWUTS,
		CG_RULE_H11, EINVAL),
	SETNS_P(P_HEAD2, "cgroup2: setns cgroup ns", S_ROOT, FD_NS, "cgroup", T_NEWCGROUP, 0, T_LINUX),
	SETNS_P(P_HEAD, "head: setns cgroup ns with nstype 0 (S2)", S_ROOT, FD_NS, "cgroup", 0,
		CG_RULE_S2, EINVAL),
	SETNS_P(P_HEAD, "head: setns time ns (S2)", S_ROOT, FD_NS, "time", 0, CG_RULE_S2, EINVAL),
	SETNS_P(P_HEAD2, "cgroup2: setns time ns (S2)", S_ROOT, FD_NS, "time", 0, CG_RULE_S2, EINVAL),
	SETNS_P(P_HEAD, "head: setns pid ns as NEWNET (S3)", S_ROOT, FD_NS, "pid", T_NEWNET,
		CG_RULE_S3, EINVAL),
	SETNS_P(P_HEAD, "head: unpriv setns net (S4)", S_UNPRIV, FD_NS, "net", 0, CG_RULE_S4, EPERM),
	SETNS_P(P_HEAD, "head: unpriv setns mnt (S5)", S_UNPRIV, FD_NS, "mnt", 0, CG_RULE_S5, EPERM),
	SETNS_P(P_HEAD, "head: threaded setns mnt (S6)", S_THREADED, FD_NS, "mnt", 0,
		CG_RULE_S6, EINVAL),
};

static const struct row rows_h16[] = {
	SETNS_P(P_HEAD, "H16a own user ns", S_ROOT, FD_NS, "user", 0, CG_RULE_H16A, EINVAL),
	SETNS_P(P_HEAD, "H16a before H16b", S_THREADED, FD_NS, "user", T_NEWUSER, CG_RULE_H16A, EINVAL),
	SETNS_P(P_HEAD, "H16b threaded", S_THREADED, FD_USERNS_CHILD, NULL, 0, CG_RULE_H16B, EINVAL),
	SETNS_P(P_HEAD, "H16c shared fs", S_FS_SHARED, FD_USERNS_CHILD, NULL, 0, CG_RULE_H16C, EINVAL),
	SETNS_P(P_HEAD, "H16d parent user ns", S_USERNS, FD_NS, "user", 0, CG_RULE_H16D, EPERM),
	SETNS_P(P_HEAD, "head: setns child user ns as NEWUSER", S_ROOT, FD_USERNS_CHILD, NULL,
		T_NEWUSER, 0, T_LINUX),
};

static const struct row rows_h17[] = {
	SETNS_P(P_HEAD, "H17a unpriv", S_UNPRIV, FD_NS, "pid", 0, CG_RULE_H17A, EPERM),
	SETNS_P(P_HEAD, "H17b parent pid ns", S_PIDNS_INIT, FD_NS, "pid", 0, CG_RULE_H17B, EINVAL),
	SETNS_P(P_HEAD, "head: own active pid ns after unshare(NEWPID)", S_PIDNS_UNSHARED, FD_NS,
		"pid", 0, 0, T_LINUX),
	SETNS("seed: parent pid ns (S2)", S_PIDNS_INIT, FD_NS, "pid", 0, CG_RULE_S2, EINVAL),
};

static const struct row rows_h18[] = {
	SETNS_P(P_HEAD2, "H18 unpriv", S_UNPRIV, FD_NS, "cgroup", 0, CG_RULE_H18, EPERM),
	SETNS_P(P_HEAD2, "cgroup2: root setns own cgroup ns", S_ROOT, FD_NS, "cgroup", 0, 0, T_LINUX),
	SETNS_P(P_HEAD, "gate shut: unpriv setns cgroup ns (S2)", S_UNPRIV, FD_NS, "cgroup", 0,
		CG_RULE_S2, EINVAL),
};

/* The pidfd path (a pidfd, or a task's /proc directory), H12-H15, and the /proc quirk. */
static const struct row rows_h12[] = {
	SETNS_P(P_HEAD, "H12 pidfd to a zombie", S_ROOT, FD_PIDFD_ZOMBIE, NULL, T_NEWUTS,
		CG_RULE_H12, ESRCH),
	SETNS_P(P_HEAD, "H12 pidfd to a reaped child", S_ROOT, FD_PIDFD_REAPED, NULL, T_NEWUTS,
		CG_RULE_H12, ESRCH),
	SETNS_P(P_HEAD, "H12 /proc/<pid> of a zombie (Linux: EINVAL)", S_ROOT, FD_PROC_ZOMBIE,
		NULL, T_NEWUTS, CG_RULE_H12, ESRCH),
	SETNS_P(P_HEAD, "E3: H12 before H13 (Linux: EINVAL)", S_ROOT, FD_PIDFD_ZOMBIE, NULL, 0,
		CG_RULE_H12, ESRCH),
	SETNS_P(P_HEAD, "H11 before H12", S_ROOT, FD_PIDFD_ZOMBIE, NULL, T_NEWCGROUP,
		CG_RULE_H11, EINVAL),
	SETNS_P(P_HEAD2, "cgroup2: H12 pidfd to a zombie", S_ROOT, FD_PIDFD_ZOMBIE, NULL,
		T_NEWCGROUP, CG_RULE_H12, ESRCH),
};

static const struct row rows_h12_proc[] = {
	SETNS_P(P_HEAD, "H12.proc /proc/<pid>/cmdline (Linux: EINVAL)", S_ROOT, FD_PROC,
		"self/cmdline", T_NEWUTS, CG_RULE_H12_PROC, ESRCH),
	SETNS_P(P_HEAD, "H12.proc /proc/<pid>/ns, nstype 0", S_ROOT, FD_PROC, "self/ns", 0,
		CG_RULE_H12_PROC, ESRCH),
	SETNS_P(P_HEAD, "H12.proc /proc/<pid>/task", S_ROOT, FD_PROC, "self/task", T_NEWNET,
		CG_RULE_H12_PROC, ESRCH),
	SETNS_P(P_HEAD2, "cgroup2: H12.proc /proc/<pid>/status", S_ROOT, FD_PROC, "self/status",
		T_NEWUTS, CG_RULE_H12_PROC, ESRCH),
	SETNS_P(P_HEAD, "H11 before H12.proc", S_ROOT, FD_PROC, "self/cmdline", T_NEWCGROUP,
		CG_RULE_H11, EINVAL),
	SETNS_P(P_HEAD, "head: /proc/cpuinfo is no task's (S2)", S_ROOT, FD_PROC, "cpuinfo",
		T_NEWUTS, CG_RULE_S2, EINVAL),
};

static const struct row rows_h13[] = {
	SETNS_P(P_HEAD, "H13 pidfd nstype 0", S_ROOT, FD_PIDFD, NULL, 0, CG_RULE_H13, EINVAL),
	SETNS_P(P_HEAD, "H13 pidfd NEWTIME (Linux allows)", S_ROOT, FD_PIDFD, NULL, T_NEWTIME,
		CG_RULE_H13, EINVAL),
	SETNS_P(P_HEAD, "H13 pidfd NEWUTS|NEWTIME", S_ROOT, FD_PIDFD, NULL, T_NEWUTS | T_NEWTIME,
		CG_RULE_H13, EINVAL),
	SETNS_P(P_HEAD, "H13 pidfd exit-signal bit", S_ROOT, FD_PIDFD, NULL, 0x11, CG_RULE_H13,
		EINVAL),
	SETNS_P(P_HEAD, "H13 /proc/<pid> nstype 0", S_ROOT, FD_PROC_SELF, NULL, 0, CG_RULE_H13,
		EINVAL),
	SETNS_P(P_HEAD2, "cgroup2: H13 pidfd NEWTIME", S_ROOT, FD_PIDFD, NULL, T_NEWTIME,
		CG_RULE_H13, EINVAL),
	SETNS_P(P_HEAD2, "cgroup2: pidfd NEWCGROUP passes H13", S_ROOT, FD_PIDFD, NULL,
		T_NEWCGROUP, 0, T_LINUX),
	SETNS_P(P_HEAD, "head: pidfd NEWUTS|NEWIPC|NEWNET", S_ROOT, FD_PIDFD, NULL,
		T_NEWUTS | T_NEWIPC | T_NEWNET, 0, T_LINUX),
};

static const struct row rows_h14[] = {
	SETNS_P(P_HEAD, "H14 unpriv pidfd to pid 1", S_UNPRIV, FD_PIDFD_INIT, NULL, T_NEWUTS,
		CG_RULE_H14, EPERM),
	SETNS_P(P_HEAD, "H14 unpriv /proc/1 (Linux: EINVAL)", S_UNPRIV, FD_PROC_INIT, NULL,
		T_NEWUTS, CG_RULE_H14, EPERM),
	SETNS_P(P_HEAD, "H13 before H14", S_UNPRIV, FD_PIDFD_INIT, NULL, 0, CG_RULE_H13, EINVAL),
	SETNS_P(P_HEAD2, "cgroup2: H14 unpriv pidfd to pid 1", S_UNPRIV, FD_PIDFD_INIT, NULL,
		T_NEWNET, CG_RULE_H14, EPERM),
	SETNS_P(P_HEAD, "unpriv pidfd to itself passes H14, then S4 on its uts ns", S_UNPRIV,
		FD_PIDFD, NULL, T_NEWUTS, CG_RULE_S4, EPERM),
	SETNS_P(P_HEAD, "head: root pidfd to pid 1 (past H14: Linux)", S_ROOT, FD_PIDFD_INIT,
		NULL, T_NEWUTS, 0, T_LINUX),
};

/*
 * H15: the task has released its namespaces and is not a zombie yet (held
 * there by exiting_task.h). Linux's validate_nsset() answers ESRCH as well.
 */
static const struct row rows_h15[] = {
	SETNS_P(P_HEAD, "H15 pidfd to a task past its namespaces' release", S_ROOT,
		FD_PIDFD_EXITING, NULL, T_NEWUTS, CG_RULE_H15, ESRCH),
	SETNS_P(P_HEAD2, "cgroup2: H15, nstype NEWCGROUP|NEWNET", S_ROOT, FD_PIDFD_EXITING, NULL,
		T_NEWCGROUP | T_NEWNET, CG_RULE_H15, ESRCH),
	SETNS_P(P_HEAD, "H13 before H15 (NEWTIME; Linux: ESRCH)", S_ROOT, FD_PIDFD_EXITING, NULL,
		T_NEWTIME, CG_RULE_H13, EINVAL),
	SETNS_P(P_HEAD, "H14 before H15", S_UNPRIV, FD_PIDFD_EXITING, NULL, T_NEWUTS,
		CG_RULE_H14, EPERM),
	SETNS("seed: setns pidfd to an exiting task (S2)", S_ROOT, FD_PIDFD_EXITING, NULL,
	      T_NEWUTS, CG_RULE_S2, EINVAL),
};

/*
 * E4: a pidfd call's joins, on the target's namespaces, in gVisor's order
 * (user; pid, net, uts, ipc, cgroup, mnt), and after a user namespace join
 * with the credentials that join gives: every capability in the joined
 * namespace, none outside it (H16.creds, where the caller's own would have
 * passed). FD_PIDFD_USERNS's other namespaces are owned
 * by the initial user namespace, outside the one it unshared: Linux checks
 * their owners with the caller's credentials as they are, and lets root in.
 * Linux also checks a shared fs context only when NEWNS is the only type
 * (it joins on a copy otherwise); gVisor checks it whatever else is joined.
 */
static const struct row rows_e4[] = {
	SETNS_P(P_HEAD, "H16.creds: net after a user join (Linux allows)", S_ROOT,
		FD_PIDFD_USERNS, NULL, T_NEWUSER | T_NEWNET, CG_RULE_H16_CREDS, EPERM),
	SETNS_P(P_HEAD, "H16.creds: uts after a user join (Linux allows)", S_ROOT,
		FD_PIDFD_USERNS, NULL, T_NEWUSER | T_NEWUTS, CG_RULE_H16_CREDS, EPERM),
	SETNS_P(P_HEAD, "H16.creds: ipc after a user join (Linux allows)", S_ROOT,
		FD_PIDFD_USERNS, NULL, T_NEWUSER | T_NEWIPC, CG_RULE_H16_CREDS, EPERM),
	SETNS_P(P_HEAD, "H16.creds: mnt after a user join (Linux allows)", S_ROOT,
		FD_PIDFD_USERNS, NULL, T_NEWUSER | T_NEWNS, CG_RULE_H16_CREDS, EPERM),
	SETNS_P(P_HEAD, "H16.creds: pid after a user join (Linux allows)", S_ROOT, FD_PIDFD_USERNS,
		NULL, T_NEWUSER | T_NEWPID, CG_RULE_H16_CREDS, EPERM),
	SETNS_P(P_HEAD2, "cgroup2: H16.creds: cgroup after a user join (Linux allows)",
		S_ROOT, FD_PIDFD_USERNS, NULL, T_NEWUSER | T_NEWCGROUP, CG_RULE_H16_CREDS, EPERM),
	SETNS_P(P_HEAD, "H16.creds: mnt, root without CAP_SYS_CHROOT (Linux asks it in the joined ns)",
		S_NO_CHROOT_CAP, FD_PIDFD_USERNS, NULL, T_NEWUSER | T_NEWNS, CG_RULE_H16_CREDS,
		EPERM),
	SETNS_P(P_HEAD, "unpriv pidfd to itself: H17a before S5 (Linux: mnt first)", S_UNPRIV,
		FD_PIDFD, NULL, T_NEWNS | T_NEWPID, CG_RULE_H17A, EPERM),
	SETNS_P(P_HEAD, "H16a pidfd to itself with NEWUSER", S_ROOT, FD_PIDFD, NULL,
		T_NEWUSER | T_NEWUTS, CG_RULE_H16A, EINVAL),
	SETNS_P(P_HEAD, "H16b threaded caller", S_THREADED, FD_PIDFD_USERNS, NULL,
		T_NEWUSER | T_NEWNET, CG_RULE_H16B, EINVAL),
	SETNS_P(P_HEAD, "H16c shared fs context", S_FS_SHARED, FD_PIDFD_USERNS, NULL,
		T_NEWUSER | T_NEWNET, CG_RULE_H16C, EINVAL),
	SETNS_P(P_HEAD, "S6 shared fs, NEWNS|NEWUTS (Linux joins on a copy)", S_FS_SHARED,
		FD_PIDFD, NULL, T_NEWNS | T_NEWUTS, CG_RULE_S6, EINVAL),
	SETNS_P(P_HEAD, "S6 shared fs, NEWNS alone", S_FS_SHARED, FD_PIDFD, NULL, T_NEWNS,
		CG_RULE_S6, EINVAL),
	SETNS_P(P_HEAD, "head: pidfd user join alone", S_ROOT, FD_PIDFD_USERNS, NULL, T_NEWUSER,
		0, T_LINUX),
	SETNS_P(P_HEAD, "head: pidfd NEWNET|NEWNS|NEWPID without the user join", S_ROOT,
		FD_PIDFD_USERNS, NULL, T_NEWNET | T_NEWNS | T_NEWPID, 0, T_LINUX),
	SETNS("seed: pidfd with NEWUSER|NEWNET (S2)", S_ROOT, FD_PIDFD_USERNS, NULL,
	      T_NEWUSER | T_NEWNET, CG_RULE_S2, EINVAL),
};

/*
 * C5.setns, C6.setns: gVisor remembers any successful setns into a pid
 * namespace, even the caller's own active one, and then refuses THREAD and
 * NEWPID; Linux allows both after a join of the own namespace. The join is
 * made inside the scope (the row's join), then the call.
 */
#define JOINED(pr, n, st, j, jr, cl, fl, sig, rl, ex) \
	{ .name = n, .state = st, .join = j, .join_rule = jr, .call = cl, .flags = fl, \
	  .exit_signal = sig, .profile = pr, .rule = rl, .expect = ex }
#define T_THREAD_MIN	(T_VM | T_SIGHAND | T_THREAD)

static const struct row rows_c5_c6_setns[] = {
	JOINED(P_HEAD, "C5.setns: THREAD after setns(own pid ns)", S_ROOT, JOIN_PIDNS, 0,
	       CALL_CLONE, T_THREAD_MIN, 0, CG_RULE_C5_SETNS, EINVAL),
	JOINED(P_HEAD, "C5.setns: clone3 thread after a pidfd NEWPID join", S_ROOT,
	       JOIN_PIDFD_NEWPID, 0, CALL_CLONE3, T_THREAD_FLAGS, 0, CG_RULE_C5_SETNS, EINVAL),
	JOINED(P_HEAD, "C6.setns: NEWPID after setns(own pid ns, NEWPID)", S_ROOT,
	       JOIN_PIDNS_NEWPID, 0, CALL_CLONE, T_NEWPID | SIGCHLD_, 0, CG_RULE_C6_SETNS, EINVAL),
	JOINED(P_HEAD, "C6.setns: NEWPID after a pidfd NEWPID join", S_ROOT, JOIN_PIDFD_NEWPID, 0,
	       CALL_CLONE, T_NEWPID | SIGCHLD_, 0, CG_RULE_C6_SETNS, EINVAL),
	JOINED(P_HEAD, "C5 before C5.setns (THREAD|NEWPID)", S_ROOT, JOIN_PIDNS, 0, CALL_CLONE,
	       T_THREAD_MIN | T_NEWPID, 0, CG_RULE_C5, EINVAL),
	JOINED(P_HEAD, "C5.setns: unshare(NEWPID), then setns(own active pid ns)",
	       S_PIDNS_UNSHARED, JOIN_PIDNS, 0, CALL_CLONE, T_THREAD_MIN, 0, CG_RULE_C5_SETNS,
	       EINVAL),
	JOINED(P_HEAD2, "cgroup2: C5.setns", S_ROOT, JOIN_PIDNS, 0, CALL_CLONE, T_THREAD_MIN, 0,
	       CG_RULE_C5_SETNS, EINVAL),
	JOINED(P_HEAD, "fork after setns(own pid ns)", S_ROOT, JOIN_PIDNS, 0, CALL_CLONE,
	       SIGCHLD_, 0, 0, T_LINUX),
	JOINED(P_HEAD, "pidfd NEWUTS join: no pid ns joined", S_ROOT, JOIN_PIDFD_UTS, 0,
	       CALL_CLONE, T_THREAD_MIN, 0, 0, T_LINUX),
	JOINED(P_HEAD, "setns(own net ns): no pid ns joined", S_ROOT, JOIN_NET, 0, CALL_CLONE,
	       T_NEWPID | SIGCHLD_, 0, 0, T_LINUX),
	JOINED(P_HEAD, "failed setns (EBADF) remembers nothing", S_ROOT, JOIN_BAD_FD, CG_RULE_S1,
	       CALL_CLONE, T_THREAD_MIN, 0, 0, T_LINUX),
	JOINED(P_HEAD, "failed setns (pid ns as NEWNET) remembers nothing", S_ROOT,
	       JOIN_PIDNS_AS_NET, CG_RULE_S3, CALL_CLONE, T_THREAD_MIN, 0, 0, T_LINUX),
	JOINED(P_HEAD, "failed pidfd join (H17a; audit: Linux's EPERM) remembers nothing",
	       S_USERNS, JOIN_PIDFD_NET, CG_RULE_H17A, CALL_CLONE, T_THREAD_MIN, 0, 0, T_LINUX),
	JOINED(P_HEAD, "failed setns (H17a; audit: Linux's EPERM) remembers nothing", S_USERNS,
	       JOIN_PIDNS, CG_RULE_H17A, CALL_CLONE, T_NEWPID | SIGCHLD_, 0, 0, T_LINUX),
	{ .name = "a child forked after the join does not inherit it", .state = S_ROOT,
	  .join = JOIN_PIDNS, .in_child = true, .call = CALL_CLONE, .flags = T_THREAD_MIN,
	  .profile = P_HEAD, .expect = T_LINUX },
	JOINED(P_SEED, "seed: THREAD after setns(own pid ns) (S2 audited)", S_ROOT, JOIN_PIDNS,
	       CG_RULE_S2, CALL_CLONE, T_THREAD_MIN, 0, 0, T_LINUX),
	JOINED(P_SEED, "seed: NEWPID after a pidfd NEWPID join (S2 audited)", S_ROOT,
	       JOIN_PIDFD_NEWPID, CG_RULE_S2, CALL_CLONE, T_NEWPID | SIGCHLD_, 0, 0, T_LINUX),
};

/* ---- the fixture: one cgroup scope per test, one variant per mode ---- */

FIXTURE(rules) {
	struct t_cgroup cg;	/* T_BPF: the binary's cgroups instead (rules_bpf.h) */
	bool ready;
};

FIXTURE_VARIANT(rules) {
	uint32_t mode;
};

FIXTURE_VARIANT_ADD(rules, enforce) { .mode = CG_MODE_ENFORCE };
FIXTURE_VARIANT_ADD(rules, audit) { .mode = CG_MODE_AUDIT };
#if !T_BPF
/* The BPF backend has no mode off: a policy is attached or it is not. */
FIXTURE_VARIANT_ADD(rules, off) { .mode = CG_MODE_OFF };
#endif

FIXTURE_SETUP(rules)
{
#if T_BPF
	self->cg.fd = -1;
#else
	T_CGROUP_SETUP(self, "rules");
#endif
	self->ready = true;
}

FIXTURE_TEARDOWN(rules)
{
	t_cgroup_teardown(&self->cg);
}

#if !T_BPF
static uint64_t t_sum(const __u64 *v, int n)
{
	uint64_t s = 0;

	while (n--)
		s += v[n];
	return s;
}

static int t_entry_of(const struct row *r)
{
	static const int e64[] = {
		[CALL_CLONE] = CG_ENTRY_CLONE, [CALL_CLONE3] = CG_ENTRY_CLONE3,
		[CALL_FORK] = CG_ENTRY_FORK, [CALL_VFORK] = CG_ENTRY_VFORK,
		[CALL_UNSHARE] = CG_ENTRY_UNSHARE, [CALL_SETNS] = CG_ENTRY_SETNS,
	};
	static const int e32[] = {
		[CALL_CLONE] = CG_ENTRY_IA32_CLONE, [CALL_CLONE3] = CG_ENTRY_IA32_CLONE3,
		[CALL_FORK] = CG_ENTRY_IA32_FORK, [CALL_VFORK] = CG_ENTRY_IA32_VFORK,
		[CALL_UNSHARE] = CG_ENTRY_IA32_UNSHARE, [CALL_SETNS] = CG_ENTRY_IA32_SETNS,
	};

	return T_IA32 ? e32[r->call] : e64[r->call];
}

static void t_run_rows(struct __test_metadata *_metadata, FIXTURE_DATA(rules) *self,
		       uint32_t mode, const struct row *rows, size_t n)
{
	size_t i;

	/* The 6.1 harness runs the body even after SKIP() in setup. */
	if (!self->ready)
		return;
	for (i = 0; i < n; i++) {
		const struct row *r = &rows[i];
		struct cg_counters c0, c1;
		struct outcome base, got;
		long want;

		/* Linux's answer, with no policy. */
		t_remove(self->cg.fd, CG_SCOPE_CGROUP);
		base = t_run(r, &self->cg);
		ASSERT_EQ(0, base.setup) TH_LOG("%s: subject set-up failed", r->name);

		ASSERT_EQ(0, t_apply(self->cg.fd, CG_SCOPE_CGROUP, r->profile, mode));
		ASSERT_EQ(0, t_counters(&c0));
		got = t_run(r, &self->cg);
		ASSERT_EQ(0, t_counters(&c1));
		ASSERT_EQ(0, got.setup) TH_LOG("%s: subject set-up failed", r->name);

		if (mode == CG_MODE_ENFORCE && r->expect != T_LINUX)
			want = -r->expect;
		else
			want = base.ret;
		EXPECT_EQ(want, got.ret) TH_LOG("%s (%s): linux said %ld", r->name,
						T_IA32 ? "ia32" : "x86-64", base.ret);
		/* The join: Linux's answer, or refused by its own rule. */
		if (r->join && mode == CG_MODE_ENFORCE && r->join_rule) {
			EXPECT_NE(0, got.join_ret) TH_LOG("%s: the join", r->name);
		} else if (r->join) {
			EXPECT_EQ(base.join_ret, got.join_ret) TH_LOG("%s: the join", r->name);
		}

		/* Exactly the row's rule moves, in the mode's counter. */
		if (mode == CG_MODE_ENFORCE && r->rule == CG_RULE_UDROP) {
			EXPECT_EQ(1, c1.dropped[t_entry_of(r)] - c0.dropped[t_entry_of(r)])
				TH_LOG("%s: dropped counter", r->name);
			EXPECT_FALSE(got.changed) TH_LOG("%s: the host acted on a dropped bit", r->name);
		} else if (mode == CG_MODE_ENFORCE && r->rule) {
			EXPECT_EQ(1 + (r->join_rule == r->rule),
				  c1.refused[r->rule] - c0.refused[r->rule])
				TH_LOG("%s: refused[%d]", r->name, r->rule);
		} else if (mode == CG_MODE_AUDIT && r->rule) {
			EXPECT_EQ(1 + (r->join_rule == r->rule),
				  c1.audited[r->rule] - c0.audited[r->rule])
				TH_LOG("%s: audited[%d]", r->name, r->rule);
		}
		if (mode == CG_MODE_ENFORCE && r->join_rule) {
			EXPECT_EQ((r->join_rule == r->rule) + 1,
				  c1.refused[r->join_rule] - c0.refused[r->join_rule])
				TH_LOG("%s: refused[%d] (the join)", r->name, r->join_rule);
		} else if (mode == CG_MODE_AUDIT && r->join_rule) {
			EXPECT_EQ((r->join_rule == r->rule) + 1,
				  c1.audited[r->join_rule] - c0.audited[r->join_rule])
				TH_LOG("%s: audited[%d] (the join)", r->name, r->join_rule);
		}
		EXPECT_EQ((mode == CG_MODE_ENFORCE && r->rule && r->rule != CG_RULE_UDROP ? 1 : 0) +
			  (mode == CG_MODE_ENFORCE && r->join_rule ? 1 : 0),
			  t_sum(c1.refused, CG_RULE_SLOTS) - t_sum(c0.refused, CG_RULE_SLOTS))
			TH_LOG("%s: total refusals", r->name);
		EXPECT_EQ((mode == CG_MODE_AUDIT && r->rule ? 1 : 0) +
			  (mode == CG_MODE_AUDIT && r->join_rule ? 1 : 0),
			  t_sum(c1.audited, CG_RULE_SLOTS) - t_sum(c0.audited, CG_RULE_SLOTS))
			TH_LOG("%s: total audits", r->name);
		if (mode == CG_MODE_OFF) {
			EXPECT_EQ(0, t_sum(c1.checked, CG_ENTRY_SLOTS) -
				     t_sum(c0.checked, CG_ENTRY_SLOTS));
		} else if (r->cold) {
			/* A restarted call is still one call. */
			EXPECT_EQ(1, c1.checked[t_entry_of(r)] - c0.checked[t_entry_of(r)])
				TH_LOG("%s: checked[%d]", r->name, t_entry_of(r));
		} else {
			EXPECT_LE(1, c1.checked[t_entry_of(r)] - c0.checked[t_entry_of(r)])
				TH_LOG("%s: checked[%d]", r->name, t_entry_of(r));
		}
		if (mode != CG_MODE_ENFORCE && r->unchanged) {
			EXPECT_EQ(base.changed, got.changed);
		}
	}
}
#endif /* T_BPF */

#if T_BPF
#define RULE_TEST(name, table) \
	TEST_F(rules, name) { t_run_rows_bpf(_metadata, variant->mode, table, \
					     sizeof(table) / sizeof(table[0])); }
#else
#define RULE_TEST(name, table) \
	TEST_F(rules, name) { t_run_rows(_metadata, self, variant->mode, table, \
					 sizeof(table) / sizeof(table[0])); }
#endif

RULE_TEST(allowed, rows_allowed)
RULE_TEST(A1_clone3_size, rows_a1)
RULE_TEST(C1_unsupported_flags, rows_c1)
RULE_TEST(C2_sighand_without_vm, rows_c2)
RULE_TEST(C3_set_tid, rows_c3)
RULE_TEST(C1_C3_cold_clone3_struct, rows_cold)
RULE_TEST(C4_thread_without_sighand, rows_c4)
RULE_TEST(C5_thread_and_pidns, rows_c5)
RULE_TEST(C6_newpid_after_unshare, rows_c6)
RULE_TEST(C7_newuser_thread_or_fs, rows_c7)
RULE_TEST(C8_exit_signal, rows_c8)
RULE_TEST(C9_fs_and_newns, rows_c9)
RULE_TEST(C10_chrooted_newuser, rows_c10)
RULE_TEST(C11_userns_depth, rows_c11)
RULE_TEST(C12_unmapped_ids, rows_c12)
RULE_TEST(C13_cap_sys_admin, rows_c13)
RULE_TEST(U1_vm_sighand, rows_u1)
RULE_TEST(U2_multithreaded, rows_u2)
RULE_TEST(U3_chrooted, rows_u3)
RULE_TEST(U4_depth_and_ids, rows_u4)
RULE_TEST(U5_cap_sys_admin, rows_u5)
RULE_TEST(Udrop_ignored_bits, rows_udrop)
RULE_TEST(S1_bad_fd, rows_s1)
RULE_TEST(S2_ns_type, rows_s2)
RULE_TEST(S3_nstype_mismatch, rows_s3)
RULE_TEST(S4_cap_sys_admin, rows_s4)
RULE_TEST(S5_mnt_caps, rows_s5)
RULE_TEST(S6_shared_fs, rows_s6)
RULE_TEST(head_vs_seed, rows_head_vs_seed)
RULE_TEST(head_linux_answers, rows_head_linux)
RULE_TEST(H1_H2_legacy_pidfd, rows_h1_h2)
RULE_TEST(H3_H4_clone3_args, rows_h3_h4)
RULE_TEST(head_C1_C13, rows_head_c1)
RULE_TEST(H5_cgroup2_gate, rows_h5)
RULE_TEST(H6_clear_sighand, rows_h6)
RULE_TEST(H7_parent_from_init, rows_h7)
RULE_TEST(H10_U_head_unshare, rows_head_unshare)
RULE_TEST(H11_S_head_setns, rows_head_setns)
RULE_TEST(H12_pidfd_dead, rows_h12)
RULE_TEST(H12_proc_quirk, rows_h12_proc)
RULE_TEST(H13_pidfd_nstype, rows_h13)
RULE_TEST(H14_pidfd_ptrace, rows_h14)
RULE_TEST(H15_pidfd_exiting, rows_h15)
RULE_TEST(E4_pidfd_joins, rows_e4)
RULE_TEST(H16_join_user_ns, rows_h16)
RULE_TEST(H17_join_pid_ns, rows_h17)
RULE_TEST(H18_join_cgroup_ns, rows_h18)
RULE_TEST(C5_C6_setns_pid_sticky, rows_c5_c6_setns)

TEST_HARNESS_MAIN
