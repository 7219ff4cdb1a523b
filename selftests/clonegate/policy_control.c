// SPDX-License-Identifier: GPL-2.0
/*
 * The control interface: who may change policy, and what malformed input
 * gets. Every refused change must leave the policy exactly as it was (the
 * scope list's generation does not move). Struct sizes: an older and a newer
 * caller are both served through the same ioctl number. Scopes of removed
 * cgroups are reclaimed.
 */
#include "cg_test.h"
#include <pthread.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include "kselftest_harness.h"

static uint64_t t_generation(void)
{
	struct cg_scope_list l = { .size = sizeof(l) };

	return t_ctl(CLONEGATE_IOC_LIST, &l) ? ~0ULL : l.generation;
}

static int t_ioctl_raw(int fd, unsigned long req, void *arg)
{
	return ioctl(fd, req, arg) ? -errno : 0;
}

static uint64_t t_cgroup_id(int fd)
{
	struct stat st;

	/* cgroup v2: the cgroup id is the kernfs inode */
	return fstat(fd, &st) ? 0 : st.st_ino;
}

/* Run @fn in a child after @setup; return what fn returned (as -errno). */
static int t_in_child(int (*setup)(void), int (*fn)(int fd), bool open_first)
{
	int p[2], fd = -1, r = -EIO, s;
	pid_t pid;

	if (pipe(p))
		return -EIO;
	pid = fork();
	if (pid == 0) {
		if (open_first)
			fd = t_ctl_fd();
		s = setup ? setup() : 0;
		if (!open_first && !s)
			fd = t_ctl_fd() < 0 ? -errno : t_ctl_fd();
		r = s ? 1000 + s : fn(fd);
		if (write(p[1], &r, sizeof(r)) != sizeof(r))
			_exit(1);
		_exit(0);
	}
	close(p[1]);
	if (read(p[0], &r, sizeof(r)) != sizeof(r))
		r = -EIO;
	close(p[0]);
	waitpid(pid, NULL, 0);
	return r;
}

static int t_apply_global_audit(int fd)
{
	struct cg_policy pol = { .size = sizeof(pol), .scope = CG_SCOPE_GLOBAL,
				 .cgroup_fd = -1, .mode = CG_MODE_AUDIT };

	if (fd < 0)
		return fd;
	return t_ioctl_raw(fd, CLONEGATE_IOC_APPLY, &pol);
}

static int t_version_ok(int fd)
{
	struct cg_version v = { .size = sizeof(v) };

	if (fd < 0)
		return fd;
	return t_ioctl_raw(fd, CLONEGATE_IOC_VERSION, &v);
}


static int t_to_userns_root(void)
{
	if (unshare(CLONE_NEWUSER))
		return -errno;
	return t_map_self() ? -EIO : 0;
}

static int t_drop_sys_admin(void)
{
	return t_drop_cap(21);	/* CAP_SYS_ADMIN */
}

FIXTURE(ctl) {
	bool ready;
};

FIXTURE_SETUP(ctl)
{
	self->ready = !access(CLONEGATE_DEVICE, F_OK);
	if (!self->ready)
		SKIP(return, "clonegate module not loaded");
	t_remove(-1, CG_SCOPE_GLOBAL);
}

FIXTURE_TEARDOWN(ctl)
{
	t_remove(-1, CG_SCOPE_GLOBAL);
}

TEST_F(ctl, unprivileged_cannot_open)
{
	if (!self->ready)
		return;
	/* The device is 0600 root: an unprivileged user cannot even open it. */
	EXPECT_EQ(-EACCES, t_in_child(t_drop_to_nobody, t_version_ok, false));
}

TEST_F(ctl, unprivileged_with_passed_fd_gets_eperm)
{
	uint64_t gen;

	if (!self->ready)
		return;
	gen = t_generation();
	EXPECT_EQ(-EPERM, t_in_child(t_drop_to_nobody, t_apply_global_audit, true));
	EXPECT_EQ(0, t_in_child(t_drop_to_nobody, t_version_ok, true));
	EXPECT_EQ(gen, t_generation());
}

TEST_F(ctl, root_in_user_namespace_gets_eperm)
{
	uint64_t gen;

	if (!self->ready)
		return;
	gen = t_generation();
	EXPECT_EQ(-EPERM, t_in_child(t_to_userns_root, t_apply_global_audit, true));
	EXPECT_EQ(gen, t_generation());
}

TEST_F(ctl, root_without_cap_sys_admin_gets_eperm)
{
	uint64_t gen;

	if (!self->ready)
		return;
	gen = t_generation();
	EXPECT_EQ(-EPERM, t_in_child(t_drop_sys_admin, t_apply_global_audit, true));
	EXPECT_EQ(gen, t_generation());
}

TEST_F(ctl, root_may_change)
{
	if (!self->ready)
		return;
	EXPECT_EQ(0, t_in_child(NULL, t_apply_global_audit, true));
	EXPECT_EQ(0, t_remove(-1, CG_SCOPE_GLOBAL));
	EXPECT_EQ(-ENOENT, t_remove(-1, CG_SCOPE_GLOBAL));
}

static struct t_cgroup confined_cg;

static int t_enter_confined(void)
{
	return t_cgroup_enter(&confined_cg, getpid());
}

static int t_remove_confined(int fd)
{
	struct cg_policy pol = { .size = sizeof(pol), .scope = CG_SCOPE_CGROUP,
				 .cgroup_fd = confined_cg.fd };

	return fd < 0 ? fd : t_ioctl_raw(fd, CLONEGATE_IOC_REMOVE, &pol);
}

TEST_F(ctl, confined_task_cannot_change_its_policy)
{
	uint64_t gen;
	uint32_t mode;

	if (!self->ready)
		return;
	ASSERT_EQ(0, t_cgroup_create(&confined_cg, "confined"));
	for (mode = CG_MODE_AUDIT; mode <= CG_MODE_ENFORCE; mode++) {
		ASSERT_EQ(0, t_apply(confined_cg.fd, CG_SCOPE_CGROUP, 0, mode));
		gen = t_generation();
		EXPECT_EQ(-EPERM, t_in_child(t_enter_confined, t_remove_confined, true));
		EXPECT_EQ(-EPERM, t_in_child(t_enter_confined, t_apply_global_audit, true));
		EXPECT_EQ(gen, t_generation());
	}
	/* A scope in mode off confines nothing. */
	ASSERT_EQ(0, t_apply(confined_cg.fd, CG_SCOPE_CGROUP, 0, CG_MODE_OFF));
	EXPECT_EQ(0, t_in_child(t_enter_confined, t_remove_confined, true));
	t_cgroup_destroy(&confined_cg);
}

static int t_reset(int fd)
{
	return fd < 0 ? fd : t_ioctl_raw(fd, CLONEGATE_IOC_RESET, NULL);
}

/* A fork from inside confined_cg: counted as checked by its scope. */
static int t_fork_once(int fd)
{
	pid_t pid = fork();

	(void)fd;
	if (pid == 0)
		_exit(0);
	return pid < 0 || waitpid(pid, NULL, 0) != pid ? -EIO : 0;
}

/* The sum of every module-wide counter, and of confined_cg's scope's. */
static void t_checked(uint64_t *module, uint64_t *scope)
{
	struct cg_scope_info info[CG_MAX_SCOPES];
	struct cg_scope_list l = { .size = sizeof(l), .count = CG_MAX_SCOPES,
				   .scopes = (uintptr_t)info };
	uint64_t id = t_cgroup_id(confined_cg.fd);
	struct cg_counters c;
	uint32_t i;

	*module = *scope = ~0ULL;
	if (t_counters(&c) || t_ctl(CLONEGATE_IOC_LIST, &l))
		return;
	for (*module = 0, i = 0; i < CG_ENTRY_SLOTS; i++)
		*module += c.checked[i] + c.dropped[i];
	for (i = 0; i < CG_RULE_SLOTS; i++)
		*module += c.refused[i] + c.audited[i];
	for (i = 0; i < l.count && i < CG_MAX_SCOPES; i++)
		if (info[i].scope == CG_SCOPE_CGROUP && info[i].cgroup_id == id)
			*scope = info[i].checked + info[i].refused + info[i].audited;
}

TEST_F(ctl, reset_zeroes_counters_and_needs_privilege)
{
	int (*const refused[])(void) = {
		t_drop_to_nobody, t_to_userns_root, t_drop_sys_admin, t_enter_confined,
	};
	uint64_t module, scope;
	size_t i;

	if (!self->ready)
		return;
	ASSERT_EQ(0, t_cgroup_create(&confined_cg, "reset"));
	ASSERT_EQ(0, t_apply(confined_cg.fd, CG_SCOPE_CGROUP, 0, CG_MODE_AUDIT));
	ASSERT_EQ(0, t_in_child(t_enter_confined, t_fork_once, true));
	t_checked(&module, &scope);
	ASSERT_NE(~0ULL, scope);
	EXPECT_LT(0, module);
	EXPECT_LT(0, scope);
	/* Not root, root of a user namespace, no CAP_SYS_ADMIN, policed. */
	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		EXPECT_EQ(-EPERM, t_in_child(refused[i], t_reset, true)) TH_LOG("case %zu", i);
		t_checked(&module, &scope);
		EXPECT_LT(0, module) TH_LOG("case %zu reset the module's counters", i);
		EXPECT_LT(0, scope) TH_LOG("case %zu reset the scope's counters", i);
	}
	EXPECT_EQ(0, t_ctl(CLONEGATE_IOC_RESET, NULL));
	t_checked(&module, &scope);
	EXPECT_EQ(0, module);
	EXPECT_EQ(0, scope);
	EXPECT_EQ(0, t_remove(confined_cg.fd, CG_SCOPE_CGROUP));
	t_cgroup_destroy(&confined_cg);
}

/* Malformed input: EINVAL (or the fd's own error), and nothing changes. */
struct bad_policy {
	const char *name;
	struct cg_policy pol;
	int err;
};

TEST_F(ctl, malformed_input_changes_nothing)
{
	int regular = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	int notcg = open("/tmp", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rootcg = open("/sys/fs/cgroup", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	const struct bad_policy bad[] = {
		{ "size 0", { .size = 0, .scope = CG_SCOPE_GLOBAL, .cgroup_fd = -1 }, EINVAL },
		{ "size 4", { .size = 4, .scope = CG_SCOPE_GLOBAL, .cgroup_fd = -1 }, EINVAL },
		{ "scope 0", { .size = sizeof(struct cg_policy), .scope = 0, .cgroup_fd = -1 }, EINVAL },
		{ "scope 3", { .size = sizeof(struct cg_policy), .scope = 3, .cgroup_fd = -1 }, EINVAL },
		{ "profile 99", { .size = sizeof(struct cg_policy), .scope = CG_SCOPE_GLOBAL,
				  .cgroup_fd = -1, .profile = 99 }, EINVAL },
		{ "mode 7", { .size = sizeof(struct cg_policy), .scope = CG_SCOPE_GLOBAL,
			      .cgroup_fd = -1, .mode = 7 }, EINVAL },
		{ "flags 1", { .size = sizeof(struct cg_policy), .scope = CG_SCOPE_GLOBAL,
			       .cgroup_fd = -1, .flags = 1 }, EINVAL },
		{ "global with an fd", { .size = sizeof(struct cg_policy), .scope = CG_SCOPE_GLOBAL,
					 .cgroup_fd = 0 }, EINVAL },
		{ "cgroup fd -1", { .size = sizeof(struct cg_policy), .scope = CG_SCOPE_CGROUP,
				    .cgroup_fd = -1 }, EBADF },
		{ "cgroup fd of a file", { .size = sizeof(struct cg_policy), .scope = CG_SCOPE_CGROUP,
					   .cgroup_fd = regular }, EBADF },
		{ "cgroup fd of /tmp", { .size = sizeof(struct cg_policy), .scope = CG_SCOPE_CGROUP,
					 .cgroup_fd = notcg }, EBADF },
		{ "the root cgroup", { .size = sizeof(struct cg_policy), .scope = CG_SCOPE_CGROUP,
				       .cgroup_fd = rootcg }, EINVAL },
	};
	struct { struct cg_policy pol; uint64_t tail; } big = {
		.pol = { .size = sizeof(big), .scope = CG_SCOPE_GLOBAL, .cgroup_fd = -1 },
		.tail = 1,
	};
	void *unmapped;
	uint64_t gen;
	size_t i;
	int fd;

	if (!self->ready)
		return;
	fd = t_ctl_fd();
	ASSERT_LE(0, fd);
	gen = t_generation();
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct cg_policy p = bad[i].pol;

		EXPECT_EQ(-bad[i].err, t_ioctl_raw(fd, CLONEGATE_IOC_APPLY, &p))
			TH_LOG("%s", bad[i].name);
		EXPECT_EQ(gen, t_generation()) TH_LOG("%s changed the policy", bad[i].name);
	}
	/* A newer, larger struct: non-zero extra bytes are refused... */
	EXPECT_EQ(-E2BIG, t_ioctl_raw(fd, CLONEGATE_IOC_APPLY, &big));
	EXPECT_EQ(gen, t_generation());
	/* ...zero extra bytes are accepted (forward compatibility). */
	big.tail = 0;
	EXPECT_EQ(0, t_ioctl_raw(fd, CLONEGATE_IOC_APPLY, &big));
	EXPECT_EQ(gen + 1, t_generation());
	EXPECT_EQ(0, t_remove(-1, CG_SCOPE_GLOBAL));

	gen = t_generation();
	unmapped = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, unmapped);
	EXPECT_EQ(-EFAULT, t_ioctl_raw(fd, CLONEGATE_IOC_APPLY, unmapped));
	EXPECT_EQ(-EFAULT, t_ioctl_raw(fd, CLONEGATE_IOC_APPLY, NULL));
	EXPECT_EQ(-ENOTTY, t_ioctl_raw(fd, _IO(CLONEGATE_IOC_MAGIC, 99), NULL));
	/* ABI 1's numbers had the struct's size in them: gone with ABI 2. */
	EXPECT_EQ(-ENOTTY, t_ioctl_raw(fd, _IOW(CLONEGATE_IOC_MAGIC, 1, struct cg_policy),
				       &big.pol));
	EXPECT_EQ(-ENOTTY, t_ioctl_raw(fd, _IOR(CLONEGATE_IOC_MAGIC, 0, struct cg_version),
				       &big.pol));
	EXPECT_EQ(-ENOENT, t_remove(-1, CG_SCOPE_GLOBAL));
	EXPECT_EQ(gen, t_generation());
	munmap(unmapped, 4096);
	close(fd);
	close(regular);
	close(notcg);
	close(rootcg);
}

TEST_F(ctl, version_and_list)
{
	struct cg_scope_info info[2];
	struct cg_scope_list l = { .size = sizeof(l), .count = 2,
				   .scopes = (uintptr_t)info };
	struct cg_version v = { .size = sizeof(v) };
	struct t_cgroup cg;

	if (!self->ready)
		return;
	ASSERT_EQ(0, t_ctl(CLONEGATE_IOC_VERSION, &v));
	EXPECT_EQ(CLONEGATE_ABI_VERSION, v.abi_version);
	EXPECT_EQ(64, v.max_scopes);
	EXPECT_NE(0, v.module_version[0]);

	ASSERT_EQ(0, t_cgroup_create(&cg, "list"));
	ASSERT_EQ(0, t_apply(-1, CG_SCOPE_GLOBAL, CG_PROFILE_LINUX, CG_MODE_AUDIT));
	ASSERT_EQ(0, t_apply(cg.fd, CG_SCOPE_CGROUP, CG_PROFILE_GVISOR_8623C872, CG_MODE_ENFORCE));
	ASSERT_EQ(0, t_ctl(CLONEGATE_IOC_LIST, &l));
	ASSERT_EQ(2, l.count);
	/* Most specific first: the cgroup, then global. */
	EXPECT_EQ(CG_SCOPE_CGROUP, info[0].scope);
	EXPECT_EQ(CG_PROFILE_GVISOR_8623C872, info[0].profile);
	EXPECT_EQ(CG_MODE_ENFORCE, info[0].mode);
	EXPECT_EQ(1, info[0].level);
	EXPECT_NE(0, info[0].cgroup_id);
	EXPECT_EQ(CG_SCOPE_GLOBAL, info[1].scope);
	EXPECT_EQ(CG_PROFILE_LINUX, info[1].profile);
	/* count 0 asks only how many there are */
	l.count = 0;
	ASSERT_EQ(0, t_ctl(CLONEGATE_IOC_LIST, &l));
	EXPECT_EQ(2, l.count);
	EXPECT_EQ(0, t_remove(cg.fd, CG_SCOPE_CGROUP));
	EXPECT_EQ(0, t_remove(-1, CG_SCOPE_GLOBAL));
	t_cgroup_destroy(&cg);
}

TEST_F(ctl, scope_limit_is_enospc)
{
	struct t_cgroup cg[65];
	char tag[16];
	int i, n = 0;

	if (!self->ready)
		return;
	for (i = 0; i < 65; i++) {
		snprintf(tag, sizeof(tag), "lim%d", i);
		ASSERT_EQ(0, t_cgroup_create(&cg[i], tag));
		n++;
	}
	for (i = 0; i < 64; i++)
		ASSERT_EQ(0, t_apply(cg[i].fd, CG_SCOPE_CGROUP, 0, CG_MODE_AUDIT));
	EXPECT_EQ(-ENOSPC, t_apply(cg[64].fd, CG_SCOPE_CGROUP, 0, CG_MODE_AUDIT));
	/* Changing an existing scope still works at the limit. */
	EXPECT_EQ(0, t_apply(cg[0].fd, CG_SCOPE_CGROUP, 0, CG_MODE_ENFORCE));
	for (i = 0; i < n; i++) {
		t_remove(cg[i].fd, CG_SCOPE_CGROUP);
		t_cgroup_destroy(&cg[i]);
	}
}

/*
 * The scopes and the generation as LIST gives them, without the counters
 * (those move whenever a policed task forks).
 */
struct t_view {
	uint64_t generation;
	uint32_t count;
	struct cg_scope_info info[CG_MAX_SCOPES];
};

static int t_view(struct t_view *v)
{
	struct cg_scope_list l = { .size = sizeof(l), .count = CG_MAX_SCOPES,
				   .scopes = (uintptr_t)v->info };
	int ret, i;

	memset(v, 0, sizeof(*v));
	ret = t_ctl(CLONEGATE_IOC_LIST, &l);
	v->generation = l.generation;
	v->count = l.count;
	for (i = 0; i < CG_MAX_SCOPES; i++)
		v->info[i].checked = v->info[i].refused = v->info[i].audited = 0;
	return ret;
}

/* The listed scope of cgroup @id, or NULL. */
static const struct cg_scope_info *t_view_find(const struct t_view *v, uint64_t id)
{
	uint32_t i;

	for (i = 0; i < v->count && i < CG_MAX_SCOPES; i++)
		if (v->info[i].scope == CG_SCOPE_CGROUP && v->info[i].cgroup_id == id)
			return &v->info[i];
	return NULL;
}

/* ---- struct sizes: one ioctl number serves every version of a struct ---- */

#define T_GUARD	64

/*
 * Call @req as a caller whose struct is @size bytes long: the first
 * min(size, len) bytes of @arg (the current struct, @len bytes), zeroes up
 * to @size, except @tail as the last byte when the caller's struct is the
 * longer one (a newer field set), then a guard. Returns the ioctl's -errno;
 * the first min(size, len) bytes come back into @arg. *kept: the size field,
 * the bytes the module does not know and the guard are as they were (the
 * module wrote at most min(size, len) bytes, and never the size).
 */
static int t_ioctl_sized(int fd, unsigned long req, void *arg, size_t len, uint32_t size,
			 uint8_t tail, bool *kept)
{
	size_t n = size < len ? size : len, room = (size > len ? size : len) + T_GUARD;
	size_t end = size > sizeof(size) ? size : sizeof(size);
	size_t from = n > sizeof(size) ? n : sizeof(size);
	uint8_t *buf = calloc(1, room), *was = malloc(room);
	int ret = -ENOMEM;

	*kept = false;
	if (!buf || !was)
		goto out;
	memcpy(buf, arg, n);
	memcpy(buf, &size, sizeof(size));
	if (tail && size > len)
		buf[size - 1] = tail;
	memset(buf + end, 0xa5, room - end);
	memcpy(was, buf, room);
	ret = ioctl(fd, req, buf) ? -errno : 0;
	*kept = !memcmp(buf, was, sizeof(size)) && !memcmp(buf + from, was + from, room - from);
	memcpy(arg, buf, n);
out:
	free(buf);
	free(was);
	return ret;
}

struct t_size_case {
	const char *name;
	uint32_t size;
	uint8_t tail;
	int err;
};

#define T_NR_SIZES 8

/*
 * One call of REQ on ARG with the struct's size field set to SIZE: Linux's
 * answer must be WANT, and nothing outside the struct (nor its size field)
 * may have been written. WHAT names the call in the log.
 */
#define T_EXPECT_SIZED(fd, req, arg, size, tail, want, what) do {			\
	bool kept_;									\
											\
	EXPECT_EQ(want, t_ioctl_sized(fd, req, arg, sizeof(*(arg)), size, tail, &kept_))	\
		TH_LOG("%s, size %u", what, size);					\
	EXPECT_TRUE(kept_) TH_LOG("%s, size %u: wrote beyond it or its size field",	\
				  what, size);						\
} while (0)

/* The sizes every struct is called with, for its current and first size. */
static void t_sizes(struct t_size_case *c, size_t len, uint32_t ver0)
{
	const struct t_size_case cases[T_NR_SIZES] = {
		{ "the first version (an older caller)", ver0, 0, 0 },
		{ "this build's", len, 0, 0 },
		{ "a newer caller, zero tail", len + 8, 0, 0 },
		{ "a newer caller, a newer field set", len + 8, 1, -E2BIG },
		{ "the largest allowed, zero tail", CLONEGATE_IOC_SIZE_MAX, 0, 0 },
		{ "above the largest, zero tail", CLONEGATE_IOC_SIZE_MAX + 1, 0, -E2BIG },
		{ "below the first version", ver0 - 1, 0, -EINVAL },
		{ "zero", 0, 0, -EINVAL },
	};

	memcpy(c, cases, sizeof(cases));
}

TEST_F(ctl, sizes_version)
{
	struct t_size_case c[T_NR_SIZES];
	struct cg_version v;
	int i, fd;

	if (!self->ready)
		return;
	fd = t_ctl_fd();
	ASSERT_LE(0, fd);
	t_sizes(c, sizeof(v), CG_VERSION_SIZE_VER0);
	for (i = 0; i < T_NR_SIZES; i++) {
		memset(&v, 0, sizeof(v));
		T_EXPECT_SIZED(fd, CLONEGATE_IOC_VERSION, &v, c[i].size, c[i].tail, c[i].err,
			       c[i].name);
		EXPECT_EQ(c[i].err ? 0 : CLONEGATE_ABI_VERSION, v.abi_version)
			TH_LOG("size %u: %s", c[i].size, c[i].name);
		EXPECT_EQ(c[i].err ? 0 : CG_MAX_SCOPES, v.max_scopes);
	}
	close(fd);
}

TEST_F(ctl, sizes_apply_and_remove)
{
	struct t_size_case c[T_NR_SIZES];
	const struct cg_scope_info *found;
	struct t_view *v = calloc(1, sizeof(*v));
	struct t_cgroup cg;
	struct cg_policy pol;
	uint64_t id, gen;
	int i, fd;

	if (!self->ready)
		return;
	fd = t_ctl_fd();
	ASSERT_LE(0, fd);
	ASSERT_NE(NULL, v);
	ASSERT_EQ(0, t_cgroup_create(&cg, "sizes"));
	id = t_cgroup_id(cg.fd);
	t_sizes(c, sizeof(pol), CG_POLICY_SIZE_VER0);
	for (i = 0; i < T_NR_SIZES; i++) {
		ASSERT_EQ(0, t_view(v));
		gen = v->generation;
		pol = (struct cg_policy){ .scope = CG_SCOPE_CGROUP, .cgroup_fd = cg.fd,
					  .profile = CG_PROFILE_LINUX, .mode = CG_MODE_AUDIT };
		T_EXPECT_SIZED(fd, CLONEGATE_IOC_APPLY, &pol, c[i].size, c[i].tail, c[i].err,
			       c[i].name);
		ASSERT_EQ(0, t_view(v));
		found = t_view_find(v, id);
		if (c[i].err) {
			EXPECT_EQ(gen, v->generation) TH_LOG("size %u changed the policy", c[i].size);
			EXPECT_EQ(NULL, found);
			EXPECT_EQ(0, pol.cgroup_id);
			continue;
		}
		EXPECT_EQ(id, pol.cgroup_id) TH_LOG("APPLY, size %u: cgroup_id", c[i].size);
		ASSERT_NE(NULL, found) TH_LOG("APPLY, size %u: not listed", c[i].size);
		EXPECT_EQ(CG_PROFILE_LINUX, found->profile);
		EXPECT_EQ(CG_MODE_AUDIT, found->mode);
		/* REMOVE at the same size, answering with the same id. */
		pol.cgroup_id = 0;
		T_EXPECT_SIZED(fd, CLONEGATE_IOC_REMOVE, &pol, c[i].size, c[i].tail, 0, c[i].name);
		EXPECT_EQ(id, pol.cgroup_id) TH_LOG("REMOVE, size %u: cgroup_id", c[i].size);
		ASSERT_EQ(0, t_view(v));
		EXPECT_EQ(NULL, t_view_find(v, id));
	}
	t_remove(cg.fd, CG_SCOPE_CGROUP);
	t_cgroup_destroy(&cg);
	free(v);
	close(fd);
}

TEST_F(ctl, sizes_list)
{
	struct cg_scope_info info[CG_MAX_SCOPES];
	struct t_size_case c[T_NR_SIZES];
	struct cg_scope_list l;
	int i, fd;

	if (!self->ready)
		return;
	fd = t_ctl_fd();
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, t_apply(-1, CG_SCOPE_GLOBAL, CG_PROFILE_LINUX, CG_MODE_OFF));
	t_sizes(c, sizeof(l), CG_SCOPE_LIST_SIZE_VER0);
	for (i = 0; i < T_NR_SIZES; i++) {
		memset(info, 0, sizeof(info));
		l = (struct cg_scope_list){ .count = CG_MAX_SCOPES, .scopes = (uintptr_t)info };
		T_EXPECT_SIZED(fd, CLONEGATE_IOC_LIST, &l, c[i].size, c[i].tail, c[i].err,
			       c[i].name);
		if (c[i].err) {
			EXPECT_EQ(CG_MAX_SCOPES, l.count);
			EXPECT_EQ(0, info[0].scope);
			continue;
		}
		/* The global scope is last. */
		ASSERT_LE(1, l.count);
		ASSERT_GE(CG_MAX_SCOPES, l.count);
		EXPECT_EQ(CG_SCOPE_GLOBAL, info[l.count - 1].scope);
		EXPECT_EQ(t_generation(), l.generation);
	}
	EXPECT_EQ(0, t_remove(-1, CG_SCOPE_GLOBAL));
	close(fd);
}

TEST_F(ctl, sizes_counters)
{
	struct t_size_case c[T_NR_SIZES];
	struct cg_counters cnt;
	int i, fd;

	if (!self->ready)
		return;
	fd = t_ctl_fd();
	ASSERT_LE(0, fd);
	t_sizes(c, sizeof(cnt), CG_COUNTERS_SIZE_VER0);
	for (i = 0; i < T_NR_SIZES; i++) {
		memset(&cnt, 0, sizeof(cnt));
		T_EXPECT_SIZED(fd, CLONEGATE_IOC_COUNTERS, &cnt, c[i].size, c[i].tail, c[i].err,
			       c[i].name);
		EXPECT_EQ(c[i].err ? 0 : CG_ENTRY_MAX, cnt.nr_entries);
		EXPECT_EQ(c[i].err ? 0 : CG_RULE_MAX, cnt.nr_rules);
	}
	close(fd);
}

/* ---- a call that fails changes nothing, also when the write-back fails ---- */

/*
 * A copy of @pol whose first @writable bytes lie in a writable page and the
 * rest in a read-only one (@writable 0: all of it read-only). *map is the
 * two-page mapping to munmap.
 */
static struct cg_policy *t_policy_readonly(const struct cg_policy *pol, size_t writable,
					   void **map)
{
	uint8_t *base = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			     -1, 0);
	struct cg_policy *p;

	if (base == MAP_FAILED)
		return NULL;
	p = (struct cg_policy *)(base + 4096 - writable);
	memcpy(p, pol, sizeof(*pol));
	if (mprotect(base + 4096, 4096, PROT_READ)) {
		munmap(base, 8192);
		return NULL;
	}
	*map = base;
	return p;
}

/* @req on a read-only copy of @pol: EFAULT, and LIST exactly as before. */
static void t_readonly_changes_nothing(struct __test_metadata *_metadata, unsigned long req,
				       const struct cg_policy *pol, const char *what)
{
	static const size_t writable[] = { 0, offsetof(struct cg_policy, cgroup_id) };
	struct t_view *before = calloc(1, sizeof(*before)), *after = calloc(1, sizeof(*after));
	struct cg_policy *p;
	void *map;
	size_t i;
	int fd = t_ctl_fd();

	ASSERT_LE(0, fd);
	ASSERT_NE(NULL, before);
	ASSERT_NE(NULL, after);
	for (i = 0; i < sizeof(writable) / sizeof(writable[0]); i++) {
		p = t_policy_readonly(pol, writable[i], &map);
		ASSERT_NE(NULL, p);
		ASSERT_EQ(0, t_view(before));
		EXPECT_EQ(-EFAULT, t_ioctl_raw(fd, req, p))
			TH_LOG("%s, first %zu bytes writable", what, writable[i]);
		ASSERT_EQ(0, t_view(after));
		EXPECT_EQ(before->generation, after->generation)
			TH_LOG("%s, first %zu bytes writable: the generation moved", what,
			       writable[i]);
		EXPECT_EQ(0, memcmp(before, after, sizeof(*before)))
			TH_LOG("%s, first %zu bytes writable: LIST changed", what, writable[i]);
		munmap(map, 8192);
	}
	free(before);
	free(after);
	close(fd);
}

TEST_F(ctl, readonly_apply_changes_nothing)
{
	struct cg_policy pol = { .size = sizeof(pol), .scope = CG_SCOPE_CGROUP,
				 .mode = CG_MODE_ENFORCE };
	struct cg_policy glob = { .size = sizeof(glob), .scope = CG_SCOPE_GLOBAL,
				  .cgroup_fd = -1, .mode = CG_MODE_AUDIT };
	struct t_cgroup cg;

	if (!self->ready)
		return;
	ASSERT_EQ(0, t_cgroup_create(&cg, "ro-apply"));
	pol.cgroup_fd = cg.fd;
	/* A new scope, a change of an existing one, the global scope. */
	t_readonly_changes_nothing(_metadata, CLONEGATE_IOC_APPLY, &pol, "APPLY new");
	ASSERT_EQ(0, t_apply(cg.fd, CG_SCOPE_CGROUP, CG_PROFILE_LINUX, CG_MODE_AUDIT));
	t_readonly_changes_nothing(_metadata, CLONEGATE_IOC_APPLY, &pol, "APPLY change");
	t_readonly_changes_nothing(_metadata, CLONEGATE_IOC_APPLY, &glob, "APPLY global");
	/* The same struct, writable, is applied. */
	EXPECT_EQ(0, t_ctl(CLONEGATE_IOC_APPLY, &pol));
	EXPECT_EQ(t_cgroup_id(cg.fd), pol.cgroup_id);
	EXPECT_EQ(0, t_remove(cg.fd, CG_SCOPE_CGROUP));
	t_cgroup_destroy(&cg);
}

TEST_F(ctl, readonly_remove_changes_nothing)
{
	struct cg_policy pol = { .size = sizeof(pol), .scope = CG_SCOPE_CGROUP };
	struct cg_policy glob = { .size = sizeof(glob), .scope = CG_SCOPE_GLOBAL,
				  .cgroup_fd = -1 };
	struct t_cgroup cg;

	if (!self->ready)
		return;
	ASSERT_EQ(0, t_cgroup_create(&cg, "ro-remove"));
	pol.cgroup_fd = cg.fd;
	ASSERT_EQ(0, t_apply(cg.fd, CG_SCOPE_CGROUP, CG_PROFILE_LINUX, CG_MODE_AUDIT));
	ASSERT_EQ(0, t_apply(-1, CG_SCOPE_GLOBAL, CG_PROFILE_LINUX, CG_MODE_OFF));
	t_readonly_changes_nothing(_metadata, CLONEGATE_IOC_REMOVE, &pol, "REMOVE cgroup");
	t_readonly_changes_nothing(_metadata, CLONEGATE_IOC_REMOVE, &glob, "REMOVE global");
	/* Both are still there to remove. */
	EXPECT_EQ(0, t_ctl(CLONEGATE_IOC_REMOVE, &pol));
	EXPECT_EQ(t_cgroup_id(cg.fd), pol.cgroup_id);
	EXPECT_EQ(0, t_remove(-1, CG_SCOPE_GLOBAL));
	t_cgroup_destroy(&cg);
}

/* ---- scopes of removed cgroups are reclaimed ---- */

#define T_GONE	100

TEST_F_TIMEOUT(ctl, removed_cgroups_are_reclaimed, 200)
{
	struct t_view *v = calloc(1, sizeof(*v));
	uint64_t ids[T_GONE];
	struct t_cgroup cg;
	char tag[16];
	int i, old_fd = -1;

	if (!self->ready)
		return;
	ASSERT_NE(NULL, v);
	/* One after another, as containers come and go: more than the 64 slots. */
	for (i = 0; i < T_GONE; i++) {
		snprintf(tag, sizeof(tag), "gone%d", i);
		ASSERT_EQ(0, t_cgroup_create(&cg, tag));
		ids[i] = t_cgroup_id(cg.fd);
		ASSERT_EQ(0, t_apply(cg.fd, CG_SCOPE_CGROUP, 0, CG_MODE_ENFORCE))
			TH_LOG("APPLY on the %d-th cgroup", i + 1);
		if (i == T_GONE - 1)
			old_fd = dup(cg.fd);
		close(cg.fd);
		ASSERT_EQ(0, rmdir(cg.path)) TH_LOG("rmdir %s: %s", cg.path, strerror(errno));
	}
	ASSERT_EQ(0, t_view(v));
	for (i = 0; i < T_GONE; i++)
		EXPECT_EQ(NULL, t_view_find(v, ids[i])) TH_LOG("removed cgroup %d listed", i);
	/* The old fd names a removed cgroup: there is nothing to remove. */
	EXPECT_EQ(-ENOENT, t_remove(old_fd, CG_SCOPE_CGROUP));
	close(old_fd);
	/* A new scope finds room. */
	ASSERT_EQ(0, t_cgroup_create(&cg, "after-gone"));
	EXPECT_EQ(0, t_apply(cg.fd, CG_SCOPE_CGROUP, 0, CG_MODE_AUDIT));
	EXPECT_EQ(0, t_remove(cg.fd, CG_SCOPE_CGROUP));
	t_cgroup_destroy(&cg);
	free(v);
}

TEST_F_TIMEOUT(ctl, full_table_of_removed_cgroups_is_reclaimed, 200)
{
	struct t_view *v = calloc(1, sizeof(*v));
	struct t_cgroup cg[CG_MAX_SCOPES], fresh;
	char tag[16];
	uint64_t gen;
	int i;

	if (!self->ready)
		return;
	ASSERT_NE(NULL, v);
	for (i = 0; i < CG_MAX_SCOPES; i++) {
		snprintf(tag, sizeof(tag), "full%d", i);
		ASSERT_EQ(0, t_cgroup_create(&cg[i], tag));
		ASSERT_EQ(0, t_apply(cg[i].fd, CG_SCOPE_CGROUP, 0, CG_MODE_AUDIT));
	}
	ASSERT_EQ(0, t_cgroup_create(&fresh, "full-fresh"));
	ASSERT_EQ(-ENOSPC, t_apply(fresh.fd, CG_SCOPE_CGROUP, 0, CG_MODE_AUDIT));
	gen = t_generation();
	for (i = 0; i < CG_MAX_SCOPES; i++) {
		close(cg[i].fd);
		ASSERT_EQ(0, rmdir(cg[i].path));
	}
	/* APPLY itself reclaims them (one change), then adds its scope (another). */
	EXPECT_EQ(0, t_apply(fresh.fd, CG_SCOPE_CGROUP, 0, CG_MODE_AUDIT));
	ASSERT_EQ(0, t_view(v));
	EXPECT_EQ(gen + 2, v->generation);
	EXPECT_EQ(1, v->count);
	EXPECT_EQ(t_cgroup_id(fresh.fd), v->info[0].cgroup_id);
	EXPECT_EQ(0, t_remove(fresh.fd, CG_SCOPE_CGROUP));
	t_cgroup_destroy(&fresh);
	free(v);
}

/*
 * Concurrent writers: CW_WRITERS threads each own CW_CGROUPS cgroups (half
 * of them nested one level under the other half) and apply or remove
 * scopes on them at random; writer 0 also toggles the global scope. Since
 * no two writers touch the same scope, each knows exactly what every call
 * must return and what its scopes must end as. Two readers LIST all the
 * while and check that every snapshot is well formed. At the end: the
 * list is exactly the union of the writers' states, and the generation
 * moved by exactly the number of successful changes (none lost, none
 * counted twice).
 */
#define CW_WRITERS	4
#define CW_CGROUPS	6
#define CW_OPS		250	/* each change waits for an RCU grace period */
#define CW_READERS	2

struct cw_scope {
	char path[256];
	int fd;
	uint64_t id;
	int level;
	bool present;
	uint32_t profile, mode;
};

struct cw_writer {
	int index;
	struct cw_scope cg[CW_CGROUPS];
	struct cw_scope global;
	uint64_t changes;
	char error[400];
};

struct cw_reader {
	const volatile bool *stop;
	uint64_t snapshots;
	char error[400];
};

static void *cw_write(void *arg)
{
	struct cw_writer *w = arg;
	unsigned int seed = 0x5eed + w->index;
	int fd = t_ctl_fd(), i;

	if (fd < 0) {
		snprintf(w->error, sizeof(w->error), "open: %s", strerror(errno));
		return NULL;
	}
	for (i = 0; i < CW_OPS && !w->error[0]; i++) {
		int k = rand_r(&seed) % (CW_CGROUPS + (w->index == 0));
		struct cw_scope *sc = k < CW_CGROUPS ? &w->cg[k] : &w->global;
		bool global = sc == &w->global;
		struct cg_policy pol = {
			.size = sizeof(pol),
			.scope = global ? CG_SCOPE_GLOBAL : CG_SCOPE_CGROUP,
			.cgroup_fd = global ? -1 : sc->fd,
			.profile = rand_r(&seed) % CG_PROFILE_MAX,
			.mode = rand_r(&seed) % CG_MODE_MAX,
		};
		bool apply = rand_r(&seed) % 3 != 0;
		int want = apply || sc->present ? 0 : -ENOENT;
		int got = t_ioctl_raw(fd, apply ? CLONEGATE_IOC_APPLY : CLONEGATE_IOC_REMOVE, &pol);

		if (got != want) {
			snprintf(w->error, sizeof(w->error), "writer %d op %d: %s %s gave %d, want %d",
				 w->index, i, apply ? "APPLY" : "REMOVE",
				 global ? "global" : sc->path, got, want);
			break;
		}
		if (got == 0) {
			w->changes++;
			sc->present = apply;
			sc->profile = pol.profile;
			sc->mode = pol.mode;
		}
	}
	close(fd);
	return NULL;
}

static void *cw_read(void *arg)
{
	struct cw_reader *r = arg;
	struct cg_scope_info info[CW_WRITERS * CW_CGROUPS + 1];
	uint64_t last_gen = 0;
	int fd = t_ctl_fd();
	uint32_t i, j;

	if (fd < 0) {
		snprintf(r->error, sizeof(r->error), "open: %s", strerror(errno));
		return NULL;
	}
	while (!*r->stop && !r->error[0]) {
		struct cg_scope_list l = { .size = sizeof(l), .count = ARRAY_SIZE(info),
					   .scopes = (uintptr_t)info };
		int got = t_ioctl_raw(fd, CLONEGATE_IOC_LIST, &l);

		if (got) {
			snprintf(r->error, sizeof(r->error), "LIST gave %d", got);
			break;
		}
		r->snapshots++;
		if (l.generation < last_gen)
			snprintf(r->error, sizeof(r->error), "generation went back: %llu after %llu",
				 (unsigned long long)l.generation, (unsigned long long)last_gen);
		last_gen = l.generation;
		if (l.count > ARRAY_SIZE(info))
			snprintf(r->error, sizeof(r->error), "%u scopes, at most %zu exist",
				 l.count, ARRAY_SIZE(info));
		for (i = 0; i < l.count && i < ARRAY_SIZE(info) && !r->error[0]; i++) {
			if (info[i].profile >= CG_PROFILE_MAX || info[i].mode >= CG_MODE_MAX ||
			    (i && info[i - 1].level < info[i].level) ||
			    ((info[i].scope == CG_SCOPE_GLOBAL) != (info[i].level == 0)))
				snprintf(r->error, sizeof(r->error),
					 "snapshot %llu, scope %u: profile %u mode %u level %u kind %u (after level %u)",
					 (unsigned long long)r->snapshots, i, info[i].profile,
					 info[i].mode, info[i].level, info[i].scope,
					 i ? info[i - 1].level : 0);
			for (j = 0; j < i; j++)
				if (info[j].cgroup_id == info[i].cgroup_id)
					snprintf(r->error, sizeof(r->error), "cgroup %llu listed twice",
						 (unsigned long long)info[i].cgroup_id);
		}
	}
	close(fd);
	return NULL;
}

static int cw_make(struct cw_scope *sc, const char *parent, int w, int i)
{
	struct stat st;

	snprintf(sc->path, sizeof(sc->path), "%s/cgtest-cw%d-%d-%d", parent, w, i, getpid());
	if (mkdir(sc->path, 0755))
		return -errno;
	sc->fd = open(sc->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (sc->fd < 0 || fstat(sc->fd, &st))
		return -errno;
	sc->id = st.st_ino;	/* cgroup v2: the cgroup id is the kernfs inode */
	sc->level = strcmp(parent, "/sys/fs/cgroup") ? 2 : 1;
	return 0;
}

TEST_F_TIMEOUT(ctl, concurrent_writers_lose_nothing, 240)
{
	static struct cw_writer w[CW_WRITERS];
	struct cw_reader rd[CW_READERS];
	pthread_t wt[CW_WRITERS], rt[CW_READERS];
	struct cg_scope_info info[CW_WRITERS * CW_CGROUPS + 1];
	struct cg_scope_list l = { .size = sizeof(l), .count = ARRAY_SIZE(info),
				   .scopes = (uintptr_t)info };
	volatile bool stop = false;
	uint64_t gen0, changes = 0;
	int i, k, want = 0;
	uint32_t j;

	if (!self->ready)
		return;
	memset(w, 0, sizeof(w));
	for (i = 0; i < CW_WRITERS; i++) {
		w[i].index = i;
		w[i].global.fd = -1;
		for (k = 0; k < CW_CGROUPS; k++) {
			const char *parent = k < CW_CGROUPS / 2 ? "/sys/fs/cgroup" :
					     w[i].cg[k - CW_CGROUPS / 2].path;

			ASSERT_EQ(0, cw_make(&w[i].cg[k], parent, i, k));
		}
	}
	gen0 = t_generation();
	ASSERT_NE(~0ULL, gen0);
	for (i = 0; i < CW_READERS; i++) {
		memset(&rd[i], 0, sizeof(rd[i]));
		rd[i].stop = &stop;
		ASSERT_EQ(0, pthread_create(&rt[i], NULL, cw_read, &rd[i]));
	}
	for (i = 0; i < CW_WRITERS; i++)
		ASSERT_EQ(0, pthread_create(&wt[i], NULL, cw_write, &w[i]));
	for (i = 0; i < CW_WRITERS; i++) {
		pthread_join(wt[i], NULL);
		EXPECT_STREQ("", w[i].error);
		changes += w[i].changes;
	}
	stop = true;
	for (i = 0; i < CW_READERS; i++) {
		pthread_join(rt[i], NULL);
		EXPECT_STREQ("", rd[i].error);
		EXPECT_LT(0, rd[i].snapshots);
	}
	TH_LOG("%llu changes by %d writers, %llu + %llu snapshots by the readers",
	       (unsigned long long)changes, CW_WRITERS, (unsigned long long)rd[0].snapshots,
	       (unsigned long long)rd[1].snapshots);

	/* The end state is exactly what the writers did. */
	ASSERT_EQ(0, t_ctl(CLONEGATE_IOC_LIST, &l));
	EXPECT_EQ(gen0 + changes, l.generation);
	for (i = 0; i < CW_WRITERS; i++) {
		for (k = 0; k <= CW_CGROUPS; k++) {
			struct cw_scope *sc = k < CW_CGROUPS ? &w[i].cg[k] : &w[i].global;
			bool found = false;

			if (k == CW_CGROUPS && i != 0)
				continue;
			want += sc->present;
			for (j = 0; j < l.count && j < ARRAY_SIZE(info); j++) {
				if (k < CW_CGROUPS ? info[j].cgroup_id != sc->id ||
						     info[j].scope != CG_SCOPE_CGROUP
						   : info[j].scope != CG_SCOPE_GLOBAL)
					continue;
				found = true;
				EXPECT_EQ(sc->profile, info[j].profile);
				EXPECT_EQ(sc->mode, info[j].mode);
				if (k < CW_CGROUPS)
					EXPECT_EQ(sc->level, (int)info[j].level);
			}
			EXPECT_EQ(sc->present, found) {
				TH_LOG("%s", k < CW_CGROUPS ? sc->path : "global");
			}
		}
	}
	EXPECT_EQ(want, (int)l.count);

	for (i = 0; i < CW_WRITERS; i++) {
		for (k = CW_CGROUPS - 1; k >= 0; k--) {
			t_remove(w[i].cg[k].fd, CG_SCOPE_CGROUP);
			close(w[i].cg[k].fd);
			rmdir(w[i].cg[k].path);
		}
	}
}

/* ---- loaded profiles (LOAD, UNLOAD, INFO) ---- */

#define T_NS_ALL	(T_NEWNS | T_NEWCGROUP | T_NEWUTS | T_NEWIPC | T_NEWUSER | \
			 T_NEWPID | T_NEWNET | T_NEWTIME)
#define T_RULE(r)	(1ULL << (r))

/* Linux's answer everywhere but C1 on CLONE_NEWUSER: base none, -NEWUSER, C1 on. */
static struct cg_profile_spec t_spec(const char *name)
{
	struct cg_profile_spec sp = {
		.size = sizeof(sp),
		.clone_supported = ~T_NEWUSER,
		.rules = T_RULE(CG_RULE_C1),
		.setns_types = ~0ULL,
		.unshare_handled = ~0ULL,
		.setns_pidfd = 1,
		.cgroup2 = 1,
	};

	snprintf(sp.name, sizeof(sp.name), "%s", name);
	snprintf(sp.what, sizeof(sp.what), "a test profile: no CLONE_NEWUSER");
	return sp;
}

static int t_profile_ioc(int req, struct cg_profile_spec *sp)
{
	return t_ctl(req, sp);
}

static int t_load(const char *name, uint32_t *id)
{
	struct cg_profile_spec sp = t_spec(name);
	int ret = t_profile_ioc(CLONEGATE_IOC_LOAD, &sp);

	if (!ret && id)
		*id = sp.id;
	return ret;
}

static int t_unload(const char *name)
{
	struct cg_profile_spec sp = { .size = sizeof(sp) };

	snprintf(sp.name, sizeof(sp.name), "%s", name);
	return t_profile_ioc(CLONEGATE_IOC_UNLOAD, &sp);
}

/* What is loaded, as one comparable string of ids and names. */
static void t_loaded(char *buf, size_t len)
{
	struct cg_version v = { .size = sizeof(v) };
	size_t o = 0;
	uint32_t i;

	buf[0] = '\0';
	if (t_ctl(CLONEGATE_IOC_VERSION, &v))
		return;
	for (i = 0; i < v.max_loaded; i++) {
		struct cg_profile_spec sp = { .size = sizeof(sp), .id = v.loaded_first + i };

		if (!t_profile_ioc(CLONEGATE_IOC_INFO, &sp))
			o += snprintf(buf + o, o < len ? len - o : 0, "%u:%s ", sp.id, sp.name);
	}
}

/* Unload every profile the tests load ("t-..."), whatever an earlier test left. */
static void t_unload_all(void)
{
	char name[40];
	int i;

	t_unload("t-busy");
	t_unload("t-nouser");
	t_unload("t-errno");
	t_unload("t-errno0");
	for (i = 0; i < 20; i++) {
		snprintf(name, sizeof(name), "t-max-%d", i);
		t_unload(name);
	}
}

TEST_F(ctl, profile_load_info_unload)
{
	struct cg_version v = { .size = sizeof(v) };
	struct cg_profile_spec want = t_spec("t-nouser"), got;
	uint32_t id;

	if (!self->ready)
		return;
	t_unload_all();
	ASSERT_EQ(0, t_ctl(CLONEGATE_IOC_VERSION, &v));
	EXPECT_EQ(16, v.max_loaded);
	EXPECT_EQ(64, v.loaded_first);
	ASSERT_EQ(0, t_load("t-nouser", &id));
	EXPECT_LE(64, id);
	EXPECT_GT(64 + 16, id);
	/* INFO by name and by id: exactly what was loaded. */
	got = (struct cg_profile_spec){ .size = sizeof(got), .name = "t-nouser" };
	ASSERT_EQ(0, t_profile_ioc(CLONEGATE_IOC_INFO, &got));
	want.id = id;
	EXPECT_EQ(0, memcmp(&want, &got, sizeof(got)));
	got = (struct cg_profile_spec){ .size = sizeof(got), .id = id };
	ASSERT_EQ(0, t_profile_ioc(CLONEGATE_IOC_INFO, &got));
	EXPECT_EQ(0, memcmp(&want, &got, sizeof(got)));
	/* Built-ins are not loaded profiles. */
	got = (struct cg_profile_spec){ .size = sizeof(got), .name = "linux" };
	EXPECT_EQ(-ENOENT, t_profile_ioc(CLONEGATE_IOC_INFO, &got));
	EXPECT_EQ(-ENOENT, t_unload("linux"));
	got = (struct cg_profile_spec){ .size = sizeof(got), .id = 0 };
	EXPECT_EQ(-ENOENT, t_profile_ioc(CLONEGATE_IOC_UNLOAD, &got));
	/* Unload, then load again: the same slot. */
	EXPECT_EQ(0, t_unload("t-nouser"));
	EXPECT_EQ(-ENOENT, t_unload("t-nouser"));
	got = (struct cg_profile_spec){ .size = sizeof(got), .id = id };
	EXPECT_EQ(-ENOENT, t_profile_ioc(CLONEGATE_IOC_INFO, &got));
	ASSERT_EQ(0, t_load("t-nouser", &got.id));
	EXPECT_EQ(id, got.id);
	/* By id */
	got = (struct cg_profile_spec){ .size = sizeof(got), .id = id };
	EXPECT_EQ(0, t_profile_ioc(CLONEGATE_IOC_UNLOAD, &got));
}

static int t_load_nobody(int fd)
{
	struct cg_profile_spec sp = t_spec("t-nouser");

	return fd < 0 ? fd : t_ioctl_raw(fd, CLONEGATE_IOC_LOAD, &sp);
}

static int t_unload_nobody(int fd)
{
	struct cg_profile_spec sp = { .size = sizeof(sp), .name = "t-busy" };

	return fd < 0 ? fd : t_ioctl_raw(fd, CLONEGATE_IOC_UNLOAD, &sp);
}

/*
 * One hostile edit of a good spec: @len bytes at @off become @val (an
 * integer field, little-endian) or, with @str, the string's bytes (the NUL
 * included; T_BAD_STR zeroes the rest of the field, so only the string is
 * wrong); then @fill bytes at @off + @len become @fillc.
 */
struct t_bad_spec {
	const char *name;
	int err;
	size_t off, len;
	uint64_t val;
	const char *str;
	size_t fill;
	char fillc;
};

#define T_SP(f)		offsetof(struct cg_profile_spec, f)
#define T_SZ(f)		sizeof(((struct cg_profile_spec *)0)->f)
#define T_BAD_INT(what, e, f, v)	{ what, e, T_SP(f), T_SZ(f), v, NULL, 0, 0 }
#define T_BAD_STR(what, e, f, s)	{ what, e, T_SP(f), sizeof(s), 0, s, T_SZ(f) - sizeof(s), 0 }
#define T_BAD_FILL(what, e, f, at, n, c) { what, e, T_SP(f) + (at), 0, 0, NULL, n, c }
/* Rule @r's errno (one byte of rule_err) becomes @e. */
#define T_BAD_ERR(what, r, e)	{ what, EINVAL, T_SP(rule_err) + (r), 1, e, NULL, 0, 0 }

static void t_bad_edit(struct cg_profile_spec *sp, const struct t_bad_spec *b)
{
	uint8_t *p = (uint8_t *)sp + b->off;

	if (b->str)
		memcpy(p, b->str, b->len);
	else
		memcpy(p, &b->val, b->len);
	memset(p + b->len, b->fillc, b->fill);
}

TEST_F(ctl, profile_load_refuses_hostile_input)
{
	const struct t_bad_spec bad[] = {
		T_BAD_INT("an unnamed clone flag", EINVAL, clone_supported, 1ULL << 40),
		T_BAD_INT("unnamed flags not all set", EINVAL, clone_supported, ~(1ULL << 40)),
		T_BAD_INT("CSIGNAL in clone flags", EINVAL, clone_supported, 0x7f),
		T_BAD_INT("an unnamed unshare bit", EINVAL, unshare_handled, 1ULL << 63),
		T_BAD_INT("setns type not a namespace", EINVAL, setns_types, T_VM),
		T_BAD_INT("clone caps not a namespace", EINVAL, clone_caps, T_VM),
		T_BAD_INT("unshare caps all", EINVAL, unshare_caps, ~0ULL),
		T_BAD_INT("rule bit 0 (none)", EINVAL, rules, 1 | T_RULE(CG_RULE_C1)),
		T_BAD_INT("an unknown rule", EINVAL, rules, T_RULE(CG_RULE_MAX)),
		T_BAD_INT("rule bit 63", EINVAL, rules, 1ULL << 63),
		T_BAD_INT("H5 with cgroup2 mounted", EINVAL, rules, T_RULE(CG_RULE_H5)),
		T_BAD_INT("setns_pidfd 2", EINVAL, setns_pidfd, 2),
		T_BAD_INT("cgroup2 255", EINVAL, cgroup2, 255),
		T_BAD_INT("flags", EINVAL, flags, 1),
		T_BAD_INT("nr_scopes", EINVAL, nr_scopes, 1),
		T_BAD_FILL("pad", EINVAL, pad, 5, 1, 1),
		T_BAD_FILL("empty name", EINVAL, name, 0, T_SZ(name), 0),
		T_BAD_STR("upper case", EINVAL, name, "T-nouser"),
		T_BAD_STR("'-' first", EINVAL, name, "-nouser"),
		T_BAD_STR("a space", EINVAL, name, "t nouser"),
		T_BAD_FILL("a byte after the NUL", EINVAL, name, 40, 1, 'x'),
		T_BAD_FILL("33 characters", EINVAL, name, 0, 33, 'a'),
		T_BAD_FILL("no NUL", EINVAL, name, 0, T_SZ(name), 'a'),
		T_BAD_STR("none", EINVAL, name, "none"),
		T_BAD_STR("a built-in's name", EEXIST, name, "gvisor-head"),
		T_BAD_FILL("a control byte in what", EINVAL, what, 3, 1, '\n'),
		T_BAD_FILL("121 characters of what", EINVAL, what, 0, 121, 'a'),
		T_BAD_STR("a loaded profile's name", EEXIST, name, "t-busy"),
		T_BAD_INT("below the first size", EINVAL, size, CG_PROFILE_SPEC_SIZE_VER0 - 1),
		/* Errnos: the file format's only, for a rule that is on and refuses. */
		T_BAD_ERR("errno ENOTTY, not a profile's", CG_RULE_C1, ENOTTY),
		T_BAD_ERR("errno EINTR, not a profile's", CG_RULE_C1, EINTR),
		T_BAD_ERR("errno 255", CG_RULE_C1, 255),
		T_BAD_ERR("an errno for C2, which is off", CG_RULE_C2, EPERM),
		T_BAD_ERR("an errno for rule 0 (none)", CG_RULE_NONE, EPERM),
		T_BAD_ERR("an errno beyond the last rule", CG_RULE_MAX, EPERM),
		T_BAD_ERR("an errno in the last slot", 63, EINVAL),
	};
	char before[1024], after[1024];
	uint64_t gen;
	size_t i;

	if (!self->ready)
		return;
	t_unload_all();
	ASSERT_EQ(0, t_load("t-busy", NULL));
	t_loaded(before, sizeof(before));
	gen = t_generation();
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		struct cg_profile_spec sp = t_spec("t-nouser");

		t_bad_edit(&sp, &bad[i]);
		EXPECT_EQ(-bad[i].err, t_profile_ioc(CLONEGATE_IOC_LOAD, &sp))
			TH_LOG("%s", bad[i].name);
		t_loaded(after, sizeof(after));
		EXPECT_STREQ(before, after) TH_LOG("%s loaded something", bad[i].name);
	}
	/* Unprivileged callers, with an fd opened by root. */
	EXPECT_EQ(-EPERM, t_in_child(t_drop_to_nobody, t_load_nobody, true));
	EXPECT_EQ(-EPERM, t_in_child(t_to_userns_root, t_load_nobody, true));
	EXPECT_EQ(-EPERM, t_in_child(t_drop_sys_admin, t_load_nobody, true));
	EXPECT_EQ(-EPERM, t_in_child(t_drop_to_nobody, t_unload_nobody, true));
	EXPECT_EQ(-EPERM, t_in_child(t_drop_sys_admin, t_unload_nobody, true));
	t_loaded(after, sizeof(after));
	EXPECT_STREQ(before, after);
	EXPECT_EQ(gen, t_generation());
	/* The one good spec of the lot still loads. */
	EXPECT_EQ(0, t_load("t-nouser", NULL));
	EXPECT_EQ(0, t_unload("t-nouser"));
	EXPECT_EQ(0, t_unload("t-busy"));
}

TEST_F(ctl, profile_load_maximum)
{
	char name[40], before[1024], after[1024];
	uint32_t id;
	int i;

	if (!self->ready)
		return;
	t_unload_all();
	for (i = 0; i < 16; i++) {
		snprintf(name, sizeof(name), "t-max-%d", i);
		ASSERT_EQ(0, t_load(name, &id)) TH_LOG("%s", name);
		EXPECT_EQ(64 + i, id);
	}
	t_loaded(before, sizeof(before));
	EXPECT_EQ(-ENOSPC, t_load("t-max-16", NULL));
	/* A name taken is EEXIST even when full. */
	EXPECT_EQ(-EEXIST, t_load("t-max-3", NULL));
	t_loaded(after, sizeof(after));
	EXPECT_STREQ(before, after);
	/* A freed slot is used again. */
	EXPECT_EQ(0, t_unload("t-max-7"));
	EXPECT_EQ(0, t_load("t-max-16", &id));
	EXPECT_EQ(64 + 7, id);
	t_unload_all();
	t_loaded(after, sizeof(after));
	EXPECT_STREQ("", after);
}

TEST_F(ctl, profile_unload_busy_while_a_scope_uses_it)
{
	struct cg_profile_spec sp = { .size = sizeof(sp), .name = "t-busy" };
	char before[1024], after[1024];
	uint64_t gen;
	uint32_t id;

	if (!self->ready)
		return;
	t_unload_all();
	ASSERT_EQ(0, t_cgroup_create(&confined_cg, "busy"));
	/* A loaded id that is not loaded, and one beyond the table. */
	EXPECT_EQ(-EINVAL, t_apply(confined_cg.fd, CG_SCOPE_CGROUP, 64, CG_MODE_AUDIT));
	EXPECT_EQ(-EINVAL, t_apply(confined_cg.fd, CG_SCOPE_CGROUP, 80, CG_MODE_AUDIT));
	ASSERT_EQ(0, t_load("t-busy", &id));
	ASSERT_EQ(0, t_apply(confined_cg.fd, CG_SCOPE_CGROUP, id, CG_MODE_AUDIT));
	ASSERT_EQ(0, t_apply(-1, CG_SCOPE_GLOBAL, id, CG_MODE_OFF));
	ASSERT_EQ(0, t_profile_ioc(CLONEGATE_IOC_INFO, &sp));
	EXPECT_EQ(2, sp.nr_scopes);
	t_loaded(before, sizeof(before));
	gen = t_generation();
	EXPECT_EQ(-EBUSY, t_unload("t-busy"));
	ASSERT_EQ(0, t_remove(-1, CG_SCOPE_GLOBAL));
	gen = t_generation();
	EXPECT_EQ(-EBUSY, t_unload("t-busy"));
	sp = (struct cg_profile_spec){ .size = sizeof(sp), .id = id };
	EXPECT_EQ(-EBUSY, t_profile_ioc(CLONEGATE_IOC_UNLOAD, &sp));
	t_loaded(after, sizeof(after));
	EXPECT_STREQ(before, after);
	EXPECT_EQ(gen, t_generation());
	/* A scope moved to a built-in no longer holds it. */
	ASSERT_EQ(0, t_apply(confined_cg.fd, CG_SCOPE_CGROUP, 0, CG_MODE_AUDIT));
	EXPECT_EQ(0, t_unload("t-busy"));
	/* Loaded again, used again, and freed when the scope goes. */
	ASSERT_EQ(0, t_load("t-busy", &id));
	ASSERT_EQ(0, t_apply(confined_cg.fd, CG_SCOPE_CGROUP, id, CG_MODE_AUDIT));
	EXPECT_EQ(-EBUSY, t_unload("t-busy"));
	ASSERT_EQ(0, t_remove(confined_cg.fd, CG_SCOPE_CGROUP));
	EXPECT_EQ(0, t_unload("t-busy"));
	t_cgroup_destroy(&confined_cg);
}

TEST_F(ctl, profile_info_sizes)
{
	struct t_size_case c[T_NR_SIZES];
	struct cg_profile_spec sp;
	int i, fd;

	if (!self->ready)
		return;
	t_unload_all();
	ASSERT_EQ(0, t_load("t-nouser", NULL));
	fd = t_ctl_fd();
	ASSERT_LE(0, fd);
	t_sizes(c, sizeof(sp), CG_PROFILE_SPEC_SIZE_VER0);
	for (i = 0; i < T_NR_SIZES; i++) {
		sp = (struct cg_profile_spec){ .name = "t-nouser" };
		T_EXPECT_SIZED(fd, CLONEGATE_IOC_INFO, &sp, c[i].size, c[i].tail, c[i].err,
			       c[i].name);
		EXPECT_EQ(c[i].err ? 0 : ~T_NEWUSER, sp.clone_supported) TH_LOG("%s", c[i].name);
	}
	close(fd);
	EXPECT_EQ(0, t_unload("t-nouser"));
}

/* From inside confined_cg: clone(CLONE_NEWUSER) and a plain fork. */
static int t_newuser_then_fork(int fd)
{
	long r = t_sys_clone_exit(T_NEWUSER | SIGCHLD, NULL, NULL);

	(void)fd;
	if (r != -EINVAL)
		return r < 0 ? (int)r - 2000 : -EIO;
	r = t_sys_fork_exit(T_NR_FORK);
	if (r <= 0)
		return -EIO - 1;
	t_reap_all();
	return 0;
}

TEST_F(ctl, profile_loaded_enforced)
{
	struct cg_counters c0, c1;
	uint32_t id;

	if (!self->ready)
		return;
	t_unload_all();
	ASSERT_EQ(0, t_cgroup_create(&confined_cg, "loaded"));
	ASSERT_EQ(0, t_load("t-nouser", &id));
	ASSERT_EQ(0, t_apply(confined_cg.fd, CG_SCOPE_CGROUP, id, CG_MODE_ENFORCE));
	ASSERT_EQ(0, t_counters(&c0));
	EXPECT_EQ(0, t_in_child(t_enter_confined, t_newuser_then_fork, false));
	ASSERT_EQ(0, t_counters(&c1));
	EXPECT_EQ(c0.refused[CG_RULE_C1] + 1, c1.refused[CG_RULE_C1]);
	/* The fork went through this ABI's own entry point. */
	EXPECT_LE(c0.checked[T_IA32 ? CG_ENTRY_IA32_FORK : CG_ENTRY_FORK] + 1,
		  c1.checked[T_IA32 ? CG_ENTRY_IA32_FORK : CG_ENTRY_FORK]);
	EXPECT_EQ(0, t_remove(confined_cg.fd, CG_SCOPE_CGROUP));
	EXPECT_EQ(0, t_unload("t-nouser"));
	t_cgroup_destroy(&confined_cg);
}

/* ---- a loaded profile's own errnos (rule_err) ---- */

/* What clone(CLONE_NEWUSER) must get in t_newuser_refused(). */
static int t_want_err;

/* From inside confined_cg: clone(CLONE_NEWUSER) fails with -t_want_err. */
static int t_newuser_refused(int fd)
{
	long r = t_sys_clone_exit(T_NEWUSER | SIGCHLD, NULL, NULL);

	(void)fd;
	if (r == -t_want_err)
		return 0;
	if (r > 0)
		t_reap_all();
	return r < 0 ? (int)r - 2000 : -EIO;
}

/*
 * The decision tracepoint, in a tracefs instance of its own (so the global
 * buffer is left alone): the event a BPF observer sees is this one.
 */
#define T_TRACEFS	"/sys/kernel/tracing"
#define T_TRACE_INST	T_TRACEFS "/instances/cgtest-errno"
#define T_TRACE_EVENT	T_TRACE_INST "/events/clonegate/clonegate_decision/enable"

static int t_trace_start(void)
{
	if (access(T_TRACEFS "/instances", F_OK) &&
	    mount("tracefs", T_TRACEFS, "tracefs", 0, NULL))
		return -errno;
	rmdir(T_TRACE_INST);
	if (mkdir(T_TRACE_INST, 0700))
		return -errno;
	return t_write_file(T_TRACE_EVENT, "1");
}

/* Does a line of the instance's buffer have both @a and @b? Then stop it. */
static bool t_trace_has(const char *a, const char *b)
{
	FILE *f = fopen(T_TRACE_INST "/trace", "re");
	char line[512];
	bool found = false;

	while (f && !found && fgets(line, sizeof(line), f))
		found = strstr(line, a) && strstr(line, b);
	if (f)
		fclose(f);
	t_write_file(T_TRACE_EVENT, "0");
	rmdir(T_TRACE_INST);
	return found;
}

TEST_F(ctl, profile_loaded_own_errno)
{
	struct cg_profile_spec sp = t_spec("t-errno"), got;
	struct cg_counters c0, c1;
	char prof[32];

	if (!self->ready)
		return;
	t_unload_all();
	ASSERT_EQ(0, t_cgroup_create(&confined_cg, "errno"));
	/* U-drop refuses nothing: it has no errno to change. */
	sp.rules |= T_RULE(CG_RULE_UDROP);
	sp.rule_err[CG_RULE_UDROP] = EPERM;
	EXPECT_EQ(-EINVAL, t_profile_ioc(CLONEGATE_IOC_LOAD, &sp));
	sp = t_spec("t-errno");
	sp.rule_err[CG_RULE_C1] = EPERM;
	ASSERT_EQ(0, t_profile_ioc(CLONEGATE_IOC_LOAD, &sp));
	/* INFO gives the errno back. */
	got = (struct cg_profile_spec){ .size = sizeof(got), .name = "t-errno" };
	ASSERT_EQ(0, t_profile_ioc(CLONEGATE_IOC_INFO, &got));
	EXPECT_EQ(EPERM, got.rule_err[CG_RULE_C1]);
	EXPECT_EQ(0, memcmp(&sp, &got, sizeof(got)));
	/* A caller of the first size: nothing written beyond it. */
	memset(&got, 0xa5, sizeof(got));
	got.size = CG_PROFILE_SPEC_SIZE_VER0;
	snprintf(got.name, sizeof(got.name), "t-errno");
	memset(got.name + 8, 0, sizeof(got.name) - 8);
	ASSERT_EQ(0, t_profile_ioc(CLONEGATE_IOC_INFO, &got));
	EXPECT_EQ(0xa5, got.rule_err[CG_RULE_C1]);
	EXPECT_EQ(sp.rules, got.rules);
	/* Enforced: the caller gets EPERM, counted under C1, the event says EPERM. */
	ASSERT_EQ(0, t_apply(confined_cg.fd, CG_SCOPE_CGROUP, sp.id, CG_MODE_ENFORCE));
	ASSERT_EQ(0, t_trace_start());
	ASSERT_EQ(0, t_counters(&c0));
	t_want_err = EPERM;
	EXPECT_EQ(0, t_in_child(t_enter_confined, t_newuser_refused, false));
	ASSERT_EQ(0, t_counters(&c1));
	EXPECT_EQ(c0.refused[CG_RULE_C1] + 1, c1.refused[CG_RULE_C1]);
	snprintf(prof, sizeof(prof), "profile=%u", sp.id);
	EXPECT_TRUE(t_trace_has("rule=2 mode=2 errno=1 ", prof));
	EXPECT_EQ(0, t_remove(confined_cg.fd, CG_SCOPE_CGROUP));
	EXPECT_EQ(0, t_unload("t-errno"));
	t_cgroup_destroy(&confined_cg);
}

/*
 * C10 and U3 are Linux's own refusal (EPERM), seen by the create_user_ns()
 * return probe: a profile's other errno replaces it in enforce mode only.
 */
#define T_ERRNO_ROOT	"/tmp/cgtest-errno-root"
static int t_want_err_unshare;

/* From inside confined_cg, chrooted: clone and unshare NEWUSER. */
static int t_chrooted_newuser(int fd)
{
	long r;

	if (chroot(T_ERRNO_ROOT) || chdir("/"))
		return -EIO - 2;
	r = t_newuser_refused(fd);
	if (r)
		return r;
	r = t_unshare(T_NEWUSER);
	return r == -t_want_err_unshare ? 0 : (int)r - 3000;
}

TEST_F(ctl, profile_loaded_errno_chroot_probe)
{
	struct cg_profile_spec sp = t_spec("t-errno");
	struct cg_counters c0, c1;

	if (!self->ready)
		return;
	t_unload_all();
	mkdir(T_ERRNO_ROOT, 0755);
	ASSERT_EQ(0, t_cgroup_create(&confined_cg, "errnochroot"));
	sp.clone_supported = ~0ULL;
	sp.rules = T_RULE(CG_RULE_C10) | T_RULE(CG_RULE_U3);
	sp.rule_err[CG_RULE_C10] = EACCES;
	sp.rule_err[CG_RULE_U3] = E2BIG;
	ASSERT_EQ(0, t_profile_ioc(CLONEGATE_IOC_LOAD, &sp));
	ASSERT_EQ(0, t_apply(confined_cg.fd, CG_SCOPE_CGROUP, sp.id, CG_MODE_ENFORCE));
	ASSERT_EQ(0, t_counters(&c0));
	t_want_err = EACCES;
	t_want_err_unshare = E2BIG;
	EXPECT_EQ(0, t_in_child(t_enter_confined, t_chrooted_newuser, false));
	ASSERT_EQ(0, t_counters(&c1));
	EXPECT_EQ(c0.refused[CG_RULE_C10] + 1, c1.refused[CG_RULE_C10]);
	EXPECT_EQ(c0.refused[CG_RULE_U3] + 1, c1.refused[CG_RULE_U3]);
	/* Audit: Linux answers, with its own EPERM. */
	ASSERT_EQ(0, t_apply(confined_cg.fd, CG_SCOPE_CGROUP, sp.id, CG_MODE_AUDIT));
	t_want_err = EPERM;
	t_want_err_unshare = EPERM;
	EXPECT_EQ(0, t_in_child(t_enter_confined, t_chrooted_newuser, false));
	ASSERT_EQ(0, t_counters(&c0));
	EXPECT_EQ(c1.audited[CG_RULE_C10] + 1, c0.audited[CG_RULE_C10]);
	EXPECT_EQ(0, t_remove(confined_cg.fd, CG_SCOPE_CGROUP));
	EXPECT_EQ(0, t_unload("t-errno"));
	t_cgroup_destroy(&confined_cg);
	rmdir(T_ERRNO_ROOT);
}

TEST_F(ctl, profile_loaded_errno_first_size)
{
	struct cg_profile_spec sp = t_spec("t-errno0"), got;

	if (!self->ready)
		return;
	t_unload_all();
	ASSERT_EQ(0, t_cgroup_create(&confined_cg, "errno0"));
	/* A caller of the first size: the errno beyond it is not read. */
	sp.rule_err[CG_RULE_C1] = EPERM;
	sp.size = CG_PROFILE_SPEC_SIZE_VER0;
	ASSERT_EQ(0, t_profile_ioc(CLONEGATE_IOC_LOAD, &sp));
	got = (struct cg_profile_spec){ .size = sizeof(got), .name = "t-errno0" };
	ASSERT_EQ(0, t_profile_ioc(CLONEGATE_IOC_INFO, &got));
	EXPECT_EQ(0, got.rule_err[CG_RULE_C1]);
	/* So C1 refuses with the catalogue's EINVAL. */
	ASSERT_EQ(0, t_apply(confined_cg.fd, CG_SCOPE_CGROUP, sp.id, CG_MODE_ENFORCE));
	t_want_err = EINVAL;
	EXPECT_EQ(0, t_in_child(t_enter_confined, t_newuser_refused, false));
	EXPECT_EQ(0, t_remove(confined_cg.fd, CG_SCOPE_CGROUP));
	EXPECT_EQ(0, t_unload("t-errno0"));
	t_cgroup_destroy(&confined_cg);
}

TEST_HARNESS_MAIN
