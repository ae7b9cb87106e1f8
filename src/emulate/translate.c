/*
 * --mode=translate: programs keep real kernel sockets and the kernel moves their bytes
 * over loopback; reprise only translates addresses and holds the bytes back in simulated
 * time.
 *
 * Addresses. Each simulated host has a loopback address of its own, 127.R.H.H (Linux
 * routes all of 127/8 to lo), where R comes from reprise's pid so that runs side by side
 * do not share ports, and H.H is the host's rank in the platform. Sockets are bound to
 * their host's loopback address: the wildcard, 127.0.0.1 and the host's virtual address
 * all mean it, and an unbound socket is bound to it before it connects, listens or sends,
 * so a peer's kernel address always tells its host. Addresses going into the kernel
 * (bind, connect, sendto, sendmsg) become loopback ones; addresses coming out (accept,
 * getsockname, getpeername, recvfrom, recvmsg) become virtual ones again. An address
 * outside the platform gives ENETUNREACH without reaching the kernel.
 *
 * Time. A blocking TCP connect costs a crossing of the route both ways. Each direction
 * of a connection is a flow: what a program writes is carried across the route by a
 * carrier actor, one SimGrid transfer per batch written meanwhile (as the mediated
 * network does), and a reader may take from the kernel only the bytes that have arrived
 * in simulated time; until then it waits in simulated time, never in the kernel. A
 * blocking write is charged when it starts (the kernel may need the reader to drain
 * before it can finish), a non-blocking one for what the kernel took. A FIN sent behind
 * bytes still crossing reaches the reader after them. A UDP datagram is
 * one SimGrid transfer of its size, made before the kernel sends it: the sender is held
 * for that time, so datagrams of one sender cross one after another.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <simgrid/actor.h>
#include <simgrid/host.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/pidfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "arch/arch.h"
#include "emulate/calls.h"
#include "emulate/net.h"
#include "util/util.h"

#define ARG(i) (th->t->args[i])
/* 127.R.0.0/16 holds the run's host addresses; the last one is the broadcast address. */
#define LOOPBACK_HOSTS_MAX 65534u
/* Scratch memory for a translated address goes this far below the stack pointer (the x86-64 red zone is 128 bytes). */
#define SCRATCH_BELOW_SP 1024
#define MAX_IOV 1024
/*
 * A reader may find fewer bytes in the kernel than have arrived in simulated time while
 * the writer, inside a blocking write, is still handing them over: it looks again for
 * this long in real time before waiting in simulated time.
 */
#define HANDOVER_SPIN_NS 20000000ull

/* hook_arg: a flow pointer (16-byte aligned) and these bits. */
#define HOOK_SHOW_NAME 1u  /* the call returns a peer's address: make it virtual */
#define HOOK_CHARGED 2u    /* a blocking write charged at its entry */
#define HOOK_BITS 15u

static uint32_t run_prefix;

/* 127.R.0.0 in host order, R from 1 to 254. */
static uint32_t loopback_prefix(void)
{
	if (!run_prefix)
		run_prefix = (127u << 24) | ((uint32_t)(1 + getpid() % 254) << 16);
	return run_prefix;
}

/* The host's loopback address, or 0 for a host past the addresses a /16 holds. */
static uint32_t host_loopback(sg_host_t host)
{
	sg_host_t *hosts = sg_host_list();
	size_t n = sg_host_count(), rank = 0;
	while (rank < n && hosts[rank] != host)
		rank++;
	free(hosts);
	return rank < n && rank < LOOPBACK_HOSTS_MAX ? loopback_prefix() | (uint32_t)(rank + 1) : 0;
}

/* The host whose loopback address ip is, or NULL. */
static sg_host_t loopback_host(uint32_t ip)
{
	if ((ip & 0xffff0000u) != loopback_prefix())
		return NULL;
	size_t rank = ip & 0xffffu;
	sg_host_t *hosts = sg_host_list();
	sg_host_t found = rank >= 1 && rank <= sg_host_count() ? hosts[rank - 1] : NULL;
	free(hosts);
	return found;
}

/* The loopback address standing for ip as a program on host self names it, or 0 outside the platform. */
static uint32_t kernel_address(sg_host_t self, uint32_t ip)
{
	if (ip == INADDR_ANY || (ip >> 24) == 127)
		return host_loopback(self);
	sg_host_t h = net_host_by_ip(ip);
	return h ? host_loopback(h) : 0;
}

static uint32_t virtual_address(uint32_t ip)
{
	sg_host_t h = loopback_host(ip);
	return h ? net_host_ip(h) : ip;
}

/* reprise's own descriptor for a program's IPv4 TCP or UDP socket. */
struct ksock {
	int fd;
	int stream;
	int nonblock;
	ino_t ino;               /* names the socket whichever descriptor or process holds it */
};

/* 1 with ks filled (close ks->fd after) when descriptor fd of the caller's process is an IPv4 TCP or UDP socket; else 0. */
static int ksock_open(struct emu_thread *th, uint64_t fd, struct ksock *ks)
{
	char path[64], target[64];
	if (fd > INT32_MAX)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/fd/%d", (int)th->proc->pid, (int)fd);
	ssize_t n = readlink(path, target, sizeof(target) - 1);
	if (n < 7 || memcmp(target, "socket:", 7) != 0)
		return 0;
	int pidfd = pidfd_open(th->proc->pid, 0);
	int copy = pidfd < 0 ? -1 : pidfd_getfd(pidfd, (int)fd, 0);
	if (pidfd >= 0)
		close(pidfd);
	if (copy < 0) {
		emu_warn_once(th->t->nr, "cannot reach the program's socket from reprise; its addresses are not translated");
		return 0;
	}
	int domain = 0, type = 0;
	socklen_t len = sizeof(int);
	int flags = fcntl(copy, F_GETFL);
	struct stat st;
	if (fstat(copy, &st) < 0 || getsockopt(copy, SOL_SOCKET, SO_DOMAIN, &domain, &len) < 0 || domain != AF_INET ||
	    getsockopt(copy, SOL_SOCKET, SO_TYPE, &type, &len) < 0 || (type != SOCK_STREAM && type != SOCK_DGRAM) ||
	    flags < 0) {
		close(copy);
		return 0;
	}
	ks->fd = copy;
	ks->stream = type == SOCK_STREAM;
	ks->nonblock = (flags & O_NONBLOCK) != 0;
	ks->ino = st.st_ino;
	return 1;
}

/* The socket's own (peer = 0) or its peer's kernel address; -errno. */
static int ksock_name(int fd, int peer, uint32_t *ip, uint16_t *port)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	*ip = 0;
	*port = 0;
	if ((peer ? getpeername(fd, (struct sockaddr *)&sin, &len) : getsockname(fd, (struct sockaddr *)&sin, &len)) < 0)
		return -errno;
	*ip = ntohl(sin.sin_addr.s_addr);
	*port = ntohs(sin.sin_port);
	return 0;
}

static int bind_kernel(int fd, uint32_t ip, uint16_t port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(ip) };
	return bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 ? -errno : 0;
}

/*
 * The kernel endpoints of TCP connections, by socket. Linux forgets a socket's peer once
 * both sides have closed their direction (getpeername: ENOTCONN), while its reader may
 * still wait for bytes in flight; the first side to shut down is remembered here then.
 */
struct connection {
	ino_t ino;
	uint32_t local_ip, peer_ip;
	uint16_t local_port, peer_port;
};

static struct connection *connections;
static size_t nconnections, connections_cap;

static void connection_remember(ino_t ino, uint32_t local_ip, uint16_t local_port, uint32_t peer_ip, uint16_t peer_port)
{
	size_t i = 0;
	while (i < nconnections && connections[i].ino != ino)
		i++;
	if (i == nconnections) {
		if (nconnections == connections_cap) {
			connections_cap = connections_cap ? connections_cap * 2 : 16;
			connections = rp_realloc(connections, connections_cap * sizeof(*connections));
		}
		nconnections++;
	}
	connections[i] = (struct connection){ .ino = ino, .local_ip = local_ip, .peer_ip = peer_ip,
					      .local_port = local_port, .peer_port = peer_port };
}

static void connection_forget(ino_t ino)
{
	for (size_t i = 0; i < nconnections; i++)
		if (connections[i].ino == ino) {
			connections[i] = connections[--nconnections];
			return;
		}
}

/* A connected TCP socket's own and peer kernel endpoints: 0, or -1 when it has none. */
static int connection_endpoints(const struct ksock *ks, uint32_t *lip, uint16_t *lport, uint32_t *pip, uint16_t *pport)
{
	if (ksock_name(ks->fd, 0, lip, lport) == 0 && ksock_name(ks->fd, 1, pip, pport) == 0)
		return 0;
	for (size_t i = 0; i < nconnections; i++)
		if (connections[i].ino == ks->ino) {
			*lip = connections[i].local_ip;
			*lport = connections[i].local_port;
			*pip = connections[i].peer_ip;
			*pport = connections[i].peer_port;
			return 0;
		}
	return -1;
}

/*
 * How programs named the addresses their sockets are bound to, by kernel address, port
 * and protocol: the wildcard or a 127/8 address, which getsockname gives back (the
 * wildcard only until the socket is connected, as in Linux). Every bind updates it.
 */
struct naming {
	uint32_t kernel_ip, named_ip;
	uint16_t port;
	int stream;
};

static struct naming *namings;
static size_t nnamings, namings_cap;

static struct naming *naming_find(uint32_t kernel_ip, uint16_t port, int stream)
{
	for (size_t i = 0; i < nnamings; i++)
		if (namings[i].kernel_ip == kernel_ip && namings[i].port == port && namings[i].stream == stream)
			return &namings[i];
	return NULL;
}

/* The socket now bound to kernel_ip:port was named named_ip by its program (kernel_ip: by its virtual address). */
static void naming_set(uint32_t kernel_ip, uint16_t port, int stream, uint32_t named_ip)
{
	struct naming *n = naming_find(kernel_ip, port, stream);
	if (named_ip == kernel_ip) {
		if (n)
			*n = namings[--nnamings];
		return;
	}
	if (!n) {
		if (nnamings == namings_cap) {
			namings_cap = namings_cap ? namings_cap * 2 : 16;
			namings = rp_realloc(namings, namings_cap * sizeof(*namings));
		}
		n = &namings[nnamings++];
	}
	*n = (struct naming){ .kernel_ip = kernel_ip, .named_ip = named_ip, .port = port, .stream = stream };
}

/* An unbound socket takes its host's loopback address, or the kernel would give it 127.0.0.1 or the wildcard. */
static int bind_if_unbound(struct emu_thread *th, const struct ksock *ks)
{
	uint32_t ip;
	uint16_t port;
	int rc = ksock_name(ks->fd, 0, &ip, &port);
	if (rc < 0 || port != 0)
		return rc;
	uint32_t own = host_loopback(th->proc->host);
	rc = own ? bind_kernel(ks->fd, own, 0) : -EADDRNOTAVAIL;
	if (rc == 0 && ksock_name(ks->fd, 0, &ip, &port) == 0)
		naming_set(ip, port, ks->stream, ip);
	return rc;
}

static int read_sockaddr(struct emu_thread *th, uint64_t addr, uint64_t len, struct sockaddr_in *sin)
{
	if (len < sizeof(*sin) || !addr)
		return -EINVAL;
	return emu_read(th, addr, sin, sizeof(*sin)) < 0 ? -EFAULT : 0;
}

/* Fills a (struct sockaddr *, socklen_t *) pair as the kernel does: truncated, true length. */
static int write_sockaddr(struct emu_thread *th, uint64_t addr, uint64_t lenp, uint32_t ip, uint16_t port)
{
	if (!addr)
		return 0;
	socklen_t len;
	if (emu_read(th, lenp, &len, sizeof(len)) < 0)
		return -EFAULT;
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(ip) };
	socklen_t full = sizeof(sin);
	if (emu_write(th, addr, &sin, len < full ? len : full) < 0 || emu_write(th, lenp, &full, sizeof(full)) < 0)
		return -EFAULT;
	return 0;
}

/* An IPv4 address the kernel wrote at addr (a buffer known to hold one) is made virtual. */
static void show_virtual(struct emu_thread *th, uint64_t addr, socklen_t written)
{
	struct sockaddr_in sin;
	if (!addr || written < sizeof(sin) || emu_read(th, addr, &sin, sizeof(sin)) < 0 || sin.sin_family != AF_INET)
		return;
	sin.sin_addr.s_addr = htonl(virtual_address(ntohl(sin.sin_addr.s_addr)));
	if (emu_write(th, addr, &sin, sizeof(sin)) < 0)
		tracer_set_return(th->t, -EFAULT);
}

/* Whether the program's address buffer (its length at lenp) holds a whole sockaddr_in, which translating needs. */
static int name_buffer_fits(struct emu_thread *th, uint64_t addr, uint64_t lenp)
{
	socklen_t len;
	if (!addr || !lenp || emu_read(th, lenp, &len, sizeof(len)) < 0)
		return 0;
	if (len < sizeof(struct sockaddr_in))
		emu_warn_once(th->t->nr, "an address buffer shorter than sockaddr_in gets the loopback address, not the virtual one");
	return len >= sizeof(struct sockaddr_in);
}

/*
 * Every call let through on a translated socket is followed to its exit. The driver
 * announces the change there (announced at the entry, a change another program waits
 * for — bytes, a connection, an end of stream — would not have happened yet when it
 * looked), and stops looking at the thread as one that may be waiting in the kernel,
 * which would count the program's computing after the call as simulated waiting.
 */
static void announce_at_exit(struct emu_thread *th, int64_t ret)
{
	(void)th;
	(void)ret;
}

static void follow_to_exit(struct emu_thread *th)
{
	if (!th->exit_hook)
		th->exit_hook = announce_at_exit;
}

/* The call runs with argument i replaced; the tracer puts the program's registers back at its exit. */
static int rewrite_arg(struct emu_thread *th, int i, uint64_t value)
{
	uint64_t args[6];
	memcpy(args, th->t->args, sizeof(args));
	args[i] = value;
	return tracer_rewrite(th->t, th->t->nr, args);
}

static uint64_t scratch(struct emu_thread *th, size_t len)
{
	return (th->t->sp - SCRATCH_BELOW_SP - len) & ~(uint64_t)15;
}

/* The call runs with its address argument i naming ip:port (kernel) instead; -errno. */
static int pass_address(struct emu_thread *th, int i, uint32_t ip, uint16_t port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(ip) };
	uint64_t at = scratch(th, sizeof(sin));
	if (emu_write(th, at, &sin, sizeof(sin)) < 0)
		return -EFAULT;
	return rewrite_arg(th, i, at) < 0 ? -ENOMEM : 0;
}

static int64_t iov_total(struct emu_thread *th, uint64_t iov_addr, uint64_t iovcnt)
{
	struct iovec iov[MAX_IOV];
	if (iovcnt > MAX_IOV || (iovcnt && emu_read(th, iov_addr, iov, iovcnt * sizeof(iov[0])) < 0))
		return -1;
	uint64_t total = 0;
	for (size_t i = 0; i < iovcnt; i++)
		total += iov[i].iov_len;
	return (int64_t)total;
}

static int is_call(struct emu_thread *th, const char *name)
{
	const char *actual = arch_syscall_name(arch_native(), th->t->nr);
	return actual && strcmp(actual, name) == 0;
}

/* The bytes a write-family call hands over, or -1 when its arguments cannot be read. */
static int64_t write_size(struct emu_thread *th)
{
	if (is_call(th, "writev"))
		return iov_total(th, ARG(1), ARG(2));
	if (is_call(th, "sendmsg")) {
		struct msghdr mh;
		return emu_read(th, ARG(1), &mh, sizeof(mh)) < 0 ? -1 : iov_total(th, (uint64_t)(uintptr_t)mh.msg_iov, mh.msg_iovlen);
	}
	return (int64_t)ARG(2);
}

/*
 * One direction of a TCP connection between two hosts, named by its kernel endpoints.
 * Bytes written are queued, then carried, then readable until a reader takes them.
 */
struct flow {
	struct flow *next;
	uint32_t src_ip, dst_ip;
	uint16_t src_port, dst_port;
	sg_host_t src, dst;
	uint64_t queued;         /* written, waiting for the carrier */
	uint64_t carrying;       /* crossing the route now */
	uint64_t readable;       /* arrived in simulated time, not yet read */
	uint64_t credit;         /* charged for a blocking write the kernel cut short */
	int fin_queued;          /* the writer shut down or closed: its FIN follows the queued bytes */
	int fin_carrying;        /* the FIN crosses the route with the bytes carried now */
	int carrier;             /* a carrier actor is running */
	int users;               /* calls that will touch it at their exit */
	int linked;              /* in the list (a new connection on the same ports unlinks the old one's) */
};

static struct flow *flows;

static void flow_unlink(struct flow *f)
{
	for (struct flow **p = &flows; *p; p = &(*p)->next)
		if (*p == f) {
			*p = f->next;
			break;
		}
	f->linked = 0;
}

/* Frees a flow nobody needs: nothing in flight or unread, or an old connection's once idle. */
static void flow_settle(struct flow *f)
{
	if (f->carrier || f->users)
		return;
	if (f->linked && (f->queued || f->carrying || f->readable || f->credit || f->fin_queued || f->fin_carrying))
		return;
	if (f->linked)
		flow_unlink(f);
	free(f);
}

static struct flow *flow_find(uint32_t src_ip, uint16_t src_port, uint32_t dst_ip, uint16_t dst_port)
{
	for (struct flow *f = flows; f; f = f->next)
		if (f->src_ip == src_ip && f->src_port == src_port && f->dst_ip == dst_ip && f->dst_port == dst_port)
			return f;
	return NULL;
}

/* The flow from src to dst, made if need be; NULL within one host, where bytes take no time. */
static struct flow *flow_get(uint32_t src_ip, uint16_t src_port, uint32_t dst_ip, uint16_t dst_port)
{
	struct flow *f = flow_find(src_ip, src_port, dst_ip, dst_port);
	if (f)
		return f;
	sg_host_t src = loopback_host(src_ip), dst = loopback_host(dst_ip);
	if (!src || !dst || src == dst)
		return NULL;
	f = rp_calloc(1, sizeof(*f));
	*f = (struct flow){ .next = flows, .src_ip = src_ip, .dst_ip = dst_ip, .src_port = src_port, .dst_port = dst_port,
			    .src = src, .dst = dst, .linked = 1 };
	flows = f;
	return f;
}

static void carrier_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	struct flow *f = sg_actor_self_get_data();
	while (f->queued || f->fin_queued) {
		f->carrying = f->queued;
		f->fin_carrying = f->fin_queued;
		f->queued = 0;
		f->fin_queued = 0;
		sg_host_sendto(f->src, f->dst, (double)f->carrying);
		f->readable += f->carrying;
		f->carrying = 0;
		f->fin_carrying = 0;
		emu_notify();
	}
	f->carrier = 0;
	flow_settle(f);
}

static void carrier_start(struct flow *f)
{
	if (f->carrier)
		return;
	f->carrier = 1;
	/* Not a daemon: it always ends, and SimGrid 3.32 crashes killing a daemon that never ran. */
	sg_actor_t a = sg_actor_init("carrier", f->src);
	sg_actor_set_data(a, f);
	sg_actor_start(a, carrier_main, 0, NULL);
}

static void flow_charge(struct flow *f, uint64_t bytes)
{
	uint64_t paid = bytes < f->credit ? bytes : f->credit;
	f->credit -= paid;
	f->queued += bytes - paid;
	if (f->queued)
		carrier_start(f);
}

/*
 * The FIN follows the bytes still queued or crossing. With none ahead of it, the reader
 * sees the end of the stream at once: a carrier for a FIN alone, which nobody may wait
 * for, would keep the simulation going after the programs end.
 */
static void flow_fin(struct flow *f)
{
	if (!f->queued && !f->carrying)
		return;
	f->fin_queued = 1;
	carrier_start(f);
}

static int fin_in_flight(const struct flow *f)
{
	return f && (f->fin_queued || f->fin_carrying);
}

static uint64_t flow_ahead(const struct flow *f)
{
	return f ? f->queued + f->carrying : 0;
}

/* Of inq bytes the kernel holds for a reader, those it may take: all of them once nothing is in flight. */
static uint64_t arrived_part(const struct flow *f, uint64_t inq)
{
	if (!flow_ahead(f))
		return inq;
	return inq < f->readable ? inq : f->readable;
}

/* Whether a TCP socket is connected (or was, and shut down); if so, the flow it reads from (peer to self), or NULL. */
static int incoming_flow(const struct ksock *ks, struct flow **f)
{
	uint32_t lip, pip;
	uint16_t lport, pport;
	*f = NULL;
	if (connection_endpoints(ks, &lip, &lport, &pip, &pport) < 0)
		return 0;
	*f = flow_find(pip, pport, lip, lport);
	return 1;
}

static short poll_now(int fd, short events)
{
	struct pollfd p = { .fd = fd, .events = events };
	return poll(&p, 1, 0) < 0 ? POLLERR : p.revents;
}

static uint64_t kernel_inq(int fd)
{
	int inq = 0;
	return ioctl(fd, FIONREAD, &inq) < 0 || inq < 0 ? 0 : (uint64_t)inq;
}

/* Waits in real time, briefly, for a writer inside a blocking write to hand over bytes that have arrived. */
static int handover_seen(int fd)
{
	uint64_t until = tracer_now() + HANDOVER_SPIN_NS;
	while (tracer_now() < until) {
		if (kernel_inq(fd) > 0)
			return 1;
		sched_yield();
	}
	return 0;
}

/*
 * A TCP read, at its entry: waits in simulated time until some bytes have arrived (or
 * the stream ended), and returns how many the kernel may give: with whole = 1, the call
 * cannot be shortened and waits until everything the kernel holds (up to cap) has
 * arrived. A non-blocking read waits as well when the kernel holds bytes still in flight:
 * answering EAGAIN would have the program poll again at once, forever.
 */
static uint64_t await_arrival(const struct ksock *ks, uint64_t cap, int dontwait, int whole,
			      struct flow **pinned)
{
	double quantum = EMU_POLL_QUANTUM_FIRST;
	for (;;) {
		struct flow *f;
		if (!incoming_flow(ks, &f)) {
			/* Not connected: the kernel answers at once. */
			*pinned = NULL;
			return 0;
		}
		uint64_t inq = kernel_inq(ks->fd), ok = arrived_part(f, inq);
		uint64_t wanted = whole ? (inq < cap ? inq : cap) : 1;
		if (inq > 0 && ok >= wanted) {
			*pinned = f;
			return ok;
		}
		if (inq == 0 && !fin_in_flight(f)) {
			if (dontwait || ks->nonblock || (poll_now(ks->fd, POLLIN | POLLRDHUP) & (POLLIN | POLLERR | POLLHUP | POLLRDHUP))) {
				*pinned = f;
				return 0;
			}
			if (f && f->readable > 0) {
				if (handover_seen(ks->fd))
					continue;
				emu_wait_polling(&quantum, -1);
				continue;
			}
		}
		emu_wait(-1);
	}
}

static void finish_read(struct emu_thread *th, int64_t ret)
{
	struct flow *f = (struct flow *)(uintptr_t)(th->hook_arg & ~(uint64_t)HOOK_BITS);
	int peek = 0;
	if (is_call(th, "recvfrom"))
		peek = (ARG(3) & MSG_PEEK) != 0;
	else if (is_call(th, "recvmsg"))
		peek = (ARG(2) & MSG_PEEK) != 0;
	if (f) {
		if (ret > 0 && !peek)
			f->readable -= (uint64_t)ret < f->readable ? (uint64_t)ret : f->readable;
		f->users--;
		flow_settle(f);
	}
	if (!(th->hook_arg & HOOK_SHOW_NAME) || ret < 0)
		return;
	if (is_call(th, "recvfrom")) {
		socklen_t len;
		if (emu_read(th, ARG(5), &len, sizeof(len)) == 0)
			show_virtual(th, ARG(4), len);
	} else {
		struct msghdr mh;
		if (emu_read(th, ARG(1), &mh, sizeof(mh)) == 0)
			show_virtual(th, (uint64_t)(uintptr_t)mh.msg_name, mh.msg_namelen);
	}
}

/* A UDP read waits in simulated time for a datagram unless it may not wait. */
static void await_datagram(const struct ksock *ks, int dontwait)
{
	while (!dontwait && !ks->nonblock && !poll_now(ks->fd, POLLIN))
		emu_wait(-1);
}

/*
 * The read family on a translated socket. count_arg is the argument holding the length
 * when the call can be shortened to the bytes that have arrived, else -1; name_at and
 * namelen_at locate where a datagram's source goes (0: nowhere).
 */
static enum verdict translate_read(struct emu_thread *th, int64_t *result, uint64_t cap, int flags, int count_arg,
				   uint64_t name_at, uint64_t namelen_at)
{
	struct ksock ks;
	if (!ksock_open(th, ARG(0), &ks))
		return NATIVE;
	enum verdict v = NATIVE;
	struct flow *f = NULL;
	if (ks.stream) {
		if (flags & MSG_WAITALL)
			count_arg = -1;
		uint64_t ok = cap ? await_arrival(&ks, cap, flags & MSG_DONTWAIT, count_arg < 0, &f) : 0;
		if (count_arg >= 0 && ok > 0 && ok < cap && rewrite_arg(th, count_arg, ok) < 0) {
			*result = -ENOMEM;
			v = ANSWERED;
		}
	} else {
		await_datagram(&ks, flags & MSG_DONTWAIT);
	}
	close(ks.fd);
	if (v == ANSWERED)
		return v;
	int show = !ks.stream && name_at && name_buffer_fits(th, name_at, namelen_at);
	if (f)
		f->users++;
	th->exit_hook = finish_read;
	th->hook_arg = (uint64_t)(uintptr_t)f | (show ? HOOK_SHOW_NAME : 0);
	return NATIVE;
}

static enum verdict answer_read(struct emu_thread *th, int64_t *result)
{
	return translate_read(th, result, ARG(2), 0, 2, 0, 0);
}

static enum verdict answer_readv(struct emu_thread *th, int64_t *result)
{
	int64_t cap = iov_total(th, ARG(1), ARG(2));
	return cap < 0 ? NATIVE : translate_read(th, result, (uint64_t)cap, 0, -1, 0, 0);
}

static enum verdict answer_recvfrom(struct emu_thread *th, int64_t *result)
{
	return translate_read(th, result, ARG(2), (int)ARG(3), 2, ARG(4), ARG(5));
}

static enum verdict answer_recvmsg(struct emu_thread *th, int64_t *result)
{
	struct msghdr mh;
	if (emu_read(th, ARG(1), &mh, sizeof(mh)) < 0)
		return NATIVE;
	int64_t cap = iov_total(th, (uint64_t)(uintptr_t)mh.msg_iov, mh.msg_iovlen);
	if (cap < 0)
		return NATIVE;
	/* name_buffer_fits reads the length from the program: msg_namelen inside the msghdr. */
	uint64_t namelen_at = ARG(1) + offsetof(struct msghdr, msg_namelen);
	return translate_read(th, result, (uint64_t)cap, (int)ARG(2), -1, (uint64_t)(uintptr_t)mh.msg_name, namelen_at);
}

static void finish_write(struct emu_thread *th, int64_t ret)
{
	struct flow *f = (struct flow *)(uintptr_t)(th->hook_arg & ~(uint64_t)HOOK_BITS);
	if (th->hook_arg & HOOK_CHARGED) {
		int64_t size = write_size(th);
		int64_t done = ret > 0 ? ret : 0;
		if (size > done)
			f->credit += (uint64_t)(size - done);
	} else if (ret > 0) {
		flow_charge(f, (uint64_t)ret);
	}
	f->users--;
	flow_settle(f);
}

/* A TCP write: charged now when it may wait for the reader in the kernel, else at its exit for what the kernel took. */
static void translate_stream_write(struct emu_thread *th, const struct ksock *ks, int flags)
{
	uint32_t lip, pip;
	uint16_t lport, pport;
	if (connection_endpoints(ks, &lip, &lport, &pip, &pport) < 0)
		return;
	struct flow *f = flow_get(lip, lport, pip, pport);
	if (!f)
		return;
	int64_t size = write_size(th);
	int blocking = !ks->nonblock && !(flags & MSG_DONTWAIT);
	if (blocking && size > 0)
		flow_charge(f, (uint64_t)size);
	f->users++;
	th->exit_hook = finish_write;
	th->hook_arg = (uint64_t)(uintptr_t)f | (blocking && size > 0 ? HOOK_CHARGED : 0);
}

/*
 * A datagram to ip (kernel address; given = 0: the connected peer) crosses the route
 * before the kernel sends it. Returns 0, or -errno for the program.
 */
static int carry_datagram(struct emu_thread *th, const struct ksock *ks, int given, uint32_t ip)
{
	if (!given) {
		uint16_t port;
		if (ksock_name(ks->fd, 1, &ip, &port) < 0)
			return 0;
	}
	int rc = bind_if_unbound(th, ks);
	if (rc < 0)
		return rc;
	int64_t size = write_size(th);
	sg_host_t dst = loopback_host(ip);
	if (dst && dst != th->proc->host && size >= 0 && size <= NET_MAX_DATAGRAM)
		sg_host_sendto(th->proc->host, dst, (double)size);
	return 0;
}

/* The family of the address a program passes (len bytes at addr), or -errno. */
static int read_family(struct emu_thread *th, uint64_t addr, uint64_t len)
{
	sa_family_t family;
	if (len < sizeof(family))
		return -EINVAL;
	return emu_read(th, addr, &family, sizeof(family)) < 0 ? -EFAULT : family;
}

/* An IPv4 address a program names as a destination, in kernel terms: 0, or -errno (ENETUNREACH outside the platform). */
static int read_destination(struct emu_thread *th, uint64_t addr, uint64_t len, uint32_t *ip, uint16_t *port)
{
	struct sockaddr_in sin;
	int rc = read_sockaddr(th, addr, len, &sin);
	if (rc < 0)
		return rc;
	if (sin.sin_family != AF_INET)
		return -EAFNOSUPPORT;
	*ip = kernel_address(th->proc->host, ntohl(sin.sin_addr.s_addr));
	*port = ntohs(sin.sin_port);
	return *ip ? 0 : -ENETUNREACH;
}

/* A datagram's destination named by the call (has = 0: none), which the kernel must get in loopback terms. */
struct destination {
	int has;
	uint32_t ip;
	uint16_t port;
};

/* The write family; to and tolen are the destination the call names (to = 0: none). */
static enum verdict translate_write(struct emu_thread *th, int64_t *result, int flags, uint64_t to, uint64_t tolen,
				    struct destination *dest)
{
	struct ksock ks;
	dest->has = 0;
	if (!ksock_open(th, ARG(0), &ks))
		return NATIVE;
	int rc = 0;
	if (ks.stream) {
		translate_stream_write(th, &ks, flags);
	} else {
		if (to)
			rc = read_destination(th, to, tolen, &dest->ip, &dest->port);
		if (rc == 0)
			rc = carry_datagram(th, &ks, to != 0, dest->ip);
		dest->has = to != 0;
	}
	close(ks.fd);
	if (rc < 0) {
		*result = rc;
		return ANSWERED;
	}
	follow_to_exit(th);
	return NATIVE;
}

static enum verdict answer_write(struct emu_thread *th, int64_t *result)
{
	struct destination dest;
	return translate_write(th, result, 0, 0, 0, &dest);
}

static enum verdict answer_sendto(struct emu_thread *th, int64_t *result)
{
	struct destination dest;
	enum verdict v = translate_write(th, result, (int)ARG(3), ARG(4), ARG(5), &dest);
	int rc = v == NATIVE && dest.has ? pass_address(th, 4, dest.ip, dest.port) : 0;
	if (rc < 0) {
		*result = rc;
		return ANSWERED;
	}
	return v;
}

/* sendmsg's destination lives in its msghdr: the call runs with a copy naming the kernel address. */
static enum verdict answer_sendmsg(struct emu_thread *th, int64_t *result)
{
	struct msghdr mh;
	if (emu_read(th, ARG(1), &mh, sizeof(mh)) < 0)
		return NATIVE;
	struct destination dest;
	enum verdict v = translate_write(th, result, (int)ARG(2), (uint64_t)(uintptr_t)mh.msg_name, mh.msg_namelen, &dest);
	if (v == ANSWERED || !dest.has)
		return v;
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(dest.port), .sin_addr.s_addr = htonl(dest.ip) };
	uint64_t name_at = scratch(th, sizeof(sin));
	uint64_t header_at = (name_at - sizeof(mh)) & ~(uint64_t)15;
	mh.msg_name = (void *)(uintptr_t)name_at;
	mh.msg_namelen = sizeof(sin);
	if (emu_write(th, name_at, &sin, sizeof(sin)) < 0 || emu_write(th, header_at, &mh, sizeof(mh)) < 0) {
		*result = -EFAULT;
		return ANSWERED;
	}
	if (rewrite_arg(th, 1, header_at) < 0) {
		*result = -ENOMEM;
		return ANSWERED;
	}
	return v;
}

static enum verdict answer_socket(struct emu_thread *th, int64_t *result)
{
	(void)result;
	int type = (int)ARG(1) & 0xf;
	if (ARG(0) == AF_INET6 && (type == SOCK_STREAM || type == SOCK_DGRAM))
		emu_warn_once(th->t->nr, "only IPv4 is translated; this socket uses the real network");
	return NATIVE;
}

/* bind runs from reprise's side, on the host's loopback address. */
static enum verdict answer_bind(struct emu_thread *th, int64_t *result)
{
	struct ksock ks;
	if (!ksock_open(th, ARG(0), &ks))
		return NATIVE;
	struct sockaddr_in sin;
	int rc = read_sockaddr(th, ARG(1), ARG(2), &sin);
	if (rc == 0 && sin.sin_family != AF_INET)
		rc = -EAFNOSUPPORT;
	if (rc == 0) {
		uint32_t ip = ntohl(sin.sin_addr.s_addr);
		sg_host_t self = th->proc->host;
		/* Only the host's own addresses can be bound, as on a real host. */
		uint32_t own = host_loopback(self), kip;
		uint16_t port;
		if (own && (ip == INADDR_ANY || (ip >> 24) == 127 || ip == net_host_ip(self)))
			rc = bind_kernel(ks.fd, own, ntohs(sin.sin_port));
		else
			rc = -EADDRNOTAVAIL;
		if (rc == 0 && ksock_name(ks.fd, 0, &kip, &port) == 0)
			naming_set(kip, port, ks.stream, ip == net_host_ip(self) ? kip : ip);
	}
	close(ks.fd);
	*result = rc;
	return ANSWERED;
}

static enum verdict answer_listen(struct emu_thread *th, int64_t *result)
{
	struct ksock ks;
	if (!ksock_open(th, ARG(0), &ks))
		return NATIVE;
	int rc = bind_if_unbound(th, &ks);
	close(ks.fd);
	if (rc < 0) {
		*result = rc;
		return ANSWERED;
	}
	return NATIVE;
}

/* The SYN crossed the route at the entry; the SYN-ACK (or RST) crosses back before connect returns. */
static void finish_connect(struct emu_thread *th, int64_t ret)
{
	(void)ret;
	emu_notify();
	sg_host_sendto((sg_host_t)(uintptr_t)th->hook_arg, th->proc->host, 0);
}

/* A new connection on ports an old one used starts with no bytes in flight. */
static void forget_flows(uint32_t a_ip, uint16_t a_port, uint32_t b_ip, uint16_t b_port)
{
	struct flow *f = flow_find(a_ip, a_port, b_ip, b_port);
	if (f) {
		flow_unlink(f);
		flow_settle(f);
	}
	f = flow_find(b_ip, b_port, a_ip, a_port);
	if (f) {
		flow_unlink(f);
		flow_settle(f);
	}
}

static enum verdict answer_connect(struct emu_thread *th, int64_t *result)
{
	/* AF_UNSPEC dissolves a datagram socket's association; the kernel judges other families. */
	if (read_family(th, ARG(1), ARG(2)) != AF_INET)
		return NATIVE;
	struct ksock ks;
	if (!ksock_open(th, ARG(0), &ks))
		return NATIVE;
	uint32_t ip, lip;
	uint16_t port, lport;
	int rc = read_destination(th, ARG(1), ARG(2), &ip, &port);
	if (rc == 0)
		rc = bind_if_unbound(th, &ks);
	if (rc == 0)
		rc = ksock_name(ks.fd, 0, &lip, &lport);
	if (rc == 0)
		rc = pass_address(th, 1, ip, port);
	sg_host_t dst = loopback_host(ip);
	if (rc == 0 && ks.stream) {
		forget_flows(lip, lport, ip, port);
		if (!ks.nonblock && dst != th->proc->host) {
			sg_host_sendto(th->proc->host, dst, 0);
			th->exit_hook = finish_connect;
			th->hook_arg = (uint64_t)(uintptr_t)dst;
		}
	}
	if (rc == 0)
		follow_to_exit(th);
	close(ks.fd);
	if (rc < 0) {
		*result = rc;
		return ANSWERED;
	}
	return NATIVE;
}

static void finish_accept(struct emu_thread *th, int64_t ret)
{
	socklen_t len;
	if (ret >= 0 && (th->hook_arg & HOOK_SHOW_NAME) && emu_read(th, ARG(2), &len, sizeof(len)) == 0)
		show_virtual(th, ARG(1), len);
}

/* accept waits in simulated time for a connection, then takes it from the kernel at once. */
static enum verdict answer_accept(struct emu_thread *th, int64_t *result)
{
	(void)result;
	struct ksock ks;
	if (!ksock_open(th, ARG(0), &ks))
		return NATIVE;
	int listening = 0;
	socklen_t len = sizeof(listening);
	if (getsockopt(ks.fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) < 0)
		listening = 0;
	while (listening && !ks.nonblock && !poll_now(ks.fd, POLLIN))
		emu_wait(-1);
	close(ks.fd);
	th->exit_hook = finish_accept;
	th->hook_arg = name_buffer_fits(th, ARG(1), ARG(2)) ? HOOK_SHOW_NAME : 0;
	return NATIVE;
}

static enum verdict answer_address(struct emu_thread *th, int64_t *result, int peer)
{
	struct ksock ks;
	if (!ksock_open(th, ARG(0), &ks))
		return NATIVE;
	uint32_t ip, peer_ip;
	uint16_t port, peer_port;
	int rc = ksock_name(ks.fd, peer, &ip, &port);
	uint32_t shown = virtual_address(ip);
	const struct naming *n = peer ? NULL : naming_find(ip, port, ks.stream);
	if (n && (n->named_ip != INADDR_ANY || ksock_name(ks.fd, 1, &peer_ip, &peer_port) < 0))
		shown = n->named_ip;
	close(ks.fd);
	*result = rc < 0 ? rc : write_sockaddr(th, ARG(1), ARG(2), shown, port);
	return ANSWERED;
}

static enum verdict answer_getsockname(struct emu_thread *th, int64_t *result)
{
	return answer_address(th, result, 0);
}

static enum verdict answer_getpeername(struct emu_thread *th, int64_t *result)
{
	return answer_address(th, result, 1);
}

/* FIONREAD counts only the bytes that have arrived in simulated time. */
static enum verdict answer_ioctl(struct emu_thread *th, int64_t *result)
{
	struct ksock ks;
	if (ARG(1) != FIONREAD || !ksock_open(th, ARG(0), &ks))
		return NATIVE;
	enum verdict v = NATIVE;
	if (ks.stream) {
		struct flow *f;
		incoming_flow(&ks, &f);
		int n = (int)arrived_part(f, kernel_inq(ks.fd));
		*result = emu_write(th, ARG(2), &n, sizeof(n)) < 0 ? -EFAULT : 0;
		v = ANSWERED;
	}
	close(ks.fd);
	return v;
}

/*
 * A shutdown for writing or a close sends the FIN, which reaches the reader after the
 * bytes written before it. After a shutdown the socket may still read, and needs its
 * endpoints remembered; after a close it is gone.
 */
static enum verdict send_fin(struct emu_thread *th, int closing)
{
	struct ksock ks;
	if (!ksock_open(th, ARG(0), &ks))
		return NATIVE;
	uint32_t lip, pip;
	uint16_t lport, pport;
	if (ks.stream && connection_endpoints(&ks, &lip, &lport, &pip, &pport) == 0) {
		if (closing)
			connection_forget(ks.ino);
		else
			connection_remember(ks.ino, lip, lport, pip, pport);
		struct flow *f = flow_get(lip, lport, pip, pport);
		if (f) {
			flow_fin(f);
			flow_settle(f);
		}
	}
	follow_to_exit(th);
	close(ks.fd);
	return NATIVE;
}

static enum verdict answer_shutdown(struct emu_thread *th, int64_t *result)
{
	(void)result;
	return ARG(1) == SHUT_WR || ARG(1) == SHUT_RDWR ? send_fin(th, 0) : NATIVE;
}

static enum verdict answer_close(struct emu_thread *th, int64_t *result)
{
	(void)result;
	return send_fin(th, 1);
}

static enum verdict warn_untranslated(struct emu_thread *th, int64_t *result)
{
	(void)result;
	struct ksock ks;
	if (ksock_open(th, ARG(0), &ks)) {
		close(ks.fd);
		emu_warn_once(th->t->nr, "its addresses are not translated and its bytes take no simulated time");
		follow_to_exit(th);
	}
	return NATIVE;
}

const struct call_rule translate_rules[] = {
	{ "socket", answer_socket, NEVER_BLOCKS },
	{ "bind", answer_bind, NEVER_BLOCKS },
	{ "listen", answer_listen, NEVER_BLOCKS },
	{ "connect", answer_connect, MAY_BLOCK },
	{ "accept", answer_accept, MAY_BLOCK },
	{ "accept4", answer_accept, MAY_BLOCK },
	{ "getsockname", answer_getsockname, NEVER_BLOCKS },
	{ "getpeername", answer_getpeername, NEVER_BLOCKS },
	{ "read", answer_read, BLOCKS_ON_FD0 },
	{ "write", answer_write, BLOCKS_ON_FD0 },
	{ "readv", answer_readv, BLOCKS_ON_FD0 },
	{ "writev", answer_write, BLOCKS_ON_FD0 },
	{ "sendto", answer_sendto, MAY_BLOCK },
	{ "recvfrom", answer_recvfrom, MAY_BLOCK },
	{ "sendmsg", answer_sendmsg, MAY_BLOCK },
	{ "recvmsg", answer_recvmsg, MAY_BLOCK },
	{ "sendmmsg", warn_untranslated, MAY_BLOCK },
	{ "recvmmsg", warn_untranslated, MAY_BLOCK },
	{ "ioctl", answer_ioctl, NEVER_BLOCKS },
	{ "shutdown", answer_shutdown, NEVER_BLOCKS },
	{ "close", answer_close, NEVER_BLOCKS },
	/* A lock wait (F_SETLKW) may wait for another program, as the mediated rules also say. */
	{ "fcntl", NULL, MAY_BLOCK },
	{ NULL, NULL, NEVER_BLOCKS },
};
