/*
 * How TCP connections begin and end under load and abortive closes, printing what each
 * call reports and when (simulated seconds since the program started):
 *   conn_probe listen PORT BACKLOG ACCEPT_AFTER COUNT  listens, accepts nothing for ACCEPT_AFTER s, then COUNT connections
 *   conn_probe connect ADDRESS PORT                    connects, says when it got through or why not
 *   conn_probe reset PORT linger|unread                accepts one connection and closes it abortively: with
 *                                                      SO_LINGER {1, 0}, or with bytes received and unread
 *   conn_probe peer ADDRESS PORT SEND_FIRST            connects (sending 100 bytes if SEND_FIRST), then reads
 *                                                      and writes, printing each result
 *   conn_probe timeout SECONDS                         waits on a UDP socket nobody writes to, with
 *                                                      SO_RCVTIMEO: when does the receive give up?
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static double started;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9 - started;
}

static int listener(uint16_t port, int backlog)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port) };
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 || listen(fd, backlog) < 0) {
		perror("conn_probe: listen");
		return -1;
	}
	return fd;
}

static int connected(const char *address, uint16_t port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port) };
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0 || inet_pton(AF_INET, address, &sin.sin_addr) != 1)
		return -1;
	return connect(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 ? -1 : fd;
}

static int listen_late(uint16_t port, int backlog, double accept_after, int count)
{
	int ls = listener(port, backlog);
	if (ls < 0)
		return 1;
	struct timespec pause = { (time_t)accept_after, (long)((accept_after - (double)(time_t)accept_after) * 1e9) };
	nanosleep(&pause, NULL);
	for (int i = 0; i < count; i++) {
		struct sockaddr_in peer;
		socklen_t len = sizeof(peer);
		int c = accept(ls, (struct sockaddr *)&peer, &len);
		if (c < 0) {
			perror("conn_probe: accept");
			return 1;
		}
		printf("listen: accepted port %u at %.2f\n", ntohs(peer.sin_port), now());
	}
	return 0;
}

static int connect_once(const char *address, uint16_t port)
{
	int fd = connected(address, port);
	if (fd < 0)
		printf("connect: %s at %.2f\n", strerror(errno), now());
	else
		printf("connect: through at %.2f\n", now());
	return 0;
}

static int reset(uint16_t port, const char *how)
{
	int ls = listener(port, 1);
	int c = ls < 0 ? -1 : accept(ls, NULL, NULL);
	if (c < 0)
		return 1;
	if (!strcmp(how, "linger")) {
		struct linger lg = { .l_onoff = 1, .l_linger = 0 };
		if (setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)) < 0)
			return 1;
	} else {
		struct pollfd p = { .fd = c, .events = POLLIN };
		if (poll(&p, 1, -1) != 1)
			return 1;
	}
	close(c);
	printf("reset: closed (%s) at %.2f\n", how, now());
	return 0;
}

static void report(const char *call, ssize_t rc)
{
	if (rc < 0)
		printf("peer: %s: %s at %.2f\n", call, strerror(errno), now());
	else
		printf("peer: %s: %zd at %.2f\n", call, rc, now());
}

static int peer(const char *address, uint16_t port, int send_first)
{
	static char data[100];
	int fd = connected(address, port);
	if (fd < 0 || (send_first && write(fd, data, sizeof(data)) != (ssize_t)sizeof(data))) {
		perror("conn_probe: peer");
		return 1;
	}
	char buf[16];
	report("recv", recv(fd, buf, sizeof(buf), 0));
	struct pollfd p = { .fd = fd, .events = POLLIN | POLLOUT };
	poll(&p, 1, 0);
	printf("peer: poll:%s%s%s\n", p.revents & POLLIN ? " in" : "", p.revents & POLLHUP ? " hup" : "",
	       p.revents & POLLERR ? " err" : "");
	report("send", send(fd, data, sizeof(data), MSG_NOSIGNAL));
	report("recv", recv(fd, buf, sizeof(buf), 0));
	return 0;
}

static int receive_timeout(double seconds)
{
	struct timeval tv = { (time_t)seconds, (suseconds_t)((seconds - (double)(time_t)seconds) * 1e6) };
	struct sockaddr_in any = { .sin_family = AF_INET };
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	char buf[16];
	if (fd < 0 || bind(fd, (struct sockaddr *)&any, sizeof(any)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0) {
		perror("conn_probe: timeout");
		return 1;
	}
	ssize_t n = recv(fd, buf, sizeof(buf), 0);
	printf("timeout: recv: %s at %.2f\n", n < 0 ? strerror(errno) : "data", now());
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	started = now();
	const char *mode = argc > 1 ? argv[1] : "";
	if (!strcmp(mode, "listen") && argc == 6)
		return listen_late((uint16_t)atoi(argv[2]), atoi(argv[3]), atof(argv[4]), atoi(argv[5]));
	if (!strcmp(mode, "connect") && argc == 4)
		return connect_once(argv[2], (uint16_t)atoi(argv[3]));
	if (!strcmp(mode, "reset") && argc == 4 && (!strcmp(argv[3], "linger") || !strcmp(argv[3], "unread")))
		return reset((uint16_t)atoi(argv[2]), argv[3]);
	if (!strcmp(mode, "peer") && argc == 5)
		return peer(argv[2], (uint16_t)atoi(argv[3]), atoi(argv[4]));
	if (!strcmp(mode, "timeout") && argc == 3)
		return receive_timeout(atof(argv[2]));
	fprintf(stderr, "usage: conn_probe listen PORT BACKLOG ACCEPT_AFTER COUNT | connect ADDRESS PORT |\n"
			"                  reset PORT linger|unread | peer ADDRESS PORT SEND_FIRST | timeout SECONDS\n");
	return 2;
}
