/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* cgroup v2 paths: from the command line to an fd, from an id back to a path. */
#ifndef CLONEGATE_CGROUP_H
#define CLONEGATE_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#define CGROUP_ROOT	"/sys/fs/cgroup"

/*
 * Open the cgroup v2 directory named by 'arg' O_RDONLY|O_DIRECTORY. A path
 * under /sys/fs/cgroup is used as it is; any other path, with or without a
 * leading '/', is taken relative to /sys/fs/cgroup (so the paths of
 * /proc/PID/cgroup and 'policy list' work). On success returns the fd and
 * sets *shown to the path as 'policy list' prints it ("/a/b"; malloc'd).
 * On failure prints why, with the fix, and returns -1.
 */
int cgroup_open(const char *arg, char **shown);

/*
 * Find the paths of cgroup ids by walking /sys/fs/cgroup (a directory's
 * inode number is its cgroup id). paths[i] gets a malloc'd "/a/b" ("/" for
 * the root), or NULL when ids[i] is 0 or was not found.
 */
void cgroup_paths(const __u64 *ids, char **paths, size_t n);

/* The caller's cgroup v2 path from /proc/self/cgroup ("/a/b"; malloc'd), or NULL. */
char *cgroup_self(void);

/* Is cgroup path 'path' inside (or equal to) cgroup path 'dir'? */
bool cgroup_path_within(const char *path, const char *dir);

#endif /* CLONEGATE_CGROUP_H */
