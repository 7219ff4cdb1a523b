// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * gVisor's remote sink protocol (pkg/sentry/seccheck/sinks/remote), client
 * side, byte for byte:
 *
 *   1. connect a SOCK_SEQPACKET unix socket to the server's path;
 *   2. send gvisor.common.Handshake{version = 1} (a bare protobuf, no
 *      header); read the server's Handshake (at most 10240 bytes) and go on
 *      only if its version is at least 1;
 *   3. then one datagram per event: an 8-byte little-endian header
 *      (u16 header_size = 8, u16 message_type, u32 dropped_count) followed by
 *      the protobuf message. dropped_count is cumulative (it wraps at 2^32)
 *      and counts every event lost so far, in the kernel or here.
 *
 * Sends never block: a full socket gets GV_RETRIES more tries, each after
 * waiting for room for at most a doubling backoff (25 us up to 10 ms, the
 * defaults of gVisor's remote sink), then the event is dropped and counted.
 * The messages (sink_gvisor_msg.c) carry strings as valid UTF-8 (proto3
 * requires it, and gVisor's own decoders would otherwise reject the
 * message): each invalid part becomes U+FFFD, as in the JSON sink (utf8.c).
 *
 * The server may go away (killed, restarted) while the collector runs. The
 * first connection is made, and its handshake awaited (GV_HANDSHAKE_MS),
 * before anything is loaded: a wrong endpoint is an error at once. After
 * that, a lost connection (a send error, or a hangup seen by
 * gvisor_sink_tick()) is not fatal unless the caller asks
 * (gvisor_sink_opts.reconnect false): the sink goes down and reconnects by
 * itself, first after reconnect_min_ms, then doubling up to
 * reconnect_max_ms between attempts. Nothing here waits for the server
 * then: the socket is non-blocking, connect() on a unix socket answers at
 * once, and the handshake answer is looked for (poll with no timeout) at
 * each tick and send until GV_RECONNECT_HANDSHAKE_MS have passed, when the
 * attempt counts as failed. Every event offered while the sink is not up
 * is dropped (GV_DOWN), never queued: the caller counts it, and the next
 * datagram's cumulative dropped_count includes it.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <clonegate/tables.h>

#include "common.pb-c.h"

#include "diag.h"
#include "names.h"
#include "sink.h"

#define GV_VERSION		1
#define GV_HEADER_SIZE		8
#define GV_HANDSHAKE_MAX	10240
#define GV_HANDSHAKE_MS		5000
#define GV_RETRIES		3
#define GV_BACKOFF_NS		25000L
#define GV_BACKOFF_MAX_NS	10000000L
#define GV_RECONNECT_HANDSHAKE_MS 1000	/* a reconnected server's answer */

enum gv_state {
	GV_STATE_UP,		/* handshake done: events go out */
	GV_STATE_HANDSHAKE,	/* reconnected, our Handshake sent, no answer yet */
	GV_STATE_DOWN,		/* no connection; next attempt at 'deadline_ns' */
};

struct gvisor_sink {
	int fd;			/* -1 while down */
	enum gv_state state;
	const char *path;
	struct sockaddr_un addr;
	struct gvisor_sink_opts opts;
	long long deadline_ns;	/* CLOCK_MONOTONIC: see enum gv_state */
	unsigned int backoff_ms;	/* the wait after the next failed attempt */
	unsigned long long outage_drops;	/* GV_DOWN answers in this outage */
	unsigned long long reconnects;
	uint8_t msg[GV_HEADER_SIZE + GV_MSG_MAX];
};

/* ---- connecting --------------------------------------------------------- */

static void connect_error(const char *path, int err)
{
	struct stat st;

	switch (err) {
	case ENOENT:
		p_err("gVisor endpoint %s: no such socket (start the monitoring server first)",
		      path);
		break;
	case ECONNREFUSED:
		if (stat(path, &st) == 0 && !S_ISSOCK(st.st_mode))
			p_err("gVisor endpoint %s: not a unix socket", path);
		else
			p_err("gVisor endpoint %s: nothing listens there (a stale socket?)", path);
		break;
	case EPROTOTYPE:
		p_err("gVisor endpoint %s: a unix socket of another type; gVisor's remote sink protocol needs SOCK_SEQPACKET",
		      path);
		break;
	case EACCES:
	case EPERM:
		p_err("gVisor endpoint %s: permission denied", path);
		break;
	default:
		p_err("gVisor endpoint %s: connect: %s", path, strerror(err));
	}
}

/* Our Handshake, without waiting; -1 (reported) if it cannot be sent. */
static int send_handshake(struct gvisor_sink *s)
{
	Gvisor__Common__Handshake out = GVISOR__COMMON__HANDSHAKE__INIT;
	uint8_t buf[16];
	size_t len;

	out.version = GV_VERSION;
	len = gvisor__common__handshake__pack(&out, buf);
	if (send(s->fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL) != (ssize_t)len) {
		p_err("gVisor endpoint %s: sending the handshake: %s", s->path, strerror(errno));
		return -1;
	}
	return 0;
}

/* Read and judge the server's answer, which is there to read; 0 if good. */
static int read_handshake(struct gvisor_sink *s)
{
	Gvisor__Common__Handshake *in;
	uint8_t buf[GV_HANDSHAKE_MAX];
	ssize_t n;
	int ret;

	n = recv(s->fd, buf, sizeof(buf), MSG_DONTWAIT);
	if (n < 0) {
		p_err("gVisor endpoint %s: reading the handshake: %s", s->path, strerror(errno));
		return -1;
	}
	if (n == 0) {
		p_err("gVisor endpoint %s: the server closed the connection during the handshake (or answered version 0); clonegate speaks version %d",
		      s->path, GV_VERSION);
		return -1;
	}
	if (n == (ssize_t)sizeof(buf)) {
		p_err("gVisor endpoint %s: handshake answer too big (%zd bytes or more): not a gVisor monitoring server?",
		      s->path, n);
		return -1;
	}
	in = gvisor__common__handshake__unpack(NULL, n, buf);
	if (!in) {
		p_err("gVisor endpoint %s: the handshake answer (%zd bytes) is not a gvisor.common.Handshake: not a gVisor monitoring server?",
		      s->path, n);
		return -1;
	}
	ret = 0;
	/* The server may be newer; then it must speak our version (common.proto). */
	if (in->version < GV_VERSION) {
		p_err("gVisor endpoint %s: the server speaks protocol version %u, older than the version %d clonegate needs",
		      s->path, in->version, GV_VERSION);
		ret = -1;
	}
	gvisor__common__handshake__free_unpacked(in, NULL);
	return ret;
}

/* The first connection's handshake: waits up to GV_HANDSHAKE_MS. */
static int handshake(struct gvisor_sink *s)
{
	struct pollfd pfd = { .fd = s->fd, .events = POLLIN };
	int ret;

	if (send_handshake(s))
		return -1;
	do {
		ret = poll(&pfd, 1, GV_HANDSHAKE_MS);
	} while (ret < 0 && errno == EINTR);
	if (ret == 0) {
		p_err("gVisor endpoint %s: no handshake answer within %d s", s->path,
		      GV_HANDSHAKE_MS / 1000);
		return -1;
	}
	if (ret < 0) {
		p_err("gVisor endpoint %s: reading the handshake: %s", s->path, strerror(errno));
		return -1;
	}
	return read_handshake(s);
}

struct gvisor_sink *gvisor_sink_open(const char *path, const struct gvisor_sink_opts *opts)
{
	struct gvisor_sink *s;

	if (strlen(path) >= sizeof(s->addr.sun_path)) {
		p_err("gVisor endpoint %s: path too long for a unix socket (%zu bytes at most)",
		      path, sizeof(s->addr.sun_path) - 1);
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		p_err("out of memory");
		return NULL;
	}
	s->path = path;
	s->opts = *opts;
	s->addr.sun_family = AF_UNIX;
	strcpy(s->addr.sun_path, path);
	s->fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (s->fd < 0) {
		p_err("socket(AF_UNIX, SOCK_SEQPACKET): %s", strerror(errno));
		goto fail;
	}
	if (connect(s->fd, (struct sockaddr *)&s->addr, sizeof(s->addr)) < 0) {
		connect_error(path, errno);
		goto fail;
	}
	if (handshake(s))
		goto fail;
	s->state = GV_STATE_UP;
	return s;
fail:
	gvisor_sink_close(s);
	return NULL;
}

void gvisor_sink_close(struct gvisor_sink *s)
{
	if (!s)
		return;
	if (s->fd >= 0)
		close(s->fd);
	free(s);
}

unsigned long long gvisor_sink_reconnects(const struct gvisor_sink *s)
{
	return s->reconnects;
}

/* ---- reconnecting ------------------------------------------------------- */

/* Close the socket; the next attempt after the current backoff, doubled. */
static void go_down(struct gvisor_sink *s, long long now)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	s->state = GV_STATE_DOWN;
	s->deadline_ns = now + s->backoff_ms * 1000000LL;
	s->backoff_ms = s->backoff_ms > s->opts.reconnect_max_ms / 2 ?
			s->opts.reconnect_max_ms : s->backoff_ms * 2;
}

/* The connection is gone (already reported): back off, then reconnect. */
static void connection_lost(struct gvisor_sink *s)
{
	s->backoff_ms = s->opts.reconnect_min_ms;
	s->outage_drops = 0;
	go_down(s, ev_clock_ns(CLOCK_MONOTONIC));
	if (s->opts.reconnect)
		p_err("gVisor endpoint %s: reconnecting (first try in %u ms, then backing off up to %u ms); events are dropped meanwhile",
		      s->path, s->opts.reconnect_min_ms, s->opts.reconnect_max_ms);
}

/* Connect and send our Handshake without waiting; else back off again. */
static void try_connect(struct gvisor_sink *s, long long now)
{
	s->fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->fd < 0 ||
	    connect(s->fd, (struct sockaddr *)&s->addr, sizeof(s->addr)) < 0) {
		/* A unix connect() is done at once: EAGAIN is a full backlog. */
		p_info("gVisor endpoint %s: reconnecting: %s; next try in %u ms", s->path,
		       strerror(errno), s->backoff_ms);
		go_down(s, now);
		return;
	}
	if (send_handshake(s)) {
		go_down(s, now);
		return;
	}
	s->state = GV_STATE_HANDSHAKE;
	s->deadline_ns = now + GV_RECONNECT_HANDSHAKE_MS * 1000000LL;
}

/* Is the reconnected server's answer there? Never waits for it. */
static void check_handshake(struct gvisor_sink *s, long long now)
{
	struct pollfd pfd = { .fd = s->fd, .events = POLLIN };

	if (poll(&pfd, 1, 0) == 1) {
		if (read_handshake(s)) {
			go_down(s, now);
			return;
		}
		s->state = GV_STATE_UP;
		s->reconnects++;
		p_err("gVisor endpoint %s: reconnected; %llu events dropped while disconnected",
		      s->path, s->outage_drops);
		return;
	}
	if (now - s->deadline_ns >= 0) {
		p_err("gVisor endpoint %s: no handshake answer within %d ms; next try in %u ms",
		      s->path, GV_RECONNECT_HANDSHAKE_MS, s->backoff_ms);
		go_down(s, now);
	}
}

/* Up: has the server hung up? (It sends nothing after the handshake.) */
static void check_alive(struct gvisor_sink *s)
{
	struct pollfd pfd = { .fd = s->fd, .events = POLLIN };
	uint8_t buf[64];
	ssize_t n = 1;

	if (poll(&pfd, 1, 0) != 1)
		return;
	if (pfd.revents & POLLIN)
		n = recv(s->fd, buf, sizeof(buf), MSG_DONTWAIT);
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR) ||
	    (pfd.revents & (POLLHUP | POLLERR))) {
		p_err("gVisor endpoint %s: the server closed the connection", s->path);
		connection_lost(s);
	}
}

void gvisor_sink_tick(struct gvisor_sink *s)
{
	long long now;

	if (!s->opts.reconnect)
		return;		/* the caller stops at the first send error */
	if (s->state == GV_STATE_UP) {
		check_alive(s);
		return;
	}
	now = ev_clock_ns(CLOCK_MONOTONIC);
	if (s->state == GV_STATE_HANDSHAKE)
		check_handshake(s, now);
	else if (now - s->deadline_ns >= 0)
		try_connect(s, now);
}

static void put_le16(uint8_t *p, __u16 v)
{
	p[0] = v;
	p[1] = v >> 8;
}

static void put_le32(uint8_t *p, __u32 v)
{
	put_le16(p, v);
	put_le16(p + 2, v >> 16);
}

enum gvisor_send_result gvisor_sink_send(struct gvisor_sink *s, const struct ev *ev,
					 __u32 dropped)
{
	struct timespec backoff = { .tv_nsec = GV_BACKOFF_NS };
	struct pollfd pfd = { .fd = s->fd, .events = POLLOUT };
	__u16 type = 0;
	size_t len;
	int i;

	if (s->state != GV_STATE_UP) {
		gvisor_sink_tick(s);	/* the answer may be there by now */
		if (s->state != GV_STATE_UP) {
			s->outage_drops++;
			return GV_DOWN;
		}
		pfd.fd = s->fd;
	}
	len = gvisor_pack_event(ev, s->msg + GV_HEADER_SIZE, &type);
	if (!type)
		return GV_DROPPED;
	put_le16(s->msg, GV_HEADER_SIZE);
	put_le16(s->msg + 2, type);
	put_le32(s->msg + 4, dropped);
	len += GV_HEADER_SIZE;

	for (i = 0;; i++) {
		if (send(s->fd, s->msg, len, MSG_DONTWAIT | MSG_NOSIGNAL) == (ssize_t)len)
			return GV_SENT;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != ENOBUFS)
			break;
		if (i >= GV_RETRIES)
			return GV_DROPPED;
		/* Wait for room, at most the backoff. */
		ppoll(&pfd, 1, &backoff, NULL);
		backoff.tv_nsec *= 2;
		if (backoff.tv_nsec > GV_BACKOFF_MAX_NS)
			backoff.tv_nsec = GV_BACKOFF_MAX_NS;
	}
	if (errno == EPIPE || errno == ECONNRESET || errno == ENOTCONN)
		p_err("gVisor endpoint %s: the server closed the connection", s->path);
	else
		p_err("gVisor endpoint %s: send: %s", s->path, strerror(errno));
	connection_lost(s);
	s->outage_drops = 1;	/* this event */
	return GV_ERROR;
}
