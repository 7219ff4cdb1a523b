// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * cgroup v2 paths (see cgroup.h).
 *
 * cgroup v2 is wherever /proc/self/mountinfo says a cgroup2 filesystem is
 * mounted: /sys/fs/cgroup on pure v2 hosts, /sys/fs/cgroup/unified on
 * hybrid v1/v2 ones, anything else an administrator chose. The mount point
 * is looked up once; every path the user gives and every path we show is
 * relative to it ("/a/b", as in /proc/PID/cgroup).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>
#include <linux/magic.h>

#include "cgroup.h"
#include "diag.h"

#define WALK_MAX_DEPTH	64
#define MOUNTINFO	"/proc/self/mountinfo"

static bool is_cgroup2(long f_type)
{
	return f_type == (long)CGROUP2_SUPER_MAGIC;
}

/* mountinfo's octal escapes ("\040" for a space, "\134" for '\'), in place. */
static void unescape(char *s)
{
	char *o = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*o++ = (s[1] - '0') << 6 | (s[2] - '0') << 3 | (s[3] - '0');
			s += 3;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
}

/*
 * One mountinfo line: "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL
 * FIELDS...] - FSTYPE SOURCE SUPEROPTIONS". Points root, mnt and fstype
 * into line (split in place); false if the line lacks them.
 */
static bool mountinfo_fields(char *line, char **root, char **mnt, char **fstype)
{
	char *field[6], *save = NULL, *tok;
	int i;

	for (i = 0; i < 6; i++) {
		field[i] = strtok_r(i ? NULL : line, " \n", &save);
		if (!field[i])
			return false;
	}
	while ((tok = strtok_r(NULL, " \n", &save)) && strcmp(tok, "-"))
		;
	*fstype = tok ? strtok_r(NULL, " \n", &save) : NULL;
	*root = field[3];
	*mnt = field[4];
	return *fstype != NULL;
}

int cgroup2_mount_find(FILE *f, char *buf, size_t len)
{
	char *line = NULL, *root, *mnt, *fstype;
	size_t cap = 0;
	int ret = -ENOENT;
	bool whole;

	while (getline(&line, &cap, f) > 0) {
		if (!mountinfo_fields(line, &root, &mnt, &fstype) || strcmp(fstype, "cgroup2"))
			continue;
		unescape(root);
		unescape(mnt);
		whole = !strcmp(root, "/");
		if (ret == 0 && !whole)
			continue;	/* another subtree: the first one is kept */
		if (strlen(mnt) >= len) {
			if (ret)
				ret = -ENAMETOOLONG;
			continue;
		}
		strcpy(buf, mnt);
		ret = 0;
		if (whole)
			break;
	}
	free(line);
	return ret;
}

const char *cgroup_root(void)
{
	static char root[PATH_MAX];
	static int found;	/* 0: not looked up yet, 1: found, -1: none */
	FILE *f;

	if (!found) {
		f = fopen(MOUNTINFO, "re");
		found = f && cgroup2_mount_find(f, root, sizeof(root)) == 0 ? 1 : -1;
		if (f)
			fclose(f);
	}
	return found > 0 ? root : NULL;
}

/* The part of path under root: "" for root itself, NULL if not under it. */
static const char *under_root(const char *path, const char *root)
{
	size_t n = strlen(root);

	if (!strcmp(root, "/"))
		return path[0] == '/' ? path + 1 : NULL;
	if (strncmp(path, root, n) || (path[n] != '\0' && path[n] != '/'))
		return NULL;
	return path + n + (path[n] == '/');
}

/* "<root>/a/b" -> "/a/b"; "<root>" -> "/"; others unchanged. */
static char *shown_path(const char *real, const char *root)
{
	const char *rel = under_root(real, root);
	char *s;

	if (!rel)
		return strdup(real);
	if (asprintf(&s, "/%s", rel) < 0)
		return NULL;
	return s;
}

/* arg as a path relative to root, as cgroup_open() takes it: "a/b", "" for root. */
static const char *rel_to_root(const char *arg, const char *root)
{
	const char *rel = under_root(arg, root);

	if (!rel)
		rel = arg;
	while (*rel == '/')
		rel++;
	return rel;
}

char *cgroup_shown(const char *arg)
{
	const char *root = cgroup_root();
	char *s;

	if (!root || asprintf(&s, "/%s", rel_to_root(arg, root)) < 0)
		return NULL;
	return s;
}

int cgroup_open(const char *arg, char **shown)
{
	const char *root = cgroup_root(), *rel;
	char full[PATH_MAX], real[PATH_MAX];
	struct statfs sfs;
	int fd;

	if (!root) {
		if (access(MOUNTINFO, R_OK))
			p_err("cannot read %s (%s): is /proc mounted?", MOUNTINFO, strerror(errno));
		else
			p_err("cgroup v2 is not mounted (no cgroup2 filesystem in %s; mount it: 'mount -t cgroup2 none /sys/fs/cgroup')",
			      MOUNTINFO);
		return -1;
	}

	rel = rel_to_root(arg, root);
	if ((size_t)snprintf(full, sizeof(full), "%s%s%s", root, strcmp(root, "/") ? "/" : "",
			     rel) >= sizeof(full)) {
		p_err("cgroup path '%s' is too long", arg);
		return -1;
	}

	if (!realpath(full, real)) {
		if (errno == ENOENT)
			p_err("cgroup '%s' does not exist (create it: 'mkdir %s')", arg, full);
		else if (errno == ENOTDIR)
			p_err("'%s' is not a cgroup v2 directory", full);
		else
			p_err("cannot resolve cgroup '%s' (%s): %s", arg, full, strerror(errno));
		return -1;
	}

	fd = open(real, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOTDIR)
			p_err("'%s' is not a cgroup v2 directory (name the cgroup's directory)", real);
		else if (errno == EACCES || errno == EPERM)
			p_err("permission denied opening cgroup '%s' (run as root)", real);
		else
			p_err("cannot open cgroup '%s': %s", real, strerror(errno));
		return -1;
	}
	if (fstatfs(fd, &sfs) < 0 || !is_cgroup2(sfs.f_type)) {
		p_err("'%s' is not a cgroup v2 directory (cgroup v1 hierarchies are not supported)",
		      real);
		close(fd);
		return -1;
	}

	*shown = shown_path(real, root);
	if (!*shown) {
		p_err("out of memory");
		close(fd);
		return -1;
	}
	return fd;
}

struct walk {
	const __u64 *ids;
	char **paths;
	size_t n;
	size_t left;		/* ids not found yet */
	char path[PATH_MAX];	/* the directory being read, "" for the root */
};

static void found(struct walk *w, __u64 ino)
{
	size_t i;

	for (i = 0; i < w->n; i++) {
		if (w->ids[i] != ino || w->paths[i])
			continue;
		w->paths[i] = strdup(w->path[0] ? w->path : "/");
		if (w->paths[i])
			w->left--;
	}
}

static void walk_dir(struct walk *w, int dfd, int depth)
{
	size_t len = strlen(w->path);
	struct dirent *de;
	DIR *dir;

	dir = fdopendir(dfd);
	if (!dir) {
		close(dfd);
		return;
	}
	while (w->left && (de = readdir(dir))) {
		struct stat st;
		int cfd;

		if (de->d_type != DT_DIR && de->d_type != DT_UNKNOWN)
			continue;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (fstatat(dirfd(dir), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    !S_ISDIR(st.st_mode))
			continue;
		if ((size_t)snprintf(w->path + len, sizeof(w->path) - len, "/%s",
				     de->d_name) >= sizeof(w->path) - len)
			continue;
		found(w, st.st_ino);
		if (w->left && depth < WALK_MAX_DEPTH) {
			cfd = openat(dirfd(dir), de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			if (cfd >= 0)
				walk_dir(w, cfd, depth + 1);
		}
		w->path[len] = '\0';
	}
	closedir(dir);
}

void cgroup_paths(const __u64 *ids, char **paths, size_t n)
{
	struct walk *w;
	struct stat st;
	size_t i;
	int fd;

	for (i = 0; i < n; i++)
		paths[i] = NULL;

	w = calloc(1, sizeof(*w));
	if (!w)
		return;
	w->ids = ids;
	w->paths = paths;
	w->n = n;
	for (i = 0; i < n; i++)
		if (ids[i])
			w->left++;

	fd = cgroup_root() ? open(cgroup_root(), O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
	if (fd >= 0 && fstat(fd, &st) == 0) {
		found(w, st.st_ino);
		if (w->left)
			walk_dir(w, fd, 0);
		else
			close(fd);
	} else if (fd >= 0) {
		close(fd);
	}
	free(w);
}

char *cgroup_self(void)
{
	char *line = NULL, *path = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *f;

	f = fopen("/proc/self/cgroup", "re");
	if (!f)
		return NULL;
	while ((n = getline(&line, &cap, f)) > 0) {
		/* cgroup v2: "0::/a/b" */
		if (strncmp(line, "0::", 3) != 0)
			continue;
		line[strcspn(line, "\n")] = '\0';
		path = strdup(line + 3);
		break;
	}
	free(line);
	fclose(f);
	return path;
}

bool cgroup_path_within(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	if (!strcmp(dir, "/"))
		return true;
	return !strncmp(path, dir, n) && (path[n] == '\0' || path[n] == '/');
}

/* ---- a cgroup's interface files (see cgroup.h) -------------------------- */

int cgroup_write(int dfd, const char *file, const char *val)
{
	ssize_t n, len = strlen(val);
	int fd, err = 0;

	fd = openat(dfd, file, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, val, len);
	if (n != len)
		err = n < 0 ? -errno : -EIO;
	close(fd);
	return err;
}

int cgroup_populated(int evfd)
{
	char buf[256], *p;
	ssize_t n;

	n = pread(evfd, buf, sizeof(buf) - 1, 0);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	p = strstr(buf, "populated ");
	if (!p)
		return -EINVAL;
	return p[10] == '1';
}

int cgroup_kill_listed(int dfd)
{
	char buf[4096], *p, *end;
	ssize_t n;
	int fd, count = 0;

	fd = openat(dfd, "cgroup.procs", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	while ((n = read(fd, buf, sizeof(buf) - 1)) > 0) {
		buf[n] = '\0';
		for (p = buf; *p; p = end) {
			long pid = strtol(p, &end, 10);

			if (end == p)
				break;
			if (pid > 0 && kill(pid, SIGKILL) == 0)
				count++;
			while (*end == '\n')
				end++;
		}
	}
	close(fd);
	return count;
}
