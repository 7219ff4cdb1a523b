// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * run_spawn: start CMD inside the run's cgroup and wait for it.
 *
 * The child waits on a pipe while we write its pid into the cgroup's
 * cgroup.procs, then it execs CMD: CMD and every descendant are policed
 * from their first instruction. exec's errno comes back on a second,
 * close-on-exec pipe, so "not found" (127) and "cannot execute" (126) are
 * told apart from CMD's own status. While CMD runs, SIGINT, SIGTERM and
 * SIGHUP sent to us are forwarded to it, and decision events are taken as
 * they come (run_poll()).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup.h"
#include "diag.h"
#include "run.h"

static volatile sig_atomic_t child_pid;

/*
 * Forward a signal sent to us (kill, systemd, a supervisor). One that the
 * terminal sent (^C: si_code SI_KERNEL) reached CMD too, as it is in our
 * process group: it is not sent twice.
 */
static void forward_signal(int sig, siginfo_t *info, void *uctx)
{
	pid_t pid = child_pid;

	(void)uctx;
	if (pid > 0 && info->si_code != SI_KERNEL)
		kill(pid, sig);
}

/* From now on, SIGINT, SIGTERM and SIGHUP sent to us go to CMD (pid). */
static void forward_signals(pid_t pid)
{
	struct sigaction sa;

	child_pid = pid;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = forward_signal;
	sa.sa_flags = SA_RESTART | SA_SIGINFO;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	/* A closed --events pipe must not kill us before the cleanup. */
	signal(SIGPIPE, SIG_IGN);
}

/* The child: wait for the go byte, then exec; report exec's errno on errfd. */
static void __attribute__((noreturn)) child(char **argv, int gofd, int errfd,
					    const sigset_t *oldmask)
{
	struct sigaction sa;
	char c;
	int e;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGPIPE, &sa, NULL);
	sigprocmask(SIG_SETMASK, oldmask, NULL);
	if (read(gofd, &c, 1) != 1)
		_exit(EXIT_FAIL);	/* the parent gave up: it says why */
	close(gofd);
	execvp(argv[0], argv);
	e = errno;
	if (write(errfd, &e, sizeof(e)) != sizeof(e))
		_exit(EXIT_NOEXEC);
	_exit(e == ENOENT ? EXIT_NOTFOUND : EXIT_NOEXEC);
}

static int wait_child(struct run *r, pid_t pid)
{
	int pidfd, status = 0, n;
	short revents;
	pid_t w;

	pidfd = syscall(SYS_pidfd_open, pid, 0);
	for (;;) {
		if (pidfd < 0) {
			/* No pidfd (before 5.3): wait in slices. */
			w = waitpid(pid, &status, WNOHANG);
			if (w == pid)
				break;
		}
		n = run_poll(r, pidfd, POLLIN, 100, &revents);
		if (n > 0 && pidfd >= 0 && (revents & POLLIN)) {
			do
				w = waitpid(pid, &status, 0);
			while (w < 0 && errno == EINTR);
			break;
		}
	}
	if (pidfd >= 0)
		close(pidfd);
	child_pid = 0;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

/*
 * -1 with CMD's status in *status once it ran; else the exit code of a
 * failure to start it (reported).
 */
int run_spawn(struct run *r, char **argv, int *status)
{
	int go[2] = { -1, -1 }, errp[2] = { -1, -1 }, e = 0, err;
	sigset_t block, old;
	char buf[32];
	ssize_t n;
	pid_t pid;

	if (pipe2(go, O_CLOEXEC) || pipe2(errp, O_CLOEXEC)) {
		p_err("pipe: %s", strerror(errno));
		return EXIT_FAIL;
	}
	/* No signal may reach us between fork and the forwarding handlers. */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigprocmask(SIG_BLOCK, &block, &old);
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		p_err("fork: %s", strerror(errno));
		sigprocmask(SIG_SETMASK, &old, NULL);
		return EXIT_FAIL;
	}
	if (pid == 0) {
		close(go[1]);
		close(errp[0]);
		child(argv, go[0], errp[1], &old);
	}
	close(go[0]);
	close(errp[1]);
	forward_signals(pid);
	sigprocmask(SIG_SETMASK, &old, NULL);

	snprintf(buf, sizeof(buf), "%d", (int)pid);
	err = cgroup_write(r->cgroup_fd, "cgroup.procs", buf);
	if (err) {
		p_err("moving the command into %s: %s", r->shown, strerror(-err));
		close(go[1]);	/* the child exits without running CMD */
		close(errp[0]);
		wait_child(r, pid);
		return EXIT_FAIL;
	}
	r->started = true;
	if (write(go[1], "g", 1) != 1) {
		p_err("starting the command: %s", strerror(errno));
		kill(pid, SIGKILL);
	}
	close(go[1]);
	do
		n = read(errp[0], &e, sizeof(e));
	while (n < 0 && errno == EINTR);
	close(errp[0]);
	*status = wait_child(r, pid);
	if (n == sizeof(e)) {
		if (e == ENOENT)
			p_err("%s: command not found (check the name and PATH)", argv[0]);
		else
			p_err("%s: cannot execute: %s", argv[0], strerror(e));
		return e == ENOENT ? EXIT_NOTFOUND : EXIT_NOEXEC;
	}
	return -1;
}
