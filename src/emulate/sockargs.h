/*
 * The arguments of socket calls as they lie in a traced program's memory: addresses
 * (struct sockaddr with its length) and the buffers a read or write names. Both ways of
 * answering socket calls, mediated (netcalls.c) and translated (translate.c), decode
 * them the same, as the kernel does.
 */
#ifndef REPRISE_EMULATE_SOCKARGS_H
#define REPRISE_EMULATE_SOCKARGS_H

#include <netinet/in.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "emulate/world.h"

/* Reads and writes larger than this are served in parts, as a kernel may. */
#define SOCKARGS_MAX_IO (16u << 20)
/* The most buffers a vector call may pass (UIO_MAXIOV). */
#define SOCKARGS_MAX_IOV 1024

/*
 * The address a call passes (len bytes at addr) for a socket of this family, as the
 * kernel decodes it: a sockaddr_in for AF_INET, a sockaddr_in6 (RFC 2133's shorter form
 * too) for AF_INET6, or with ipv4_too either for AF_INET6 (an IPv6 datagram socket's
 * destination may be a sockaddr_in). The address comes out as an IPv6 one, IPv4 ones
 * mapped. 0, -EINVAL when shorter, -EFAULT, -EAFNOSUPPORT.
 */
int read_sockaddr(struct emu_thread *th, int family, int ipv4_too, uint64_t addr, uint64_t len, struct in6_addr *out,
		  uint16_t *port);
/* a and port as a socket of this family names them (an AF_INET one takes a's IPv4 part); the length. */
socklen_t fill_sockaddr(struct sockaddr_storage *ss, int family, const struct in6_addr *a, uint16_t port);
/*
 * Fills a (struct sockaddr *, socklen_t *) pair as the kernel does: name truncated to the
 * program's length, the true length (full) written back. Nothing when addr is 0; 0 or -EFAULT.
 */
int write_sockaddr_pair(struct emu_thread *th, uint64_t addr, uint64_t lenp, const void *name, socklen_t full);

/* The buffers a program passes to a read or write call, as they are in its memory. */
struct program_iov {
	struct iovec iov[SOCKARGS_MAX_IOV];
	size_t n;
	size_t total;            /* their length, at most SOCKARGS_MAX_IO */
};

void program_iov_single(struct program_iov *pi, uint64_t addr, uint64_t len);
/* The iovcnt buffers described at iov_addr: 0, -EINVAL (too many) or -EFAULT. */
int program_iov_read(struct emu_thread *th, struct program_iov *pi, uint64_t iov_addr, uint64_t iovcnt);
/* Copies len bytes between buf and the program's buffers, in order; 0 or -EFAULT. */
int program_iov_copy(struct emu_thread *th, const struct program_iov *pi, uint8_t *buf, size_t len, int to_program);

/* The calls that move bytes: where their buffers are, and whether they pass flags and an address. */
struct transfer_call {
	const char *name;
	int sends;
	enum transfer_buffers { ONE_BUFFER, IO_VECTOR, MESSAGE } buffers;
	int addressed;           /* flags at argument 3, an address at 4 and its length at 5 */
};

/* The row of read, write, readv, writev, recvfrom, sendto, recvmsg or sendmsg the thread calls, or NULL. */
const struct transfer_call *transfer_call_of(const struct emu_thread *th);

#endif
