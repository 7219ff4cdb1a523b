// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * cgroup paths by id, for records that carry only the id (CG_PATH_CACHED).
 * The BPF map never loses an entry while the programs are loaded, so the
 * answer is there even when the cgroup is gone by the time we read its
 * record. A small direct-mapped copy in front of it: events come in runs
 * from a few cgroups, and a map lookup is a system call.
 */
#include <errno.h>
#include <string.h>

#include <bpf/bpf.h>

#include "cgpaths.h"

#define SLOTS	64	/* power of two */

static struct {
	__u64 id;	/* 0: empty (cgroup ids start at 1) */
	struct cg_event_path path;
} slot[SLOTS];

static int map_fd = -1;

void ev_cgpaths_set_map(int fd)
{
	map_fd = fd;
	memset(slot, 0, sizeof(slot));
}

const struct cg_event_path *ev_cgpath(const struct cg_event_path *p, __u64 id)
{
	static const struct cg_event_path unknown = { .flags = CG_PATH_TRUNCATED };
	unsigned int i = (unsigned int)(id ^ (id >> 32)) & (SLOTS - 1);

	if (!(p->flags & CG_PATH_CACHED))
		return p;
	if (id && slot[i].id == id)
		return &slot[i].path;
	if (!id || map_fd < 0 || bpf_map_lookup_elem(map_fd, &id, &slot[i].path)) {
		slot[i].id = 0;
		return &unknown;
	}
	slot[i].id = id;
	return &slot[i].path;
}
