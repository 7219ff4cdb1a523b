// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * cg-workload: a tiny workload for 'make demo' and the CLI tests. Each
 * argument is one step, run in order; each prints one line:
 *
 *   threads         pthread_create + join, 4 threads (clone3 or clone, THREAD|...)
 *   fork            fork + wait
 *   clone3-newtime  clone3(CLONE_NEWTIME): gVisor refuses it (C1, EINVAL)
 *   clone3-settid   clone3 with set_tid (C3, ENOTSUP under gVisor)
 *   clone3-newns    clone3(CLONE_NEWNS): refused by gvisor-21d66119 (C1),
 *                   run by today's gVisor (gvisor-head)
 *   clone3-pidfd    clone3(CLONE_PIDFD): the same
 *   clone3-clear-sighand  clone3(CLONE_CLEAR_SIGHAND): the same
 *   clone3-newuser  clone3(CLONE_NEWUSER): refused beyond user namespace
 *                   depth 32 (C11, EUSERS under gVisor)
 *   clone3-size96   a plain clone3 (a child process) with a struct of 96
 *                   bytes, zero beyond the 88 Linux knows: Linux runs it,
 *                   gVisor refuses the size (A1, EINVAL)
 *
 * Exit status: 0 when every step succeeded, else the errno of the last
 * step that failed (22 EINVAL, 95 EOPNOTSUPP, ...).
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/sched.h>

#include <clonegate/free_tid.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static void *thread_fn(void *arg)
{
	return arg;
}

static int step_threads(void)
{
	pthread_t t[4];
	int i, err;

	for (i = 0; i < 4; i++) {
		err = pthread_create(&t[i], NULL, thread_fn, NULL);
		if (err) {
			while (i--)
				pthread_join(t[i], NULL);
			return err;
		}
	}
	for (i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	return 0;
}

static int reap(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		return errno;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : ECHILD;
}

static int step_fork(void)
{
	pid_t pid = fork();

	if (pid < 0)
		return errno;
	if (pid == 0)
		_exit(0);
	return reap(pid);
}

static int do_clone3_sized(struct clone_args *args, size_t size)
{
	long pid = syscall(SYS_clone3, args, size);

	if (pid < 0)
		return errno;
	if (pid == 0)
		syscall(SYS_exit, 0);	/* no libc state in this child */
	return reap(pid);
}

static int do_clone3(struct clone_args *args)
{
	return do_clone3_sized(args, sizeof(*args));
}

static int step_clone3_size96(void)
{
	/* struct clone_args (88 bytes) and 8 zero bytes, in one zeroed block. */
	struct {
		struct clone_args args;
		__u64 tail;
	} big;

	memset(&big, 0, sizeof(big));
	big.args.exit_signal = SIGCHLD;
	return do_clone3_sized(&big.args, 96);
}

static int step_clone3_newtime(void)
{
	struct clone_args args;

	memset(&args, 0, sizeof(args));
	args.flags = CLONE_NEWTIME;
	args.exit_signal = SIGCHLD;
	return do_clone3(&args);
}

/* A child process made by clone3 with these flags and nothing else. */
static int clone3_with(__u64 flags, int *pidfd)
{
	struct clone_args args;
	int err;

	memset(&args, 0, sizeof(args));
	args.flags = flags;
	args.exit_signal = SIGCHLD;
	args.pidfd = (uintptr_t)pidfd;
	err = do_clone3(&args);
	if (!err && (flags & CLONE_PIDFD))
		close(*pidfd);
	return err;
}

static int step_clone3_newns(void)
{
	return clone3_with(CLONE_NEWNS, NULL);
}

static int step_clone3_pidfd(void)
{
	int pidfd = -1;

	return clone3_with(CLONE_PIDFD, &pidfd);
}

static int step_clone3_clear_sighand(void)
{
	return clone3_with(CLONE_CLEAR_SIGHAND, NULL);
}

static int step_clone3_newuser(void)
{
	return clone3_with(CLONE_NEWUSER, NULL);
}

static int step_clone3_settid(void)
{
	struct clone_args args;
	pid_t tid = cg_free_tid();
	int err;

	memset(&args, 0, sizeof(args));
	args.exit_signal = SIGCHLD;
	args.set_tid = (uintptr_t)&tid;
	args.set_tid_size = 1;
	err = do_clone3(&args);
	return err;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(void);
	} steps[] = {
		{ "threads", step_threads },
		{ "fork", step_fork },
		{ "clone3-newtime", step_clone3_newtime },
		{ "clone3-settid", step_clone3_settid },
		{ "clone3-newns", step_clone3_newns },
		{ "clone3-pidfd", step_clone3_pidfd },
		{ "clone3-clear-sighand", step_clone3_clear_sighand },
		{ "clone3-newuser", step_clone3_newuser },
		{ "clone3-size96", step_clone3_size96 },
	};
	int i, j, err, ret = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: cg-workload STEP... (threads fork clone3-newtime clone3-settid clone3-newns clone3-pidfd clone3-clear-sighand clone3-newuser clone3-size96)\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 1; i < argc; i++) {
		for (j = 0; j < (int)(sizeof(steps) / sizeof(steps[0])); j++)
			if (!strcmp(argv[i], steps[j].name))
				break;
		if (j == (int)(sizeof(steps) / sizeof(steps[0]))) {
			fprintf(stderr, "cg-workload: unknown step '%s'\n", argv[i]);
			return 2;
		}
		err = steps[j].fn();
		if (err) {
			printf("cg-workload: %-15s failed: %s (errno %d)\n", argv[i], strerror(err), err);
			ret = err;
		} else {
			printf("cg-workload: %-15s ok\n", argv[i]);
		}
	}
	return ret;
}
