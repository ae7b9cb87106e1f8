/*
 * Socket call arguments in a program's memory, decoded once for the mediated and the
 * translated answers (see sockargs.h).
 */
#include "emulate/sockargs.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "emulate/calls.h"
#include "emulate/net.h"

static int read_sockaddr_in(struct emu_thread *th, uint64_t addr, uint64_t len, struct sockaddr_in *sin)
{
	if (len < sizeof(*sin))
		return -EINVAL;
	if (emu_read(th, addr, sin, sizeof(*sin)) < 0)
		return -EFAULT;
	return sin->sin_family == AF_INET ? 0 : -EAFNOSUPPORT;
}

int read_sockaddr(struct emu_thread *th, int family, int ipv4_too, uint64_t addr, uint64_t len, struct in6_addr *out,
		  uint16_t *port)
{
	sa_family_t given = (sa_family_t)family;
	if (ipv4_too && len >= sizeof(given) && emu_read(th, addr, &given, sizeof(given)) < 0)
		return -EFAULT;
	if (family == AF_INET || given == AF_INET) {
		struct sockaddr_in sin;
		int rc = read_sockaddr_in(th, addr, len, &sin);
		if (rc < 0)
			return rc;
		*out = net_addr_from_v4(ntohl(sin.sin_addr.s_addr));
		*port = ntohs(sin.sin_port);
		return 0;
	}
	struct sockaddr_in6 sin6;
	/* Linux takes the RFC 2133 form, without sin6_scope_id. */
	size_t short_form = offsetof(struct sockaddr_in6, sin6_scope_id);
	if (len < short_form)
		return -EINVAL;
	memset(&sin6, 0, sizeof(sin6));
	if (emu_read(th, addr, &sin6, len < sizeof(sin6) ? short_form : sizeof(sin6)) < 0)
		return -EFAULT;
	if (sin6.sin6_family != AF_INET6)
		return -EAFNOSUPPORT;
	*out = sin6.sin6_addr;
	*port = ntohs(sin6.sin6_port);
	return 0;
}

socklen_t fill_sockaddr(struct sockaddr_storage *ss, int family, const struct in6_addr *a, uint16_t port)
{
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		sin->sin_addr.s_addr = htonl(net_addr_v4(a));
		return sizeof(*sin);
	}
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons(port);
	sin6->sin6_addr = *a;
	return sizeof(*sin6);
}

int write_sockaddr_pair(struct emu_thread *th, uint64_t addr, uint64_t lenp, const void *name, socklen_t full)
{
	if (!addr)
		return 0;
	socklen_t len;
	if (emu_read(th, lenp, &len, sizeof(len)) < 0)
		return -EFAULT;
	if (emu_write(th, addr, name, len < full ? len : full) < 0 || emu_write(th, lenp, &full, sizeof(full)) < 0)
		return -EFAULT;
	return 0;
}

void program_iov_single(struct program_iov *pi, uint64_t addr, uint64_t len)
{
	pi->iov[0] = (struct iovec){ .iov_base = (void *)(uintptr_t)addr,
				     .iov_len = len < SOCKARGS_MAX_IO ? (size_t)len : SOCKARGS_MAX_IO };
	pi->n = 1;
	pi->total = pi->iov[0].iov_len;
}

int program_iov_read(struct emu_thread *th, struct program_iov *pi, uint64_t iov_addr, uint64_t iovcnt)
{
	if (iovcnt > SOCKARGS_MAX_IOV)
		return -EINVAL;
	if (iovcnt && emu_read(th, iov_addr, pi->iov, iovcnt * sizeof(pi->iov[0])) < 0)
		return -EFAULT;
	pi->n = iovcnt;
	pi->total = 0;
	for (size_t i = 0; i < iovcnt; i++) {
		size_t room = SOCKARGS_MAX_IO - pi->total;
		if (pi->iov[i].iov_len > room)
			pi->iov[i].iov_len = room;
		pi->total += pi->iov[i].iov_len;
	}
	return 0;
}

int program_iov_copy(struct emu_thread *th, const struct program_iov *pi, uint8_t *buf, size_t len, int to_program)
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

static const struct transfer_call transfer_calls[] = {
	{ "read", 0, ONE_BUFFER, 0 },
	{ "write", 1, ONE_BUFFER, 0 },
	{ "readv", 0, IO_VECTOR, 0 },
	{ "writev", 1, IO_VECTOR, 0 },
	{ "recvfrom", 0, ONE_BUFFER, 1 },
	{ "sendto", 1, ONE_BUFFER, 1 },
	{ "recvmsg", 0, MESSAGE, 0 },
	{ "sendmsg", 1, MESSAGE, 0 },
};

const struct transfer_call *transfer_call_of(const struct emu_thread *th)
{
	return emu_call_entry(th, transfer_calls, sizeof(transfer_calls) / sizeof(transfer_calls[0]),
			      sizeof(transfer_calls[0]));
}
