/*
 * Clock family. clock_gettime, clock_getres and gettimeofday go through syscall()
 * because glibc answers them from the vDSO without entering the kernel, and the
 * point is to see each call. Sleeps and timers are 10-20 ms and are checked to
 * have lasted at least that long.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <time.h>

#include "check.h"

#define MS (1000 * 1000)

static int64_t monotonic_ns(void)
{
	struct timespec ts;
	CHECK(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts) == 0);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void read_clocks(void)
{
	static const clockid_t clocks[] = { CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_BOOTTIME,
					    CLOCK_PROCESS_CPUTIME_ID, CLOCK_THREAD_CPUTIME_ID };
	for (size_t i = 0; i < sizeof(clocks) / sizeof(clocks[0]); i++) {
		struct timespec now, res;
		CHECK(syscall(SYS_clock_gettime, clocks[i], &now) == 0);
		CHECK(now.tv_nsec >= 0 && now.tv_nsec < 1000000000);
		CHECK(syscall(SYS_clock_getres, clocks[i], &res) == 0);
		CHECK(res.tv_sec == 0 && res.tv_nsec > 0);
	}
	struct timeval tv;
	CHECK(syscall(SYS_gettimeofday, &tv, NULL) == 0);
	/* after 2020-09-13: the machine's clock is at least roughly right */
	CHECK(tv.tv_sec > 1600000000);
	struct timespec bad;
	CHECK(syscall(SYS_clock_gettime, (clockid_t)12345, &bad) == -1 && errno == EINVAL);
}

static void sleeps(void)
{
	int64_t start = monotonic_ns();
	struct timespec ten_ms = { 0, 10 * MS };
	CHECK(nanosleep(&ten_ms, NULL) == 0);
	CHECK(monotonic_ns() - start >= 10 * MS);

	start = monotonic_ns();
	struct timespec until = { (start + 10 * MS) / 1000000000, (start + 10 * MS) % 1000000000 };
	CHECK(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL) == 0);
	CHECK(monotonic_ns() - start >= 10 * MS);
	CHECK(clock_nanosleep(CLOCK_MONOTONIC, 0, &ten_ms, NULL) == 0);
}

static void timer_fd(void)
{
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
	CHECK(fd >= 0);
	struct itimerspec spec = { .it_value = { 0, 20 * MS } }, left;
	int64_t start = monotonic_ns();
	CHECK(timerfd_settime(fd, 0, &spec, NULL) == 0);
	CHECK(timerfd_gettime(fd, &left) == 0 && left.it_value.tv_nsec <= 20 * MS);
	uint64_t expirations = 0;
	CHECK(read(fd, &expirations, sizeof(expirations)) == 8 && expirations == 1);
	CHECK(monotonic_ns() - start >= 20 * MS);
	CHECK(close(fd) == 0);
}

static void interval_timers(void)
{
	struct itimerval ten_seconds = { .it_value = { 10, 0 } }, now, off = { { 0, 0 }, { 0, 0 } };
	CHECK(setitimer(ITIMER_VIRTUAL, &ten_seconds, NULL) == 0);
	CHECK(getitimer(ITIMER_VIRTUAL, &now) == 0);
	CHECK(now.it_value.tv_sec <= 10 && (now.it_value.tv_sec > 0 || now.it_value.tv_usec > 0));
	CHECK(setitimer(ITIMER_VIRTUAL, &off, &now) == 0);
	CHECK(getitimer(ITIMER_VIRTUAL, &now) == 0 && now.it_value.tv_sec == 0 && now.it_value.tv_usec == 0);
}

static void posix_timer(void)
{
	sigset_t usr1;
	CHECK(sigemptyset(&usr1) == 0 && sigaddset(&usr1, SIGUSR1) == 0);
	CHECK(sigprocmask(SIG_BLOCK, &usr1, NULL) == 0);
	struct sigevent sev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1 };
	sev.sigev_value.sival_int = 42;
	timer_t timer;
	CHECK(timer_create(CLOCK_MONOTONIC, &sev, &timer) == 0);
	struct itimerspec spec = { .it_value = { 0, 20 * MS } };
	int64_t start = monotonic_ns();
	CHECK(timer_settime(timer, 0, &spec, NULL) == 0);
	siginfo_t info;
	CHECK(sigwaitinfo(&usr1, &info) == SIGUSR1);
	CHECK(info.si_code == SI_TIMER && info.si_value.sival_int == 42);
	CHECK(monotonic_ns() - start >= 20 * MS);
	CHECK(timer_delete(timer) == 0);
}

int main(int argc, char **argv)
{
	enter_work_dir(argc, argv);
	read_clocks();
	sleeps();
	timer_fd();
	interval_timers();
	posix_timer();
	return 0;
}
