/*
 * reprise's copies of the programs' translated sockets (pidfd_getfd), through which it
 * asks the kernel what the program's own socket holds, and the kernel endpoints of TCP
 * connections that the kernel forgets before the programs are done with them.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/pidfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "emulate/translate.h"
#include "util/util.h"

/* 1 with ks filled (close ks->fd after) when descriptor fd of the caller's process is an IPv4 or IPv6 TCP or UDP socket; else 0. */
int ksock_open(struct emu_thread *th, uint64_t fd, struct ksock *ks)
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
	int domain = 0, type = 0, v6only = 0;
	socklen_t len = sizeof(int);
	int flags = fcntl(copy, F_GETFL);
	struct stat st;
	if (fstat(copy, &st) < 0 || getsockopt(copy, SOL_SOCKET, SO_DOMAIN, &domain, &len) < 0 ||
	    (domain != AF_INET && domain != AF_INET6) || getsockopt(copy, SOL_SOCKET, SO_TYPE, &type, &len) < 0 ||
	    (type != SOCK_STREAM && type != SOCK_DGRAM) || flags < 0 ||
	    (domain == AF_INET6 && getsockopt(copy, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, &len) < 0)) {
		close(copy);
		return 0;
	}
	ks->fd = copy;
	ks->family = domain;
	ks->v6only = v6only != 0;
	ks->stream = type == SOCK_STREAM;
	ks->nonblock = (flags & O_NONBLOCK) != 0;
	ks->ino = st.st_ino;
	return 1;
}

/* The socket's own (peer = 0) or its peer's kernel address, IPv4 or IPv4-mapped; -errno. */
int ksock_name(int fd, int peer, uint32_t *ip, uint16_t *port)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	*ip = 0;
	*port = 0;
	if ((peer ? getpeername(fd, (struct sockaddr *)&ss, &len) : getsockname(fd, (struct sockaddr *)&ss, &len)) < 0)
		return -errno;
	return parse_sockaddr(&ss, len, ip, port) < 0 ? -EAFNOSUPPORT : 0;
}

/*
 * An IPv6-only socket cannot take the host's IPv4-mapped address, and the hosts have no
 * other: it gets the wildcard and a port of the kernel's choosing, where no peer reaches it.
 */
int bind_kernel(const struct ksock *ks, uint32_t ip, uint16_t port)
{
	struct sockaddr_storage ss;
	socklen_t len = ks->v6only ? make_sockaddr(AF_INET6, INADDR_ANY, 0, &ss) : make_sockaddr(ks->family, ip, port, &ss);
	return bind(ks->fd, (struct sockaddr *)&ss, len) < 0 ? -errno : 0;
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

void connection_remember(ino_t ino, uint32_t local_ip, uint16_t local_port, uint32_t peer_ip, uint16_t peer_port)
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
int connection_forget(ino_t ino)
{
	for (size_t i = 0; i < nconnections; i++)
		if (connections[i].ino == ino) {
			connections[i] = connections[--nconnections];
			return 1;
		}
	return 0;
}

/* A connected TCP socket's own and peer kernel endpoints: 0, or -1 when it has none. */
int connection_endpoints(const struct ksock *ks, uint32_t *lip, uint16_t *lport, uint32_t *pip, uint16_t *pport)
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
/* An unbound socket takes its host's loopback address, or the kernel would give it 127.0.0.1 or the wildcard. */
int bind_if_unbound(struct emu_thread *th, const struct ksock *ks)
{
	uint32_t ip;
	uint16_t port;
	int rc = ksock_name(ks->fd, 0, &ip, &port);
	if (rc < 0 || port != 0)
		return rc;
	uint32_t own = host_loopback(th->proc->host);
	rc = own ? bind_kernel(ks, own, 0) : -EADDRNOTAVAIL;
	if (rc == 0 && ksock_name(ks->fd, 0, &ip, &port) == 0)
		naming_set(ip, port, ks->stream, ip);
	return rc;
}
short poll_now(int fd, short events)
{
	struct pollfd p = { .fd = fd, .events = events };
	return poll(&p, 1, 0) < 0 ? POLLERR : p.revents;
}

uint64_t kernel_inq(int fd)
{
	int inq = 0;
	return ioctl(fd, FIONREAD, &inq) < 0 || inq < 0 ? 0 : (uint64_t)inq;
}

/*
 * When a blocking call on the socket gives up with EAGAIN: SO_RCVTIMEO or SO_SNDTIMEO
 * (option) from now, in simulated time; -1 for never.
 */
double ksock_deadline(const struct ksock *ks, int option)
{
	struct timeval tv;
	socklen_t len = sizeof(tv);
	if (getsockopt(ks->fd, SOL_SOCKET, option, &tv, &len) < 0 || (tv.tv_sec == 0 && tv.tv_usec == 0))
		return -1;
	return emu_clock() + (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}


int is_translated(struct emu_thread *th, int fd)
{
	struct ksock ks;
	if (fd < 0 || !ksock_open(th, (uint64_t)fd, &ks))
		return 0;
	close(ks.fd);
	return 1;
}

void connections_free(void)
{
	free(connections);
	connections = NULL;
	nconnections = connections_cap = 0;
}
