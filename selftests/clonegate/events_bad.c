// SPDX-License-Identifier: GPL-2.0
/*
 * events_bad: 'clonegate events' refuses bad input with a clear message on
 * stderr and a non-zero exit status (2: operational, 1: usage), and never
 * crashes (a signal would show as status 128+N):
 *
 *   - a gVisor endpoint that does not exist, is a regular file, or is a
 *     SOCK_STREAM socket;
 *   - a server that answers the Handshake with garbage, with version 0, or
 *     closes the connection instead;
 *   - JSON output to a full file system (a 64 KiB tmpfs);
 *   - an unknown --fields name.
 */
#include "events_helpers.h"	/* first: _GNU_SOURCE */

#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "kselftest_harness.h"

/* Run the collector with args; expect exit status 'want' and 'msg' on stderr. */
static void expect_fail(struct __test_metadata *_metadata, const char *const *args, int want,
			const char *msg)
{
	struct ev_collector c;
	int st;

	ASSERT_EQ(0, ev_start(&c, false, args));
	st = ev_wait_exit(&c, EV_TIMEOUT_MS);
	EXPECT_EQ(want, st) TH_LOG("stderr: %s", c.ebuf);
	EXPECT_NE(NULL, strstr(c.ebuf, msg)) TH_LOG("stderr: %s", c.ebuf);
	EXPECT_EQ(NULL, strstr(c.ebuf, "clonegate: ready")) TH_LOG("stderr: %s", c.ebuf);
}

static void sock_path(char *buf, size_t len, const char *tag)
{
	snprintf(buf, len, "/tmp/cg-bad-%s-%d.sock", tag, getpid());
	unlink(buf);
}

static int listen_on(const char *path, int type)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);

	strcpy(a.sun_path, path);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) || listen(fd, 1))
		return -1;
	return fd;
}

TEST(endpoint_missing)
{
	const char *args[] = { "--gvisor-endpoint", "/tmp/cg-bad-no-such.sock", NULL };

	expect_fail(_metadata, args, 2, "no such socket");
}

TEST(endpoint_regular_file)
{
	char path[64];
	const char *args[] = { "--gvisor-endpoint", path, NULL };
	int fd;

	snprintf(path, sizeof(path), "/tmp/cg-bad-file-%d", getpid());
	fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	ASSERT_LE(0, fd);
	close(fd);
	expect_fail(_metadata, args, 2, "not a unix socket");
	unlink(path);
}

TEST(endpoint_stream_socket)
{
	char path[64];
	const char *args[] = { "--gvisor-endpoint", path, NULL };
	int fd;

	sock_path(path, sizeof(path), "stream");
	fd = listen_on(path, SOCK_STREAM);
	ASSERT_LE(0, fd);
	expect_fail(_metadata, args, 2, "SOCK_SEQPACKET");
	close(fd);
	unlink(path);
}

/*
 * A SEQPACKET server that answers the client's handshake with 'answer'
 * (len bytes; len < 0: close the connection instead). Runs in a child.
 */
static pid_t bad_server(const char *path, const void *answer, ssize_t len)
{
	int lfd = listen_on(path, SOCK_SEQPACKET);
	pid_t pid;

	if (lfd < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		char buf[10240];
		int cfd = accept(lfd, NULL, NULL);

		if (cfd < 0 || recv(cfd, buf, sizeof(buf), 0) < 0)
			_exit(1);
		if (len >= 0 && send(cfd, answer, len, 0) != len)
			_exit(1);
		close(cfd);
		_exit(0);
	}
	close(lfd);
	return pid;
}

static void handshake_case(struct __test_metadata *_metadata, const char *tag,
			   const void *answer, ssize_t len, const char *msg)
{
	char path[64];
	const char *args[] = { "--gvisor-endpoint", path, NULL };
	pid_t srv;

	sock_path(path, sizeof(path), tag);
	srv = bad_server(path, answer, len);
	ASSERT_LT(0, srv);
	expect_fail(_metadata, args, 2, msg);
	waitpid(srv, NULL, 0);
	unlink(path);
}

TEST(handshake_garbage)
{
	/* Wire type 7 does not exist: no protobuf parser accepts this. */
	handshake_case(_metadata, "garbage", "\xff\xff\xff\xff", 4,
		       "is not a gvisor.common.Handshake");
}

TEST(handshake_old_version)
{
	/* Handshake{version: 0}, written out explicitly. */
	handshake_case(_metadata, "old", "\x08\x00", 2, "older than the version 1");
}

TEST(handshake_closed)
{
	handshake_case(_metadata, "closed", NULL, -1, "closed the connection during the handshake");
}

TEST(unknown_field)
{
	const char *args[] = { "--fields", "time,bogus", NULL };

	expect_fail(_metadata, args, 1, "unknown context field 'bogus'");
}

/* ---- a full disk ---- */

static void forks(struct gt_log *g)
{
	int i;

	(void)g;
	for (i = 0; i < 50; i++) {
		long r = t_sys_fork_exit(T_NR_FORK);

		if (r > 0)
			waitpid(r, NULL, 0);
	}
}

#define DISK_FULL_MS	60000

/* A fixture only for the timeout: the harness takes one for TEST_F alone. */
FIXTURE(disk_full) {};
FIXTURE_SETUP(disk_full) {}
FIXTURE_TEARDOWN(disk_full) {}

TEST_F_TIMEOUT(disk_full, json, 30 + DISK_FULL_MS / 1000 * 2)
{
	struct t_cgroup cg;
	struct ev_collector c;
	struct ev_worker w = { 0 };
	char dir[64], file[96];
	const char *args[] = { "--json", "--fields", "all", "--cgroup", cg.path, "--output", file,
			       NULL };
	bool stopped = false;
	long long t0;
	int i, st = -1;

	snprintf(dir, sizeof(dir), "/tmp/cg-full-%d", getpid());
	snprintf(file, sizeof(file), "%s/events.json", dir);
	ASSERT_EQ(0, mkdir(dir, 0755));
	ASSERT_EQ(0, mount("tmpfs", dir, "tmpfs", 0, "size=64k")) TH_LOG("%s", strerror(errno));
	ASSERT_EQ(0, t_cgroup_create(&cg, "full"));
	ASSERT_EQ(0, ev_start(&c, false, args));
	ASSERT_TRUE(ev_wait_ready(&c)) TH_LOG("%s", c.ebuf);
	ASSERT_EQ(0, ev_worker_start(&w, &cg, dir, NULL, forks));
	/*
	 * Fork in batches until the collector gives up by itself (64 KiB is
	 * ~80 events; a batch is 50): the condition is its exit, however many
	 * batches that takes on a slow or PREEMPT_RT guest, within a bound
	 * (DISK_FULL_MS) far above the measured time.
	 */
	t0 = t_now_ms();
	for (i = 0; t_now_ms() - t0 < DISK_FULL_MS; i++) {
		ASSERT_TRUE(ev_worker_cmd(&w, 'w'));
		if (waitpid(c.pid, &st, WNOHANG) == c.pid) {
			stopped = true;
			break;
		}
	}
	ev_worker_stop(&w);
	ASSERT_TRUE(stopped) TH_LOG("the collector did not stop on a full disk in %d s (%d batches)",
				    DISK_FULL_MS / 1000, i);
	TH_LOG("the collector stopped after %d batches, %lld ms", i + 1, t_now_ms() - t0);
	while (ev_read_err(&c, 1000))
		;
	EXPECT_TRUE(WIFEXITED(st)) TH_LOG("status 0x%x: crashed?", st);
	EXPECT_EQ(2, WEXITSTATUS(st));
	EXPECT_NE(NULL, strstr(c.ebuf, "no space left on device")) TH_LOG("stderr: %s", c.ebuf);
	close(c.err_fd);
	t_cgroup_destroy(&cg);
	umount(dir);
	rmdir(dir);
}

TEST_HARNESS_MAIN
