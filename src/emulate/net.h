/*
 * The mediated network: AF_INET stream and datagram sockets whose bytes travel between
 * programs through SimGrid, so a transfer takes the time the platform's network model
 * gives for its route. Each datagram is one SimGrid transfer of its size. Each host has an address and a table of bound ports; each direction of a
 * connection has a sender-side actor that moves what was written as one SimGrid
 * transfer, then makes it readable at the other end.
 */
#ifndef REPRISE_EMULATE_NET_H
#define REPRISE_EMULATE_NET_H

#include <simgrid/forward.h>
#include <stddef.h>
#include <stdint.h>

/* Hosts without an "ip" property get 10.0.0.1, 10.0.0.2, ... in sg_host_list order. */
#define NET_DEFAULT_FIRST_IP 0x0a000001u
/* Bytes a program may have written and not yet sent before a blocking write waits. */
#define NET_SEND_BUFFER (4u << 20)
/* The largest UDP payload over IPv4. */
#define NET_MAX_DATAGRAM 65507u

struct sock;

/* Gives every host its address; -1 with a message in err for an invalid or duplicate ip. */
int net_init(char *err, size_t errlen);
void net_free(void);
/* The host with this address (host byte order), or NULL. */
sg_host_t net_host_by_ip(uint32_t ip);
uint32_t net_host_ip(sg_host_t host);

struct sock *sock_new(sg_host_t host, int datagram, int nonblock);
int sock_is_datagram(const struct sock *s);
void sock_ref(struct sock *s);
void sock_unref(struct sock *s);
void sock_set_nonblock(struct sock *s, int on);

/* Each returns 0 (or a count) or -errno, waiting in simulated time where a real socket blocks. */
int sock_bind(struct sock *s, uint32_t ip, uint16_t port);
int sock_listen(struct sock *s, int backlog);
int sock_connect(struct sock *s, uint32_t ip, uint16_t port);
/* On success *out is a new connected socket holding one reference. */
int sock_accept(struct sock *s, int dontwait, struct sock **out);
/* *broken is set when the write failed because the peer is gone (EPIPE: SIGPIPE is due). */
int64_t sock_send(struct sock *s, const void *buf, size_t len, int dontwait, int *broken);
int64_t sock_recv(struct sock *s, void *buf, size_t len, int dontwait, int peek);
/*
 * Datagram sockets: sends one message to ip:port (NULL: the connected peer) and returns
 * at once, the network carrying it meanwhile; receives the oldest message, truncated to
 * len, with its source, returning its full length.
 */
int64_t sock_send_datagram(struct sock *s, const void *buf, size_t len, const uint32_t *ip, const uint16_t *port);
int64_t sock_recv_datagram(struct sock *s, void *buf, size_t len, int dontwait, int peek, uint32_t *ip, uint16_t *port);
int sock_shutdown(struct sock *s, int how);
/* The local (peer = 0) or remote address; -ENOTCONN when there is none. */
int sock_address(const struct sock *s, int peer, uint32_t *ip, uint16_t *port);
/* SO_ERROR: the pending error, cleared by reading it. */
int sock_take_error(struct sock *s);
size_t sock_readable(const struct sock *s);
/* poll(2) bits this socket has now. */
short sock_poll(const struct sock *s);

#endif
