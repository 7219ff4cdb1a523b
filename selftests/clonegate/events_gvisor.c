// SPDX-License-Identifier: GPL-2.0
/*
 * events_gvisor: 'clonegate events --gvisor-endpoint' speaks gVisor's remote
 * sink protocol. The test is the server, as gVisor's examples/seccheck
 * server is: a SOCK_SEQPACKET listener that exchanges the Handshake and
 * decodes every datagram (8-byte little-endian header, then a protobuf
 * decoded with protobuf-c from clonegate's .proto files). The wire layout
 * of CloneInfo is also checked by hand against gVisor's field numbers, so
 * a wrong number in the .proto files cannot hide behind a matching decoder.
 *
 *   decodes_workload   every event of a workload arrives, with the right
 *                      header and fields (ground truth as in events_clone)
 *   process_names      names that are UTF-8, cut inside a character, or not
 *                      UTF-8: sent as the JSON sink writes them (U+FFFD)
 *   stalled_receiver   a server that stops reading: events are dropped and
 *                      counted (header and summary), every clone succeeds
 *   server_restart     the server goes away mid-stream and comes back on the
 *                      same path: the collector goes on (its JSON lines miss
 *                      nothing), drops and counts what came meanwhile,
 *                      reconnects by itself, and its summary adds up per
 *                      sink (delivered + dropped = events; delivered = what
 *                      the two servers received); the new server's first
 *                      header carries the drops
 *   exit_on_error      --gvisor-exit-on-error: the old behaviour, exit
 *                      status 2, with the event that failed counted dropped
 *
 * Phases end with the workload's marker, and each wait is for something
 * observable (a datagram, a JSON line, a line on the collector's stderr)
 * with a bound, never a sleep.
 */
#include "events_helpers.h"	/* first: _GNU_SOURCE */

#include <sys/socket.h>
#include <sys/un.h>

#include "clonegate.pb-c.h"
#include "common.pb-c.h"
#include "sentry.pb-c.h"
#include "events_names.h"
#include "kselftest_harness.h"

#define TOL_NS		50000000LL
#define MSG_CLONE	2
#define MSG_DECISION	1000
#define MSG_UNSHARE	1001
#define MSG_SETNS	1002
#define NEWUTS		0x04000000ULL

/* ---- the server ---- */

struct server {
	int lfd, cfd;
	char path[108];
};

static int server_listen(struct server *s)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };

	snprintf(s->path, sizeof(s->path), "/tmp/cg-gvisor-%d.sock", getpid());
	unlink(s->path);
	strcpy(a.sun_path, s->path);
	s->cfd = -1;
	s->lfd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (s->lfd < 0 || bind(s->lfd, (struct sockaddr *)&a, sizeof(a)) || listen(s->lfd, 1))
		return -errno;
	return 0;
}

/* Accept, check the client's Handshake byte for byte, answer version 1. */
static int server_handshake(struct server *s)
{
	Gvisor__Common__Handshake out = GVISOR__COMMON__HANDSHAKE__INIT, *in;
	struct pollfd p = { .fd = s->lfd, .events = POLLIN };
	uint8_t buf[10240];
	ssize_t n;

	if (poll(&p, 1, EV_TIMEOUT_MS) != 1)
		return -ETIMEDOUT;
	s->cfd = accept4(s->lfd, NULL, NULL, SOCK_CLOEXEC);
	if (s->cfd < 0)
		return -errno;
	p.fd = s->cfd;
	if (poll(&p, 1, EV_TIMEOUT_MS) != 1)
		return -ETIMEDOUT;
	n = recv(s->cfd, buf, sizeof(buf), 0);
	/* Handshake{version: 1} is field 1, varint 1: exactly 08 01. */
	if (n != 2 || buf[0] != 0x08 || buf[1] != 0x01)
		return -EPROTO;
	in = gvisor__common__handshake__unpack(NULL, n, buf);
	if (!in || in->version != 1)
		return -EPROTO;
	gvisor__common__handshake__free_unpacked(in, NULL);
	out.version = 1;
	n = gvisor__common__handshake__pack(&out, buf);
	return send(s->cfd, buf, n, 0) == n ? 0 : -errno;
}

static void server_close(struct server *s)
{
	if (s->cfd >= 0)
		close(s->cfd);
	if (s->lfd >= 0)
		close(s->lfd);
	s->cfd = s->lfd = -1;
	unlink(s->path);
}

struct dgram {
	uint16_t header_size, type;
	uint32_t dropped;
	const uint8_t *payload;
	size_t len;
	uint8_t buf[65536];
};

static bool server_next(struct server *s, struct dgram *d, int timeout_ms)
{
	struct pollfd p = { .fd = s->cfd, .events = POLLIN };
	ssize_t n;

	if (poll(&p, 1, timeout_ms) != 1)
		return false;
	n = recv(s->cfd, d->buf, sizeof(d->buf), 0);
	if (n < 8)
		return false;
	d->header_size = d->buf[0] | d->buf[1] << 8;
	d->type = d->buf[2] | d->buf[3] << 8;
	d->dropped = d->buf[4] | d->buf[5] << 8 | d->buf[6] << 16 | (uint32_t)d->buf[7] << 24;
	if (d->header_size > n)
		return false;
	d->payload = d->buf + d->header_size;
	d->len = n - d->header_size;
	return true;
}

static bool is_marker(const struct dgram *d)
{
	Clonegate__Setns *m;
	bool yes;

	if (d->type != MSG_SETNS)
		return false;
	m = clonegate__setns__unpack(NULL, d->len, d->payload);
	yes = m && m->nstype == EV_MARKER_NSTYPE;
	if (m)
		clonegate__setns__free_unpacked(m, NULL);
	return yes;
}

/*
 * The top-level fields of a protobuf message: a bit per field number seen,
 * and its wire type. Checks the layout independently of protobuf-c.
 */
static bool wire_fields(const uint8_t *p, size_t len, uint32_t *seen, uint8_t wt[32])
{
	size_t i = 0;

	*seen = 0;
	while (i < len) {
		uint64_t key = 0, v = 0;
		int shift = 0;

		do {
			if (i >= len)
				return false;
			key |= (uint64_t)(p[i] & 0x7f) << shift;
			shift += 7;
		} while (p[i++] & 0x80);
		if ((key >> 3) >= 32)
			return false;
		*seen |= 1U << (key >> 3);
		wt[key >> 3] = key & 7;
		shift = 0;
		switch (key & 7) {
		case 0:
			while (i < len && (p[i++] & 0x80))
				;
			break;
		case 2:
			do {
				if (i >= len)
					return false;
				v |= (uint64_t)(p[i] & 0x7f) << shift;
				shift += 7;
			} while (p[i++] & 0x80);
			i += v;
			break;
		default:
			return false;
		}
	}
	return i == len;
}

/* ---- the workload (as in events_clone, smaller) ---- */

static void *th_fn(void *p)
{
	*(int *)p = syscall(SYS_gettid);
	return NULL;
}

static void workload(struct gt_log *g)
{
	struct t_clone_args a = { .flags = T_CLEAR_SIGHAND, .exit_signal = SIGCHLD };
	struct gt_event *e;
	pthread_t th;
	int tid = 0, fd;

	gt_fork_nr(g, T_NR_FORK, 0);
	gt_fork_nr(g, T_NR_VFORK, T_VM | T_VFORK);
	e = gt_add(g, GT_CLONE);
	e->flags = T_CLEAR_SIGHAND;
	e->t0 = gt_now();
	gt_clone_done(g, e, t_sys_clone3_exit(&a, 88), false);
	e = gt_add(g, GT_CLONE);
	e->flags = 0x003d0f00ULL;	/* glibc's pthread_create */
	e->t0 = gt_now();
	if (pthread_create(&th, NULL, th_fn, &tid) == 0)
		pthread_join(th, NULL);
	gt_clone_done(g, e, tid ? tid : -1, true);

	e = gt_add(g, GT_UNSHARE);
	e->flags = NEWUTS;
	e->t0 = gt_now();
	e->result = t_unshare(NEWUTS);
	e->t1 = gt_now();
	fd = open("/proc/self/ns/uts", O_RDONLY | O_CLOEXEC);
	e = gt_add(g, GT_SETNS);
	e->fd = fd;
	e->flags = NEWUTS;
	e->t0 = gt_now();
	e->result = t_setns(fd, NEWUTS);
	e->t1 = gt_now();
	close(fd);
}

/*
 * About twice what a stalled socket queues (280 datagrams in our guests), so
 * that some must be dropped; no more, as each fork is slow on the debug kernel.
 */
#define STORM	600

static void storm(struct gt_log *g)
{
	int i;

	for (i = 0; i < STORM; i++)
		gt_fork_nr(g, T_NR_FORK, 0);
}

/* ---- checks ---- */

static void check_ctx(struct __test_metadata *_metadata, const Gvisor__Common__ContextData *c,
		      const struct gt_event *e)
{
	ASSERT_NE(NULL, c);
	EXPECT_EQ(e->parent_tid, c->thread_id);
	EXPECT_EQ(e->parent_tgid, c->thread_group_id);
	EXPECT_EQ(e->parent_ppid, c->parent_thread_group_id);
	ASSERT_NE(NULL, c->credentials);
	EXPECT_EQ(e->uid[0], c->credentials->real_uid);
	EXPECT_EQ(e->uid[1], c->credentials->effective_uid);
	EXPECT_EQ(e->uid[2], c->credentials->saved_uid);
	EXPECT_EQ(e->gid[0], c->credentials->real_gid);
	EXPECT_EQ(e->gid[1], c->credentials->effective_gid);
	EXPECT_EQ(e->gid[2], c->credentials->saved_gid);
	EXPECT_STREQ(e->cwd, c->cwd);
	EXPECT_STREQ(e->comm, c->process_name);
	EXPECT_LE(e->t0 - TOL_NS, c->time_ns);
	EXPECT_GE(e->t1 + TOL_NS, c->time_ns);
	EXPECT_LE(c->thread_group_start_time_ns, c->thread_start_time_ns);
	EXPECT_LE(c->thread_start_time_ns, c->time_ns);
	EXPECT_NE(0, c->container_id[0]);	/* a cgroup path at least */
}

FIXTURE(gvisor) {
	struct t_cgroup cg;
	struct server srv;
	struct ev_collector col;
	struct ev_worker w;
	struct gt_log *g;
	char dir[64];
	bool started;
};

FIXTURE_SETUP(gvisor)
{
	self->started = false;
	self->w.pid = 0;
	ASSERT_EQ(0, t_cgroup_create(&self->cg, "gvisor"));
	ASSERT_EQ(0, server_listen(&self->srv));
	self->g = gt_create();
	ASSERT_NE(NULL, self->g);
	snprintf(self->dir, sizeof(self->dir), "/tmp/cg-gvisor-%d", getpid());
	ASSERT_EQ(0, mkdir(self->dir, 0755));
}

FIXTURE_TEARDOWN(gvisor)
{
	if (self->w.pid > 0)
		ev_worker_stop(&self->w);
	if (self->started)
		ev_stop(&self->col, SIGKILL);
	server_close(&self->srv);
	t_cgroup_destroy(&self->cg);
	rmdir(self->dir);
}

/* Start the collector with args, answer its handshake, wait until it is ready. */
static bool start_with(struct __test_metadata *_metadata, FIXTURE_DATA(gvisor) *self,
		       const char *const *args, bool pipe_stdout)
{
	int err;

	if (ev_start(&self->col, pipe_stdout, args))
		return false;
	self->started = true;
	err = server_handshake(&self->srv);
	if (err) {
		TH_LOG("handshake: %s", strerror(-err));
		return false;
	}
	if (!ev_wait_ready(&self->col)) {
		TH_LOG("collector not ready: %s", self->col.ebuf);
		return false;
	}
	return true;
}

static bool start(struct __test_metadata *_metadata, FIXTURE_DATA(gvisor) *self)
{
	const char *args[] = { "--gvisor-endpoint", self->srv.path, "--fields", "all",
			       "--cgroup", self->cg.path, "--json", "--output", "/dev/null",
			       NULL };

	return start_with(_metadata, self, args, false);
}

static const struct gt_event *gt_clone(const struct gt_log *g, long long tid)
{
	int i;

	for (i = 0; i < g->n; i++)
		if (g->ev[i].type == GT_CLONE && g->ev[i].child_tid == tid)
			return &g->ev[i];
	return NULL;
}

static const struct gt_event *gt_nth(const struct gt_log *g, int type, int n)
{
	int i;

	for (i = 0; i < g->n; i++)
		if (g->ev[i].type == type && n-- == 0)
			return &g->ev[i];
	return NULL;
}

TEST_F_TIMEOUT(gvisor, decodes_workload, EV_TEST_TIMEOUT_S)
{
	const char *unshare_ep = T_IA32 ? "ia32_unshare" : "unshare";
	int clones = 0, unshares = 0, setnses = 0, i, want = 0;
	static struct dgram d;
	uint32_t seen;
	uint8_t wt[32];

	ASSERT_TRUE(start(_metadata, self));
	ASSERT_EQ(0, ev_worker_start(&self->w, &self->cg, self->dir, self->g, workload));
	ASSERT_TRUE(ev_worker_cmd(&self->w, 'w'));
	ASSERT_EQ(0, self->g->failed_clones) TH_LOG("%s", self->g->why);
	ASSERT_TRUE(ev_worker_cmd(&self->w, 'm'));

	while (server_next(&self->srv, &d, EV_TIMEOUT_MS) && !is_marker(&d)) {
		EXPECT_EQ(8, d.header_size);
		EXPECT_EQ(0, d.dropped);
		if (d.type == MSG_CLONE) {
			Gvisor__Sentry__CloneInfo *m;
			const struct gt_event *e;

			/* gVisor's CloneInfo: 1 LEN, 3 4 5 6 varint; no field 2. */
			ASSERT_TRUE(wire_fields(d.payload, d.len, &seen, wt));
			EXPECT_EQ(0, seen & ~((1U << 1) | (1U << 3) | (1U << 4) | (1U << 5) | (1U << 6)));
			EXPECT_EQ(2, wt[1]);
			EXPECT_EQ(0, wt[3]);
			m = gvisor__sentry__clone_info__unpack(NULL, d.len, d.payload);
			ASSERT_NE(NULL, m);
			e = gt_clone(self->g, m->created_thread_id);
			ASSERT_NE(NULL, e) TH_LOG("unexpected clone of tid %d", m->created_thread_id);
			EXPECT_EQ(e->child_tgid, m->created_thread_group_id);
			EXPECT_EQ(e->flags, m->flags);
			EXPECT_LE(e->t0 - TOL_NS, m->created_thread_start_time_ns);
			EXPECT_GE(e->t1 + TOL_NS, m->created_thread_start_time_ns);
			check_ctx(_metadata, m->context_data, e);
			/* ContextData: fields 1..10, times and ids varint, strings LEN. */
			{
				const Gvisor__Common__ContextData *c = m->context_data;
				uint8_t cbuf[2048];
				size_t n = gvisor__common__context_data__pack(c, cbuf);

				ASSERT_TRUE(wire_fields(cbuf, n, &seen, wt));
				EXPECT_EQ(0, seen & ~0x7feU);
				EXPECT_NE(0, seen & (1U << 10));	/* parent_thread_group_id */
				EXPECT_EQ(0, wt[2]);
				EXPECT_EQ(2, wt[7]);
				EXPECT_EQ(2, wt[9]);
				EXPECT_EQ(0, wt[10]);
			}
			gvisor__sentry__clone_info__free_unpacked(m, NULL);
			clones++;
		} else if (d.type == MSG_UNSHARE) {
			Clonegate__Unshare *m = clonegate__unshare__unpack(NULL, d.len, d.payload);
			const struct gt_event *e = gt_nth(self->g, GT_UNSHARE, unshares++);

			ASSERT_NE(NULL, m);
			ASSERT_NE(NULL, e);
			EXPECT_EQ(e->flags, m->flags);
			EXPECT_EQ(e->result, m->result);
			EXPECT_STREQ(unshare_ep, m->entry_point);
			check_ctx(_metadata, m->context_data, e);
			clonegate__unshare__free_unpacked(m, NULL);
		} else if (d.type == MSG_SETNS) {
			Clonegate__Setns *m = clonegate__setns__unpack(NULL, d.len, d.payload);
			const struct gt_event *e = gt_nth(self->g, GT_SETNS, setnses++);

			ASSERT_NE(NULL, m);
			ASSERT_NE(NULL, e);
			EXPECT_EQ(e->fd, m->fd);
			EXPECT_EQ(e->flags, m->nstype);
			EXPECT_EQ(NEWUTS, m->fd_ns_type);
			EXPECT_STREQ("uts", m->fd_ns_name);
			EXPECT_EQ(e->result, m->result);
			check_ctx(_metadata, m->context_data, e);
			clonegate__setns__free_unpacked(m, NULL);
		} else {
			EXPECT_EQ(MSG_DECISION, d.type) TH_LOG("unknown message type %u", d.type);
		}
	}
	ASSERT_TRUE(is_marker(&d)) TH_LOG("no marker; stderr: %s", self->col.ebuf);
	for (i = 0; i < self->g->n; i++)
		want += self->g->ev[i].type == GT_CLONE;
	EXPECT_EQ(want, clones);
	EXPECT_EQ(1, unshares);
	EXPECT_EQ(1, setnses);
	ASSERT_EQ(0, ev_worker_stop(&self->w));
	self->started = false;
	ASSERT_EQ(0, ev_stop(&self->col, SIGINT)) TH_LOG("%s", self->col.ebuf);
	EXPECT_EQ(0, ev_summary(&self->col, "dropped_sink", "clone"));
	TH_LOG("decoded %d CloneInfo, %d Unshare, %d Setns", clones, unshares, setnses);
}

/*
 * The gVisor wire carries each process name as the JSON sink does (proto3
 * strings must be UTF-8): valid UTF-8 as it is, invalid parts as U+FFFD.
 */
TEST_F_TIMEOUT(gvisor, process_names_are_utf8, EV_TEST_TIMEOUT_S)
{
	char h1[200], h2[200];
	static struct dgram d;
	int clones = 0;

	ASSERT_TRUE(start(_metadata, self));
	ASSERT_EQ(0, ev_worker_start(&self->w, &self->cg, self->dir, self->g, wl_names));
	ASSERT_TRUE(ev_worker_cmd(&self->w, 'w'));
	ASSERT_EQ(0, self->g->failed_clones) TH_LOG("%s", self->g->why);
	ASSERT_EQ(N_NAMES, self->g->n);
	ASSERT_TRUE(ev_worker_cmd(&self->w, 'm'));

	while (server_next(&self->srv, &d, EV_TIMEOUT_MS) && !is_marker(&d)) {
		Gvisor__Sentry__CloneInfo *m;
		const struct gt_event *e;
		const char *got;
		int i;

		if (d.type != MSG_CLONE)
			continue;
		m = gvisor__sentry__clone_info__unpack(NULL, d.len, d.payload);
		ASSERT_NE(NULL, m);
		e = gt_clone(self->g, m->created_thread_id);
		ASSERT_NE(NULL, e) TH_LOG("unexpected clone of tid %d", m->created_thread_id);
		i = e - self->g->ev;
		ASSERT_NE(NULL, m->context_data);
		got = m->context_data->process_name;
		ASSERT_NE(NULL, got);
		EXPECT_STREQ(names[i].want, got)
			TH_LOG("name %d: sent %s, want %s", i, hex(got, h1, sizeof(h1)),
			       hex(names[i].want, h2, sizeof(h2)));
		gvisor__sentry__clone_info__free_unpacked(m, NULL);
		clones++;
	}
	ASSERT_TRUE(is_marker(&d)) TH_LOG("no marker; stderr: %s", self->col.ebuf);
	EXPECT_EQ(N_NAMES, clones);
	ASSERT_EQ(0, ev_worker_stop(&self->w));
	self->started = false;
	ASSERT_EQ(0, ev_stop(&self->col, SIGINT)) TH_LOG("%s", self->col.ebuf);
}

TEST_F_TIMEOUT(gvisor, stalled_receiver_drops_are_counted, EV_TEST_TIMEOUT_S)
{
	long long got = 0, sink, kernel, total_drops;
	uint32_t last_dropped = 0;
	static struct dgram d;
	bool marker = false;
	long long deadline;

	ASSERT_TRUE(start(_metadata, self));
	ASSERT_EQ(0, ev_worker_start(&self->w, &self->cg, self->dir, self->g, storm));
	/* The server reads nothing while the workload runs. */
	ASSERT_TRUE(ev_worker_cmd(&self->w, 'w'));
	ASSERT_EQ(0, self->g->failed_clones) TH_LOG("%s", self->g->why);
	ASSERT_EQ(STORM, self->g->n);

	for (deadline = ev_deadline(); !marker && !ev_expired(deadline);) {
		ASSERT_TRUE(ev_worker_cmd(&self->w, 'm'));
		while (server_next(&self->srv, &d, EV_MARKER_RETRY_MS)) {
			EXPECT_LE(last_dropped, d.dropped);	/* cumulative */
			last_dropped = d.dropped;
			if (is_marker(&d)) {
				marker = true;
				break;
			}
			got += d.type == MSG_CLONE;
		}
	}
	ASSERT_TRUE(marker);
	ASSERT_EQ(0, ev_worker_stop(&self->w));
	self->started = false;
	ASSERT_EQ(0, ev_stop(&self->col, SIGINT)) TH_LOG("%s", self->col.ebuf);
	sink = ev_summary(&self->col, "dropped_sink", "clone");
	kernel = ev_summary(&self->col, "dropped_kernel", "clone");
	total_drops = sink + kernel + ev_summary(&self->col, "dropped_sink", "setns") +
		      ev_summary(&self->col, "dropped_kernel", "setns");
	EXPECT_LT(0, sink) TH_LOG("%s", self->col.ebuf);
	EXPECT_EQ(STORM, got + sink + kernel) TH_LOG("got %lld sink %lld kernel %lld", got, sink,
						       kernel);
	EXPECT_LT(0, last_dropped);
	EXPECT_GE(total_drops, last_dropped);
	TH_LOG("received %lld, dropped %lld at the socket and %lld in the kernel; header said %u",
	       got, sink, kernel, last_dropped);
}

/* ---- a server that goes away ---- */

/* Clones per phase: far below what the socket or the stdout pipe holds. */
#define PHASE	20

static void phase(struct gt_log *g)
{
	int i;

	for (i = 0; i < PHASE; i++)
		gt_fork_nr(g, T_NR_FORK, 0);
}

/* Run one phase and its marker in the worker. */
static bool run_phase(struct ev_worker *w)
{
	return ev_worker_cmd(w, 'w') && ev_worker_cmd(w, 'm');
}

/* The collector's JSON lines up to the marker; the clones among them. */
static bool json_until_marker(struct ev_collector *c, int *clones)
{
	static char line[EV_LINE_MAX];

	while (ev_next_line(c, line, sizeof(line), EV_TIMEOUT_MS)) {
		if (ev_is_marker(line))
			return true;
		*clones += strstr(line, "\"type\":\"clone\"") != NULL;
	}
	return false;
}

/*
 * Datagrams up to and including the marker: counted by type (clones and
 * all), and the first one's dropped_count (if first_dropped is not NULL).
 */
static bool server_until_marker(struct server *s, int *clones, int *all, long long *first_dropped)
{
	static struct dgram d;

	while (server_next(s, &d, EV_TIMEOUT_MS)) {
		if (first_dropped && *first_dropped < 0)
			*first_dropped = d.dropped;
		(*all)++;
		*clones += d.type == MSG_CLONE;
		if (is_marker(&d))
			return true;
	}
	return false;
}

/* A count in the summary's "sinks" part: sinks.<sink>.<key>[.<type>]. */
static long long sink_count(const struct ev_collector *c, const char *sink, const char *key,
			    const char *type)
{
	const char *p = ev_json_find(c->ebuf, "sinks");
	long long v = -1;

	p = p ? ev_json_find(p, sink) : NULL;
	if (p && type)
		p = ev_json_find(p, key);
	if (p)
		ev_json_i64(p, type ? type : key, &v);
	return v;
}

TEST_F_TIMEOUT(gvisor, server_restart_reconnects, EV_TEST_TIMEOUT_S)
{
	const char *args[] = { "--gvisor-endpoint", self->srv.path,
			       "--gvisor-reconnect-min", "50", "--gvisor-reconnect-max", "400",
			       "--cgroup", self->cg.path, "--json", NULL };
	int json_clones = 0, got_clones = 0, got_all = 0, st;
	long long first_dropped = -1, events, delivered, dropped;

	/*
	 * The worker first: forked after the handshake, it would keep a copy
	 * of the server's connection open past server_close().
	 */
	ASSERT_EQ(0, ev_worker_start(&self->w, &self->cg, self->dir, self->g, phase));
	ASSERT_TRUE(start_with(_metadata, self, args, true));

	/* 1: the first server reads everything, marker included... */
	ASSERT_TRUE(run_phase(&self->w));
	ASSERT_TRUE(json_until_marker(&self->col, &json_clones)) TH_LOG("%s", self->col.ebuf);
	ASSERT_TRUE(server_until_marker(&self->srv, &got_clones, &got_all, NULL));
	ASSERT_EQ(PHASE, got_clones);
	/*
	 * ...and goes away. (Having read all: a datagram still queued when a
	 * server closes is lost without the sender knowing, in gVisor's sink
	 * too, so "delivered" could not be compared with "received".)
	 */
	server_close(&self->srv);

	/* 2: no server. The JSON sink misses nothing, the collector runs on. */
	ASSERT_TRUE(run_phase(&self->w));
	ASSERT_TRUE(json_until_marker(&self->col, &json_clones)) TH_LOG("%s", self->col.ebuf);
	EXPECT_EQ(2 * PHASE, json_clones);
	ASSERT_EQ(0, waitpid(self->col.pid, &st, WNOHANG)) TH_LOG("the collector exited");
	EXPECT_TRUE(ev_wait_stderr(&self->col, "the server closed the connection"))
		TH_LOG("%s", self->col.ebuf);

	/* 3: a new server on the same path: the collector comes back by itself. */
	ASSERT_EQ(0, server_listen(&self->srv));
	ASSERT_EQ(0, server_handshake(&self->srv)) TH_LOG("%s", self->col.ebuf);
	ASSERT_TRUE(ev_wait_stderr(&self->col, "reconnected")) TH_LOG("%s", self->col.ebuf);
	ASSERT_TRUE(run_phase(&self->w));
	ASSERT_TRUE(json_until_marker(&self->col, &json_clones)) TH_LOG("%s", self->col.ebuf);
	ASSERT_TRUE(server_until_marker(&self->srv, &got_clones, &got_all, &first_dropped));
	EXPECT_EQ(3 * PHASE, json_clones);
	EXPECT_EQ(2 * PHASE, got_clones);

	ASSERT_EQ(0, ev_worker_stop(&self->w));
	self->started = false;
	ASSERT_EQ(0, ev_stop(&self->col, SIGINT)) TH_LOG("%s", self->col.ebuf);
	events = ev_summary(&self->col, "events", "clone");
	delivered = sink_count(&self->col, "gvisor", "delivered", "clone");
	dropped = sink_count(&self->col, "gvisor", "dropped", "clone");
	EXPECT_EQ(0, ev_summary(&self->col, "dropped_kernel", "clone")) TH_LOG("%s", self->col.ebuf);
	EXPECT_EQ(3 * PHASE, events) TH_LOG("%s", self->col.ebuf);
	/* Per sink, every event once: delivered or dropped. */
	EXPECT_EQ(events, delivered + dropped) TH_LOG("%s", self->col.ebuf);
	EXPECT_EQ(got_clones, delivered) TH_LOG("%s", self->col.ebuf);
	EXPECT_EQ(PHASE, dropped) TH_LOG("phase 2's clones: %s", self->col.ebuf);
	EXPECT_EQ(events, sink_count(&self->col, "output", "delivered", "clone"));
	EXPECT_EQ(0, sink_count(&self->col, "output", "dropped", "clone"));
	/* The markers: phase 2's dropped, the others delivered. */
	EXPECT_EQ(1, sink_count(&self->col, "gvisor", "dropped", "setns"));
	EXPECT_EQ(got_all - got_clones, sink_count(&self->col, "gvisor", "delivered", "setns"));
	EXPECT_EQ(PHASE + 1, sink_count(&self->col, "gvisor", "dropped_disconnected", NULL));
	EXPECT_EQ(1, sink_count(&self->col, "gvisor", "reconnects", NULL));
	/* The new server's first header: the drops of the outage, cumulative. */
	EXPECT_EQ(PHASE + 1, first_dropped);
	TH_LOG("received %d clones, dropped %lld while no server listened; first header after: %lld",
	       got_clones, dropped, first_dropped);
}

TEST_F_TIMEOUT(gvisor, exit_on_error_stops_and_counts, EV_TEST_TIMEOUT_S)
{
	const char *args[] = { "--gvisor-endpoint", self->srv.path, "--gvisor-exit-on-error",
			       "--cgroup", self->cg.path, "--json", "--output", "/dev/null", NULL };
	int got_clones = 0, got_all = 0, st;
	long long events, delivered, dropped;

	/* The worker first, as in server_restart_reconnects. */
	ASSERT_EQ(0, ev_worker_start(&self->w, &self->cg, self->dir, self->g, phase));
	ASSERT_TRUE(start_with(_metadata, self, args, false));
	ASSERT_TRUE(run_phase(&self->w));
	ASSERT_TRUE(server_until_marker(&self->srv, &got_clones, &got_all, NULL));
	server_close(&self->srv);
	/* The first clone after that fails to send, and ends the collector. */
	ASSERT_TRUE(ev_worker_cmd(&self->w, 'w'));
	st = ev_wait_exit(&self->col, EV_TIMEOUT_MS);
	self->started = st < 0;
	ASSERT_EQ(2, st) TH_LOG("%s", self->col.ebuf);
	EXPECT_NE(NULL, strstr(self->col.ebuf, "the server closed the connection"));
	EXPECT_EQ(NULL, strstr(self->col.ebuf, "reconnecting")) TH_LOG("%s", self->col.ebuf);
	events = ev_summary(&self->col, "events", "clone");
	delivered = sink_count(&self->col, "gvisor", "delivered", "clone");
	dropped = sink_count(&self->col, "gvisor", "dropped", "clone");
	EXPECT_EQ(PHASE, delivered) TH_LOG("%s", self->col.ebuf);
	EXPECT_EQ(got_clones, delivered);
	EXPECT_EQ(1, dropped) TH_LOG("%s", self->col.ebuf);
	EXPECT_EQ(events, delivered + dropped) TH_LOG("%s", self->col.ebuf);
}

TEST_HARNESS_MAIN
