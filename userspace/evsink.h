/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * clonegate events, between the ring buffer and the sinks: events.c decodes
 * each BPF record (include/clonegate/events.h) into a struct ev, with times
 * in CLOCK_REALTIME, paths joined and the container id derived; the sinks
 * (sink_json.c, sink_gvisor.c, and the text lines in events.c) only format.
 */
#ifndef CLONEGATE_EVSINK_H
#define CLONEGATE_EVSINK_H

#include <stdbool.h>
#include <stdio.h>
#include <linux/types.h>

#include <clonegate/events.h>

/* A joined path: up to CG_PATH_LEN bytes of names, a '/' each, "..." ahead. */
#define EV_PATH_MAX	(CG_PATH_LEN + CG_PATH_DEPTH + 8)
#define EV_CONTAINER_ID_LEN 64	/* docker/containerd/cri-o ids: 64 hex digits */

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
			bool flags_unknown;
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

/* Message types on gVisor's wire (header.message_type). */
#define GV_MSG_SENTRY_CLONE	2	/* gvisor.sentry.CloneInfo */
#define CG_MSG_DECISION		1000	/* clonegate.Decision */
#define CG_MSG_UNSHARE		1001	/* clonegate.Unshare */
#define CG_MSG_SETNS		1002	/* clonegate.Setns */

/* "clone", "decision", "unshare", "setns"; NULL for others. */
const char *ev_type_name(unsigned int type);

/* "net", "mnt", ... for a CLONE_NEW* value; "" if none, NULL if unknown. */
const char *ev_ns_name(__u64 ns_type);

/* The container id in a cgroup path, or NULL: see events.c. */
const char *ev_container_id(const char *cgroup_path, char *buf, size_t len);

/* sink_json.c: one JSON object (one line) per event, through json.c. */
void json_print_event(const struct ev *ev);

/* sink_gvisor.c: gVisor's remote sink protocol on a SOCK_SEQPACKET socket. */
struct gvisor_sink;

#define GV_RECONNECT_MIN_MS	100	/* first try after a lost connection */
#define GV_RECONNECT_MAX_MS	5000	/* the doubling backoff's cap */

struct gvisor_sink_opts {
	bool reconnect;			/* false: a lost connection is final */
	unsigned int reconnect_min_ms;
	unsigned int reconnect_max_ms;	/* >= reconnect_min_ms */
};

/*
 * Connect and handshake (waiting up to 5 s for the answer). On failure,
 * says why on stderr and returns NULL.
 */
struct gvisor_sink *gvisor_sink_open(const char *path, const struct gvisor_sink_opts *opts);

enum gvisor_send_result {
	GV_SENT		= 0,
	GV_DROPPED	= 1,	/* the socket stayed full: counted by the caller */
	GV_DOWN		= 2,	/* not connected (reconnecting): counted by the caller */
	GV_ERROR	= -1,	/* the connection broke on this event (reported); counted
				 * by the caller, and the sink reconnects if opts say so */
};

/* Send one event; 'dropped' is the cumulative count for the header. */
enum gvisor_send_result gvisor_sink_send(struct gvisor_sink *s, const struct ev *ev,
					 __u32 dropped);

/*
 * Call often (each poll loop turn): notices a hangup between events, and
 * drives reconnection (connect, handshake) without ever waiting.
 */
void gvisor_sink_tick(struct gvisor_sink *s);
unsigned long long gvisor_sink_reconnects(const struct gvisor_sink *s);
void gvisor_sink_close(struct gvisor_sink *s);

/* "VM|FS|0x..." for clone flags; "0" for none. */
void ev_flag_names(__u64 flags, char *buf, size_t len);

/*
 * Decision events of the tasks in one cgroup v2 subtree, for 'clonegate
 * run': only the decision program is loaded, filtered in the kernel to
 * cgfd's subtree. On failure returns NULL with the reason in why (nothing
 * printed). cb gets each decoded event from ev_stream_consume().
 */
struct ev_stream;
typedef void (*ev_stream_cb)(const struct ev *ev, void *ctx);
struct ev_stream *ev_stream_open(int cgfd, ev_stream_cb cb, void *ctx, char *why, size_t len);
int ev_stream_fd(const struct ev_stream *s);		/* poll it for data */
int ev_stream_consume(struct ev_stream *s);		/* 0 or -errno */
unsigned long long ev_stream_lost(struct ev_stream *s);	/* decisions not delivered */
void ev_stream_close(struct ev_stream *s);

#endif /* CLONEGATE_EVSINK_H */
