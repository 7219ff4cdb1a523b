// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * ev_reader: read the clone_events ring buffer and hand each event to the
 * sinks (text or JSON lines on stdout or a file, gVisor's remote protocol
 * on a unix socket) until --count, --duration, SIGINT or SIGTERM.
 *
 * Data flows one way: the kernel never waits for us. When we fall behind,
 * the ring buffer fills and the BPF side counts what it could not write, by
 * type; when a sink falls behind, it drops and we count, by type. Both are
 * reported at the end, and the gVisor header carries their running sum.
 *
 * Accounting: every event decoded is counted once as produced
 * (reader.events), and once per sink as delivered (handed to the output;
 * sent on the gVisor socket) or dropped (gVisor: socket full, or the server
 * gone while the sink reconnects), so the summary adds up per sink. A gVisor
 * server that goes away ends nothing: the other sinks go on and the gVisor
 * sink reconnects (sink_gvisor.c), unless --gvisor-exit-on-error.
 *
 * The counting and the summary live here, not in the sinks, so that each
 * sink is counted the same way and a sink never calls back into the reader.
 */
#include <errno.h>
#include <malloc.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bpf/libbpf.h>

#include "ctl.h"
#include "diag.h"
#include "ev_reader.h"
#include "json.h"
#include "lsm_readers.h"
#include "names.h"
#include "sink.h"
#include "skel.h"

#define POLL_MS			100
#define RESYNC_NS		1000000000LL	/* clock offset, module check */
#define RESYNC_SLACK_NS		1000000LL	/* see the loop */
#define DROPS_NS		10000000LL	/* re-read kernel drops for the header */

volatile sig_atomic_t reader_stop;

static void on_signal(int sig)
{
	(void)sig;
	reader_stop = 1;
}

void reader_catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART: let poll return */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static __u32 dropped_total(const struct reader *r)
{
	return (__u32)(r->kernel_dropped_total + r->sink_dropped_total);
}

/*
 * The gVisor sink's part of one event: counted exactly once, delivered or
 * dropped. False when the connection broke and --gvisor-exit-on-error.
 */
static bool gvisor_deliver(struct reader *r, const struct ev *ev)
{
	enum gvisor_send_result res = gvisor_sink_send(r->gvisor, ev, dropped_total(r));

	if (res == GV_SENT) {
		r->gv_delivered[ev->type]++;
		return true;
	}
	r->sink_dropped[ev->type]++;
	r->sink_dropped_total++;
	if (res == GV_DROPPED)
		r->gv_dropped_full++;
	else
		r->gv_dropped_down++;
	return res != GV_ERROR || !r->gv_exit_on_error;
}

int reader_record(void *ctx, void *data, size_t len)
{
	struct reader *r = ctx;
	struct ev *ev = &r->ev;

	if (r->done)
		return 0;
	/* Skip what this build cannot read rather than misread it. */
	if (!ev_decode(ev, data, len, r->realtime_off)) {
		r->skipped++;
		return 0;
	}
	/* The BPF backend's decisions carry a fixed set: keep those asked for. */
	ev->ctx.fields &= r->fields;
	r->events[ev->type]++;
	if (r->out) {
		if (json_output)
			json_print_event(ev);
		else
			text_print_event(r->out, ev);
		r->out_delivered[ev->type]++;
	}
	if (r->gvisor && !gvisor_deliver(r, ev)) {
		r->failed = true;
		return -1;	/* stops ring_buffer__poll() */
	}
	r->handled++;
	if (r->max_count && r->handled >= r->max_count)
		r->done = true;
	return 0;
}

/* The kernel's drop counts, for the summary and the gVisor header. */
static void read_dropped(const struct clone_events_bpf *skel, struct reader *r)
{
	unsigned long long total = 0;
	int i;

	for (i = 0; i < CG_EVENT_MAX; i++) {
		skel_dropped(skel, i, &r->kernel_dropped[i]);
		if (i == CG_EVENT_DECISION && r->lsm)
			r->kernel_dropped[i] += lsm_readers_lost(r->lsm);
		total += r->kernel_dropped[i];
	}
	r->kernel_dropped_total = total;
}

bool reader_flush(struct reader *r)
{
	if (!r->out)
		return true;
	if (json_output)
		jw_flush();
	if (fflush(r->out) == 0 && !ferror(r->out))
		return true;
	if (errno == ENOSPC)
		p_err("writing events to %s: no space left on device; stopping", r->out_name);
	else if (errno == EPIPE)
		return false;	/* the reader went away: stop quietly */
	else
		p_err("writing events to %s: %s; stopping", r->out_name, strerror(errno));
	r->failed = true;
	return false;
}

static void print_counts(const char *key, const unsigned long long *n)
{
	int i;

	jw_begin_object(key);
	for (i = CG_EVENT_CLONE; i < CG_EVENT_MAX; i++)
		jw_u64(ev_type_name(i), n[i]);
	jw_end_object();
}

/* "<what> (clone N, decision N, ...)"; what is a format for 'arg'. */
static void text_counts(const char *what, const unsigned long long *n, unsigned long long arg)
{
	const char *sep = "";
	int i;

	fprintf(stderr, what, arg);
	fputs(" (", stderr);
	for (i = CG_EVENT_CLONE; i < CG_EVENT_MAX; i++) {
		fprintf(stderr, "%s%s %llu", sep, ev_type_name(i), n[i]);
		sep = ", ";
	}
	fputc(')', stderr);
}

static unsigned long long sum_counts(const unsigned long long *n)
{
	unsigned long long total = 0;
	int i;

	for (i = 0; i < CG_EVENT_MAX; i++)
		total += n[i];
	return total;
}

/*
 * The sinks' part of the JSON summary: per sink, delivered + dropped =
 * "events", type by type. "dropped_sink" (before it) is gvisor.dropped,
 * kept for readers of older versions.
 */
static void print_sinks_json(const struct reader *r)
{
	static const unsigned long long none[CG_EVENT_SLOTS];

	jw_begin_object("sinks");
	if (r->out) {
		jw_begin_object("output");
		print_counts("delivered", r->out_delivered);
		print_counts("dropped", none);
		jw_end_object();
	}
	if (r->gvisor) {
		jw_begin_object("gvisor");
		print_counts("delivered", r->gv_delivered);
		print_counts("dropped", r->sink_dropped);
		jw_u64("dropped_full", r->gv_dropped_full);
		jw_u64("dropped_disconnected", r->gv_dropped_down);
		jw_u64("reconnects", gvisor_sink_reconnects(r->gvisor));
		jw_end_object();
	}
	jw_end_object();
}

void reader_summary(const struct reader *r)
{
	unsigned long long total = sum_counts(r->events), n;

	if (json_output) {
		jw_set_output(stderr, true);
		jw_begin_object(NULL);
		jw_string("type", "summary");
		print_counts("events", r->events);
		print_counts("dropped_kernel", r->kernel_dropped);
		print_counts("dropped_sink", r->sink_dropped);
		jw_u64("skipped", r->skipped);
		print_sinks_json(r);
		jw_end_object();
		jw_end_line();
		jw_set_output(r->out, false);
		return;
	}
	text_counts(total == 1 ? "clonegate: 1 event" : "clonegate: %llu events", r->events, total);
	fprintf(stderr, "; lost: %llu in the kernel", r->kernel_dropped_total);
	if (r->kernel_dropped_total)
		text_counts(" ring buffer full", r->kernel_dropped, 0);
	if (r->out)
		fprintf(stderr, "; %s: %llu written", r->out_name, sum_counts(r->out_delivered));
	if (r->gvisor) {
		fprintf(stderr, "; gVisor endpoint: %llu delivered, ", sum_counts(r->gv_delivered));
		text_counts("%llu dropped", r->sink_dropped, r->sink_dropped_total);
		if (r->sink_dropped_total)
			fprintf(stderr, ": %llu socket full, %llu disconnected", r->gv_dropped_full,
				r->gv_dropped_down);
		n = gvisor_sink_reconnects(r->gvisor);
		fprintf(stderr, ", %llu reconnect%s", n, n == 1 ? "" : "s");
	}
	if (r->skipped)
		fprintf(stderr, "; %llu skipped (unknown records: rebuild clonegate)", r->skipped);
	fputc('\n', stderr);
}

/* skel's ring buffer and the BPF backend's rings, in one; NULL (reported) on failure. */
static struct ring_buffer *open_rings(struct reader *r, struct clone_events_bpf *skel)
{
	struct ring_buffer *rb;
	int err;

	rb = ring_buffer__new(skel_events_fd(skel), reader_record, r, NULL);
	if (!rb) {
		skel_report_error("opening the ring buffer", errno);
		return NULL;
	}
	err = r->lsm ? lsm_readers_add(r->lsm, rb, reader_record, r) : 0;
	if (!err)
		return rb;
	skel_report_error("opening the BPF backend's ring buffers", -err);
	ring_buffer__free(rb);
	return NULL;
}

/*
 * Follow the BPF backend's instances: when they changed, what the old
 * rings hold is taken first (their mappings outlive the fds the sync
 * closed), then *rb is rebuilt. False (reported) if it cannot be.
 */
static bool follow_instances(struct reader *r, struct clone_events_bpf *skel,
			     struct ring_buffer **rb)
{
	struct ring_buffer *nrb;

	if (!r->lsm || lsm_readers_sync(r->lsm) <= 0)
		return true;	/* no change, or not listable now: try again later */
	ring_buffer__consume(*rb);
	nrb = open_rings(r, skel);
	if (!nrb)
		return false;
	ring_buffer__free(*rb);
	*rb = nrb;
	return true;
}

/*
 * Poll until done. Every RESYNC_NS: follow the clock, attach to the
 * module's tracepoint if it was loaded since, and follow the BPF
 * backend's instances. Every DROPS_NS with a gVisor
 * sink: the kernel's drop counts, which its header carries.
 */
static int poll_loop(struct reader *r, struct clone_events_bpf *skel, struct ring_buffer **rbp,
		     bool decisions)
{
	long long deadline = 0, now, next_resync, next_drops = 0;
	int err, ret = EXIT_OK;

	now = ev_clock_ns(CLOCK_MONOTONIC);
	next_resync = now + RESYNC_NS;
	if (r->duration_s)
		deadline = now + (long long)r->duration_s * 1000000000LL;
	while (!reader_stop && !r->done) {
		int timeout = POLL_MS;

		now = ev_clock_ns(CLOCK_MONOTONIC);
		if (deadline) {
			if (deadline - now <= 0)
				break;
			if ((deadline - now) / 1000000 < POLL_MS)
				timeout = (deadline - now) / 1000000 + 1;
		}
		if (now >= next_resync) {
			long long off = ev_realtime_offset();

			/*
			 * Follow clock steps, not sampling jitter: a task's start
			 * time must convert to the same value in every event.
			 */
			if (llabs(off - r->realtime_off) > RESYNC_SLACK_NS)
				r->realtime_off = off;
			if (!decisions)
				decisions = skel_attach_decisions(skel, true);
			if (!follow_instances(r, skel, rbp)) {
				ret = EXIT_FAIL;
				break;
			}
			next_resync = now + RESYNC_NS;
		}
		if (r->gvisor && now >= next_drops) {
			read_dropped(skel, r);
			next_drops = now + DROPS_NS;
		}
		if (r->gvisor)
			gvisor_sink_tick(r->gvisor);	/* hangups, reconnecting */
		/*
		 * The BPF side wakes us only when a burst fills an eighth of the
		 * ring; otherwise the timeout does, and we take what is there.
		 */
		err = ring_buffer__poll(*rbp, timeout);
		if (err >= 0 && !r->failed && !r->done)
			err = ring_buffer__consume(*rbp);
		if (r->failed || !reader_flush(r)) {
			ret = r->failed ? EXIT_FAIL : EXIT_OK;
			break;
		}
		if (err == -EINTR)
			continue;
		if (err < 0) {
			p_err("reading the ring buffer: %s", strerror(-err));
			ret = EXIT_FAIL;
			break;
		}
	}
	return ret;
}

int reader_run(struct reader *r, struct clone_events_bpf *skel)
{
	struct ring_buffer *rb;
	bool decisions;
	int ret;

	r->realtime_off = ev_realtime_offset();
	/* The BPF backend's instances first: "ready" means their decisions are read too. */
	if (r->lsm && lsm_readers_sync(r->lsm) < 0)
		p_info("cannot list the BPF backend's policies now; trying again every second");
	rb = open_rings(r, skel);
	if (!rb)
		return EXIT_FAIL;
	decisions = skel_attach_decisions(skel, false);
	if (!decisions && !ctl_module_loaded() && !(r->lsm && lsm_readers_count(r->lsm)))
		fprintf(stderr, "clonegate: neither the clonegate module nor a BPF backend policy is active: no decision events until one is\n");
	/*
	 * Loading parsed the kernel's BTF (megabytes, freed since); give the
	 * pages back, or a collector that runs for months keeps them.
	 */
	malloc_trim(0);
	fprintf(stderr, "clonegate: ready\n");

	if (r->out && !json_output) {
		text_print_header(r->out);
		if (!reader_flush(r)) {
			ring_buffer__free(rb);
			return EXIT_FAIL;
		}
	}
	ret = poll_loop(r, skel, &rb, decisions);
	/* What is already in the ring buffers was sent before we stopped: take it. */
	if (ret == EXIT_OK && !r->done) {
		ring_buffer__consume(rb);
		if (r->failed || !reader_flush(r))
			ret = EXIT_FAIL;
	}
	read_dropped(skel, r);
	reader_summary(r);
	ring_buffer__free(rb);
	return ret;
}
