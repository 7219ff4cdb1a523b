// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * lsm_readers: the BPF backend's decision events for 'clonegate events'.
 *
 * The module says each decision on a tracepoint, which every collector
 * attaches to on its own. The BPF backend's programs have no tracepoint
 * to offer; they write each decision into ring buffers (bpf/lsm_policy.bpf.c).
 * One shared ring would split the events between two collectors, and fill
 * up with nobody reading, so each collector brings its own: it creates a
 * ring buffer map and puts it in a free slot of every instance attached
 * (cg_lsm_readers, CG_LSM_READERS slots), with its --cgroup in the slot's
 * cgroup filter. The programs write to every ring present, and to none
 * when no collector runs. The instances are followed as they come and go
 * (lsm_readers_sync(), from the reader's poll loop, once a second), so a
 * policy applied after the collector started is read too.
 *
 * A slot is taken by writing the collector's pid and start time into the
 * instance's cg_lsm_rd_owner, then its filter, then its ring; it is given
 * back in the other order when the collector ends. A collector killed
 * with SIGKILL cannot give it back: its ring stays in the slot (the kernel
 * keeps it while the slot refers to it) and fills, and the next collector
 * that finds the owner dead (no such pid, or a pid started at another
 * time) takes the slot over. So the owner must be visible in our /proc:
 * collectors in another pid namespace are not told apart. Taking and
 * checking slots is done under one flock(), so two collectors that start
 * together never take the same slot.
 *
 * Trade-off: the programs check every slot on each decision (a hash
 * lookup each, on refusals and audits only, never on calls let through);
 * a collector's events are built once and copied to the others' rings.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include <clonegate/lsm_policy.h>

#include "diag.h"
#include "lsm_policy.h"
#include "lsm_readers.h"
#include "skel.h"

#define LOCK_DIR	"/run/clonegate"
#define LOCK_FILE	LOCK_DIR "/lsm-readers.lock"

/* One instance read, through one slot. */
struct lsm_ring {
	__u32 prog_id;			/* the instance's task_alloc program */
	__u32 slot;
	int readers_fd, filter_fd, lost_fd, owner_fd;
	int ring_fd;
	bool seen;			/* in the last sync's list */
};

struct lsm_readers {
	int cgroup_fd;
	__u32 ring_size;
	struct cg_lsm_reader_owner me;
	struct lsm_ring *v;
	int n;
	unsigned long long lost_gone;	/* the rings let go of */
	__u32 *told;			/* prog ids said to be unreadable */
	int ntold;
};

/* Field 22 of /proc/PID/stat, the start time in clock ticks; 0 if no such pid. */
static __u64 proc_start_time(__u32 pid)
{
	char path[64], buf[1024], *p;
	unsigned long long start = 0;
	ssize_t len;
	int fd, i;

	snprintf(path, sizeof(path), "/proc/%u/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len <= 0)
		return 0;
	buf[len] = '\0';
	/* After the comm, which may hold spaces and ')': the state is field 3. */
	p = strrchr(buf, ')');
	for (i = 2; p && i < 22; i++)
		p = strchr(p + 1, ' ');
	if (p)
		sscanf(p + 1, "%llu", &start);
	return start;
}

static bool owner_alive(const struct cg_lsm_reader_owner *o)
{
	__u64 start = o->pid ? proc_start_time(o->pid) : 0;

	/* 0: no such pid (or no /proc): not alive, whatever the owner wrote. */
	return start && start == o->start_time;
}

/* The lock that makes taking and checking slots one step; -1 if it cannot be had. */
static int lock_slots(void)
{
	int fd;

	if (mkdir(LOCK_DIR, 0700) && errno != EEXIST)
		return -1;
	fd = open(LOCK_FILE, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	if (flock(fd, LOCK_EX)) {
		close(fd);
		return -1;
	}
	return fd;
}

static void close_fds(struct lsm_ring *g)
{
	int *fds[] = { &g->readers_fd, &g->filter_fd, &g->lost_fd, &g->owner_fd, &g->ring_fd };
	size_t i;

	for (i = 0; i < sizeof(fds) / sizeof(fds[0]); i++) {
		if (*fds[i] >= 0)
			close(*fds[i]);
		*fds[i] = -1;
	}
}

/* The instance's four slot maps, by the ids lsm_instances() found. */
static int open_maps(struct lsm_ring *g, const struct lsm_instance *in)
{
	g->readers_fd = bpf_map_get_fd_by_id(in->readers_map_id);
	g->filter_fd = bpf_map_get_fd_by_id(in->rd_cgroup_map_id);
	g->lost_fd = bpf_map_get_fd_by_id(in->rd_lost_map_id);
	g->owner_fd = bpf_map_get_fd_by_id(in->rd_owner_map_id);
	if (g->readers_fd < 0 || g->filter_fd < 0 || g->lost_fd < 0 || g->owner_fd < 0)
		return -errno;
	return 0;
}

/* Empty slot @slot of g's instance: its ring first, so nothing is written to it after. */
static void clear_slot(struct lsm_ring *g, __u32 slot)
{
	struct cg_lsm_reader_owner none = {};

	bpf_map_delete_elem(g->readers_fd, &slot);
	bpf_map_delete_elem(g->filter_fd, &slot);
	bpf_map_update_elem(g->owner_fd, &slot, &none, BPF_ANY);
}

/* A free slot (one whose owner is gone is freed first), -ENOSPC, or -errno. */
static int free_slot(struct lsm_ring *g)
{
	struct cg_lsm_reader_owner o;
	__u32 slot;

	for (slot = 0; slot < CG_LSM_READERS; slot++) {
		if (bpf_map_lookup_elem(g->owner_fd, &slot, &o))
			return -errno;
		if (o.pid && owner_alive(&o))
			continue;
		clear_slot(g, slot);
		return slot;
	}
	return -ENOSPC;
}

/* Put the ring in the slot, owner first, ring last: 0 or -errno. */
static int fill_slot(struct lsm_readers *rs, struct lsm_ring *g)
{
	int ncpus = libbpf_num_possible_cpus();
	__u64 *zeros;
	__u32 fd;
	int err = 0;

	if (bpf_map_update_elem(g->owner_fd, &g->slot, &rs->me, BPF_ANY))
		return -errno;
	zeros = calloc(ncpus > 0 ? ncpus : 1, sizeof(*zeros));
	if (!zeros)
		return -ENOMEM;
	if (bpf_map_update_elem(g->lost_fd, &g->slot, zeros, BPF_ANY))
		err = -errno;
	free(zeros);
	fd = rs->cgroup_fd;
	if (!err && rs->cgroup_fd >= 0 && bpf_map_update_elem(g->filter_fd, &g->slot, &fd, BPF_ANY))
		err = -errno;
	fd = g->ring_fd;
	if (!err && bpf_map_update_elem(g->readers_fd, &g->slot, &fd, BPF_ANY))
		err = -errno;
	if (err)
		clear_slot(g, g->slot);
	return err;
}

/* Take a slot of instance @in for a new ring: 0, -ENOSPC (all held) or -errno. */
static int take_slot(struct lsm_readers *rs, struct lsm_ring *g, const struct lsm_instance *in)
{
	int err, lock, slot;

	err = open_maps(g, in);
	if (err)
		return err;
	g->ring_fd = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "cg_lsm_rd_ring", 0, 0, rs->ring_size,
				    NULL);
	if (g->ring_fd < 0)
		return -errno;
	lock = lock_slots();
	if (lock < 0)
		return -errno;
	slot = free_slot(g);
	if (slot < 0) {
		err = slot;
	} else {
		g->slot = slot;
		err = fill_slot(rs, g);
	}
	close(lock);
	return err;
}

static void give_back(struct lsm_readers *rs, struct lsm_ring *g)
{
	struct cg_lsm_reader_owner o;
	unsigned long long lost = 0;
	int lock = lock_slots();

	/* Only our own: a dead-owner sweep may have handed it on already. */
	if (!bpf_map_lookup_elem(g->owner_fd, &g->slot, &o) && o.pid == rs->me.pid &&
	    o.start_time == rs->me.start_time)
		clear_slot(g, g->slot);
	if (lock >= 0)
		close(lock);
	map_percpu_sum(g->lost_fd, g->slot, &lost);
	rs->lost_gone += lost;
	close_fds(g);
}

struct lsm_readers *lsm_readers_new(int cgroup_fd, __u32 ring_size)
{
	struct lsm_readers *rs = calloc(1, sizeof(*rs));

	if (!rs)
		return NULL;
	rs->cgroup_fd = cgroup_fd;
	rs->ring_size = ring_size;
	rs->me.pid = getpid();
	rs->me.start_time = proc_start_time(rs->me.pid);
	return rs;
}

static struct lsm_ring *find_ring(struct lsm_readers *rs, __u32 prog_id)
{
	int i;

	for (i = 0; i < rs->n; i++)
		if (rs->v[i].prog_id == prog_id)
			return &rs->v[i];
	return NULL;
}

/* Say once per instance why its events are not read. */
static void tell_unread(struct lsm_readers *rs, const struct lsm_instance *in, int err)
{
	const char *scope = lsm_scope_shown(&in->cfg);
	__u32 *nt;
	int i;

	for (i = 0; i < rs->ntold; i++)
		if (rs->told[i] == in->prog_id)
			return;
	nt = realloc(rs->told, (rs->ntold + 1) * sizeof(*nt));
	if (!nt)
		return;
	rs->told = nt;
	rs->told[rs->ntold++] = in->prog_id;
	if (!in->known || !in->readers_map_id)
		p_err("the BPF backend policy of program id %u is of another clonegate build: its decision events are not read",
		      in->prog_id);
	else if (err == -ENOSPC)
		p_err("the BPF backend policy on %s has %d collectors already: its decision events are not read",
		      scope, CG_LSM_READERS);
	else
		p_err("cannot read the decision events of the BPF backend policy on %s: %s",
		      scope, strerror(-err));
}

/* Start reading instance @in: 1 if a ring was added. */
static int add_instance(struct lsm_readers *rs, const struct lsm_instance *in)
{
	struct lsm_ring *nv, g = {
		.prog_id = in->prog_id,
		.readers_fd = -1, .filter_fd = -1, .lost_fd = -1, .owner_fd = -1, .ring_fd = -1,
		.seen = true,
	};
	int err = -EPROTO;

	if (in->known && in->readers_map_id) {
		err = take_slot(rs, &g, in);
		if (!err) {
			nv = realloc(rs->v, (rs->n + 1) * sizeof(*nv));
			if (nv) {
				rs->v = nv;
				rs->v[rs->n++] = g;
				p_info("reading the decision events of the BPF backend policy on %s (slot %u)",
				       lsm_scope_shown(&in->cfg),
				       g.slot);
				return 1;
			}
			give_back(rs, &g);
			err = -ENOMEM;
		}
	}
	close_fds(&g);
	tell_unread(rs, in, err);
	return 0;
}

int lsm_readers_sync(struct lsm_readers *rs)
{
	struct lsm_instance *v;
	struct lsm_ring *g;
	int n, i, changed = 0;

	n = lsm_instances(&v, false);
	if (n < 0)
		return n;
	for (i = 0; i < rs->n; i++)
		rs->v[i].seen = false;
	for (i = 0; i < n; i++) {
		g = find_ring(rs, v[i].prog_id);
		if (g)
			g->seen = true;
		else
			changed |= add_instance(rs, &v[i]);
	}
	free(v);
	/* Detached since the last sync: its maps go when we let go. */
	for (i = 0; i < rs->n; ) {
		if (rs->v[i].seen) {
			i++;
			continue;
		}
		give_back(rs, &rs->v[i]);
		rs->v[i] = rs->v[--rs->n];
		changed = 1;
	}
	return changed;
}

int lsm_readers_add(struct lsm_readers *rs, struct ring_buffer *rb, ring_buffer_sample_fn fn,
		    void *ctx)
{
	int i, err;

	for (i = 0; i < rs->n; i++) {
		err = ring_buffer__add(rb, rs->v[i].ring_fd, fn, ctx);
		if (err)
			return err;
	}
	return 0;
}

int lsm_readers_count(const struct lsm_readers *rs)
{
	return rs->n;
}

unsigned long long lsm_readers_lost(const struct lsm_readers *rs)
{
	unsigned long long sum = rs->lost_gone, lost;
	int i;

	for (i = 0; i < rs->n; i++) {
		lost = 0;
		map_percpu_sum(rs->v[i].lost_fd, rs->v[i].slot, &lost);
		sum += lost;
	}
	return sum;
}

void lsm_readers_free(struct lsm_readers *rs)
{
	int i;

	if (!rs)
		return;
	for (i = 0; i < rs->n; i++)
		give_back(rs, &rs->v[i]);
	free(rs->v);
	free(rs->told);
	free(rs);
}
