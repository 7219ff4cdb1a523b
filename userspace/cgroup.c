// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* cgroup v2 paths (see cgroup.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>
#include <linux/magic.h>

#include "cgroup.h"
#include "main.h"

#define WALK_MAX_DEPTH	64

static bool is_cgroup2(long f_type)
{
	return f_type == (long)CGROUP2_SUPER_MAGIC;
}

/* "/sys/fs/cgroup/a/b" -> "/a/b"; "/sys/fs/cgroup" -> "/"; others unchanged. */
static const char *shown_path(const char *real)
{
	size_t n = strlen(CGROUP_ROOT);

	if (strncmp(real, CGROUP_ROOT, n) == 0) {
		if (real[n] == '\0')
			return "/";
		if (real[n] == '/')
			return real + n;
	}
	return real;
}

int cgroup_open(const char *arg, char **shown)
{
	size_t n = strlen(CGROUP_ROOT);
	char full[PATH_MAX], real[PATH_MAX];
	struct statfs sfs;
	const char *rel;
	int fd;

	if (statfs(CGROUP_ROOT, &sfs) < 0 || !is_cgroup2(sfs.f_type)) {
		if (statfs(CGROUP_ROOT "/unified", &sfs) == 0 && is_cgroup2(sfs.f_type))
			p_err("cgroup v2 is not mounted at %s: this host runs the hybrid v1/v2 layout (boot with systemd.unified_cgroup_hierarchy=1)",
			      CGROUP_ROOT);
		else
			p_err("cgroup v2 is not mounted at %s (mount it: 'mount -t cgroup2 none %s')",
			      CGROUP_ROOT, CGROUP_ROOT);
		return -1;
	}

	if (strncmp(arg, CGROUP_ROOT, n) == 0 && (arg[n] == '\0' || arg[n] == '/'))
		rel = arg + n;
	else
		rel = arg;
	while (*rel == '/')
		rel++;
	if ((size_t)snprintf(full, sizeof(full), "%s/%s", CGROUP_ROOT, rel) >= sizeof(full)) {
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

	*shown = strdup(shown_path(real));
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

	fd = open(CGROUP_ROOT, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
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
