#include "emulate/net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <simgrid/actor.h>
#include <simgrid/host.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "emulate/calls.h"
#include "util/util.h"

#define LOOPBACK_NET 0x7f000000u
#define LOOPBACK_MASK 0xff000000u
#define EPHEMERAL_FIRST 32768
#define EPHEMERAL_LAST 60999
/* Linux caps a listen backlog at net.core.somaxconn. */
#define SOMAXCONN_DEFAULT 4096
/* A SYN a full accept queue dropped is sent again after 1 s, then 2, 4 ...: tcp_syn_retries times. */
#define SYN_TIMEOUT_FIRST 1.0
#define SYN_RETRIES 6
/*
 * Batches are cut to this size: SimGrid shares a route's bandwidth evenly between
 * transfers, so transfers of one size finish in the order they started, and a stream's
 * older bytes are not held back by newer ones.
 */
#define NET_SEGMENT (64u << 10)

struct bytes {
	uint8_t *data;
	size_t len, cap;
};

/* A batch that left recently: it may still be crossing the route's latency. */
struct departure {
	double at;
	size_t len;
};

/*
 * One direction of a connection. What the writer writes waits in pending until the
 * stream's sender actor hands it to the network as a batch, one SimGrid transfer;
 * batches travel side by side and arrive in the order sent. At most half the window may
 * be crossing the route's latency at once, so that while a bulk stream's new batches
 * cross it, the rest of the window keeps the route's bandwidth busy: a long stream pays
 * the latency once, as TCP does with a window, rather than once per batch, and carries
 * at most half a window per latency (a window per round trip, as TCP).
 */
struct stream {
	sg_host_t src, dst;
	double latency;          /* one crossing of the route by an empty message: the handshake's */
	struct bytes pending;    /* written, not yet handed to the network */
	size_t under_way;        /* handed to the network, not yet arrived */
	uint64_t launched, landed; /* batches handed to the network, and arrived, in order */
	struct departure *recent; /* batches that left less than a latency ago, oldest first */
	size_t nrecent, recent_cap;
	struct bytes arrived;    /* delivered, not yet read */
	uint64_t written, delivered; /* byte counts since the connection began */
	int fin_queued;          /* the writer shut down or closed: end of stream after pending */
	int reset_queued;        /* the writer's close was abortive: RST, pending bytes dropped */
	int fin_arrived;         /* the reader has seen everything: reads return 0 */
	int reset_arrived;       /* the RST came: the connection is gone */
	int reset_error;         /* the reader's pending error from the RST, until taken */
	int reader_closed;       /* the reading side is gone: writes fail with EPIPE */
	int sending;             /* a sender actor is running */
	int ended;               /* the FIN or RST left: nothing more will be sent */
	int refs;                /* the two sockets, the sender actor and each batch under way */
};

/* A UDP message waiting to be read, with the address it came from. */
struct datagram {
	struct datagram *next;
	struct in6_addr src;
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
	size_t held;             /* the send buffer the datagrams in flight take */
};

/*
 * What a datagram in flight takes of its socket's send buffer: its bytes and, as Linux
 * charges each one's buffer (skb) too, NET_DATAGRAM_OVERHEAD, so that a flood of small
 * datagrams is bounded as well.
 */
static size_t datagram_charge(size_t len)
{
	return len + NET_DATAGRAM_OVERHEAD;
}

static void send_order_unref(struct send_order *o)
{
	if (o && --o->refs == 0)
		free(o);
}

enum sock_state { SS_FRESH, SS_LISTENING, SS_CONNECTING, SS_CONNECTED, SS_FAILED };

struct sock {
	int refs;
	sg_host_t host;
	int family;              /* AF_INET or AF_INET6: the form of the addresses the program sees */
	int v6only;              /* IPV6_V6ONLY: an AF_INET6 socket that does not reach IPv4 */
	int datagram;            /* SOCK_DGRAM: messages, no connection; connect only sets the peer */
	int nonblock;
	int linger_on, linger_seconds;
	double rcv_timeout, snd_timeout; /* SO_RCVTIMEO, SO_SNDTIMEO in seconds; 0 = none */
	enum sock_state state;
	int bound;
	struct in6_addr addr, peer; /* :: or ::ffff:0.0.0.0 = any */
	uint16_t port, peer_port;
	int error;               /* pending SO_ERROR */
	double rtt;              /* the handshake's round trip */
	uint64_t changes;        /* counts changes the socket's own calls made */
	struct stream *rx, *tx;
	int shut_rd;
	struct sock **backlog;   /* listening: connections not yet accepted */
	size_t nbacklog, backlog_max;
	size_t arriving;         /* connections taken whose sockets are being made (that lets other actors run) */
	struct datagram *inbox, *inbox_last; /* datagram sockets: arrived, not yet read */
	uint64_t inbox_count;    /* datagrams ever queued */
	struct send_order *order;            /* datagram sockets that sent: keeps their messages in order */
	struct sock_option *options;         /* set by the program, read back as set */
	size_t noptions;
};

/* A socket option the simulated stack has no use for, kept so that getsockopt reads back what was set. */
struct sock_option {
	int level, name;
	size_t len;
	uint8_t value[NET_OPTION_MAX];
};

struct host_net {
	uint32_t ip;
	struct in6_addr ip6;
	struct sock **bound;
	size_t nbound, bound_cap;
	uint16_t next_ephemeral;
};

static const struct in6_addr V4_ANY = { .s6_addr = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 0, 0 } };

int net_addr_is_v4(const struct in6_addr *a)
{
	return IN6_IS_ADDR_V4MAPPED(a);
}

uint32_t net_addr_v4(const struct in6_addr *a)
{
	uint32_t be;
	memcpy(&be, a->s6_addr + 12, 4);
	return ntohl(be);
}

struct in6_addr net_addr_from_v4(uint32_t ip)
{
	struct in6_addr a = V4_ANY;
	uint32_t be = htonl(ip);
	memcpy(a.s6_addr + 12, &be, 4);
	return a;
}

static int addr_eq(const struct in6_addr *a, const struct in6_addr *b)
{
	return memcmp(a, b, sizeof(*a)) == 0;
}

static int addr_is_any(const struct in6_addr *a)
{
	return IN6_IS_ADDR_UNSPECIFIED(a) || addr_eq(a, &V4_ANY);
}

static int addr_is_loopback(const struct in6_addr *a)
{
	return IN6_IS_ADDR_LOOPBACK(a) || (net_addr_is_v4(a) && (net_addr_v4(a) & LOOPBACK_MASK) == LOOPBACK_NET);
}

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

static int ip6_taken(sg_host_t *hosts, size_t n, sg_host_t self, const struct in6_addr *a)
{
	for (size_t i = 0; i < n; i++)
		if (hosts[i] != self && host_net(hosts[i]) && addr_eq(&host_net(hosts[i])->ip6, a))
			return 1;
	return 0;
}

/* The "ip6" property, or fd00:: with the IPv4 address as its last 32 bits. */
static int assign_ip6(sg_host_t *hosts, size_t n, sg_host_t h, char *err, size_t errlen)
{
	struct host_net *hn = host_net(h);
	const char *prop = sg_host_get_property_value(h, "ip6");
	if (prop) {
		if (inet_pton(AF_INET6, prop, &hn->ip6) != 1 || net_addr_is_v4(&hn->ip6) || addr_is_any(&hn->ip6) ||
		    IN6_IS_ADDR_LOOPBACK(&hn->ip6)) {
			snprintf(err, errlen, "host %s: ip6 '%s' is not a usable IPv6 address", sg_host_get_name(h), prop);
			return -1;
		}
	} else {
		if (inet_pton(AF_INET6, NET_DEFAULT_IP6_PREFIX, &hn->ip6) != 1) {
			snprintf(err, errlen, "the default IPv6 prefix %s is not an address", NET_DEFAULT_IP6_PREFIX);
			return -1;
		}
		uint32_t be = htonl(hn->ip);
		memcpy(hn->ip6.s6_addr + 12, &be, 4);
	}
	if (ip6_taken(hosts, n, h, &hn->ip6)) {
		char text[INET6_ADDRSTRLEN];
		inet_ntop(AF_INET6, &hn->ip6, text, sizeof(text));
		snprintf(err, errlen, "host %s: ip6 %s is already another host's", sg_host_get_name(h), text);
		return -1;
	}
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
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = assign_ip6(hosts, n, hosts[i], err, errlen);
	free(hosts);
	if (rc < 0)
		net_free();
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

static sg_host_t host_by_ip6(const struct in6_addr *a)
{
	sg_host_t *hosts = sg_host_list();
	size_t n = sg_host_count();
	sg_host_t found = NULL;
	for (size_t i = 0; i < n && !found; i++)
		if (addr_eq(&host_net(hosts[i])->ip6, a))
			found = hosts[i];
	free(hosts);
	return found;
}

uint32_t net_host_ip(sg_host_t host)
{
	return host_net(host)->ip;
}

struct in6_addr net_host_ip6(sg_host_t host)
{
	return host_net(host)->ip6;
}

/* The host an address names, seen from host `from`: loopback and the any address are from itself. */
static sg_host_t route_to(sg_host_t from, const struct in6_addr *a)
{
	if (addr_is_loopback(a) || addr_is_any(a))
		return from;
	return net_addr_is_v4(a) ? net_host_by_ip(net_addr_v4(a)) : host_by_ip6(a);
}

/* Connecting to the any address reaches the host's loopback, as in Linux. */
static struct in6_addr destination(const struct in6_addr *a)
{
	if (!addr_is_any(a))
		return *a;
	return net_addr_is_v4(a) ? net_addr_from_v4(LOOPBACK_NET | 1) : in6addr_loopback;
}

static int is_local(sg_host_t host, const struct in6_addr *a)
{
	if (addr_is_any(a) || addr_is_loopback(a))
		return 1;
	return net_addr_is_v4(a) ? net_addr_v4(a) == net_host_ip(host) : addr_eq(a, &host_net(host)->ip6);
}

/* The source address a socket of host uses towards destination dst. */
static struct in6_addr source_for(sg_host_t host, const struct in6_addr *dst)
{
	if (addr_is_loopback(dst))
		return *dst;
	return net_addr_is_v4(dst) ? net_addr_from_v4(net_host_ip(host)) : host_net(host)->ip6;
}

/* Whether a socket bound to s's address takes what is sent to all IPv4, or all IPv6, addresses. */
static int covers_all_v4(const struct sock *s)
{
	return addr_eq(&s->addr, &V4_ANY) || (IN6_IS_ADDR_UNSPECIFIED(&s->addr) && !s->v6only);
}

static int covers_all_v6(const struct sock *s)
{
	return IN6_IS_ADDR_UNSPECIFIED(&s->addr);
}

/* Whether what is sent to a reaches socket s (bound on a's host). */
static int takes(const struct sock *s, const struct in6_addr *a)
{
	if (addr_is_any(&s->addr))
		return net_addr_is_v4(a) ? covers_all_v4(s) : covers_all_v6(s);
	return addr_eq(&s->addr, a);
}

/* Whether two bindings of one port overlap: Linux refuses the second (EADDRINUSE). */
static int bindings_overlap(const struct sock *a, const struct sock *b)
{
	if (!addr_is_any(&a->addr))
		return takes(b, &a->addr);
	if (!addr_is_any(&b->addr))
		return takes(a, &b->addr);
	return (covers_all_v4(a) && covers_all_v4(b)) || (covers_all_v6(a) && covers_all_v6(b));
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

static void bytes_free(struct bytes *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
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

/* transfer, returning the simulated time it took. */
static double timed_transfer(sg_host_t src, sg_host_t dst, double bytes)
{
	double start = emu_clock();
	transfer(src, dst, bytes);
	return emu_clock() - start;
}

static void stream_unref(struct stream *st)
{
	if (--st->refs > 0)
		return;
	bytes_free(&st->pending);
	bytes_free(&st->arrived);
	free(st->recent);
	free(st);
}

/* One batch of a stream: its bytes, or its FIN or RST, crossing the route. */
struct batch {
	struct stream *st;
	struct bytes data;
	uint64_t seq;
	int fin, reset;
};

static void batch_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	struct batch *b = sg_actor_self_get_data();
	struct stream *st = b->st;
	transfer(st->src, st->dst, (double)b->data.len);
	while (st->landed != b->seq)
		emu_wait(-1);
	st->landed++;
	st->under_way -= b->data.len;
	st->delivered += b->data.len;
	if (!st->reader_closed)
		bytes_append(&st->arrived, b->data.data, b->data.len);
	if (b->fin)
		st->fin_arrived = 1;
	if (b->reset) {
		/* Linux: ECONNRESET, or EPIPE for a connection whose FIN had come (CLOSE_WAIT). */
		st->reset_error = st->fin_arrived ? EPIPE : ECONNRESET;
		st->reset_arrived = 1;
	}
	emu_notify();
	bytes_free(&b->data);
	free(b);
	stream_unref(st);
}

static void launch(struct stream *st, size_t len, int fin, int reset)
{
	struct batch *b = rp_calloc(1, sizeof(*b));
	b->st = st;
	b->seq = st->launched++;
	b->fin = fin;
	b->reset = reset;
	if (len == st->pending.len) {
		b->data = st->pending;
		memset(&st->pending, 0, sizeof(st->pending));
	} else {
		bytes_append(&b->data, st->pending.data, len);
		bytes_consume(&st->pending, len);
	}
	st->under_way += len;
	if (st->nrecent == st->recent_cap) {
		st->recent_cap = st->recent_cap ? st->recent_cap * 2 : 16;
		st->recent = rp_realloc(st->recent, st->recent_cap * sizeof(*st->recent));
	}
	st->recent[st->nrecent++] = (struct departure){ emu_clock(), len };
	st->refs++;
	/* Not a daemon: a batch always lands, and SimGrid 3.32 crashes killing a daemon that never ran. */
	sg_actor_t a = sg_actor_init("batch", st->src);
	sg_actor_set_data(a, b);
	sg_actor_start(a, batch_main, 0, NULL);
}

/* The bytes of batches still crossing the route's latency; forgets the others. */
static size_t crossing_latency(struct stream *st)
{
	double now = emu_clock();
	size_t gone = 0, bytes = 0;
	while (gone < st->nrecent && st->recent[gone].at + st->latency <= now)
		gone++;
	if (gone) {
		memmove(st->recent, st->recent + gone, (st->nrecent - gone) * sizeof(*st->recent));
		st->nrecent -= gone;
	}
	for (size_t i = 0; i < st->nrecent; i++)
		bytes += st->recent[i].len;
	return bytes;
}

/*
 * The bytes the next batch of a stream may carry now (0: wait), and in *wait how long
 * at most before asking again: what is pending, within the receiver's room (the window
 * less what is under way or arrived unread), and within half the window less what is
 * crossing the latency.
 */
static size_t next_batch(struct stream *st, double *wait)
{
	*wait = -1;
	size_t crossing = crossing_latency(st);
	size_t taken = st->under_way + st->arrived.len;
	size_t room = taken < NET_WINDOW ? NET_WINDOW - taken : 0;
	size_t pace = crossing < NET_WINDOW / 2 ? NET_WINDOW / 2 - crossing : 0;
	size_t n = st->pending.len < room ? st->pending.len : room;
	if (n > pace)
		n = pace;
	/* Nothing may leave before the oldest batch crossing the latency is past it. */
	if (n == 0 && pace == 0)
		*wait = st->recent[0].at + st->latency - emu_clock();
	return n;
}

/*
 * A stream's sender: hands written bytes to the network in batches, then its FIN or RST,
 * and ends when nothing is left to send. It runs only while there is (stream_kick starts
 * it), so it need not be a daemon: SimGrid kills daemons when the last other actor ends,
 * even half-way through starting a batch.
 */
static void sender_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	struct stream *st = sg_actor_self_get_data();
	for (;;) {
		double wait;
		size_t n = next_batch(st, &wait);
		if (st->reset_queued || (st->pending.len == 0 && st->fin_queued)) {
			launch(st, 0, !st->reset_queued, st->reset_queued);
			st->ended = 1;
			break;
		}
		if (st->pending.len == 0)
			break;
		/* One segment at a time: starting its actor lets others run, who may write or close meanwhile. */
		if (n)
			launch(st, n < NET_SEGMENT ? n : NET_SEGMENT, 0, 0);
		else
			emu_wait(wait);
	}
	st->sending = 0;
	emu_notify();
	stream_unref(st);
}

/* Starts the stream's sender if it has something to send and none is running. */
static void stream_kick(struct stream *st)
{
	if (st->sending || st->ended || emu.finished)
		return;
	st->sending = 1;
	st->refs++;
	sg_actor_t a = sg_actor_init("sender", st->src);
	sg_actor_set_data(a, st);
	sg_actor_start(a, sender_main, 0, NULL);
}

static struct stream *stream_new(sg_host_t src, sg_host_t dst, double latency)
{
	struct stream *st = rp_calloc(1, sizeof(*st));
	st->src = src;
	st->dst = dst;
	st->latency = latency;
	st->refs = 2;
	return st;
}

struct sock *sock_new(sg_host_t host, int family, int datagram, int nonblock)
{
	struct sock *s = rp_calloc(1, sizeof(*s));
	s->refs = 1;
	s->host = host;
	s->family = family;
	s->datagram = datagram;
	s->nonblock = nonblock;
	s->addr = family == AF_INET ? V4_ANY : in6addr_any;
	return s;
}

int sock_family(const struct sock *s)
{
	return s->family;
}

int sock_is_datagram(const struct sock *s)
{
	return s->datagram;
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

/*
 * Linux resets rather than finishes a connection closed with received bytes unread, or
 * with SO_LINGER on and a zero timeout: unsent bytes are dropped and an RST follows what
 * is already under way.
 */
static void close_stream_socket(struct sock *s)
{
	int abortive = (s->linger_on && s->linger_seconds == 0) || (s->rx && s->rx->arrived.len > 0);
	if (s->tx) {
		if (abortive) {
			bytes_free(&s->tx->pending);
			s->tx->reset_queued = 1;
		} else {
			s->tx->fin_queued = 1;
		}
		stream_kick(s->tx);
		stream_unref(s->tx);
	}
	if (s->rx) {
		s->rx->reader_closed = 1;
		bytes_free(&s->rx->arrived);
		stream_unref(s->rx);
	}
}

void sock_unref(struct sock *s)
{
	if (--s->refs > 0)
		return;
	if (s->bound)
		unbind(s);
	/* Linux resets the connections a closed listener had not accepted. */
	for (size_t i = 0; i < s->nbacklog; i++) {
		s->backlog[i]->linger_on = 1;
		s->backlog[i]->linger_seconds = 0;
		sock_unref(s->backlog[i]);
	}
	free(s->backlog);
	send_order_unref(s->order);
	while (s->inbox) {
		struct datagram *d = s->inbox;
		s->inbox = d->next;
		free(d);
	}
	close_stream_socket(s);
	free(s->options);
	free(s);
	emu_notify();
}

void sock_set_nonblock(struct sock *s, int on)
{
	s->nonblock = on;
}

int sock_set_v6only(struct sock *s, int on)
{
	if (s->bound)
		return -EINVAL;
	s->v6only = on;
	return 0;
}

int sock_v6only(const struct sock *s)
{
	return s->v6only;
}

void sock_set_linger(struct sock *s, int on, int seconds)
{
	s->linger_on = on;
	s->linger_seconds = seconds;
}

void sock_linger(const struct sock *s, int *on, int *seconds)
{
	*on = s->linger_on;
	*seconds = s->linger_seconds;
}

void sock_set_timeout(struct sock *s, int sending, double seconds)
{
	if (sending)
		s->snd_timeout = seconds;
	else
		s->rcv_timeout = seconds;
}

/*
 * A blocking call's wait in simulated time: until its timeout (0: none), or until a signal
 * sent to its caller meanwhile would end the call in the kernel.
 */
struct blocking_wait {
	struct emu_thread *caller;
	double timeout, deadline; /* deadline: simulated time, or -1 for never */
	uint64_t signals;         /* emu_signals_sent when last looked at */
};

static struct blocking_wait wait_start(struct emu_thread *caller, double timeout)
{
	return (struct blocking_wait){ .caller = caller, .timeout = timeout,
				       .deadline = timeout > 0 ? emu_clock() + timeout : -1,
				       .signals = emu_signals_sent() };
}

/*
 * Waits for a change: 1; 0 when the deadline had passed already; when a signal ends the
 * call, what Linux's sockets answer then: restartable unless a timeout was set.
 */
static int wait_more(struct blocking_wait *w)
{
	if (w->deadline < 0) {
		emu_wait(-1);
	} else {
		double left = w->deadline - emu_clock();
		if (left <= 0)
			return 0;
		emu_wait(left);
	}
	if (emu_signal_since(w->caller, &w->signals))
		return w->timeout > 0 ? -EINTR : -EMU_EINTR_RESTART;
	return 1;
}

/* For a call that could not finish at once: fails with EAGAIN, or ends for a signal, or waits (0). */
static int wait_or_fail(struct blocking_wait *w, int nonblocking)
{
	if (nonblocking)
		return -EAGAIN;
	int rc = wait_more(w);
	return rc == 0 ? -EAGAIN : rc < 0 ? rc : 0;
}

void sock_option_set(struct sock *s, int level, int name, const void *value, size_t len)
{
	struct sock_option *o = NULL;
	for (size_t i = 0; i < s->noptions && !o; i++)
		if (s->options[i].level == level && s->options[i].name == name)
			o = &s->options[i];
	if (!o) {
		s->options = rp_realloc(s->options, (s->noptions + 1) * sizeof(*s->options));
		o = &s->options[s->noptions++];
		o->level = level;
		o->name = name;
	}
	o->len = len < NET_OPTION_MAX ? len : NET_OPTION_MAX;
	memcpy(o->value, value, o->len);
}

const void *sock_option_get(const struct sock *s, int level, int name, size_t *len)
{
	for (size_t i = 0; i < s->noptions; i++)
		if (s->options[i].level == level && s->options[i].name == name) {
			*len = s->options[i].len;
			return s->options[i].value;
		}
	return NULL;
}

/* TCP and UDP have a port space each. */
static int port_taken(struct host_net *hn, const struct sock *s, uint16_t port)
{
	for (size_t i = 0; i < hn->nbound; i++) {
		struct sock *b = hn->bound[i];
		if (b != s && b->datagram == s->datagram && b->port == port && b->state != SS_CONNECTED && bindings_overlap(b, s))
			return 1;
	}
	return 0;
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

/* An address this socket can use: IPv4 ones only for AF_INET, IPv4-mapped ones not for IPV6_V6ONLY. */
static int family_reaches(const struct sock *s, const struct in6_addr *a)
{
	return s->family == AF_INET ? net_addr_is_v4(a) : !(s->v6only && net_addr_is_v4(a));
}

int sock_bind(struct sock *s, const struct in6_addr *addr, uint16_t port)
{
	if (s->bound || s->state != SS_FRESH)
		return -EINVAL;
	if (!family_reaches(s, addr))
		return -EINVAL;
	if (!is_local(s->host, addr))
		return -EADDRNOTAVAIL;
	struct host_net *hn = host_net(s->host);
	s->addr = *addr;
	if (port == 0) {
		/* Linux picks ephemeral ports at random; a simulation wants them reproducible. */
		for (unsigned tries = 0; port == 0 && tries <= EPHEMERAL_LAST - EPHEMERAL_FIRST; tries++) {
			uint16_t p = hn->next_ephemeral;
			hn->next_ephemeral = p == EPHEMERAL_LAST ? EPHEMERAL_FIRST : p + 1;
			if (!port_taken(hn, s, p))
				port = p;
		}
	} else if (port_taken(hn, s, port)) {
		port = 0;
	}
	if (port == 0) {
		s->addr = s->family == AF_INET ? V4_ANY : in6addr_any;
		return -EADDRINUSE;
	}
	s->port = port;
	s->changes++;
	add_bound(s);
	return 0;
}

static int bind_any(struct sock *s)
{
	struct in6_addr any = s->family == AF_INET ? V4_ANY : in6addr_any;
	return s->bound ? 0 : sock_bind(s, &any, 0);
}

int sock_listen(struct sock *s, int backlog)
{
	if (s->datagram)
		return -EOPNOTSUPP;
	if (s->state != SS_FRESH && s->state != SS_LISTENING)
		return -EINVAL;
	int rc = bind_any(s);
	if (rc < 0)
		return rc;
	s->state = SS_LISTENING;
	/* Linux: an accept queue is full when it holds more than the backlog, capped at somaxconn. */
	s->backlog_max = backlog < 0 || backlog > SOMAXCONN_DEFAULT ? SOMAXCONN_DEFAULT : (size_t)backlog;
	s->changes++;
	emu_notify();
	return 0;
}

static struct sock *find_listener(sg_host_t host, const struct in6_addr *a, uint16_t port)
{
	struct host_net *hn = host_net(host);
	for (size_t i = 0; i < hn->nbound; i++) {
		struct sock *b = hn->bound[i];
		if (!b->datagram && b->state == SS_LISTENING && b->port == port && takes(b, a))
			return b;
	}
	return NULL;
}

struct handshake {
	struct sock *client;
	sg_host_t server_host;
	struct in6_addr addr;
	uint16_t port;
};

/*
 * The listener takes the connection, whose SYN took `there`: a socket for it waits in the
 * accept queue. Making its streams starts actors, which lets others run: the slot is
 * reserved meanwhile, and the listener held (should it be closed meanwhile, its last
 * reference resets the new connection with the rest of its queue).
 */
static void enqueue_connection(struct handshake *hs, struct sock *l, double there)
{
	struct sock *c = hs->client;
	sock_ref(l);
	l->arriving++;
	struct sock *srv = sock_new(hs->server_host, l->family, 0, 0);
	srv->state = SS_CONNECTED;
	srv->addr = hs->addr;
	srv->port = hs->port;
	srv->peer = c->addr;
	srv->peer_port = c->port;
	srv->rtt = 2 * there;
	c->tx = srv->rx = stream_new(c->host, hs->server_host, there);
	srv->tx = c->rx = stream_new(hs->server_host, c->host, there);
	l->arriving--;
	l->backlog = rp_realloc(l->backlog, (l->nbacklog + 1) * sizeof(*l->backlog));
	l->backlog[l->nbacklog++] = srv;
	l->changes++;
	sock_unref(l);
}

/*
 * SYN, then SYN-ACK or RST: each a crossing of the route. A SYN that finds the accept
 * queue full is dropped, as Linux does; the client sends it again after 1 s, 2 s, 4 s ...
 * and gives up (ETIMEDOUT) after SYN_RETRIES tries.
 */
static void handshake_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	struct handshake *hs = sg_actor_self_get_data();
	struct sock *c = hs->client;
	double timeout = SYN_TIMEOUT_FIRST;
	for (int tries = 0;; tries++) {
		double sent = emu_clock();
		double there = timed_transfer(c->host, hs->server_host, 0);
		struct sock *l = find_listener(hs->server_host, &hs->addr, hs->port);
		if (!l) {
			transfer(hs->server_host, c->host, 0);
			c->error = ECONNREFUSED;
			break;
		}
		if (l->nbacklog + l->arriving <= l->backlog_max) {
			enqueue_connection(hs, l, there);
			emu_notify();
			double back = timed_transfer(hs->server_host, c->host, 0);
			c->rx->latency = back;
			c->rtt = there + back;
			c->state = SS_CONNECTED;
			break;
		}
		double left = sent + timeout - emu_clock();
		if (left > 0)
			sg_actor_sleep_for(left);
		if (tries == SYN_RETRIES) {
			c->error = ETIMEDOUT;
			break;
		}
		timeout *= 2;
	}
	if (c->state != SS_CONNECTED)
		c->state = SS_FAILED;
	c->changes++;
	emu_notify();
	sock_unref(c);
	free(hs);
}

/* A datagram socket's connect only names the default destination and the one source it hears. */
static int connect_datagram(struct sock *s, const struct in6_addr *addr, uint16_t port)
{
	if (!route_to(s->host, addr))
		return -ENETUNREACH;
	int rc = bind_any(s);
	if (rc < 0)
		return rc;
	s->peer = destination(addr);
	if (addr_is_any(&s->addr))
		s->addr = source_for(s->host, &s->peer);
	s->peer_port = port;
	s->state = SS_CONNECTED;
	s->changes++;
	return 0;
}

/*
 * A blocking connect's wait for its handshake. Cut short, the handshake goes on, as in
 * Linux: by SO_SNDTIMEO, the call fails with cut_short; by a signal, with EINTR.
 */
static int await_connection(struct emu_thread *caller, struct sock *s, int cut_short)
{
	struct blocking_wait w = wait_start(caller, s->snd_timeout);
	while (s->state == SS_CONNECTING) {
		int rc = wait_more(&w);
		if (rc <= 0)
			return rc ? rc : cut_short;
	}
	return s->state == SS_CONNECTED ? 0 : -sock_take_error(s);
}

int sock_connect(struct emu_thread *caller, struct sock *s, const struct in6_addr *addr, uint16_t port)
{
	if (!family_reaches(s, addr))
		return s->family == AF_INET ? -EAFNOSUPPORT : -ENETUNREACH;
	if (s->datagram)
		return connect_datagram(s, addr, port);
	if (s->state == SS_CONNECTED)
		return -EISCONN;
	/* Linux: a blocking connect made again while the handshake goes on waits for it once more. */
	if (s->state == SS_CONNECTING)
		return s->nonblock ? -EALREADY : await_connection(caller, s, -EALREADY);
	if (s->state != SS_FRESH)
		return -EINVAL;
	struct in6_addr dst = destination(addr);
	sg_host_t host = route_to(s->host, &dst);
	if (!host)
		return -ENETUNREACH;
	int rc = bind_any(s);
	if (rc < 0)
		return rc;
	if (addr_is_any(&s->addr))
		s->addr = source_for(s->host, &dst);
	s->peer = dst;
	s->peer_port = port;
	s->state = SS_CONNECTING;
	s->changes++;
	struct handshake *hs = rp_malloc(sizeof(*hs));
	hs->client = s;
	hs->server_host = host;
	hs->addr = dst;
	hs->port = port;
	sock_ref(s);
	/* Not a daemon: a handshake always ends, and SimGrid 3.32 crashes killing a daemon that never ran. */
	sg_actor_t a = sg_actor_init("handshake", s->host);
	sg_actor_set_data(a, hs);
	sg_actor_start(a, handshake_main, 0, NULL);
	return s->nonblock ? -EINPROGRESS : await_connection(caller, s, -EINPROGRESS);
}

int sock_accept(struct emu_thread *caller, struct sock *s, int dontwait, struct sock **out)
{
	if (s->datagram)
		return -EOPNOTSUPP;
	if (s->state != SS_LISTENING)
		return -EINVAL;
	struct blocking_wait w = wait_start(caller, s->rcv_timeout);
	while (s->nbacklog == 0) {
		int rc = wait_or_fail(&w, s->nonblock || dontwait);
		if (rc < 0)
			return rc;
		if (s->state != SS_LISTENING)
			return -EINVAL;
	}
	*out = s->backlog[0];
	memmove(s->backlog, s->backlog + 1, --s->nbacklog * sizeof(*s->backlog));
	s->changes++;
	/* A SYN waiting for room may now get in. */
	emu_notify();
	return 0;
}

/* The error an RST left for this socket, taken once (Linux's sk_err). */
static int take_reset_error(struct sock *s)
{
	int e = s->rx ? s->rx->reset_error : 0;
	if (e)
		s->rx->reset_error = 0;
	return e;
}

int64_t sock_send(struct emu_thread *caller, struct sock *s, const void *buf, size_t len, int dontwait, int *broken)
{
	*broken = 0;
	if (s->state != SS_CONNECTED)
		return s->state == SS_CONNECTING && !s->nonblock ? -EAGAIN : -ENOTCONN;
	size_t done = 0;
	struct blocking_wait w = wait_start(caller, s->snd_timeout);
	for (;;) {
		struct stream *tx = s->tx;
		int reset = take_reset_error(s);
		if (reset)
			return done ? (int64_t)done : -reset;
		if (tx->fin_queued || tx->reset_queued || tx->reader_closed || s->rx->reset_arrived) {
			if (done)
				return (int64_t)done;
			*broken = 1;
			return -EPIPE;
		}
		size_t held = tx->pending.len + tx->under_way;
		size_t room = held < NET_WINDOW ? NET_WINDOW - held : 0;
		size_t n = len - done < room ? len - done : room;
		bytes_append(&tx->pending, (const uint8_t *)buf + done, n);
		tx->written += n;
		done += n;
		if (n) {
			stream_kick(tx);
			emu_notify();
		}
		if (done == len)
			return (int64_t)done;
		int rc = wait_or_fail(&w, s->nonblock || dontwait);
		if (rc < 0)
			return done ? (int64_t)done : rc;
	}
}

int64_t sock_recv(struct emu_thread *caller, struct sock *s, void *buf, size_t len, int dontwait, int peek)
{
	if (s->state != SS_CONNECTED)
		return s->state == SS_FAILED ? -sock_take_error(s) : -ENOTCONN;
	struct stream *rx = s->rx;
	struct blocking_wait w = wait_start(caller, s->rcv_timeout);
	while (rx->arrived.len == 0) {
		if (rx->fin_arrived || s->shut_rd || len == 0)
			return 0;
		if (rx->reset_arrived)
			return -take_reset_error(s);
		int rc = wait_or_fail(&w, s->nonblock || dontwait);
		if (rc < 0)
			return rc;
	}
	size_t n = len < rx->arrived.len ? len : rx->arrived.len;
	memcpy(buf, rx->arrived.data, n);
	if (!peek) {
		bytes_consume(&rx->arrived, n);
		s->changes++;
		/* The sender may be waiting for the receiver's room. */
		emu_notify();
	}
	return (int64_t)n;
}

int sock_shutdown(struct sock *s, int how)
{
	if (how != SHUT_RD && how != SHUT_WR && how != SHUT_RDWR)
		return -EINVAL;
	if (s->state != SS_CONNECTED)
		return -ENOTCONN;
	s->changes++;
	if (s->datagram) {
		s->shut_rd = how != SHUT_WR;
		emu_notify();
		return 0;
	}
	if (how != SHUT_RD && !s->tx->fin_queued) {
		s->tx->fin_queued = 1;
		stream_kick(s->tx);
		emu_notify();
	}
	if (how != SHUT_WR)
		s->shut_rd = 1;
	return 0;
}

int sock_address(const struct sock *s, int peer, struct in6_addr *addr, uint16_t *port)
{
	if (peer) {
		if (s->state != SS_CONNECTED)
			return -ENOTCONN;
		*addr = s->peer;
		*port = s->peer_port;
	} else {
		*addr = s->addr;
		*port = s->port;
	}
	return 0;
}

int sock_take_error(struct sock *s)
{
	int e = s->error;
	s->error = 0;
	return e ? e : take_reset_error(s);
}

size_t sock_readable(const struct sock *s)
{
	if (s->datagram)
		return s->inbox ? s->inbox->len : 0;
	return s->state == SS_CONNECTED ? s->rx->arrived.len : 0;
}

static short connected_poll(const struct sock *s)
{
	const struct stream *rx = s->rx, *tx = s->tx;
	short ev = 0;
	if (rx->reset_arrived)
		return (short)(POLLIN | POLLOUT | POLLHUP | POLLRDHUP | (rx->reset_error ? POLLERR : 0));
	if (rx->arrived.len || rx->fin_arrived || s->shut_rd)
		ev |= POLLIN;
	if (rx->fin_arrived)
		ev |= POLLRDHUP;
	if (tx->reader_closed && rx->fin_arrived)
		ev |= POLLHUP;
	if (!tx->fin_queued && tx->pending.len + tx->under_way < NET_WINDOW)
		ev |= POLLOUT;
	return ev;
}

short sock_poll(const struct sock *s)
{
	if (s->datagram) {
		int room = !s->order || s->order->held + datagram_charge(0) <= NET_WINDOW;
		return (short)((room ? POLLOUT : 0) | (s->inbox || s->shut_rd ? POLLIN : 0));
	}
	switch (s->state) {
	case SS_LISTENING:
		return s->nbacklog ? POLLIN : 0;
	case SS_CONNECTED:
		return connected_poll(s);
	case SS_FAILED:
		return POLLERR | POLLHUP;
	case SS_FRESH:
		return POLLOUT | POLLHUP;
	case SS_CONNECTING:
		return 0;
	}
	return 0;
}

uint64_t sock_activity(const struct sock *s)
{
	uint64_t a = s->changes + s->inbox_count + (uint64_t)s->state;
	if (s->rx)
		a += s->rx->delivered + (uint64_t)s->rx->fin_arrived + (uint64_t)s->rx->reset_arrived;
	if (s->tx)
		a += s->tx->delivered + (uint64_t)s->tx->reader_closed;
	return a;
}

void sock_stats(const struct sock *s, struct sock_stats *out)
{
	memset(out, 0, sizeof(*out));
	switch (s->state) {
	case SS_LISTENING:
		out->state = TCP_LISTEN;
		break;
	case SS_CONNECTING:
		out->state = TCP_SYN_SENT;
		break;
	case SS_CONNECTED:
		out->state = s->rx->reset_arrived ? TCP_CLOSE : s->rx->fin_arrived ? TCP_CLOSE_WAIT : s->tx->fin_queued ? TCP_FIN_WAIT1 : TCP_ESTABLISHED;
		break;
	case SS_FRESH:
	case SS_FAILED:
		out->state = TCP_CLOSE;
		break;
	}
	out->rtt = s->rtt;
	if (s->tx) {
		out->bytes_sent = s->tx->written - s->tx->pending.len;
		out->bytes_acked = s->tx->delivered;
		out->unacked = s->tx->under_way;
	}
	if (s->rx)
		out->bytes_received = s->rx->delivered;
}

/* The bound datagram socket on host that a message to addr:port reaches, or NULL. */
static struct sock *find_datagram_receiver(sg_host_t host, const struct in6_addr *addr, uint16_t port)
{
	struct host_net *hn = host_net(host);
	for (size_t i = 0; i < hn->nbound; i++) {
		struct sock *b = hn->bound[i];
		if (b->datagram && b->port == port && takes(b, addr))
			return b;
	}
	return NULL;
}

struct in_flight {
	sg_host_t src, dst;
	struct in6_addr dst_addr;
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
	f->order->held -= datagram_charge(f->d->len);
	struct sock *r = find_datagram_receiver(f->dst, &f->dst_addr, f->dst_port);
	int heard = r && !r->shut_rd &&
		    (r->state != SS_CONNECTED || (addr_eq(&r->peer, &f->d->src) && r->peer_port == f->d->src_port));
	if (heard) {
		if (r->inbox_last)
			r->inbox_last->next = f->d;
		else
			r->inbox = f->d;
		r->inbox_last = f->d;
		r->inbox_count++;
	} else {
		free(f->d);
	}
	emu_notify();
	send_order_unref(f->order);
	free(f);
}

int64_t sock_send_datagram(struct emu_thread *caller, struct sock *s, const void *buf, size_t len, int dontwait,
			   const struct in6_addr *addr, const uint16_t *port)
{
	if (len > NET_MAX_DATAGRAM)
		return -EMSGSIZE;
	if (!addr && s->state != SS_CONNECTED)
		return -EDESTADDRREQ;
	if (addr && !family_reaches(s, addr))
		return s->family == AF_INET ? -EAFNOSUPPORT : -ENETUNREACH;
	struct in6_addr to = addr ? destination(addr) : s->peer;
	uint16_t to_port = addr ? *port : s->peer_port;
	sg_host_t dst = route_to(s->host, &to);
	if (!dst)
		return -ENETUNREACH;
	int rc = bind_any(s);
	if (rc < 0)
		return rc;
	if (!s->order) {
		s->order = rp_calloc(1, sizeof(*s->order));
		s->order->refs = 1;
	}
	struct blocking_wait w = wait_start(caller, s->snd_timeout);
	while (s->order->held + datagram_charge(len) > NET_WINDOW) {
		int rc = wait_or_fail(&w, s->nonblock || dontwait);
		if (rc < 0)
			return rc;
	}
	struct datagram *d = rp_malloc(sizeof(*d) + (len ? len : 1));
	d->next = NULL;
	d->src = addr_is_any(&s->addr) ? source_for(s->host, &to) : s->addr;
	d->src_port = s->port;
	d->len = len;
	memcpy(d->data, buf, len);
	s->order->refs++;
	s->order->held += datagram_charge(len);
	s->changes++;
	struct in_flight *f = rp_malloc(sizeof(*f));
	*f = (struct in_flight){ .src = s->host, .dst = dst, .dst_addr = to, .dst_port = to_port, .d = d,
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

int64_t sock_recv_datagram(struct emu_thread *caller, struct sock *s, void *buf, size_t len, int dontwait, int peek,
			   struct in6_addr *addr, uint16_t *port)
{
	struct blocking_wait w = wait_start(caller, s->rcv_timeout);
	while (!s->inbox) {
		if (s->shut_rd)
			return 0;
		int rc = wait_or_fail(&w, s->nonblock || dontwait);
		if (rc < 0)
			return rc;
	}
	struct datagram *d = s->inbox;
	memcpy(buf, d->data, len < d->len ? len : d->len);
	*addr = d->src;
	*port = d->src_port;
	int64_t full = (int64_t)d->len;
	if (!peek) {
		s->inbox = d->next;
		if (!s->inbox)
			s->inbox_last = NULL;
		free(d);
		s->changes++;
	}
	return full;
}
