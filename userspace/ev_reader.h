/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * ev_reader: from the ring buffer to the sinks, with the accounting
 * (see ev_reader.c). 'clonegate events' fills in the configuration and
 * calls reader_run(); --synthetic feeds reader_record() itself.
 */
#ifndef CLONEGATE_EV_READER_H
#define CLONEGATE_EV_READER_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <clonegate/events.h>

#include "ev.h"

struct clone_events_bpf;
struct gvisor_sink;
struct lsm_readers;

struct reader {
	/* configuration */
	unsigned long long max_count;	/* 0: no limit */
	unsigned long long duration_s;	/* 0: no limit */
	FILE *out;			/* text or JSON lines; NULL: none */
	const char *out_name;
	struct gvisor_sink *gvisor;
	bool gv_exit_on_error;
	__u32 fields;			/* CG_FIELD_BIT()s to pass on */
	struct lsm_readers *lsm;	/* the BPF backend's decisions; NULL: none */
	/* state */
	long long realtime_off;		/* CLOCK_REALTIME - CLOCK_MONOTONIC */
	unsigned long long handled;
	unsigned long long events[CG_EVENT_SLOTS];
	unsigned long long kernel_dropped[CG_EVENT_SLOTS];
	unsigned long long sink_dropped[CG_EVENT_SLOTS];	/* gVisor sink */
	unsigned long long kernel_dropped_total;
	unsigned long long sink_dropped_total;
	/* Per sink: delivered by type; gVisor drops by cause. */
	unsigned long long out_delivered[CG_EVENT_SLOTS];
	unsigned long long gv_delivered[CG_EVENT_SLOTS];
	unsigned long long gv_dropped_full;
	unsigned long long gv_dropped_down;
	unsigned long long skipped;	/* records of unknown type or size */
	bool done;
	bool failed;			/* a sink failed (reported) */
	struct ev ev;
};

/* Set by SIGINT and SIGTERM once reader_catch_signals() was called. */
extern volatile sig_atomic_t reader_stop;
void reader_catch_signals(void);

/* One record, decoded and handed to every sink; ring_buffer_sample_fn. */
int reader_record(void *ctx, void *data, size_t len);

/* Flush the line sink; false (reported) when the output cannot be written. */
bool reader_flush(struct reader *r);

/* The counts at the end, on stderr (text, or JSON with --json). */
void reader_summary(const struct reader *r);

/*
 * Read skel's ring buffer, and r->lsm's rings as the BPF backend's
 * instances come and go, until max_count, duration_s, reader_stop or a
 * failed sink, then print the summary. Returns an EXIT_* code.
 */
int reader_run(struct reader *r, struct clone_events_bpf *skel);

#endif /* CLONEGATE_EV_READER_H */
