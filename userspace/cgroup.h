/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * cgroup v2: from the command line to an fd, from an id back to a path, and
 * the interface files (cgroup.procs, cgroup.events, cgroup.kill) of one
 * cgroup. The cgroup_ prefix is this file's; cg_ means clonegate.
 */
#ifndef CLONEGATE_CGROUP_H
#define CLONEGATE_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <linux/types.h>

/*
 * Where cgroup v2 is mounted, from mountinfo text f (/proc/self/mountinfo's
 * format): the mount point of the first line whose filesystem type (the
 * field after " - ") is cgroup2 and whose root is the hierarchy's root
 * ("/"), else of the first cgroup2 line of any root (a subtree bind mount,
 * as a container may have). Octal escapes (\040 for a space, ...) are
 * decoded. Pure v2 hosts have it at /sys/fs/cgroup, hybrid ones at
 * /sys/fs/cgroup/unified. Returns 0 and the path in buf, -ENOENT when no
 * line is cgroup2, -ENAMETOOLONG when the path does not fit.
 */
int cgroup2_mount_find(FILE *f, char *buf, size_t len);

/*
 * The cgroup v2 mount point of this mount namespace (cgroup2_mount_find()
 * on /proc/self/mountinfo; looked up once), or NULL when there is none.
 */
const char *cgroup_root(void);

/*
 * Open the cgroup v2 directory named by 'arg' O_RDONLY|O_DIRECTORY. A path
 * under the cgroup v2 mount is used as it is; any other path, with or
 * without a leading '/', is taken relative to that mount (so the paths of
 * /proc/PID/cgroup and 'policy list' work). On success returns the fd and
 * sets *shown to the path as 'policy list' prints it ("/a/b"; malloc'd).
 * On failure (no cgroup v2 mounted included) prints why, with the fix, and
 * returns -1.
 */
int cgroup_open(const char *arg, char **shown);

/*
 * The path cgroup_open(arg) would show ("/a/b"; malloc'd), without looking
 * at the filesystem: for a cgroup that no longer exists. NULL when there
 * is no cgroup v2 mount, or no memory.
 */
char *cgroup_shown(const char *arg);

/*
 * Find the paths of cgroup ids by walking the cgroup v2 mount (a directory's
 * inode number is its cgroup id). paths[i] gets a malloc'd "/a/b" ("/" for
 * the root), or NULL when ids[i] is 0 or was not found.
 */
void cgroup_paths(const __u64 *ids, char **paths, size_t n);

/* The caller's cgroup v2 path from /proc/self/cgroup ("/a/b"; malloc'd), or NULL. */
char *cgroup_self(void);

/* Is cgroup path 'path' inside (or equal to) cgroup path 'dir'? */
bool cgroup_path_within(const char *path, const char *dir);

/* A cgroup directory's interface files, dfd being the directory. */

/* Write a short string to a file in the cgroup: 0 or -errno. */
int cgroup_write(int dfd, const char *file, const char *val);
/* Is the cgroup populated (evfd: its cgroup.events)? 1, 0, or -errno. */
int cgroup_populated(int evfd);
/* SIGKILL every process listed in cgroup.procs; how many were listed. */
int cgroup_kill_listed(int dfd);

#endif /* CLONEGATE_CGROUP_H */
