/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the clonegate selftests: the module's control device,
 * a scoped test cgroup, raw clone-family syscalls for both ABIs, and a
 * "subject" process whose credentials are set up before it enters the scope.
 *
 * The tests include the ABI header (ioctl structs, rule ids), but never the
 * module's tables: expected errnos are written down here from the spec.
 */
#ifndef CG_TEST_H
#define CG_TEST_H

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clonegate/abi.h"
#include "clonegate/free_tid.h"
#include "clonegate/raw_clone.h"

/* Flag values from the spec, section 1. */
#define T_NEWTIME	0x00000080ULL
#define T_VM		0x00000100ULL
#define T_FS		0x00000200ULL
#define T_FILES		0x00000400ULL
#define T_SIGHAND	0x00000800ULL
#define T_PIDFD		0x00001000ULL
#define T_VFORK		0x00004000ULL
#define T_PARENT	0x00008000ULL
#define T_THREAD	0x00010000ULL
#define T_NEWNS		0x00020000ULL
#define T_SYSVSEM	0x00040000ULL
#define T_SETTLS	0x00080000ULL
#define T_DETACHED	0x00400000ULL
#define T_NEWCGROUP	0x02000000ULL
#define T_NEWUTS	0x04000000ULL
#define T_NEWIPC	0x08000000ULL
#define T_NEWUSER	0x10000000ULL
#define T_NEWPID	0x20000000ULL
#define T_NEWNET	0x40000000ULL
#define T_IO		0x80000000ULL
#define T_CLEAR_SIGHAND	0x100000000ULL
#define T_INTO_CGROUP	0x200000000ULL

#ifndef EOPNOTSUPP
#define EOPNOTSUPP 95
#endif

/* Syscall numbers of the ABI this binary is built for. */
#ifdef __i386__
#define T_NR_FORK	2
#define T_NR_VFORK	190
#define T_NR_UNSHARE	310
#define T_NR_SETNS	346
#define T_IA32		1
#else
#define T_NR_FORK	57
#define T_NR_VFORK	58
#define T_NR_UNSHARE	272
#define T_NR_SETNS	308
#define T_IA32		0
#endif
#define T_NR_CLONE	CG_RAW_NR_CLONE		/* per ABI, in raw_clone.h */
#define T_NR_CLONE3	CG_RAW_NR_CLONE3
#define T_NR_PIDFD_OPEN	434

struct t_clone_args {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack,
		 stack_size, tls, set_tid, set_tid_size, cgroup;
	uint64_t tail[4];	/* room for oversized-size tests */
};

/* Raw clone and clone3 whose child exits at once: <clonegate/raw_clone.h>. */
static inline long t_sys_clone_exit(uint64_t flags, void *ptid, void *ctid)
{
	return cg_raw_clone_exit(flags, ptid, ctid);
}

static inline long t_sys_clone3_exit(struct t_clone_args *args, size_t size)
{
	return cg_raw_clone3_exit(args, size);
}

/* fork and vfork through their own syscalls (not glibc's clone-based fork). */
static inline long t_sys_fork_exit(int nr)
{
	return cg_raw_fork_exit(nr);
}

static inline long t_syscall_ret(long r)
{
	return r == -1 ? -errno : r;
}

static inline long t_unshare(uint64_t flags)
{
	return t_syscall_ret(syscall(T_NR_UNSHARE, (unsigned long)flags));
}

static inline long t_setns(int fd, int nstype)
{
	return t_syscall_ret(syscall(T_NR_SETNS, fd, nstype));
}

/* Reap every child of the caller (exit signals may be anything). */
static inline void t_reap_all(void)
{
	while (waitpid(-1, NULL, __WALL) > 0)
		;
}

/* ---- the module and the command, where the test guest has them ---- */

static inline const char *t_module_path(void)
{
	const char *p = getenv("CLONEGATE_KO");

	return p && *p ? p : "/clonegate/clonegate.ko";
}

/* Load clonegate.ko (t_module_path()): 0 or -errno. */
static inline int t_module_load(void)
{
	int fd = open(t_module_path(), O_RDONLY | O_CLOEXEC), ret;

	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, "", 0) ? -errno : 0;
	close(fd);
	return ret;
}

static inline int t_module_unload(void)
{
	return syscall(SYS_delete_module, "clonegate", 0) ? -errno : 0;
}

/* The clonegate command: CLONEGATE_BIN, else the guest's. */
static inline const char *t_cli(void)
{
	const char *p = getenv("CLONEGATE_BIN");

	return p && *p ? p : "/clonegate/bin/clonegate";
}

/* ---- the control device ---- */

static inline int t_ctl_fd(void)
{
	return open(CLONEGATE_DEVICE, O_RDWR | O_CLOEXEC);
}

static inline int t_ctl(int req, void *arg)
{
	int fd = t_ctl_fd(), ret;

	if (fd < 0)
		return -errno;
	ret = ioctl(fd, req, arg) ? -errno : 0;
	close(fd);
	return ret;
}

static inline int t_apply(int cgfd, uint32_t scope, uint32_t profile, uint32_t mode)
{
	struct cg_policy p = {
		.size = sizeof(p), .scope = scope, .cgroup_fd = cgfd,
		.profile = profile, .mode = mode,
	};

	if (scope == CG_SCOPE_GLOBAL)
		p.cgroup_fd = -1;
	return t_ctl(CLONEGATE_IOC_APPLY, &p);
}

static inline int t_remove(int cgfd, uint32_t scope)
{
	struct cg_policy p = { .size = sizeof(p), .scope = scope, .cgroup_fd = cgfd };

	if (scope == CG_SCOPE_GLOBAL)
		p.cgroup_fd = -1;
	return t_ctl(CLONEGATE_IOC_REMOVE, &p);
}

static inline int t_counters(struct cg_counters *c)
{
	memset(c, 0, sizeof(*c));
	c->size = sizeof(*c);
	return t_ctl(CLONEGATE_IOC_COUNTERS, c);
}

/* ---- a test cgroup ---- */

struct t_cgroup {
	char path[256];
	int fd;
};

static inline int t_cgroup_create(struct t_cgroup *cg, const char *tag)
{
	snprintf(cg->path, sizeof(cg->path), "/sys/fs/cgroup/cgtest-%s-%d", tag, getpid());
	if (mkdir(cg->path, 0755) && errno != EEXIST)
		return -errno;
	cg->fd = open(cg->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return cg->fd < 0 ? -errno : 0;
}

static inline int t_cgroup_enter(const struct t_cgroup *cg, pid_t pid)
{
	char p[300], buf[32];
	int fd, n, ret = 0;

	snprintf(p, sizeof(p), "%s/cgroup.procs", cg->path);
	fd = open(p, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = snprintf(buf, sizeof(buf), "%d\n", pid);
	if (write(fd, buf, n) != n)
		ret = -errno;
	close(fd);
	return ret;
}

static inline void t_cgroup_destroy(struct t_cgroup *cg)
{
	if (cg->fd >= 0)
		close(cg->fd);
	cg->fd = -1;
	rmdir(cg->path);
}

/*
 * A fixture's test cgroup (members struct t_cgroup cg and bool ready). In
 * FIXTURE_SETUP, T_CGROUP_SETUP(self, TAG) skips when the module is not
 * loaded, else creates cgtest-TAG-PID (or fails the setup); the setup sets
 * self->ready itself when all of it is done. In FIXTURE_TEARDOWN,
 * t_cgroup_teardown(&self->cg) removes the cgroup's scope and the cgroup.
 */
#define T_CGROUP_SETUP(self, tag)					\
	do {								\
		(self)->ready = false;					\
		(self)->cg.fd = -1;					\
		if (access(CLONEGATE_DEVICE, F_OK))			\
			SKIP(return, "clonegate module not loaded");	\
		ASSERT_EQ(0, t_cgroup_create(&(self)->cg, tag));	\
	} while (0)

static inline void t_cgroup_teardown(struct t_cgroup *cg)
{
	if (cg->fd >= 0) {
		t_remove(cg->fd, CG_SCOPE_CGROUP);
		t_cgroup_destroy(cg);
	}
}

/* ---- a process in the test cgroup ---- */

/*
 * Fork a child that moves itself into @cg before the caller's code runs in
 * it: 0 in the child (in @cg), the child's pid in the parent, -1 if fork
 * failed. A child that cannot join exits with status @fail.
 */
static inline pid_t t_fork_in(const struct t_cgroup *cg, int fail)
{
	pid_t pid = fork();

	if (pid == 0 && t_cgroup_enter(cg, getpid()))
		_exit(fail);
	return pid;
}

/*
 * A subject that its parent, outside every scope, places into a cgroup once
 * the subject has set itself up (credentials, files) where it started:
 *
 *	pid = t_subject_fork(&s);		-1 (errno) if pipe or fork failed
 *	child:  set-up; if (!t_subject_wait(&s)) _exit(1); the calls in @cg
 *	parent: t_subject_go(&s, cg); then wait for pid (also s.pid)
 *
 * The parent calls t_subject_go() once for every child it got; it closes the
 * pipes, so a subject whose parent could not place it sees end of file in
 * t_subject_wait() and does not run.
 */
struct t_subject {
	pid_t pid;
	int ready[2];	/* the subject's "set up" byte */
	int go[2];	/* the parent's "placed" byte */
};

static inline pid_t t_subject_fork(struct t_subject *s)
{
	pid_t pid;
	int e;

	if (pipe(s->ready))
		return -1;
	if (pipe(s->go)) {
		e = errno;
		close(s->ready[0]);
		close(s->ready[1]);
		errno = e;
		return -1;
	}
	pid = s->pid = fork();
	e = errno;
	if (pid == 0) {
		close(s->ready[0]);
		close(s->go[1]);
	} else {
		/* go[0] stays open until the byte is written: no SIGPIPE. */
		close(s->ready[1]);
		if (pid < 0) {
			close(s->ready[0]);
			close(s->go[0]);
			close(s->go[1]);
		}
	}
	errno = e;
	return pid;
}

/* In the subject, set up: true once the parent has placed it. */
static inline bool t_subject_wait(struct t_subject *s)
{
	char c = 0;

	return write(s->ready[1], &c, 1) == 1 && read(s->go[0], &c, 1) == 1;
}

/*
 * In the parent: wait until the subject is set up, move it into @cg (NULL:
 * leave it where it is) and let it go. 0, or -errno of the move, or -EPIPE
 * when the subject was gone.
 */
static inline int t_subject_go(struct t_subject *s, const struct t_cgroup *cg)
{
	char c = 0;
	int ret = 0;

	if (read(s->ready[0], &c, 1) != 1)
		ret = -EPIPE;
	else if (cg)
		ret = t_cgroup_enter(cg, s->pid);
	if (!ret && write(s->go[1], &c, 1) != 1)
		ret = -EPIPE;
	close(s->ready[0]);
	close(s->go[0]);
	close(s->go[1]);
	return ret;
}

/* ---- file helpers ---- */

static inline int t_write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ret = 0;
	ssize_t n = (ssize_t)strlen(s);

	if (fd < 0)
		return -errno;
	if (write(fd, s, n) != n)
		ret = -errno;
	close(fd);
	return ret;
}

/* A small file's contents, NUL-terminated: the length, or -errno. */
static inline ssize_t t_read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	if (n < 0)
		n = -errno;
	close(fd);
	buf[n < 0 ? 0 : n] = '\0';
	return n;
}

static inline unsigned long t_ns_inode(const char *path)
{
	struct stat st;

	return stat(path, &st) ? 0 : (unsigned long)st.st_ino;
}

/* ---- subject credentials ---- */

/* In a fresh user namespace: map root to the creator's ids, setgroups denied. */
static inline int t_map_self(void)
{
	int ret = t_write_file("/proc/self/setgroups", "deny");

	if (!ret)
		ret = t_write_file("/proc/self/uid_map", "0 0 1");
	if (!ret)
		ret = t_write_file("/proc/self/gid_map", "0 0 1");
	return ret;
}

/* Become uid/gid 65534 (nobody): every capability goes with root. */
static inline int t_drop_to_nobody(void)
{
	if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
		return -errno;
	return 0;
}

/* Drop one capability from the effective set. */
static inline int t_drop_cap(int cap)
{
	struct { uint32_t version; int pid; } hdr = { 0x20080522, 0 };
	struct { uint32_t eff, perm, inh; } data[2];

	if (syscall(SYS_capget, &hdr, data))
		return -errno;
	data[cap / 32].eff &= ~(1u << (cap % 32));
	return syscall(SYS_capset, &hdr, data) ? -errno : 0;
}

/* ---- races: the clone3 flag flip (policy_race, bypass), setns (bypass) ---- */

/*
 * A flipper thread rewrites a struct clone_args in place, cycling through
 * four states (allowed, CLONE_PIDFD, allowed, set_tid = { tid[0] }) while
 * callers keep passing it to clone3. A refused value that got through is
 * visible: CLONE_PIDFD writes a pidfd into *pidfd, set_tid gives the child
 * the pid tid[0].
 *
 * Whether a given call sees an allowed or a refused struct is up to the
 * scheduler: under single-threaded TCG only one vCPU runs at a time, so a
 * spinning flipper freezes in whatever state it was in while the callers
 * run, mostly a refused one. So every 64th cycle the flipper holds an
 * allowed state asleep (T_RACE_NAP_US) and the callers, runnable on the
 * other CPU, make calls that see it; callers start once the flipper has.
 * A race runs its minimum number of calls, then goes on until it has seen
 * both a created child and a refusal, for at most T_RACE_BOTH_MS: the safety
 * property is asserted on every call, "the race was exercised" without luck.
 * (The deterministic proof that the kernel's copy decides is policy_race's
 * kernel_copy_decides.) README's testing section gives the measured time
 * to both outcomes; the bound is far above its maximum.
 */
#define T_RACE_BOTH_MS	60000

struct t_flip_tally {
	long ok, refused, other, leaked_pidfd, leaked_tid, other_errno;
};

static inline long long t_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* The flipper's step n: state n % 4. */
static inline void t_flip_state(struct t_clone_args *a, unsigned long n, int *tid)
{
	bool set_tid = n % 4 == 3;

	__atomic_store_n(&a->flags, n % 4 == 1 ? T_PIDFD : 0, __ATOMIC_RELAXED);
	__atomic_store_n(&a->set_tid, set_tid ? (uintptr_t)tid : 0, __ATOMIC_RELAXED);
	__atomic_store_n(&a->set_tid_size, set_tid ? 1 : 0, __ATOMIC_RELAXED);
}

#define T_FLIP_MAX	2
#define T_RACE_NAP_US	200

/* The flipper thread's work: nargs structs, each state held for spin turns. */
struct t_flipper {
	struct t_clone_args *args[T_FLIP_MAX];
	int *tid[T_FLIP_MAX];
	int nargs;
	unsigned long spin;
	volatile int stop;
	unsigned long steps;	/* states set so far */
};

/*
 * A racing thread's pause in an allowed state (see above): asleep, so that
 * the callers on the other CPU run against it.
 */
static inline void t_race_nap(void)
{
	const struct timespec nap = { .tv_nsec = T_RACE_NAP_US * 1000 };

	nanosleep(&nap, NULL);
}

static inline void *t_flipper_run(void *arg)
{
	struct t_flipper *f = arg;
	unsigned long n, spin;
	int i;

	for (n = 0; !f->stop; n++) {
		for (i = 0; i < f->nargs; i++)
			t_flip_state(f->args[i], n, f->tid[i]);
		__atomic_store_n(&f->steps, n + 1, __ATOMIC_RELEASE);
		if (n % 64 == 62) {	/* 62 % 4 == 2: allowed */
			t_race_nap();
			continue;
		}
		for (spin = 0; spin < f->spin && !f->stop; spin++)
			__asm__ volatile("" ::: "memory");
	}
	return NULL;
}

/* A caller's start: once the flipper has set a state. */
static inline void t_flipper_wait(struct t_flipper *f)
{
	while (!__atomic_load_n(&f->steps, __ATOMIC_ACQUIRE))
		sched_yield();
}

/*
 * One caller's call: tallied, 1 if a child was created, 0 if refused, -1 for
 * an unexpected errno. EFAULT counts as a refusal: Linux may copy a set_tid
 * pointer the flipper is rewriting and fault on the torn value.
 */
static inline int t_flip_call(struct t_clone_args *a, int *pidfd, int want_tid,
			      struct t_flip_tally *t)
{
	long ret;

	*pidfd = -1;
	a->pidfd = (uintptr_t)pidfd;
	a->exit_signal = SIGCHLD;
	ret = t_sys_clone3_exit(a, 88);
	if (ret > 0) {
		t->ok++;
		if (*pidfd != -1) {
			t->leaked_pidfd++;
			close(*pidfd);
		}
		if (ret == want_tid)
			t->leaked_tid++;
		waitpid(ret, NULL, __WALL);
		return 1;
	}
	if (ret == -EINVAL || ret == -EOPNOTSUPP || ret == -EFAULT) {
		t->refused++;
		return 0;
	}
	t->other++;
	t->other_errno = -ret;
	return -1;
}

#endif /* CG_TEST_H */
