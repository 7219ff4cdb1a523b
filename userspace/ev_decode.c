// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * ev_decode: one BPF record (<clonegate/events.h>) into a struct ev (ev.h).
 *
 * The record is what the BPF side could write cheaply: kernel monotonic
 * times, paths as components leaf first, the cgroup path with no container
 * id. Here the times become CLOCK_REALTIME (the caller keeps the offset,
 * ev_realtime_offset(), and follows clock steps), the paths are joined and
 * the container id is found, once, so that every sink formats the same
 * values and none of them reads a record.
 *
 * A record whose type or size this build does not know is refused, never
 * guessed at: the reader counts it as skipped. The layout of the records
 * is the BPF programs' (bpf/clone_events.bpf.c); when they change, this
 * file is the one userspace file to follow.
 */
#include <stdio.h>
#include <string.h>

#include "cgpaths.h"
#include "ev.h"

long long ev_clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* CLOCK_REALTIME - CLOCK_MONOTONIC, sampled tightly. */
long long ev_realtime_offset(void)
{
	long long m1 = ev_clock_ns(CLOCK_MONOTONIC);
	long long r = ev_clock_ns(CLOCK_REALTIME);
	long long m2 = ev_clock_ns(CLOCK_MONOTONIC);

	return r - (m1 + (m2 - m1) / 2);
}

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
		decode_cgroup(c, ev_cgpath(&t->cgroup, t->cgroup_id));
}

/* Record -> ev (see ev.h). */
bool ev_decode(struct ev *ev, const void *data, size_t len, long long off)
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
