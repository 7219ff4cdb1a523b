/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * sinks: where decoded events (ev.h) go, one file each. sink_text.c and
 * sink_json.c write lines to a FILE; sink_gvisor.c speaks gVisor's remote
 * sink protocol. They only format and send: counting what each delivered
 * or dropped is the reader's job (ev_reader.c), so every sink is counted
 * the same way.
 */
#ifndef CLONEGATE_SINK_H
#define CLONEGATE_SINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <linux/types.h>

#include "ev.h"

/* sink_text.c: a header line, then one line per event. */
void text_print_header(FILE *f);
void text_print_event(FILE *f, const struct ev *ev);

/* sink_json.c: one JSON object (one line) per event, through json.c. */
void json_print_event(const struct ev *ev);

/* sink_gvisor.c: gVisor's remote sink protocol on a SOCK_SEQPACKET socket. */
struct gvisor_sink;

/* Message types on gVisor's wire (header.message_type). */
#define GV_MSG_SENTRY_CLONE	2	/* gvisor.sentry.CloneInfo */
#define CG_MSG_DECISION		1000	/* clonegate.Decision */
#define CG_MSG_UNSHARE		1001	/* clonegate.Unshare */
#define CG_MSG_SETNS		1002	/* clonegate.Setns */

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
 * sink_gvisor_msg.c: the protobuf message for ev, packed at out (room for
 * GV_MSG_MAX bytes); its length, and its message type in *type (0: none,
 * when the event has no message or it would not fit).
 */
#define GV_MSG_MAX		8192	/* our messages stay far below */
size_t gvisor_pack_event(const struct ev *ev, uint8_t *out, __u16 *type);

/*
 * Call often (each poll loop turn): notices a hangup between events, and
 * drives reconnection (connect, handshake) without ever waiting.
 */
void gvisor_sink_tick(struct gvisor_sink *s);
unsigned long long gvisor_sink_reconnects(const struct gvisor_sink *s);
void gvisor_sink_close(struct gvisor_sink *s);

#endif /* CLONEGATE_SINK_H */
