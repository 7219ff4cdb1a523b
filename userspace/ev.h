/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * ev: one event as every sink sees it. ev_decode.c turns each BPF record
 * (<clonegate/events.h>) into a struct ev, with times in CLOCK_REALTIME,
 * paths joined and the container id derived; the sinks (sink.h) only
 * format it. The ev_ prefix is this pipeline's: decode, names, the reader
 * (ev_reader.h) and the stream 'run' uses (ev_stream.h).
 */
#ifndef CLONEGATE_EV_H
#define CLONEGATE_EV_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>
#include <linux/types.h>

#include <clonegate/events.h>

/* A joined path: up to CG_PATH_LEN bytes of names, a '/' each, "..." ahead. */
#define EV_PATH_MAX	(CG_PATH_LEN + CG_PATH_DEPTH + 8)
#define EV_CONTAINER_ID_LEN 64	/* docker/containerd/cri-o ids: 64 hex digits */

/* The context fields collected unless told: everything but cwd (README, "Cost"). */
#define EV_DEFAULT_FIELDS	(CG_FIELDS_ALL & ~CG_FIELD_BIT(CG_FIELD_CWD))

/* gVisor's ContextData, decoded. Only the fields in 'fields' are valid. */
struct ev_ctx {
	__u32 fields;			/* CG_FIELD_BIT()s */
	long long time_ns;		/* CLOCK_REALTIME */
	__u32 tid, tgid;
	__u32 parent_tgid;		/* the caller's real_parent's tgid */
	long long thread_start_time_ns;
	long long thread_group_start_time_ns;
	__u64 cgroup_id;
	struct cg_event_creds creds;
	char process_name[CG_COMM_LEN + 1];
	char cwd[EV_PATH_MAX];
	char cgroup_path[EV_PATH_MAX];
	/* The runtime's id found in cgroup_path, else cgroup_path itself. */
	char container_id[EV_PATH_MAX];
};

struct ev {
	__u16 type;			/* enum cg_event_type */
	struct ev_ctx ctx;
	union {
		struct {
			__u32 tid, tgid;
			long long start_time_ns;	/* CLOCK_REALTIME */
			__u64 flags;
		} clone;
		struct {
			__u32 entry_point, rule, mode, profile;
			int err;
			__u64 flags;
			__u64 scope_cgroup_id;
		} decision;
		struct {
			__u32 entry_point;
			int result;
			__u64 flags;
		} unshare;
		struct {
			__u32 entry_point;
			int result;
			int fd;
			__u32 nstype;
			__u64 ns_type;
		} setns;
	};
};

/*
 * Record -> ev, the record's CLOCK_MONOTONIC times shifted by 'off'
 * (ev_realtime_offset()). False for records this build cannot read: the
 * caller skips and counts them rather than misread them.
 */
bool ev_decode(struct ev *ev, const void *data, size_t len, long long off);

/* The container id in a cgroup path, or NULL: see ev_decode.c. */
const char *ev_container_id(const char *cgroup_path, char *buf, size_t len);

/* A clock's time in nanoseconds. */
long long ev_clock_ns(clockid_t id);

/* CLOCK_REALTIME - CLOCK_MONOTONIC, sampled tightly. */
long long ev_realtime_offset(void);

#endif /* CLONEGATE_EV_H */
