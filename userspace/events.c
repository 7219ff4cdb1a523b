// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * clonegate events: load the clone_events BPF programs, read their ring
 * buffer, and hand each event to the sinks (text or JSON lines on stdout or
 * a file, gVisor's remote protocol on a unix socket) until --count,
 * --duration, SIGINT or SIGTERM.
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
 * Decision events come from the module's clonegate:clonegate_decision
 * tracepoint, attached when the module is loaded (now or later). While
 * attached, the kernel holds a reference on the module: it cannot be
 * unloaded until this command ends.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <clonegate/events.h>
#include <clonegate/tables.h>

#include "cgroup.h"
#include "clone_events.skel.h"
#include "evsink.h"
#include "json.h"
#include "main.h"

#define POLL_MS			100
#define RESYNC_NS		1000000000LL	/* clock offset, module check */
#define RESYNC_SLACK_NS		1000000LL	/* see the loop */
#define DROPS_NS		10000000LL	/* re-read kernel drops for the header */
#define KERNEL_BTF		"/sys/kernel/btf/vmlinux"
#define MODULE_DIR		"/sys/module/clonegate"
#define DEFAULT_RING_SIZE	(4U << 20)

static volatile sig_atomic_t stop;

/*
 * Context fields by name: gVisor's point-config names (as in its pod_init
 * config's "context_fields") and, as aliases, ContextData's field names.
 */
static const struct {
	const char *name;
	enum cg_field field;
} field_names[] = {
	{ "time", CG_FIELD_TIME },
	{ "thread_id", CG_FIELD_THREAD_ID },
	{ "task_start_time", CG_FIELD_THREAD_START_TIME },
	{ "group_id", CG_FIELD_THREAD_GROUP_ID },
	{ "thread_group_start_time", CG_FIELD_THREAD_GROUP_START_TIME },
	{ "container_id", CG_FIELD_CONTAINER_ID },
	{ "credentials", CG_FIELD_CREDENTIALS },
	{ "cwd", CG_FIELD_CWD },
	{ "process_name", CG_FIELD_PROCESS_NAME },
	{ "parent_thread_group_id", CG_FIELD_PARENT_THREAD_GROUP_ID },
	/* aliases */
	{ "time_ns", CG_FIELD_TIME },
	{ "thread_start_time_ns", CG_FIELD_THREAD_START_TIME },
	{ "thread_start_time", CG_FIELD_THREAD_START_TIME },
	{ "thread_group_id", CG_FIELD_THREAD_GROUP_ID },
	{ "thread_group_start_time_ns", CG_FIELD_THREAD_GROUP_START_TIME },
};

/* Everything but cwd: see the README's "Cost" section. */
#define DEFAULT_FIELDS	(CG_FIELDS_ALL & ~CG_FIELD_BIT(CG_FIELD_CWD))

struct reader {
	/* configuration */
	unsigned long long max_count;	/* 0: no limit */
	FILE *out;			/* text or JSON lines; NULL: none */
	const char *out_name;
	struct gvisor_sink *gvisor;
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
	bool gv_exit_on_error;
	unsigned long long skipped;	/* records of unknown type or size */
	bool done;
	bool failed;			/* a sink failed (reported) */
	struct ev ev;
};

static int events_help(void)
{
	unsigned int i, col;

	printf("Usage: clonegate events [--json] [--output FILE] [--gvisor-endpoint PATH]\n"
	       "                        [--fields LIST] [--count N] [--duration SEC]\n"
	       "                        [--cgroup PATH] [--ring-size BYTES]\n"
	       "                        [--probes auto|fentry|kprobe] [--synthetic N]\n"
	       "                        [--gvisor-reconnect-min MS] [--gvisor-reconnect-max MS]\n"
	       "                        [--gvisor-exit-on-error]\n"
	       "\n"
	       "Stream clone-family events from BPF programs until N events were handled,\n"
	       "SEC seconds passed, or SIGINT or SIGTERM:\n"
	       "\n"
	       "  clone     one per task created (fork, vfork, clone, clone3, threads\n"
	       "            included, x86-64 and ia32), in the parent, before the child\n"
	       "            runs: gVisor's CloneInfo (created_thread_id,\n"
	       "            created_thread_group_id, created_thread_start_time_ns, flags)\n"
	       "  decision  each refusal or audit of the clonegate module (entry_point,\n"
	       "            rule, mode, errorno, flags, scope_cgroup_id, profile); only\n"
	       "            while the module is loaded, which it then cannot be unloaded\n"
	       "  unshare   each unshare(2): entry_point, flags, result, errorno\n"
	       "  setns     each setns(2): entry_point, fd, nstype, fd_ns_type,\n"
	       "            fd_ns_name, result, errorno\n"
	       "\n"
	       "Each carries context_data for the calling task. Tasks created by kernel\n"
	       "threads are not reported. Ids are in the initial pid namespace, times\n"
	       "CLOCK_REALTIME nanoseconds. Needs root (CAP_BPF, CAP_PERFMON) and BTF.\n"
	       "\n"
	       "  --json                  one JSON object per line, named as gVisor's\n"
	       "                          protobuf fields, plus \"type\"; the summary at the\n"
	       "                          end goes to stderr as JSON too\n"
	       "  --output FILE           write the lines to FILE instead of stdout\n"
	       "  --gvisor-endpoint PATH  send every event to a gVisor monitoring server\n"
	       "                          (remote sink protocol, SOCK_SEQPACKET); stdout\n"
	       "                          then stays quiet unless --json or --output is given\n"
	       "  --gvisor-reconnect-min MS, --gvisor-reconnect-max MS\n"
	       "                          when the server goes away, reconnect after MS\n"
	       "                          (default %u), doubling up to the max (default %u)\n"
	       "                          between tries; events meanwhile are dropped and\n"
	       "                          counted, the other sinks go on\n"
	       "  --gvisor-exit-on-error  stop (exit status 2) when the server goes away\n"
	       "  --fields LIST           context fields to collect, comma-separated, or\n"
	       "                          'all' or 'none' (default: all but cwd):\n"
	       "                         ", GV_RECONNECT_MIN_MS, GV_RECONNECT_MAX_MS);
	for (i = 0, col = 25; i < CG_FIELD_MAX; i++) {
		if (col + 1 + strlen(field_names[i].name) > 78) {
			printf("\n                         ");
			col = 25;
		}
		col += printf(" %s", field_names[i].name);
	}
	printf("\n"
	       "                          (ContextData's names work too: time_ns,\n"
	       "                          thread_group_id, ...)\n"
	       "  --count N               stop after N events\n"
	       "  --duration SEC          stop after SEC seconds\n"
	       "  --cgroup PATH           only events of tasks in this cgroup v2 subtree\n"
	       "  --ring-size BYTES       kernel ring buffer size, a power of two of at\n"
	       "                          least 4096 (default %u)\n"
	       "  --probes KIND           how the BPF programs hook kernel functions:\n"
	       "                          fentry (BPF trampolines, cheapest), kprobe\n"
	       "                          (kernels that refuse trampolines), or auto\n"
	       "                          (default: fentry, else kprobe); -v says which\n"
	       "  --synthetic N           no BPF: pass N made-up records (7 in 10 clone,\n"
	       "                          1 each decision, unshare, setns; every context\n"
	       "                          field set) through the decoder and the sinks,\n"
	       "                          and report events/s: the collector's ceiling\n"
	       "\n"
	       "Message types on the gVisor endpoint (8-byte header, then protobuf):\n"
	       "  %4d  gvisor.sentry.CloneInfo  (gVisor's MESSAGE_SENTRY_CLONE)\n"
	       "  %4d  clonegate.Decision\n"
	       "  %4d  clonegate.Unshare\n"
	       "  %4d  clonegate.Setns\n"
	       "\n"
	       "stderr gets \"clonegate: ready\" once every probe is attached, and at the\n"
	       "end the events handled and lost per type: lost in the kernel (ring buffer\n"
	       "full; also an unshare/setns whose return was missed), and per sink the\n"
	       "events delivered and dropped (gVisor endpoint: socket full after retries,\n"
	       "or no server). The collector never slows a clone.\n",
	       DEFAULT_RING_SIZE, GV_MSG_SENTRY_CLONE, CG_MSG_DECISION, CG_MSG_UNSHARE,
	       CG_MSG_SETNS);
	return EXIT_OK;
}

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static long long clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* CLOCK_REALTIME - CLOCK_MONOTONIC, sampled tightly. */
static long long realtime_offset(void)
{
	long long m1 = clock_ns(CLOCK_MONOTONIC);
	long long r = clock_ns(CLOCK_REALTIME);
	long long m2 = clock_ns(CLOCK_MONOTONIC);

	return r - (m1 + (m2 - m1) / 2);
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list args)
{
	(void)level;
	/* We say what failed ourselves; --verbose adds libbpf's own words. */
	if (!verbose)
		return 0;
	return vfprintf(stderr, fmt, args);
}

/* ---- names -------------------------------------------------------------- */

const char *ev_type_name(unsigned int type)
{
	static const char *const names[CG_EVENT_MAX] = {
		[CG_EVENT_CLONE] = "clone", [CG_EVENT_DECISION] = "decision",
		[CG_EVENT_UNSHARE] = "unshare", [CG_EVENT_SETNS] = "setns",
	};

	return type < CG_EVENT_MAX ? names[type] : NULL;
}

const char *ev_ns_name(__u64 t)
{
	switch (t) {
	case 0:			return "";
	case CG_CLONE_NEWNS:	return "mnt";
	case CG_CLONE_NEWCGROUP: return "cgroup";
	case CG_CLONE_NEWUTS:	return "uts";
	case CG_CLONE_NEWIPC:	return "ipc";
	case CG_CLONE_NEWUSER:	return "user";
	case CG_CLONE_NEWPID:	return "pid";
	case CG_CLONE_NEWNET:	return "net";
	case CG_CLONE_NEWTIME:	return "time";
	}
	return NULL;
}

#define RECONNECT_MS_MAX	3600000U	/* an hour */

static bool parse_reconnect_ms(const char *arg, unsigned int *ms)
{
	unsigned long long v;

	if (!parse_u64(arg, &v) || !v || v > RECONNECT_MS_MAX)
		return false;
	*ms = v;
	return true;
}

static bool parse_fields(const char *arg, __u32 *out)
{
	char *copy = strdup(arg), *tok, *save = NULL;
	bool ok = copy != NULL;
	unsigned int i;

	*out = 0;
	for (tok = copy ? strtok_r(copy, ",", &save) : NULL; ok && tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (!strcmp(tok, "all")) {
			*out |= CG_FIELDS_ALL;
			continue;
		}
		if (!strcmp(tok, "none"))
			continue;
		for (i = 0; i < sizeof(field_names) / sizeof(field_names[0]); i++)
			if (!strcmp(tok, field_names[i].name))
				break;
		if (i == sizeof(field_names) / sizeof(field_names[0])) {
			usage_err("clonegate events", "unknown context field '%s' in --fields",
				  tok);
			ok = false;
		} else {
			*out |= CG_FIELD_BIT(field_names[i].field);
		}
	}
	free(copy);
	return ok;
}

/* ---- decoding ----------------------------------------------------------- */

/*
 * Join a path the BPF walk stored leaf first: "/a/b/c"; "/" for the root;
 * ".../b/c" when the walk stopped early; "(unreachable)/..." when the cwd is
 * outside the task's root (getcwd(3)'s marker).
 */
static void join_path(const struct cg_event_path *p, char *out, size_t cap)
{
	const char *comp[CG_PATH_DEPTH];
	size_t clen[CG_PATH_DEPTH];
	size_t len = p->len < CG_PATH_LEN ? p->len : CG_PATH_LEN, i = 0, o = 0;
	int n = 0, k;

	while (i < len && n < CG_PATH_DEPTH) {
		comp[n] = p->buf + i;
		clen[n] = strnlen(p->buf + i, len - i);
		i += clen[n] + 1;
		n++;
	}
	out[0] = '\0';
	if (p->flags & CG_PATH_UNREACHABLE)
		o = snprintf(out, cap, "(unreachable)");
	else if (p->flags & CG_PATH_TRUNCATED)
		o = snprintf(out, cap, "...");
	for (k = n - 1; k >= 0 && o + clen[k] + 2 <= cap; k--) {
		out[o++] = '/';
		memcpy(out + o, comp[k], clen[k]);
		o += clen[k];
	}
	if (o == 0)
		o = snprintf(out, cap, "/");
	out[o < cap ? o : cap - 1] = '\0';
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

static bool is_alnum(char c)
{
	return is_hex(c) || (c >= 'g' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/*
 * A container runtime's id in a cgroup path: the leaf-most component that
 * holds a run of exactly 64 lowercase hex digits standing alone between
 * non-alphanumerics, as in "/docker/<id>", "/kubepods/besteffort/pod.../<id>"
 * or "/system.slice/docker-<id>.scope", ".../cri-containerd-<id>.scope",
 * "crio-<id>.scope", "libpod-<id>.scope". NULL if there is none.
 */
const char *ev_container_id(const char *path, char *buf, size_t len)
{
	const char *end = path + strlen(path), *start, *p, *run;

	while (end > path) {
		start = end;
		while (start > path && start[-1] != '/')
			start--;
		for (p = start; p < end; p++) {
			if (!is_hex(*p) || (p > start && is_alnum(p[-1])))
				continue;
			for (run = p; run < end && is_hex(*run); run++)
				;
			if (run - p == EV_CONTAINER_ID_LEN && (run == end || !is_alnum(*run)) &&
			    len > EV_CONTAINER_ID_LEN) {
				memcpy(buf, p, EV_CONTAINER_ID_LEN);
				buf[EV_CONTAINER_ID_LEN] = '\0';
				return buf;
			}
			p = run;
		}
		end = start > path ? start - 1 : path;
	}
	return NULL;
}

/*
 * The cgroup path and the container id in it. Bursts of events come from
 * one cgroup, so the last answer is kept: the id search was an eighth of
 * the collector's time (clonegate events --synthetic, perf).
 */
static void decode_cgroup(struct ev_ctx *c, const struct cg_event_path *p)
{
	static struct cg_event_path last;
	static char last_path[EV_PATH_MAX], last_id[EV_PATH_MAX];
	static bool valid;
	size_t n = offsetof(struct cg_event_path, buf) + (p->len < CG_PATH_LEN ? p->len : CG_PATH_LEN);

	if (!valid || memcmp(&last, p, n)) {
		join_path(p, last_path, sizeof(last_path));
		if (!ev_container_id(last_path, last_id, sizeof(last_id)))
			strcpy(last_id, last_path);
		memcpy(&last, p, n);
		valid = true;
	}
	strcpy(c->cgroup_path, last_path);
	strcpy(c->container_id, last_id);
}

static void decode_ctx(struct ev_ctx *c, const struct cg_event_hdr *h,
		       const struct cg_event_task *t, long long off)
{
	c->fields = t->fields;
	c->time_ns = (long long)h->time_ns + off;
	c->tid = t->tid;
	c->tgid = t->tgid;
	c->parent_tgid = t->parent_tgid;
	c->thread_start_time_ns = (long long)t->start_time_ns + off;
	c->thread_group_start_time_ns = (long long)t->group_start_time_ns + off;
	c->cgroup_id = t->cgroup_id;
	c->creds = t->creds;
	memcpy(c->process_name, t->comm, CG_COMM_LEN);
	c->process_name[CG_COMM_LEN] = '\0';
	c->cwd[0] = c->cgroup_path[0] = c->container_id[0] = '\0';
	if (t->fields & CG_FIELD_BIT(CG_FIELD_CWD))
		join_path(&t->cwd, c->cwd, sizeof(c->cwd));
	if (t->fields & CG_FIELD_BIT(CG_FIELD_CONTAINER_ID))
		decode_cgroup(c, &t->cgroup);
}

/* Record -> ev. False for records this build cannot read (skipped). */
static bool decode(struct ev *ev, const void *data, size_t len, long long off)
{
	static const size_t min_size[CG_EVENT_MAX] = {
		[CG_EVENT_CLONE] = sizeof(struct cg_event_clone),
		[CG_EVENT_DECISION] = sizeof(struct cg_event_decision),
		[CG_EVENT_UNSHARE] = sizeof(struct cg_event_unshare),
		[CG_EVENT_SETNS] = sizeof(struct cg_event_setns),
	};
	const struct cg_event_hdr *h = data;

	if (len < sizeof(*h) || h->size > len || h->type == CG_EVENT_NONE ||
	    h->type >= CG_EVENT_MAX || h->size < min_size[h->type])
		return false;
	ev->type = h->type;
	switch (h->type) {
	case CG_EVENT_CLONE: {
		const struct cg_event_clone *e = data;

		decode_ctx(&ev->ctx, h, &e->ctx, off);
		ev->clone.tid = e->created_tid;
		ev->clone.tgid = e->created_tgid;
		ev->clone.start_time_ns = (long long)e->created_start_time_ns + off;
		ev->clone.flags = e->flags;
		ev->clone.flags_unknown = e->status & CG_CLONE_FLAGS_UNKNOWN;
		break;
	}
	case CG_EVENT_DECISION: {
		const struct cg_event_decision *e = data;

		decode_ctx(&ev->ctx, h, &e->ctx, off);
		ev->decision.entry_point = e->entry_point;
		ev->decision.rule = e->rule;
		ev->decision.mode = e->mode;
		ev->decision.profile = e->profile;
		ev->decision.err = e->err;
		ev->decision.flags = e->flags;
		ev->decision.scope_cgroup_id = e->scope_cgroup_id;
		break;
	}
	case CG_EVENT_UNSHARE: {
		const struct cg_event_unshare *e = data;

		decode_ctx(&ev->ctx, h, &e->ctx, off);
		ev->unshare.entry_point = e->entry_point;
		ev->unshare.result = e->result;
		ev->unshare.flags = e->flags;
		break;
	}
	case CG_EVENT_SETNS: {
		const struct cg_event_setns *e = data;

		decode_ctx(&ev->ctx, h, &e->ctx, off);
		ev->setns.entry_point = e->entry_point;
		ev->setns.result = e->result;
		ev->setns.fd = e->fd;
		ev->setns.nstype = e->nstype;
		ev->setns.ns_type = e->ns_type;
		break;
	}
	}
	return true;
}

/* ---- the text sink ------------------------------------------------------ */

void ev_flag_names(__u64 flags, char *buf, size_t len)
{
	size_t i, o = 0;

	buf[0] = '\0';
	for (i = 0; i < sizeof(cg_flag_names) / sizeof(cg_flag_names[0]); i++) {
		if (!(flags & cg_flag_names[i].flag))
			continue;
		flags &= ~cg_flag_names[i].flag;
		o += snprintf(buf + o, o < len ? len - o : 0, "%s%s", o ? "|" : "",
			      cg_flag_names[i].name);
	}
	if (flags)
		o += snprintf(buf + o, o < len ? len - o : 0, "%s0x%llx", o ? "|" : "",
			      (unsigned long long)flags);
	if (!o)
		snprintf(buf, len, "0");
}

static void print_text_header(FILE *f)
{
	fprintf(f, "%-15s %-8s %-16s %7s %7s  %s\n", "TIME", "EVENT", "COMM", "PID", "TID",
		"DETAILS");
}

static void print_text(FILE *f, const struct ev *ev)
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
		fprintf(f, "-> %u %u flags=%s", ev->clone.tgid, ev->clone.tid,
			ev->clone.flags_unknown ? "?" : fl);
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

/* ---- the reader --------------------------------------------------------- */

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

static int handle_record(void *ctx, void *data, size_t len)
{
	struct reader *r = ctx;
	struct ev *ev = &r->ev;

	if (r->done)
		return 0;
	/* Skip what this build cannot read rather than misread it. */
	if (!decode(ev, data, len, r->realtime_off)) {
		r->skipped++;
		return 0;
	}
	r->events[ev->type]++;
	if (r->out) {
		if (json_output)
			json_print_event(ev);
		else
			print_text(r->out, ev);
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

static void read_dropped(const struct clone_events_bpf *skel, struct reader *r)
{
	int i, cpu, ncpu = libbpf_num_possible_cpus();
	unsigned long long total = 0;
	__u64 *vals;
	__u32 key;

	if (ncpu <= 0)
		return;
	vals = calloc(ncpu, sizeof(*vals));
	if (!vals)
		return;
	for (i = 0; i < CG_EVENT_MAX; i++) {
		unsigned long long sum = 0;

		key = i;
		if (bpf_map__lookup_elem(skel->maps.dropped, &key, sizeof(key), vals,
					 ncpu * sizeof(*vals), 0))
			continue;
		for (cpu = 0; cpu < ncpu; cpu++)
			sum += vals[cpu];
		r->kernel_dropped[i] = sum;
		total += sum;
	}
	r->kernel_dropped_total = total;
	free(vals);
}

/* Flush the line sink; false (reported) when the output cannot be written. */
static bool flush_out(struct reader *r)
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

static void print_summary(const struct reader *r)
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

static void report_bpf_error(const char *step, int err)
{
	const char *more = verbose ? "" : " (run 'clonegate --verbose events' for libbpf's log)";

	err = err < 0 ? -err : err;
	if (err == EPERM && geteuid() != 0)
		p_err("permission denied: %s needs CAP_BPF and CAP_PERFMON (run as root)", step);
	else if (err == EPERM)
		p_err("%s: the kernel refused it (%s: lockdown, or a BPF LSM policy?)%s", step,
		      strerror(err), more);
	else if (err == EACCES || err == EINVAL)
		p_err("%s: the kernel refused the clone_events programs (%s)%s", step,
		      strerror(err), more);
	else
		p_err("%s: %s%s", step, strerror(err), more);
}

static bool module_loaded(void)
{
	struct stat st;

	return stat(MODULE_DIR, &st) == 0;
}

/* Attach to the module's tracepoint; quiet when the module is not there. */
static bool attach_decisions(struct clone_events_bpf *skel, bool announce)
{
	struct bpf_link *link;

	if (skel->links.handle_decision || !module_loaded())
		return skel->links.handle_decision != NULL;
	link = bpf_program__attach(skel->progs.handle_decision);
	if (!link) {
		/* Loaded but without the tracepoint (an old module)? Say it once. */
		static bool said;

		if (!said)
			p_err("warning: cannot attach to clonegate:clonegate_decision (%s): no decision events",
			      strerror(errno));
		said = true;
		return false;
	}
	skel->links.handle_decision = link;
	if (announce) {
		fflush(stdout);
		fprintf(stderr, "clonegate: the clonegate module was loaded: decision events from now on\n");
	}
	return true;
}

/*
 * Can this kernel create kprobes at all (the kprobe PMU, or tracefs's
 * kprobe_events for libbpf's legacy path)?
 */
static bool kprobes_available(void)
{
	return !access("/sys/bus/event_source/devices/kprobe/type", R_OK) ||
	       !access("/sys/kernel/tracing/kprobe_events", W_OK) ||
	       !access("/sys/kernel/debug/tracing/kprobe_events", W_OK);
}

/*
 * The probes and the flavour each belongs to (see clone_events.bpf.c):
 * PROBE_ALWAYS programs are attached in either flavour, PROBE_TRAMPOLINE
 * and PROBE_KPROBE only in theirs, PROBE_KPROBE_BOTH (setns: the module
 * hooks those functions, no trampoline may share them) in both. A
 * probe.ia32 target is missing on kernels without IA32_EMULATION, which
 * costs only the 32-bit unshare/setns events.
 */
enum probe_kind { PROBE_ALWAYS, PROBE_TRAMPOLINE, PROBE_KPROBE, PROBE_KPROBE_BOTH };

struct probe {
	struct bpf_program *prog;
	struct bpf_link **link;
	enum probe_kind kind;
	bool ia32;
};

#define PROBE(name, kind, ia32) { skel->progs.name, &skel->links.name, kind, ia32 }
#define PROBES(skel)								\
	{									\
		PROBE(handle_fork, PROBE_ALWAYS, false),			\
		PROBE(copy_process_fentry, PROBE_TRAMPOLINE, false),		\
		PROBE(x64_unshare_fexit, PROBE_TRAMPOLINE, false),		\
		PROBE(ia32_unshare_fexit, PROBE_TRAMPOLINE, true),		\
		PROBE(kernel_clone_entry, PROBE_KPROBE, false),			\
		PROBE(kernel_clone_exit, PROBE_KPROBE, false),			\
		PROBE(x64_unshare_entry, PROBE_KPROBE, false),			\
		PROBE(x64_unshare_exit, PROBE_KPROBE, false),			\
		PROBE(ia32_unshare_entry, PROBE_KPROBE, true),			\
		PROBE(ia32_unshare_exit, PROBE_KPROBE, true),			\
		PROBE(x64_setns_entry, PROBE_KPROBE_BOTH, false),		\
		PROBE(x64_setns_exit, PROBE_KPROBE_BOTH, false),		\
		PROBE(ia32_setns_entry, PROBE_KPROBE_BOTH, true),		\
		PROBE(ia32_setns_exit, PROBE_KPROBE_BOTH, true),		\
	}

static bool in_flavour(enum probe_kind kind, bool trampolines)
{
	return kind == PROBE_ALWAYS || kind == PROBE_KPROBE_BOTH ||
	       kind == (trampolines ? PROBE_TRAMPOLINE : PROBE_KPROBE);
}

static bool is_kprobe(enum probe_kind kind)
{
	return kind == PROBE_KPROBE || kind == PROBE_KPROBE_BOTH;
}

/*
 * Before load: only the flavour's programs, and of the trampolines only
 * those whose target this kernel has (the ia32 ones may be missing).
 */
static void choose_programs(struct clone_events_bpf *skel, bool trampolines)
{
	struct probe t[] = PROBES(skel);
	unsigned int i;

	skel->rodata->cfg_trampolines = trampolines;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		const char *target = strchr(bpf_program__section_name(t[i].prog), '/') + 1;
		bool load = in_flavour(t[i].kind, trampolines);

		if (load && t[i].kind == PROBE_TRAMPOLINE &&
		    libbpf_find_vmlinux_btf_id(target, bpf_program__expected_attach_type(t[i].prog)) < 0)
			load = false;
		bpf_program__set_autoload(t[i].prog, load);
	}
}

/*
 * Attach every program of the flavour but the decision one. The fork
 * tracepoint is required; without kprobes (CONFIG_KPROBES=n) the kprobe
 * flavour loses clone flags and unshare events, and either loses setns
 * events, which we say once. Returns 0, or -errno with *step saying what
 * failed.
 */
static int attach_all(struct clone_events_bpf *skel, bool trampolines, char *step, size_t len)
{
	struct probe t[] = PROBES(skel);
	bool no_ia32 = false, no_kprobes = false;
	unsigned int i;
	int err;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (!in_flavour(t[i].kind, trampolines))
			continue;
		if (!bpf_program__autoload(t[i].prog)) {
			if (t[i].ia32) {
				no_ia32 = true;
				continue;
			}
			snprintf(step, len, "%s: this kernel has no such function",
				 bpf_program__section_name(t[i].prog));
			return -ENOENT;
		}
		if (is_kprobe(t[i].kind) && no_kprobes)
			continue;
		*t[i].link = bpf_program__attach(t[i].prog);
		if (*t[i].link)
			continue;
		err = -errno;
		if (is_kprobe(t[i].kind) && !kprobes_available()) {
			no_kprobes = true;
			continue;
		}
		if (t[i].ia32 && err == -ENOENT) {
			no_ia32 = true;
			continue;
		}
		snprintf(step, len, "attaching %s", bpf_program__section_name(t[i].prog));
		return err;
	}
	if (no_kprobes && trampolines)
		p_err("warning: this kernel has no kprobes (CONFIG_KPROBES): there are no setns events");
	else if (no_kprobes)
		p_err("warning: this kernel has no kprobes (CONFIG_KPROBES): clone flags are not known (reported as 0) and there are no unshare or setns events");
	else if (no_ia32)
		p_err("warning: this kernel has no ia32 syscall entry points: 32-bit unshare and setns are not reported");
	return 0;
}

struct load_opts {
	__u32 fields;
	int cgfd;
	unsigned long long ring_size;
};

/*
 * Open, load and attach the programs in one flavour. NULL on failure, with
 * *err and *step set (the caller reports, or retries in the other flavour).
 */
static struct clone_events_bpf *load_flavour(const struct load_opts *o, bool trampolines,
					     int *err, char *step, size_t len)
{
	struct clone_events_bpf *skel = clone_events_bpf__open();

	if (!skel) {
		*err = -errno;
		snprintf(step, len, "opening the BPF object");
		return NULL;
	}
	skel->rodata->cfg_fields = o->fields;
	skel->rodata->cfg_cgroup_filter = o->cgfd >= 0;
	skel->rodata->cfg_wakeup_bytes = o->ring_size / 8;
	*err = bpf_map__set_max_entries(skel->maps.events, o->ring_size);
	if (*err) {
		snprintf(step, len, "sizing the ring buffer");
		goto fail;
	}
	/* Attached by hand, and only while the module is loaded. */
	bpf_program__set_autoattach(skel->progs.handle_decision, false);
	choose_programs(skel, trampolines);
	*err = clone_events_bpf__load(skel);
	if (*err) {
		snprintf(step, len, "loading the %s programs", trampolines ? "fentry/fexit" : "BPF");
		goto fail;
	}
	if (o->cgfd >= 0) {
		__u32 key = 0, val = o->cgfd;

		*err = bpf_map__update_elem(skel->maps.cgroup_filter, &key, sizeof(key), &val,
					    sizeof(val), BPF_ANY);
		if (*err) {
			snprintf(step, len, "setting the cgroup filter");
			goto fail;
		}
	}
	*err = attach_all(skel, trampolines, step, len);
	if (*err)
		goto fail;
	p_info("probes: %s", trampolines ? "fentry/fexit" : "kprobes");
	return skel;
fail:
	clone_events_bpf__destroy(skel);
	return NULL;
}

/* ---- --synthetic: the collector's own ceiling ------------------------------- */

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

/*
 * Feed 'n' made-up records through handle_record(), the path every real
 * record takes after the ring buffer, and time it: decode, format, write.
 * What this leaves out is libbpf's ring-buffer walk (a few loads and one
 * store per record).
 */
static int run_synthetic(struct reader *r, unsigned long long n, __u32 fields)
{
	union {
		struct cg_event_clone clone;
		struct cg_event_decision decision;
		struct cg_event_unshare unshare;
		struct cg_event_setns setns;
	} rec[10];
	long long t0, t1;
	unsigned long long i;
	double secs;
	int k;

	memset(rec, 0, sizeof(rec));
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
	r->realtime_off = realtime_offset();
	if (r->out && !json_output)
		print_text_header(r->out);
	t0 = clock_ns(CLOCK_MONOTONIC);
	for (i = 0; i < n && !stop; i++) {
		k = i % 10;
		rec[k].clone.hdr.time_ns = 3000000000ULL + i;
		rec[k].clone.ctx.tid = 100 + (__u32)(i % 30000);
		if (handle_record(r, &rec[k], rec[k].clone.hdr.size) || r->failed)
			return EXIT_FAIL;
		/* As the poll loop does: flush after a batch. */
		if (i % 256 == 255 && !flush_out(r))
			return EXIT_FAIL;
	}
	if (!flush_out(r))
		return EXIT_FAIL;
	t1 = clock_ns(CLOCK_MONOTONIC);
	print_summary(r);
	secs = (t1 - t0) / 1e9;
	if (json_output) {
		jw_set_output(stderr, true);
		jw_begin_object(NULL);
		jw_string("type", "synthetic");
		jw_u64("events", i);
		jw_u64("ns", t1 - t0);
		jw_u64("events_per_s", secs > 0 ? (unsigned long long)(i / secs) : 0);
		jw_u64("max_rss_kb", max_rss_kb());
		jw_end_object();
		jw_end_line();
		jw_set_output(r->out, false);
	} else {
		fprintf(stderr, "clonegate: synthetic: %llu events in %.3f s, %.0f events/s, peak RSS %ld KiB\n",
			i, secs, secs > 0 ? i / secs : 0, max_rss_kb());
	}
	return i == n ? EXIT_OK : EXIT_FAIL;
}

int do_events(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json",		no_argument,		NULL, 'j' },
		{ "output",		required_argument,	NULL, 'o' },
		{ "gvisor-endpoint",	required_argument,	NULL, 'g' },
		{ "fields",		required_argument,	NULL, 'f' },
		{ "count",		required_argument,	NULL, 'c' },
		{ "duration",		required_argument,	NULL, 'd' },
		{ "cgroup",		required_argument,	NULL, 'C' },
		{ "ring-size",		required_argument,	NULL, 'r' },
		{ "probes",		required_argument,	NULL, 'p' },
		{ "synthetic",		required_argument,	NULL, 'S' },
		{ "gvisor-reconnect-min", required_argument,	NULL, 'm' },
		{ "gvisor-reconnect-max", required_argument,	NULL, 'M' },
		{ "gvisor-exit-on-error", no_argument,		NULL, 'E' },
		{ "help",		no_argument,		NULL, 'h' },
		{ 0 }
	};
	const char *where = "clonegate events", *output = NULL, *endpoint = NULL;
	bool want_fentry = true, want_kprobe = true, gv_exit_on_error = false;
	struct gvisor_sink_opts gv_opts = {
		.reconnect_min_ms = GV_RECONNECT_MIN_MS,
		.reconnect_max_ms = GV_RECONNECT_MAX_MS,
	};
	bool gv_opts_given = false;
	const char *cgroup_arg = NULL;
	struct clone_events_bpf *skel = NULL;
	struct ring_buffer *rb = NULL;
	struct reader *r = NULL;
	unsigned long long duration = 0, ring_size = DEFAULT_RING_SIZE, count = 0, synthetic = 0;
	long long deadline = 0, now, next_resync, next_drops = 0;
	__u32 fields = DEFAULT_FIELDS;
	char *cgroup_shown = NULL;
	int opt, err, cgfd = -1, ret = EXIT_FAIL;
	struct load_opts lo;
	char step[128];
	bool decisions;
	struct sigaction sa;

	optind = 0;
	while ((opt = next_opt(argc, argv, ":jo:g:f:c:d:C:r:h", opts, where)) != -1) {
		switch (opt) {
		case 'j':
			json_output = true;
			break;
		case 'o':
			output = optarg;
			break;
		case 'g':
			endpoint = optarg;
			break;
		case 'f':
			if (!parse_fields(optarg, &fields))
				return EXIT_USAGE;
			break;
		case 'c':
			if (!parse_u64(optarg, &count) || !count)
				return usage_err(where, "--count needs a number above 0, not '%s'",
						 optarg);
			break;
		case 'd':
			if (!parse_u64(optarg, &duration) || !duration ||
			    duration > 365ULL * 24 * 3600)
				return usage_err(where, "--duration needs seconds above 0, not '%s'",
						 optarg);
			break;
		case 'C':
			cgroup_arg = optarg;
			break;
		case 'r':
			if (!parse_u64(optarg, &ring_size) || ring_size < 4096 ||
			    ring_size > (1ULL << 30) || (ring_size & (ring_size - 1)))
				return usage_err(where, "--ring-size needs a power of two from 4096 to 1 GiB, not '%s'",
						 optarg);
			break;
		case 'p':
			want_fentry = !strcmp(optarg, "auto") || !strcmp(optarg, "fentry");
			want_kprobe = !strcmp(optarg, "auto") || !strcmp(optarg, "kprobe");
			if (!want_fentry && !want_kprobe)
				return usage_err(where, "--probes takes auto, fentry or kprobe, not '%s'",
						 optarg);
			break;
		case 'S':
			if (!parse_u64(optarg, &synthetic) || !synthetic)
				return usage_err(where, "--synthetic needs a number above 0, not '%s'",
						 optarg);
			break;
		case 'm':
		case 'M':
			if (!parse_reconnect_ms(optarg, opt == 'm' ? &gv_opts.reconnect_min_ms :
					       &gv_opts.reconnect_max_ms))
				return usage_err(where, "--gvisor-reconnect-%s needs milliseconds from 1 to %u, not '%s'",
						 opt == 'm' ? "min" : "max", RECONNECT_MS_MAX, optarg);
			gv_opts_given = true;
			break;
		case 'E':
			gv_exit_on_error = true;
			gv_opts_given = true;
			break;
		case 'h':
			return events_help();
		default:
			return EXIT_USAGE;
		}
	}
	if (optind < argc)
		return usage_err(where, "unexpected argument '%s'", argv[optind]);
	if (synthetic && (count || duration || cgroup_arg))
		return usage_err(where, "--synthetic takes no --count, --duration or --cgroup");
	if (output && !*output)
		return usage_err(where, "--output needs a file name");
	if (endpoint && !*endpoint)
		return usage_err(where, "--gvisor-endpoint needs a socket path");
	if (gv_opts_given && !endpoint)
		return usage_err(where, "--gvisor-reconnect-min, --gvisor-reconnect-max and --gvisor-exit-on-error need --gvisor-endpoint");
	if (gv_opts.reconnect_min_ms > gv_opts.reconnect_max_ms)
		return usage_err(where, "--gvisor-reconnect-min (%u ms) is above --gvisor-reconnect-max (%u ms)",
				 gv_opts.reconnect_min_ms, gv_opts.reconnect_max_ms);
	gv_opts.reconnect = !gv_exit_on_error;

	if (!synthetic && access(KERNEL_BTF, R_OK) != 0) {
		p_err("this kernel has no BTF (%s): clonegate events needs CONFIG_DEBUG_INFO_BTF=y",
		      KERNEL_BTF);
		return EXIT_FAIL;
	}
	libbpf_set_print(libbpf_print);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART: let poll return */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	r = calloc(1, sizeof(*r));
	if (!r) {
		p_err("out of memory");
		return EXIT_FAIL;
	}
	r->max_count = count;
	r->gv_exit_on_error = gv_exit_on_error;

	/* Sinks first: a wrong endpoint or file fails before anything is loaded. */
	if (output) {
		r->out = fopen(output, "we");
		if (!r->out) {
			p_err("cannot open %s for writing: %s", output, strerror(errno));
			goto cleanup;
		}
		r->out_name = output;
	} else if (json_output || !endpoint) {
		r->out = stdout;
		r->out_name = "stdout";
	}
	if (r->out) {
		/* Flushed after each batch of records, errors checked there. */
		setvbuf(r->out, NULL, _IOFBF, 1 << 16);
		jw_set_output(r->out, false);
	}
	if (endpoint) {
		r->gvisor = gvisor_sink_open(endpoint, &gv_opts);
		if (!r->gvisor)
			goto cleanup;
	}
	if (synthetic) {
		ret = run_synthetic(r, synthetic, fields);
		goto cleanup;
	}
	if (cgroup_arg) {
		cgfd = cgroup_open(cgroup_arg, &cgroup_shown);
		if (cgfd < 0)
			goto cleanup;
	}

	/* Trampolines where the kernel takes them, else (unless told) kprobes. */
	lo = (struct load_opts){ .fields = fields, .cgfd = cgfd, .ring_size = ring_size };
	skel = want_fentry ? load_flavour(&lo, true, &err, step, sizeof(step)) : NULL;
	if (!skel && want_fentry && want_kprobe)
		p_info("%s: %s; using kprobes", step, strerror(-err));
	if (!skel && want_kprobe)
		skel = load_flavour(&lo, false, &err, step, sizeof(step));
	if (!skel) {
		report_bpf_error(step, err);
		goto cleanup;
	}
	r->realtime_off = realtime_offset();
	rb = ring_buffer__new(bpf_map__fd(skel->maps.events), handle_record, r, NULL);
	if (!rb) {
		report_bpf_error("opening the ring buffer", errno);
		goto cleanup;
	}
	decisions = attach_decisions(skel, false);
	if (!decisions && !module_loaded())
		fprintf(stderr, "clonegate: the clonegate module is not loaded: no decision events until it is\n");
	fprintf(stderr, "clonegate: ready\n");

	if (r->out && !json_output) {
		print_text_header(r->out);
		if (!flush_out(r))
			goto cleanup;
	}
	now = clock_ns(CLOCK_MONOTONIC);
	next_resync = now + RESYNC_NS;
	if (duration)
		deadline = now + (long long)duration * 1000000000LL;

	ret = EXIT_OK;
	while (!stop && !r->done) {
		int timeout = POLL_MS;

		now = clock_ns(CLOCK_MONOTONIC);
		if (deadline) {
			if (deadline - now <= 0)
				break;
			if ((deadline - now) / 1000000 < POLL_MS)
				timeout = (deadline - now) / 1000000 + 1;
		}
		if (now >= next_resync) {
			long long off = realtime_offset();

			/*
			 * Follow clock steps, not sampling jitter: a task's start
			 * time must convert to the same value in every event.
			 */
			if (llabs(off - r->realtime_off) > RESYNC_SLACK_NS)
				r->realtime_off = off;
			if (!decisions)
				decisions = attach_decisions(skel, true);
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
		err = ring_buffer__poll(rb, timeout);
		if (err >= 0 && !r->failed && !r->done)
			err = ring_buffer__consume(rb);
		if (r->failed || !flush_out(r)) {
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
	/* What is already in the ring buffer was sent before we stopped: take it. */
	if (ret == EXIT_OK && !r->done) {
		ring_buffer__consume(rb);
		if (r->failed || !flush_out(r))
			ret = EXIT_FAIL;
	}
	read_dropped(skel, r);
	print_summary(r);

cleanup:
	ring_buffer__free(rb);
	clone_events_bpf__destroy(skel);
	if (cgfd >= 0)
		close(cgfd);
	free(cgroup_shown);
	if (r) {
		gvisor_sink_close(r->gvisor);
		jw_set_output(NULL, true);	/* hands buffered text to r->out first */
		if (r->out && r->out != stdout && fclose(r->out) && ret == EXIT_OK) {
			p_err("writing events to %s: %s", r->out_name, strerror(errno));
			ret = EXIT_FAIL;
		}
		free(r);
	}
	return ret;
}

/* ---- a decision stream for 'clonegate run' (see evsink.h) --------------- */

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

	if (!decode(&s->ev, data, len, s->realtime_off)) {
		s->skipped++;
		return 0;
	}
	s->cb(&s->ev, s->ctx);
	return 0;
}

struct ev_stream *ev_stream_open(int cgfd, ev_stream_cb cb, void *ctx, char *why, size_t len)
{
	struct ev_stream *s;
	struct bpf_program *prog;
	struct bpf_link *link;
	__u32 key = 0, val = cgfd;
	int err;

	if (access(KERNEL_BTF, R_OK) != 0) {
		snprintf(why, len, "this kernel has no BTF (%s)", KERNEL_BTF);
		return NULL;
	}
	if (!module_loaded()) {
		snprintf(why, len, "the clonegate module is not loaded");
		return NULL;
	}
	libbpf_set_print(libbpf_print);
	s = calloc(1, sizeof(*s));
	if (!s) {
		snprintf(why, len, "out of memory");
		return NULL;
	}
	s->cb = cb;
	s->ctx = ctx;
	s->skel = clone_events_bpf__open();
	if (!s->skel) {
		snprintf(why, len, "opening the BPF object: %s", strerror(errno));
		goto fail;
	}
	/* Only the decision program: nothing else is loaded or attached. */
	bpf_object__for_each_program(prog, s->skel->obj)
		bpf_program__set_autoload(prog, prog == s->skel->progs.handle_decision);
	s->skel->rodata->cfg_fields = DEFAULT_FIELDS & ~CG_FIELD_BIT(CG_FIELD_CONTAINER_ID);
	s->skel->rodata->cfg_cgroup_filter = true;
	s->skel->rodata->cfg_wakeup_bytes = 4096;
	err = bpf_map__set_max_entries(s->skel->maps.events, 1U << 20);
	if (!err)
		err = clone_events_bpf__load(s->skel);
	if (err) {
		snprintf(why, len, "loading the BPF program: %s", strerror(err < 0 ? -err : err));
		goto fail;
	}
	err = bpf_map__update_elem(s->skel->maps.cgroup_filter, &key, sizeof(key), &val,
				   sizeof(val), BPF_ANY);
	if (err) {
		snprintf(why, len, "setting the cgroup filter: %s", strerror(-err));
		goto fail;
	}
	s->realtime_off = realtime_offset();
	s->rb = ring_buffer__new(bpf_map__fd(s->skel->maps.events), stream_record, s, NULL);
	if (!s->rb) {
		snprintf(why, len, "opening the ring buffer: %s", strerror(errno));
		goto fail;
	}
	link = bpf_program__attach(s->skel->progs.handle_decision);
	if (!link) {
		snprintf(why, len, "attaching to clonegate:clonegate_decision: %s", strerror(errno));
		goto fail;
	}
	s->skel->links.handle_decision = link;
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
	int cpu, ncpu = libbpf_num_possible_cpus();
	unsigned long long sum = 0;
	__u32 key = CG_EVENT_DECISION;
	__u64 *vals;

	if (ncpu <= 0 || !(vals = calloc(ncpu, sizeof(*vals))))
		return 0;
	if (!bpf_map__lookup_elem(s->skel->maps.dropped, &key, sizeof(key), vals,
				  ncpu * sizeof(*vals), 0))
		for (cpu = 0; cpu < ncpu; cpu++)
			sum += vals[cpu];
	free(vals);
	return sum + s->skipped;
}

void ev_stream_close(struct ev_stream *s)
{
	if (!s)
		return;
	ring_buffer__free(s->rb);
	clone_events_bpf__destroy(s->skel);
	free(s);
}
