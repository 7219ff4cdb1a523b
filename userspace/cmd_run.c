// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * clonegate run: run a command under a policy in a transient cgroup.
 *
 *   1. mkdir PARENT/clonegate.run.<our pid> and APPLY the policy to it
 *      (run_cgroup.c), or with --backend bpf attach the BPF LSM programs
 *      to it (run_lsm.c);
 *   2. load the decision BPF program, filtered to that cgroup (if it can
 *      load; else fall back to the module's counters) (ev_stream.c);
 *   3. fork; the child joins the cgroup before it execs CMD (run_spawn.c);
 *   4. wait for CMD (forwarding SIGINT, SIGTERM, SIGHUP), collecting events
 *      (run_events.c);
 *   5. kill what is left in the cgroup, wait until it is empty, take the
 *      last events and the scope's counters, REMOVE the scope, rmdir the
 *      cgroup (run_cgroup.c), print the summary (run_summary.c).
 *
 * This file is the verb: its help, its options, the checks made before
 * anything is created, and the order of the steps.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <clonegate/tables.h>

#include "cgroup.h"
#include "cmds.h"
#include "ctl.h"
#include "diag.h"
#include "ev_stream.h"
#include "json.h"
#include "lsm_policy.h"
#include "names.h"
#include "opts.h"
#include "profile_file.h"
#include "run.h"

#define NEED_ROOT	"permission denied: clonegate run needs root (it creates a cgroup and applies a policy; run it with sudo)"

static int run_help(void)
{
	printf("Usage: clonegate run [--profile NAME] [--audit] [--events FILE|-]\n"
	       "                     [--parent-cgroup PATH] [--backend module|bpf] [--json]\n"
	       "                     -- CMD [ARGS...]\n"
	       "\n"
	       "Run CMD with a clone policy applied to it and to all its descendants,\n"
	       "through a transient cgroup v2 scope: %s/%s<pid>\n"
	       "(or under --parent-cgroup). CMD joins the cgroup before it execs; stdin,\n"
	       "stdout and stderr are CMD's. SIGINT, SIGTERM and SIGHUP are forwarded to\n"
	       "CMD. When CMD ends, whatever it left running in the cgroup is killed, and\n"
	       "the scope and the cgroup are removed.\n"
	       "\n"
	       "At the end, stderr gets a summary of every call that was refused, audited\n"
	       "or had unshare bits dropped: rule, entry point, flags, errno, count and\n"
	       "the first process that made it (pid and comm). The detail comes from the\n"
	       "decision events (BPF; needs BTF); when they cannot be loaded, the summary\n"
	       "falls back to the counters and says so.\n"
	       "\n"
	       "  --profile NAME        default %s (see 'clonegate profile list')\n"
	       "  --audit               mode audit: Linux answers every call and the\n"
	       "                        summary lists what gVisor would refuse (\"would\n"
	       "                        this workload run under gVisor?\"); default enforce\n"
	       "  --events FILE|-       also write the decision events as JSON lines to\n"
	       "                        FILE ('-': stdout, mixed with CMD's output)\n"
	       "  --parent-cgroup PATH  create the transient cgroup under PATH (a cgroup v2\n"
	       "                        directory) instead of the root cgroup\n"
	       "  --backend module|bpf  who enforces: the clonegate module (default), or\n"
	       "                        BPF LSM programs, for hosts that cannot load the\n"
	       "                        module: clone, clone3, fork and vfork, and new\n"
	       "                        user namespaces, any profile (a file too), its\n"
	       "                        own decision events (docs/policy.md, \"The BPF\n"
	       "                        backend\"); refused while the module has a scope,\n"
	       "                        and the module is refused while it runs\n"
	       "  --json                the summary as one JSON object (on stderr)\n"
	       "\n"
	       "Needs root and the clonegate module (or, with --backend bpf, a kernel with\n"
	       "BPF LSM and BTF), from a task outside every enforcing or auditing scope.\n"
	       "\n"
	       "Exit status:\n"
	       "  CMD's exit status; 128+N when CMD was killed by signal N\n"
	       "  126  CMD was found but could not be executed\n"
	       "  127  CMD was not found\n"
	       "  1    usage error (nothing was done)\n"
	       "  2    operational error before CMD started: module not loaded, not root,\n"
	       "       no cgroup v2, unknown profile, scope busy, the kernel refused\n"
	       "A cleanup failure after CMD ran is reported on stderr; the status is\n"
	       "still CMD's.\n",
	       cgroup_root() ?: "<cgroup v2 mount>", RUN_PREFIX,
	       profile_name(CG_DEFAULT_PROFILE, NULL, 0));
	return EXIT_OK;
}

/* The command line into *r: -1 to go on (CMD at argv[optind]), or an exit code. */
static int parse_opts(int argc, char **argv, struct run *r)
{
	static const struct option opts[] = {
		{ "profile",		required_argument,	NULL, 'p' },
		{ "audit",		no_argument,		NULL, 'a' },
		{ "events",		required_argument,	NULL, 'e' },
		{ "parent-cgroup",	required_argument,	NULL, 'P' },
		{ "backend",		required_argument,	NULL, 'b' },
		{ "json",		no_argument,		NULL, 'j' },
		{ "help",		no_argument,		NULL, 'h' },
		{ 0 }
	};
	const char *where = "clonegate run", *profile_arg = NULL;
	int opt;

	optind = 0;
	/* '+': options end at CMD, whose own options are its business. */
	while ((opt = next_opt(argc, argv, "+:p:ae:P:b:jh", opts, where)) != -1) {
		switch (opt) {
		case 'p': profile_arg = optarg; break;
		case 'a': r->mode = CG_MODE_AUDIT; break;
		case 'e': r->events_arg = optarg; break;
		case 'P': r->parent_arg = optarg; break;
		case 'b':
			if (!strcmp(optarg, "bpf"))
				r->backend = RUN_BACKEND_BPF;
			else if (strcmp(optarg, "module"))
				return usage_err(where, "--backend takes 'module' or 'bpf'");
			break;
		case 'j': json_output = true; break;
		case 'h': return run_help();
		default:  return EXIT_USAGE;
		}
	}
	if (optind >= argc)
		return usage_err(where, "which command? give it after '--'");
	r->cmd = argv[optind];
	if (r->events_arg && !*r->events_arg)
		return usage_err(where, "--events needs a file name or '-'");
	/* The BPF backend takes any profile (a file too); the module, a name it knows. */
	if (r->backend == RUN_BACKEND_BPF) {
		if (profile_get(profile_arg ?: profile_name(CG_DEFAULT_PROFILE, NULL, 0),
				&r->bpf_profile))
			return EXIT_FAIL;
		r->profile = r->bpf_profile.id;
	} else if (profile_arg) {
		r->profile = profile_resolve(profile_arg);
		if (r->profile < 0)
			return EXIT_FAIL;
	}
	return -1;
}

/* --events FILE, opened for the JSON sink. EXIT_OK or EXIT_FAIL (reported). */
static int open_events_file(struct run *r)
{
	if (!r->events_arg)
		return EXIT_OK;
	if (!strcmp(r->events_arg, "-")) {
		r->events_out = stdout;
	} else {
		r->events_out = fopen(r->events_arg, "we");
		if (!r->events_out) {
			p_err("cannot open %s for writing: %s", r->events_arg, strerror(errno));
			return EXIT_FAIL;
		}
	}
	jw_set_output(r->events_out, true);
	return EXIT_OK;
}

/*
 * Everything that can fail is checked before anything is created: the
 * module, root, the parent cgroup, the --events file. EXIT_OK or EXIT_FAIL
 * (reported).
 */
static int prepare(struct run *r)
{
	if (r->backend == RUN_BACKEND_BPF) {
		if (geteuid() != 0) {
			p_err(NEED_ROOT);
			return EXIT_FAIL;
		}
		if (lsm_module_conflict("clonegate run --backend bpf") || run_open_parent(r))
			return EXIT_FAIL;
		return open_events_file(r);
	}
	r->ctl_fd = ctl_open();
	if (r->ctl_fd < 0) {
		if (r->ctl_fd == -EACCES || r->ctl_fd == -EPERM)
			p_err(NEED_ROOT);
		else
			ctl_open_error(r->ctl_fd);
		r->ctl_fd = -1;
		return EXIT_FAIL;
	}
	if (geteuid() != 0) {
		p_err(NEED_ROOT);
		return EXIT_FAIL;
	}
	if (lsm_policy_refuse_if_active("clonegate run"))
		return EXIT_FAIL;
	if (run_open_parent(r))
		return EXIT_FAIL;
	return open_events_file(r);
}

/*
 * The decision events, or why not: without them the summary has the
 * module's counters only, but --events asked for them. EXIT_OK or EXIT_FAIL.
 */
static int open_stream(struct run *r)
{
	r->stream = ev_stream_open(r->cgroup_fd, run_on_event, r, r->no_events_why,
				   sizeof(r->no_events_why));
	if (r->stream)
		return EXIT_OK;
	if (r->events_out) {
		p_err("--events: cannot collect decision events: %s", r->no_events_why);
		return EXIT_FAIL;
	}
	if (verbose)
		p_err("no decision events (%s): the summary has counters only", r->no_events_why);
	r->have_before = ctl_counters(r->ctl_fd, &r->before) == 0;
	return EXIT_OK;
}

/* Put the cgroup under the policy: a module scope and its events, or BPF. */
static int enforce(struct run *r)
{
	if (r->backend == RUN_BACKEND_BPF)
		return run_lsm_start(r);
	if (run_apply_policy(r))
		return EXIT_FAIL;
	return open_stream(r);
}

/* Close what prepare() opened; a failed --events file is said here. */
static void release(struct run *r)
{
	if (r->events_out) {
		if ((fflush(r->events_out) || ferror(r->events_out)) && !r->events_failed)
			r->events_failed = true;
		if (r->events_failed)
			p_err("writing events to %s: %s", r->events_arg, strerror(errno));
		if (r->events_out != stdout)
			fclose(r->events_out);
		jw_set_output(NULL, true);
	}
	ev_stream_close(r->stream);
	run_lsm_stop(r);
	if (r->parent_fd >= 0)
		close(r->parent_fd);
	if (r->ctl_fd >= 0)
		close(r->ctl_fd);
	free(r->parent_shown);
}

int do_run(int argc, char **argv)
{
	struct run *r;
	int ret, status = 0;

	r = calloc(1, sizeof(*r));
	if (!r) {
		p_err("out of memory");
		return EXIT_FAIL;
	}
	r->ctl_fd = r->parent_fd = r->cgroup_fd = -1;
	r->profile = CG_DEFAULT_PROFILE;
	r->mode = CG_MODE_ENFORCE;
	ret = parse_opts(argc, argv, r);
	if (ret >= 0) {
		free(r);
		return ret;
	}

	ret = prepare(r);
	if (ret == EXIT_OK) {
		ret = EXIT_FAIL;
		if (!run_create_cgroup(r) && !enforce(r)) {
			ret = run_spawn(r, argv + optind, &status);
			if (ret < 0)
				ret = status;
		}
		run_teardown(r);
		run_lsm_finish(r);
		if (r->started)
			run_summary(r, ret);
	}
	release(r);
	free(r);
	return ret;
}
