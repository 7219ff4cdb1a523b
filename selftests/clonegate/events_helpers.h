/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for the events_* selftests: run 'clonegate events' as a child
 * with its stdout and stderr on pipes, wait for its "clonegate: ready" line
 * (printed once every probe is attached), read its JSON lines, stop it; run
 * a workload in a test cgroup and record what it did (the ground truth) in
 * shared memory; look up keys in our compact one-line JSON.
 *
 * No sleeps stand in for synchronisation: the collector says when it is
 * attached, and the workload ends with a marker event (a setns that fails
 * with EBADF on a magic nstype) after which every earlier event of the
 * workload has been read, because one ring buffer keeps the order in which
 * records were reserved.
 */
#ifndef EVENTS_HELPERS_H
#define EVENTS_HELPERS_H

#include "cg_test.h"	/* first: it defines _GNU_SOURCE */

#include <poll.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <time.h>

#define EV_MARKER_NSTYPE	0x7e57ab1e	/* setns(-1, this): the marker */
#define EV_TIMEOUT_MS		40000		/* TCG guests are slow */
/*
 * The harness's limit for a test that runs a workload through a collector
 * (its default is 30 s): above the waits a test makes (one workload, a few
 * EV_TIMEOUT_MS), so
 * that a slow guest (the debug kernel under TCG, sharing two CPUs with a
 * kernel build) passes, or fails on a named wait, not on the harness's clock.
 */
#define EV_TEST_TIMEOUT_S	((EV_WORK_TIMEOUT_MS + 3 * EV_TIMEOUT_MS) / 1000)
/*
 * A workload the worker runs ('w'): up to a thousand forks, which on the
 * debug kernel (KASAN, lockdep) under TCG, beside a kernel build, took more
 * than EV_TIMEOUT_MS. A worker that dies is seen at once (its ack pipe
 * closes); this bound is for one that hangs.
 */
#define EV_WORK_TIMEOUT_MS	120000
#define EV_MARKER_RETRY_MS	200	/* silence before another marker is sent */
#define EV_LINE_MAX		4096

static inline long long ev_now_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* ---- the collector ---- */

struct ev_collector {
	pid_t pid;
	int out_fd;		/* its stdout (-1 if not piped) */
	int err_fd;		/* its stderr */
	char obuf[1 << 16];	/* partial stdout line */
	size_t olen;
	char ebuf[1 << 14];	/* everything it wrote to stderr */
	size_t elen;
};

/*
 * Start 'clonegate events ARGS...' (NULL-terminated). stdout is piped
 * unless pipe_stdout is false (then it goes to /dev/null).
 */
static inline int ev_start(struct ev_collector *c, bool pipe_stdout, const char *const *args)
{
	int op[2] = { -1, -1 }, ep[2];
	const char *argv[32];
	int n = 0;

	memset(c, 0, sizeof(*c));
	c->out_fd = -1;
	argv[n++] = t_cli();
	argv[n++] = "events";
	while (*args && n < 31)
		argv[n++] = *args++;
	argv[n] = NULL;
	if ((pipe_stdout && pipe2(op, O_CLOEXEC)) || pipe2(ep, O_CLOEXEC))
		return -errno;
	c->pid = fork();
	if (c->pid < 0)
		return -errno;
	if (c->pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(pipe_stdout ? op[1] : null, 1);
		dup2(ep[1], 2);
		dup2(null, 0);
		execv(argv[0], (char **)argv);
		fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	if (pipe_stdout) {
		close(op[1]);
		c->out_fd = op[0];
	}
	close(ep[1]);
	c->err_fd = ep[0];
	return 0;
}

/* Read more stderr (up to timeout_ms); false on EOF or timeout. */
static inline bool ev_read_err(struct ev_collector *c, int timeout_ms)
{
	struct pollfd p = { .fd = c->err_fd, .events = POLLIN };
	ssize_t n;

	if (poll(&p, 1, timeout_ms) <= 0)
		return false;
	n = read(c->err_fd, c->ebuf + c->elen, sizeof(c->ebuf) - 1 - c->elen);
	if (n <= 0)
		return false;
	c->elen += n;
	c->ebuf[c->elen] = '\0';
	return true;
}

/* A deadline EV_TIMEOUT_MS from now, and whether it has passed. */
static inline long long ev_deadline(void)
{
	return ev_now_ns(CLOCK_MONOTONIC) + EV_TIMEOUT_MS * 1000000LL;
}

static inline bool ev_expired(long long deadline)
{
	return ev_now_ns(CLOCK_MONOTONIC) >= deadline;
}

/* Wait (up to EV_TIMEOUT_MS) until its stderr says 'what'. */
static inline bool ev_wait_stderr(struct ev_collector *c, const char *what)
{
	long long deadline = ev_deadline();

	while (!strstr(c->ebuf, what)) {
		long long left = (deadline - ev_now_ns(CLOCK_MONOTONIC)) / 1000000;

		if (left <= 0 || !ev_read_err(c, (int)left))
			return false;
	}
	return true;
}

/* Wait for "clonegate: ready" on its stderr. */
static inline bool ev_wait_ready(struct ev_collector *c)
{
	return ev_wait_stderr(c, "clonegate: ready\n");
}

/*
 * Next JSON line of its stdout into line (without the newline); false at
 * EOF or after timeout_ms.
 */
static inline bool ev_next_line(struct ev_collector *c, char *line, size_t len, int timeout_ms)
{
	for (;;) {
		char *nl = memchr(c->obuf, '\n', c->olen);
		struct pollfd p = { .fd = c->out_fd, .events = POLLIN };
		ssize_t n;

		if (nl) {
			size_t l = nl - c->obuf;

			if (l >= len)
				l = len - 1;
			memcpy(line, c->obuf, l);
			line[l] = '\0';
			c->olen -= nl + 1 - c->obuf;
			memmove(c->obuf, nl + 1, c->olen);
			return true;
		}
		if (c->olen == sizeof(c->obuf))
			return false;
		if (poll(&p, 1, timeout_ms) <= 0)
			return false;
		n = read(c->out_fd, c->obuf + c->olen, sizeof(c->obuf) - c->olen);
		if (n <= 0)
			return false;
		c->olen += n;
	}
}

/* SIGINT it, drain stderr, reap it; returns its exit status or -1. */
static inline int ev_stop(struct ev_collector *c, int sig)
{
	int status;

	if (sig)
		kill(c->pid, sig);
	while (ev_read_err(c, EV_TIMEOUT_MS))
		;
	if (waitpid(c->pid, &status, 0) != c->pid)
		return -1;
	if (c->out_fd >= 0)
		close(c->out_fd);
	close(c->err_fd);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Wait for it to exit by itself (up to timeout_ms); -1 if it did not. */
static inline int ev_wait_exit(struct ev_collector *c, int timeout_ms)
{
	long long deadline = ev_now_ns(CLOCK_MONOTONIC) + timeout_ms * 1000000LL;

	/* stderr reaches EOF when it exits. */
	while (ev_read_err(c, timeout_ms))
		if (ev_now_ns(CLOCK_MONOTONIC) > deadline)
			return -1;
	return ev_stop(c, 0);
}

/* ---- JSON lookups on our compact output ---- */

/* Where "key": starts its value, searching after 'from' (NULL: not found). */
static inline const char *ev_json_find(const char *json, const char *key)
{
	char pat[80];

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	json = strstr(json, pat);
	return json ? json + strlen(pat) : NULL;
}

static inline bool ev_json_i64(const char *json, const char *key, long long *v)
{
	const char *p = ev_json_find(json, key);

	if (!p)
		return false;
	*v = strtoll(p, NULL, 10);
	return true;
}

static inline bool ev_json_u64(const char *json, const char *key, unsigned long long *v)
{
	const char *p = ev_json_find(json, key);

	if (!p)
		return false;
	*v = strtoull(p, NULL, 10);
	return true;
}

/*
 * A count in the collector's closing summary (its stderr so far): the
 * field TYPE of the object KEY ("dropped_kernel", "clone"); -1 if absent.
 */
static inline long long ev_summary(const struct ev_collector *c, const char *key, const char *type)
{
	const char *p = ev_json_find(c->ebuf, key);
	long long v = -1;

	if (p)
		ev_json_i64(p, type, &v);
	return v;
}

/* A string value (no escapes expected in the tests' strings). */
static inline bool ev_json_str(const char *json, const char *key, char *out, size_t len)
{
	const char *p = ev_json_find(json, key), *e;

	if (!p || *p != '"')
		return false;
	p++;
	e = strchr(p, '"');
	if (!e || (size_t)(e - p) >= len)
		return false;
	memcpy(out, p, e - p);
	out[e - p] = '\0';
	return true;
}

/* ---- the workload's ground truth (shared memory) ---- */

enum { GT_CLONE = 1, GT_UNSHARE, GT_SETNS, GT_DECISION };

struct gt_event {
	int type;
	int parent_tid;		/* the caller */
	int parent_tgid;
	int parent_ppid;	/* the caller's parent (getppid()): parent_thread_group_id */
	long long child_tid;	/* clone: the syscall's return value */
	long long child_tgid;
	unsigned long long flags;	/* clone: expected flags; unshare: flags; setns: nstype */
	unsigned long long flags_mask;	/* bits of 'flags' that must match */
	long long result;	/* unshare/setns: 0 or -errno; decision: errno */
	int fd;
	unsigned int uid[3], gid[3];
	long long t0, t1;	/* CLOCK_REALTIME around the call */
	char cwd[128];
	char comm[16];
	int rule;		/* decision: enum cg_rule */
	bool matched;
};

#define GT_MAX	1024

struct gt_log {
	int n;
	int failed_clones;	/* clones that should have worked but did not */
	char why[256];
	struct gt_event ev[GT_MAX];
};

static inline struct gt_log *gt_create(void)
{
	void *p = mmap(NULL, sizeof(struct gt_log), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	memset(p, 0, sizeof(struct gt_log));
	return p;
}

static inline struct gt_event *gt_add(struct gt_log *g, int type)
{
	struct gt_event *e;
	int n = __atomic_fetch_add(&g->n, 1, __ATOMIC_SEQ_CST);
	char buf[128];

	if (n >= GT_MAX)
		return NULL;
	e = &g->ev[n];
	memset(e, 0, sizeof(*e));
	e->type = type;
	e->parent_tid = syscall(SYS_gettid);
	e->parent_tgid = getpid();
	e->parent_ppid = getppid();
	getresuid(&e->uid[0], &e->uid[1], &e->uid[2]);
	getresgid(&e->gid[0], &e->gid[1], &e->gid[2]);
	if (getcwd(buf, sizeof(buf)))
		snprintf(e->cwd, sizeof(e->cwd), "%s", buf);
	prctl(PR_GET_NAME, e->comm);
	return e;
}

/* The events' clock: t0 and t1 of a ground-truth event. */
static inline long long gt_now(void)
{
	return ev_now_ns(CLOCK_REALTIME);
}

/* Clone event @e of the workload returned @ret: t1, the child; a process is reaped. */
static inline void gt_clone_done(struct gt_log *g, struct gt_event *e, long ret, bool thread)
{
	e->t1 = gt_now();
	e->child_tid = ret;
	e->child_tgid = thread ? getpid() : ret;
	if (ret <= 0) {
		g->failed_clones++;
		snprintf(g->why, sizeof(g->why), "clone returned %ld (flags 0x%llx)", ret, e->flags);
	} else if (!thread) {
		waitpid(ret, NULL, __WALL);
	}
}

/* A fork or vfork through syscall @nr, reported with @flags. */
static inline void gt_fork_nr(struct gt_log *g, int nr, unsigned long long flags)
{
	struct gt_event *e = gt_add(g, GT_CLONE);

	if (!e)
		return;
	e->flags = flags;
	e->flags_mask = ~0ULL;
	e->t0 = gt_now();
	gt_clone_done(g, e, t_sys_fork_exit(nr), false);
}

/* The marker: the last event of a workload. */
static inline void ev_marker(void)
{
	t_setns(-1, EV_MARKER_NSTYPE);
}

static inline bool ev_is_marker(const char *line)
{
	unsigned long long nstype;

	return strstr(line, "\"type\":\"setns\"") && ev_json_u64(line, "nstype", &nstype) &&
	       nstype == EV_MARKER_NSTYPE;
}

/* ---- a workload process in the test cgroup, driven by commands ---- */

typedef void (*ev_work_fn)(struct gt_log *g);

struct ev_worker {
	pid_t pid;
	int cmd;	/* we write commands */
	int ack;	/* it answers one byte each */
};

/*
 * Fork a worker that moves itself into cg, chdir()s to cwd, names itself
 * "cg-evwork" and then obeys: 'w' run fn, 'm' emit the marker, 'q' exit.
 */
static inline int ev_worker_start(struct ev_worker *w, const struct t_cgroup *cg,
				  const char *cwd, struct gt_log *g, ev_work_fn fn)
{
	int cp[2], ap[2];
	char c;

	if (pipe2(cp, O_CLOEXEC) || pipe2(ap, O_CLOEXEC))
		return -errno;
	w->pid = t_fork_in(cg, 1);
	if (w->pid < 0)
		return -errno;
	if (w->pid == 0) {
		close(cp[1]);
		close(ap[0]);
		if (chdir(cwd))
			_exit(1);
		prctl(PR_SET_NAME, "cg-evwork");
		while (read(cp[0], &c, 1) == 1) {
			if (c == 'w')
				fn(g);
			else if (c == 'm')
				ev_marker();
			else if (c == 'q')
				_exit(0);
			if (write(ap[1], &c, 1) != 1)
				_exit(1);
		}
		_exit(0);
	}
	close(cp[0]);
	close(ap[1]);
	w->cmd = cp[1];
	w->ack = ap[0];
	return 0;
}

/* Send a command and wait for it to be done. */
static inline bool ev_worker_cmd(struct ev_worker *w, char c)
{
	struct pollfd p = { .fd = w->ack, .events = POLLIN };
	char a;

	if (write(w->cmd, &c, 1) != 1)
		return false;
	if (poll(&p, 1, c == 'w' ? EV_WORK_TIMEOUT_MS : EV_TIMEOUT_MS) <= 0)
		return false;
	return read(w->ack, &a, 1) == 1 && a == c;
}

static inline int ev_worker_stop(struct ev_worker *w)
{
	int st;

	if (w->pid <= 0)
		return -1;
	if (write(w->cmd, "q", 1) != 1)
		kill(w->pid, SIGKILL);
	close(w->cmd);
	close(w->ack);
	if (waitpid(w->pid, &st, 0) != w->pid)
		return -1;
	w->pid = 0;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Run 'clonegate ARGS...' to completion; its exit status (output to stderr). */
static inline int ev_cli_run(const char *const *args)
{
	const char *argv[16];
	int n = 0, st;
	pid_t p;

	argv[n++] = t_cli();
	while (*args && n < 15)
		argv[n++] = *args++;
	argv[n] = NULL;
	p = fork();
	if (p == 0) {
		dup2(2, 1);
		execv(argv[0], (char **)argv);
		_exit(127);
	}
	if (p < 0 || waitpid(p, &st, 0) != p)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

#endif /* EVENTS_HELPERS_H */
