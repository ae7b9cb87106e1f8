/*
 * The socket calls of mediated descriptors, decoded from the program's registers and
 * memory and answered by the mediated network (net.c). Calls on other descriptors run
 * in the kernel. A mediated descriptor is a real, unused AF_INET socket in the program,
 * so numbering, dup, fork inheritance and close-on-exec remain the kernel's.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <unistd.h>

#include "arch/arch.h"
#include "emulate/calls.h"
#include "emulate/fdtable.h"
#include "emulate/net.h"
#include "emulate/sockargs.h"
#include "util/util.h"

#define ARG(i) (th->t->args[i])
/* socket()'s exit hook: the type and flags, and this bit for AF_INET6. */
#define SOCKET_HOOK_INET6 (1ull << 32)

static struct sock *sock_at(struct emu_thread *th, uint64_t fd)
{
	return fd > INT32_MAX ? NULL : fdtable_get(th->proc->fds, (int)fd);
}

/* Fills a (struct sockaddr *, socklen_t *) pair as the kernel does: truncated, true length. */
static int write_sockaddr(struct emu_thread *th, uint64_t addr, uint64_t lenp, int family, const struct in6_addr *a,
			  uint16_t port)
{
	struct sockaddr_storage ss;
	socklen_t full = fill_sockaddr(&ss, family, a, port);
	return write_sockaddr_pair(th, addr, lenp, &ss, full);
}

static void register_socket(struct emu_thread *th, int64_t ret)
{
	if (ret < 0)
		return;
	int type = (int)th->hook_arg & 0xf;
	int family = th->hook_arg & SOCKET_HOOK_INET6 ? AF_INET6 : AF_INET;
	struct sock *s = sock_new(th->proc->host, family, type == SOCK_DGRAM, (th->hook_arg & SOCK_NONBLOCK) != 0);
	fdtable_set(th->proc->fds, (int)ret, s);
	sock_unref(s);
}

static enum verdict answer_socket(struct emu_thread *th, int64_t *result)
{
	(void)result;
	int domain = (int)ARG(0), type = (int)ARG(1) & 0xf, protocol = (int)ARG(2);
	int tcp = type == SOCK_STREAM && (protocol == 0 || protocol == IPPROTO_TCP);
	int udp = type == SOCK_DGRAM && (protocol == 0 || protocol == IPPROTO_UDP);
	if ((domain == AF_INET || domain == AF_INET6) && (tcp || udp)) {
		th->exit_hook = register_socket;
		th->hook_arg = (uint32_t)ARG(1) | (domain == AF_INET6 ? SOCKET_HOOK_INET6 : 0);
	} else if ((domain == AF_INET || domain == AF_INET6) && (type == SOCK_STREAM || type == SOCK_DGRAM)) {
		emu_warn_once(th->t->nr, "only TCP and UDP are mediated; this socket uses the real network");
	}
	return NATIVE;
}

static enum verdict answer_bind(struct emu_thread *th, int64_t *result)
{
	struct sock *s = sock_at(th, ARG(0));
	if (!s)
		return NATIVE;
	struct in6_addr addr;
	uint16_t port;
	int rc = read_sockaddr(th, sock_family(s), 0, ARG(1), ARG(2), &addr, &port);
	*result = rc < 0 ? rc : sock_bind(s, &addr, port);
	return ANSWERED;
}

static enum verdict answer_listen(struct emu_thread *th, int64_t *result)
{
	struct sock *s = sock_at(th, ARG(0));
	if (!s)
		return NATIVE;
	*result = sock_listen(s, (int)ARG(1));
	return ANSWERED;
}

static enum verdict answer_connect(struct emu_thread *th, int64_t *result)
{
	struct sock *s = sock_at(th, ARG(0));
	if (!s)
		return NATIVE;
	struct in6_addr addr;
	uint16_t port;
	int rc = read_sockaddr(th, sock_family(s), 0, ARG(1), ARG(2), &addr, &port);
	*result = rc < 0 ? rc : emu_interrupted_answer(th, sock_connect(th, s, &addr, port));
	return ANSWERED;
}

/* accept ran as socket(): the new placeholder descriptor now stands for the accepted connection. */
static void finish_accept(struct emu_thread *th, int64_t ret)
{
	struct sock *conn = (struct sock *)(uintptr_t)th->hook_arg;
	if (ret >= 0) {
		sock_set_nonblock(conn, th->t->nr == (uint32_t)arch_syscall_nr(arch_native(), "accept4") &&
						(th->t->args[3] & SOCK_NONBLOCK));
		fdtable_set(th->proc->fds, (int)ret, conn);
		struct in6_addr addr;
		uint16_t port;
		if (sock_address(conn, 1, &addr, &port) == 0 &&
		    write_sockaddr(th, th->t->args[1], th->t->args[2], sock_family(conn), &addr, port) < 0)
			tracer_set_return(th->t, -EFAULT);
	}
	sock_unref(conn);
}

static enum verdict answer_accept(struct emu_thread *th, int64_t *result)
{
	struct sock *s = sock_at(th, ARG(0));
	if (!s)
		return NATIVE;
	int accept4 = th->t->nr == (uint32_t)arch_syscall_nr(arch_native(), "accept4");
	int flags = accept4 ? (int)ARG(3) : 0;
	if (flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC)) {
		*result = -EINVAL;
		return ANSWERED;
	}
	struct sock *conn;
	int rc = sock_accept(th, s, 0, &conn);
	if (rc < 0) {
		*result = emu_interrupted_answer(th, rc);
		return ANSWERED;
	}
	/* The kernel makes the new descriptor: the call becomes socket() for a placeholder. */
	uint64_t args[6] = { (uint64_t)sock_family(s), SOCK_STREAM | (uint64_t)flags, 0, 0, 0, 0 };
	if (tracer_rewrite(th->t, (uint32_t)arch_syscall_nr(arch_native(), "socket"), args) < 0) {
		sock_unref(conn);
		*result = -ENOMEM;
		return ANSWERED;
	}
	th->exit_hook = finish_accept;
	th->hook_arg = (uint64_t)(uintptr_t)conn;
	return NATIVE;
}

static enum verdict answer_address(struct emu_thread *th, int64_t *result, int peer)
{
	struct sock *s = sock_at(th, ARG(0));
	if (!s)
		return NATIVE;
	struct in6_addr addr;
	uint16_t port;
	int rc = sock_address(s, peer, &addr, &port);
	*result = rc < 0 ? rc : write_sockaddr(th, ARG(1), ARG(2), sock_family(s), &addr, port);
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

static enum verdict answer_shutdown(struct emu_thread *th, int64_t *result)
{
	struct sock *s = sock_at(th, ARG(0));
	if (!s)
		return NATIVE;
	*result = sock_shutdown(s, (int)ARG(1));
	return ANSWERED;
}

static int read_int_option(struct emu_thread *th, uint64_t addr, uint64_t len, int *value)
{
	if (len < sizeof(*value))
		return -EINVAL;
	return emu_read(th, addr, value, sizeof(*value)) < 0 ? -EFAULT : 0;
}

/*
 * SO_RCVTIMEO and SO_SNDTIMEO: a struct timeval, or the same 64-bit pair for the _NEW
 * names. As Linux: a negative time means none, microseconds out of range are EDOM.
 */
static int set_timeout(struct emu_thread *th, struct sock *s, int sending, uint64_t addr, uint64_t len)
{
	struct timeval tv;
	if (len < sizeof(tv))
		return -EINVAL;
	if (emu_read(th, addr, &tv, sizeof(tv)) < 0)
		return -EFAULT;
	if (tv.tv_usec < 0 || tv.tv_usec >= 1000000)
		return -EDOM;
	sock_set_timeout(s, sending, tv.tv_sec < 0 ? 0 : (double)tv.tv_sec + (double)tv.tv_usec / 1e6);
	return 0;
}

/* Options that shape the simulated network are applied; the rest are kept for getsockopt. */
static int64_t set_option(struct emu_thread *th, struct sock *s, int level, int name, uint64_t addr, uint64_t len)
{
	int value = 0;
	if (level == SOL_SOCKET && name == SO_LINGER) {
		struct linger lg;
		if (len < sizeof(lg))
			return -EINVAL;
		if (emu_read(th, addr, &lg, sizeof(lg)) < 0)
			return -EFAULT;
		if (lg.l_onoff && lg.l_linger > 0)
			emu_warn_once(th->t->nr, "SO_LINGER with a timeout: close does not wait for the bytes to be sent");
		sock_set_linger(s, lg.l_onoff != 0, lg.l_linger);
		return 0;
	}
	if (level == IPPROTO_IPV6 && sock_family(s) == AF_INET)
		return -ENOPROTOOPT;
	if (level == IPPROTO_IPV6 && name == IPV6_V6ONLY) {
		int rc = read_int_option(th, addr, len, &value);
		return rc < 0 ? rc : sock_set_v6only(s, value != 0);
	}
	if (level == SOL_SOCKET && (name == SO_SNDBUF || name == SO_RCVBUF))
		emu_warn_once(th->t->nr, "SO_SNDBUF and SO_RCVBUF are not applied; every connection has a 4 MiB window");
	if (level == SOL_SOCKET && (name == SO_RCVTIMEO_OLD || name == SO_SNDTIMEO_OLD || name == SO_RCVTIMEO_NEW ||
				    name == SO_SNDTIMEO_NEW)) {
		int rc = set_timeout(th, s, name == SO_SNDTIMEO_OLD || name == SO_SNDTIMEO_NEW, addr, len);
		if (rc < 0)
			return rc;
	}
	uint8_t buf[NET_OPTION_MAX];
	size_t n = len < sizeof(buf) ? (size_t)len : sizeof(buf);
	if (emu_read(th, addr, buf, n) < 0)
		return -EFAULT;
	sock_option_set(s, level, name, buf, n);
	return 0;
}

static enum verdict answer_setsockopt(struct emu_thread *th, int64_t *result)
{
	struct sock *s = sock_at(th, ARG(0));
	if (!s)
		return NATIVE;
	*result = set_option(th, s, (int)ARG(1), (int)ARG(2), ARG(3), ARG(4));
	return ANSWERED;
}

/* getsockopt's (value, length) pair: the value truncated to the caller's length, which becomes the value's. */
static int64_t put_option(struct emu_thread *th, const void *value, socklen_t len)
{
	socklen_t room;
	if (emu_read(th, ARG(4), &room, sizeof(room)) < 0)
		return -EFAULT;
	if ((int)room < 0)
		return -EINVAL;
	socklen_t n = room < len ? room : len;
	if (emu_write(th, ARG(3), value, n) < 0 || emu_write(th, ARG(4), &n, sizeof(n)) < 0)
		return -EFAULT;
	return 0;
}

static int64_t tcp_info_option(struct emu_thread *th, const struct sock *s)
{
	struct sock_stats st;
	sock_stats(s, &st);
	struct tcp_info ti;
	memset(&ti, 0, sizeof(ti));
	ti.tcpi_state = (uint8_t)st.state;
	ti.tcpi_snd_mss = ti.tcpi_rcv_mss = ti.tcpi_advmss = NET_MSS;
	/* The MSS plus IPv4 and TCP headers with timestamps: Ethernet's 1500. */
	ti.tcpi_pmtu = NET_MSS + 20 + 20 + 12;
	ti.tcpi_rtt = (uint32_t)(st.rtt * 1e6);
	ti.tcpi_unacked = (uint32_t)((st.unacked + NET_MSS - 1) / NET_MSS);
	ti.tcpi_snd_cwnd = NET_WINDOW / NET_MSS;
	ti.tcpi_snd_ssthresh = ti.tcpi_rcv_ssthresh = NET_WINDOW;
	ti.tcpi_rcv_space = NET_WINDOW;
	return put_option(th, &ti, sizeof(ti));
}

/* An option the stack answers, or 1 when getsockopt should ask the placeholder socket. */
static int64_t get_option(struct emu_thread *th, struct sock *s, int level, int name)
{
	int value;
	size_t len;
	const void *kept = sock_option_get(s, level, name, &len);
	if (level == SOL_SOCKET) {
		struct linger lg;
		struct sock_stats st;
		switch (name) {
		case SO_ERROR:
			value = sock_take_error(s);
			return put_option(th, &value, sizeof(value));
		case SO_LINGER:
			sock_linger(s, &lg.l_onoff, &lg.l_linger);
			return put_option(th, &lg, sizeof(lg));
		case SO_SNDBUF:
		case SO_RCVBUF:
			value = NET_WINDOW;
			return put_option(th, &value, sizeof(value));
		case SO_ACCEPTCONN:
			sock_stats(s, &st);
			value = st.state == TCP_LISTEN;
			return put_option(th, &value, sizeof(value));
		case SO_TYPE:
		case SO_DOMAIN:
		case SO_PROTOCOL:
			/* The placeholder was made with the same family, type and protocol. */
			return 1;
		}
	} else if (level == IPPROTO_IPV6 && sock_family(s) == AF_INET6 && name == IPV6_V6ONLY) {
		value = sock_v6only(s);
		return put_option(th, &value, sizeof(value));
	} else if (level == IPPROTO_TCP && !sock_is_datagram(s) && name == TCP_MAXSEG && !kept) {
		value = NET_MSS;
		return put_option(th, &value, sizeof(value));
	} else if (level == IPPROTO_TCP && !sock_is_datagram(s) && name == TCP_INFO) {
		return tcp_info_option(th, s);
	}
	if (kept)
		return put_option(th, kept, (socklen_t)len);
	emu_warn_once(th->t->nr, "this option is not simulated; its value comes from an unused local socket");
	return 1;
}

static enum verdict answer_getsockopt(struct emu_thread *th, int64_t *result)
{
	struct sock *s = sock_at(th, ARG(0));
	if (!s)
		return NATIVE;
	int64_t rc = get_option(th, s, (int)ARG(1), (int)ARG(2));
	if (rc == 1)
		return NATIVE;
	*result = rc;
	return ANSWERED;
}

/* A destination or source address; has = 0 when the call names none. */
struct endpoint {
	int has;
	struct in6_addr addr;
	uint16_t port;
};

static const struct endpoint NO_ENDPOINT = { 0, IN6ADDR_ANY_INIT, 0 };

/* Data moved by the write family, from the program's buffers, to the connected peer or to `to`. */
static int64_t send_bytes(struct emu_thread *th, struct sock *s, const void *buf, size_t len, int flags, struct endpoint to)
{
	if (sock_is_datagram(s))
		return emu_interrupted_answer(th, sock_send_datagram(th, s, buf, len, flags & MSG_DONTWAIT,
								     to.has ? &to.addr : NULL, to.has ? &to.port : NULL));
	if (to.has)
		return -EISCONN;
	int broken;
	int64_t n = sock_send(th, s, buf, len, flags & MSG_DONTWAIT, &broken);
	if (broken && !(flags & MSG_NOSIGNAL))
		syscall(SYS_tgkill, th->proc->pid, th->tid, SIGPIPE);
	return emu_interrupted_answer(th, n);
}

static int64_t gather(struct emu_thread *th, uint64_t iov_addr, uint64_t iovcnt, uint8_t **out)
{
	struct program_iov pi;
	int rc = program_iov_read(th, &pi, iov_addr, iovcnt);
	if (rc < 0)
		return rc;
	uint8_t *buf = rp_malloc(pi.total ? pi.total : 1);
	if (program_iov_copy(th, &pi, buf, pi.total, 0) < 0) {
		free(buf);
		return -EFAULT;
	}
	*out = buf;
	return (int64_t)pi.total;
}

static int scatter(struct emu_thread *th, uint64_t iov_addr, uint64_t iovcnt, uint8_t *buf, size_t len)
{
	struct program_iov pi;
	return program_iov_read(th, &pi, iov_addr, iovcnt) < 0 || program_iov_copy(th, &pi, buf, len, 1) < 0 ? -EFAULT : 0;
}

static size_t iov_capacity(struct emu_thread *th, uint64_t iov_addr, uint64_t iovcnt)
{
	struct program_iov pi;
	return program_iov_read(th, &pi, iov_addr, iovcnt) < 0 ? 0 : pi.total;
}

/*
 * The read family: into buf, with where the bytes came from. For a datagram the result
 * is the bytes stored, or with MSG_TRUNC the message's full length; *truncated tells.
 */
static int64_t recv_bytes(struct emu_thread *th, struct sock *s, void *buf, size_t len, int flags, struct endpoint *from,
			  int *truncated)
{
	*truncated = 0;
	if (!sock_is_datagram(s)) {
		int64_t rc = sock_recv(th, s, buf, len, flags & MSG_DONTWAIT, flags & MSG_PEEK);
		from->has = sock_address(s, 1, &from->addr, &from->port) == 0;
		return emu_interrupted_answer(th, rc);
	}
	int64_t full = sock_recv_datagram(th, s, buf, len, flags & MSG_DONTWAIT, flags & MSG_PEEK, &from->addr, &from->port);
	if (full < 0)
		return emu_interrupted_answer(th, full);
	from->has = 1;
	*truncated = (size_t)full > len;
	return *truncated && !(flags & MSG_TRUNC) ? (int64_t)len : full;
}

static int64_t send_from(struct emu_thread *th, struct sock *s, uint64_t addr, uint64_t len, int flags, struct endpoint to)
{
	size_t n = len < SOCKARGS_MAX_IO ? (size_t)len : SOCKARGS_MAX_IO;
	uint8_t *buf = rp_malloc(n ? n : 1);
	int64_t rc = emu_read(th, addr, buf, n) < 0 ? -EFAULT : send_bytes(th, s, buf, n, flags, to);
	free(buf);
	return rc;
}

static int64_t recv_into(struct emu_thread *th, struct sock *s, uint64_t addr, uint64_t len, int flags, struct endpoint *from)
{
	size_t n = len < SOCKARGS_MAX_IO ? (size_t)len : SOCKARGS_MAX_IO;
	uint8_t *buf = rp_malloc(n ? n : 1);
	int truncated;
	int64_t rc = recv_bytes(th, s, buf, n, flags, from, &truncated);
	size_t stored = rc > 0 ? ((size_t)rc < n ? (size_t)rc : n) : 0;
	if (stored && emu_write(th, addr, buf, stored) < 0)
		rc = -EFAULT;
	free(buf);
	return rc;
}

static int64_t vector_send(struct emu_thread *th, struct sock *s, uint64_t iov, uint64_t cnt, int flags, struct endpoint to)
{
	uint8_t *buf;
	int64_t len = gather(th, iov, cnt, &buf);
	if (len < 0)
		return len;
	int64_t rc = send_bytes(th, s, buf, (size_t)len, flags, to);
	free(buf);
	return rc;
}

static int64_t vector_recv(struct emu_thread *th, struct sock *s, uint64_t iov, uint64_t cnt, int flags,
			   struct endpoint *from, int *truncated)
{
	size_t cap = iov_capacity(th, iov, cnt);
	uint8_t *buf = rp_malloc(cap ? cap : 1);
	int64_t rc = recv_bytes(th, s, buf, cap, flags, from, truncated);
	size_t stored = rc > 0 ? ((size_t)rc < cap ? (size_t)rc : cap) : 0;
	if (stored && scatter(th, iov, cnt, buf, stored) < 0)
		rc = -EFAULT;
	free(buf);
	return rc;
}

static int64_t send_message(struct emu_thread *th, struct sock *s)
{
	struct msghdr mh;
	if (emu_read(th, ARG(1), &mh, sizeof(mh)) < 0)
		return -EFAULT;
	struct endpoint to = NO_ENDPOINT;
	int rc = mh.msg_name ? read_sockaddr(th, sock_family(s), 0, (uint64_t)(uintptr_t)mh.msg_name, mh.msg_namelen, &to.addr, &to.port) : 0;
	to.has = mh.msg_name != NULL;
	return rc < 0 ? rc : vector_send(th, s, (uint64_t)(uintptr_t)mh.msg_iov, mh.msg_iovlen, (int)ARG(2), to);
}

static int64_t receive_message(struct emu_thread *th, struct sock *s)
{
	struct msghdr mh;
	if (emu_read(th, ARG(1), &mh, sizeof(mh)) < 0)
		return -EFAULT;
	struct endpoint from;
	int truncated;
	int64_t rc = vector_recv(th, s, (uint64_t)(uintptr_t)mh.msg_iov, mh.msg_iovlen, (int)ARG(2), &from, &truncated);
	if (rc < 0)
		return rc;
	struct sockaddr_storage ss;
	socklen_t full = fill_sockaddr(&ss, sock_family(s), &from.addr, from.port);
	socklen_t namelen = mh.msg_name ? (mh.msg_namelen < full ? mh.msg_namelen : full) : 0;
	if (namelen && emu_write(th, (uint64_t)(uintptr_t)mh.msg_name, &ss, namelen) < 0)
		rc = -EFAULT;
	mh.msg_namelen = mh.msg_name ? full : 0;
	mh.msg_controllen = 0;
	mh.msg_flags = truncated ? MSG_TRUNC : 0;
	if (emu_write(th, ARG(1), &mh, sizeof(mh)) < 0)
		rc = -EFAULT;
	return rc;
}

/* read, write, readv, writev, recvfrom, sendto, recvmsg and sendmsg on a mediated socket. */
static int64_t transfer(struct emu_thread *th, struct sock *s, const struct transfer_call *c)
{
	if (c->buffers == MESSAGE)
		return c->sends ? send_message(th, s) : receive_message(th, s);
	int flags = c->addressed ? (int)ARG(3) : 0;
	uint64_t name = c->addressed ? ARG(4) : 0;
	if (c->sends) {
		struct endpoint to = NO_ENDPOINT;
		int rc = name ? read_sockaddr(th, sock_family(s), 0, name, ARG(5), &to.addr, &to.port) : 0;
		if (rc < 0)
			return rc;
		to.has = name != 0;
		return c->buffers == IO_VECTOR ? vector_send(th, s, ARG(1), ARG(2), flags, to)
					       : send_from(th, s, ARG(1), ARG(2), flags, to);
	}
	struct endpoint from;
	int truncated;
	int64_t rc = c->buffers == IO_VECTOR ? vector_recv(th, s, ARG(1), ARG(2), flags, &from, &truncated)
					      : recv_into(th, s, ARG(1), ARG(2), flags, &from);
	if (rc >= 0 && name && from.has && write_sockaddr(th, name, ARG(5), sock_family(s), &from.addr, from.port) < 0)
		rc = -EFAULT;
	return rc;
}

static enum verdict answer_transfer(struct emu_thread *th, int64_t *result)
{
	const struct transfer_call *c = transfer_call_of(th);
	struct sock *s = c ? sock_at(th, ARG(0)) : NULL;
	if (!s)
		return NATIVE;
	*result = transfer(th, s, c);
	return ANSWERED;
}

static void forget_fd(struct emu_thread *th, int64_t ret)
{
	if (ret == 0)
		fdtable_clear(th->proc->fds, (int)th->hook_arg);
}

static enum verdict answer_close(struct emu_thread *th, int64_t *result)
{
	(void)result;
	if (sock_at(th, ARG(0)) || (ARG(0) <= INT32_MAX && fdtable_has_watches(th->proc->fds, (int)ARG(0)))) {
		th->exit_hook = forget_fd;
		th->hook_arg = ARG(0);
	}
	return NATIVE;
}

/* The new descriptor names what the old one named: a mediated socket, or nothing reprise follows. */
static void copy_fd(struct emu_thread *th, int64_t ret)
{
	if (ret < 0)
		return;
	struct sock *s = sock_at(th, th->hook_arg);
	if (s)
		fdtable_set(th->proc->fds, (int)ret, s);
	else
		fdtable_clear(th->proc->fds, (int)ret);
}

static enum verdict answer_dup(struct emu_thread *th, int64_t *result)
{
	(void)result;
	th->exit_hook = copy_fd;
	th->hook_arg = ARG(0);
	return NATIVE;
}

static void follow_setfl(struct emu_thread *th, int64_t ret)
{
	struct sock *s = sock_at(th, th->t->args[0]);
	if (ret == 0 && s)
		sock_set_nonblock(s, (th->hook_arg & O_NONBLOCK) != 0);
}

static enum verdict answer_fcntl(struct emu_thread *th, int64_t *result)
{
	(void)result;
	if (!sock_at(th, ARG(0)))
		return NATIVE;
	if (ARG(1) == F_DUPFD || ARG(1) == F_DUPFD_CLOEXEC) {
		th->exit_hook = copy_fd;
		th->hook_arg = ARG(0);
	} else if (ARG(1) == F_SETFL) {
		th->exit_hook = follow_setfl;
		th->hook_arg = ARG(2);
	}
	return NATIVE;
}

static enum verdict answer_ioctl(struct emu_thread *th, int64_t *result)
{
	struct sock *s = sock_at(th, ARG(0));
	if (!s)
		return NATIVE;
	if (ARG(1) == FIONREAD) {
		int n = (int)sock_readable(s);
		*result = emu_write(th, ARG(2), &n, sizeof(n)) < 0 ? -EFAULT : 0;
		return ANSWERED;
	}
	if (ARG(1) == FIONBIO) {
		int on;
		if (emu_read(th, ARG(2), &on, sizeof(on)) < 0) {
			*result = -EFAULT;
			return ANSWERED;
		}
		sock_set_nonblock(s, on != 0);
	}
	return NATIVE;
}

const struct call_rule net_rules[] = {
	{ "socket", answer_socket, NEVER_BLOCKS },
	{ "bind", answer_bind, NEVER_BLOCKS },
	{ "listen", answer_listen, NEVER_BLOCKS },
	{ "connect", answer_connect, MAY_BLOCK },
	{ "accept", answer_accept, MAY_BLOCK },
	{ "accept4", answer_accept, MAY_BLOCK },
	{ "getsockname", answer_getsockname, NEVER_BLOCKS },
	{ "getpeername", answer_getpeername, NEVER_BLOCKS },
	{ "shutdown", answer_shutdown, NEVER_BLOCKS },
	{ "setsockopt", answer_setsockopt, NEVER_BLOCKS },
	{ "getsockopt", answer_getsockopt, NEVER_BLOCKS },
	{ "read", answer_transfer, BLOCKS_ON_FD0 },
	{ "write", answer_transfer, BLOCKS_ON_FD0 },
	{ "readv", answer_transfer, BLOCKS_ON_FD0 },
	{ "writev", answer_transfer, BLOCKS_ON_FD0 },
	{ "sendto", answer_transfer, MAY_BLOCK },
	{ "recvfrom", answer_transfer, MAY_BLOCK },
	{ "sendmsg", answer_transfer, MAY_BLOCK },
	{ "recvmsg", answer_transfer, MAY_BLOCK },
	{ "close", answer_close, NEVER_BLOCKS },
	{ "dup", answer_dup, NEVER_BLOCKS },
	{ "dup2", answer_dup, NEVER_BLOCKS },
	{ "dup3", answer_dup, NEVER_BLOCKS },
	{ "fcntl", answer_fcntl, MAY_BLOCK },
	{ "ioctl", answer_ioctl, NEVER_BLOCKS },
	{ NULL, NULL, NEVER_BLOCKS },
};
