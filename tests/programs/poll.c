/*
 * Readiness family on two pipes: "ready" holds one byte ("r"), "idle" holds none.
 * poll, ppoll, select, pselect6 and epoll_wait/epoll_pwait must report exactly
 * the ready pipe (epoll data 7), and each has a 10 ms timeout case returning 0.
 * select goes through syscall() because glibc implements it with pselect6.
 */
#define _GNU_SOURCE
#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/syscall.h>

#include "check.h"

static int ready[2], idle[2];

static void with_poll(void)
{
	struct pollfd fds[2] = { { ready[0], POLLIN, 0 }, { idle[0], POLLIN, 0 } };
	CHECK(poll(fds, 2, 1000) == 1);
	CHECK(fds[0].revents == POLLIN && fds[1].revents == 0);
	struct timespec ts = { 1, 0 };
	sigset_t none;
	sigemptyset(&none);
	CHECK(ppoll(fds, 2, &ts, &none) == 1 && fds[0].revents == POLLIN);
	CHECK(poll(&fds[1], 1, 10) == 0);
	ts = (struct timespec){ 0, 10 * 1000 * 1000 };
	CHECK(ppoll(&fds[1], 1, &ts, NULL) == 0);
}

static void with_select(void)
{
	int nfds = (ready[0] > idle[0] ? ready[0] : idle[0]) + 1;
	fd_set set;
	FD_ZERO(&set);
	FD_SET(ready[0], &set);
	FD_SET(idle[0], &set);
	struct timeval tv = { 1, 0 };
	CHECK(syscall(SYS_select, nfds, &set, NULL, NULL, &tv) == 1);
	CHECK(FD_ISSET(ready[0], &set) && !FD_ISSET(idle[0], &set));
	FD_ZERO(&set);
	FD_SET(idle[0], &set);
	tv = (struct timeval){ 0, 10 * 1000 };
	CHECK(syscall(SYS_select, nfds, &set, NULL, NULL, &tv) == 0);

	FD_ZERO(&set);
	FD_SET(ready[0], &set);
	FD_SET(idle[0], &set);
	struct timespec ts = { 1, 0 };
	sigset_t none;
	sigemptyset(&none);
	CHECK(pselect(nfds, &set, NULL, NULL, &ts, &none) == 1 && FD_ISSET(ready[0], &set));
	FD_ZERO(&set);
	FD_SET(idle[0], &set);
	ts = (struct timespec){ 0, 10 * 1000 * 1000 };
	CHECK(pselect(nfds, &set, NULL, NULL, &ts, NULL) == 0);
}

static void with_epoll(void)
{
	int ep = epoll_create1(EPOLL_CLOEXEC);
	CHECK(ep >= 0);
	struct epoll_event ev = { .events = EPOLLIN, .data.u32 = 7 };
	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, ready[0], &ev) == 0);
	ev.data.u32 = 8;
	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, idle[0], &ev) == 0);
	struct epoll_event got[4];
	CHECK(epoll_wait(ep, got, 4, 1000) == 1);
	CHECK(got[0].events == EPOLLIN && got[0].data.u32 == 7);
	sigset_t none;
	sigemptyset(&none);
	CHECK(epoll_pwait(ep, got, 4, 1000, &none) == 1 && got[0].data.u32 == 7);
	CHECK(epoll_ctl(ep, EPOLL_CTL_DEL, ready[0], NULL) == 0);
	CHECK(epoll_wait(ep, got, 4, 10) == 0);
	CHECK(epoll_pwait(ep, got, 4, 10, NULL) == 0);
	CHECK(close(ep) == 0);
}

int main(int argc, char **argv)
{
	enter_work_dir(argc, argv);
	CHECK(pipe(ready) == 0 && pipe(idle) == 0);
	WRITE_STR(ready[1], "r");
	with_poll();
	with_select();
	with_epoll();
	char c;
	CHECK(read(ready[0], &c, 1) == 1 && c == 'r');
	for (int i = 0; i < 2; i++)
		CHECK(close(ready[i]) == 0 && close(idle[i]) == 0);
	return 0;
}
