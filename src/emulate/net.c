#include "emulate/net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <simgrid/actor.h>
#include <simgrid/host.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "emulate/world.h"
#include "util/util.h"

#define LOOPBACK_NET 0x7f000000u
#define LOOPBACK_MASK 0xff000000u
#define EPHEMERAL_FIRST 32768
#define EPHEMERAL_LAST 60999

struct bytes {
	uint8_t *data;
	size_t len, cap;
};

/* One direction of a connection. */
struct stream {
	sg_host_t src, dst;
	struct bytes pending;    /* written, not yet handed to the network */
	struct bytes arrived;    /* delivered, not yet read */
	int fin_queued;          /* the writer shut down or closed: end of stream after pending */
	int fin_arrived;         /* the reader has seen everything: reads return 0 */
	int reader_closed;       /* the reading side is gone: writes fail with EPIPE */
	int refs;                /* the two sockets and the flusher actor */
};

/* A UDP message waiting to be read, with the address it came from. */
struct datagram {
	struct datagram *next;
	uint32_t src_ip;
	uint16_t src_port;
	size_t len;
	uint8_t data[];
};

/*
 * The datagrams of one socket cross the network side by side (a short one may finish its
 * transfer first) but are delivered in the order they were sent, as on one route.
 */
struct send_order {
	int refs;                /* the socket and its datagrams in flight */
	uint64_t sent, delivered;
};

static void send_order_unref(struct send_order *o)
{
	if (o && --o->refs == 0)
		free(o);
}

enum sock_state { SS_FRESH, SS_LISTENING, SS_CONNECTING, SS_CONNECTED, SS_FAILED };

struct sock {
	int refs;
	sg_host_t host;
	int datagram;            /* SOCK_DGRAM: messages, no connection; connect only sets the peer */
	int nonblock;
	enum sock_state state;
	int bound;
	uint32_t ip, peer_ip;    /* host byte order; ip 0 = any */
	uint16_t port, peer_port;
	int error;               /* pending SO_ERROR */
	struct stream *rx, *tx;
	int shut_rd;
	struct sock **backlog;   /* listening: connections not yet accepted */
	size_t nbacklog, backlog_max;
	struct datagram *inbox, *inbox_last; /* datagram sockets: arrived, not yet read */
	struct send_order *order;            /* datagram sockets that sent: keeps their messages in order */
};

struct host_net {
	uint32_t ip;
	struct sock **bound;
	size_t nbound, bound_cap;
	uint16_t next_ephemeral;
};

static struct host_net *host_net(sg_host_t h)
{
	return sg_host_get_data(h);
}

static int ip_taken(sg_host_t *hosts, size_t n, uint32_t ip)
{
	for (size_t i = 0; i < n; i++)
		if (host_net(hosts[i]) && host_net(hosts[i])->ip == ip)
			return 1;
	return 0;
}

int net_init(char *err, size_t errlen)
{
	sg_host_t *hosts = sg_host_list();
	size_t n = sg_host_count();
	int rc = 0;
	/* Explicit addresses first, so that default ones can step around them. */
	for (size_t i = 0; i < n && rc == 0; i++) {
		const char *prop = sg_host_get_property_value(hosts[i], "ip");
		if (!prop)
			continue;
		struct in_addr a;
		if (inet_pton(AF_INET, prop, &a) != 1) {
			snprintf(err, errlen, "host %s: ip '%s' is not an IPv4 address", sg_host_get_name(hosts[i]), prop);
			rc = -1;
		} else if (ip_taken(hosts, n, ntohl(a.s_addr))) {
			snprintf(err, errlen, "host %s: ip %s is already another host's", sg_host_get_name(hosts[i]), prop);
			rc = -1;
		} else {
			struct host_net *hn = rp_calloc(1, sizeof(*hn));
			hn->next_ephemeral = EPHEMERAL_FIRST;
			hn->ip = ntohl(a.s_addr);
			sg_host_set_data(hosts[i], hn);
		}
	}
	uint32_t next = NET_DEFAULT_FIRST_IP;
	for (size_t i = 0; i < n && rc == 0; i++) {
		if (host_net(hosts[i]))
			continue;
		while (ip_taken(hosts, n, next))
			next++;
		struct host_net *hn = rp_calloc(1, sizeof(*hn));
		hn->next_ephemeral = EPHEMERAL_FIRST;
		hn->ip = next++;
		sg_host_set_data(hosts[i], hn);
	}
	free(hosts);
	return rc;
}

void net_free(void)
{
	sg_host_t *hosts = sg_host_list();
	size_t n = sg_host_count();
	for (size_t i = 0; i < n; i++) {
		struct host_net *hn = host_net(hosts[i]);
		if (hn) {
			free(hn->bound);
			free(hn);
			sg_host_set_data(hosts[i], NULL);
		}
	}
	free(hosts);
}

sg_host_t net_host_by_ip(uint32_t ip)
{
	sg_host_t *hosts = sg_host_list();
	size_t n = sg_host_count();
	sg_host_t found = NULL;
	for (size_t i = 0; i < n && !found; i++)
		if (host_net(hosts[i])->ip == ip)
			found = hosts[i];
	free(hosts);
	return found;
}

uint32_t net_host_ip(sg_host_t host)
{
	return host_net(host)->ip;
}

static void bytes_append(struct bytes *b, const void *data, size_t len)
{
	if (len == 0)
		return;
	if (b->len + len > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		while (cap < b->len + len)
			cap *= 2;
		b->data = rp_realloc(b->data, cap);
		b->cap = cap;
	}
	memcpy(b->data + b->len, data, len);
	b->len += len;
}

static void bytes_consume(struct bytes *b, size_t len)
{
	memmove(b->data, b->data + len, b->len - len);
	b->len -= len;
}

/*
 * Moves bytes across the route from src to dst in simulated time. Within one host the
 * platform has no route (SimGrid fails on one); loopback is taken as instantaneous.
 */
static void transfer(sg_host_t src, sg_host_t dst, double bytes)
{
	if (src != dst)
		sg_host_sendto(src, dst, bytes);
}

static void stream_unref(struct stream *st)
{
	if (--st->refs > 0)
		return;
	free(st->pending.data);
	free(st->arrived.data);
	free(st);
}

/* Moves one direction's bytes: each batch written meanwhile is one SimGrid transfer. */
static void flusher_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	struct stream *st = sg_actor_self_get_data();
	for (;;) {
		while (st->pending.len == 0 && !st->fin_queued)
			emu_wait(-1);
		struct bytes batch = st->pending;
		int fin = st->fin_queued;
		memset(&st->pending, 0, sizeof(st->pending));
		transfer(st->src, st->dst, (double)batch.len);
		if (!st->reader_closed)
			bytes_append(&st->arrived, batch.data, batch.len);
		free(batch.data);
		if (fin)
			st->fin_arrived = 1;
		emu_notify();
		if (fin)
			break;
	}
	stream_unref(st);
}

static struct stream *stream_new(sg_host_t src, sg_host_t dst)
{
	struct stream *st = rp_calloc(1, sizeof(*st));
	st->src = src;
	st->dst = dst;
	st->refs = 3;
	sg_actor_t a = sg_actor_init("flusher", src);
	sg_actor_set_data(a, st);
	sg_actor_daemonize(a);
	sg_actor_start(a, flusher_main, 0, NULL);
	return st;
}

struct sock *sock_new(sg_host_t host, int datagram, int nonblock)
{
	struct sock *s = rp_calloc(1, sizeof(*s));
	s->refs = 1;
	s->host = host;
	s->datagram = datagram;
	s->nonblock = nonblock;
	return s;
}

void sock_ref(struct sock *s)
{
	s->refs++;
}

static void unbind(struct sock *s)
{
	struct host_net *hn = host_net(s->host);
	for (size_t i = 0; i < hn->nbound; i++)
		if (hn->bound[i] == s) {
			hn->bound[i] = hn->bound[--hn->nbound];
			break;
		}
	s->bound = 0;
}

void sock_unref(struct sock *s)
{
	if (--s->refs > 0)
		return;
	if (s->bound)
		unbind(s);
	for (size_t i = 0; i < s->nbacklog; i++)
		sock_unref(s->backlog[i]);
	free(s->backlog);
	send_order_unref(s->order);
	while (s->inbox) {
		struct datagram *d = s->inbox;
		s->inbox = d->next;
		free(d);
	}
	if (s->tx) {
		s->tx->fin_queued = 1;
		stream_unref(s->tx);
	}
	if (s->rx) {
		s->rx->reader_closed = 1;
		stream_unref(s->rx);
	}
	free(s);
	emu_notify();
}

void sock_set_nonblock(struct sock *s, int on)
{
	s->nonblock = on;
}

/* TCP and UDP have a port space each. */
static int port_taken(struct host_net *hn, int datagram, uint32_t ip, uint16_t port)
{
	for (size_t i = 0; i < hn->nbound; i++) {
		struct sock *b = hn->bound[i];
		if (b->datagram == datagram && b->port == port && (b->ip == ip || b->ip == 0 || ip == 0) && b->state != SS_CONNECTED)
			return 1;
	}
	return 0;
}

static int is_loopback(uint32_t ip)
{
	return (ip & LOOPBACK_MASK) == LOOPBACK_NET;
}

static int is_local(sg_host_t host, uint32_t ip)
{
	return ip == 0 || (ip & LOOPBACK_MASK) == LOOPBACK_NET || ip == net_host_ip(host);
}

static void add_bound(struct sock *s)
{
	struct host_net *hn = host_net(s->host);
	if (hn->nbound == hn->bound_cap) {
		hn->bound_cap = hn->bound_cap ? hn->bound_cap * 2 : 8;
		hn->bound = rp_realloc(hn->bound, hn->bound_cap * sizeof(*hn->bound));
	}
	hn->bound[hn->nbound++] = s;
	s->bound = 1;
}

int sock_bind(struct sock *s, uint32_t ip, uint16_t port)
{
	if (s->bound || s->state != SS_FRESH)
		return -EINVAL;
	if (!is_local(s->host, ip))
		return -EADDRNOTAVAIL;
	struct host_net *hn = host_net(s->host);
	if (port == 0) {
		/* Linux picks ephemeral ports at random; a simulation wants them reproducible. */
		for (unsigned tries = 0; port == 0 && tries <= EPHEMERAL_LAST - EPHEMERAL_FIRST; tries++) {
			uint16_t p = hn->next_ephemeral;
			hn->next_ephemeral = p == EPHEMERAL_LAST ? EPHEMERAL_FIRST : p + 1;
			if (!port_taken(hn, s->datagram, ip, p))
				port = p;
		}
		if (port == 0)
			return -EADDRINUSE;
	} else if (port_taken(hn, s->datagram, ip, port)) {
		return -EADDRINUSE;
	}
	s->ip = ip;
	s->port = port;
	add_bound(s);
	return 0;
}

int sock_listen(struct sock *s, int backlog)
{
	if (s->datagram)
		return -EOPNOTSUPP;
	if (s->state != SS_FRESH && s->state != SS_LISTENING)
		return -EINVAL;
	if (!s->bound) {
		int rc = sock_bind(s, 0, 0);
		if (rc < 0)
			return rc;
	}
	s->state = SS_LISTENING;
	s->backlog_max = backlog < 1 ? 1 : (size_t)backlog;
	return 0;
}

static struct sock *find_listener(sg_host_t host, uint32_t ip, uint16_t port)
{
	struct host_net *hn = host_net(host);
	for (size_t i = 0; i < hn->nbound; i++) {
		struct sock *b = hn->bound[i];
		if (!b->datagram && b->state == SS_LISTENING && b->port == port && (b->ip == 0 || b->ip == ip || (ip & LOOPBACK_MASK) == LOOPBACK_NET))
			return b;
	}
	return NULL;
}

struct handshake {
	struct sock *client;
	sg_host_t server_host;
	uint32_t ip;
	uint16_t port;
};


/* SYN, then SYN-ACK or RST: each a network crossing of the route. */
static void handshake_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	struct handshake *hs = sg_actor_self_get_data();
	struct sock *c = hs->client;
	transfer(c->host, hs->server_host, 0);
	struct sock *l = find_listener(hs->server_host, hs->ip, hs->port);
	if (!l || l->nbacklog >= l->backlog_max) {
		transfer(hs->server_host, c->host, 0);
		c->state = SS_FAILED;
		c->error = ECONNREFUSED;
	} else {
		struct sock *srv = sock_new(hs->server_host, 0, 0);
		srv->state = SS_CONNECTED;
		srv->ip = (hs->ip & LOOPBACK_MASK) == LOOPBACK_NET ? hs->ip : net_host_ip(hs->server_host);
		srv->port = hs->port;
		srv->peer_ip = c->ip;
		srv->peer_port = c->port;
		c->tx = srv->rx = stream_new(c->host, hs->server_host);
		srv->tx = c->rx = stream_new(hs->server_host, c->host);
		l->backlog = rp_realloc(l->backlog, (l->nbacklog + 1) * sizeof(*l->backlog));
		l->backlog[l->nbacklog++] = srv;
		emu_notify();
		transfer(hs->server_host, c->host, 0);
		c->state = SS_CONNECTED;
	}
	emu_notify();
	sock_unref(c);
	free(hs);
}

/* A datagram socket's connect only names the default destination and the one source it hears. */
static int connect_datagram(struct sock *s, uint32_t ip, uint16_t port)
{
	if (!is_loopback(ip) && !net_host_by_ip(ip))
		return -ENETUNREACH;
	if (!s->bound) {
		int rc = sock_bind(s, 0, 0);
		if (rc < 0)
			return rc;
	}
	if (s->ip == 0)
		s->ip = is_loopback(ip) ? ip : net_host_ip(s->host);
	s->peer_ip = ip;
	s->peer_port = port;
	s->state = SS_CONNECTED;
	return 0;
}

int sock_connect(struct sock *s, uint32_t ip, uint16_t port)
{
	if (s->datagram)
		return connect_datagram(s, ip, port);
	if (s->state == SS_CONNECTED)
		return -EISCONN;
	if (s->state == SS_CONNECTING)
		return s->nonblock ? -EALREADY : -EINVAL;
	if (s->state != SS_FRESH)
		return -EINVAL;
	sg_host_t dst = (ip & LOOPBACK_MASK) == LOOPBACK_NET ? s->host : net_host_by_ip(ip);
	if (!dst)
		return -ENETUNREACH;
	if (!s->bound) {
		int rc = sock_bind(s, 0, 0);
		if (rc < 0)
			return rc;
	}
	if (s->ip == 0)
		s->ip = (ip & LOOPBACK_MASK) == LOOPBACK_NET ? ip : net_host_ip(s->host);
	s->peer_ip = ip;
	s->peer_port = port;
	s->state = SS_CONNECTING;
	struct handshake *hs = rp_malloc(sizeof(*hs));
	hs->client = s;
	hs->server_host = dst;
	hs->ip = ip;
	hs->port = port;
	sock_ref(s);
	/* Not a daemon: a handshake always ends, and SimGrid 3.32 crashes killing a daemon that never ran. */
	sg_actor_t a = sg_actor_init("handshake", s->host);
	sg_actor_set_data(a, hs);
	sg_actor_start(a, handshake_main, 0, NULL);
	if (s->nonblock)
		return -EINPROGRESS;
	while (s->state == SS_CONNECTING)
		emu_wait(-1);
	return s->state == SS_CONNECTED ? 0 : -sock_take_error(s);
}

int sock_accept(struct sock *s, int dontwait, struct sock **out)
{
	if (s->datagram)
		return -EOPNOTSUPP;
	if (s->state != SS_LISTENING)
		return -EINVAL;
	while (s->nbacklog == 0) {
		if (s->nonblock || dontwait)
			return -EAGAIN;
		emu_wait(-1);
		if (s->state != SS_LISTENING)
			return -EINVAL;
	}
	*out = s->backlog[0];
	memmove(s->backlog, s->backlog + 1, --s->nbacklog * sizeof(*s->backlog));
	return 0;
}

int64_t sock_send(struct sock *s, const void *buf, size_t len, int dontwait, int *broken)
{
	*broken = 0;
	if (s->state != SS_CONNECTED)
		return s->state == SS_CONNECTING && !s->nonblock ? -EAGAIN : -ENOTCONN;
	size_t done = 0;
	for (;;) {
		struct stream *tx = s->tx;
		if (tx->fin_queued || tx->reader_closed) {
			if (done)
				return (int64_t)done;
			*broken = 1;
			return -EPIPE;
		}
		size_t room = tx->pending.len < NET_SEND_BUFFER ? NET_SEND_BUFFER - tx->pending.len : 0;
		size_t n = len - done < room ? len - done : room;
		bytes_append(&tx->pending, (const uint8_t *)buf + done, n);
		done += n;
		if (n)
			emu_notify();
		if (done == len)
			return (int64_t)done;
		if (s->nonblock || dontwait)
			return done ? (int64_t)done : -EAGAIN;
		emu_wait(-1);
	}
}

int64_t sock_recv(struct sock *s, void *buf, size_t len, int dontwait, int peek)
{
	if (s->state != SS_CONNECTED)
		return s->state == SS_FAILED ? -sock_take_error(s) : -ENOTCONN;
	struct stream *rx = s->rx;
	while (rx->arrived.len == 0) {
		if (rx->fin_arrived || s->shut_rd || len == 0)
			return 0;
		if (s->nonblock || dontwait)
			return -EAGAIN;
		emu_wait(-1);
	}
	size_t n = len < rx->arrived.len ? len : rx->arrived.len;
	memcpy(buf, rx->arrived.data, n);
	if (!peek)
		bytes_consume(&rx->arrived, n);
	return (int64_t)n;
}

int sock_shutdown(struct sock *s, int how)
{
	if (how != SHUT_RD && how != SHUT_WR && how != SHUT_RDWR)
		return -EINVAL;
	if (s->state != SS_CONNECTED)
		return -ENOTCONN;
	if (s->datagram) {
		s->shut_rd = how != SHUT_WR;
		emu_notify();
		return 0;
	}
	if (how != SHUT_RD && !s->tx->fin_queued) {
		s->tx->fin_queued = 1;
		emu_notify();
	}
	if (how != SHUT_WR)
		s->shut_rd = 1;
	return 0;
}

int sock_address(const struct sock *s, int peer, uint32_t *ip, uint16_t *port)
{
	if (peer) {
		if (s->state != SS_CONNECTED)
			return -ENOTCONN;
		*ip = s->peer_ip;
		*port = s->peer_port;
	} else {
		*ip = s->ip;
		*port = s->port;
	}
	return 0;
}

int sock_take_error(struct sock *s)
{
	int e = s->error;
	s->error = 0;
	return e;
}

size_t sock_readable(const struct sock *s)
{
	if (s->datagram)
		return s->inbox ? s->inbox->len : 0;
	return s->state == SS_CONNECTED ? s->rx->arrived.len : 0;
}

short sock_poll(const struct sock *s)
{
	short ev = 0;
	if (s->datagram)
		return (short)(POLLOUT | (s->inbox || s->shut_rd ? POLLIN : 0));
	switch (s->state) {
	case SS_LISTENING:
		if (s->nbacklog)
			ev |= POLLIN;
		break;
	case SS_CONNECTED:
		if (s->rx->arrived.len || s->rx->fin_arrived || s->shut_rd)
			ev |= POLLIN;
		if (s->rx->fin_arrived)
			ev |= POLLRDHUP;
		if (s->tx->reader_closed && s->rx->fin_arrived)
			ev |= POLLHUP;
		if (!s->tx->fin_queued && s->tx->pending.len < NET_SEND_BUFFER)
			ev |= POLLOUT;
		break;
	case SS_FAILED:
		ev |= POLLERR | POLLHUP;
		break;
	case SS_FRESH:
		ev |= POLLOUT | POLLHUP;
		break;
	case SS_CONNECTING:
		break;
	}
	return ev;
}

int sock_is_datagram(const struct sock *s)
{
	return s->datagram;
}

/* The bound datagram socket on host that a message to ip:port reaches, or NULL. */
static struct sock *find_datagram_receiver(sg_host_t host, uint32_t ip, uint16_t port)
{
	struct host_net *hn = host_net(host);
	for (size_t i = 0; i < hn->nbound; i++) {
		struct sock *b = hn->bound[i];
		if (b->datagram && b->port == port && (b->ip == 0 || b->ip == ip || (is_loopback(ip) && is_loopback(b->ip))))
			return b;
	}
	return NULL;
}

struct in_flight {
	sg_host_t src, dst;
	uint32_t dst_ip;
	uint16_t dst_port;
	struct datagram *d;
	struct send_order *order;
	uint64_t seq;
};

/* Carries one datagram across the route; a message for a port nobody holds is lost, as with UDP. */
static void datagram_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	struct in_flight *f = sg_actor_self_get_data();
	transfer(f->src, f->dst, (double)f->d->len);
	while (f->order->delivered != f->seq)
		emu_wait(-1);
	f->order->delivered++;
	struct sock *r = find_datagram_receiver(f->dst, f->dst_ip, f->dst_port);
	int heard = r && !r->shut_rd && (r->state != SS_CONNECTED || (r->peer_ip == f->d->src_ip && r->peer_port == f->d->src_port));
	if (heard) {
		if (r->inbox_last)
			r->inbox_last->next = f->d;
		else
			r->inbox = f->d;
		r->inbox_last = f->d;
	} else {
		free(f->d);
	}
	emu_notify();
	send_order_unref(f->order);
	free(f);
}

int64_t sock_send_datagram(struct sock *s, const void *buf, size_t len, const uint32_t *ip, const uint16_t *port)
{
	if (len > NET_MAX_DATAGRAM)
		return -EMSGSIZE;
	if (!ip && s->state != SS_CONNECTED)
		return -EDESTADDRREQ;
	uint32_t to_ip = ip ? *ip : s->peer_ip;
	uint16_t to_port = ip ? *port : s->peer_port;
	sg_host_t dst = is_loopback(to_ip) ? s->host : net_host_by_ip(to_ip);
	if (!dst)
		return -ENETUNREACH;
	if (!s->bound) {
		int rc = sock_bind(s, 0, 0);
		if (rc < 0)
			return rc;
	}
	struct datagram *d = rp_malloc(sizeof(*d) + (len ? len : 1));
	d->next = NULL;
	d->src_ip = s->ip ? s->ip : is_loopback(to_ip) ? to_ip : net_host_ip(s->host);
	d->src_port = s->port;
	d->len = len;
	memcpy(d->data, buf, len);
	if (!s->order) {
		s->order = rp_calloc(1, sizeof(*s->order));
		s->order->refs = 1;
	}
	s->order->refs++;
	struct in_flight *f = rp_malloc(sizeof(*f));
	*f = (struct in_flight){ .src = s->host, .dst = dst, .dst_ip = to_ip, .dst_port = to_port, .d = d,
				 .order = s->order, .seq = s->order->sent++ };
	/*
	 * Not a daemon: the simulation lasts until the datagram lands (SimGrid 3.32 also
	 * crashes killing a daemon that has not run yet, as when its sender exits at once).
	 */
	sg_actor_t a = sg_actor_init("datagram", s->host);
	sg_actor_set_data(a, f);
	sg_actor_start(a, datagram_main, 0, NULL);
	return (int64_t)len;
}

int64_t sock_recv_datagram(struct sock *s, void *buf, size_t len, int dontwait, int peek, uint32_t *ip, uint16_t *port)
{
	while (!s->inbox) {
		if (s->shut_rd)
			return 0;
		if (s->nonblock || dontwait)
			return -EAGAIN;
		emu_wait(-1);
	}
	struct datagram *d = s->inbox;
	memcpy(buf, d->data, len < d->len ? len : d->len);
	*ip = d->src_ip;
	*port = d->src_port;
	int64_t full = (int64_t)d->len;
	if (!peek) {
		s->inbox = d->next;
		if (!s->inbox)
			s->inbox_last = NULL;
		free(d);
	}
	return full;
}
