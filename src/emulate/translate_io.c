/*
 * Receives and sends on translated sockets, made by reprise on its copy of the
 * descriptor: they wait as the program's socket would, but in simulated time, and never
 * in the kernel. Kept apart from the call rules, which only decode the programs' arguments.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "emulate/net.h"
#include "emulate/translate.h"

/* Waits for a change until deadline (< 0: none); 0 once the deadline has passed. */
int wait_until(double deadline)
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
int64_t receive(const struct ksock *ks, uint8_t *buf, size_t len, int flags, void *control, size_t controlcap,
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
			flow_consume(f, (uint64_t)n);
		}
		done += (size_t)n;
		if (!(flags & MSG_WAITALL) || (flags & MSG_PEEK) || n == 0 || done == len)
			return (int64_t)done;
	}
}

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

/*
 * A send on a translated socket, made by reprise on its copy of the descriptor. A
 * blocking one waits in simulated time for room until all is sent; what the kernel takes
 * of a TCP stream is charged to its flow at once, and no more than the flow's window allows. A broken connection raises SIGPIPE in
 * the program unless it passed MSG_NOSIGNAL. Returns the count or -errno.
 */
int64_t transmit(struct emu_thread *th, const struct ksock *ks, const uint8_t *buf, size_t len, int flags,
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
	struct sockaddr_storage kernel_to;
	socklen_t kernel_tolen = make_sockaddr(ks->family, to->ip, to->port, &kernel_to);
	size_t done = 0;
	int err = 0;
	for (;;) {
		struct flow *f = ks->stream ? outgoing_flow(ks) : NULL;
		size_t part = len - done;
		if (f && part > flow_room(f)) {
			part = flow_room(f);
			/* Even a non-blocking writer waits for room: the kernel already reports the socket writable. */
			if (part == 0) {
				if (!wait_until(deadline)) {
					err = EAGAIN;
					break;
				}
				continue;
			}
		}
		struct iovec v = { .iov_base = (void *)(buf + done), .iov_len = part };
		struct msghdr mh = { .msg_name = to->has ? &kernel_to : NULL, .msg_namelen = to->has ? kernel_tolen : 0,
				     .msg_iov = &v, .msg_iovlen = 1,
				     .msg_control = done ? NULL : (void *)control, .msg_controllen = done ? 0 : controllen };
		ssize_t n = sendmsg(ks->fd, &mh, flags | MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n < 0 && errno != EAGAIN) {
			err = errno;
			break;
		}
		if (n > 0) {
			done += (size_t)n;
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

