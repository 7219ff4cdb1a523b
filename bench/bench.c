// SPDX-License-Identifier: GPL-2.0
/*
 * bench: time one clone-family workload, print nanoseconds per operation.
 *
 *   bench WORKLOAD ITERATIONS  -> "<workload> <wall_ns_per_op> <cpu_ns_per_op>"
 *   bench gvisor-sink PATH     -> a gVisor remote-sink peer that accepts the
 *                                 handshake and reads every datagram
 *   bench bpf-stats            -> "<prog_name> <run_cnt> <run_time_ns>" for
 *                                 every loaded BPF program (the counts move
 *                                 only while kernel.bpf_stats_enabled is 1)
 *
 * Two clocks per workload:
 *   wall  CLOCK_MONOTONIC over the loop: everything the machine did in the
 *         meantime, the event collector's work included when it shares the
 *         CPU. This is the machine's cost of one operation.
 *   cpu   CPU time of this process (all its threads, dead ones included)
 *         plus that of its reaped children: the clone path itself, the BPF
 *         programs and module hooks that run in it, and nothing else. This
 *         is the cost a workload pays per operation.
 * Under qemu -icount (scripts/vm --icount, what bench/run_guest.sh uses) both
 * clocks count guest instructions, so they are free of host noise.
 *
 * Workloads: fork (fork+_exit+wait), vfork_exec (vfork+execve of this
 * static binary as "true"), pthread (create+join), clone3_thread (raw
 * clone3 thread that exits at once, joined through CHILD_CLEARTID),
 * unshare0 (unshare(0)), setns_uts (setns round trip between two UTS
 * namespaces), getpid (the control: must not move).
 *
 * The driver (bench/run_guest.sh) runs each workload under each
 * configuration, alternating configurations over rounds, and computes
 * ratios against the baseline of the same run: absolute times under TCG
 * mean nothing, ratios do.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <linux/sched.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/bpf.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <clonegate/raw_clone.h>


static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static uint64_t tv_ns(struct timeval tv)
{
	return (uint64_t)tv.tv_sec * 1000000000ull + (uint64_t)tv.tv_usec * 1000ull;
}

/* CPU time of this process and of its reaped children. */
static uint64_t cpu_ns(void)
{
	struct timespec ts;
	struct rusage ru;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	getrusage(RUSAGE_CHILDREN, &ru);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec +
	       tv_ns(ru.ru_utime) + tv_ns(ru.ru_stime);
}

static void die(const char *what)
{
	fprintf(stderr, "bench: %s: %s\n", what, strerror(errno));
	exit(2);
}

static void op_fork(void)
{
	pid_t p = fork();

	if (p == 0)
		_exit(0);
	if (p < 0 || waitpid(p, NULL, 0) != p)
		die("fork");
}

static void op_vfork_exec(void)
{
	char *const argv[] = { "true", NULL };
	int st;
	pid_t p = vfork();

	if (p == 0) {
		/* This very binary: main() returns at once when argv[0] is "true". */
		execve("/proc/self/exe", argv, environ);
		_exit(127);
	}
	/* A failed exec must not pass for a cheap one. */
	if (p < 0 || waitpid(p, &st, 0) != p || !WIFEXITED(st) || WEXITSTATUS(st))
		die("vfork+exec");
}

static void *noop(void *arg)
{
	return arg;
}

static void op_pthread(void)
{
	pthread_t t;

	if (pthread_create(&t, NULL, noop, NULL) || pthread_join(t, NULL))
		die("pthread");
}

/* A thread that exits at once, joined through CHILD_CLEARTID. */
static void op_clone3_thread(void)
{
	static volatile int ctid;
	struct clone_args a = {
		.flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD |
			 CLONE_SYSVSEM | CLONE_CHILD_CLEARTID | CLONE_CHILD_SETTID,
		.child_tid = (uintptr_t)&ctid,
	};
	long ret;

	ctid = -1;
	ret = cg_raw_clone3_exit(&a, CLONE_ARGS_SIZE_VER0);
	if (ret < 0) {
		errno = -ret;
		die("clone3");
	}
	/* CHILD_CLEARTID: the kernel zeroes ctid and wakes us when the thread is gone. */
	while (ctid != 0)
		syscall(SYS_futex, &ctid, FUTEX_WAIT, ctid, NULL, NULL, 0);
}

static void op_unshare0(void)
{
	if (unshare(0))
		die("unshare");
}

static int uts_fd[2];

static void op_setns_uts(void)
{
	if (setns(uts_fd[1], CLONE_NEWUTS) || setns(uts_fd[0], CLONE_NEWUTS))
		die("setns");
}

static void op_getpid(void)
{
	syscall(SYS_getpid);
}

static void setup_setns(void)
{
	int p[2];
	pid_t c;
	char path[64], ch;

	uts_fd[0] = open("/proc/self/ns/uts", O_RDONLY | O_CLOEXEC);
	if (uts_fd[0] < 0 || pipe(p))
		die("setup");
	c = fork();
	if (c == 0) {
		if (unshare(CLONE_NEWUTS))
			_exit(1);
		if (write(p[1], "x", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	if (read(p[0], &ch, 1) != 1)
		die("setup child");
	snprintf(path, sizeof(path), "/proc/%d/ns/uts", c);
	uts_fd[1] = open(path, O_RDONLY | O_CLOEXEC);
	kill(c, SIGKILL);
	waitpid(c, NULL, 0);
	if (uts_fd[1] < 0)
		die("open uts");
}

/* A gVisor remote-sink peer: handshake version 1, then read everything. */
static int gvisor_sink(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	static const unsigned char hs[] = { 0x08, 0x01 };
	unsigned char buf[65536];
	int lfd, fd;

	strncpy(sa.sun_path, path, sizeof(sa.sun_path) - 1);
	unlink(path);
	lfd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (lfd < 0 || bind(lfd, (void *)&sa, sizeof(sa)) || listen(lfd, 1))
		die("gvisor-sink listen");
	fd = accept(lfd, NULL, NULL);
	if (fd < 0 || read(fd, buf, sizeof(buf)) <= 0 || write(fd, hs, sizeof(hs)) != sizeof(hs))
		die("gvisor-sink handshake");
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	return 0;
}

static long sys_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

/*
 * Every loaded program's run count and run time (bpftool prog show without
 * bpftool, which the guest does not have). Raw bpf(2): no libbpf here.
 */
static int bpf_stats(void)
{
	union bpf_attr attr;
	struct bpf_prog_info info;
	__u32 id = 0;
	int fd;

	for (;;) {
		memset(&attr, 0, sizeof(attr));
		attr.start_id = id;
		if (sys_bpf(BPF_PROG_GET_NEXT_ID, &attr))
			break;
		id = attr.next_id;
		memset(&attr, 0, sizeof(attr));
		attr.prog_id = id;
		fd = sys_bpf(BPF_PROG_GET_FD_BY_ID, &attr);
		if (fd < 0)
			continue;	/* unloaded in the meantime */
		memset(&info, 0, sizeof(info));
		memset(&attr, 0, sizeof(attr));
		attr.info.bpf_fd = fd;
		attr.info.info_len = sizeof(info);
		attr.info.info = (uintptr_t)&info;
		if (!sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &attr))
			printf("%s %llu %llu\n", info.name[0] ? info.name : "-",
			       (unsigned long long)info.run_cnt,
			       (unsigned long long)info.run_time_ns);
		close(fd);
	}
	if (errno != ENOENT)
		die("BPF_PROG_GET_NEXT_ID");
	return 0;
}

static const struct {
	const char *name;
	void (*op)(void);
	void (*setup)(void);
} workloads[] = {
	{ "fork", op_fork, NULL },
	{ "vfork_exec", op_vfork_exec, NULL },
	{ "pthread", op_pthread, NULL },
	{ "clone3_thread", op_clone3_thread, NULL },
	{ "unshare0", op_unshare0, NULL },
	{ "setns_uts", op_setns_uts, setup_setns },
	{ "getpid", op_getpid, NULL },
};

int main(int argc, char **argv)
{
	uint64_t t0, t1, c0, c1;
	long i, n;
	size_t w;

	if (!strcmp(argv[0], "true") || (argc > 1 && !strcmp(argv[1], "true")))
		return 0;
	if (argc == 3 && !strcmp(argv[1], "gvisor-sink"))
		return gvisor_sink(argv[2]);
	if (argc == 2 && !strcmp(argv[1], "bpf-stats"))
		return bpf_stats();
	if (argc != 3) {
		fprintf(stderr, "usage: bench WORKLOAD ITERATIONS | bench gvisor-sink PATH | bench bpf-stats\n");
		return 1;
	}
	n = atol(argv[2]);
	for (w = 0; w < sizeof(workloads) / sizeof(workloads[0]); w++) {
		if (strcmp(workloads[w].name, argv[1]))
			continue;
		if (workloads[w].setup)
			workloads[w].setup();
		for (i = 0; i < n / 10 + 1; i++)	/* warm up */
			workloads[w].op();
		c0 = cpu_ns();
		t0 = now_ns();
		for (i = 0; i < n; i++)
			workloads[w].op();
		t1 = now_ns();
		c1 = cpu_ns();
		printf("%s %.1f %.1f\n", argv[1], (double)(t1 - t0) / n, (double)(c1 - c0) / n);
		return 0;
	}
	fprintf(stderr, "bench: unknown workload '%s'\n", argv[1]);
	return 1;
}
