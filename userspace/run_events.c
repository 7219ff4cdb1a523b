// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * run_events: the decision events of a run's cgroup, as they come.
 *
 * Each one is written out if --events asked (the JSON sink), counted as
 * refused, audited or dropped unshare bits, and folded into one row per
 * kind of call: same rule, entry point, mode, flags and errno, with a
 * count and the first process that made it. MAX_KINDS rows at most; what
 * does not fit is counted (r->other) and reported as lost detail.
 *
 * run_poll() is how the run waits (for CMD, for the cgroup to empty)
 * without letting events pile up in the ring buffer meanwhile.
 */
#include <poll.h>
#include <string.h>

#include <clonegate/tables.h>

#include "ev_stream.h"
#include "run.h"
#include "sink.h"

void run_on_event(const struct ev *ev, void *ctx)
{
	struct run *r = ctx;
	const __u32 *d_rule = &ev->decision.rule;
	struct kind *k = NULL;
	unsigned int i;

	if (ev->type != CG_EVENT_DECISION)
		return;
	if (r->events_out && !r->events_failed) {
		json_print_event(ev);
		if (ferror(r->events_out))
			r->events_failed = true;
	}
	if (*d_rule == CG_RULE_UDROP)
		r->dropped++;
	else if (ev->decision.mode == CG_MODE_ENFORCE)
		r->refused++;
	else
		r->audited++;

	for (i = 0; i < r->nkinds; i++) {
		k = &r->kinds[i];
		if (k->rule == ev->decision.rule && k->entry == ev->decision.entry_point &&
		    k->mode == ev->decision.mode && k->flags == ev->decision.flags &&
		    k->err == ev->decision.err)
			break;
	}
	if (i == r->nkinds) {
		if (r->nkinds == MAX_KINDS) {
			r->other++;
			return;
		}
		k = &r->kinds[r->nkinds++];
		memset(k, 0, sizeof(*k));
		k->rule = ev->decision.rule;
		k->entry = ev->decision.entry_point;
		k->mode = ev->decision.mode;
		k->err = ev->decision.err;
		k->flags = ev->decision.flags;
		k->first_pid = ev->ctx.tgid;
		memcpy(k->first_comm, ev->ctx.process_name, sizeof(k->first_comm));
	}
	k->count++;
}

int run_poll(struct run *r, int fd, short events, int timeout_ms, short *revents)
{
	struct pollfd pfd[2] = {
		{ .fd = fd, .events = events },
		{ .fd = r->stream ? ev_stream_fd(r->stream) : -1, .events = POLLIN },
	};
	int n = poll(pfd, 2, timeout_ms);

	if (r->stream)
		ev_stream_consume(r->stream);
	if (revents)
		*revents = pfd[0].revents;
	return n;
}
