// SPDX-License-Identifier: GPL-2.0
/*
 * clone-family argument fuzzer, under enforce (gvisor-21d66119) in a
 * cgroup scope.
 *
 * A fixed-seed generator (xorshift64*) drives clone3, clone, fork, unshare
 * and setns with random sizes (0..8192), bad pointers (NULL, unmapped,
 * PROT_NONE, read-only, straddling a PROT_NONE page, kernel half), flag
 * combinations biased to every CLONE_* bit and unknown bits, random exit
 * signals, set_tid arrays and sizes, cgroup fds and random tails. Every child
 * exits at once in assembly (cg_test.h), so CLONE_VM children never touch
 * memory.
 *
 *   FUZZ_SEED   seed (default 1)        FUZZ_COUNT  calls (default 12000)
 *   FUZZ_START  first call to run (default 0; rounded down to an epoch)
 *   FUZZ_VERBOSE=1  print each failing call (a violating clone3's args too)
 *   FUZZ_PROGRESS=N  a progress line every N calls (scripts/fuzz sets it)
 *   FUZZ_NO_EVENTS=1  do not run the BPF events collector alongside
 *
 * Calls run in epochs of FUZZ_EPOCH calls, each in a fresh process forked
 * from the pristine fuzzer (the generator re-seeded from seed and epoch), so
 * namespace changes made by a successful unshare/setns do not accumulate
 * without bound, and `FUZZ_SEED=s FUZZ_START=e*FUZZ_EPOCH FUZZ_COUNT=...`
 * replays one epoch alone. Replays are exact except where thread timing
 * matters (a CLONE_THREAD child still alive makes a later unshare(NEWUSER)
 * fail U2), which never turns a refusal into a success.
 *
 * Properties checked on every call:
 *   P1 no clone/clone3 whose flags the profile refuses succeeded: bits
 *      outside 0xFDBDEF00 (clone3: 64-bit flags; clone: low 32 bits, whose
 *      low byte is the exit signal, so a signal > 64 is C8), set_tid != 0
 *      (C3), a clone3 size outside 64..88 (A1), a clone3 exit signal > 64
 *      (C8), clone3 args at an unreadable address;
 *   P2 every errno is in the entry point's allowed set (see errno_ok());
 *   P3 unshare() with NEWTIME/NEWCGROUP never created those namespaces
 *      (time_for_children and cgroup inodes unchanged);
 *   P4 no setns() into a user/pid/cgroup/time namespace or a pidfd (S2)
 *      succeeded, and no successful setns changed those namespaces.
 * After the campaign: every child reaped (the fuzzer is a subreaper) and
 * the test cgroup's cgroup.procs holds only the fuzzer.
 */
#include "cg_test.h"
#include <stdarg.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include "kselftest_harness.h"

#define SUPPORTED	0xFDBDEF00ULL
#define FUZZ_EPOCH	500
#define BUF_PAGES	4	/* RW pages; one PROT_NONE page follows */
#define PAGE		4096UL

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x80
#endif

enum entry { E_CLONE3, E_CLONE, E_FORK, E_UNSHARE, E_SETNS, E_NR };
static const char *const entry_name[E_NR] = { "clone3", "clone", "fork", "unshare", "setns" };

struct tally {
	unsigned long calls[E_NR], ok[E_NR], err[E_NR];
	unsigned long errnos[E_NR][160];
	unsigned long violations, bad_errno, ns_leaks, epochs_failed;
	uint64_t first_bad_call;	/* index of the first failing call, ~0 if none */
	char first_bad[256];
};

/* ---- the generator ---- */

static uint64_t rng;

static uint64_t rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545F4914F6CDD1DULL;
}

static uint64_t below(uint64_t n) { return n ? rnd() % n : 0; }
static bool chance(unsigned int pct) { return below(100) < pct; }

static void seed_epoch(uint64_t seed, uint64_t epoch)
{
	rng = seed * 0x9E3779B97F4A7C15ULL + epoch * 0xD1B54A32D192ED03ULL + 1;
	if (!rng)
		rng = 1;
	for (int i = 0; i < 8; i++)
		rnd();
}

/* ---- memory the generator points at ---- */

struct arena {
	char *rw;		/* BUF_PAGES RW pages, then a PROT_NONE page */
	char *ro;		/* read-only alias of rw's first page (memfd) */
	char *none;		/* a PROT_NONE page */
	char *unmapped;		/* an address with nothing mapped */
	int *slots;		/* pidfd/tid slots the kernel may write */
	int32_t *tids;		/* set_tid arrays */
};

static struct arena A;

static int arena_init(void)
{
	int mfd = memfd_create("fuzz", 0);
	char *p;

	if (mfd < 0 || ftruncate(mfd, (BUF_PAGES + 1) * PAGE))
		return -1;
	p = mmap(NULL, (BUF_PAGES + 1) * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
	if (p == MAP_FAILED || mprotect(p + BUF_PAGES * PAGE, PAGE, PROT_NONE))
		return -1;
	A.rw = p;
	A.none = p + BUF_PAGES * PAGE;
	A.ro = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, mfd, 0);
	if (A.ro == MAP_FAILED)
		return -1;
	close(mfd);
	/*
	 * Never mapped: below mmap_min_addr, where only MAP_FIXED could put
	 * anything (a hole made by munmap() would be reused by later mmaps).
	 */
	A.unmapped = (char *)0x1000;
	A.slots = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	A.tids = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return A.slots == MAP_FAILED || A.tids == MAP_FAILED ? -1 : 0;
}

/* The last page below TASK_SIZE: never mapped here (x86-64: the stack is lower). */
static uint64_t top_of_user(void)
{
	return sizeof(long) == 8 ? 0x7ffffffff000ULL : 0xfffff000ULL;
}

/* A user pointer for the kernel to write an int to (pidfd, tids) or read. */
static uint64_t rnd_ptr(void)
{
	switch (below(10)) {
	case 0: return 0;
	case 1: return chance(50) ? (uintptr_t)A.unmapped : top_of_user();
	case 2: return (uintptr_t)A.none;
	case 3: return (uintptr_t)A.ro;
	case 4: return 0xffff888000000000ULL;	/* a kernel address (u64 fields) */
	default: return (uintptr_t)&A.slots[below(64)];
	}
}

static const uint64_t flag_bits[] = {
	CLONE_NEWTIME, CLONE_VM, CLONE_FS, CLONE_FILES, CLONE_SIGHAND, CLONE_PIDFD,
	CLONE_PTRACE, CLONE_VFORK, CLONE_PARENT, CLONE_THREAD, CLONE_NEWNS,
	CLONE_SYSVSEM, CLONE_SETTLS, CLONE_PARENT_SETTID, CLONE_CHILD_CLEARTID,
	CLONE_DETACHED, CLONE_UNTRACED, CLONE_CHILD_SETTID, CLONE_NEWCGROUP,
	CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET, CLONE_IO,
	T_CLEAR_SIGHAND, T_INTO_CGROUP,
};

static uint64_t rnd_flags(void)
{
	uint64_t f = 0;
	unsigned int i, n;

	switch (below(8)) {
	case 0:		/* anything at all */
		return rnd() >> below(64);
	case 1:		/* only supported bits: the calls that may succeed */
		f = rnd() & SUPPORTED;
		/* keep expensive namespaces rare */
		if (!chance(10))
			f &= ~(uint64_t)(CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS);
		return f;
	case 2:		/* a thread-like or vfork-like set, plus at most one more bit */
		f = below(2) ? (CLONE_VM | CLONE_SIGHAND | CLONE_THREAD | CLONE_FS | CLONE_FILES |
				CLONE_SYSVSEM) : (CLONE_VM | CLONE_VFORK);
		if (chance(60))
			f |= flag_bits[below(ARRAY_SIZE(flag_bits))];
		return f;
	default:	/* a few interesting bits */
		n = 1 + below(4);
		for (i = 0; i < n; i++)
			f |= flag_bits[below(ARRAY_SIZE(flag_bits))];
		if (chance(5))
			f |= 1ULL << below(64);
		if (chance(30))
			f &= ~(uint64_t)CLONE_NEWNET;
		return f;
	}
}

/*
 * An exit signal. The fuzzer blocks every signal it can; SIGKILL and SIGSTOP
 * cannot be blocked, so a child's exit must never send them to us.
 */
static uint64_t rnd_signal(bool wide)
{
	uint64_t s;

	switch (below(6)) {
	case 0: s = 0; break;
	case 1: s = below(65); break;
	case 2: s = below(256); break;
	case 3: s = wide ? rnd() : below(256); break;
	default: s = SIGCHLD; break;
	}
	if ((s & 0xff) == SIGKILL || (s & 0xff) == SIGSTOP)
		s = SIGCHLD;
	return s;
}

/* ---- per-call bookkeeping ---- */

static struct tally *T;
static uint64_t call_no;
static bool verbose;
static int ns_fds[16], n_ns_fds;
static bool ns_fd_refused[16];	/* S2: not net/ipc/mnt/uts */
static int cg_fd;

static void fail(const char *kind, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(const char *kind, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (T->first_bad_call == ~0ULL) {
		T->first_bad_call = call_no;
		snprintf(T->first_bad, sizeof(T->first_bad), "call %llu: %s: %s",
			 (unsigned long long)call_no, kind, msg);
	}
	if (verbose)
		fprintf(stderr, "# FAIL call %llu: %s: %s\n", (unsigned long long)call_no, kind, msg);
}

/*
 * P2: the errnos each entry point may return under enforce, with why.
 *   EINVAL      spec A1, C1-C9, U1, U2, S2, S3; Linux's own argument checks
 *               (clone3 stack/stack_size, set_tid_size > 32, ...).
 *   EPERM       spec C10, C12, C13, U3, U5, S4, S5; Linux's capability
 *               checks (e.g. setns into a namespace we lack rights over).
 *   EUSERS      C11/U4.depth (not reached by this campaign, allowed).
 *   EOPNOTSUPP  C3 (clone3 set_tid).
 *   EFAULT      clone3's struct, or a pidfd/tid/set_tid pointer, unreadable
 *               or unwritable (spec 2.1: a fault while copying).
 *   EBADF       setns S1 (fd not open).
 *   ENOMEM      Linux: fork into a pid namespace whose init has exited
 *               (after unshare(CLONE_NEWPID) the first child is init and
 *               exits at once) and allocation failure.
 *   EAGAIN      Linux: RLIMIT_NPROC / pid exhaustion / threads-max.
 *   ENOSPC      Linux: namespace count or nesting limits (spec 2.5).
 *   EUSERS is also what Linux says for too-deep time/pid nesting on some
 *   paths; ERESTART* never reach user space.
 * Not allowed: E2BIG (spec A1: clone3 sizes > 88 are EINVAL whatever the
 * tail, so Linux's E2BIG must never be seen under enforce), EEXIST (set_tid
 * is refused by C3 first), EBUSY (CLONE_INTO_CGROUP refused by C1 first),
 * ESRCH, ENOSYS, and anything else.
 */
static bool errno_ok(enum entry e, long err)
{
	switch (err) {
	case EINVAL: case EPERM: case ENOMEM: case EAGAIN: case ENOSPC: case EUSERS:
		return true;
	case EOPNOTSUPP:
		return e == E_CLONE3;
	case EFAULT:
		return e == E_CLONE3 || e == E_CLONE;
	case EBADF:
		return e == E_SETNS;
	default:
		return false;
	}
}

static void account(enum entry e, long ret)
{
	T->calls[e]++;
	if (ret >= 0) {
		T->ok[e]++;
		return;
	}
	T->err[e]++;
	T->errnos[e][-ret < 160 ? -ret : 159]++;
	if (!errno_ok(e, -ret)) {
		T->bad_errno++;
		fail("errno", "%s returned %ld (%s)", entry_name[e], ret, strerror(-ret));
	}
}

static void reap(long pid)
{
	/* CLONE_PARENT and CLONE_THREAD children are not ours to wait for. */
	if (pid > 0)
		waitpid(pid, NULL, __WALL);
}

/* ---- the calls ---- */

static void fuzz_clone3(void)
{
	struct t_clone_args args, eff;
	size_t size, off = 0;
	bool readable = true;	/* uargs points at our struct */
	char *where;
	uint64_t uargs;
	long ret;
	int i;

	memset(&args, 0, sizeof(args));
	args.flags = rnd_flags();
	args.exit_signal = rnd_signal(true);
	if (chance(30))
		args.pidfd = rnd_ptr();
	if (chance(20))
		args.child_tid = rnd_ptr();
	if (chance(20))
		args.parent_tid = rnd_ptr();
	if (chance(10)) {
		args.stack = chance(50) ? (uintptr_t)A.rw : rnd();
		args.stack_size = chance(50) ? PAGE : rnd() >> below(64);
	}
	if (chance(10))
		args.tls = chance(50) ? 0 : rnd();
	if (chance(25)) {
		int n = below(40);

		for (i = 0; i < n && i < 64; i++)
			A.tids[i] = chance(80) ? (int32_t)below(40000) : (int32_t)rnd();
		args.set_tid = chance(80) ? (uintptr_t)A.tids : rnd_ptr();
		args.set_tid_size = chance(80) ? (uint64_t)n : rnd() >> below(64);
	} else if (chance(5)) {
		args.set_tid_size = below(40);
	}
	if (chance(15))
		args.cgroup = chance(60) ? (uint64_t)cg_fd : (chance(50) ? rnd() : below(1024));

	switch (below(10)) {
	case 0: size = below(8193); break;
	case 1: size = 64 + below(25); break;
	case 2: size = 64 + below(33); break;
	case 3: size = 80; break;
	case 4: size = 64; break;
	default: size = 88; break;
	}

	/* Where the struct lives. */
	switch (below(14)) {
	case 0: uargs = 0; readable = false; break;
	case 1:
		/* unmapped: a low page, or the last user page / across TASK_SIZE */
		uargs = chance(50) ? (uintptr_t)A.unmapped : top_of_user() + below(2) * 0xfc0;
		readable = false;
		break;
	case 2: uargs = (uintptr_t)A.none; readable = false; break;
	case 3:
		uargs = sizeof(long) == 8 ? 0xffff888000000000ULL : 0xc0000000ULL;
		readable = false;
		break;
	case 4:	/* read-only alias of the buffer */
		uargs = (uintptr_t)A.ro;
		break;
	case 5:	/* ends right before the PROT_NONE page, or straddles it */
		off = BUF_PAGES * PAGE - (size < 8 ? 8 : size) + (chance(50) ? 0 : below(16));
		off &= ~7UL;
		if (off > BUF_PAGES * PAGE - 8)
			off = BUF_PAGES * PAGE - 8;
		uargs = (uintptr_t)A.rw + off;
		break;
	default:
		uargs = (uintptr_t)A.rw;
		break;
	}
	where = A.rw + off;
	memset(A.rw, 0, PAGE);	/* the ro alias sees page 0 */
	{
		size_t room = BUF_PAGES * PAGE - off;
		size_t n = size < room ? size : room;
		size_t hdr = n < sizeof(args) ? n : sizeof(args);

		memset(where, 0, n);
		memcpy(where, &args, hdr);
		if (n > 88 && chance(50))	/* a non-zero tail */
			where[88 + below(n - 88)] = (char)(1 + below(255));
		if (uargs == (uintptr_t)A.ro)
			memcpy(A.rw, &args, size < sizeof(args) ? size : sizeof(args));
	}

	/* What the kernel sees if it copies min(size, 88) bytes. */
	memset(&eff, 0, sizeof(eff));
	memcpy(&eff, &args, size < 88 ? size : 88);

	ret = t_sys_clone3_exit((struct t_clone_args *)(uintptr_t)uargs, size);
	account(E_CLONE3, ret);
	if (ret > 0) {
		if (eff.flags & ~SUPPORTED) {
			T->violations++;
			fail("P1", "clone3 created %ld with refused flags %#llx (size %zu)", ret,
			     (unsigned long long)eff.flags, size);
		}
		if (eff.set_tid) {
			T->violations++;
			fail("P1", "clone3 created %ld with set_tid %#llx", ret,
			     (unsigned long long)eff.set_tid);
		}
		if (!readable) {
			T->violations++;
			fail("P1", "clone3 with unreadable args %#llx created %ld",
			     (unsigned long long)uargs, ret);
		}
		if (size < 64 || size > 88) {
			T->violations++;
			fail("P1", "clone3 with size %zu created %ld", size, ret);
		}
		if (eff.exit_signal > 64) {
			T->violations++;
			fail("P1", "clone3 with exit signal %llu created %ld",
			     (unsigned long long)eff.exit_signal, ret);
		}
		if (verbose && (eff.flags & ~SUPPORTED || eff.set_tid || !readable || size < 64 ||
				size > 88))
			fprintf(stderr, "#   clone3(%#llx, %zu): flags %#llx pidfd %#llx ctid %#llx "
				"ptid %#llx sig %#llx stack %#llx/%#llx tls %#llx set_tid %#llx/%llu "
				"cgroup %#llx\n", (unsigned long long)uargs, size,
				(unsigned long long)eff.flags, (unsigned long long)eff.pidfd,
				(unsigned long long)eff.child_tid, (unsigned long long)eff.parent_tid,
				(unsigned long long)eff.exit_signal, (unsigned long long)eff.stack,
				(unsigned long long)eff.stack_size, (unsigned long long)eff.tls,
				(unsigned long long)eff.set_tid, (unsigned long long)eff.set_tid_size,
				(unsigned long long)eff.cgroup);
		reap(ret);
	}
}

static void fuzz_clone(void)
{
	uint64_t flags = rnd_flags() | rnd_signal(false);
	uint64_t low;
	long ret;

	if ((flags & 0xff) == SIGKILL || (flags & 0xff) == SIGSTOP)
		flags = (flags & ~0xffULL) | SIGCHLD;
	low = flags & 0xffffffffULL;
	ret = t_sys_clone_exit(flags, (void *)(uintptr_t)rnd_ptr(), (void *)(uintptr_t)rnd_ptr());
	account(E_CLONE, ret);
	if (ret > 0) {
		if ((low & ~0xffULL) & ~SUPPORTED) {
			T->violations++;
			fail("P1", "clone created %ld with refused flags %#llx", ret,
			     (unsigned long long)low);
		}
		if ((low & 0xff) > 64) {
			T->violations++;
			fail("P1", "clone created %ld with exit signal %llu (C8)", ret,
			     (unsigned long long)(low & 0xff));
		}
		reap(ret);
	}
}

static void fuzz_fork(void)
{
	long ret = t_sys_fork_exit(chance(50) ? T_NR_FORK : T_NR_VFORK);

	account(E_FORK, ret);
	reap(ret);
}

static unsigned long ino(const char *ns)
{
	char p[64];

	snprintf(p, sizeof(p), "/proc/thread-self/ns/%s", ns);
	return t_ns_inode(p);
}

static void fuzz_unshare(void)
{
	uint64_t flags = rnd_flags();
	unsigned long time0, cg0;
	long ret;

	/* Mostly the dropped bits, with or without others. */
	if (chance(60))
		flags = (chance(50) ? flags : 0) | (chance(50) ? CLONE_NEWTIME : 0) |
			(chance(50) ? CLONE_NEWCGROUP : CLONE_NEWTIME);
	/* Keep namespace churn cheap: net namespaces are slow to tear down. */
	if (chance(90))
		flags &= ~(uint64_t)CLONE_NEWNET;
	time0 = ino("time_for_children");
	cg0 = ino("cgroup");
	ret = t_unshare(flags);
	account(E_UNSHARE, ret);
	if (ret == 0 && (flags & (CLONE_NEWTIME | CLONE_NEWCGROUP))) {
		if (time0 != ino("time_for_children") || cg0 != ino("cgroup")) {
			T->ns_leaks++;
			fail("P3", "unshare(%#llx) changed time_for_children %lu->%lu or cgroup %lu->%lu",
			     (unsigned long long)flags, time0, ino("time_for_children"), cg0,
			     ino("cgroup"));
		}
	}
}

static void fuzz_setns(void)
{
	static const int types[] = { 0, CLONE_NEWNET, CLONE_NEWIPC, CLONE_NEWNS, CLONE_NEWUTS,
				     CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWCGROUP, CLONE_NEWTIME };
	unsigned long u0, p0, c0, t0;
	int k = -1, fd, nstype;
	long ret;

	switch (below(8)) {
	case 0: fd = chance(50) ? -1 : (int)below(1 << 20); break;
	case 1: fd = 0; break;	/* stdin: not a namespace */
	default: k = below(n_ns_fds); fd = ns_fds[k]; break;
	}
	nstype = chance(70) ? types[below(ARRAY_SIZE(types))] : (int)rnd();
	u0 = ino("user");
	p0 = ino("pid_for_children");
	c0 = ino("cgroup");
	t0 = ino("time_for_children");
	ret = t_setns(fd, nstype);
	account(E_SETNS, ret);
	if (ret == 0) {
		if (k >= 0 && ns_fd_refused[k]) {
			T->violations++;
			fail("P4", "setns into refused fd #%d (nstype %#x) succeeded", k, nstype);
		}
		if (u0 != ino("user") || p0 != ino("pid_for_children") || c0 != ino("cgroup") ||
		    t0 != ino("time_for_children")) {
			T->ns_leaks++;
			fail("P4", "setns(fd #%d, %#x) changed user/pid/cgroup/time", k, nstype);
		}
	}
}

static void fuzz_one(void)
{
	unsigned int r = below(100);

	if (r < 70)
		fuzz_clone3();
	else if (r < 82)
		fuzz_clone();
	else if (r < 84)
		fuzz_fork();
	else if (r < 92)
		fuzz_unshare();
	else
		fuzz_setns();
}

/* ---- the campaign ---- */

static void open_ns_fds(void)
{
	static const struct { const char *p; bool refused; } ns[] = {
		{ "/proc/self/ns/net", false }, { "/proc/self/ns/ipc", false },
		{ "/proc/self/ns/mnt", false }, { "/proc/self/ns/uts", false },
		{ "/proc/self/ns/user", true }, { "/proc/self/ns/pid", true },
		{ "/proc/self/ns/cgroup", true }, { "/proc/self/ns/time", true },
		{ "/proc/self/ns/pid_for_children", true },
		{ "/proc/self/ns/time_for_children", true },
		{ "/dev/null", true },
	};
	unsigned int i;
	int fd;

	for (i = 0; i < ARRAY_SIZE(ns); i++) {
		fd = open(ns[i].p, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		ns_fd_refused[n_ns_fds] = ns[i].refused;
		ns_fds[n_ns_fds++] = fd;
	}
	fd = syscall(T_NR_PIDFD_OPEN, getpid(), 0);
	if (fd >= 0) {
		ns_fd_refused[n_ns_fds] = true;
		ns_fds[n_ns_fds++] = fd;
	}
	ns_fd_refused[n_ns_fds] = true;
	ns_fds[n_ns_fds++] = cg_fd;
}

static uint64_t env_u64(const char *name, uint64_t def)
{
	const char *s = getenv(name);

	return s && *s ? strtoull(s, NULL, 0) : def;
}

static int count_procs(const char *cgpath, pid_t *only)
{
	char p[300], buf[4096];
	int n = 0;
	char *s;

	snprintf(p, sizeof(p), "%s/cgroup.procs", cgpath);
	if (t_read_file(p, buf, sizeof(buf)) < 0)
		return -1;
	for (s = strtok(buf, "\n"); s; s = strtok(NULL, "\n")) {
		*only = atoi(s);
		n++;
	}
	return n;
}

/*
 * The fuzzer: runs inside the scoped cgroup. Returns through *T; exits 0
 * when the campaign ran (properties are judged by the caller).
 */
static void fuzzer(const char *cgpath, uint64_t seed, uint64_t start, uint64_t count)
{
	uint64_t epoch, end = start + count, progress = env_u64("FUZZ_PROGRESS", 0), next;
	uint64_t all = ~0ULL;
	pid_t only = 0;
	int n;

	/*
	 * Block every signal, through the raw syscall: glibc's sigfillset()
	 * leaves out its internal 32 and 33, whose default action (a child's
	 * exit signal) would end us.
	 */
	if (syscall(SYS_rt_sigprocmask, SIG_BLOCK, &all, NULL, 8))
		_exit(2);
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	if (arena_init())
		_exit(2);
	open_ns_fds();
	next = progress ? start + progress : ~0ULL;
	for (epoch = start / FUZZ_EPOCH; epoch * FUZZ_EPOCH < end; epoch++) {
		uint64_t first = epoch * FUZZ_EPOCH, last = first + FUZZ_EPOCH;
		int st;
		pid_t pid;

		if (first < start)
			first = start;
		if (last > end)
			last = end;
		pid = fork();
		if (pid < 0)
			_exit(3);
		if (pid == 0) {
			seed_epoch(seed, epoch);
			for (call_no = first; call_no < last; call_no++)
				fuzz_one();
			_exit(0);
		}
		if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st)) {
			T->epochs_failed++;
			if (T->first_bad_call == ~0ULL) {
				T->first_bad_call = first;
				snprintf(T->first_bad, sizeof(T->first_bad),
					 "epoch %llu (calls %llu..) died: status %#x",
					 (unsigned long long)epoch, (unsigned long long)first, st);
			}
		}
		/* CLONE_PARENT children and orphans come back to us. */
		t_reap_all();
		if (last >= next) {
			unsigned long ok = 0, c = 0;

			for (int e = 0; e < E_NR; e++) {
				ok += T->ok[e];
				c += T->calls[e];
			}
			printf("# fuzz: seed %llu: %lu calls, %lu created/succeeded, %lu violations, %lu bad errnos\n",
			       (unsigned long long)seed, c, ok, T->violations + T->ns_leaks,
			       T->bad_errno);
			fflush(stdout);
			next += progress;
		}
	}
	t_reap_all();
	n = count_procs(cgpath, &only);
	if (n != 1 || only != getpid())
		_exit(10 + (n > 9 ? 9 : n));
	_exit(0);
}

FIXTURE(fuzz) {
	struct t_cgroup cg;
	pid_t events;
	bool ready;
};

FIXTURE_SETUP(fuzz)
{
	self->events = -1;
	T_CGROUP_SETUP(self, "fuzz");
	ASSERT_EQ(0, t_apply(self->cg.fd, CG_SCOPE_CGROUP, CG_PROFILE_GVISOR_21D66119,
			     CG_MODE_ENFORCE));
	/* The BPF events collector, when the command is there (optional). */
	if (!access("/clonegate/bin/clonegate", X_OK) && !getenv("FUZZ_NO_EVENTS")) {
		self->events = fork();
		if (self->events == 0) {
			int null = open("/dev/null", O_WRONLY);

			dup2(null, 1);
			dup2(null, 2);
			execl("/clonegate/bin/clonegate", "clonegate", "events", "--json",
			      "--output", "/dev/null", (char *)NULL);
			_exit(127);
		}
	}
	self->ready = true;
}

FIXTURE_TEARDOWN(fuzz)
{
	if (self->events > 0) {
		kill(self->events, SIGTERM);
		waitpid(self->events, NULL, 0);
	}
	t_cgroup_teardown(&self->cg);
}

TEST_F_TIMEOUT(fuzz, campaign, 3600)
{
	uint64_t seed = env_u64("FUZZ_SEED", 1), count = env_u64("FUZZ_COUNT", 12000);
	/* Replays start at an epoch boundary. */
	uint64_t start = env_u64("FUZZ_START", 0) / FUZZ_EPOCH * FUZZ_EPOCH;
	unsigned long calls = 0, ok = 0;
	struct tally *t;
	int st, e;
	pid_t pid;

	if (!self->ready)
		return;
	verbose = getenv("FUZZ_VERBOSE") != NULL;
	t = mmap(NULL, sizeof(*t), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, t);
	memset(t, 0, sizeof(*t));
	t->first_bad_call = ~0ULL;
	T = t;
	cg_fd = self->cg.fd;
	pid = t_fork_in(&self->cg, 4);
	ASSERT_LE(0, pid);
	if (pid == 0)
		fuzzer(self->cg.path, seed, start, count);
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	for (e = 0; e < E_NR; e++) {
		char line[1024];
		int n = 0, k;

		calls += t->calls[e];
		ok += t->ok[e];
		n += snprintf(line + n, sizeof(line) - n, "%-7s %7lu calls %6lu ok", entry_name[e],
			      t->calls[e], t->ok[e]);
		for (k = 0; k < 160 && n < (int)sizeof(line) - 32; k++)
			if (t->errnos[e][k])
				n += snprintf(line + n, sizeof(line) - n, " %s=%lu",
					      strerrorname_np(k) ? strerrorname_np(k) : "?",
					      t->errnos[e][k]);
		TH_LOG("%s", line);
	}
	TH_LOG("seed %llu start %llu count %llu: %lu calls, %lu succeeded; violations %lu, "
	       "ns leaks %lu, bad errnos %lu, dead epochs %lu",
	       (unsigned long long)seed, (unsigned long long)start, (unsigned long long)count,
	       calls, ok, t->violations, t->ns_leaks, t->bad_errno, t->epochs_failed);
	if (t->first_bad_call != ~0ULL)
		TH_LOG("first failure: %s; replay: FUZZ_SEED=%llu FUZZ_START=%llu FUZZ_COUNT=%d "
		       "FUZZ_VERBOSE=1", t->first_bad, (unsigned long long)seed,
		       (unsigned long long)(t->first_bad_call / FUZZ_EPOCH * FUZZ_EPOCH),
		       FUZZ_EPOCH);
	EXPECT_TRUE(WIFEXITED(st));
	EXPECT_EQ(0, WEXITSTATUS(st)) TH_LOG("fuzzer exit %d (1x: cgroup.procs held x tasks)",
					      WEXITSTATUS(st));
	EXPECT_EQ(count, calls);
	EXPECT_EQ(0, t->violations);
	EXPECT_EQ(0, t->ns_leaks);
	EXPECT_EQ(0, t->bad_errno);
	EXPECT_EQ(0, t->epochs_failed);
	/* The campaign must have exercised both outcomes. */
	EXPECT_LT(0, ok);
	munmap(t, sizeof(*t));
}

TEST_HARNESS_MAIN
