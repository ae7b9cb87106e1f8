/*
 * Waiting on several descriptors (poll, ppoll, select, pselect6 and the epoll waits) when
 * a translated socket is among them: reprise waits in simulated time until the kernel
 * has something to report, asking it from reprise's side, then lets the call run in the
 * kernel, which returns at once and fills in the result itself (edge-triggered and
 * one-shot epoll watches included); once the timeout has passed in simulated time, the
 * call runs with none. Changes to translated sockets are announced; a set holding other
 * descriptors too is looked at again after growing simulated quanta. Sets without
 * translated sockets are left to the other rules. The calls share one answer, as only
 * where they keep their descriptors and their timeout differs.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "emulate/fdtable.h"
#include "emulate/translate.h"

#define ARG(i) (th->t->args[i])
#define MAX_WAIT_FDS 4096

struct wait_set {
	int fds[MAX_WAIT_FDS];
	short events[MAX_WAIT_FDS];
	size_t n;
	int translated;          /* a translated socket is in the set */
	int other;               /* so is another descriptor, whose changes nobody announces */
};

static void wait_set_add(struct emu_thread *th, struct wait_set *ws, int fd, short events)
{
	ws->fds[ws->n] = fd;
	ws->events[ws->n] = events;
	ws->n++;
	if (is_translated(th, fd))
		ws->translated = 1;
	else
		ws->other = 1;
}

static int wait_set_ready(struct emu_thread *th, const struct wait_set *ws)
{
	for (size_t i = 0; i < ws->n; i++)
		if (native_poll(th->proc->pid, ws->fds[i], ws->events[i]) & (ws->events[i] | POLLERR | POLLHUP | POLLNVAL))
			return 1;
	return 0;
}

/* What the kernel would answer for the set now and what the process moved so far, summed up; 0 when the call would wait. */
static uint64_t answer_signature(struct emu_thread *th, const struct wait_set *ws, int no_timeout)
{
	uint64_t signature = emu_mix(emu_mix(th->t->nr, ws->n), th->proc->fds->translated_transfers);
	int ready = 0;
	for (size_t i = 0; i < ws->n; i++) {
		short wanted = ws->events[i] | POLLERR | POLLHUP | POLLNVAL;
		short revents = native_poll(th->proc->pid, ws->fds[i], ws->events[i]) & wanted;
		ready |= revents != 0;
		signature = emu_mix(emu_mix(signature, (uint64_t)ws->fds[i]), (uint64_t)(uint16_t)revents);
	}
	return ready || no_timeout ? signature : 0;
}

/* Waits until the kernel has something for the set or timeout (< 0: none) has passed; returns the time left. */
static double await_set(struct emu_thread *th, const struct wait_set *ws, double timeout)
{
	double deadline = timeout < 0 ? -1 : emu_clock() + timeout;
	double quantum = EMU_POLL_QUANTUM_FIRST;
	for (;;) {
		double left = deadline < 0 ? -1 : deadline - emu_clock();
		if (deadline >= 0 && left < 0)
			left = 0;
		if (wait_set_ready(th, ws) || left == 0)
			return left;
		if (ws->other)
			emu_wait_polling(&quantum, left);
		else
			emu_wait(left);
	}
}

/* The call runs in the kernel with its timeout (argument i, a timeval or a timespec) set to left. */
static int pass_timeout(struct emu_thread *th, int i, double left, int timeval)
{
	time_t sec = (time_t)left;
	long frac = (long)((left - (double)sec) * (timeval ? 1e6 : 1e9));
	struct timeval tv = { .tv_sec = sec, .tv_usec = frac };
	struct timespec ts = { .tv_sec = sec, .tv_nsec = frac };
	uint64_t at = scratch(th, sizeof(ts));
	if (emu_write(th, at, timeval ? (const void *)&tv : (const void *)&ts, timeval ? sizeof(tv) : sizeof(ts)) < 0)
		return -EFAULT;
	return rewrite_arg(th, i, at) < 0 ? -ENOMEM : 0;
}

enum timeout_form { MILLISECONDS, TIMEVAL, TIMESPEC };

/* A call's timeout argument: seconds, -1 for none, or -2 when the kernel is to judge it. */
static double read_timeout(struct emu_thread *th, enum timeout_form form, uint64_t arg)
{
	if (form == MILLISECONDS)
		return (int)arg < 0 ? -1 : (int)arg / 1000.0;
	if (!arg)
		return -1;
	if (form == TIMEVAL) {
		struct timeval tv;
		if (emu_read(th, arg, &tv, sizeof(tv)) < 0 || tv.tv_sec < 0 || tv.tv_usec < 0)
			return -2;
		return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
	}
	struct timespec ts;
	if (emu_read(th, arg, &ts, sizeof(ts)) < 0 || ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000L)
		return -2;
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* poll and ppoll: the pollfd array at ARG(0), ARG(1) entries; whether it holds a translated socket. */
static int read_poll_set(struct emu_thread *th, struct wait_set *ws)
{
	uint64_t nfds = ARG(1);
	struct pollfd p[MAX_WAIT_FDS];
	ws->n = 0;
	ws->translated = ws->other = 0;
	if (nfds > MAX_WAIT_FDS || (nfds && emu_read(th, ARG(0), p, nfds * sizeof(p[0])) < 0))
		return 0;
	for (uint64_t i = 0; i < nfds; i++)
		if (p[i].fd >= 0)
			wait_set_add(th, ws, p[i].fd, p[i].events);
	return ws->translated;
}

/* select and pselect6: the three descriptor sets at ARG(1..3), ARG(0) descriptors. */
static int read_select_set(struct emu_thread *th, struct wait_set *ws)
{
	static const short bits[3] = { POLLIN, POLLOUT, POLLPRI };
	int64_t nfds = (int64_t)ARG(0);
	uint64_t words[3][MAX_WAIT_FDS / 64];
	ws->n = 0;
	ws->translated = ws->other = 0;
	if (nfds < 0 || nfds > MAX_WAIT_FDS)
		return 0;
	size_t len = ((size_t)nfds + 63) / 64 * 8;
	for (int k = 0; k < 3; k++)
		if (!ARG(1 + k))
			memset(words[k], 0, sizeof(words[k]));
		else if (emu_read(th, ARG(1 + k), words[k], len) < 0)
			return 0;
	for (int fd = 0; fd < nfds; fd++) {
		short events = 0;
		for (int k = 0; k < 3; k++)
			if (ARG(1 + k) && (words[k][fd / 64] >> (fd % 64)) & 1)
				events |= bits[k];
		if (events)
			wait_set_add(th, ws, fd, events);
	}
	return ws->translated;
}

/* An epoll set watching a translated socket: its descriptor is readable when the kernel has events. */
static int read_epoll_set(struct emu_thread *th, struct wait_set *ws)
{
	char path[64], line[256];
	ws->n = 0;
	ws->translated = ws->other = 0;
	if (ARG(0) > INT32_MAX)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", (int)th->proc->pid, (int)ARG(0));
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	int watched;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "tfd: %d", &watched) == 1) {
			if (is_translated(th, watched))
				ws->translated = 1;
			else
				ws->other = 1;
		}
	fclose(f);
	ws->fds[0] = (int)ARG(0);
	ws->events[0] = POLLIN;
	ws->n = 1;
	return ws->translated;
}

static const struct wait_call {
	const char *name;
	int (*read_set)(struct emu_thread *th, struct wait_set *ws);
	int timeout_arg;
	enum timeout_form form;
	int leaves_time_left;    /* Linux leaves the time not slept in the timeval or timespec */
} wait_calls[] = {
	{ "poll", read_poll_set, 2, MILLISECONDS, 0 },
	{ "ppoll", read_poll_set, 2, TIMESPEC, 0 },
	{ "select", read_select_set, 4, TIMEVAL, 1 },
	{ "pselect6", read_select_set, 4, TIMESPEC, 1 },
	{ "epoll_wait", read_epoll_set, 3, MILLISECONDS, 0 },
	{ "epoll_pwait", read_epoll_set, 3, MILLISECONDS, 0 },
	{ "epoll_pwait2", read_epoll_set, 3, TIMESPEC, 0 },
};

enum verdict answer_wait(struct emu_thread *th, int64_t *result)
{
	const struct wait_call *c = emu_call_entry(th, wait_calls, sizeof(wait_calls) / sizeof(wait_calls[0]), sizeof(wait_calls[0]));
	struct wait_set ws;
	if (!c)
		return NATIVE;
	uint64_t arg = ARG(c->timeout_arg);
	double timeout = read_timeout(th, c->form, arg);
	if (timeout < -1 || !c->read_set(th, &ws))
		return NATIVE;
	emu_busy_turn(th, answer_signature(th, &ws, timeout == 0));
	double left = await_set(th, &ws, timeout);
	int rc = 0;
	/* Past the timeout the call runs with none, and so returns at once. */
	if (c->form == MILLISECONDS && left == 0)
		rc = rewrite_arg(th, c->timeout_arg, 0);
	else if (arg && (c->leaves_time_left || left == 0))
		rc = pass_timeout(th, c->timeout_arg, left, c->form == TIMEVAL);
	if (rc < 0) {
		*result = rc;
		return ANSWERED;
	}
	follow_to_exit(th);
	return NATIVE;
}
