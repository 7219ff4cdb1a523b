/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * lsm_readers: 'clonegate events' as a reader of the BPF backend's
 * decision events: a ring buffer of its own in a slot of every attached
 * instance (see lsm_readers.c).
 */
#ifndef CLONEGATE_LSM_READERS_H
#define CLONEGATE_LSM_READERS_H

#include <bpf/libbpf.h>
#include <linux/types.h>

struct lsm_readers;

/*
 * A collector's set of rings, none yet: @cgroup_fd its --cgroup (-1: every
 * task; kept open by the caller), @ring_size bytes per ring (a power of two
 * of at least the page size). NULL when out of memory.
 */
struct lsm_readers *lsm_readers_new(int cgroup_fd, __u32 ring_size);

/*
 * Follow the instances attached now: a slot in each one not read yet, the
 * rings of those detached since let go. 1 when the set of rings changed
 * (ring_buffer__consume() the old set first, then lsm_readers_add() to a
 * new one), 0 when not, -errno when the instances cannot be listed. New
 * instances that cannot be read (every slot held, another build) are said
 * once on stderr.
 */
int lsm_readers_sync(struct lsm_readers *rs);

/* Add every ring to @rb, records to @fn: 0 or -errno. */
int lsm_readers_add(struct lsm_readers *rs, struct ring_buffer *rb, ring_buffer_sample_fn fn,
		    void *ctx);

/* How many instances are read now. */
int lsm_readers_count(const struct lsm_readers *rs);

/* Events the rings had no room for, since each was put in its slot. */
unsigned long long lsm_readers_lost(const struct lsm_readers *rs);

/* Take every ring out of its slot and free the set (NULL: nothing). */
void lsm_readers_free(struct lsm_readers *rs);

#endif /* CLONEGATE_LSM_READERS_H */
