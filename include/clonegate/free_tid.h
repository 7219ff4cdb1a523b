/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * A thread id for clone3's set_tid that no task holds and that the pid
 * allocator will not hand out soon: the first free id half the pid space
 * ahead of the allocator's cursor (the caller's namespace's ns_last_pid).
 *
 * Why there: a fixed number collides with a task of the run sooner or
 * later, and an id just ahead of the cursor is taken by the next forks; a
 * test that makes thousands of children with the same set_tid (the races)
 * and checks that no child got it would then see a child that got it by
 * plain allocation. Half of pid_max away, the cursor needs that many
 * allocations to reach it. Userspace only: shared by the selftests
 * (cg_test.h) and userspace/tools/cg-workload.c.
 */
#ifndef CLONEGATE_FREE_TID_H
#define CLONEGATE_FREE_TID_H

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

/* The allocator's lowest id after a wrap (the kernel's RESERVED_PIDS). */
#define CG_PID_WRAP_FLOOR	300

/* A small /proc/sys integer, or def when it cannot be read. */
static inline long cg_sysctl_long(const char *path, long def)
{
	char buf[32];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return def;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return def;
	buf[n] = '\0';
	return strtol(buf, NULL, 10);
}

/* A free id as above, or -1 when every id from the floor up is taken. */
static inline int cg_free_tid(void)
{
	long max = cg_sysctl_long("/proc/sys/kernel/pid_max", 32768);
	long last = cg_sysctl_long("/proc/sys/kernel/ns_last_pid", 0);
	long span = max - CG_PID_WRAP_FLOOR, tid, i;

	if (span <= 0)
		return -1;
	tid = last + max / 2;
	if (tid >= max)
		tid = CG_PID_WRAP_FLOOR + (tid - max) % span;
	for (i = 0; i < span; i++, tid++) {
		if (tid >= max)
			tid = CG_PID_WRAP_FLOOR;
		if (kill((pid_t)tid, 0) < 0 && errno == ESRCH)
			return (int)tid;
	}
	return -1;
}

#endif /* CLONEGATE_FREE_TID_H */
