/*
 * The mediated network: TCP and UDP sockets of both families (AF_INET, and AF_INET6 with
 * IPv4-mapped addresses for dual-stack sockets) whose bytes travel between programs
 * through SimGrid, so a transfer takes the time the platform's network model gives for
 * its route. Every address is held as IPv6 holds it: an IPv4 address a.b.c.d is
 * ::ffff:a.b.c.d. Each host has an IPv4 and an IPv6 address and a table of bound ports.
 * Each direction of a connection is a stream whose written bytes leave in batches, each
 * one SimGrid transfer; each datagram is one SimGrid transfer of its size.
 */
#ifndef REPRISE_EMULATE_NET_H
#define REPRISE_EMULATE_NET_H

#include <netinet/in.h>
#include <simgrid/forward.h>
#include <stddef.h>
#include <stdint.h>

/* Hosts without an "ip" property get 10.0.0.1, 10.0.0.2, ... in sg_host_list order. */
#define NET_DEFAULT_FIRST_IP 0x0a000001u
/* Hosts without an "ip6" property get fd00::/64 with their IPv4 address as the last 32 bits. */
#define NET_DEFAULT_IP6_PREFIX "fd00::"
/*
 * A connection's window: the bytes a writer may have written and not yet seen arrive
 * (a blocking write waits past it), and the bytes that may be under way or arrived
 * unread at the other end.
 */
#define NET_WINDOW (4u << 20)
/* The segment size the simulated TCP reports (TCP_MAXSEG, TCP_INFO): Ethernet's, with timestamps. */
#define NET_MSS 1448u
/* The longest option value kept for getsockopt to read back. */
#define NET_OPTION_MAX 64u
/* What each datagram in flight takes of its socket's send buffer besides its bytes. */
#define NET_DATAGRAM_OVERHEAD 1024u
/* The largest UDP payload over IPv4. */
#define NET_MAX_DATAGRAM 65507u

struct sock;
struct emu_thread;

/* Gives every host its addresses; -1 with a message in err for an invalid or duplicate one. */
int net_init(char *err, size_t errlen);
void net_free(void);
/* The host with this IPv4 address (host byte order), or NULL. */
sg_host_t net_host_by_ip(uint32_t ip);
uint32_t net_host_ip(sg_host_t host);
struct in6_addr net_host_ip6(sg_host_t host);

/* family is AF_INET or AF_INET6. */
struct sock *sock_new(sg_host_t host, int family, int datagram, int nonblock);
int sock_family(const struct sock *s);
int sock_is_datagram(const struct sock *s);
void sock_ref(struct sock *s);
/* Dropping the last reference closes the socket: FIN, or RST as Linux sends one (see sock_set_linger). */
void sock_unref(struct sock *s);
void sock_set_nonblock(struct sock *s, int on);
/* IPV6_V6ONLY: -EINVAL once bound, as in Linux. */
int sock_set_v6only(struct sock *s, int on);
int sock_v6only(const struct sock *s);
/* SO_LINGER: on with 0 seconds makes the close abortive (RST, unsent bytes dropped). */
void sock_set_linger(struct sock *s, int on, int seconds);
void sock_linger(const struct sock *s, int *on, int *seconds);
/* SO_RCVTIMEO (sending = 0) or SO_SNDTIMEO: blocking calls give up after seconds (0: never), in simulated time. */
void sock_set_timeout(struct sock *s, int sending, double seconds);
/* Options with no effect on the simulation: kept as set (up to NET_OPTION_MAX bytes), for getsockopt. */
void sock_option_set(struct sock *s, int level, int name, const void *value, size_t len);
/* The value set, or NULL. */
const void *sock_option_get(const struct sock *s, int level, int name, size_t *len);

/*
 * Each returns 0 (or a count) or -errno, waiting in simulated time where a real socket
 * blocks; a signal sent to caller meanwhile ends the wait as in Linux (EINTR, or
 * -EMU_EINTR_RESTART when the call has no timeout: see emu_interrupted_answer).
 */
int sock_bind(struct sock *s, const struct in6_addr *addr, uint16_t port);
/* Up to backlog + 1 connections wait to be accepted; later SYNs are dropped and retried as Linux does. */
int sock_listen(struct sock *s, int backlog);
int sock_connect(struct emu_thread *caller, struct sock *s, const struct in6_addr *addr, uint16_t port);
/* On success *out is a new connected socket holding one reference. */
int sock_accept(struct emu_thread *caller, struct sock *s, int dontwait, struct sock **out);
/* *broken is set when the write failed with EPIPE (SIGPIPE is due). */
int64_t sock_send(struct emu_thread *caller, struct sock *s, const void *buf, size_t len, int dontwait, int *broken);
int64_t sock_recv(struct emu_thread *caller, struct sock *s, void *buf, size_t len, int dontwait, int peek);
/*
 * Datagram sockets: sends one message to addr:port (NULL: the connected peer) and returns
 * at once, the network carrying it meanwhile, unless the datagrams in flight fill the
 * window (then it waits, or fails with EAGAIN); receives the oldest message, truncated to
 * len, with its source, returning its full length.
 */
int64_t sock_send_datagram(struct emu_thread *caller, struct sock *s, const void *buf, size_t len, int dontwait,
			   const struct in6_addr *addr, const uint16_t *port);
int64_t sock_recv_datagram(struct emu_thread *caller, struct sock *s, void *buf, size_t len, int dontwait, int peek,
			   struct in6_addr *addr, uint16_t *port);
int sock_shutdown(struct sock *s, int how);
/* The local (peer = 0) or remote address; -ENOTCONN when there is none. */
int sock_address(const struct sock *s, int peer, struct in6_addr *addr, uint16_t *port);
/* SO_ERROR: the pending error, cleared by reading it. */
int sock_take_error(struct sock *s);
size_t sock_readable(const struct sock *s);
/* poll(2) bits this socket has now. */
short sock_poll(const struct sock *s);
/* Grows whenever anything about the socket changes (bytes, connections, state): equal values mean nothing happened. */
uint64_t sock_activity(const struct sock *s);

/* What TCP_INFO reports of a stream socket. */
struct sock_stats {
	int state;               /* TCP_ESTABLISHED, TCP_LISTEN, TCP_SYN_SENT, TCP_CLOSE ... */
	double rtt;              /* seconds: the handshake's round trip */
	uint64_t bytes_sent;     /* written by the program and handed to the network */
	uint64_t bytes_acked;    /* of those, arrived at the peer */
	uint64_t bytes_received; /* arrived from the peer */
	size_t unacked;          /* bytes under way */
};
void sock_stats(const struct sock *s, struct sock_stats *out);

/* Addresses in the sockets' own form. */
int net_addr_is_v4(const struct in6_addr *a);
uint32_t net_addr_v4(const struct in6_addr *a);
struct in6_addr net_addr_from_v4(uint32_t ip);

#endif
