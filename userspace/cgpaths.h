/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The cgroup paths the BPF side keeps in its map "cgroup_paths": a record
 * whose cgroup path has CG_PATH_CACHED carries only the cgroup id, and its
 * path is looked up here (include/clonegate/events.h).
 */
#ifndef CLONEGATE_CGPATHS_H
#define CLONEGATE_CGPATHS_H

#include <linux/types.h>

#include <clonegate/events.h>

/* The loaded programs' cgroup_paths map (its fd stays the caller's). */
void ev_cgpaths_set_map(int fd);

/*
 * The path record p of cgroup 'id' stands for: p itself, or for
 * CG_PATH_CACHED the map's entry (valid until the next call). An id the map
 * does not have, which the BPF side never sends, gives an empty truncated
 * path ("...").
 */
const struct cg_event_path *ev_cgpath(const struct cg_event_path *p, __u64 id);

#endif /* CLONEGATE_CGPATHS_H */
