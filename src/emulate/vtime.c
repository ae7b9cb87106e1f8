/*
 * Virtual time: the clocks programs read are SimGrid's clock (plus the configured epoch
 * for wall-clock time), and sleeping waits in simulated time, so a program sleeping an
 * hour takes no real hour; a signal ends a sleep as it would in the kernel.
 */
#include <errno.h>
#include <simgrid/engine.h>
#include <sys/time.h>
#include <time.h>

#include "emulate/calls.h"

#define NS_PER_S 1000000000ll
/* A deadline closer than this counts as reached (simulated time is a double). */
#define SLEEP_SLACK 1e-9

double emu_clock(void)
{
	return simgrid_get_clock();
}

/* Both clocks are non-negative: rounding is adding a half. */
static int64_t to_ns(double secs)
{
	return (int64_t)(secs * 1e9 + 0.5);
}

static int64_t now_ns(int wall)
{
	return to_ns(emu_clock()) + (wall ? to_ns(emu.epoch) : 0);
}

/* 1: a wall clock; 0: a clock counting from the start; -1: one the emulator leaves to the kernel. */
static int clock_kind(uint64_t id)
{
	switch (id) {
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_COARSE:
	case CLOCK_TAI:
		return 1;
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_BOOTTIME:
		return 0;
	default:
		return -1;
	}
}

static enum verdict answer_clock_gettime(struct emu_thread *th, int64_t *result)
{
	int kind = clock_kind(th->t->args[0]);
	if (kind < 0)
		return NATIVE;
	int64_t ns = now_ns(kind);
	struct timespec ts = { .tv_sec = ns / NS_PER_S, .tv_nsec = ns % NS_PER_S };
	*result = emu_write(th, th->t->args[1], &ts, sizeof(ts)) < 0 ? -EFAULT : 0;
	return ANSWERED;
}

static enum verdict answer_gettimeofday(struct emu_thread *th, int64_t *result)
{
	int64_t ns = now_ns(1);
	struct timeval tv = { .tv_sec = ns / NS_PER_S, .tv_usec = (ns % NS_PER_S) / 1000 };
	struct timezone tz = { 0, 0 };
	*result = 0;
	if (th->t->args[0] && emu_write(th, th->t->args[0], &tv, sizeof(tv)) < 0)
		*result = -EFAULT;
	if (th->t->args[1] && emu_write(th, th->t->args[1], &tz, sizeof(tz)) < 0)
		*result = -EFAULT;
	return ANSWERED;
}

static enum verdict answer_time(struct emu_thread *th, int64_t *result)
{
	int64_t secs = now_ns(1) / NS_PER_S;
	*result = secs;
	if (th->t->args[0] && emu_write(th, th->t->args[0], &secs, sizeof(secs)) < 0)
		*result = -EFAULT;
	return ANSWERED;
}

static int read_duration(struct emu_thread *th, uint64_t addr, double *secs)
{
	struct timespec ts;
	if (emu_read(th, addr, &ts, sizeof(ts)) < 0)
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= NS_PER_S)
		return -EINVAL;
	*secs = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	return 0;
}

/*
 * Sleeps until simulated time deadline, or until a signal would interrupt the sleep in
 * the kernel: 0, or -EINTR with the time left in *left. Nanosleeps are never restarted
 * after a handler, whatever SA_RESTART says. A signal pending at the call's entry was
 * delivered before it, so only signals sent during the sleep are looked for.
 */
static int sleep_until(struct emu_thread *th, double deadline, double *left)
{
	uint64_t checked = emu_signals_sent();
	for (;;) {
		*left = deadline - emu_clock();
		if (checked != emu_signals_sent()) {
			checked = emu_signals_sent();
			if (emu_signal_interrupts(th))
				return -EINTR;
		}
		if (*left <= SLEEP_SLACK)
			return 0;
		emu_wait(*left);
	}
}

static int write_left(struct emu_thread *th, uint64_t addr, double left)
{
	int64_t ns = left > 0 ? to_ns(left) : 0;
	struct timespec ts = { .tv_sec = ns / NS_PER_S, .tv_nsec = ns % NS_PER_S };
	return addr && emu_write(th, addr, &ts, sizeof(ts)) < 0 ? -EFAULT : 0;
}

static enum verdict answer_nanosleep(struct emu_thread *th, int64_t *result)
{
	double secs, left;
	int rc = read_duration(th, th->t->args[0], &secs);
	if (rc == 0)
		rc = sleep_until(th, emu_clock() + secs, &left);
	if (rc == -EINTR && write_left(th, th->t->args[1], left) < 0)
		rc = -EFAULT;
	*result = rc;
	return ANSWERED;
}

static enum verdict answer_clock_nanosleep(struct emu_thread *th, int64_t *result)
{
	int kind = clock_kind(th->t->args[0]);
	if (kind < 0)
		return NATIVE;
	double secs, left;
	int absolute = (th->t->args[1] & TIMER_ABSTIME) != 0;
	int rc = read_duration(th, th->t->args[2], &secs);
	if (rc == 0)
		rc = sleep_until(th, absolute ? secs - (kind ? emu.epoch : 0) : emu_clock() + secs, &left);
	/* Only a relative sleep reports the time left. */
	if (rc == -EINTR && !absolute && write_left(th, th->t->args[3], left) < 0)
		rc = -EFAULT;
	*result = rc;
	return ANSWERED;
}

const struct call_rule vtime_rules[] = {
	{ "clock_gettime", answer_clock_gettime, NEVER_BLOCKS },
	{ "gettimeofday", answer_gettimeofday, NEVER_BLOCKS },
	{ "time", answer_time, NEVER_BLOCKS },
	{ "nanosleep", answer_nanosleep, NEVER_BLOCKS },
	{ "clock_nanosleep", answer_clock_nanosleep, MAY_BLOCK },
	{ NULL, NULL, NEVER_BLOCKS },
};
