// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * clonegate run: run a command under a policy in a transient cgroup.
 *
 *   1. mkdir PARENT/clonegate.run.<our pid> and APPLY the policy to it;
 *   2. load the decision BPF program, filtered to that cgroup (if it can
 *      load; else fall back to the module's counters);
 *   3. fork; the child waits on a pipe while we write its pid into the
 *      cgroup's cgroup.procs, then it execs CMD: CMD and every descendant
 *      are policed from their first instruction;
 *   4. wait for CMD (forwarding SIGINT, SIGTERM, SIGHUP), collecting events;
 *   5. kill what is left in the cgroup (cgroup.kill), wait until it is empty
 *      (cgroup.events "populated 0"), take the last events and the scope's
 *      counters, REMOVE the scope, rmdir the cgroup, print the summary.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <clonegate/tables.h>

#include "cgroup.h"
#include "ctl.h"
#include "evsink.h"
#include "json.h"
#include "main.h"

#define RUN_PREFIX	"clonegate.run."
#define MAX_KINDS	256		/* distinct (rule, entry, flags, mode) rows */
#define EMPTY_WAIT_MS	10000		/* cgroup.kill is synchronous; this is a guard */

/* Exit statuses of 'run' itself, like a shell's. */
#define EXIT_NOEXEC	126
#define EXIT_NOTFOUND	127

struct kind {
	__u32 rule, entry, mode;
	int err;
	__u64 flags;
	unsigned long long count;
	__u32 first_pid;
	char first_comm[CG_COMM_LEN + 1];
};

struct run {
	/* configuration */
	int profile, mode;
	const char *parent_arg;
	const char *events_arg;
	FILE *events_out;
	/* state */
	int ctl_fd, parent_fd, cg_fd;
	char name[64];			/* clonegate.run.<pid> */
	char *parent_shown;
	char shown[4096];		/* the cgroup as 'policy list' prints it */
	const char *cmd;		/* argv[0] of CMD */
	bool applied, created, started;
	__u64 cgroup_id;
	struct ev_stream *stream;
	char no_events_why[256];
	struct cg_counters before;
	bool have_before;
	/* results */
	struct kind kinds[MAX_KINDS];
	unsigned int nkinds;
	unsigned long long other;	/* events beyond MAX_KINDS rows */
	unsigned long long refused, audited, dropped;
	bool have_scope;
	struct cg_scope_info scope;
	struct cg_counters after;
	bool have_after;
	bool events_failed;
};

static volatile sig_atomic_t child_pid;

static int run_help(void)
{
	printf("Usage: clonegate run [--profile NAME] [--audit] [--events FILE|-]\n"
	       "                     [--parent-cgroup PATH] [--json] -- CMD [ARGS...]\n"
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
	       "module's decision events (BPF; needs BTF); when they cannot be loaded,\n"
	       "the summary falls back to the module's counters and says so.\n"
	       "\n"
	       "  --profile NAME        default %s (see 'clonegate profile list')\n"
	       "  --audit               mode audit: Linux answers every call and the\n"
	       "                        summary lists what gVisor would refuse (\"would\n"
	       "                        this workload run under gVisor?\"); default enforce\n"
	       "  --events FILE|-       also write the decision events as JSON lines to\n"
	       "                        FILE ('-': stdout, mixed with CMD's output)\n"
	       "  --parent-cgroup PATH  create the transient cgroup under PATH (a cgroup v2\n"
	       "                        directory) instead of the root cgroup\n"
	       "  --json                the summary as one JSON object (on stderr)\n"
	       "\n"
	       "Needs root and the clonegate module, from a task outside every enforcing\n"
	       "or auditing scope.\n"
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

/*
 * Forward a signal sent to us (kill, systemd, a supervisor). One that the
 * terminal sent (^C: si_code SI_KERNEL) reached CMD too, as it is in our
 * process group: it is not sent twice.
 */
static void forward_signal(int sig, siginfo_t *info, void *uctx)
{
	pid_t pid = child_pid;

	(void)uctx;
	if (pid > 0 && info->si_code != SI_KERNEL)
		kill(pid, sig);
}

/* ---- events ------------------------------------------------------------- */

static void on_event(const struct ev *ev, void *ctx)
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

/* ---- the cgroup --------------------------------------------------------- */

/* Write a short string to a file in the cgroup: 0 or -errno. */
static int cg_write(int dfd, const char *file, const char *val)
{
	ssize_t n, len = strlen(val);
	int fd, err = 0;

	fd = openat(dfd, file, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, val, len);
	if (n != len)
		err = n < 0 ? -errno : -EIO;
	close(fd);
	return err;
}

/* Is the cgroup populated (cgroup.events)? 1, 0, or -errno. */
static int cg_populated(int evfd)
{
	char buf[256], *p;
	ssize_t n;

	n = pread(evfd, buf, sizeof(buf) - 1, 0);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	p = strstr(buf, "populated ");
	if (!p)
		return -EINVAL;
	return p[10] == '1';
}

/* SIGKILL every process listed in cgroup.procs; how many were listed. */
static int kill_listed(int dfd)
{
	char buf[4096], *p, *end;
	ssize_t n;
	int fd, count = 0;

	fd = openat(dfd, "cgroup.procs", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	while ((n = read(fd, buf, sizeof(buf) - 1)) > 0) {
		buf[n] = '\0';
		for (p = buf; *p; p = end) {
			long pid = strtol(p, &end, 10);

			if (end == p)
				break;
			if (pid > 0 && kill(pid, SIGKILL) == 0)
				count++;
			while (*end == '\n')
				end++;
		}
	}
	close(fd);
	return count;
}

/*
 * Kill what CMD left behind and wait until the cgroup is empty. The wait
 * is on cgroup.events, which the kernel notifies (POLLPRI) when
 * "populated" changes; events keep being collected meanwhile.
 */
static bool empty_cgroup(struct run *r)
{
	struct pollfd pfd[2];
	bool have_kill;
	int evfd, pop, waited = 0, err;

	evfd = openat(r->cg_fd, "cgroup.events", O_RDONLY | O_CLOEXEC);
	if (evfd < 0) {
		p_err("cannot open %s/cgroup.events: %s", r->shown, strerror(errno));
		return false;
	}
	pop = cg_populated(evfd);
	if (pop == 1) {
		/* cgroup.kill (5.14+) kills everything, new forks included. */
		err = cg_write(r->cg_fd, "cgroup.kill", "1");
		have_kill = err == 0;
		if (err && err != -ENOENT)
			p_err("writing %s/cgroup.kill: %s", r->shown, strerror(-err));
		if (!have_kill)
			kill_listed(r->cg_fd);
	}
	while ((pop = cg_populated(evfd)) == 1 && waited < EMPTY_WAIT_MS) {
		pfd[0].fd = evfd;
		pfd[0].events = POLLPRI;
		pfd[1].fd = r->stream ? ev_stream_fd(r->stream) : -1;
		pfd[1].events = POLLIN;
		if (poll(pfd, 2, 100) == 0)
			waited += 100;
		if (r->stream)
			ev_stream_consume(r->stream);
		/* Without cgroup.kill, forks racing the kill need another round. */
		kill_listed(r->cg_fd);
	}
	close(evfd);
	if (pop == 1) {
		p_err("processes are still running in %s after SIGKILL (%d s): leaving it",
		      r->shown, EMPTY_WAIT_MS / 1000);
		return false;
	}
	return true;
}

/* ---- setup -------------------------------------------------------------- */

static int open_parent(struct run *r)
{
	const char *arg = r->parent_arg ? r->parent_arg : "/";

	r->parent_fd = cgroup_open(arg, &r->parent_shown);
	if (r->parent_fd < 0)
		return EXIT_FAIL;
	snprintf(r->name, sizeof(r->name), RUN_PREFIX "%d", (int)getpid());
	snprintf(r->shown, sizeof(r->shown), "%s%s%s", r->parent_shown,
		 strcmp(r->parent_shown, "/") ? "/" : "", r->name);
	return EXIT_OK;
}

static int create_cgroup(struct run *r)
{
	struct stat st;

	if (mkdirat(r->parent_fd, r->name, 0755) < 0) {
		if (errno == EEXIST)
			p_err("scope busy: the cgroup %s already exists (left by a run that was killed? remove its scope and the directory: 'clonegate policy remove --cgroup %s; rmdir %s%s')",
			      r->shown, r->shown, cgroup_root(), r->shown);
		else if (errno == EACCES || errno == EPERM)
			p_err("permission denied creating the cgroup %s (run as root)", r->shown);
		else
			p_err("cannot create the cgroup %s: %s", r->shown, strerror(errno));
		return EXIT_FAIL;
	}
	r->created = true;
	r->cg_fd = openat(r->parent_fd, r->name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (r->cg_fd < 0 || fstat(r->cg_fd, &st) < 0) {
		p_err("cannot open the cgroup %s: %s", r->shown, strerror(errno));
		return EXIT_FAIL;
	}
	r->cgroup_id = st.st_ino;
	return EXIT_OK;
}

static int apply_policy(struct run *r)
{
	struct cg_policy p;
	int err;

	memset(&p, 0, sizeof(p));
	p.scope = CG_SCOPE_CGROUP;
	p.cgroup_fd = r->cg_fd;
	p.profile = r->profile;
	p.mode = r->mode;
	err = ctl_apply(r->ctl_fd, &p);
	if (err == -EPERM)
		p_err("permission denied applying the policy: run as root (CAP_SYS_ADMIN in the initial user namespace), from outside every enforcing or auditing scope (see 'clonegate policy list')");
	else if (err == -ENOSPC)
		p_err("scope busy: the module already holds its %d scopes (remove one with 'clonegate policy remove')",
		      CG_MAX_SCOPES);
	else if (err)
		p_err("applying the policy to %s: %s", r->shown, ctl_strerror(err));
	if (err)
		return EXIT_FAIL;
	r->applied = true;
	if (p.cgroup_id)
		r->cgroup_id = p.cgroup_id;
	return EXIT_OK;
}

/* ---- teardown ----------------------------------------------------------- */

static void read_scope(struct run *r)
{
	struct cg_scope_info *sc = NULL;
	__u32 n = 0, i;

	if (ctl_list(r->ctl_fd, &sc, &n, NULL))
		return;
	for (i = 0; i < n; i++) {
		if (sc[i].scope == CG_SCOPE_CGROUP && sc[i].cgroup_id == r->cgroup_id) {
			r->scope = sc[i];
			r->have_scope = true;
		}
	}
	free(sc);
}

static bool teardown(struct run *r)
{
	struct cg_policy p;
	bool ok = true;
	int err;

	if (r->cg_fd >= 0 && !empty_cgroup(r))
		ok = false;
	if (r->stream)
		ev_stream_consume(r->stream);
	if (r->applied) {
		read_scope(r);
		if (r->have_before && !ctl_counters(r->ctl_fd, &r->after))
			r->have_after = true;
		memset(&p, 0, sizeof(p));
		p.scope = CG_SCOPE_CGROUP;
		p.cgroup_fd = r->cg_fd;
		err = ctl_remove(r->ctl_fd, &p);
		if (err) {
			p_err("removing the scope of %s: %s (remove it with 'clonegate policy remove --cgroup %s')",
			      r->shown, ctl_strerror(err), r->shown);
			ok = false;
		}
	}
	if (r->cg_fd >= 0)
		close(r->cg_fd);
	r->cg_fd = -1;
	if (r->created && ok && unlinkat(r->parent_fd, r->name, AT_REMOVEDIR) < 0) {
		p_err("removing the cgroup %s: %s (rmdir %s%s)", r->shown, strerror(errno),
		      cgroup_root(), r->shown);
		ok = false;
	}
	return ok;
}

/* ---- the summary -------------------------------------------------------- */

static const char *flags_text(const struct kind *k, char *buf, size_t len)
{
	const char *ns;

	if (k->entry == CG_ENTRY_SETNS || k->entry == CG_ENTRY_IA32_SETNS) {
		ns = k->flags ? ev_ns_name(k->flags) : "nstype 0";
		snprintf(buf, len, "%s", ns ? ns : "?");
		if (!ns)
			snprintf(buf, len, "nstype 0x%llx", (unsigned long long)k->flags);
		return buf;
	}
	ev_flag_names(k->flags, buf, len);
	return buf;
}

static const char *kind_mode(const struct kind *k)
{
	if (k->rule == CG_RULE_UDROP)
		return "dropped";
	return k->mode == CG_MODE_ENFORCE ? "refused" : "audited";
}

static void summary_json(struct run *r, int status)
{
	char b1[32], b2[32], fl[256];
	unsigned int i, j;

	jw_set_output(stderr, true);
	jw_begin_object(NULL);
	jw_string("type", "run_summary");
	jw_string("profile", profile_name(r->profile, b1, sizeof(b1)));
	jw_string("mode", mode_name(r->mode, b2, sizeof(b2)));
	jw_string("cgroup", r->shown);
	jw_i64("exit_status", status);
	jw_bool("detail", r->stream != NULL);
	if (!r->stream)
		jw_string("detail_unavailable", r->no_events_why);
	if (r->have_scope) {
		jw_u64("checked", r->scope.checked);
		jw_u64("refused", r->scope.refused);
		jw_u64("audited", r->scope.audited);
	}
	if (r->stream) {
		jw_u64("dropped_unshare_bits", r->dropped);
		jw_u64("events_lost", ev_stream_lost(r->stream) + r->other);
		jw_begin_array("calls");
		for (i = 0; i < r->nkinds; i++) {
			const struct kind *k = &r->kinds[i];

			jw_begin_object(NULL);
			jw_string("result", kind_mode(k));
			jw_string("rule", rule_name(k->rule, b1, sizeof(b1)));
			jw_string("entry_point", entry_name(k->entry, b2, sizeof(b2)));
			jw_u64("flags", k->flags);
			jw_string("flag_names", flags_text(k, fl, sizeof(fl)));
			jw_i64("errorno", k->err);
			jw_u64("count", k->count);
			jw_u64("first_pid", k->first_pid);
			jw_string("first_comm", k->first_comm);
			jw_end_object();
		}
		jw_end_array();
	} else if (r->have_after) {
		jw_begin_array("rules_module_wide");
		for (j = 0; j < CG_RULE_MAX; j++) {
			unsigned long long ref = r->after.refused[j] - r->before.refused[j];
			unsigned long long aud = r->after.audited[j] - r->before.audited[j];

			if (!ref && !aud)
				continue;
			jw_begin_object(NULL);
			jw_string("rule", rule_name(j, b1, sizeof(b1)));
			jw_u64("refused", ref);
			jw_u64("audited", aud);
			jw_end_object();
		}
		jw_end_array();
	}
	jw_end_object();
	jw_end_line();
	jw_set_output(NULL, true);
}

static void summary_text(struct run *r, int status)
{
	char b1[32], b2[32], fl[256], first[48];
	unsigned long long lost;
	unsigned int i, j;

	fflush(stdout);
	fprintf(stderr, "clonegate run: %s exited with status %d; profile %s, mode %s, cgroup %s\n",
		r->cmd, status, profile_name(r->profile, b1, sizeof(b1)),
		mode_name(r->mode, b2, sizeof(b2)), r->shown);
	if (r->have_scope)
		fprintf(stderr, "clonegate run: checked %llu calls: %llu refused, %llu audited\n",
			(unsigned long long)r->scope.checked, (unsigned long long)r->scope.refused,
			(unsigned long long)r->scope.audited);
	if (!r->stream) {
		fprintf(stderr, "clonegate run: per-call detail unavailable (%s)\n",
			r->no_events_why);
		if (!r->have_after)
			return;
		fprintf(stderr, "  %-9s %8s %8s   (module-wide: other scopes' calls are included)\n",
			"RULE", "REFUSED", "AUDITED");
		for (j = 0; j < CG_RULE_MAX; j++) {
			unsigned long long ref = r->after.refused[j] - r->before.refused[j];
			unsigned long long aud = r->after.audited[j] - r->before.audited[j];

			if (ref || aud)
				fprintf(stderr, "  %-9s %8llu %8llu\n", rule_name(j, b1, sizeof(b1)),
					ref, aud);
		}
		return;
	}
	if (!r->nkinds) {
		fprintf(stderr, "clonegate run: no call was refused or audited\n");
	} else {
		fprintf(stderr, "  %-8s %-9s %-13s %-24s %-8s %6s  %s\n", "RESULT", "RULE", "ENTRY",
			"FLAGS", "ERRNO", "COUNT", "FIRST (PID COMM)");
		for (i = 0; i < r->nkinds; i++) {
			const struct kind *k = &r->kinds[i];

			snprintf(first, sizeof(first), "%u %s", k->first_pid, k->first_comm);
			fprintf(stderr, "  %-8s %-9s %-13s %-24s %-8s %6llu  %s\n", kind_mode(k),
				rule_name(k->rule, b1, sizeof(b1)),
				entry_name(k->entry, b2, sizeof(b2)),
				flags_text(k, fl, sizeof(fl)), errno_name(k->err), k->count, first);
		}
	}
	lost = ev_stream_lost(r->stream) + r->other;
	if (lost)
		fprintf(stderr, "clonegate run: %llu decision events were lost (counted above only in the totals)\n",
			lost);
}

/* ---- the command -------------------------------------------------------- */

/* The child: wait for the go byte, then exec; report exec's errno on errfd. */
static void __attribute__((noreturn)) child(char **argv, int gofd, int errfd,
					    const sigset_t *oldmask)
{
	struct sigaction sa;
	char c;
	int e;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGPIPE, &sa, NULL);
	sigprocmask(SIG_SETMASK, oldmask, NULL);
	if (read(gofd, &c, 1) != 1)
		_exit(EXIT_FAIL);	/* the parent gave up: it says why */
	close(gofd);
	execvp(argv[0], argv);
	e = errno;
	if (write(errfd, &e, sizeof(e)) != sizeof(e))
		_exit(EXIT_NOEXEC);
	_exit(e == ENOENT ? EXIT_NOTFOUND : EXIT_NOEXEC);
}

static int wait_child(struct run *r, pid_t pid)
{
	struct pollfd pfd[2];
	int pidfd, status = 0, n;
	pid_t w;

	pidfd = syscall(SYS_pidfd_open, pid, 0);
	for (;;) {
		if (pidfd < 0) {
			/* No pidfd (before 5.3): wait in slices. */
			w = waitpid(pid, &status, WNOHANG);
			if (w == pid)
				break;
		}
		pfd[0].fd = pidfd;
		pfd[0].events = POLLIN;
		pfd[1].fd = r->stream ? ev_stream_fd(r->stream) : -1;
		pfd[1].events = POLLIN;
		n = poll(pfd, 2, 100);
		if (r->stream)
			ev_stream_consume(r->stream);
		if (n > 0 && pidfd >= 0 && (pfd[0].revents & POLLIN)) {
			do
				w = waitpid(pid, &status, 0);
			while (w < 0 && errno == EINTR);
			break;
		}
	}
	if (pidfd >= 0)
		close(pidfd);
	child_pid = 0;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

static int start_and_wait(struct run *r, char **argv, int *status)
{
	int go[2] = { -1, -1 }, errp[2] = { -1, -1 }, e = 0, err;
	struct sigaction sa;
	sigset_t block, old;
	char buf[32];
	ssize_t n;
	pid_t pid;

	if (pipe2(go, O_CLOEXEC) || pipe2(errp, O_CLOEXEC)) {
		p_err("pipe: %s", strerror(errno));
		return EXIT_FAIL;
	}
	/* No signal may reach us between fork and the forwarding handlers. */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigprocmask(SIG_BLOCK, &block, &old);
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		p_err("fork: %s", strerror(errno));
		sigprocmask(SIG_SETMASK, &old, NULL);
		return EXIT_FAIL;
	}
	if (pid == 0) {
		close(go[1]);
		close(errp[0]);
		child(argv, go[0], errp[1], &old);
	}
	close(go[0]);
	close(errp[1]);
	child_pid = pid;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = forward_signal;
	sa.sa_flags = SA_RESTART | SA_SIGINFO;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	/* A closed --events pipe must not kill us before the cleanup. */
	signal(SIGPIPE, SIG_IGN);
	sigprocmask(SIG_SETMASK, &old, NULL);

	snprintf(buf, sizeof(buf), "%d", (int)pid);
	err = cg_write(r->cg_fd, "cgroup.procs", buf);
	if (err) {
		p_err("moving the command into %s: %s", r->shown, strerror(-err));
		close(go[1]);	/* the child exits without running CMD */
		close(errp[0]);
		wait_child(r, pid);
		return EXIT_FAIL;
	}
	r->started = true;
	if (write(go[1], "g", 1) != 1) {
		p_err("starting the command: %s", strerror(errno));
		kill(pid, SIGKILL);
	}
	close(go[1]);
	do
		n = read(errp[0], &e, sizeof(e));
	while (n < 0 && errno == EINTR);
	close(errp[0]);
	*status = wait_child(r, pid);
	if (n == sizeof(e)) {
		if (e == ENOENT)
			p_err("%s: command not found (check the name and PATH)", argv[0]);
		else
			p_err("%s: cannot execute: %s", argv[0], strerror(e));
		return e == ENOENT ? EXIT_NOTFOUND : EXIT_NOEXEC;
	}
	return -1;
}

int do_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "profile",		required_argument,	NULL, 'p' },
		{ "audit",		no_argument,		NULL, 'a' },
		{ "events",		required_argument,	NULL, 'e' },
		{ "parent-cgroup",	required_argument,	NULL, 'P' },
		{ "json",		no_argument,		NULL, 'j' },
		{ "help",		no_argument,		NULL, 'h' },
		{ 0 }
	};
	const char *where = "clonegate run", *profile_arg = NULL;
	struct run *r;
	int opt, ret = EXIT_FAIL, status = 0, i;

	r = calloc(1, sizeof(*r));
	if (!r) {
		p_err("out of memory");
		return EXIT_FAIL;
	}
	r->ctl_fd = r->parent_fd = r->cg_fd = -1;
	r->profile = CG_DEFAULT_PROFILE;
	r->mode = CG_MODE_ENFORCE;
	optind = 0;
	/* '+': options end at CMD, whose own options are its business. */
	while ((opt = next_opt(argc, argv, "+:p:ae:P:jh", opts, where)) != -1) {
		switch (opt) {
		case 'p': profile_arg = optarg; break;
		case 'a': r->mode = CG_MODE_AUDIT; break;
		case 'e': r->events_arg = optarg; break;
		case 'P': r->parent_arg = optarg; break;
		case 'j': json_output = true; break;
		case 'h': free(r); return run_help();
		default:  free(r); return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		free(r);
		return usage_err(where, "which command? give it after '--'");
	}
	r->cmd = argv[optind];
	if (r->events_arg && !*r->events_arg) {
		free(r);
		return usage_err(where, "--events needs a file name or '-'");
	}
	if (profile_arg) {
		r->profile = profile_lookup(profile_arg);
		if (r->profile < 0) {
			fflush(stdout);
			fprintf(stderr, "clonegate: unknown profile '%s' (one of:", profile_arg);
			for (i = 0; i < CG_PROFILE_MAX; i++)
				fprintf(stderr, " %s", cg_profiles[i].name);
			fprintf(stderr, "; see 'clonegate profile list')\n");
			free(r);
			return EXIT_FAIL;
		}
	}

	/* Everything that can fail is checked before anything is created. */
	r->ctl_fd = ctl_open();
	if (r->ctl_fd < 0) {
		if (r->ctl_fd == -EACCES || r->ctl_fd == -EPERM)
			p_err("permission denied: clonegate run needs root (it creates a cgroup and applies a policy; run it with sudo)");
		else
			ctl_open_error(r->ctl_fd);
		r->ctl_fd = -1;
		goto out;
	}
	if (geteuid() != 0) {
		p_err("permission denied: clonegate run needs root (it creates a cgroup and applies a policy; run it with sudo)");
		goto out;
	}
	if (open_parent(r))
		goto out;
	if (r->events_arg) {
		if (!strcmp(r->events_arg, "-")) {
			r->events_out = stdout;
		} else {
			r->events_out = fopen(r->events_arg, "we");
			if (!r->events_out) {
				p_err("cannot open %s for writing: %s", r->events_arg,
				      strerror(errno));
				goto out;
			}
		}
		jw_set_output(r->events_out, true);
	}
	if (create_cgroup(r) || apply_policy(r))
		goto cleanup;

	r->stream = ev_stream_open(r->cg_fd, on_event, r, r->no_events_why,
				   sizeof(r->no_events_why));
	if (!r->stream) {
		if (r->events_out) {
			p_err("--events: cannot collect decision events: %s", r->no_events_why);
			goto cleanup;
		}
		if (verbose)
			p_err("no decision events (%s): the summary has counters only",
			      r->no_events_why);
		r->have_before = ctl_counters(r->ctl_fd, &r->before) == 0;
	}

	ret = start_and_wait(r, argv + optind, &status);
	if (ret < 0)
		ret = status;

cleanup:
	teardown(r);
	if (r->started) {
		if (json_output)
			summary_json(r, ret);
		else
			summary_text(r, ret);
	}
out:
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
	if (r->parent_fd >= 0)
		close(r->parent_fd);
	if (r->ctl_fd >= 0)
		close(r->ctl_fd);
	free(r->parent_shown);
	free(r);
	return ret;
}
