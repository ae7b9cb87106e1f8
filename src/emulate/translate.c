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
 *
 * This file holds the call rules: it decodes the programs' arguments and leaves the
 * rest to the files translate.h names.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <simgrid/host.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "arch/arch.h"
#include "emulate/calls.h"
#include "emulate/fdtable.h"
#include "emulate/net.h"
#include "emulate/sockargs.h"
#include "emulate/translate.h"
#include "util/util.h"

#define ARG(i) (th->t->args[i])
/* Scratch memory for a translated address or timeout goes this far below the stack pointer (the x86-64 red zone is 128 bytes). */
#define SCRATCH_BELOW_SP 1024
/* Ancillary data passed through for sendmsg and recvmsg, at most. */
#define MAX_CONTROL 65536u
/* accept's hook_arg: the call returns a peer's address, to be made virtual; an IPv6 socket's. */
#define SHOW_NAME 1u
#define SHOW_IPV6 2u

static int write_sockaddr(struct emu_thread *th, int family, uint64_t addr, uint64_t lenp, uint32_t ip, uint16_t port)
{
	struct sockaddr_storage ss;
	socklen_t len = make_sockaddr(family, ip, port, &ss);
	return write_sockaddr_pair(th, addr, lenp, &ss, len);
}

/* The kernel's address at addr (a buffer known to hold one of the socket's family) is made virtual. */
static void show_virtual(struct emu_thread *th, int family, uint64_t addr, socklen_t written)
{
	struct sockaddr_storage ss;
	uint32_t ip;
	uint16_t port;
	socklen_t len = make_sockaddr(family, 0, 0, &ss);
	if (!addr || written < len || emu_read(th, addr, &ss, len) < 0 || parse_sockaddr(&ss, len, &ip, &port) < 0)
		return;
	len = make_sockaddr(family, virtual_address(ip), port, &ss);
	if (emu_write(th, addr, &ss, len) < 0)
		tracer_set_return(th->t, -EFAULT);
}

/* Whether the program's address buffer (its length at lenp) holds a whole address of the family, which translating needs. */
static int name_buffer_fits(struct emu_thread *th, int family, uint64_t addr, uint64_t lenp)
{
	struct sockaddr_storage ss;
	socklen_t len, needed = make_sockaddr(family, 0, 0, &ss);
	if (!addr || !lenp || emu_read(th, lenp, &len, sizeof(len)) < 0)
		return 0;
	if (len < needed)
		emu_warn_once(th->t->nr, "an address buffer shorter than the socket's address gets the loopback address, not the virtual one");
	return len >= needed;
}

/*
 * Every call let through on a translated socket is followed to its exit. The driver
 * announces the change there (announced at the entry, a change another program waits
 * for — bytes, a connection, an end of stream — would not have happened yet when it
 * looked), and stops looking at the thread as one that may be waiting in the kernel,
 * which would count the program's computing after the call as simulated waiting. The
 * driver does both for any exit hook, so this one has nothing more to do.
 */
static void announce_at_exit(struct emu_thread *th, int64_t ret)
{
	(void)th;
	(void)ret;
}

void follow_to_exit(struct emu_thread *th)
{
	if (!th->exit_hook)
		th->exit_hook = announce_at_exit;
}

/* The call runs with argument i replaced; the tracer puts the program's registers back at its exit. */
int rewrite_arg(struct emu_thread *th, int i, uint64_t value)
{
	uint64_t args[6];
	memcpy(args, th->t->args, sizeof(args));
	args[i] = value;
	return tracer_rewrite(th->t, th->t->nr, args);
}

uint64_t scratch(struct emu_thread *th, size_t len)
{
	return (th->t->sp - SCRATCH_BELOW_SP - len) & ~(uint64_t)15;
}

/* The call runs with its address argument i (its length at i + 1) naming ip:port (kernel) instead; -errno. */
static int pass_address(struct emu_thread *th, int family, int i, uint32_t ip, uint16_t port)
{
	struct sockaddr_storage ss;
	socklen_t len = make_sockaddr(family, ip, port, &ss);
	uint64_t at = scratch(th, len);
	if (emu_write(th, at, &ss, len) < 0)
		return -EFAULT;
	uint64_t args[6];
	memcpy(args, th->t->args, sizeof(args));
	args[i] = at;
	args[i + 1] = len;
	return tracer_rewrite(th->t, th->t->nr, args) < 0 ? -ENOMEM : 0;
}

/* The family of the address a program passes (len bytes at addr), or -errno. */
static int read_family(struct emu_thread *th, uint64_t addr, uint64_t len)
{
	sa_family_t family;
	if (len < sizeof(family))
		return -EINVAL;
	return emu_read(th, addr, &family, sizeof(family)) < 0 ? -EFAULT : family;
}

/*
 * A destination a program names for the socket, in kernel terms: 0, or -errno
 * (ENETUNREACH outside the platform, and for an IPv6 address or an IPv6-only socket: the
 * hosts have IPv4 addresses only).
 */
static int read_destination(struct emu_thread *th, const struct ksock *ks, uint64_t addr, uint64_t len, uint32_t *ip,
			    uint16_t *port)
{
	uint32_t named;
	int kind = read_program_address(th, ks->family, ks->family == AF_INET6 && !ks->stream, addr, len, &named, port);
	if (kind < 0)
		return kind;
	*ip = kind == ADDRESS_IPV4 && !ks->v6only ? kernel_address(th->proc->host, named) : 0;
	return *ip ? 0 : -ENETUNREACH;
}

/* Receives into the program's buffers pi: the count (a datagram's full length with MSG_TRUNC) or -errno. */
static int64_t receive_into(struct emu_thread *th, const struct ksock *ks, const struct program_iov *pi, int flags,
			    void *control, size_t controlcap, struct reception *r)
{
	uint8_t *buf = rp_malloc(pi->total ? pi->total : 1);
	int64_t n = receive(ks, buf, pi->total, flags, control, controlcap, r);
	size_t stored = n > 0 ? ((size_t)n < pi->total ? (size_t)n : pi->total) : 0;
	if (stored && program_iov_copy(th, pi, buf, stored, 1) < 0)
		n = -EFAULT;
	free(buf);
	return n;
}

/* The source of a reception, as the program sees it: at (name_at, namelen_at) as the kernel would write it; 0 or -EFAULT. */
static int show_source(struct emu_thread *th, const struct ksock *ks, const struct reception *r, uint64_t name_at,
		       uint64_t namelen_at)
{
	uint32_t ip;
	uint16_t port;
	if (parse_sockaddr(&r->from, r->fromlen, &ip, &port) < 0)
		return write_sockaddr_pair(th, name_at, namelen_at, &r->from, r->fromlen);
	return write_sockaddr(th, ks->family, name_at, namelen_at, virtual_address(ip), port);
}

/* read, readv and recvfrom: a source goes to (name_at, namelen_at) as the kernel would write it. */
static int64_t answer_receive(struct emu_thread *th, const struct ksock *ks, const struct program_iov *pi, int flags,
			      uint64_t name_at, uint64_t namelen_at)
{
	struct reception r;
	int64_t n = receive_into(th, ks, pi, flags, NULL, 0, &r);
	if (n >= 0 && name_at) {
		socklen_t none = 0;
		if (!r.fromlen)
			n = emu_write(th, namelen_at, &none, sizeof(none)) < 0 ? -EFAULT : n;
		else if (show_source(th, ks, &r, name_at, namelen_at) < 0)
			n = -EFAULT;
	}
	return n;
}

/* The msghdr of recvmsg or sendmsg (at ARG(1)) and the buffers it names: 0 or -errno. */
static int read_message(struct emu_thread *th, struct msghdr *mh, struct program_iov *pi)
{
	if (emu_read(th, ARG(1), mh, sizeof(*mh)) < 0)
		return -EFAULT;
	return program_iov_read(th, pi, (uint64_t)(uintptr_t)mh->msg_iov, mh->msg_iovlen);
}

/* recvmsg: its msghdr gets the source, the ancillary data the kernel gave, and the flags. */
static int64_t receive_message(struct emu_thread *th, const struct ksock *ks, int flags)
{
	struct msghdr mh;
	struct program_iov pi;
	int rc = read_message(th, &mh, &pi);
	if (rc < 0)
		return rc;
	size_t controlcap = mh.msg_control ? (mh.msg_controllen < MAX_CONTROL ? mh.msg_controllen : MAX_CONTROL) : 0;
	uint8_t *control = rp_malloc(controlcap ? controlcap : 1);
	struct reception r;
	int64_t n = receive_into(th, ks, &pi, flags, control, controlcap, &r);
	if (n >= 0) {
		struct sockaddr_storage from = r.from;
		uint32_t ip;
		uint16_t port;
		if (parse_sockaddr(&r.from, r.fromlen, &ip, &port) == 0)
			r.fromlen = make_sockaddr(ks->family, virtual_address(ip), port, &from);
		socklen_t namelen = mh.msg_name && r.fromlen ? (mh.msg_namelen < r.fromlen ? mh.msg_namelen : r.fromlen) : 0;
		if ((namelen && emu_write(th, (uint64_t)(uintptr_t)mh.msg_name, &from, namelen) < 0) ||
		    (r.controllen && emu_write(th, (uint64_t)(uintptr_t)mh.msg_control, control, r.controllen) < 0))
			n = -EFAULT;
		mh.msg_namelen = mh.msg_name ? r.fromlen : 0;
		mh.msg_controllen = r.controllen;
		mh.msg_flags = r.msg_flags;
		if (emu_write(th, ARG(1), &mh, sizeof(mh)) < 0)
			n = -EFAULT;
	}
	free(control);
	return n;
}

/*
 * The bytes go from the program's buffers pi into the kernel's socket; a datagram's
 * destination, when the call names one, is at (to, tolen).
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
		int rc = read_destination(th, ks, to, tolen, &dest.ip, &dest.port);
		if (rc < 0)
			return rc;
		dest.has = 1;
	}
	uint8_t *buf = rp_malloc(pi->total ? pi->total : 1);
	int64_t n = program_iov_copy(th, pi, buf, pi->total, 0) < 0 ? -EFAULT
								  : transmit(th, ks, buf, pi->total, flags, &dest, control, controllen);
	free(buf);
	return n;
}

/* sendmsg: its msghdr names the buffers, the destination and the ancillary data. */
static int64_t send_message(struct emu_thread *th, const struct ksock *ks, int flags)
{
	struct msghdr mh;
	struct program_iov pi;
	int rc = read_message(th, &mh, &pi);
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

static int64_t transfer(struct emu_thread *th, const struct ksock *ks, const struct transfer_call *c)
{
	if (c->buffers == MESSAGE)
		return c->sends ? send_message(th, ks, (int)ARG(2)) : receive_message(th, ks, (int)ARG(2));
	struct program_iov pi;
	if (c->buffers == ONE_BUFFER)
		program_iov_single(&pi, ARG(1), ARG(2));
	else {
		int rc = program_iov_read(th, &pi, ARG(1), ARG(2));
		if (rc < 0)
			return rc;
	}
	int flags = c->addressed ? (int)ARG(3) : 0;
	uint64_t name = c->addressed ? ARG(4) : 0, namelen = c->addressed ? ARG(5) : 0;
	return c->sends ? answer_send(th, ks, &pi, flags, name, namelen, NULL, 0) : answer_receive(th, ks, &pi, flags, name, namelen);
}

static enum verdict answer_transfer(struct emu_thread *th, int64_t *result)
{
	const struct transfer_call *c = transfer_call_of(th);
	struct ksock ks;
	if (!c || !ksock_open(th, ARG(0), &ks))
		return NATIVE;
	*result = transfer(th, &ks, c);
	th->proc->fds->translated_transfers++;
	close(ks.fd);
	return ANSWERED;
}

/* bind runs from reprise's side, on the host's loopback address. */
static enum verdict answer_bind(struct emu_thread *th, int64_t *result)
{
	struct ksock ks;
	if (!ksock_open(th, ARG(0), &ks))
		return NATIVE;
	uint32_t ip;
	uint16_t port;
	int rc = read_program_address(th, ks.family, 0, ARG(1), ARG(2), &ip, &port);
	if (rc >= 0) {
		sg_host_t self = th->proc->host;
		/* Only the host's own addresses can be bound, as on a real host; an IPv6-only socket takes no IPv4-mapped one. */
		uint32_t own = host_loopback(self), kip;
		if (ks.v6only && rc == ADDRESS_IPV4)
			rc = -EINVAL;
		else if (own && rc != ADDRESS_IPV6 && (ip == INADDR_ANY || (ip >> 24) == 127 || ip == net_host_ip(self)))
			rc = bind_kernel(&ks, own, port);
		else
			rc = -EADDRNOTAVAIL;
		if (ks.v6only && rc == 0)
			emu_warn_once(th->t->nr, "an IPv6-only socket (IPV6_V6ONLY) has no peers: the hosts have IPv4 addresses only");
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


static enum verdict answer_connect(struct emu_thread *th, int64_t *result)
{
	/* AF_UNSPEC dissolves a datagram socket's association. */
	if (read_family(th, ARG(1), ARG(2)) == AF_UNSPEC)
		return NATIVE;
	struct ksock ks;
	if (!ksock_open(th, ARG(0), &ks))
		return NATIVE;
	uint32_t ip = 0, lip = 0, pip;
	uint16_t port = 0, lport = 0, pport;
	int rc = read_destination(th, &ks, ARG(1), ARG(2), &ip, &port);
	if (rc == 0)
		rc = bind_if_unbound(th, &ks);
	if (rc == 0)
		rc = ksock_name(ks.fd, 0, &lip, &lport);
	if (rc == 0)
		rc = pass_address(th, ks.family, 1, ip, port);
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
	int family = th->hook_arg & SHOW_IPV6 ? AF_INET6 : AF_INET;
	if (ret >= 0 && (th->hook_arg & SHOW_NAME) && emu_read(th, ARG(2), &len, sizeof(len)) == 0)
		show_virtual(th, family, ARG(1), len);
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
	th->hook_arg = (name_buffer_fits(th, ks.family, ARG(1), ARG(2)) ? SHOW_NAME : 0) | (ks.family == AF_INET6 ? SHOW_IPV6 : 0);
	return NATIVE;
}

/* getsockname and getpeername. */
static enum verdict answer_address(struct emu_thread *th, int64_t *result)
{
	struct ksock ks;
	if (!ksock_open(th, ARG(0), &ks))
		return NATIVE;
	const char *call = arch_syscall_name(arch_native(), (uint32_t)th->t->nr);
	int peer = call && strcmp(call, "getpeername") == 0;
	uint32_t ip, peer_ip;
	uint16_t port, peer_port;
	int rc = ksock_name(ks.fd, peer, &ip, &port);
	uint32_t shown = virtual_address(ip);
	uint32_t named;
	if (!peer && naming_lookup(ip, port, ks.stream, &named) &&
	    (named != INADDR_ANY || ksock_name(ks.fd, 1, &peer_ip, &peer_port) < 0))
		shown = named;
	close(ks.fd);
	*result = rc < 0 ? rc : write_sockaddr(th, ks.family, ARG(1), ARG(2), shown, port);
	return ANSWERED;
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

void translate_free(void)
{
	flows_free();
	connections_free();
	namings_free();
}

const struct call_rule translate_rules[] = {
	{ "bind", answer_bind, NEVER_BLOCKS },
	{ "listen", answer_listen, NEVER_BLOCKS },
	{ "connect", answer_connect, MAY_BLOCK },
	{ "accept", answer_accept, MAY_BLOCK },
	{ "accept4", answer_accept, MAY_BLOCK },
	{ "getsockname", answer_address, NEVER_BLOCKS },
	{ "getpeername", answer_address, NEVER_BLOCKS },
	{ "read", answer_transfer, BLOCKS_ON_FD0 },
	{ "write", answer_transfer, BLOCKS_ON_FD0 },
	{ "readv", answer_transfer, BLOCKS_ON_FD0 },
	{ "writev", answer_transfer, BLOCKS_ON_FD0 },
	{ "sendto", answer_transfer, MAY_BLOCK },
	{ "recvfrom", answer_transfer, MAY_BLOCK },
	{ "sendmsg", answer_transfer, MAY_BLOCK },
	{ "recvmsg", answer_transfer, MAY_BLOCK },
	{ "sendmmsg", warn_untranslated, MAY_BLOCK },
	{ "recvmmsg", warn_untranslated, MAY_BLOCK },
	{ "ioctl", answer_ioctl, NEVER_BLOCKS },
	{ "poll", answer_wait, MAY_BLOCK },
	{ "ppoll", answer_wait, MAY_BLOCK },
	{ "select", answer_wait, MAY_BLOCK },
	{ "pselect6", answer_wait, MAY_BLOCK },
	{ "epoll_wait", answer_wait, MAY_BLOCK },
	{ "epoll_pwait", answer_wait, MAY_BLOCK },
	{ "epoll_pwait2", answer_wait, MAY_BLOCK },
	{ "shutdown", answer_shutdown, NEVER_BLOCKS },
	{ "close", answer_close, NEVER_BLOCKS },
	/* A lock wait (F_SETLKW) may wait for another program, as the mediated rules also say. */
	{ "fcntl", NULL, MAY_BLOCK },
	{ NULL, NULL, NEVER_BLOCKS },
};
