/*
 * Waiting on several descriptors: poll, ppoll, select, pselect6 and epoll over sets that
 * hold mediated sockets. Sockets are asked of the mediated network; other descriptors
 * (pipes, files, terminals) of the kernel, from reprise's side (native_poll), so a set
 * mixing both is answered as the kernel would. Timeouts run in simulated time; while
 * a set holds kernel descriptors, whose changes no actor announces, the wait looks at
 * them again after growing simulated quanta. Sets with no mediated socket run in the
 * kernel unchanged.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/time.h>
#include <time.h>

#include "arch/arch.h"
#include "emulate/calls.h"
#include "emulate/fdtable.h"
#include "emulate/net.h"
#include "util/util.h"

#define ARG(i) (th->t->args[i])
/* Larger sets run in the kernel, which then judges them. */
#define MAX_POLL_FDS 4096
#define MAX_SELECT_FDS 65536
/* epoll_wait reports at most this many events per call; fewer than asked is allowed. */
#define MAX_EPOLL_EVENTS 1024
/* A busy loop's turns take this long in simulated time, doubling BUSY_DOUBLINGS times while it goes on. */
#define BUSY_FIRST 1e-6
#define BUSY_DOUBLINGS 10

static struct sock *sock_at(struct emu_thread *th, int64_t fd)
{
	return fd < 0 || fd > INT32_MAX ? NULL : fdtable_get(th->proc->fds, (int)fd);
}

/* The time left until deadline (< 0: none), never negative. */
static double time_left(double deadline)
{
	if (deadline < 0)
		return -1;
	double left = deadline - emu_clock();
	return left > 0 ? left : 0;
}

uint64_t emu_mix(uint64_t h, uint64_t v)
{
	return (h ^ v) * 0x100000001b3ull;
}

/* What a descriptor of a wait looks like now: its number, its ready bits, and for a socket how much it has changed. */
static uint64_t mix_fd(struct emu_thread *th, uint64_t h, int fd, uint64_t ready)
{
	struct sock *s = sock_at(th, fd);
	return emu_mix(emu_mix(emu_mix(h, (uint64_t)fd), ready), s ? sock_activity(s) : 0);
}

int emu_busy_turn(struct emu_thread *th, uint64_t signature)
{
	struct fdtable *ft = th->proc->fds;
	if (signature == 0 || signature != ft->busy_signature) {
		ft->busy_signature = signature;
		ft->busy_repeats = 0;
		return 0;
	}
	unsigned doublings = ft->busy_repeats < BUSY_DOUBLINGS ? ft->busy_repeats : BUSY_DOUBLINGS;
	ft->busy_repeats++;
	emu_wait(BUSY_FIRST * (double)(1u << doublings));
	return 1;
}

/*
 * What a wait a signal ended answers. Without a timeout, it is made again if the signal went
 * to another thread of the process (in Linux it would not have ended); with one, it fails
 * with EINTR all the same, as restarting it would begin its timeout anew.
 */
static int64_t interrupted(struct emu_thread *th, double deadline)
{
	return emu_interrupted_answer(th, deadline < 0 ? -EMU_EINTR_NOHAND : -EINTR);
}

/* Whether the call gives a signal mask to wait under: ppoll, pselect6 and epoll_pwait may. */
static int signal_mask_given(struct emu_thread *th)
{
	static int nr_ppoll = -2, nr_pselect6, nr_epoll_pwait;
	if (nr_ppoll == -2) {
		nr_ppoll = arch_syscall_nr(arch_native(), "ppoll");
		nr_pselect6 = arch_syscall_nr(arch_native(), "pselect6");
		nr_epoll_pwait = arch_syscall_nr(arch_native(), "epoll_pwait");
	}
	int nr = (int)th->t->nr;
	if (nr == nr_ppoll)
		return ARG(3) != 0;
	if (nr == nr_epoll_pwait)
		return ARG(4) != 0;
	uint64_t mask_and_size[2];
	return nr == nr_pselect6 && ARG(5) && emu_read(th, ARG(5), mask_and_size, sizeof(mask_and_size)) == 0 &&
	       mask_and_size[0] != 0;
}

/*
 * Waits for a change; returns whether a signal sent meanwhile ends the wait. A handler
 * never restarts these calls; only a signal another thread takes may (see interrupted).
 */
static int wait_for_change(struct emu_thread *th, int watches_kernel, double *quantum, double deadline,
			   uint64_t *signals)
{
	if (!emu.warned[th->t->nr] && signal_mask_given(th))
		emu_warn_once(th->t->nr, "the signal mask given is not applied while the call waits in simulated time: "
					 "signals it unblocks do not interrupt the wait, signals it blocks do");
	if (watches_kernel)
		emu_wait_polling(quantum, time_left(deadline));
	else
		emu_wait(time_left(deadline));
	return emu_signal_since(th, signals);
}

static enum verdict answer_poll_common(struct emu_thread *th, int64_t *result, double timeout)
{
	uint64_t nfds = ARG(1);
	if (nfds > MAX_POLL_FDS)
		return NATIVE;
	struct pollfd *fds = rp_malloc((nfds ? nfds : 1) * sizeof(*fds));
	if (nfds && emu_read(th, ARG(0), fds, nfds * sizeof(*fds)) < 0) {
		free(fds);
		*result = -EFAULT;
		return ANSWERED;
	}
	size_t mediated = 0, kernel = 0;
	for (size_t i = 0; i < nfds; i++) {
		if (fds[i].fd < 0)
			continue;
		if (sock_at(th, fds[i].fd))
			mediated++;
		else
			kernel++;
	}
	if (!mediated) {
		free(fds);
		return NATIVE;
	}
	double deadline = timeout < 0 ? -1 : emu_clock() + timeout;
	double quantum = EMU_POLL_QUANTUM_FIRST;
	uint64_t signals = emu_signals_sent();
	int waited = 0, spun = 0;
	for (;;) {
		int ready = 0;
		uint64_t signature = emu_mix(th->t->nr, nfds);
		for (size_t i = 0; i < nfds; i++) {
			struct sock *s = sock_at(th, fds[i].fd);
			short wanted = fds[i].events | POLLERR | POLLHUP;
			if (fds[i].fd < 0)
				fds[i].revents = 0;
			else if (s)
				fds[i].revents = sock_poll(s) & wanted;
			else
				fds[i].revents = native_poll(th->proc->pid, fds[i].fd, fds[i].events) & (wanted | POLLNVAL);
			ready += fds[i].revents != 0;
			signature = mix_fd(th, signature, fds[i].fd, (uint64_t)(uint16_t)fds[i].events << 16 | (uint16_t)fds[i].revents);
		}
		if (ready || time_left(deadline) == 0) {
			if (!spun && (spun = emu_busy_turn(th, waited ? 0 : signature)))
				continue;
			*result = emu_write(th, ARG(0), fds, nfds * sizeof(*fds)) < 0 ? -EFAULT : ready;
			break;
		}
		if (wait_for_change(th, kernel != 0, &quantum, deadline, &signals)) {
			*result = interrupted(th, deadline);
			break;
		}
		waited = 1;
	}
	free(fds);
	return ANSWERED;
}

static enum verdict answer_poll(struct emu_thread *th, int64_t *result)
{
	int ms = (int)ARG(2);
	return answer_poll_common(th, result, ms < 0 ? -1 : ms / 1000.0);
}

static int read_timespec(struct emu_thread *th, uint64_t addr, double *timeout)
{
	struct timespec ts;
	if (!addr) {
		*timeout = -1;
		return 0;
	}
	if (emu_read(th, addr, &ts, sizeof(ts)) < 0)
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000L)
		return -EINVAL;
	*timeout = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	return 0;
}

static enum verdict answer_ppoll(struct emu_thread *th, int64_t *result)
{
	double timeout;
	int rc = read_timespec(th, ARG(2), &timeout);
	if (rc < 0) {
		*result = rc;
		return ANSWERED;
	}
	return answer_poll_common(th, result, timeout);
}

/* The three descriptor sets of select, as words of bits; NULL where the program passed none. */
struct fd_sets {
	uint64_t *want[3], *got[3];
	size_t words;
};

static void free_sets(struct fd_sets *fs)
{
	for (int k = 0; k < 3; k++) {
		free(fs->want[k]);
		free(fs->got[k]);
	}
}

static int is_set(const uint64_t *bits, int fd)
{
	return bits && (bits[fd / 64] >> (fd % 64)) & 1;
}

/* Which poll bits make a descriptor readable, writable or exceptional for select. */
static const short select_bits[3] = { POLLIN | POLLHUP | POLLERR, POLLOUT | POLLERR, POLLPRI };

/* One look at every descriptor of the sets: the count of bits set in got, or -EBADF; *signature sums it up. */
static int64_t select_scan(struct emu_thread *th, int nfds, struct fd_sets *fs, uint64_t *signature)
{
	int64_t count = 0;
	*signature = emu_mix(th->t->nr, (uint64_t)nfds);
	for (int k = 0; k < 3; k++)
		if (fs->got[k])
			memset(fs->got[k], 0, fs->words * 8);
	for (int fd = 0; fd < nfds; fd++) {
		short events = 0;
		for (int k = 0; k < 3; k++)
			if (is_set(fs->want[k], fd))
				events |= select_bits[k];
		if (!events)
			continue;
		struct sock *s = sock_at(th, fd);
		short revents = s ? sock_poll(s) : native_poll(th->proc->pid, fd, POLLIN | POLLOUT | POLLPRI);
		if (!s && (revents & POLLNVAL))
			return -EBADF;
		uint64_t got = 0;
		for (int k = 0; k < 3; k++)
			if (is_set(fs->want[k], fd) && (revents & select_bits[k])) {
				fs->got[k][fd / 64] |= 1ull << (fd % 64);
				got |= 1u << k;
				count++;
			}
		*signature = mix_fd(th, *signature, fd, (uint64_t)(uint16_t)events << 16 | got);
	}
	return count;
}

/* select and pselect6: sets at ARG(1..3); the timeout and the time left are the caller's. */
static enum verdict answer_select_common(struct emu_thread *th, int64_t *result, double timeout, double *left)
{
	int64_t nfds = (int64_t)ARG(0);
	if (nfds < 0 || nfds > MAX_SELECT_FDS)
		return NATIVE;
	struct fd_sets fs = { .words = ((size_t)nfds + 63) / 64 };
	int mediated = 0, kernel = 0;
	for (int k = 0; k < 3; k++) {
		if (!ARG(1 + k) || !fs.words)
			continue;
		fs.want[k] = rp_malloc(fs.words * 8);
		fs.got[k] = rp_malloc(fs.words * 8);
		if (emu_read(th, ARG(1 + k), fs.want[k], fs.words * 8) < 0) {
			free_sets(&fs);
			*result = -EFAULT;
			return ANSWERED;
		}
	}
	for (int fd = 0; fd < nfds; fd++)
		if (is_set(fs.want[0], fd) || is_set(fs.want[1], fd) || is_set(fs.want[2], fd)) {
			if (sock_at(th, fd))
				mediated = 1;
			else
				kernel = 1;
		}
	if (!mediated) {
		free_sets(&fs);
		return NATIVE;
	}
	double deadline = timeout < 0 ? -1 : emu_clock() + timeout;
	double quantum = EMU_POLL_QUANTUM_FIRST;
	uint64_t signals = emu_signals_sent();
	int waited = 0, spun = 0;
	for (;;) {
		uint64_t signature;
		*result = select_scan(th, (int)nfds, &fs, &signature);
		if (*result != 0 || time_left(deadline) == 0) {
			if (*result >= 0 && !spun && (spun = emu_busy_turn(th, waited ? 0 : signature)))
				continue;
			break;
		}
		if (wait_for_change(th, kernel, &quantum, deadline, &signals)) {
			*result = interrupted(th, deadline);
			break;
		}
		waited = 1;
	}
	for (int k = 0; k < 3 && *result >= 0; k++)
		if (fs.got[k] && emu_write(th, ARG(1 + k), fs.got[k], fs.words * 8) < 0)
			*result = -EFAULT;
	*left = time_left(deadline);
	free_sets(&fs);
	return ANSWERED;
}

static enum verdict answer_select(struct emu_thread *th, int64_t *result)
{
	struct timeval tv;
	double timeout = -1, left;
	if (ARG(4)) {
		if (emu_read(th, ARG(4), &tv, sizeof(tv)) < 0) {
			*result = -EFAULT;
			return ANSWERED;
		}
		if (tv.tv_sec < 0 || tv.tv_usec < 0) {
			*result = -EINVAL;
			return ANSWERED;
		}
		timeout = (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
	}
	enum verdict v = answer_select_common(th, result, timeout, &left);
	if (v == ANSWERED && (*result >= 0 || *result == -EINTR) && ARG(4)) {
		/* Linux leaves the time not slept in the timeval, also when a signal ended the wait. */
		tv.tv_sec = (time_t)left;
		tv.tv_usec = (suseconds_t)((left - (double)tv.tv_sec) * 1e6);
		if (emu_write(th, ARG(4), &tv, sizeof(tv)) < 0)
			*result = -EFAULT;
	}
	return v;
}

static enum verdict answer_pselect6(struct emu_thread *th, int64_t *result)
{
	double timeout, left;
	int rc = read_timespec(th, ARG(4), &timeout);
	if (rc < 0) {
		*result = rc;
		return ANSWERED;
	}
	enum verdict v = answer_select_common(th, result, timeout, &left);
	if (v == ANSWERED && (*result >= 0 || *result == -EINTR) && ARG(4)) {
		struct timespec ts = { .tv_sec = (time_t)left };
		ts.tv_nsec = (long)((left - (double)ts.tv_sec) * 1e9);
		if (emu_write(th, ARG(4), &ts, sizeof(ts)) < 0)
			*result = -EFAULT;
	}
	return v;
}

static enum verdict answer_epoll_ctl(struct emu_thread *th, int64_t *result)
{
	if (!sock_at(th, (int64_t)ARG(2)))
		return NATIVE;
	int epfd = (int)ARG(0), op = (int)ARG(1), fd = (int)ARG(2);
	int kind = ARG(0) > INT32_MAX ? -1 : native_epoll_kind(th->proc->pid, epfd);
	struct epoll_event ev = { 0 };
	struct fdtable *ft = th->proc->fds;
	struct epoll_watch *w = kind == 1 ? fdtable_watch_find(ft, epfd, fd) : NULL;
	if (kind < 0)
		*result = -EBADF;
	else if (kind == 0 || epfd == fd)
		*result = -EINVAL;
	else if (op != EPOLL_CTL_DEL && emu_read(th, ARG(3), &ev, sizeof(ev)) < 0)
		*result = -EFAULT;
	else if (op == EPOLL_CTL_ADD && w)
		*result = -EEXIST;
	else if ((op == EPOLL_CTL_MOD || op == EPOLL_CTL_DEL) && !w)
		*result = -ENOENT;
	else if (op != EPOLL_CTL_ADD && op != EPOLL_CTL_MOD && op != EPOLL_CTL_DEL)
		*result = -EINVAL;
	else {
		if (op == EPOLL_CTL_DEL) {
			fdtable_watch_remove(ft, epfd, fd);
		} else {
			if (!w)
				w = fdtable_watch_add(ft, epfd, fd);
			w->events = ev.events;
			w->data = ev.data.u64;
			w->seen = 0;
			w->seen_generation = 0;
			w->disarmed = 0;
		}
		*result = 0;
		/* Another thread may be waiting on this set. */
		emu_notify();
	}
	return ANSWERED;
}

/*
 * Fills out with up to max events of set epfd's mediated sockets ready now; when commit
 * is set, the events count as reported (edge-triggered and one-shot watches change).
 */
static int collect_events(struct emu_thread *th, int epfd, struct epoll_event *out, int max, int commit)
{
	struct fdtable *ft = th->proc->fds;
	int n = 0;
	for (size_t i = 0; i < ft->nwatches && n < max; i++) {
		struct epoll_watch *w = &ft->watches[i];
		struct sock *s = fdtable_get(ft, w->fd);
		if (w->epfd != epfd || w->disarmed || !s)
			continue;
		uint32_t ready = (uint16_t)sock_poll(s) & (w->events | EPOLLERR | EPOLLHUP);
		/*
		 * Edge-triggered: bits not yet reported, or all of them once anything changed
		 * since (new data may have come after the program drained the socket). An
		 * extra report only costs the program an EAGAIN; a missed one would hang it.
		 */
		int fresh = w->seen_generation != emu.generation;
		uint32_t report = w->events & EPOLLET && !fresh ? ready & ~w->seen : ready;
		if (!report)
			continue;
		if (commit) {
			w->seen = ready;
			w->seen_generation = emu.generation;
			w->disarmed = (w->events & EPOLLONESHOT) != 0;
		}
		out[n].events = report;
		out[n].data.u64 = w->data;
		n++;
	}
	return n;
}

static int event_limit(struct emu_thread *th)
{
	int max = (int)ARG(2);
	return max < MAX_EPOLL_EVENTS ? max : MAX_EPOLL_EVENTS;
}

/* The kernel reported its own ready descriptors; the mediated ones follow them. */
static void append_mediated_events(struct emu_thread *th, int64_t ret)
{
	int max = event_limit(th);
	if (ret < 0 || ret >= max)
		return;
	struct epoll_event *events = rp_malloc((size_t)(max - ret) * sizeof(*events));
	int n = collect_events(th, (int)ARG(0), events, max - (int)ret, 1);
	uint64_t at = ARG(1) + (uint64_t)ret * sizeof(*events);
	if (n && emu_write(th, at, events, (size_t)n * sizeof(*events)) < 0)
		tracer_set_return(th->t, -EFAULT);
	else if (n)
		tracer_set_return(th->t, ret + n);
	free(events);
}

/* epoll_wait and epoll_pwait. */
static enum verdict answer_epoll_wait(struct emu_thread *th, int64_t *result)
{
	if (ARG(0) > INT32_MAX || !fdtable_has_watches(th->proc->fds, (int)ARG(0)))
		return NATIVE;
	int epfd = (int)ARG(0), max = event_limit(th), ms = (int)ARG(3);
	if ((int)ARG(2) <= 0) {
		*result = -EINVAL;
		return ANSWERED;
	}
	int kernel = native_epoll_watches(th->proc->pid, epfd);
	double deadline = ms < 0 ? -1 : emu_clock() + ms / 1000.0;
	double quantum = EMU_POLL_QUANTUM_FIRST;
	uint64_t signals = emu_signals_sent();
	struct epoll_event *events = rp_malloc((size_t)max * sizeof(*events));
	enum verdict v = ANSWERED;
	int waited = 0, spun = 0;
	for (;;) {
		if (kernel && (native_poll(th->proc->pid, epfd, POLLIN) & POLLIN)) {
			/* The kernel reports its part without waiting; the exit adds the mediated part. */
			uint64_t args[6] = { ARG(0), ARG(1), ARG(2), 0, ARG(4), ARG(5) };
			if (tracer_rewrite(th->t, th->t->nr, args) < 0) {
				*result = -ENOMEM;
			} else {
				th->exit_hook = append_mediated_events;
				v = NATIVE;
			}
			break;
		}
		int n = collect_events(th, epfd, events, max, 0);
		if (n || time_left(deadline) == 0) {
			uint64_t signature = emu_mix(th->t->nr, (uint64_t)epfd);
			for (int i = 0; i < n; i++)
				signature = emu_mix(emu_mix(signature, events[i].data.u64), events[i].events);
			for (size_t i = 0; i < th->proc->fds->nwatches; i++)
				if (th->proc->fds->watches[i].epfd == epfd)
					signature = mix_fd(th, signature, th->proc->fds->watches[i].fd, 0);
			if (!spun && (spun = emu_busy_turn(th, waited ? 0 : signature)))
				continue;
			n = collect_events(th, epfd, events, max, 1);
			*result = n && emu_write(th, ARG(1), events, (size_t)n * sizeof(*events)) < 0 ? -EFAULT : n;
			break;
		}
		if (wait_for_change(th, kernel, &quantum, deadline, &signals)) {
			*result = interrupted(th, deadline);
			break;
		}
		waited = 1;
	}
	free(events);
	return v;
}

const struct call_rule multiplex_rules[] = {
	{ "poll", answer_poll, MAY_BLOCK },
	{ "ppoll", answer_ppoll, MAY_BLOCK },
	{ "select", answer_select, MAY_BLOCK },
	{ "pselect6", answer_pselect6, MAY_BLOCK },
	{ "epoll_ctl", answer_epoll_ctl, NEVER_BLOCKS },
	{ "epoll_wait", answer_epoll_wait, MAY_BLOCK },
	{ "epoll_pwait", answer_epoll_wait, MAY_BLOCK },
	{ NULL, NULL, NEVER_BLOCKS },
};
