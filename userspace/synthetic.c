// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * clonegate events --synthetic N: the collector's own ceiling. No BPF: ten
 * made-up records (7 clone, 1 each decision, unshare, setns; every context
 * field set, a containerd-like cgroup path) go round N times through
 * reader_record(), the path every real record takes after the ring buffer:
 * decode, format, count, write. The time per event is what the collector
 * costs beside the kernel; what it leaves out is libbpf's ring-buffer walk
 * (a few loads and one store per record).
 *
 * It lives apart from the reader so that the reader holds nothing that
 * exists only for a benchmark.
 */
#include <errno.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <clonegate/events.h>
#include <clonegate/tables.h>

#include "diag.h"
#include "ev_reader.h"
#include "json.h"
#include "sink.h"
#include "synthetic.h"

union synth_rec {
	struct cg_event_clone clone;
	struct cg_event_decision decision;
	struct cg_event_unshare unshare;
	struct cg_event_setns setns;
};

/* A path record as the BPF walk writes it: components leaf first. */
static void synth_path(struct cg_event_path *p, const char *const *leaf_first, int n)
{
	int i;

	memset(p, 0, sizeof(*p));
	for (i = 0; i < n; i++) {
		size_t l = strlen(leaf_first[i]) + 1;

		memcpy(p->buf + p->len, leaf_first[i], l);
		p->len += l;
	}
	p->depth = n;
}

static void synth_ctx(struct cg_event_task *t, __u32 tid, __u32 fields)
{
	static const char *const cgroup[] = {
		"ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12",
		"kubepods-besteffort", "kubepods.slice"
	};
	static const char *const cwd[] = { "build", "src", "home" };

	memset(t, 0, sizeof(*t));
	t->tid = tid;
	t->tgid = tid - 3;
	t->parent_tgid = 1;
	t->start_time_ns = 1000000000ULL + tid;
	t->group_start_time_ns = 1000000000ULL;
	t->cgroup_id = 4242;
	t->creds = (struct cg_event_creds){ 1000, 1000, 1000, 1000, 1000, 1000 };
	t->fields = fields;
	strcpy(t->comm, "synthetic-work");
	synth_path(&t->cgroup, cgroup, 3);
	synth_path(&t->cwd, cwd, 3);
}

static long max_rss_kb(void)
{
	struct rusage ru;

	return getrusage(RUSAGE_SELF, &ru) ? 0 : ru.ru_maxrss;
}

/* The ten records: 7 in 10 clone, then one each decision, unshare, setns. */
static void synth_records(union synth_rec *rec, __u32 fields)
{
	int k;

	memset(rec, 0, 10 * sizeof(*rec));
	for (k = 0; k < 10; k++) {
		struct cg_event_hdr *h = &rec[k].clone.hdr;

		synth_ctx(&rec[k].clone.ctx, 100 + k, fields);
		h->cpu = k & 1;
		if (k < 7) {
			h->type = CG_EVENT_CLONE;
			h->size = sizeof(rec[k].clone);
			rec[k].clone.created_tid = 200 + k;
			rec[k].clone.created_tgid = k < 4 ? 200 + k : 100 + k;
			rec[k].clone.created_start_time_ns = 2000000000ULL + k;
			rec[k].clone.flags = k < 4 ? 0x1200000 : 0x3d0f00;
		} else if (k == 7) {
			h->type = CG_EVENT_DECISION;
			h->size = sizeof(rec[k].decision);
			rec[k].decision.entry_point = CG_ENTRY_CLONE3;
			rec[k].decision.rule = CG_RULE_C3;
			rec[k].decision.mode = CG_MODE_ENFORCE;
			rec[k].decision.err = ENOTSUP;
			rec[k].decision.flags = 0x3d0f00;
			rec[k].decision.scope_cgroup_id = 4242;
		} else if (k == 8) {
			h->type = CG_EVENT_UNSHARE;
			h->size = sizeof(rec[k].unshare);
			rec[k].unshare.entry_point = CG_ENTRY_UNSHARE;
			rec[k].unshare.flags = 0x10000000;
			rec[k].unshare.result = -EPERM;
		} else {
			h->type = CG_EVENT_SETNS;
			h->size = sizeof(rec[k].setns);
			rec[k].setns.entry_point = CG_ENTRY_SETNS;
			rec[k].setns.fd = 3;
			rec[k].setns.nstype = 0x4000000;
			rec[k].setns.ns_type = 0x4000000;
		}
	}
}

/* "clonegate: synthetic: ..." on stderr, or its JSON object. */
static void synth_report(const struct reader *r, unsigned long long n, long long ns)
{
	double secs = ns / 1e9;

	if (json_output) {
		jw_set_output(stderr, true);
		jw_begin_object(NULL);
		jw_string("type", "synthetic");
		jw_u64("events", n);
		jw_u64("ns", ns);
		jw_u64("events_per_s", secs > 0 ? (unsigned long long)(n / secs) : 0);
		jw_u64("max_rss_kb", max_rss_kb());
		jw_end_object();
		jw_end_line();
		jw_set_output(r->out, false);
	} else {
		fprintf(stderr, "clonegate: synthetic: %llu events in %.3f s, %.0f events/s, peak RSS %ld KiB\n",
			n, secs, secs > 0 ? n / secs : 0, max_rss_kb());
	}
}

int synthetic_run(struct reader *r, unsigned long long n, __u32 fields)
{
	union synth_rec rec[10];
	long long t0, t1;
	unsigned long long i;
	int k;

	synth_records(rec, fields);
	r->realtime_off = ev_realtime_offset();
	if (r->out && !json_output)
		text_print_header(r->out);
	t0 = ev_clock_ns(CLOCK_MONOTONIC);
	for (i = 0; i < n && !reader_stop; i++) {
		k = i % 10;
		rec[k].clone.hdr.time_ns = 3000000000ULL + i;
		rec[k].clone.ctx.tid = 100 + (__u32)(i % 30000);
		if (reader_record(r, &rec[k], rec[k].clone.hdr.size) || r->failed)
			return EXIT_FAIL;
		/* As the poll loop does: flush after a batch. */
		if (i % 256 == 255 && !reader_flush(r))
			return EXIT_FAIL;
	}
	if (!reader_flush(r))
		return EXIT_FAIL;
	t1 = ev_clock_ns(CLOCK_MONOTONIC);
	reader_summary(r);
	synth_report(r, i, t1 - t0);
	return i == n ? EXIT_OK : EXIT_FAIL;
}
