// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * clonegate events: stream clone, decision, unshare and setns events to
 * the sinks the command line names. This file is the verb only: its help,
 * its options and their checks, and the order of the steps:
 *
 *   1. the sinks (sink_*.c), so that a wrong file or endpoint fails before
 *      anything is loaded;
 *   2. --synthetic: no BPF, the reader fed by synthetic.c;
 *   3. else the BPF programs (skel.c), and the reader (ev_reader.c) until
 *      --count, --duration, SIGINT or SIGTERM.
 *
 * Decoding (ev_decode.c), accounting and the summary (ev_reader.c) and
 * each sink's format are in the files named after them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <clonegate/events.h>

#include "cgroup.h"
#include "cmds.h"
#include "diag.h"
#include "ev_reader.h"
#include "json.h"
#include "lsm_readers.h"
#include "opts.h"
#include "sink.h"
#include "skel.h"
#include "synthetic.h"

#define DEFAULT_RING_SIZE	(4U << 20)
#define LSM_RING_SIZE		(256U << 10)	/* per BPF backend policy read */

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

/* The context fields' names, wrapped under --fields in the help. */
static void print_field_names(void)
{
	unsigned int i, col;

	printf("                         ");
	for (i = 0, col = 25; i < CG_FIELD_MAX; i++) {
		if (col + 1 + strlen(field_names[i].name) > 78) {
			printf("\n                         ");
			col = 25;
		}
		col += printf(" %s", field_names[i].name);
	}
	printf("\n");
}

static int events_help(void)
{
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
	       "            while the module is loaded, which it then cannot be unloaded;\n"
	       "            and of every BPF backend policy attached, applied or a run's\n"
	       "            (their context has no cwd and no container_id)\n"
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
	       "                          'all' or 'none' (default: all but cwd):\n",
	       GV_RECONNECT_MIN_MS, GV_RECONNECT_MAX_MS);
	print_field_names();
	printf("                          (ContextData's names work too: time_ns,\n"
	       "                          thread_group_id, ...)\n"
	       "  --count N               stop after N events\n"
	       "  --duration SEC          stop after SEC seconds\n"
	       "  --cgroup PATH           only events of tasks in this cgroup v2 subtree\n"
	       "  --ring-size BYTES       kernel ring buffer size, a power of two of at\n"
	       "                          least 4096 (default %u); the BPF backend's\n"
	       "                          decisions get one of at most 256 KiB per policy\n"
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

struct events_opts {
	const char *output;		/* --output */
	const char *endpoint;		/* --gvisor-endpoint */
	const char *cgroup;		/* --cgroup */
	struct gvisor_sink_opts gv;
	bool gv_given;			/* a --gvisor-* option other than the endpoint */
	bool gv_exit_on_error;
	struct skel_opts load;		/* fields, ring size, probes (cgfd: later) */
	unsigned long long count, duration, synthetic;
};

/* One option of do_events(): -1 to go on, or an exit code. */
static int parse_opt(int opt, const char *arg, struct events_opts *o)
{
	const char *where = "clonegate events";
	unsigned long long *ring = &o->load.ring_size;

	switch (opt) {
	case 'j':
		json_output = true;
		break;
	case 'o':
		o->output = arg;
		break;
	case 'g':
		o->endpoint = arg;
		break;
	case 'f':
		if (!parse_fields(arg, &o->load.fields))
			return EXIT_USAGE;
		break;
	case 'c':
		if (!parse_u64(arg, &o->count) || !o->count)
			return usage_err(where, "--count needs a number above 0, not '%s'", arg);
		break;
	case 'd':
		if (!parse_u64(arg, &o->duration) || !o->duration ||
		    o->duration > 365ULL * 24 * 3600)
			return usage_err(where, "--duration needs seconds above 0, not '%s'", arg);
		break;
	case 'C':
		o->cgroup = arg;
		break;
	case 'r':
		if (!parse_u64(arg, ring) || *ring < 4096 || *ring > (1ULL << 30) ||
		    (*ring & (*ring - 1)))
			return usage_err(where, "--ring-size needs a power of two from 4096 to 1 GiB, not '%s'",
					 arg);
		break;
	case 'p':
		o->load.want_fentry = !strcmp(arg, "auto") || !strcmp(arg, "fentry");
		o->load.want_kprobe = !strcmp(arg, "auto") || !strcmp(arg, "kprobe");
		if (!o->load.want_fentry && !o->load.want_kprobe)
			return usage_err(where, "--probes takes auto, fentry or kprobe, not '%s'", arg);
		break;
	case 'S':
		if (!parse_u64(arg, &o->synthetic) || !o->synthetic)
			return usage_err(where, "--synthetic needs a number above 0, not '%s'", arg);
		break;
	case 'm':
	case 'M':
		if (!parse_reconnect_ms(arg, opt == 'm' ? &o->gv.reconnect_min_ms :
					&o->gv.reconnect_max_ms))
			return usage_err(where, "--gvisor-reconnect-%s needs milliseconds from 1 to %u, not '%s'",
					 opt == 'm' ? "min" : "max", RECONNECT_MS_MAX, arg);
		o->gv_given = true;
		break;
	case 'E':
		o->gv_exit_on_error = true;
		o->gv_given = true;
		break;
	case 'h':
		return events_help();
	default:
		return EXIT_USAGE;
	}
	return -1;
}

/* The command line into *o: -1 to go on, or an exit code. */
static int parse_opts(int argc, char **argv, struct events_opts *o)
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
	const char *where = "clonegate events";
	int opt, ret;

	optind = 0;
	while ((opt = next_opt(argc, argv, ":jo:g:f:c:d:C:r:h", opts, where)) != -1) {
		ret = parse_opt(opt, optarg, o);
		if (ret >= 0)
			return ret;
	}
	if (optind < argc)
		return usage_err(where, "unexpected argument '%s'", argv[optind]);
	if (o->synthetic && (o->count || o->duration || o->cgroup))
		return usage_err(where, "--synthetic takes no --count, --duration or --cgroup");
	if (o->output && !*o->output)
		return usage_err(where, "--output needs a file name");
	if (o->endpoint && !*o->endpoint)
		return usage_err(where, "--gvisor-endpoint needs a socket path");
	if (o->gv_given && !o->endpoint)
		return usage_err(where, "--gvisor-reconnect-min, --gvisor-reconnect-max and --gvisor-exit-on-error need --gvisor-endpoint");
	if (o->gv.reconnect_min_ms > o->gv.reconnect_max_ms)
		return usage_err(where, "--gvisor-reconnect-min (%u ms) is above --gvisor-reconnect-max (%u ms)",
				 o->gv.reconnect_min_ms, o->gv.reconnect_max_ms);
	o->gv.reconnect = !o->gv_exit_on_error;
	return -1;
}

/*
 * The sinks, before anything is loaded: a wrong endpoint or file fails
 * first. EXIT_OK, or EXIT_FAIL reported.
 */
static int open_sinks(struct reader *r, const struct events_opts *o)
{
	if (o->output) {
		r->out = fopen(o->output, "we");
		if (!r->out) {
			p_err("cannot open %s for writing: %s", o->output, strerror(errno));
			return EXIT_FAIL;
		}
		r->out_name = o->output;
	} else if (json_output || !o->endpoint) {
		r->out = stdout;
		r->out_name = "stdout";
	}
	if (r->out) {
		/* Flushed after each batch of records, errors checked there. */
		setvbuf(r->out, NULL, _IOFBF, 1 << 16);
		jw_set_output(r->out, false);
	}
	if (o->endpoint) {
		r->gvisor = gvisor_sink_open(o->endpoint, &o->gv);
		if (!r->gvisor)
			return EXIT_FAIL;
	}
	return EXIT_OK;
}

/* Close the sinks; a last write error turns EXIT_OK into EXIT_FAIL. */
static int close_sinks(struct reader *r, int ret)
{
	gvisor_sink_close(r->gvisor);
	jw_set_output(NULL, true);	/* hands buffered text to r->out first */
	if (r->out && r->out != stdout && fclose(r->out) && ret == EXIT_OK) {
		p_err("writing events to %s: %s", r->out_name, strerror(errno));
		ret = EXIT_FAIL;
	}
	return ret;
}

/* The BPF programs, then the reader until the end. */
static int collect(struct reader *r, struct events_opts *o)
{
	struct clone_events_bpf *skel;
	char *cgroup_shown = NULL;
	int ret = EXIT_FAIL;

	o->load.cgfd = -1;
	if (o->cgroup) {
		o->load.cgfd = cgroup_open(o->cgroup, &cgroup_shown);
		if (o->load.cgfd < 0)
			return EXIT_FAIL;
	}
	skel = skel_load_collector(&o->load);
	/* The BPF backend's rings are small: its decisions are few. */
	r->lsm = lsm_readers_new(o->load.cgfd, o->load.ring_size < LSM_RING_SIZE ?
						o->load.ring_size : LSM_RING_SIZE);
	if (skel && r->lsm)
		ret = reader_run(r, skel);
	else if (skel)
		p_err("out of memory");
	lsm_readers_free(r->lsm);
	r->lsm = NULL;
	skel_destroy(skel);
	if (o->load.cgfd >= 0)
		close(o->load.cgfd);
	free(cgroup_shown);
	return ret;
}

int do_events(int argc, char **argv)
{
	struct events_opts o = {
		.gv = {
			.reconnect_min_ms = GV_RECONNECT_MIN_MS,
			.reconnect_max_ms = GV_RECONNECT_MAX_MS,
		},
		.load = {
			.fields = EV_DEFAULT_FIELDS,
			.ring_size = DEFAULT_RING_SIZE,
			.want_fentry = true,
			.want_kprobe = true,
		},
	};
	struct reader *r;
	int ret;

	ret = parse_opts(argc, argv, &o);
	if (ret >= 0)
		return ret;
	if (!o.synthetic && !skel_have_btf()) {
		p_err("this kernel has no BTF (%s): clonegate events needs CONFIG_DEBUG_INFO_BTF=y",
		      SKEL_KERNEL_BTF);
		return EXIT_FAIL;
	}
	reader_catch_signals();
	r = calloc(1, sizeof(*r));
	if (!r) {
		p_err("out of memory");
		return EXIT_FAIL;
	}
	r->max_count = o.count;
	r->duration_s = o.duration;
	r->gv_exit_on_error = o.gv_exit_on_error;
	r->fields = o.load.fields;

	ret = open_sinks(r, &o);
	if (ret == EXIT_OK)
		ret = o.synthetic ? synthetic_run(r, o.synthetic, o.load.fields) : collect(r, &o);
	ret = close_sinks(r, ret);
	free(r);
	return ret;
}
