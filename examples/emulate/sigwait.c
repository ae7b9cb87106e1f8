/*
 * Signals that arrive while a call waits on a socket, printing what each call reports and
 * when (seconds since the program started), as Linux has it:
 *   sigwait accept PORT          accept on a listener nobody connects to, cut short by alarm(2)
 *                                (a SIGALRM handler without SA_RESTART): EINTR at 2 s
 *   sigwait recv PORT            a UDP receive nobody sends to, cut short by alarm(1): EINTR
 *   sigwait multiplex PORT       poll, select and epoll_wait over a UDP socket nobody sends to,
 *                                each cut short 0.5 s later by a POSIX timer's SIGUSR1 (handled
 *                                with SA_RESTART: these calls are never restarted)
 *   sigwait restart PORT         a UDP receive with alarm(1) and a SIGALRM handler with SA_RESTART:
 *                                the handler runs, the receive goes on until a datagram comes; then
 *                                the same with SO_RCVTIMEO set, which makes the receive end (EINTR)
 *   sigwait send ADDRESS PORT S  sends "hello" to ADDRESS:PORT after S seconds
 *   sigwait connect PORT         a connect to a listener of its own whose backlog is full, cut short
 *                                after 0.5 s by an interval timer: EINTR; the handshake goes on, and
 *                                once the listener accepted the first connection, the connect made
 *                                again waits for it and succeeds
 *   sigwait fill PORT            a send of 16 MiB on a connection to a listener of its own that never
 *                                reads, cut short by alarm(1): the bytes that found room (or EINTR)
 *   sigwait deaf PORT            a UDP receive with SO_RCVTIMEO of 2 s, while signals that end nothing
 *                                arrive: SIGUSR1 blocked, SIGUSR2 ignored, SIGCHLD of a child that exits,
 *                                left to its default: the receive gives up at 2 s, EAGAIN
 *   sigwait pair PORT            two threads wait on one UDP socket, one in recv, one in poll; a POSIX
 *                                timer's SIGUSR1 for the process ends the wait of one of them only
 *                                (EINTR), which then sends the other the datagram it waits for
 *   sigwait killed PORT          accept, while a child it forked sends it SIGTERM after 1 s,
 *                                which it does not handle: it dies of it
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static double started;
static volatile sig_atomic_t handled;
static volatile double handled_at;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9 - started;
}

static void check(int ok, const char *what)
{
	if (!ok) {
		perror(what);
		exit(1);
	}
}

static void on_signal(int sig)
{
	(void)sig;
	handled++;
	handled_at = now();
}

static void handle(int sig, int flags)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = flags;
	sigemptyset(&sa.sa_mask);
	check(sigaction(sig, &sa, NULL) == 0, "sigwait: sigaction");
}

static int bound_socket(int type, uint16_t port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port) };
	int fd = socket(AF_INET, type, 0);
	check(fd >= 0, "sigwait: socket");
	int one = 1;
	check(setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == 0, "sigwait: setsockopt");
	check(bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0, "sigwait: bind");
	return fd;
}

static void report(const char *what, long rc)
{
	const char *outcome = rc < 0 ? strerrorname_np(errno) : "returned";
	printf("%s: %s after %.6f s, %d signal%s handled, the last at %.6f s\n", what, outcome, now(), (int)handled,
	       handled == 1 ? "" : "s", handled_at);
}

static int accept_interrupted(uint16_t port)
{
	int fd = bound_socket(SOCK_STREAM, port);
	check(listen(fd, 4) == 0, "sigwait: listen");
	handle(SIGALRM, 0);
	alarm(2);
	report("accept", accept(fd, NULL, NULL));
	return 0;
}

static int recv_interrupted(uint16_t port)
{
	int fd = bound_socket(SOCK_DGRAM, port);
	handle(SIGALRM, 0);
	alarm(1);
	char buf[64];
	report("recv", recv(fd, buf, sizeof(buf), 0));
	return 0;
}

static void arm(timer_t timer, double seconds)
{
	struct itimerspec its = { .it_value = { .tv_sec = (time_t)seconds,
						.tv_nsec = (long)((seconds - (double)(time_t)seconds) * 1e9) } };
	check(timer_settime(timer, 0, &its, NULL) == 0, "sigwait: timer_settime");
}

static int multiplex_interrupted(uint16_t port)
{
	int fd = bound_socket(SOCK_DGRAM, port);
	handle(SIGUSR1, SA_RESTART);
	struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1 };
	timer_t timer;
	check(timer_create(CLOCK_MONOTONIC, &ev, &timer) == 0, "sigwait: timer_create");

	arm(timer, 0.5);
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	report("poll", poll(&pfd, 1, -1));

	arm(timer, 0.5);
	fd_set readable;
	FD_ZERO(&readable);
	FD_SET(fd, &readable);
	struct timeval tv = { .tv_sec = 10 };
	report("select", select(fd + 1, &readable, NULL, NULL, &tv));

	arm(timer, 0.5);
	int ep = epoll_create1(0);
	check(ep >= 0, "sigwait: epoll_create1");
	struct epoll_event event = { .events = EPOLLIN, .data.fd = fd };
	check(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &event) == 0, "sigwait: epoll_ctl");
	report("epoll_wait", epoll_wait(ep, &event, 1, -1));
	return 0;
}

static int recv_restarted(uint16_t port)
{
	int fd = bound_socket(SOCK_DGRAM, port);
	handle(SIGALRM, SA_RESTART);
	alarm(1);
	char buf[64];
	ssize_t n = recv(fd, buf, sizeof(buf), 0);
	report("restart: recv", n);
	if (n > 0)
		printf("restart: received \"%.*s\"\n", (int)n, buf);

	struct timeval limit = { .tv_sec = 10 };
	check(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof(limit)) == 0, "sigwait: setsockopt");
	alarm(1);
	report("restart: recv with SO_RCVTIMEO", recv(fd, buf, sizeof(buf), 0));
	return 0;
}

static int send_later(const char *address, uint16_t port, double seconds)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port) };
	check(inet_pton(AF_INET, address, &sin.sin_addr) == 1, "sigwait: address");
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	check(fd >= 0, "sigwait: socket");
	struct timespec ts = { .tv_sec = (time_t)seconds, .tv_nsec = (long)((seconds - (double)(time_t)seconds) * 1e9) };
	check(nanosleep(&ts, NULL) == 0, "sigwait: nanosleep");
	check(sendto(fd, "hello", 5, 0, (struct sockaddr *)&sin, sizeof(sin)) == 5, "sigwait: sendto");
	return 0;
}

static int connect_interrupted(uint16_t port)
{
	int listener = bound_socket(SOCK_STREAM, port);
	check(listen(listener, 0) == 0, "sigwait: listen");
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int first = socket(AF_INET, SOCK_STREAM, 0), second = socket(AF_INET, SOCK_STREAM, 0);
	check(first >= 0 && second >= 0, "sigwait: socket");
	check(connect(first, (struct sockaddr *)&sin, sizeof(sin)) == 0, "sigwait: connect");
	handle(SIGALRM, 0);
	struct itimerval half_second = { .it_value = { .tv_usec = 500000 } };
	check(setitimer(ITIMER_REAL, &half_second, NULL) == 0, "sigwait: setitimer");
	report("connect", connect(second, (struct sockaddr *)&sin, sizeof(sin)));
	check(accept(listener, NULL, NULL) >= 0, "sigwait: accept");
	report("connect again", connect(second, (struct sockaddr *)&sin, sizeof(sin)));
	return 0;
}

static int send_interrupted(uint16_t port)
{
	int listener = bound_socket(SOCK_STREAM, port);
	check(listen(listener, 1) == 0, "sigwait: listen");
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	check(fd >= 0, "sigwait: socket");
	check(connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0, "sigwait: connect");
	check(accept(listener, NULL, NULL) >= 0, "sigwait: accept");
	size_t len = 16u << 20;
	char *buf = calloc(1, len);
	check(buf != NULL, "sigwait: calloc");
	handle(SIGALRM, 0);
	alarm(1);
	ssize_t n = send(fd, buf, len, 0);
	report("fill: send", n);
	if (n > 0)
		printf("fill: %zd of %zu bytes sent\n", n, len);
	return 0;
}

static int recv_undisturbed(uint16_t port)
{
	int fd = bound_socket(SOCK_DGRAM, port);
	struct timeval limit = { .tv_sec = 2 };
	check(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof(limit)) == 0, "sigwait: setsockopt");
	sigset_t blocked;
	sigemptyset(&blocked);
	sigaddset(&blocked, SIGUSR1);
	check(sigprocmask(SIG_BLOCK, &blocked, NULL) == 0, "sigwait: sigprocmask");
	check(signal(SIGUSR2, SIG_IGN) != SIG_ERR, "sigwait: signal");
	struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1 };
	timer_t blocked_timer, ignored_timer;
	check(timer_create(CLOCK_MONOTONIC, &ev, &blocked_timer) == 0, "sigwait: timer_create");
	ev.sigev_signo = SIGUSR2;
	check(timer_create(CLOCK_MONOTONIC, &ev, &ignored_timer) == 0, "sigwait: timer_create");
	arm(blocked_timer, 0.5);
	arm(ignored_timer, 0.7);
	pid_t child = fork();
	check(child >= 0, "sigwait: fork");
	if (child == 0) {
		struct timespec ts = { .tv_nsec = 300000000 };
		nanosleep(&ts, NULL);
		_exit(0);
	}
	char buf[64];
	report("deaf: recv", recv(fd, buf, sizeof(buf), 0));
	return 0;
}

struct pair {
	int fd;
	uint16_t port;
};

/* After an EINTR, sends the other thread of the pair the datagram that ends its wait. */
static void wake_other(const struct pair *pair)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(pair->port),
				   .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	check(sendto(pair->fd, "wake", 4, 0, (struct sockaddr *)&sin, sizeof(sin)) == 4, "sigwait: sendto");
}

static void *poll_in_pair(void *arg)
{
	const struct pair *pair = arg;
	struct pollfd pfd = { .fd = pair->fd, .events = POLLIN };
	int rc = poll(&pfd, 1, -1);
	report("pair: poll", rc);
	if (rc < 0)
		wake_other(pair);
	return NULL;
}

static int pair_interrupted(uint16_t port)
{
	struct pair pair = { .fd = bound_socket(SOCK_DGRAM, port), .port = port };
	handle(SIGUSR1, 0);
	struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1 };
	timer_t timer;
	check(timer_create(CLOCK_MONOTONIC, &ev, &timer) == 0, "sigwait: timer_create");
	pthread_t poller;
	check(pthread_create(&poller, NULL, poll_in_pair, &pair) == 0, "sigwait: pthread_create");
	arm(timer, 0.5);
	char buf[64];
	ssize_t n = recv(pair.fd, buf, sizeof(buf), 0);
	report("pair: recv", n);
	if (n < 0)
		wake_other(&pair);
	check(pthread_join(poller, NULL) == 0, "sigwait: pthread_join");
	return 0;
}

static int killed_in_accept(uint16_t port)
{
	int fd = bound_socket(SOCK_STREAM, port);
	check(listen(fd, 4) == 0, "sigwait: listen");
	pid_t child = fork();
	check(child >= 0, "sigwait: fork");
	if (child == 0) {
		sleep(1);
		_exit(kill(getppid(), SIGTERM) == 0 ? 0 : 1);
	}
	report("killed: accept", accept(fd, NULL, NULL));
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	started = now();
	if (argc == 3 && strcmp(argv[1], "accept") == 0)
		return accept_interrupted((uint16_t)atoi(argv[2]));
	if (argc == 3 && strcmp(argv[1], "recv") == 0)
		return recv_interrupted((uint16_t)atoi(argv[2]));
	if (argc == 3 && strcmp(argv[1], "multiplex") == 0)
		return multiplex_interrupted((uint16_t)atoi(argv[2]));
	if (argc == 3 && strcmp(argv[1], "restart") == 0)
		return recv_restarted((uint16_t)atoi(argv[2]));
	if (argc == 5 && strcmp(argv[1], "send") == 0)
		return send_later(argv[2], (uint16_t)atoi(argv[3]), atof(argv[4]));
	if (argc == 3 && strcmp(argv[1], "connect") == 0)
		return connect_interrupted((uint16_t)atoi(argv[2]));
	if (argc == 3 && strcmp(argv[1], "fill") == 0)
		return send_interrupted((uint16_t)atoi(argv[2]));
	if (argc == 3 && strcmp(argv[1], "deaf") == 0)
		return recv_undisturbed((uint16_t)atoi(argv[2]));
	if (argc == 3 && strcmp(argv[1], "pair") == 0)
		return pair_interrupted((uint16_t)atoi(argv[2]));
	if (argc == 3 && strcmp(argv[1], "killed") == 0)
		return killed_in_accept((uint16_t)atoi(argv[2]));
	fprintf(stderr, "usage: sigwait accept|recv|multiplex|restart|connect|fill|deaf|pair|killed PORT, or sigwait send ADDRESS PORT SECONDS\n");
	return 2;
}
