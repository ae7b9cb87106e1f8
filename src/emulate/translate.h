/*
 * --mode=translate, between its files: the address map (translate_addr.c), reprise's
 * copies of the programs' sockets (translate_sock.c), the simulated crossing of bytes
 * (translate_flow.c), receives and sends (translate_io.c), waits on several descriptors
 * (translate_wait.c) and the call rules (translate.c). What the mode does as a whole is
 * told at the top of translate.c.
 */
#ifndef REPRISE_EMULATE_TRANSLATE_H
#define REPRISE_EMULATE_TRANSLATE_H

#include <netinet/in.h>
#include <simgrid/host.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "emulate/calls.h"

/* Frees what translate mode kept of sockets, connections and flows. */
void translate_free(void);

/* Addresses: a host's loopback address (0 past the /16), and back (NULL: none). */
uint32_t host_loopback(sg_host_t host);
sg_host_t loopback_host(uint32_t ip);
/* The loopback address standing for ip as a program on host self names it, or 0 outside the platform. */
uint32_t kernel_address(sg_host_t self, uint32_t ip);
uint32_t virtual_address(uint32_t ip);
/*
 * The hosts of translate mode have IPv4 addresses only; an IPv6 socket reaches them by
 * IPv4-mapped addresses (::ffff:a.b.c.d), as a dual-stack socket takes IPv4 peers.
 * An address a program passes for a socket of this family (ipv4_too: a sockaddr_in
 * also does, as for an IPv6 datagram socket's destination): ADDRESS_IPV4 (an IPv4 or
 * IPv4-mapped address) with ip and port, ADDRESS_IPV6_ANY (::, ip INADDR_ANY),
 * ADDRESS_IPV6 (any other IPv6 address), or -EINVAL, -EFAULT, -EAFNOSUPPORT.
 */
enum { ADDRESS_IPV4, ADDRESS_IPV6_ANY, ADDRESS_IPV6 };
int read_program_address(struct emu_thread *th, int family, int ipv4_too, uint64_t addr, uint64_t len, uint32_t *ip,
			 uint16_t *port);
/* ip:port in the form of a socket of this family (INADDR_ANY is :: on an IPv6 socket); its length. */
socklen_t make_sockaddr(int family, uint32_t ip, uint16_t port, struct sockaddr_storage *ss);
/* ip:port of an IPv4, IPv4-mapped or unspecified (::, ip 0) address; -1 for another. */
int parse_sockaddr(const void *sa, socklen_t len, uint32_t *ip, uint16_t *port);
/* 1 with *named_ip the address a program named for the socket bound to kernel_ip:port, or 0 when it named that one. */
int naming_lookup(uint32_t kernel_ip, uint16_t port, int stream, uint32_t *named_ip);
void naming_set(uint32_t kernel_ip, uint16_t port, int stream, uint32_t named_ip);
void namings_free(void);

/* reprise's own descriptor for a program's IPv4 or IPv6 TCP or UDP socket. */
struct ksock {
	int fd;
	int family;              /* AF_INET or AF_INET6 */
	int v6only;              /* an IPv6 socket without IPv4-mapped peers (IPV6_V6ONLY) */
	int stream;
	int nonblock;
	ino_t ino;               /* names the socket whichever descriptor or process holds it */
};

int ksock_open(struct emu_thread *th, uint64_t fd, struct ksock *ks);
int ksock_name(int fd, int peer, uint32_t *ip, uint16_t *port);
int bind_kernel(const struct ksock *ks, uint32_t ip, uint16_t port);
int bind_if_unbound(struct emu_thread *th, const struct ksock *ks);
double ksock_deadline(const struct ksock *ks, int option);
short poll_now(int fd, short events);
uint64_t kernel_inq(int fd);
/* Whether descriptor fd of the thread's process is a translated socket. */
int is_translated(struct emu_thread *th, int fd);

void connection_remember(ino_t ino, uint32_t local_ip, uint16_t local_port, uint32_t peer_ip, uint16_t peer_port);
int connection_forget(ino_t ino);
int connection_endpoints(const struct ksock *ks, uint32_t *lip, uint16_t *lport, uint32_t *pip, uint16_t *pport);
void connections_free(void);

/* The flows of TCP connections between hosts. */
struct flow;
struct flow *flow_get(uint32_t src_ip, uint16_t src_port, uint32_t dst_ip, uint16_t dst_port);
void flow_charge(struct flow *f, uint64_t bytes);
uint64_t flow_room(const struct flow *f);
void flow_fin(struct flow *f);
void flow_settle(struct flow *f);
void flow_consume(struct flow *f, uint64_t bytes);
int fin_in_flight(const struct flow *f);
uint64_t arrived_part(const struct flow *f, uint64_t inq);
int incoming_flow(const struct ksock *ks, struct flow **f);
struct flow *outgoing_flow(const struct ksock *ks);
void forget_flows(uint32_t a_ip, uint16_t a_port, uint32_t b_ip, uint16_t b_port);
void flows_free(void);

/* What a receive gives besides the bytes: the source, recvmsg's flags, the ancillary data's length. */
struct reception {
	struct sockaddr_storage from;
	socklen_t fromlen;       /* 0: the kernel gave no source (TCP) */
	int msg_flags;
	size_t controllen;
};

/* A datagram's destination, in kernel terms; has = 0: the connected peer. */
struct destination {
	int has;
	uint32_t ip;
	uint16_t port;
};

int wait_until(double deadline);
int64_t receive(const struct ksock *ks, uint8_t *buf, size_t len, int flags, void *control, size_t controlcap,
		struct reception *r);
int64_t transmit(struct emu_thread *th, const struct ksock *ks, const uint8_t *buf, size_t len, int flags,
		 const struct destination *to, const void *control, size_t controllen);

/* Shared by the call rules. */
void follow_to_exit(struct emu_thread *th);
int rewrite_arg(struct emu_thread *th, int i, uint64_t value);
uint64_t scratch(struct emu_thread *th, size_t len);

/* poll, ppoll, select, pselect6 and the epoll waits. */
enum verdict answer_wait(struct emu_thread *th, int64_t *result);

#endif
