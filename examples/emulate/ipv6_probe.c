/*
 * IPv6 and dual-stack sockets, printing what each call reports:
 *   ipv6_probe tcp-server PORT V6ONLY COUNT   AF_INET6 listener on :: (IPV6_V6ONLY as given), echoes one line per connection
 *   ipv6_probe tcp-client ADDRESS PORT        connects (the family follows ADDRESS), sends a line, prints the echo
 *   ipv6_probe udp-server PORT COUNT          AF_INET6 dual-stack socket on ::, answers each datagram (recvmsg)
 *   ipv6_probe udp-client ADDRESS PORT        sends a datagram, prints the answer and where it came from
 *   ipv6_probe loopback PORT                  a listener and a client on ::1 in one process
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

/* "[address]:port" for AF_INET6, "address:port" for AF_INET. */
static const char *show(const struct sockaddr_storage *ss)
{
	static char out[3][INET6_ADDRSTRLEN + 16];
	static int turn;
	char text[INET6_ADDRSTRLEN];
	char *o = out[turn++ % 3];
	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;
		inet_ntop(AF_INET6, &s6->sin6_addr, text, sizeof(text));
		snprintf(o, sizeof(out[0]), "[%s]:%u", text, ntohs(s6->sin6_port));
	} else if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;
		inet_ntop(AF_INET, &s4->sin_addr, text, sizeof(text));
		snprintf(o, sizeof(out[0]), "%s:%u", text, ntohs(s4->sin_port));
	} else {
		snprintf(o, sizeof(out[0]), "family %d", ss->ss_family);
	}
	return o;
}

static int names(int fd, struct sockaddr_storage *local, struct sockaddr_storage *peer)
{
	socklen_t a = sizeof(*local), b = sizeof(*peer);
	return getsockname(fd, (struct sockaddr *)local, &a) < 0 || getpeername(fd, (struct sockaddr *)peer, &b) < 0 ? -1 : 0;
}

static int resolve(const char *address, const char *port, int type, struct sockaddr_storage *ss, socklen_t *len)
{
	struct addrinfo hints = { .ai_socktype = type, .ai_flags = AI_NUMERICHOST }, *res;
	int rc = getaddrinfo(address, port, &hints, &res);
	if (rc != 0) {
		fprintf(stderr, "ipv6_probe: %s: %s\n", address, gai_strerror(rc));
		return -1;
	}
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*len = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

static int listener(uint16_t port, int v6only, int type)
{
	struct sockaddr_in6 any = { .sin6_family = AF_INET6, .sin6_port = htons(port), .sin6_addr = IN6ADDR_ANY_INIT };
	int fd = socket(AF_INET6, type, 0);
	if (fd < 0 || setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof(v6only)) < 0 ||
	    bind(fd, (struct sockaddr *)&any, sizeof(any)) < 0 || (type == SOCK_STREAM && listen(fd, 8) < 0)) {
		perror("ipv6_probe: listener");
		return -1;
	}
	return fd;
}

static int tcp_server(uint16_t port, int v6only, int count)
{
	int ls = listener(port, v6only, SOCK_STREAM);
	if (ls < 0)
		return 1;
	for (int i = 0; i < count; i++) {
		struct sockaddr_storage from, local, peer;
		socklen_t len = sizeof(from);
		int c = accept(ls, (struct sockaddr *)&from, &len);
		char line[64];
		ssize_t n;
		if (c < 0 || names(c, &local, &peer) < 0 || (n = read(c, line, sizeof(line))) <= 0 || write(c, line, (size_t)n) != n) {
			perror("ipv6_probe: serve");
			return 1;
		}
		printf("tcp-server %u: accepted %s (peer %s) on %s\n", port, show(&from), show(&peer), show(&local));
		close(c);
	}
	return 0;
}

static int tcp_client(const char *address, const char *port)
{
	struct sockaddr_storage to, local, peer;
	socklen_t len;
	if (resolve(address, port, SOCK_STREAM, &to, &len) < 0)
		return 1;
	int fd = socket(to.ss_family, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&to, len) < 0) {
		printf("tcp-client %s %s: connect: %s\n", address, port, strerror(errno));
		return 0;
	}
	char echo[16] = "";
	if (names(fd, &local, &peer) < 0 || write(fd, "hello", 5) != 5 || read(fd, echo, sizeof(echo) - 1) != 5) {
		perror("ipv6_probe: client");
		return 1;
	}
	printf("tcp-client %s %s: %s -> %s, echo %s\n", address, port, show(&local), show(&peer), echo);
	return 0;
}

static int udp_server(uint16_t port, int count)
{
	int fd = listener(port, 0, SOCK_DGRAM);
	if (fd < 0)
		return 1;
	for (int i = 0; i < count; i++) {
		struct sockaddr_storage from;
		char buf[64];
		struct iovec iov = { buf, sizeof(buf) };
		struct msghdr mh = { .msg_name = &from, .msg_namelen = sizeof(from), .msg_iov = &iov, .msg_iovlen = 1 };
		ssize_t n = recvmsg(fd, &mh, 0);
		if (n < 0 || sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&from, mh.msg_namelen) != n) {
			perror("ipv6_probe: udp-server");
			return 1;
		}
		printf("udp-server %u: %zd bytes from %s (name length %u)\n", port, n, show(&from), (unsigned)mh.msg_namelen);
	}
	return 0;
}

static int udp_client(const char *address, const char *port)
{
	struct sockaddr_storage to, from, local;
	socklen_t len, fromlen = sizeof(from), locallen = sizeof(local);
	if (resolve(address, port, SOCK_DGRAM, &to, &len) < 0)
		return 1;
	int fd = socket(to.ss_family, SOCK_DGRAM, 0);
	char buf[16] = "";
	if (fd < 0 || sendto(fd, "ping", 4, 0, (struct sockaddr *)&to, len) != 4 ||
	    recvfrom(fd, buf, sizeof(buf) - 1, 0, (struct sockaddr *)&from, &fromlen) != 4 ||
	    getsockname(fd, (struct sockaddr *)&local, &locallen) < 0) {
		perror("ipv6_probe: udp-client");
		return 1;
	}
	printf("udp-client %s %s: %s from %s to %s\n", address, port, buf, show(&from), show(&local));
	return 0;
}

static int loopback(const char *port)
{
	int ls = listener((uint16_t)atoi(port), 1, SOCK_STREAM);
	struct sockaddr_storage to, local, peer;
	socklen_t len;
	if (ls < 0 || resolve("::1", port, SOCK_STREAM, &to, &len) < 0)
		return 1;
	int c = socket(AF_INET6, SOCK_STREAM, 0);
	if (c < 0 || connect(c, (struct sockaddr *)&to, len) < 0 || names(c, &local, &peer) < 0) {
		perror("ipv6_probe: loopback");
		return 1;
	}
	int s = accept(ls, NULL, NULL);
	char buf[8] = "";
	if (s < 0 || write(c, "loop", 4) != 4 || read(s, buf, sizeof(buf) - 1) != 4) {
		perror("ipv6_probe: loopback");
		return 1;
	}
	printf("loopback: %s -> %s, %s\n", show(&local), show(&peer), buf);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	const char *mode = argc > 1 ? argv[1] : "";
	if (!strcmp(mode, "tcp-server") && argc == 5)
		return tcp_server((uint16_t)atoi(argv[2]), atoi(argv[3]), atoi(argv[4]));
	if (!strcmp(mode, "tcp-client") && argc == 4)
		return tcp_client(argv[2], argv[3]);
	if (!strcmp(mode, "udp-server") && argc == 4)
		return udp_server((uint16_t)atoi(argv[2]), atoi(argv[3]));
	if (!strcmp(mode, "udp-client") && argc == 4)
		return udp_client(argv[2], argv[3]);
	if (!strcmp(mode, "loopback") && argc == 3)
		return loopback(argv[2]);
	fprintf(stderr, "usage: ipv6_probe tcp-server PORT V6ONLY COUNT | tcp-client ADDRESS PORT | udp-server PORT COUNT |\n"
			"                  udp-client ADDRESS PORT | loopback PORT\n");
	return 2;
}
