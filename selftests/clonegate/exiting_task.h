/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A task held in the last part of its exit, for H15: it has released its
 * namespaces (exit_task_namespaces(), nsproxy NULL) and is not a zombie yet.
 *
 * Nothing in that window is meant to wait, except the final fput()s of the
 * files the task still held, which do_exit() runs right after releasing the
 * namespaces (exit_task_work()). The last close of a block device writes its
 * dirty page cache back and waits for it (blkdev_put()/bdev_release()), so:
 *
 *   1. a device-mapper device with one "zero" target is created and resumed;
 *   2. the child opens it, then waits for the parent;
 *   3. the parent suspends the device: device-mapper queues its I/O;
 *   4. the child writes one whole page (no read: a full block) and exits;
 *      its last fput() now waits for the write-back, namespaces released;
 *   5. the parent sees that state in /proc (stat 'D' and ns/uts gone);
 *   6. after the test's call, resuming the device lets the exit finish.
 *
 * A keeper process does all of it, so the caller may drop its privileges
 * between t_exiting_start() and t_exiting_end().
 *
 * The child does not leave step 4's wait until step 6: no timing is
 * involved. The device is made in /dev/mapper/control (dm-mod, dm-zero);
 * the node it is opened through is mknod()ed in /tmp, as no udev runs.
 */
#ifndef EXITING_TASK_H
#define EXITING_TASK_H

#include <linux/dm-ioctl.h>
#include <sys/sysmacros.h>

struct t_exiting {
	pid_t keeper;		/* the caller's side: the keeper process, 0 when none */
	int release;		/* closing it lets the child go */
	int pidfd;		/* to the exiting child */
	pid_t pid;		/* the keeper's side: the exiting child */
	int ctl;		/* /dev/mapper/control */
	char name[DM_NAME_LEN];
	char node[DM_NAME_LEN + 8];
};

/* One device-mapper ioctl on @name; @zero_table loads one 4 KiB "zero" target. */
static inline int t_dm(struct t_exiting *e, unsigned long cmd, uint32_t flags, bool zero_table,
		       uint64_t *dev)
{
	struct {
		struct dm_ioctl io;
		struct dm_target_spec target;
		char params[8];
	} b;

	memset(&b, 0, sizeof(b));
	b.io.version[0] = DM_VERSION_MAJOR;
	b.io.data_size = sizeof(b);
	b.io.data_start = sizeof(b.io);
	b.io.flags = flags;
	snprintf(b.io.name, sizeof(b.io.name), "%s", e->name);
	if (zero_table) {
		b.io.target_count = 1;
		b.target.length = 8;	/* sectors */
		snprintf(b.target.target_type, sizeof(b.target.target_type), "zero");
	}
	if (ioctl(e->ctl, cmd, &b))
		return -errno;
	if (dev)
		*dev = b.io.dev;
	return 0;
}

/* The child, in /proc: stat says 'D' and its namespaces are gone. */
static inline bool t_exiting_in_window(pid_t pid)
{
	char path[64], buf[512], link[64], *paren;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (t_read_file(path, buf, sizeof(buf)) <= 0)
		return false;
	paren = strrchr(buf, ')');
	if (!paren || paren[1] != ' ' || paren[2] != 'D')
		return false;
	snprintf(path, sizeof(path), "/proc/%d/ns/uts", pid);
	return readlink(path, link, sizeof(link)) < 0 && errno == ENOENT;
}

/* Lets the keeper release the child, and waits for it (a no-op when none). */
static inline void t_exiting_end(struct t_exiting *e)
{
	if (e->release >= 0)
		close(e->release);
	if (e->keeper > 0)
		waitpid(e->keeper, NULL, 0);
	if (e->pidfd >= 0)
		close(e->pidfd);
	e->release = e->pidfd = -1;
	e->keeper = 0;
}

/* The exiting child: open the device, wait for the go, dirty a page, exit. */
static inline void t_exiting_child(const char *node, int ready, int go)
{
	char page[4096], c;
	int fd = open(node, O_RDWR | O_CLOEXEC);

	if (fd < 0 || write(ready, "r", 1) != 1 || read(go, &c, 1) != 1)
		_exit(1);
	memset(page, 'h', sizeof(page));
	_exit(pwrite(fd, page, sizeof(page), 0) == (ssize_t)sizeof(page) ? 0 : 1);
}

/* Steps 1-5; returns the exiting child's pid, or -errno. */
static inline pid_t t_exiting_hold(struct t_exiting *e)
{
	int ready[2] = { -1, -1 }, go[2] = { -1, -1 };
	long long deadline;
	pid_t pid = -EIO;
	uint64_t dev = 0;
	char c;

	if (t_dm(e, DM_DEV_CREATE, 0, false, NULL) ||
	    t_dm(e, DM_TABLE_LOAD, 0, true, NULL) ||
	    t_dm(e, DM_DEV_SUSPEND, 0, false, &dev) ||	/* resume: the table goes live */
	    mknod(e->node, S_IFBLK | 0600, (dev_t)dev) ||
	    pipe2(ready, O_CLOEXEC) || pipe2(go, O_CLOEXEC))
		goto out;
	e->pid = fork();
	if (e->pid == 0)
		t_exiting_child(e->node, ready[1], go[0]);
	if (e->pid < 0 || read(ready[0], &c, 1) != 1 ||
	    t_dm(e, DM_DEV_SUSPEND, DM_SUSPEND_FLAG, false, NULL) || write(go[1], "g", 1) != 1)
		goto out;
	/* Polls a state the child cannot leave until the device is resumed. */
	deadline = t_now_ms() + 30000;
	while (!t_exiting_in_window(e->pid)) {
		if (t_now_ms() > deadline)
			goto out;
		usleep(1000);
	}
	pid = e->pid;
out:
	for (int i = 0; i < 2; i++) {
		if (ready[i] >= 0)
			close(ready[i]);
		if (go[i] >= 0)
			close(go[i]);
	}
	return pid;
}

/* Step 6: lets the exit finish, reaps the child, removes the device. */
static inline void t_exiting_release(struct t_exiting *e)
{
	t_dm(e, DM_DEV_SUSPEND, 0, false, NULL);	/* resume: the write-back completes */
	if (e->pid > 0)
		waitpid(e->pid, NULL, 0);
	unlink(e->node);
	t_dm(e, DM_DEV_REMOVE, 0, false, NULL);
}

/*
 * Starts a keeper process that holds an exiting child (steps 1-5) and
 * returns a pidfd to that child, or -errno (ENODEV: no device-mapper here).
 * The keeper, forked with the caller's starting credentials, does all of
 * the device work: the caller may drop its privileges before its call. It
 * lets the child go (step 6) when t_exiting_end() closes its pipe, or when
 * the caller dies.
 */
static inline int t_exiting_start(struct t_exiting *e)
{
	int hold[2], release[2];
	pid_t pid = -EIO;

	memset(e, 0, sizeof(*e));
	e->pidfd = e->release = -1;
	if (access("/dev/mapper/control", F_OK))
		return -ENODEV;
	if (pipe2(hold, O_CLOEXEC))
		return -errno;
	if (pipe2(release, O_CLOEXEC)) {
		close(hold[0]);
		close(hold[1]);
		return -errno;
	}
	e->keeper = fork();
	if (e->keeper == 0) {
		char c;

		close(hold[0]);
		close(release[1]);
		snprintf(e->name, sizeof(e->name), "clonegate-h15-%d", getpid());
		snprintf(e->node, sizeof(e->node), "/tmp/%s", e->name);
		e->ctl = open("/dev/mapper/control", O_RDWR | O_CLOEXEC);
		pid = e->ctl < 0 ? -ENODEV : t_exiting_hold(e);
		if (write(hold[1], &pid, sizeof(pid)) == sizeof(pid) && pid > 0)
			while (read(release[0], &c, 1) > 0)
				;
		t_exiting_release(e);
		_exit(0);
	}
	close(hold[1]);
	close(release[0]);
	e->release = release[1];
	if (e->keeper < 0 || read(hold[0], &pid, sizeof(pid)) != sizeof(pid))
		pid = -EIO;
	close(hold[0]);
	if (pid > 0)
		e->pidfd = syscall(T_NR_PIDFD_OPEN, pid, 0);
	if (e->pidfd < 0) {
		t_exiting_end(e);
		return pid < 0 ? pid : -EIO;
	}
	return e->pidfd;
}

#endif
