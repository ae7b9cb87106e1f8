/*
 * A non-blocking echo server on one thread: epoll over the listening socket, every client
 * (edge-triggered) and a pipe, until argv[2] clients have come and gone.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define PIPE_TAG (-1)

/* Echoes what client c has sent; returns 0 once it has closed and was closed. */
static int serve(int ep, int c, long *echoed)
{
	char buf[16384];
	for (;;) {
		ssize_t n = read(c, buf, sizeof(buf));
		if (n == 0 || (n < 0 && errno != EAGAIN)) {
			epoll_ctl(ep, EPOLL_CTL_DEL, c, NULL);
			close(c);
			return 0;
		}
		if (n < 0)
			return 1;
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(c, buf + off, (size_t)(n - off));
			if (w < 0 && errno != EAGAIN) {
				perror("epoll_server: write");
				exit(1);
			}
			off += w > 0 ? w : 0;
		}
		*echoed += n;
	}
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: epoll_server PORT CLIENTS\n");
		return 2;
	}
	long clients = strtol(argv[2], NULL, 10), served = 0, echoed = 0;
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[1])) };
	int ls = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	int ep = epoll_create1(EPOLL_CLOEXEC);
	int pipefd[2];
	if (ls < 0 || ep < 0 || pipe(pipefd) < 0 || bind(ls, (struct sockaddr *)&sin, sizeof(sin)) < 0 || listen(ls, 8) < 0) {
		perror("epoll_server: setup");
		return 1;
	}
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = ls };
	struct epoll_event pev = { .events = EPOLLIN, .data.fd = PIPE_TAG };
	if (epoll_ctl(ep, EPOLL_CTL_ADD, ls, &ev) < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, pipefd[0], &pev) < 0 ||
	    write(pipefd[1], "!", 1) != 1) {
		perror("epoll_server: epoll_ctl");
		return 1;
	}
	while (served < clients) {
		struct epoll_event events[8];
		int n = epoll_wait(ep, events, 8, -1);
		if (n < 0) {
			perror("epoll_server: epoll_wait");
			return 1;
		}
		for (int i = 0; i < n; i++) {
			int fd = events[i].data.fd;
			if (fd == PIPE_TAG) {
				char c;
				if (read(pipefd[0], &c, 1) == 1)
					printf("server: the pipe was ready too\n");
			} else if (fd == ls) {
				int c;
				while ((c = accept4(ls, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
					struct epoll_event cev = { .events = EPOLLIN | EPOLLRDHUP | EPOLLET, .data.fd = c };
					if (epoll_ctl(ep, EPOLL_CTL_ADD, c, &cev) < 0) {
						perror("epoll_server: epoll_ctl");
						return 1;
					}
				}
			} else if (serve(ep, fd, &echoed) == 0) {
				served++;
			}
		}
	}
	printf("server: %ld clients served, %ld bytes echoed\n", served, echoed);
	return 0;
}
