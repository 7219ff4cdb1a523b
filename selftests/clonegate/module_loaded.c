// SPDX-License-Identifier: GPL-2.0
/*
 * module_loaded: the clonegate module is loaded, live, and answers on its
 * control device with the ABI and version this test was built for.
 *
 * Run by run_guest.sh after it insmods /clonegate/clonegate.ko.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "clonegate/abi.h"
#include "kselftest_harness.h"

#define SYSMOD "/sys/module/clonegate"

/* Read a sysfs attribute into buf, without its trailing newline. */
static int read_attr(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	while (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	return (int)n;
}

TEST(sysfs_module_exists)
{
	struct stat st;

	ASSERT_EQ(0, stat(SYSMOD, &st)) {
		TH_LOG("%s: %s (is clonegate.ko loaded?)", SYSMOD, strerror(errno));
	}
	EXPECT_TRUE(S_ISDIR(st.st_mode));
}

TEST(sysfs_initstate_live)
{
	char buf[64];

	ASSERT_LE(0, read_attr(SYSMOD "/initstate", buf, sizeof(buf))) {
		TH_LOG("%s/initstate: %s", SYSMOD, strerror(errno));
	}
	EXPECT_STREQ("live", buf);
}

TEST(sysfs_version_nonempty)
{
	char buf[128];
	int n;

	n = read_attr(SYSMOD "/version", buf, sizeof(buf));
	ASSERT_LE(0, n) {
		TH_LOG("%s/version: %s (no MODULE_VERSION?)", SYSMOD, strerror(-n));
	}
	EXPECT_LT(0, n);
	TH_LOG("module version: %s", buf);
}

TEST(device_is_char_device)
{
	struct stat st;

	ASSERT_EQ(0, stat(CLONEGATE_DEVICE, &st)) {
		TH_LOG("%s: %s", CLONEGATE_DEVICE, strerror(errno));
	}
	EXPECT_TRUE(S_ISCHR(st.st_mode));
}

TEST(ioctl_version)
{
	struct cg_version v;
	char sysver[128];
	int fd, n;

	n = read_attr(SYSMOD "/version", sysver, sizeof(sysver));
	ASSERT_LE(0, n) {
		TH_LOG("%s/version: %s", SYSMOD, strerror(-n));
	}

	fd = open(CLONEGATE_DEVICE, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd) {
		TH_LOG("open %s: %s", CLONEGATE_DEVICE, strerror(errno));
	}

	memset(&v, 0, sizeof(v));
	v.size = sizeof(v);
	ASSERT_EQ(0, ioctl(fd, CLONEGATE_IOC_VERSION, &v)) {
		TH_LOG("CLONEGATE_IOC_VERSION: %s", strerror(errno));
	}
	close(fd);

	EXPECT_EQ((__u32)CLONEGATE_ABI_VERSION, v.abi_version);
	/* NUL-terminated within the field, and the same string sysfs shows. */
	ASSERT_NE(NULL, memchr(v.module_version, '\0', sizeof(v.module_version)));
	EXPECT_STREQ(sysver, v.module_version);
}

/* Is SYM a function of the running kernel (a text symbol in /proc/kallsyms)? */
static int kernel_has(const char *sym)
{
	char line[512], type, name[256];
	FILE *f = fopen("/proc/kallsyms", "r");
	int found = 0;

	if (!f)
		return -1;
	while (!found && fgets(line, sizeof(line), f))
		found = sscanf(line, "%*s %c %255s", &type, name) == 2 &&
			(type == 't' || type == 'T') && !strcmp(name, sym);
	fclose(f);
	return found;
}

/*
 * One "yes|no SYMBOL: WHAT" line per hook, then per kretprobe, in this
 * order, the core hook first; and "yes" exactly where the running kernel
 * has the function. Debian's kernels have them all; the debug kernel
 * (make check KVERS=debug) has no __ia32_* entry points, and the module
 * must load there and say "no" for those.
 */
TEST(coverage_reported)
{
	static const char *const want[] = {
		"kernel_clone", "__x64_sys_clone3", "ksys_unshare", "__x64_sys_setns",
		"__ia32_sys_clone3", "__ia32_sys_setns", "userns_install", "pidns_install",
		"cgroupns_install", "timens_install", "pidfd_pid", "put_nsset", "create_user_ns",
	};
	char buf[4096], *line, *save = NULL;
	size_t i = 0;

	ASSERT_LT(0, read_attr(SYSMOD "/parameters/coverage", buf, sizeof(buf)));
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save), i++) {
		char yesno[4], sym[64];
		int has;

		ASSERT_GT(sizeof(want) / sizeof(want[0]), i) TH_LOG("extra line: %s", line);
		ASSERT_EQ(2, sscanf(line, "%3s %63[^:]:", yesno, sym)) TH_LOG("bad line: %s", line);
		EXPECT_STREQ(want[i], sym);
		has = kernel_has(sym);
		ASSERT_LE(0, has) TH_LOG("cannot read /proc/kallsyms");
		EXPECT_STREQ(has ? "yes" : "no", yesno) TH_LOG("%s", line);
	}
	EXPECT_EQ(sizeof(want) / sizeof(want[0]), i);
}

TEST_HARNESS_MAIN
