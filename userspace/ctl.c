// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* ctl: /dev/clonegate and its ioctls (see ctl.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "ctl.h"
#include "diag.h"

bool ctl_module_loaded(void)
{
	return access(CLONEGATE_SYSFS_MODULE, F_OK) == 0;
}

int ctl_open(void)
{
	int fd = open(CLONEGATE_DEVICE, O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

int ctl_open_error(int err)
{
	switch (err) {
	case -ENOENT:
		if (ctl_module_loaded())
			p_err("module is loaded but %s is missing (mount devtmpfs on /dev: 'mount -t devtmpfs dev /dev')",
			      CLONEGATE_DEVICE);
		else
			p_err("module not loaded (run 'clonegate module load')");
		break;
	case -ENXIO:
	case -ENODEV:
		p_err("module not loaded: %s is a stale device node (run 'clonegate module load')",
		      CLONEGATE_DEVICE);
		break;
	case -EACCES:
	case -EPERM:
		p_err("permission denied: %s is root-only (run as root)", CLONEGATE_DEVICE);
		break;
	default:
		p_err("cannot open %s: %s", CLONEGATE_DEVICE, strerror(-err));
	}
	return EXIT_FAIL;
}

int ctl_open_or_report(void)
{
	int fd = ctl_open();

	if (fd < 0) {
		ctl_open_error(fd);
		return -1;
	}
	return fd;
}

static int ctl_ioctl(int fd, unsigned long req, void *arg)
{
	return ioctl(fd, req, arg) < 0 ? -errno : 0;
}

int ctl_version(int fd, struct cg_version *v)
{
	memset(v, 0, sizeof(*v));
	v->size = sizeof(*v);
	return ctl_ioctl(fd, CLONEGATE_IOC_VERSION, v);
}

int ctl_apply(int fd, struct cg_policy *p)
{
	p->size = sizeof(*p);
	return ctl_ioctl(fd, CLONEGATE_IOC_APPLY, p);
}

int ctl_remove(int fd, struct cg_policy *p)
{
	p->size = sizeof(*p);
	return ctl_ioctl(fd, CLONEGATE_IOC_REMOVE, p);
}

int ctl_list(int fd, struct cg_scope_info **scopes, __u32 *count, __u64 *generation)
{
	struct cg_scope_list req;
	struct cg_scope_info *buf = NULL, *tmp;
	__u32 room = CG_MAX_SCOPES;
	int err, tries;

	/*
	 * count comes back as the number of scopes that exist, of which only
	 * the first 'room' were written: retry with more room (a newer module
	 * may hold more than this build's CG_MAX_SCOPES).
	 */
	for (tries = 0;; tries++) {
		tmp = realloc(buf, room * sizeof(*buf));
		if (!tmp) {
			free(buf);
			return -ENOMEM;
		}
		buf = tmp;
		memset(buf, 0, room * sizeof(*buf));
		memset(&req, 0, sizeof(req));
		req.size = sizeof(req);
		req.count = room;
		req.scopes = (__u64)(unsigned long)buf;
		err = ctl_ioctl(fd, CLONEGATE_IOC_LIST, &req);
		if (err) {
			free(buf);
			return err;
		}
		if (req.count <= room || tries == 3)
			break;
		room = req.count;
	}
	*scopes = buf;
	*count = req.count < room ? req.count : room;
	if (generation)
		*generation = req.generation;
	return 0;
}

int ctl_counters(int fd, struct cg_counters *c)
{
	memset(c, 0, sizeof(*c));
	c->size = sizeof(*c);
	return ctl_ioctl(fd, CLONEGATE_IOC_COUNTERS, c);
}

int ctl_load(int fd, struct cg_profile_spec *sp)
{
	sp->size = sizeof(*sp);
	return ctl_ioctl(fd, CLONEGATE_IOC_LOAD, sp);
}

int ctl_unload(int fd, struct cg_profile_spec *sp)
{
	sp->size = sizeof(*sp);
	return ctl_ioctl(fd, CLONEGATE_IOC_UNLOAD, sp);
}

int ctl_info(int fd, struct cg_profile_spec *sp)
{
	sp->size = sizeof(*sp);
	return ctl_ioctl(fd, CLONEGATE_IOC_INFO, sp);
}

int ctl_reset(int fd)
{
	return ctl_ioctl(fd, CLONEGATE_IOC_RESET, NULL);
}

int ctl_sysfs_version(char *buf, size_t len)
{
	ssize_t n;
	int fd;

	fd = open(CLONEGATE_SYSFS_MODULE "/version", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n <= 0)
		return n < 0 ? -errno : -ENODATA;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

const char *ctl_strerror(int err)
{
	switch (err) {
	case -ENOTTY:
	case -E2BIG:
	case -EFAULT:
		return "the module does not understand this request: the clonegate command and the module come from different builds (compare them with 'clonegate version')";
	default:
		return strerror(-err);
	}
}
