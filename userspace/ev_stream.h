/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * ev_stream: decision events of the tasks in one cgroup v2 subtree, for
 * 'clonegate run' (see ev_stream.c).
 */
#ifndef CLONEGATE_EV_STREAM_H
#define CLONEGATE_EV_STREAM_H

#include <stddef.h>

#include "ev.h"

struct ev_stream;
typedef void (*ev_stream_cb)(const struct ev *ev, void *ctx);

/*
 * Load the decision program filtered to cgfd's subtree. On failure returns
 * NULL with the reason in why (nothing printed). cb gets each decoded event
 * from ev_stream_consume().
 */
struct ev_stream *ev_stream_open(int cgfd, ev_stream_cb cb, void *ctx, char *why, size_t len);
/*
 * The same from a ring buffer of decision records someone else writes (the
 * BPF backend's): lost(lost_ctx) says how many it had no room for.
 */
typedef unsigned long long (*ev_stream_lost_fn)(void *lost_ctx);
struct ev_stream *ev_stream_open_rb(int rb_fd, ev_stream_lost_fn lost, void *lost_ctx,
				    ev_stream_cb cb, void *ctx, char *why, size_t len);

int ev_stream_fd(const struct ev_stream *s);		/* poll it for data */
int ev_stream_consume(struct ev_stream *s);		/* 0 or -errno */
unsigned long long ev_stream_lost(struct ev_stream *s);	/* decisions not delivered */
void ev_stream_close(struct ev_stream *s);

#endif /* CLONEGATE_EV_STREAM_H */
