// SPDX-License-Identifier: GPL-2.0
/*
 * The control interface: who may change policy, and what malformed input
 * gets. Every refused change must leave the policy exactly as it was (the
 * scope list's generation does not move).
 */
#include "cg_test.h"
#include <sys/mman.h>
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
	EXPECT_EQ(-EINVAL, t_ioctl_raw(fd, CLONEGATE_IOC_APPLY, &big));
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

TEST_HARNESS_MAIN
