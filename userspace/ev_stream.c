// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * ev_stream: the decision events 'clonegate run' summarizes, as a pull API.
 *
 * 'run' has its own poll loop (it waits for its command and for the
 * cgroup to empty), so the stream gives it an fd to poll and a consume
 * call, and hands each decoded event to a callback. With the module,
 * only the decision program is loaded, and the kernel filters it to the
 * run's cgroup: a host's other tasks cost nothing. With the BPF backend,
 * its own programs write the decisions to a ring buffer of their own, and
 * the stream reads that (ev_stream_open_rb()). Lost events (ring buffer
 * full, or a record this build cannot read) are counted, not guessed at.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "ev_stream.h"
#include "skel.h"

struct ev_stream {
	struct clone_events_bpf *skel;		/* the module's decisions, or NULL */
	ev_stream_lost_fn lost;			/* the ring buffer's losses, without skel */
	void *lost_ctx;
	struct ring_buffer *rb;
	long long realtime_off;
	ev_stream_cb cb;
	void *ctx;
	unsigned long long skipped;
	struct ev ev;
};

static int stream_record(void *ctx, void *data, size_t len)
{
	struct ev_stream *s = ctx;

	if (!ev_decode(&s->ev, data, len, s->realtime_off)) {
		s->skipped++;
		return 0;
	}
	s->cb(&s->ev, s->ctx);
	return 0;
}

static struct ev_stream *stream_new(ev_stream_cb cb, void *ctx, char *why, size_t len)
{
	struct ev_stream *s = calloc(1, sizeof(*s));

	if (!s) {
		snprintf(why, len, "out of memory");
		return NULL;
	}
	s->cb = cb;
	s->ctx = ctx;
	s->realtime_off = ev_realtime_offset();
	return s;
}

/* Read ring buffer rb_fd; 0, or -1 with why set. */
static int stream_read(struct ev_stream *s, int rb_fd, char *why, size_t len)
{
	s->rb = ring_buffer__new(rb_fd, stream_record, s, NULL);
	if (s->rb)
		return 0;
	snprintf(why, len, "opening the ring buffer: %s", strerror(errno));
	return -1;
}

struct ev_stream *ev_stream_open(int cgfd, ev_stream_cb cb, void *ctx, char *why, size_t len)
{
	struct ev_stream *s = stream_new(cb, ctx, why, len);

	if (!s)
		return NULL;
	s->skel = skel_load_decisions(cgfd, why, len);
	if (s->skel && !stream_read(s, skel_events_fd(s->skel), why, len))
		return s;
	ev_stream_close(s);
	return NULL;
}

struct ev_stream *ev_stream_open_rb(int rb_fd, ev_stream_lost_fn lost, void *lost_ctx,
				    ev_stream_cb cb, void *ctx, char *why, size_t len)
{
	struct ev_stream *s = stream_new(cb, ctx, why, len);

	if (!s)
		return NULL;
	s->lost = lost;
	s->lost_ctx = lost_ctx;
	if (!stream_read(s, rb_fd, why, len))
		return s;
	ev_stream_close(s);
	return NULL;
}

int ev_stream_fd(const struct ev_stream *s)
{
	return ring_buffer__epoll_fd(s->rb);
}

int ev_stream_consume(struct ev_stream *s)
{
	int n = ring_buffer__consume(s->rb);

	return n < 0 ? n : 0;
}

unsigned long long ev_stream_lost(struct ev_stream *s)
{
	unsigned long long sum = 0;

	if (s->skel)
		skel_dropped(s->skel, CG_EVENT_DECISION, &sum);
	else if (s->lost)
		sum = s->lost(s->lost_ctx);
	return sum + s->skipped;
}

void ev_stream_close(struct ev_stream *s)
{
	if (!s)
		return;
	ring_buffer__free(s->rb);
	skel_destroy(s->skel);
	free(s);
}
