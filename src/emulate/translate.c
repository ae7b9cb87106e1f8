/*
 * --mode=translate: programs keep real kernel sockets and the kernel moves their bytes
 * over loopback; reprise translates addresses and keeps the time.
 *
 * Addresses. Each simulated host has a loopback address of its own, 127.R.H.H (Linux
 * routes all of 127/8 to lo), where R is a /16 no socket of the machine uses (so runs
 * side by side do not share ports) and H.H is the host's rank in the platform. Sockets are bound to
 * their host's loopback address: the wildcard, 127.0.0.1 and the host's virtual address
 * all mean it, and an unbound socket is bound to it before it connects, listens or sends,
 * so a peer's kernel address always tells its host. Addresses going into the kernel
 * (bind, connect, sendto, sendmsg) become loopback ones; addresses coming out (accept,
 * getsockname, getpeername, recvfrom, recvmsg) become virtual ones again. An address
 * outside the platform gives ENETUNREACH without reaching the kernel.
 *
 * Calls. reprise makes the reads and writes of a translated socket itself, on its own
 * copy of the program's descriptor (pidfd_getfd), never waiting in the kernel: the bytes
 * go between the program's memory and the kernel's socket, and where the program's
 * socket would block, the call waits in simulated time. bind, getsockname and getpeername
 * are answered the same way; socket, listen, connect, accept and close run in the
 * kernel, accept only once a connection is there.
 *
 * Time, as the mediated network keeps it. A blocking TCP connect costs a crossing of the
 * route both ways. Each direction of a connection is a flow: what the kernel takes from
 * a writer leaves in batches (what is written meanwhile), each one SimGrid transfer
 * carried by an actor of its own, side by side, arriving in order; a reader gets only
 * the bytes that have arrived in simulated time. The FIN travels with the last batch, or
 * alone. Waits on several descriptors holding a translated socket take place in
 * simulated time too, the kernel then giving the result. A UDP datagram is one SimGrid
 * transfer of its size, made before the kernel sends it: the sender is held for that
 * time, so the datagrams of one sender cross one after another.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <simgrid/actor.h>
#include <simgrid/host.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/pidfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "arch/arch.h"
#include "emulate/calls.h"
#include "emulate/net.h"
#include "util/util.h"

#define ARG(i) (th->t->args[i])
/* 127.R.0.0/16 holds the run's host addresses; the last one is the broadcast address. */
#define LOOPBACK_HOSTS_MAX 65534u
/* Scratch memory for a translated address or timeout goes this far below the stack pointer (the x86-64 red zone is 128 bytes). */
#define SCRATCH_BELOW_SP 1024
/* The most buffers a vector call may pass (UIO_MAXIOV). */
#define MAX_IOV 1024

/* Reads and writes larger than this are served in parts, as a kernel may. */
#define MAX_IO (16u << 20)
/* Ancillary data passed through for sendmsg and recvmsg, at most. */
#define MAX_CONTROL 65536u
/* accept's hook_arg: the call returns a peer's address, to be made virtual. */
#define SHOW_NAME 1u

static uint32_t run_prefix;

/* Whether a socket of this machine, in any state (TIME_WAIT included), has a local address in prefix/16. */
static int prefix_in_use(uint32_t prefix)
{
	static const char *const tables[] = { "/proc/net/tcp", "/proc/net/udp" };
	for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++) {
		FILE *f = fopen(tables[t], "r");
		if (!f)
			continue;
		char line[512];
		unsigned raw;
		int used = 0;
		while (!used && fgets(line, sizeof(line), f))
			used = sscanf(line, " %*u: %x:", &raw) == 1 && (ntohl(raw) & 0xffff0000u) == prefix;
		fclose(f);
		if (used)
			return 1;
	}
	return 0;
}

/*
 * 127.R.0.0 in host order, R from 1 to 254: the first from one the pid gives that no
 * socket uses, so that runs side by side, and the TIME_WAIT sockets of runs just ended,
 * keep out of each other's ports.
 */
static uint32_t loopback_prefix(void)
{
	if (run_prefix)
		return run_prefix;
	unsigned first = (unsigned)getpid() % 254;
	for (unsigned i = 0; i < 254 && !run_prefix; i++) {
		uint32_t prefix = (127u << 24) | ((1 + (first + i) % 254) << 16);
		if (!prefix_in_use(prefix))
			run_prefix = prefix;
	}
	if (!run_prefix)
		run_prefix = (127u << 24) | ((1 + first) << 16);
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
 * The kernel endpoints of TCP connections that have shut down their direction, by
 * socket. Linux forgets a socket's peer once both sides have closed their direction
 * (getpeername: ENOTCONN), while its reader may still wait for bytes in flight; and a
 * socket shut down has sent its FIN, which its close does not send again.
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

/* Whether the socket was remembered (it has shut down its direction); it is no longer. */
static int connection_forget(ino_t ino)
{
	for (size_t i = 0; i < nconnections; i++)
		if (connections[i].ino == ino) {
			connections[i] = connections[--nconnections];
			return 1;
		}
	return 0;
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

/* The buffers a program passes to a read or write call, as they are in its memory. */
struct program_iov {
	struct iovec iov[MAX_IOV];
	size_t n;
	size_t total;            /* their length, at most MAX_IO */
};

static void single_buffer(struct program_iov *pi, uint64_t addr, uint64_t len)
{
	pi->iov[0] = (struct iovec){ .iov_base = (void *)(uintptr_t)addr, .iov_len = len < MAX_IO ? (size_t)len : MAX_IO };
	pi->n = 1;
	pi->total = pi->iov[0].iov_len;
}

static int vector_buffers(struct emu_thread *th, struct program_iov *pi, uint64_t iov_addr, uint64_t iovcnt)
{
	if (iovcnt > MAX_IOV)
		return -EINVAL;
	if (iovcnt && emu_read(th, iov_addr, pi->iov, iovcnt * sizeof(pi->iov[0])) < 0)
		return -EFAULT;
	pi->n = iovcnt;
	pi->total = 0;
	for (size_t i = 0; i < iovcnt; i++) {
		size_t room = MAX_IO - pi->total;
		if (pi->iov[i].iov_len > room)
			pi->iov[i].iov_len = room;
		pi->total += pi->iov[i].iov_len;
	}
	return 0;
}

/* Copies len bytes between buf and the program's buffers, in order; 0 or -EFAULT. */
static int program_copy(struct emu_thread *th, const struct program_iov *pi, uint8_t *buf, size_t len, int to_program)
{
	size_t at = 0;
	for (size_t i = 0; i < pi->n && at < len; i++) {
		size_t part = pi->iov[i].iov_len < len - at ? pi->iov[i].iov_len : len - at;
		uint64_t addr = (uint64_t)(uintptr_t)pi->iov[i].iov_base;
		if ((to_program ? emu_write(th, addr, buf + at, part) : emu_read(th, addr, buf + at, part)) < 0)
			return -EFAULT;
		at += part;
	}
	return 0;
}

/*
 * One direction of a TCP connection between two hosts, named by its kernel endpoints.
 * Bytes written are queued; the queue leaves as a batch, one SimGrid transfer carried by
 * an actor of its own, so batches cross the route side by side as a TCP window's
 * segments do; they arrive in the order written and are readable until a reader takes them.
 */
struct flow {
	struct flow *next;
	uint32_t src_ip, dst_ip;
	uint16_t src_port, dst_port;
	sg_host_t src, dst;
	uint64_t queued;         /* written, not yet in a batch */
	uint64_t crossing;       /* in batches not yet arrived */
	uint64_t readable;       /* arrived in simulated time, not yet read */
	int fin_queued;          /* the writer shut down or closed: its FIN goes with the next batch */
	int fins_crossing;       /* batches carrying a FIN, not yet arrived */
	int batch_forming;       /* a batch's actor is started and has not taken the queue yet */
	int carriers;            /* batch actors running */
	uint64_t batches_sent, batches_arrived;
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
	if (f->carriers)
		return;
	if (f->linked && (f->queued || f->crossing || f->readable || f->fin_queued || f->fins_crossing))
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
	uint64_t bytes = f->queued, turn = f->batches_sent++;
	int fin = f->fin_queued;
	f->queued = 0;
	f->fin_queued = 0;
	f->batch_forming = 0;
	f->crossing += bytes;
	f->fins_crossing += fin;
	sg_host_sendto(f->src, f->dst, (double)bytes);
	while (f->batches_arrived != turn)
		emu_wait(-1);
	f->batches_arrived++;
	f->crossing -= bytes;
	f->fins_crossing -= fin;
	f->readable += bytes;
	f->carriers--;
	emu_notify();
	flow_settle(f);
}

/* The queue (bytes, a FIN) leaves as one batch when the actor started for it first runs. */
static void batch_start(struct flow *f)
{
	if (f->batch_forming)
		return;
	f->batch_forming = 1;
	f->carriers++;
	/* Not a daemon: it always ends, and SimGrid 3.32 crashes killing a daemon that never ran. */
	sg_actor_t a = sg_actor_init("carrier", f->src);
	sg_actor_set_data(a, f);
	sg_actor_start(a, carrier_main, 0, NULL);
}

static void flow_charge(struct flow *f, uint64_t bytes)
{
	f->queued += bytes;
	batch_start(f);
}

/* The FIN leaves with the bytes queued, or alone, arriving after every batch before it. */
static void flow_fin(struct flow *f)
{
	f->fin_queued = 1;
	batch_start(f);
}

static int fin_in_flight(const struct flow *f)
{
	return f && (f->fin_queued || f->fins_crossing);
}

static uint64_t flow_ahead(const struct flow *f)
{
	return f ? f->queued + f->crossing : 0;
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

/*
 * When a blocking call on the socket gives up with EAGAIN: SO_RCVTIMEO or SO_SNDTIMEO
 * (option) from now, in simulated time; -1 for never.
 */
static double ksock_deadline(const struct ksock *ks, int option)
{
	struct timeval tv;
	socklen_t len = sizeof(tv);
	if (getsockopt(ks->fd, SOL_SOCKET, option, &tv, &len) < 0 || (tv.tv_sec == 0 && tv.tv_usec == 0))
		return -1;
	return emu_clock() + (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

/* Waits for a change until deadline (< 0: none); 0 once the deadline has passed. */
static int wait_until(double deadline)
{
	if (deadline < 0) {
		emu_wait(-1);
		return 1;
	}
	double left = deadline - emu_clock();
	if (left <= 0)
		return 0;
	emu_wait(left);
	return 1;
}

/*
 * Before a TCP read: waits in simulated time until some bytes have arrived, and returns
 * how many the kernel may give; 0 when the kernel is to answer at once (the stream ended,
 * an error, nothing there for a read that may not wait, or no connection); -1 when the
 * deadline passed. A read that may not wait waits as well when the kernel holds bytes
 * still in flight: answering EAGAIN would have the program poll again at once, forever.
 */
static int64_t await_arrival(const struct ksock *ks, int dontwait, double deadline, struct flow **incoming)
{
	for (;;) {
		struct flow *f;
		if (!incoming_flow(ks, &f)) {
			*incoming = NULL;
			return 0;
		}
		*incoming = f;
		uint64_t inq = kernel_inq(ks->fd), ok = arrived_part(f, inq);
		if (inq > 0 && ok > 0)
			return (int64_t)ok;
		if (inq == 0 && !fin_in_flight(f) &&
		    (dontwait || (poll_now(ks->fd, POLLIN | POLLRDHUP) & (POLLIN | POLLERR | POLLHUP | POLLRDHUP))))
			return 0;
		if (!wait_until(deadline))
			return -1;
	}
}

/* Waits in simulated time until a datagram is there, unless the read may not wait; 0 when the deadline passed. */
static int await_datagram(const struct ksock *ks, int dontwait, double deadline)
{
	while (!dontwait && !poll_now(ks->fd, POLLIN))
		if (!wait_until(deadline))
			return 0;
	return 1;
}

/* Waits in simulated time until the socket can take more bytes (or has failed); 0 when the deadline passed. */
static int await_room(const struct ksock *ks, double deadline)
{
	while (!(poll_now(ks->fd, POLLOUT) & (POLLOUT | POLLERR | POLLHUP)))
		if (!wait_until(deadline))
			return 0;
	return 1;
}

/* What a receive gives besides the bytes: the source, recvmsg's flags, the ancillary data's length. */
struct reception {
	struct sockaddr_in from;
	socklen_t fromlen;       /* 0: the kernel gave no source (TCP) */
	int msg_flags;
	size_t controllen;
};

static ssize_t receive_once(const struct ksock *ks, uint8_t *buf, size_t len, int flags, void *control, size_t controlcap,
			    struct reception *r)
{
	struct iovec v = { .iov_base = buf, .iov_len = len };
	struct msghdr mh = { .msg_name = &r->from, .msg_namelen = sizeof(r->from), .msg_iov = &v, .msg_iovlen = 1,
			     .msg_control = controlcap ? control : NULL, .msg_controllen = controlcap };
	ssize_t n = recvmsg(ks->fd, &mh, flags | MSG_DONTWAIT);
	if (n >= 0) {
		r->fromlen = mh.msg_namelen;
		r->msg_flags = mh.msg_flags;
		r->controllen = mh.msg_controllen;
	}
	return n;
}

/*
 * A receive on a translated socket, made by reprise on its copy of the descriptor: it
 * waits as the program's socket would, in simulated time, and a TCP read takes only the
 * bytes that have arrived. Returns the count (a datagram's full length with MSG_TRUNC) or -errno.
 */
static int64_t receive(const struct ksock *ks, uint8_t *buf, size_t len, int flags, void *control, size_t controlcap,
		       struct reception *r)
{
	int dontwait = ks->nonblock || (flags & MSG_DONTWAIT);
	double deadline = dontwait ? -1 : ksock_deadline(ks, SO_RCVTIMEO);
	memset(r, 0, sizeof(*r));
	if (!ks->stream) {
		for (;;) {
			if (!await_datagram(ks, dontwait, deadline))
				return -EAGAIN;
			ssize_t n = receive_once(ks, buf, len, flags, control, controlcap, r);
			if (n >= 0 || errno != EAGAIN || dontwait)
				return n < 0 ? -errno : n;
		}
	}
	size_t done = 0;
	for (;;) {
		struct flow *f = NULL;
		/* A read of no bytes returns at once, as in Linux. */
		int64_t ok = len ? await_arrival(ks, dontwait, deadline, &f) : 0;
		if (ok < 0)
			return done ? (int64_t)done : -EAGAIN;
		size_t want = ok && (uint64_t)ok < len - done ? (size_t)ok : len - done;
		ssize_t n = receive_once(ks, buf + done, want, flags & ~MSG_WAITALL, control, controlcap, r);
		if (n < 0) {
			/* Another reader of the same socket took the bytes first: wait again. */
			if (errno == EAGAIN && ok && !dontwait)
				continue;
			return done ? (int64_t)done : -errno;
		}
		if (f && !(flags & MSG_PEEK)) {
			f->readable -= (uint64_t)n < f->readable ? (uint64_t)n : f->readable;
			flow_settle(f);
		}
		done += (size_t)n;
		if (!(flags & MSG_WAITALL) || (flags & MSG_PEEK) || n == 0 || done == len)
			return (int64_t)done;
	}
}

/* A datagram's destination, in kernel terms; has = 0: the connected peer. */
struct destination {
	int has;
	uint32_t ip;
	uint16_t port;
};

/* A datagram crosses the route before the kernel sends it; the sender is held meanwhile. */
static void carry_datagram(struct emu_thread *th, const struct ksock *ks, const struct destination *to, size_t len)
{
	uint32_t ip = to->ip;
	uint16_t port;
	if (!to->has && ksock_name(ks->fd, 1, &ip, &port) < 0)
		return;
	sg_host_t dst = loopback_host(ip);
	if (dst && dst != th->proc->host && len <= NET_MAX_DATAGRAM)
		sg_host_sendto(th->proc->host, dst, (double)len);
}

/* The flow a connected TCP socket writes to (self to peer), or NULL (not connected, or within one host). */
static struct flow *outgoing_flow(const struct ksock *ks)
{
	uint32_t lip, pip;
	uint16_t lport, pport;
	if (connection_endpoints(ks, &lip, &lport, &pip, &pport) < 0)
		return NULL;
	return flow_get(lip, lport, pip, pport);
}

/*
 * A send on a translated socket, made by reprise on its copy of the descriptor. A
 * blocking one waits in simulated time for room until all is sent; what the kernel takes
 * of a TCP stream is charged to its flow at once. A broken connection raises SIGPIPE in
 * the program unless it passed MSG_NOSIGNAL. Returns the count or -errno.
 */
static int64_t transmit(struct emu_thread *th, const struct ksock *ks, const uint8_t *buf, size_t len, int flags,
			const struct destination *to, const void *control, size_t controllen)
{
	int dontwait = ks->nonblock || (flags & MSG_DONTWAIT);
	double deadline = dontwait ? -1 : ksock_deadline(ks, SO_SNDTIMEO);
	if (!ks->stream) {
		int rc = bind_if_unbound(th, ks);
		if (rc < 0)
			return rc;
		carry_datagram(th, ks, to, len);
	}
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(to->port), .sin_addr.s_addr = htonl(to->ip) };
	size_t done = 0;
	int err = 0;
	for (;;) {
		struct iovec v = { .iov_base = (void *)(buf + done), .iov_len = len - done };
		struct msghdr mh = { .msg_name = to->has ? &sin : NULL, .msg_namelen = to->has ? sizeof(sin) : 0,
				     .msg_iov = &v, .msg_iovlen = 1,
				     .msg_control = done ? NULL : (void *)control, .msg_controllen = done ? 0 : controllen };
		ssize_t n = sendmsg(ks->fd, &mh, flags | MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n < 0 && errno != EAGAIN) {
			err = errno;
			break;
		}
		if (n > 0) {
			done += (size_t)n;
			struct flow *f = ks->stream ? outgoing_flow(ks) : NULL;
			if (f)
				flow_charge(f, (uint64_t)n);
		}
		if (n < 0)
			err = EAGAIN;
		if (done == len || dontwait || (!ks->stream && n >= 0))
			break;
		if (!await_room(ks, deadline)) {
			err = EAGAIN;
			break;
		}
	}
	if (done || (len == 0 && !err))
		return (int64_t)done;
	if (err == EPIPE && !(flags & MSG_NOSIGNAL))
		syscall(SYS_tgkill, th->proc->pid, th->tid, SIGPIPE);
	return -err;
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

/*
 * The read family, answered: the bytes go from the kernel's socket into the program's
 * buffers pi; a source goes to (name_at, namelen_at) as the kernel would write it.
 */
static int64_t answer_receive(struct emu_thread *th, const struct ksock *ks, const struct program_iov *pi, int flags,
			      uint64_t name_at, uint64_t namelen_at)
{
	uint8_t *buf = rp_malloc(pi->total ? pi->total : 1);
	struct reception r;
	int64_t n = receive(ks, buf, pi->total, flags, NULL, 0, &r);
	size_t stored = n > 0 ? ((size_t)n < pi->total ? (size_t)n : pi->total) : 0;
	if (stored && program_copy(th, pi, buf, stored, 1) < 0)
		n = -EFAULT;
	free(buf);
	if (n >= 0 && name_at) {
		socklen_t none = 0;
		if (!r.fromlen)
			n = emu_write(th, namelen_at, &none, sizeof(none)) < 0 ? -EFAULT : n;
		else if (write_sockaddr(th, name_at, namelen_at, virtual_address(ntohl(r.from.sin_addr.s_addr)),
					ntohs(r.from.sin_port)) < 0)
			n = -EFAULT;
	}
	return n;
}

static enum verdict answer_read(struct emu_thread *th, int64_t *result)
{
	struct ksock ks;
	if (!ksock_open(th, ARG(0), &ks))
		return NATIVE;
	struct program_iov pi;
	single_buffer(&pi, ARG(1), ARG(2));
	*result = answer_receive(th, &ks, &pi, 0, 0, 0);
	close(ks.fd);
	return ANSWERED;
}

static enum verdict answer_readv(struct emu_thread *th, int64_t *result)
{
	struct ksock ks;
	if (!ksock_open(th, ARG(0), &ks))
		return NATIVE;
	struct program_iov pi;
	int rc = vector_buffers(th, &pi, ARG(1), ARG(2));
	*result = rc < 0 ? rc : answer_receive(th, &ks, &pi, 0, 0, 0);
	close(ks.fd);
	return ANSWERED;
}

static enum verdict answer_recvfrom(struct emu_thread *th, int64_t *result)
{
	struct ksock ks;
	if (!ksock_open(th, ARG(0), &ks))
		return NATIVE;
	struct program_iov pi;
	single_buffer(&pi, ARG(1), ARG(2));
	*result = answer_receive(th, &ks, &pi, (int)ARG(3), ARG(4), ARG(5));
	close(ks.fd);
	return ANSWERED;
}

/* recvmsg: its msghdr gets the source, the ancillary data the kernel gave, and the flags. */
static int64_t receive_message(struct emu_thread *th, const struct ksock *ks, int flags)
{
	struct msghdr mh;
	struct program_iov pi;
	if (emu_read(th, ARG(1), &mh, sizeof(mh)) < 0)
		return -EFAULT;
	int rc = vector_buffers(th, &pi, (uint64_t)(uintptr_t)mh.msg_iov, mh.msg_iovlen);
	if (rc < 0)
		return rc;
	size_t controlcap = mh.msg_control ? (mh.msg_controllen < MAX_CONTROL ? mh.msg_controllen : MAX_CONTROL) : 0;
	uint8_t *buf = rp_malloc(pi.total ? pi.total : 1), *control = rp_malloc(controlcap ? controlcap : 1);
	struct reception r;
	int64_t n = receive(ks, buf, pi.total, flags, control, controlcap, &r);
	size_t stored = n > 0 ? ((size_t)n < pi.total ? (size_t)n : pi.total) : 0;
	if (n >= 0) {
		struct sockaddr_in from = r.from;
		from.sin_addr.s_addr = htonl(virtual_address(ntohl(r.from.sin_addr.s_addr)));
		socklen_t namelen = mh.msg_name && r.fromlen ? (mh.msg_namelen < r.fromlen ? mh.msg_namelen : r.fromlen) : 0;
		if ((stored && program_copy(th, &pi, buf, stored, 1) < 0) ||
		    (namelen && emu_write(th, (uint64_t)(uintptr_t)mh.msg_name, &from, namelen) < 0) ||
		    (r.controllen && emu_write(th, (uint64_t)(uintptr_t)mh.msg_control, control, r.controllen) < 0))
			n = -EFAULT;
		mh.msg_namelen = mh.msg_name ? r.fromlen : 0;
		mh.msg_controllen = r.controllen;
		mh.msg_flags = r.msg_flags;
		if (emu_write(th, ARG(1), &mh, sizeof(mh)) < 0)
			n = -EFAULT;
	}
	free(buf);
	free(control);
	return n;
}

static enum verdict answer_recvmsg(struct emu_thread *th, int64_t *result)
{
	struct ksock ks;
	if (!ksock_open(th, ARG(0), &ks))
		return NATIVE;
	*result = receive_message(th, &ks, (int)ARG(2));
	close(ks.fd);
	return ANSWERED;
}

/*
 * The write family, answered: the bytes go from the program's buffers pi into the
 * kernel's socket; a datagram's destination, when the call names one, is at (to, tolen).
 */
static int64_t answer_send(struct emu_thread *th, const struct ksock *ks, const struct program_iov *pi, int flags,
			   uint64_t to, uint64_t tolen, const void *control, size_t controllen)
{
	struct destination dest = { 0 };
	if (ks->stream && (flags & MSG_FASTOPEN)) {
		emu_warn_once(th->t->nr, "TCP Fast Open is not translated; the call fails with EOPNOTSUPP");
		return -EOPNOTSUPP;
	}
	/* A connected TCP socket ignores the destination, as in Linux. */
	if (to && !ks->stream) {
		int rc = read_destination(th, to, tolen, &dest.ip, &dest.port);
		if (rc < 0)
			return rc;
		dest.has = 1;
	}
	uint8_t *buf = rp_malloc(pi->total ? pi->total : 1);
	int64_t n = program_copy(th, pi, buf, pi->total, 0) < 0 ? -EFAULT
								  : transmit(th, ks, buf, pi->total, flags, &dest, control, controllen);
	free(buf);
	return n;
}

static enum verdict answer_write(struct emu_thread *th, int64_t *result)
{
	struct ksock ks;
	if (!ksock_open(th, ARG(0), &ks))
		return NATIVE;
	struct program_iov pi;
	single_buffer(&pi, ARG(1), ARG(2));
	*result = answer_send(th, &ks, &pi, 0, 0, 0, NULL, 0);
	close(ks.fd);
	return ANSWERED;
}

static enum verdict answer_writev(struct emu_thread *th, int64_t *result)
{
	struct ksock ks;
	if (!ksock_open(th, ARG(0), &ks))
		return NATIVE;
	struct program_iov pi;
	int rc = vector_buffers(th, &pi, ARG(1), ARG(2));
	*result = rc < 0 ? rc : answer_send(th, &ks, &pi, 0, 0, 0, NULL, 0);
	close(ks.fd);
	return ANSWERED;
}

static enum verdict answer_sendto(struct emu_thread *th, int64_t *result)
{
	struct ksock ks;
	if (!ksock_open(th, ARG(0), &ks))
		return NATIVE;
	struct program_iov pi;
	single_buffer(&pi, ARG(1), ARG(2));
	*result = answer_send(th, &ks, &pi, (int)ARG(3), ARG(4), ARG(5), NULL, 0);
	close(ks.fd);
	return ANSWERED;
}

static int64_t send_message(struct emu_thread *th, const struct ksock *ks, int flags)
{
	struct msghdr mh;
	struct program_iov pi;
	if (emu_read(th, ARG(1), &mh, sizeof(mh)) < 0)
		return -EFAULT;
	int rc = vector_buffers(th, &pi, (uint64_t)(uintptr_t)mh.msg_iov, mh.msg_iovlen);
	if (rc < 0)
		return rc;
	if (mh.msg_control && mh.msg_controllen > MAX_CONTROL)
		return -ENOBUFS;
	size_t controllen = mh.msg_control ? mh.msg_controllen : 0;
	uint8_t *control = rp_malloc(controllen ? controllen : 1);
	int64_t n = controllen && emu_read(th, (uint64_t)(uintptr_t)mh.msg_control, control, controllen) < 0
			    ? -EFAULT
			    : answer_send(th, ks, &pi, flags, (uint64_t)(uintptr_t)mh.msg_name, mh.msg_namelen, control, controllen);
	free(control);
	return n;
}

static enum verdict answer_sendmsg(struct emu_thread *th, int64_t *result)
{
	struct ksock ks;
	if (!ksock_open(th, ARG(0), &ks))
		return NATIVE;
	*result = send_message(th, &ks, (int)ARG(2));
	close(ks.fd);
	return ANSWERED;
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
	uint32_t ip = 0, lip = 0, pip;
	uint16_t port = 0, lport = 0, pport;
	int rc = read_destination(th, ARG(1), ARG(2), &ip, &port);
	if (rc == 0)
		rc = bind_if_unbound(th, &ks);
	if (rc == 0)
		rc = ksock_name(ks.fd, 0, &lip, &lport);
	if (rc == 0)
		rc = pass_address(th, 1, ip, port);
	sg_host_t dst = loopback_host(ip);
	/* A connect on a connected (or connecting) stream only gets the kernel's EISCONN or EALREADY. */
	if (rc == 0 && ks.stream && ksock_name(ks.fd, 1, &pip, &pport) == -ENOTCONN) {
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
	if (ret >= 0 && (th->hook_arg & SHOW_NAME) && emu_read(th, ARG(2), &len, sizeof(len)) == 0)
		show_virtual(th, ARG(1), len);
}

/* accept waits in simulated time for a connection (or until SO_RCVTIMEO: EAGAIN), then takes it from the kernel at once. */
static enum verdict answer_accept(struct emu_thread *th, int64_t *result)
{
	struct ksock ks;
	if (!ksock_open(th, ARG(0), &ks))
		return NATIVE;
	int listening = 0;
	socklen_t len = sizeof(listening);
	if (getsockopt(ks.fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) < 0)
		listening = 0;
	double deadline = ksock_deadline(&ks, SO_RCVTIMEO);
	int timed_out = 0;
	while (listening && !ks.nonblock && !timed_out && !poll_now(ks.fd, POLLIN))
		timed_out = !wait_until(deadline);
	close(ks.fd);
	if (timed_out) {
		*result = -EAGAIN;
		return ANSWERED;
	}
	th->exit_hook = finish_accept;
	th->hook_arg = name_buffer_fits(th, ARG(1), ARG(2)) ? SHOW_NAME : 0;
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
		/* A socket sends one FIN: at its first shutdown for writing, or at its close. */
		int sent = connection_forget(ks.ino);
		if (!closing)
			connection_remember(ks.ino, lip, lport, pip, pport);
		struct flow *f = sent ? NULL : flow_get(lip, lport, pip, pport);
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

/*
 * Waiting on several descriptors (poll, ppoll, select, pselect6 and the epoll waits) when
 * a translated socket is among them: reprise waits in simulated time until the kernel
 * has something to report, asking it from reprise's side, then lets the call run in the
 * kernel, which returns at once and fills in the result itself (edge-triggered and
 * one-shot epoll watches included); once the timeout has passed in simulated time, the
 * call runs with none. Changes to translated sockets are announced; a set holding other
 * descriptors too is looked at again after growing simulated quanta. Sets without
 * translated sockets are left to the other rules.
 */
#define MAX_WAIT_FDS 4096

struct wait_set {
	int fds[MAX_WAIT_FDS];
	short events[MAX_WAIT_FDS];
	size_t n;
	int translated;          /* a translated socket is in the set */
	int other;               /* so is another descriptor, whose changes nobody announces */
};

static int is_translated(struct emu_thread *th, int fd)
{
	struct ksock ks;
	if (fd < 0 || !ksock_open(th, (uint64_t)fd, &ks))
		return 0;
	close(ks.fd);
	return 1;
}

static void wait_set_add(struct emu_thread *th, struct wait_set *ws, int fd, short events)
{
	ws->fds[ws->n] = fd;
	ws->events[ws->n] = events;
	ws->n++;
	if (is_translated(th, fd))
		ws->translated = 1;
	else
		ws->other = 1;
}

static int wait_set_ready(struct emu_thread *th, const struct wait_set *ws)
{
	for (size_t i = 0; i < ws->n; i++)
		if (native_poll(th->proc->pid, ws->fds[i], ws->events[i]) & (ws->events[i] | POLLERR | POLLHUP | POLLNVAL))
			return 1;
	return 0;
}

/* Waits until the kernel has something for the set or timeout (< 0: none) has passed; returns the time left. */
static double await_set(struct emu_thread *th, const struct wait_set *ws, double timeout)
{
	double deadline = timeout < 0 ? -1 : emu_clock() + timeout;
	double quantum = EMU_POLL_QUANTUM_FIRST;
	for (;;) {
		double left = deadline < 0 ? -1 : deadline - emu_clock();
		if (deadline >= 0 && left < 0)
			left = 0;
		if (wait_set_ready(th, ws) || left == 0)
			return left;
		if (ws->other)
			emu_wait_polling(&quantum, left);
		else
			emu_wait(left);
	}
}

/* The call runs in the kernel with its timeout (argument i, a timeval or a timespec) set to left. */
static int pass_timeout(struct emu_thread *th, int i, double left, int timeval)
{
	time_t sec = (time_t)left;
	long frac = (long)((left - (double)sec) * (timeval ? 1e6 : 1e9));
	struct timeval tv = { .tv_sec = sec, .tv_usec = frac };
	struct timespec ts = { .tv_sec = sec, .tv_nsec = frac };
	uint64_t at = scratch(th, sizeof(ts));
	if (emu_write(th, at, timeval ? (const void *)&tv : (const void *)&ts, timeval ? sizeof(tv) : sizeof(ts)) < 0)
		return -EFAULT;
	return rewrite_arg(th, i, at) < 0 ? -ENOMEM : 0;
}

/* A timeout given as a timespec (NULL: none): seconds, -1 for none, or -2 when the kernel is to judge it. */
static double read_timespec(struct emu_thread *th, uint64_t addr)
{
	struct timespec ts;
	if (!addr)
		return -1;
	if (emu_read(th, addr, &ts, sizeof(ts)) < 0 || ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000L)
		return -2;
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static enum verdict wait_then_native(struct emu_thread *th, int64_t *result, int rc)
{
	if (rc < 0) {
		*result = rc;
		return ANSWERED;
	}
	follow_to_exit(th);
	return NATIVE;
}

/* poll and ppoll: the pollfd array at ARG(0), ARG(1) entries. */
static int read_poll_set(struct emu_thread *th, struct wait_set *ws)
{
	uint64_t nfds = ARG(1);
	struct pollfd p[MAX_WAIT_FDS];
	ws->n = 0;
	ws->translated = ws->other = 0;
	if (nfds > MAX_WAIT_FDS || (nfds && emu_read(th, ARG(0), p, nfds * sizeof(p[0])) < 0))
		return 0;
	for (uint64_t i = 0; i < nfds; i++)
		if (p[i].fd >= 0)
			wait_set_add(th, ws, p[i].fd, p[i].events);
	return ws->translated;
}

static enum verdict answer_poll(struct emu_thread *th, int64_t *result)
{
	struct wait_set ws;
	if (!read_poll_set(th, &ws))
		return NATIVE;
	int ms = (int)ARG(2);
	double left = await_set(th, &ws, ms < 0 ? -1 : ms / 1000.0);
	return wait_then_native(th, result, left == 0 ? rewrite_arg(th, 2, 0) : 0);
}

static enum verdict answer_ppoll(struct emu_thread *th, int64_t *result)
{
	struct wait_set ws;
	double timeout = read_timespec(th, ARG(2));
	if (timeout < -1 || !read_poll_set(th, &ws))
		return NATIVE;
	double left = await_set(th, &ws, timeout);
	return wait_then_native(th, result, left == 0 ? pass_timeout(th, 2, 0, 0) : 0);
}

/* select and pselect6: the three descriptor sets at ARG(1..3), ARG(0) descriptors. */
static int read_select_set(struct emu_thread *th, struct wait_set *ws)
{
	static const short bits[3] = { POLLIN, POLLOUT, POLLPRI };
	int64_t nfds = (int64_t)ARG(0);
	uint64_t words[3][MAX_WAIT_FDS / 64];
	ws->n = 0;
	ws->translated = ws->other = 0;
	if (nfds < 0 || nfds > MAX_WAIT_FDS)
		return 0;
	size_t len = ((size_t)nfds + 63) / 64 * 8;
	for (int k = 0; k < 3; k++)
		if (!ARG(1 + k))
			memset(words[k], 0, sizeof(words[k]));
		else if (emu_read(th, ARG(1 + k), words[k], len) < 0)
			return 0;
	for (int fd = 0; fd < nfds; fd++) {
		short events = 0;
		for (int k = 0; k < 3; k++)
			if (ARG(1 + k) && (words[k][fd / 64] >> (fd % 64)) & 1)
				events |= bits[k];
		if (events)
			wait_set_add(th, ws, fd, events);
	}
	return ws->translated;
}

static enum verdict answer_select(struct emu_thread *th, int64_t *result)
{
	struct wait_set ws;
	struct timeval tv;
	double timeout = -1;
	if (ARG(4)) {
		if (emu_read(th, ARG(4), &tv, sizeof(tv)) < 0 || tv.tv_sec < 0 || tv.tv_usec < 0)
			return NATIVE;
		timeout = (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
	}
	if (!read_select_set(th, &ws))
		return NATIVE;
	double left = await_set(th, &ws, timeout);
	/* Linux leaves the time not slept in the timeval: the simulated time left. */
	return wait_then_native(th, result, ARG(4) ? pass_timeout(th, 4, left, 1) : 0);
}

static enum verdict answer_pselect6(struct emu_thread *th, int64_t *result)
{
	struct wait_set ws;
	double timeout = read_timespec(th, ARG(4));
	if (timeout < -1 || !read_select_set(th, &ws))
		return NATIVE;
	double left = await_set(th, &ws, timeout);
	return wait_then_native(th, result, ARG(4) ? pass_timeout(th, 4, left, 0) : 0);
}

/* An epoll set watching a translated socket: its descriptor is readable when the kernel has events. */
static int read_epoll_set(struct emu_thread *th, struct wait_set *ws)
{
	char path[64], line[256];
	ws->n = 0;
	ws->translated = ws->other = 0;
	if (ARG(0) > INT32_MAX)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", (int)th->proc->pid, (int)ARG(0));
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	int watched;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "tfd: %d", &watched) == 1) {
			if (is_translated(th, watched))
				ws->translated = 1;
			else
				ws->other = 1;
		}
	fclose(f);
	ws->fds[0] = (int)ARG(0);
	ws->events[0] = POLLIN;
	ws->n = 1;
	return ws->translated;
}

/* epoll_wait and epoll_pwait (timeout in ms at ARG(3)); epoll_pwait2 (a timespec at ARG(3)). */
static enum verdict answer_epoll_wait(struct emu_thread *th, int64_t *result)
{
	struct wait_set ws;
	int ms = (int)ARG(3);
	if (!read_epoll_set(th, &ws))
		return NATIVE;
	double left = await_set(th, &ws, ms < 0 ? -1 : ms / 1000.0);
	return wait_then_native(th, result, left == 0 ? rewrite_arg(th, 3, 0) : 0);
}

static enum verdict answer_epoll_pwait2(struct emu_thread *th, int64_t *result)
{
	struct wait_set ws;
	double timeout = read_timespec(th, ARG(3));
	if (timeout < -1 || !read_epoll_set(th, &ws))
		return NATIVE;
	double left = await_set(th, &ws, timeout);
	return wait_then_native(th, result, left == 0 ? pass_timeout(th, 3, 0, 0) : 0);
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
	{ "writev", answer_writev, BLOCKS_ON_FD0 },
	{ "sendto", answer_sendto, MAY_BLOCK },
	{ "recvfrom", answer_recvfrom, MAY_BLOCK },
	{ "sendmsg", answer_sendmsg, MAY_BLOCK },
	{ "recvmsg", answer_recvmsg, MAY_BLOCK },
	{ "sendmmsg", warn_untranslated, MAY_BLOCK },
	{ "recvmmsg", warn_untranslated, MAY_BLOCK },
	{ "ioctl", answer_ioctl, NEVER_BLOCKS },
	{ "poll", answer_poll, MAY_BLOCK },
	{ "ppoll", answer_ppoll, MAY_BLOCK },
	{ "select", answer_select, MAY_BLOCK },
	{ "pselect6", answer_pselect6, MAY_BLOCK },
	{ "epoll_wait", answer_epoll_wait, MAY_BLOCK },
	{ "epoll_pwait", answer_epoll_wait, MAY_BLOCK },
	{ "epoll_pwait2", answer_epoll_pwait2, MAY_BLOCK },
	{ "shutdown", answer_shutdown, NEVER_BLOCKS },
	{ "close", answer_close, NEVER_BLOCKS },
	/* A lock wait (F_SETLKW) may wait for another program, as the mediated rules also say. */
	{ "fcntl", NULL, MAY_BLOCK },
	{ NULL, NULL, NEVER_BLOCKS },
};
