/*
 * Every kind of timer, each printing the time it sees (CLOCK_MONOTONIC, from the start of
 * the program): alarm and pause, a periodic interval timer, POSIX timers notifying by
 * signal, by thread and not at all, and timerfds read directly and through epoll and poll,
 * alone and beside a socket of the simulated network.
 */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

static struct timespec start;
static volatile sig_atomic_t alarms;
static sem_t thread_fired;
static double thread_fired_at;
static int thread_value;

static double now(void)
{
	struct timespec ts;
	if (clock_gettime(CLOCK_MONOTONIC, &ts) < 0) {
		perror("clock_gettime");
		exit(1);
	}
	return (double)(ts.tv_sec - start.tv_sec) + (double)(ts.tv_nsec - start.tv_nsec) / 1e9;
}

static void check(int ok, const char *what)
{
	if (!ok) {
		perror(what);
		exit(1);
	}
}

static double secs(struct timespec ts)
{
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void on_alarm(int sig)
{
	(void)sig;
	alarms++;
}

static void sleep_for(double s)
{
	struct timespec ts = { .tv_sec = (time_t)s, .tv_nsec = (long)((s - (double)(time_t)s) * 1e9 + 0.5) };
	check(nanosleep(&ts, NULL) == 0, "nanosleep");
}

/*
 * alarm(3) then pause: woken at 3 s; a second alarm replaced early reports the seconds left;
 * a third ends a long sleep.
 */
static void try_alarm(void)
{
	double t0 = now();
	alarm(3);
	pause();
	printf("alarm: woken after %.6f s, %d SIGALRM\n", now() - t0, (int)alarms);
	alarm(10);
	sleep_for(2.5);
	printf("alarm: %u s were left of 10 after 2.5 s\n", alarm(0));
	t0 = now();
	alarm(1);
	unsigned left = sleep(100);
	printf("alarm: sleep(100) ended by SIGALRM after %.6f s, %u s left\n", now() - t0, left);
}

/* ITIMER_REAL every 0.5 s: ten ticks, and what getitimer says between two. */
static void try_itimer(void)
{
	alarms = 0;
	double t0 = now();
	struct itimerval v = { .it_interval = { 0, 500000 }, .it_value = { 0, 500000 } };
	check(setitimer(ITIMER_REAL, &v, NULL) == 0, "setitimer");
	sigset_t none;
	sigemptyset(&none);
	sigset_t alrm;
	sigemptyset(&alrm);
	sigaddset(&alrm, SIGALRM);
	sigprocmask(SIG_BLOCK, &alrm, NULL);
	while (alarms < 10) {
		sigsuspend(&none);
		if (alarms == 3) {
			sigprocmask(SIG_UNBLOCK, &alrm, NULL);
			sleep_for(0.2);
			struct itimerval left;
			check(getitimer(ITIMER_REAL, &left) == 0, "getitimer");
			printf("itimer: %ld.%06ld s left, interval %ld.%06ld s\n", (long)left.it_value.tv_sec,
			       (long)left.it_value.tv_usec, (long)left.it_interval.tv_sec, (long)left.it_interval.tv_usec);
			sigprocmask(SIG_BLOCK, &alrm, NULL);
		}
	}
	struct itimerval off = { { 0, 0 }, { 0, 0 } };
	check(setitimer(ITIMER_REAL, &off, NULL) == 0, "setitimer");
	sigprocmask(SIG_UNBLOCK, &alrm, NULL);
	printf("itimer: %d ticks of 0.5 s after %.6f s\n", (int)alarms, now() - t0);
	sleep_for(1);
	printf("itimer: %d ticks 1 s after it was disarmed\n", (int)alarms);
}

/* A POSIX timer signalling SIGRTMIN every 0.25 s, taken with sigwaitinfo. */
static void try_posix_signal(void)
{
	sigset_t rt;
	sigemptyset(&rt);
	sigaddset(&rt, SIGRTMIN);
	sigprocmask(SIG_BLOCK, &rt, NULL);
	struct sigevent ev;
	memset(&ev, 0, sizeof(ev));
	ev.sigev_notify = SIGEV_SIGNAL;
	ev.sigev_signo = SIGRTMIN;
	ev.sigev_value.sival_int = 42;
	timer_t id;
	check(timer_create(CLOCK_MONOTONIC, &ev, &id) == 0, "timer_create");
	double t0 = now();
	struct itimerspec its = { .it_interval = { 0, 250000000 }, .it_value = { 0, 250000000 } };
	check(timer_settime(id, 0, &its, NULL) == 0, "timer_settime");
	for (int i = 1; i <= 4; i++) {
		siginfo_t si;
		check(sigwaitinfo(&rt, &si) == SIGRTMIN, "sigwaitinfo");
		printf("posix signal: tick %d at %.6f s, %s, value %d\n", i, now() - t0,
		       si.si_code == SI_TIMER ? "SI_TIMER" : "not SI_TIMER", si.si_value.sival_int);
	}
	sleep_for(0.1);
	struct itimerspec left;
	check(timer_gettime(id, &left) == 0, "timer_gettime");
	printf("posix signal: %.6f s left, interval %.6f s\n", secs(left.it_value), secs(left.it_interval));
	check(timer_delete(id) == 0, "timer_delete");
}

/* SIGEV_NONE still runs the timer; a periodic signal left pending counts the expirations it missed. */
static void try_posix_none_and_overrun(void)
{
	struct sigevent ev;
	memset(&ev, 0, sizeof(ev));
	ev.sigev_notify = SIGEV_NONE;
	timer_t quiet;
	check(timer_create(CLOCK_MONOTONIC, &ev, &quiet) == 0, "timer_create");
	struct itimerspec its = { .it_interval = { 0, 300000000 }, .it_value = { 1, 0 } };
	check(timer_settime(quiet, 0, &its, NULL) == 0, "timer_settime");
	sleep_for(1.5);
	struct itimerspec left;
	check(timer_gettime(quiet, &left) == 0, "timer_gettime");
	printf("posix none: %.6f s left after 1.5 s\n", secs(left.it_value));
	check(timer_delete(quiet) == 0, "timer_delete");

	sigset_t rt;
	sigemptyset(&rt);
	sigaddset(&rt, SIGRTMIN + 1);
	sigprocmask(SIG_BLOCK, &rt, NULL);
	ev.sigev_notify = SIGEV_SIGNAL;
	ev.sigev_signo = SIGRTMIN + 1;
	timer_t id;
	check(timer_create(CLOCK_MONOTONIC, &ev, &id) == 0, "timer_create");
	struct itimerspec every = { .it_interval = { 0, 100000000 }, .it_value = { 0, 100000000 } };
	check(timer_settime(id, 0, &every, NULL) == 0, "timer_settime");
	sleep_for(0.55);
	siginfo_t si;
	check(sigwaitinfo(&rt, &si) == SIGRTMIN + 1, "sigwaitinfo");
	printf("posix overrun: %d expirations while the first signal waited\n", timer_getoverrun(id));
	check(timer_delete(id) == 0, "timer_delete");
}

static void on_thread_timer(union sigval v)
{
	thread_fired_at = now();
	thread_value = v.sival_int;
	sem_post(&thread_fired);
}

/* SIGEV_THREAD: the C library's thread calls the function at the expiry, 1.5 s away. */
static void try_posix_thread(void)
{
	check(sem_init(&thread_fired, 0, 0) == 0, "sem_init");
	struct sigevent ev;
	memset(&ev, 0, sizeof(ev));
	ev.sigev_notify = SIGEV_THREAD;
	ev.sigev_notify_function = on_thread_timer;
	ev.sigev_value.sival_int = 7;
	timer_t id;
	check(timer_create(CLOCK_REALTIME, &ev, &id) == 0, "timer_create");
	double t0 = now();
	struct timespec wall;
	check(clock_gettime(CLOCK_REALTIME, &wall) == 0, "clock_gettime");
	wall.tv_sec += 1;
	wall.tv_nsec += 500000000;
	if (wall.tv_nsec >= 1000000000) {
		wall.tv_sec++;
		wall.tv_nsec -= 1000000000;
	}
	struct itimerspec its = { .it_value = wall };
	check(timer_settime(id, TIMER_ABSTIME, &its, NULL) == 0, "timer_settime");
	while (sem_wait(&thread_fired) < 0)
		check(errno == EINTR, "sem_wait");
	printf("posix thread: function ran after %.6f s with value %d\n", thread_fired_at - t0, thread_value);
	check(timer_delete(id) == 0, "timer_delete");
}

/* A periodic timerfd: expirations add up while nobody reads; a blocking read waits for the next. */
static void try_timerfd(void)
{
	int fd = timerfd_create(CLOCK_MONOTONIC, 0);
	check(fd >= 0, "timerfd_create");
	double t0 = now();
	struct itimerspec its = { .it_interval = { 0, 100000000 }, .it_value = { 0, 100000000 } };
	check(timerfd_settime(fd, 0, &its, NULL) == 0, "timerfd_settime");
	sleep_for(0.35);
	uint64_t n;
	check(read(fd, &n, sizeof(n)) == sizeof(n), "read");
	printf("timerfd: %llu expirations by %.6f s\n", (unsigned long long)n, now() - t0);
	check(read(fd, &n, sizeof(n)) == sizeof(n), "read");
	printf("timerfd: %llu more at %.6f s\n", (unsigned long long)n, now() - t0);
	sleep_for(0.03);
	struct itimerspec left;
	check(timerfd_gettime(fd, &left) == 0, "timerfd_gettime");
	printf("timerfd: %.6f s left, interval %.6f s\n", secs(left.it_value), secs(left.it_interval));
	close(fd);

	fd = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK);
	check(fd >= 0, "timerfd_create");
	struct timespec wall;
	check(clock_gettime(CLOCK_REALTIME, &wall) == 0, "clock_gettime");
	struct itimerspec at = { .it_value = { wall.tv_sec + 2, wall.tv_nsec } };
	check(timerfd_settime(fd, TFD_TIMER_ABSTIME, &at, NULL) == 0, "timerfd_settime");
	printf("timerfd: a read before the expiry: %s\n", read(fd, &n, sizeof(n)) < 0 && errno == EAGAIN ? "EAGAIN" : "data");
	int ep = epoll_create1(0);
	check(ep >= 0, "epoll_create1");
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = fd };
	check(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) == 0, "epoll_ctl");
	t0 = now();
	struct epoll_event got;
	check(epoll_wait(ep, &got, 1, -1) == 1 && got.data.fd == fd, "epoll_wait");
	check(read(fd, &n, sizeof(n)) == sizeof(n), "read");
	printf("timerfd: epoll woke after %.6f s, %llu expiration\n", now() - t0, (unsigned long long)n);
	close(ep);
	close(fd);
}

/*
 * "exec-posix": a POSIX timer of SIGALRM armed for 1 s, then exec of sleep 2: exec deletes
 * the timer, so sleep ends normally. "exec-alarm": the same with alarm(1), which survives
 * exec: sleep is killed at 1 s.
 */
static void exec_sleep(const char *mode)
{
	if (strcmp(mode, "exec-posix") == 0) {
		timer_t id;
		check(timer_create(CLOCK_MONOTONIC, NULL, &id) == 0, "timer_create");
		struct itimerspec its = { .it_value = { 1, 0 } };
		check(timer_settime(id, 0, &its, NULL) == 0, "timer_settime");
	} else {
		alarm(1);
	}
	execl("/bin/sleep", "sleep", "2", (char *)NULL);
	perror("execl");
	exit(1);
}

/* A timerfd beside a socket of the simulated network, in one epoll set and one poll set. */
static void try_timerfd_with_socket(void)
{
	int sock = socket(AF_INET, SOCK_DGRAM, 0);
	check(sock >= 0, "socket");
	struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons(7000) };
	check(bind(sock, (struct sockaddr *)&addr, sizeof(addr)) == 0, "bind");
	int fd = timerfd_create(CLOCK_MONOTONIC, 0);
	check(fd >= 0, "timerfd_create");
	double t0 = now();
	struct itimerspec its = { .it_interval = { 0, 300000000 }, .it_value = { 0, 300000000 } };
	check(timerfd_settime(fd, 0, &its, NULL) == 0, "timerfd_settime");
	int ep = epoll_create1(0);
	check(ep >= 0, "epoll_create1");
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = fd };
	check(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) == 0, "epoll_ctl");
	ev.data.fd = sock;
	check(epoll_ctl(ep, EPOLL_CTL_ADD, sock, &ev) == 0, "epoll_ctl");
	uint64_t n;
	for (int i = 1; i <= 2; i++) {
		struct epoll_event got;
		check(epoll_wait(ep, &got, 1, 5000) == 1 && got.data.fd == fd, "epoll_wait");
		check(read(fd, &n, sizeof(n)) == sizeof(n), "read");
		printf("timerfd and socket: epoll woke for the timerfd at %.6f s\n", now() - t0);
	}
	struct pollfd fds[2] = { { .fd = fd, .events = POLLIN }, { .fd = sock, .events = POLLIN } };
	check(poll(fds, 2, 5000) == 1 && fds[0].revents == POLLIN, "poll");
	printf("timerfd and socket: poll woke for the timerfd at %.6f s\n", now() - t0);
	close(ep);
	close(fd);
	close(sock);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 1)
		exec_sleep(argv[1]);
	check(clock_gettime(CLOCK_MONOTONIC, &start) == 0, "clock_gettime");
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	check(sigaction(SIGALRM, &sa, NULL) == 0, "sigaction");
	try_alarm();
	try_itimer();
	try_posix_signal();
	try_posix_none_and_overrun();
	try_posix_thread();
	try_timerfd();
	try_timerfd_with_socket();
	printf("done at %.6f s\n", now());
	return 0;
}
