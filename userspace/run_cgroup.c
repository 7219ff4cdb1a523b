// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * run_cgroup: the life of the transient cgroup a 'clonegate run' command
 * is policed in, and of the module's scope on it.
 *
 *   mkdir PARENT/clonegate.run.<our pid>, APPLY the policy to it; at the
 *   end, kill what is left in it (cgroup.kill, or SIGKILL each listed
 *   process on kernels before 5.14), wait until cgroup.events says
 *   "populated 0", read the scope's counters, REMOVE the scope, rmdir.
 *
 * Each failure is said once, with the command that cleans up by hand. A
 * cgroup that cannot be emptied is left in place (rmdir would fail), and
 * so is its scope only if REMOVE fails.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup.h"
#include "ctl.h"
#include "diag.h"
#include "ev_stream.h"
#include "run.h"

#define EMPTY_WAIT_MS	10000		/* cgroup.kill is synchronous; this is a guard */

int run_open_parent(struct run *r)
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

int run_create_cgroup(struct run *r)
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
	r->cgroup_fd = openat(r->parent_fd, r->name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (r->cgroup_fd < 0 || fstat(r->cgroup_fd, &st) < 0) {
		p_err("cannot open the cgroup %s: %s", r->shown, strerror(errno));
		return EXIT_FAIL;
	}
	r->cgroup_id = st.st_ino;
	return EXIT_OK;
}

int run_apply_policy(struct run *r)
{
	struct cg_policy p;
	int err;

	memset(&p, 0, sizeof(p));
	p.scope = CG_SCOPE_CGROUP;
	p.cgroup_fd = r->cgroup_fd;
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

/*
 * Kill what CMD left behind and wait until the cgroup is empty. The wait
 * is on cgroup.events, which the kernel notifies (POLLPRI) when
 * "populated" changes; events keep being collected meanwhile.
 */
static bool empty_cgroup(struct run *r)
{
	bool have_kill;
	int evfd, pop, waited = 0, err;

	evfd = openat(r->cgroup_fd, "cgroup.events", O_RDONLY | O_CLOEXEC);
	if (evfd < 0) {
		p_err("cannot open %s/cgroup.events: %s", r->shown, strerror(errno));
		return false;
	}
	pop = cgroup_populated(evfd);
	if (pop == 1) {
		/* cgroup.kill (5.14+) kills everything, new forks included. */
		err = cgroup_write(r->cgroup_fd, "cgroup.kill", "1");
		have_kill = err == 0;
		if (err && err != -ENOENT)
			p_err("writing %s/cgroup.kill: %s", r->shown, strerror(-err));
		if (!have_kill)
			cgroup_kill_listed(r->cgroup_fd);
	}
	while ((pop = cgroup_populated(evfd)) == 1 && waited < EMPTY_WAIT_MS) {
		if (run_poll(r, evfd, POLLPRI, 100, NULL) == 0)
			waited += 100;
		/* Without cgroup.kill, forks racing the kill need another round. */
		cgroup_kill_listed(r->cgroup_fd);
	}
	close(evfd);
	if (pop == 1) {
		p_err("processes are still running in %s after SIGKILL (%d s): leaving it",
		      r->shown, EMPTY_WAIT_MS / 1000);
		return false;
	}
	return true;
}

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

bool run_teardown(struct run *r)
{
	struct cg_policy p;
	bool ok = true;
	int err;

	if (r->cgroup_fd >= 0 && !empty_cgroup(r))
		ok = false;
	if (r->stream)
		ev_stream_consume(r->stream);
	if (r->applied) {
		read_scope(r);
		if (r->have_before && !ctl_counters(r->ctl_fd, &r->after))
			r->have_after = true;
		memset(&p, 0, sizeof(p));
		p.scope = CG_SCOPE_CGROUP;
		p.cgroup_fd = r->cgroup_fd;
		err = ctl_remove(r->ctl_fd, &p);
		if (err) {
			p_err("removing the scope of %s: %s (remove it with 'clonegate policy remove --cgroup %s')",
			      r->shown, ctl_strerror(err), r->shown);
			ok = false;
		}
	}
	if (r->cgroup_fd >= 0)
		close(r->cgroup_fd);
	r->cgroup_fd = -1;
	if (r->created && ok && unlinkat(r->parent_fd, r->name, AT_REMOVEDIR) < 0) {
		p_err("removing the cgroup %s: %s (rmdir %s%s)", r->shown, strerror(errno),
		      cgroup_root(), r->shown);
		ok = false;
	}
	return ok;
}
