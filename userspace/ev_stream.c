// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * ev_stream: the decision events 'clonegate run' summarizes, as a pull API.
 *
 * 'run' has its own poll loop (it waits for its command and for the
 * cgroup to empty), so the stream gives it an fd to poll and a consume
 * call, and hands each decoded event to a callback. Only the decision
 * program is loaded, and the kernel filters it to the run's cgroup: a
 * host's other tasks cost nothing. Lost events (ring buffer full, or a
 * record this build cannot read) are counted, not guessed at.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "ev_stream.h"
#include "skel.h"

struct ev_stream {
	struct clone_events_bpf *skel;
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

struct ev_stream *ev_stream_open(int cgfd, ev_stream_cb cb, void *ctx, char *why, size_t len)
{
	struct ev_stream *s = calloc(1, sizeof(*s));

	if (!s) {
		snprintf(why, len, "out of memory");
		return NULL;
	}
	s->cb = cb;
	s->ctx = ctx;
	s->skel = skel_load_decisions(cgfd, why, len);
	if (!s->skel)
		goto fail;
	s->realtime_off = ev_realtime_offset();
	s->rb = ring_buffer__new(skel_events_fd(s->skel), stream_record, s, NULL);
	if (!s->rb) {
		snprintf(why, len, "opening the ring buffer: %s", strerror(errno));
		goto fail;
	}
	return s;
fail:
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

	skel_dropped(s->skel, CG_EVENT_DECISION, &sum);
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
