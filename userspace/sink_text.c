// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The text sink: one line per event for a person at a terminal, under a
 * header of column names. Times are local wall-clock time to the
 * microsecond; the details column is the event's own (flags by name,
 * the decision's rule and errno, a call's result), and the context fields
 * a person most often wants (uid, cwd, container) follow when collected.
 * Machines should read the JSON sink instead: this format may change.
 */
#include <string.h>
#include <time.h>

#include <clonegate/tables.h>

#include "names.h"
#include "sink.h"

void text_print_header(FILE *f)
{
	fprintf(f, "%-15s %-8s %-16s %7s %7s  %s\n", "TIME", "EVENT", "COMM", "PID", "TID",
		"DETAILS");
}

void text_print_event(FILE *f, const struct ev *ev)
{
	const struct ev_ctx *c = &ev->ctx;
	time_t secs = c->time_ns / 1000000000LL;
	char hms[16] = "??:??:??", fl[256], b1[32], b2[32], b3[32];
	struct tm tm;

	if (localtime_r(&secs, &tm))
		strftime(hms, sizeof(hms), "%H:%M:%S", &tm);
	fprintf(f, "%s.%06lld %-8s %-16s %7u %7u  ", hms, (c->time_ns % 1000000000LL) / 1000,
		ev_type_name(ev->type), c->process_name, c->tgid, c->tid);
	switch (ev->type) {
	case CG_EVENT_CLONE:
		ev_flag_names(ev->clone.flags, fl, sizeof(fl));
		fprintf(f, "-> %u %u flags=%s", ev->clone.tgid, ev->clone.tid, fl);
		break;
	case CG_EVENT_DECISION:
		ev_flag_names(ev->decision.flags, fl, sizeof(fl));
		fprintf(f, "%s %s rule=%s errno=%s flags=%s",
			mode_name(ev->decision.mode, b1, sizeof(b1)),
			entry_name(ev->decision.entry_point, b2, sizeof(b2)),
			rule_name(ev->decision.rule, b3, sizeof(b3)),
			errno_name(ev->decision.err), fl);
		break;
	case CG_EVENT_UNSHARE:
		ev_flag_names(ev->unshare.flags, fl, sizeof(fl));
		fprintf(f, "%s flags=%s = %d%s%s",
			entry_name(ev->unshare.entry_point, b1, sizeof(b1)), fl,
			ev->unshare.result, ev->unshare.result < 0 ? " " : "",
			ev->unshare.result < 0 ? errno_name(-ev->unshare.result) : "");
		break;
	case CG_EVENT_SETNS: {
		const char *ns = ev_ns_name(ev->setns.ns_type);

		fprintf(f, "%s fd=%d (%s) nstype=0x%x = %d%s%s",
			entry_name(ev->setns.entry_point, b1, sizeof(b1)), ev->setns.fd,
			ns && *ns ? ns : "not a namespace", ev->setns.nstype, ev->setns.result,
			ev->setns.result < 0 ? " " : "",
			ev->setns.result < 0 ? errno_name(-ev->setns.result) : "");
		break;
	}
	}
	if (c->fields & CG_FIELD_BIT(CG_FIELD_CREDENTIALS))
		fprintf(f, " uid=%u", c->creds.euid);
	if (c->fields & CG_FIELD_BIT(CG_FIELD_CWD))
		fprintf(f, " cwd=%s", c->cwd);
	if ((c->fields & CG_FIELD_BIT(CG_FIELD_CONTAINER_ID)) && strcmp(c->container_id, "/"))
		fprintf(f, " container=%s", c->container_id);
	fputc('\n', f);
}
