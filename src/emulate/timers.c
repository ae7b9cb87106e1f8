/*
 * Timers in simulated time: alarm, the real interval timer, POSIX timers and timerfds.
 * The kernel never arms them; each armed timer has a daemon actor on its process's host
 * that waits for the simulated expiry and then does what the kernel would: sends the
 * signal from reprise (POSIX timers as SI_TIMER with the program's value, which Linux
 * accepts from another process since SI_TIMER is negative), or counts an expiration of
 * the timerfd. A timerfd stays the kernel's descriptor, so poll and epoll see it: while
 * expirations are unread, reprise keeps the kernel's timerfd readable by arming its own
 * copy of the descriptor for a nanosecond; reads of timerfds are answered from the count
 * kept here (a re-armed kernel timerfd would restart its own count at 1). Waits reprise
 * answers in simulated time end for a signal as the kernel's would (emu_signal_interrupts).
 */
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <linux/kcmp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <simgrid/actor.h>
#include <simgrid/cond.h>
#include <simgrid/mutex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "arch/arch.h"
#include "emulate/calls.h"
#include "util/util.h"

#define ARG(i) (th->t->args[i])
#define NS_PER_S 1000000000ll
/* Ids of the POSIX timers run here, far above those the kernel counts from 0 for the ones it runs. */
#define FIRST_TIMER_ID 0x40000000
/* How long, in real time, a sent signal or a kernel expiration is given to land before the actor goes on. */
#define LAND_WAIT_NS 50000000ull
/* An expiry closer than this counts as reached (simulated time is a double). */
#define EXPIRY_SLACK 1e-9

enum timer_kind { REAL_ITIMER, POSIX_TIMER, TIMERFD };

struct sim_timer {
	enum timer_kind kind;
	struct emu_process *proc;  /* the owner */
	int wall;                  /* a CLOCK_REALTIME timer: absolute times count from 1970 */
	int id;                    /* POSIX_TIMER: the id the program was given */
	int notify, signo;         /* POSIX_TIMER: SIGEV_NONE, SIGEV_SIGNAL or SIGEV_THREAD_ID, and the signal */
	pid_t target;              /* SIGEV_THREAD_ID: the thread signalled */
	union sigval value;
	int copy;                  /* TIMERFD: reprise's descriptor of the program's timerfd */
	int fd_hint;               /* TIMERFD: the owner's descriptor number last seen for it */
	uint64_t unread;           /* TIMERFD: expirations not yet read */
	int armed;
	double expiry, interval;   /* simulated seconds */
	/* POSIX_TIMER: expirations while its signal was pending, and that count for the signal before. */
	int overrun, last_overrun;
	int waited;                /* an actor waits for the expiry */
	int deleted;               /* freed by the actor when it leaves */
	uint64_t changes;          /* counts re-armings, for the actor's waits */
	sg_cond_t rearmed;
	struct sim_timer *next;
};

static struct sim_timer *timers;
static int next_timer_id = FIRST_TIMER_ID;
/* Counts the signals timers and programs sent, for emu_signals_sent. */
static uint64_t signals_sent;

/* 1: a wall clock; 0: a clock counting from the start; -1: a clock whose timers the kernel runs. */
static int timer_clock_kind(uint64_t id)
{
	switch (id) {
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_ALARM:
		return 1;
	case CLOCK_MONOTONIC:
	case CLOCK_BOOTTIME:
	case CLOCK_BOOTTIME_ALARM:
		return 0;
	default:
		return -1;
	}
}

static struct sim_timer *timer_new(enum timer_kind kind, struct emu_process *proc, int wall)
{
	struct sim_timer *tm = rp_calloc(1, sizeof(*tm));
	tm->kind = kind;
	tm->proc = proc;
	tm->wall = wall;
	tm->copy = -1;
	tm->rearmed = sg_cond_init();
	tm->next = timers;
	timers = tm;
	return tm;
}

static void timer_free(struct sim_timer *tm)
{
	for (struct sim_timer **p = &timers; *p; p = &(*p)->next) {
		if (*p == tm) {
			*p = tm->next;
			break;
		}
	}
	if (tm->copy >= 0)
		close(tm->copy);
	sg_cond_destroy(tm->rearmed);
	free(tm);
}

static void wake_actor(struct sim_timer *tm)
{
	tm->changes++;
	if (tm->waited)
		sg_cond_notify_all(tm->rearmed);
}

/* Deletes a timer; its actor, if any, frees it when it wakes. */
static void timer_remove(struct sim_timer *tm)
{
	tm->armed = 0;
	tm->deleted = 1;
	if (tm->waited)
		wake_actor(tm);
	else
		timer_free(tm);
}

/* The scheduling state and signal masks /proc shows for a thread. */
struct sig_state {
	char state;
	uint64_t pending, shared_pending, blocked, ignored, caught;
};

/* Reads them for thread tid of pid, or for pid's leader with tid 0: 0, or -1. */
static int read_sig_state(pid_t pid, pid_t tid, struct sig_state *st)
{
	char path[64], line[256];
	if (tid)
		snprintf(path, sizeof(path), "/proc/%d/task/%d/status", (int)pid, (int)tid);
	else
		snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return -1;
	memset(st, 0, sizeof(*st));
	unsigned long long v;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "State: %c", &st->state) == 1)
			continue;
		if (sscanf(line, "SigPnd: %llx", &v) == 1)
			st->pending = v;
		else if (sscanf(line, "ShdPnd: %llx", &v) == 1)
			st->shared_pending = v;
		else if (sscanf(line, "SigBlk: %llx", &v) == 1)
			st->blocked = v;
		else if (sscanf(line, "SigIgn: %llx", &v) == 1)
			st->ignored = v;
		else if (sscanf(line, "SigCgt: %llx", &v) == 1)
			st->caught = v;
	}
	fclose(f);
	return 0;
}

static uint64_t sig_bit(int signo)
{
	return 1ull << (signo - 1);
}

int emu_signal_interrupts(struct emu_thread *th)
{
	struct sig_state st;
	if (read_sig_state(th->proc->pid, th->tid, &st) < 0)
		return 0;
	/* Signals that by default do nothing, or stop the process (whose call then resumes), end no call unless caught. */
	uint64_t uncaught_harmless = sig_bit(SIGCHLD) | sig_bit(SIGURG) | sig_bit(SIGWINCH) | sig_bit(SIGCONT) |
				     sig_bit(SIGSTOP) | sig_bit(SIGTSTP) | sig_bit(SIGTTIN) | sig_bit(SIGTTOU);
	uint64_t waiting = (st.pending | st.shared_pending) & ~st.blocked & ~st.ignored;
	return (waiting & ~(uncaught_harmless & ~st.caught)) != 0;
}

uint64_t emu_signals_sent(void)
{
	return signals_sent + emu.deaths;
}

int emu_signal_since(struct emu_thread *th, uint64_t *checked)
{
	if (*checked == emu_signals_sent())
		return 0;
	*checked = emu_signals_sent();
	return emu_signal_interrupts(th);
}

static void let_kernel_restart(struct emu_thread *th, int64_t ret)
{
	(void)ret;
	if (arch_interrupt_restartable(th->tid, th->t->nr, th->hook_arg == EMU_EINTR_RESTART) < 0 && errno != ESRCH)
		rp_warn("emulate: cannot restart the interrupted call of %d: %s", (int)th->tid, strerror(errno));
}

int64_t emu_interrupted_answer(struct emu_thread *th, int64_t result)
{
	if (result != -EMU_EINTR_RESTART && result != -EMU_EINTR_NOHAND)
		return result;
	th->exit_hook = let_kernel_restart;
	th->hook_arg = (uint64_t)-result;
	return -EINTR;
}

static void count_signal(struct emu_thread *th, int64_t ret)
{
	(void)th;
	if (ret >= 0)
		signals_sent++;
}

/* The calls programs send signals with: a sleeper looks at its signals again once one returns. */
static enum verdict answer_signal_sending(struct emu_thread *th, int64_t *result)
{
	(void)result;
	th->exit_hook = count_signal;
	return NATIVE;
}

/* Whether thread tid of pid is in rt_sigtimedwait, where it takes signals it blocks. */
static int in_sigwait(pid_t pid, pid_t tid)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/task/%d/syscall", (int)pid, (int)tid);
	FILE *f = fopen(path, "re");
	if (!f)
		return 0;
	long nr = -1;
	int found = fscanf(f, "%ld", &nr) == 1;
	fclose(f);
	return found && nr == arch_syscall_nr(arch_native(), "rt_sigtimedwait");
}

/* Whether thread tid is free to take signo now: not stopped, and not blocking it unless it waits for it. */
static int could_take(pid_t pid, pid_t tid, int signo)
{
	struct sig_state st;
	if (read_sig_state(pid, tid, &st) < 0 || strchr("tTZXx", st.state))
		return 0;
	return !(st.blocked & sig_bit(signo)) || in_sigwait(pid, tid);
}

/* Whether signo sent to pid (tid 0) or to thread tid is still pending there. */
static int still_pending(pid_t pid, pid_t tid, int signo)
{
	struct sig_state st;
	if (read_sig_state(pid, tid, &st) < 0)
		return 0;
	return ((tid ? st.pending : st.shared_pending) & sig_bit(signo)) != 0;
}

static int someone_could_take(pid_t pid, pid_t tid, int signo)
{
	if (tid)
		return could_take(pid, tid, signo);
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	DIR *d = opendir(path);
	if (!d)
		return 0;
	int found = 0;
	struct dirent *e;
	while (!found && (e = readdir(d)))
		if (e->d_name[0] != '.')
			found = could_take(pid, (pid_t)atoi(e->d_name), signo);
	closedir(d);
	return found;
}

/*
 * Gives a signal just sent the real time to reach a thread that is free to take it, so the
 * actor of a thread waiting in the kernel finds it stopped or woken as soon as it looks,
 * at the simulated instant of the expiry.
 */
static void await_landing(pid_t pid, pid_t tid, int signo)
{
	uint64_t until = tracer_now() + LAND_WAIT_NS;
	while (tracer_now() < until && still_pending(pid, tid, signo) && someone_could_take(pid, tid, signo))
		sched_yield();
}

static void fire_posix_timer(struct sim_timer *tm)
{
	if (tm->notify == SIGEV_NONE)
		return;
	pid_t pid = tm->proc->pid, tid = tm->notify == SIGEV_THREAD_ID ? tm->target : 0;
	/* As in the kernel, an expiry whose signal is still queued counts as an overrun of it. */
	if (still_pending(pid, tid, tm->signo)) {
		if (tm->overrun++ == 0)
			emu_warn_once((uint32_t)arch_syscall_nr(arch_native(), "timer_settime"),
				      "a timer's signal carries no overrun count (si_overrun); timer_getoverrun has it");
		return;
	}
	siginfo_t si;
	memset(&si, 0, sizeof(si));
	si.si_signo = tm->signo;
	si.si_code = SI_TIMER;
	si.si_timerid = tm->id;
	si.si_value = tm->value;
	tm->last_overrun = tm->overrun;
	tm->overrun = 0;
	long rc = tid ? syscall(SYS_rt_tgsigqueueinfo, pid, tid, tm->signo, &si)
		      : syscall(SYS_rt_sigqueueinfo, pid, tm->signo, &si);
	if (rc == 0) {
		signals_sent++;
		await_landing(pid, tid, tm->signo);
	} else if (errno != ESRCH) {
		rp_warn("emulate: cannot signal the expiry of a timer of %d: %s", (int)pid, strerror(errno));
	}
}

static void fire_itimer(struct sim_timer *tm)
{
	if (kill(tm->proc->pid, SIGALRM) == 0) {
		signals_sent++;
		await_landing(tm->proc->pid, 0, SIGALRM);
	} else if (errno != ESRCH) {
		rp_warn("emulate: cannot send SIGALRM to %d: %s", (int)tm->proc->pid, strerror(errno));
	}
}

static int same_file(pid_t pid, int fd, int copy)
{
	return syscall(SYS_kcmp, pid, getpid(), KCMP_FILE, fd, copy) == 0;
}

/* Whether the owner still has a descriptor of the timerfd (fd_hint first, else any). */
static int timerfd_held(struct sim_timer *tm)
{
	pid_t pid = tm->proc->pid;
	if (same_file(pid, tm->fd_hint, tm->copy))
		return 1;
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	DIR *d = opendir(path);
	if (!d)
		return 0;
	int found = 0;
	struct dirent *e;
	while (!found && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		int fd = atoi(e->d_name);
		if (same_file(pid, fd, tm->copy)) {
			tm->fd_hint = fd;
			found = 1;
		}
	}
	closedir(d);
	return found;
}

/* Makes the kernel's timerfd readable (one expiration) or not, and waits until it is so. */
static void set_kernel_readable(struct sim_timer *tm, int readable)
{
	struct itimerspec its = { .it_value = { 0, readable ? 1 : 0 } };
	if (timerfd_settime(tm->copy, 0, &its, NULL) < 0) {
		rp_warn("emulate: cannot arm the timerfd of %d: %s", (int)tm->proc->pid, strerror(errno));
		return;
	}
	uint64_t until = tracer_now() + LAND_WAIT_NS;
	struct pollfd p = { .fd = tm->copy, .events = POLLIN };
	while (readable && poll(&p, 1, 0) == 0 && tracer_now() < until)
		sched_yield();
}

static void fire_timerfd(struct sim_timer *tm)
{
	if (!timerfd_held(tm)) {
		tm->armed = 0;
		return;
	}
	if (tm->unread++ == 0)
		set_kernel_readable(tm, 1);
}

/* Called at the expiry, before any SimGrid call: the next expiry, then the notification. */
static void expire(struct sim_timer *tm)
{
	if (tm->interval > 0)
		tm->expiry += tm->interval;
	else
		tm->armed = 0;
	switch (tm->kind) {
	case REAL_ITIMER:
		fire_itimer(tm);
		break;
	case POSIX_TIMER:
		fire_posix_timer(tm);
		break;
	case TIMERFD:
		fire_timerfd(tm);
		break;
	}
	emu_notify();
}

/* Waits until the timer is re-armed or left seconds pass. */
static void wait_rearmed(struct sim_timer *tm, double left)
{
	uint64_t seen = tm->changes;
	sg_mutex_t lock = sg_mutex_init();
	sg_mutex_lock(lock);
	if (tm->changes == seen)
		sg_cond_wait_for(tm->rearmed, lock, left);
	sg_mutex_unlock(lock);
	sg_mutex_destroy(lock);
}

static void timer_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	struct sim_timer *tm = sg_actor_self_get_data();
	while (tm->armed) {
		double left = tm->expiry - emu_clock();
		if (left > EXPIRY_SLACK)
			wait_rearmed(tm, left);
		else
			expire(tm);
	}
	tm->waited = 0;
	if (tm->deleted)
		timer_free(tm);
}

/* Arms tm to expire at simulated time expiry, then every interval seconds (0: once). */
static void timer_arm(struct sim_timer *tm, double expiry, double interval)
{
	tm->armed = 1;
	tm->expiry = expiry;
	tm->interval = interval;
	tm->overrun = 0;
	if (tm->waited) {
		wake_actor(tm);
		return;
	}
	tm->waited = 1;
	tm->changes++;
	sg_actor_t a = sg_actor_init("timer", tm->proc->host);
	sg_actor_set_data(a, tm);
	sg_actor_start(a, timer_main, 0, NULL);
	/* Once started: SimGrid counts a daemon not yet started as a running actor gone, and ends too soon. */
	sg_actor_daemonize(a);
}

static void timer_disarm(struct sim_timer *tm)
{
	tm->armed = 0;
	if (tm->waited)
		wake_actor(tm);
}

/* The time left before the next expiry (0 when disarmed) and the interval. */
static void timer_remaining(const struct sim_timer *tm, double *left, double *interval)
{
	*left = 0;
	*interval = tm->armed ? tm->interval : 0;
	if (tm->armed) {
		double d = tm->expiry - emu_clock();
		*left = d > 0 ? d : 0;
	}
}

static int64_t secs_to_ns(double secs)
{
	return (int64_t)(secs * 1e9 + 0.5);
}

static struct timespec to_timespec(double secs)
{
	int64_t ns = secs_to_ns(secs);
	return (struct timespec){ .tv_sec = ns / NS_PER_S, .tv_nsec = ns % NS_PER_S };
}

/* Linux reports at least a microsecond left on an armed interval timer. */
static struct timeval to_timeval(double secs, int armed)
{
	int64_t us = (secs_to_ns(secs) + 500) / 1000;
	if (armed && us == 0)
		us = 1;
	return (struct timeval){ .tv_sec = us / 1000000, .tv_usec = us % 1000000 };
}

static int timespec_valid(const struct timespec *ts)
{
	return ts->tv_sec >= 0 && ts->tv_nsec >= 0 && ts->tv_nsec < NS_PER_S;
}

static double timespec_secs(const struct timespec *ts)
{
	return (double)ts->tv_sec + (double)ts->tv_nsec / 1e9;
}

/* The simulated expiry of a setting: absolute on the timer's clock, or relative to now. */
static double expiry_of(const struct sim_timer *tm, const struct timespec *value, int absolute)
{
	if (!absolute)
		return emu_clock() + timespec_secs(value);
	double at = timespec_secs(value) - (tm->wall ? emu.epoch : 0);
	return at > emu_clock() ? at : emu_clock();
}

static struct sim_timer *itimer_of(struct emu_process *p)
{
	for (struct sim_timer *tm = timers; tm; tm = tm->next)
		if (tm->kind == REAL_ITIMER && tm->proc == p)
			return tm;
	return timer_new(REAL_ITIMER, p, 0);
}

static enum verdict answer_alarm(struct emu_thread *th, int64_t *result)
{
	struct sim_timer *tm = itimer_of(th->proc);
	double left, interval;
	timer_remaining(tm, &left, &interval);
	struct timeval old = to_timeval(left, tm->armed);
	/* As Linux: whole seconds, rounded to the nearest, and never 0 for an alarm still pending. */
	int64_t secs = old.tv_sec;
	if ((!secs && old.tv_usec) || old.tv_usec >= 500000)
		secs++;
	unsigned seconds = (unsigned)ARG(0);
	if (seconds)
		timer_arm(tm, emu_clock() + seconds, 0);
	else
		timer_disarm(tm);
	*result = secs;
	return ANSWERED;
}

static int write_itimerval(struct emu_thread *th, uint64_t addr, const struct sim_timer *tm)
{
	double left, interval;
	timer_remaining(tm, &left, &interval);
	struct itimerval v = { .it_interval = to_timeval(interval, 0), .it_value = to_timeval(left, tm->armed) };
	return emu_write(th, addr, &v, sizeof(v));
}

static enum verdict answer_getitimer(struct emu_thread *th, int64_t *result)
{
	if (ARG(0) != ITIMER_REAL)
		return NATIVE;
	*result = write_itimerval(th, ARG(1), itimer_of(th->proc)) < 0 ? -EFAULT : 0;
	return ANSWERED;
}

static enum verdict answer_setitimer(struct emu_thread *th, int64_t *result)
{
	if (ARG(0) == ITIMER_VIRTUAL || ARG(0) == ITIMER_PROF) {
		emu_warn_once(th->t->nr, "CPU-time interval timers run in the kernel, on the CPU time of the real process");
		return NATIVE;
	}
	if (ARG(0) != ITIMER_REAL)
		return NATIVE;
	/* Linux takes a null setting as a zero one. */
	struct itimerval v = { { 0, 0 }, { 0, 0 } };
	if (ARG(1) && emu_read(th, ARG(1), &v, sizeof(v)) < 0) {
		*result = -EFAULT;
		return ANSWERED;
	}
	if (v.it_value.tv_sec < 0 || v.it_value.tv_usec < 0 || v.it_value.tv_usec >= 1000000 || v.it_interval.tv_sec < 0 ||
	    v.it_interval.tv_usec < 0 || v.it_interval.tv_usec >= 1000000) {
		*result = -EINVAL;
		return ANSWERED;
	}
	struct sim_timer *tm = itimer_of(th->proc);
	*result = ARG(2) && write_itimerval(th, ARG(2), tm) < 0 ? -EFAULT : 0;
	double value = (double)v.it_value.tv_sec + (double)v.it_value.tv_usec / 1e6;
	if (value > 0)
		timer_arm(tm, emu_clock() + value, (double)v.it_interval.tv_sec + (double)v.it_interval.tv_usec / 1e6);
	else
		timer_disarm(tm);
	return ANSWERED;
}

static struct sim_timer *posix_timer_of(struct emu_process *p, int id)
{
	for (struct sim_timer *tm = timers; tm; tm = tm->next)
		if (tm->kind == POSIX_TIMER && tm->proc == p && tm->id == id && !tm->deleted)
			return tm;
	return NULL;
}

/* Whether thread tid belongs to process pid. */
static int thread_of(pid_t pid, pid_t tid)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/task/%d", (int)pid, (int)tid);
	return tid > 0 && access(path, F_OK) == 0;
}

static enum verdict answer_timer_create(struct emu_thread *th, int64_t *result)
{
	int kind = timer_clock_kind(ARG(0));
	if (kind < 0) {
		emu_warn_once(th->t->nr, "timers of this clock run in the kernel, in real time");
		return NATIVE;
	}
	struct sigevent ev;
	memset(&ev, 0, sizeof(ev));
	ev.sigev_notify = SIGEV_SIGNAL;
	ev.sigev_signo = SIGALRM;
	if (ARG(1) && emu_read(th, ARG(1), &ev, sizeof(ev)) < 0) {
		*result = -EFAULT;
		return ANSWERED;
	}
	int signals = ev.sigev_notify == SIGEV_SIGNAL || ev.sigev_notify == SIGEV_THREAD_ID;
	if ((!signals && ev.sigev_notify != SIGEV_NONE) || (signals && (ev.sigev_signo < 1 || ev.sigev_signo > 64)) ||
	    (ev.sigev_notify == SIGEV_THREAD_ID && !thread_of(th->proc->pid, ev._sigev_un._tid))) {
		*result = -EINVAL;
		return ANSWERED;
	}
	int id = next_timer_id;
	if (emu_write(th, ARG(2), &id, sizeof(id)) < 0) {
		*result = -EFAULT;
		return ANSWERED;
	}
	next_timer_id++;
	struct sim_timer *tm = timer_new(POSIX_TIMER, th->proc, kind);
	tm->id = id;
	tm->notify = ev.sigev_notify;
	tm->signo = ev.sigev_signo;
	tm->target = ev._sigev_un._tid;
	if (ARG(1))
		tm->value = ev.sigev_value;
	else
		tm->value.sival_int = id;
	*result = 0;
	return ANSWERED;
}

static int write_itimerspec(struct emu_thread *th, uint64_t addr, const struct sim_timer *tm)
{
	double left, interval;
	timer_remaining(tm, &left, &interval);
	struct itimerspec v = { .it_interval = to_timespec(interval), .it_value = to_timespec(left) };
	return emu_write(th, addr, &v, sizeof(v));
}

/* timer_settime and timerfd_settime: the new setting at ARG(2), the old one to ARG(3). */
static int64_t settime(struct emu_thread *th, struct sim_timer *tm, int absolute)
{
	struct itimerspec v;
	if (!ARG(2) || emu_read(th, ARG(2), &v, sizeof(v)) < 0)
		return ARG(2) ? -EFAULT : -EINVAL;
	if (!timespec_valid(&v.it_value) || !timespec_valid(&v.it_interval))
		return -EINVAL;
	if (ARG(3) && write_itimerspec(th, ARG(3), tm) < 0)
		return -EFAULT;
	if (v.it_value.tv_sec || v.it_value.tv_nsec)
		timer_arm(tm, expiry_of(tm, &v.it_value, absolute), timespec_secs(&v.it_interval));
	else
		timer_disarm(tm);
	return 0;
}

/* The POSIX timer named by ARG(0); NULL with *result set, or NULL for a timer the kernel runs. */
static struct sim_timer *named_timer(struct emu_thread *th, int64_t *result, enum verdict *v)
{
	/* The kernel takes the id as an int, whatever the register's upper half holds. */
	struct sim_timer *tm = posix_timer_of(th->proc, (int)ARG(0));
	*v = ANSWERED;
	if (!tm && (int)ARG(0) < FIRST_TIMER_ID)
		*v = NATIVE;
	else if (!tm)
		*result = -EINVAL;
	return tm;
}

static enum verdict answer_timer_settime(struct emu_thread *th, int64_t *result)
{
	enum verdict v;
	struct sim_timer *tm = named_timer(th, result, &v);
	if (tm)
		*result = settime(th, tm, (ARG(1) & TIMER_ABSTIME) != 0);
	return v;
}

static enum verdict answer_timer_gettime(struct emu_thread *th, int64_t *result)
{
	enum verdict v;
	struct sim_timer *tm = named_timer(th, result, &v);
	if (tm)
		*result = write_itimerspec(th, ARG(1), tm) < 0 ? -EFAULT : 0;
	return v;
}

static enum verdict answer_timer_getoverrun(struct emu_thread *th, int64_t *result)
{
	enum verdict v;
	struct sim_timer *tm = named_timer(th, result, &v);
	/* The count of the signal delivered last: the one pending now is not delivered yet. */
	if (tm)
		*result = tm->notify != SIGEV_NONE && still_pending(tm->proc->pid, tm->notify == SIGEV_THREAD_ID ? tm->target : 0,
								     tm->signo) ? tm->last_overrun : tm->overrun;
	return v;
}

static enum verdict answer_timer_delete(struct emu_thread *th, int64_t *result)
{
	enum verdict v;
	struct sim_timer *tm = named_timer(th, result, &v);
	if (tm) {
		timer_remove(tm);
		*result = 0;
	}
	return v;
}

/* Forgets the timerfds no descriptor of their owner refers to any more. */
static void prune_timerfds(void)
{
	struct sim_timer *next;
	for (struct sim_timer *tm = timers; tm; tm = next) {
		next = tm->next;
		if (tm->kind == TIMERFD && !tm->deleted && !timerfd_held(tm))
			timer_remove(tm);
	}
}

static void follow_timerfd(struct emu_thread *th, int64_t ret)
{
	if (ret < 0)
		return;
	int pidfd = pidfd_open(th->proc->pid, 0);
	int copy = pidfd < 0 ? -1 : pidfd_getfd(pidfd, (int)ret, 0);
	if (pidfd >= 0)
		close(pidfd);
	if (copy < 0) {
		emu_warn_once(th->t->nr, "reprise cannot reach the new timerfd, which runs in real time");
		return;
	}
	prune_timerfds();
	struct sim_timer *tm = timer_new(TIMERFD, th->proc, timer_clock_kind(th->hook_arg) == 1);
	tm->copy = copy;
	tm->fd_hint = (int)ret;
}

static enum verdict answer_timerfd_create(struct emu_thread *th, int64_t *result)
{
	(void)result;
	th->hook_arg = ARG(0);
	th->exit_hook = follow_timerfd;
	return NATIVE;
}

/* The timerfd that descriptor fd of the calling process refers to, or NULL. */
static struct sim_timer *timerfd_at(struct emu_thread *th, uint64_t fd)
{
	if (fd > INT32_MAX)
		return NULL;
	for (struct sim_timer *tm = timers; tm; tm = tm->next) {
		if (tm->kind == TIMERFD && !tm->deleted && same_file(th->proc->pid, (int)fd, tm->copy)) {
			if (tm->proc == th->proc)
				tm->fd_hint = (int)fd;
			return tm;
		}
	}
	return NULL;
}

static enum verdict answer_timerfd_settime(struct emu_thread *th, int64_t *result)
{
	struct sim_timer *tm = timerfd_at(th, ARG(0));
	if (!tm)
		return NATIVE;
	if (ARG(1) & ~(uint64_t)(TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET)) {
		*result = -EINVAL;
		return ANSWERED;
	}
	*result = settime(th, tm, (ARG(1) & TFD_TIMER_ABSTIME) != 0);
	/* As Linux, a new setting drops the expirations not read yet. */
	if (*result == 0 && tm->unread) {
		tm->unread = 0;
		set_kernel_readable(tm, 0);
	}
	return ANSWERED;
}

static enum verdict answer_timerfd_gettime(struct emu_thread *th, int64_t *result)
{
	struct sim_timer *tm = timerfd_at(th, ARG(0));
	if (!tm)
		return NATIVE;
	*result = write_itimerspec(th, ARG(1), tm) < 0 ? -EFAULT : 0;
	return ANSWERED;
}

/*
 * A read of a timerfd: the expirations counted here, waiting for one in simulated time if
 * it blocks. The timer is looked up again after each wait: its owner may have ended.
 */
static enum verdict answer_timerfd_read(struct emu_thread *th, int64_t *result)
{
	struct sim_timer *tm = timers ? timerfd_at(th, ARG(0)) : NULL;
	if (!tm)
		return NATIVE;
	if (ARG(2) < sizeof(uint64_t)) {
		*result = -EINVAL;
		return ANSWERED;
	}
	uint64_t checked = emu_signals_sent();
	while (!tm->unread) {
		int flags = fcntl(tm->copy, F_GETFL);
		if (flags < 0 || (flags & O_NONBLOCK)) {
			*result = -EAGAIN;
			return ANSWERED;
		}
		/* The kernel's read, finding nothing to read, returns for the signal as Linux would. */
		if (emu_signal_since(th, &checked))
			return NATIVE;
		emu_wait(-1);
		if (!(tm = timerfd_at(th, ARG(0))))
			return NATIVE;
	}
	if (emu_write(th, ARG(1), &tm->unread, sizeof(tm->unread)) < 0) {
		*result = -EFAULT;
		return ANSWERED;
	}
	tm->unread = 0;
	set_kernel_readable(tm, 0);
	*result = sizeof(uint64_t);
	return ANSWERED;
}

static enum verdict answer_timerfd_readv(struct emu_thread *th, int64_t *result)
{
	(void)result;
	if (timers && timerfd_at(th, ARG(0)))
		emu_warn_once(th->t->nr, "timerfds are read by the kernel here, which counts one expiration at a time");
	return NATIVE;
}

void timers_exec(struct emu_process *p)
{
	struct sim_timer *next;
	for (struct sim_timer *tm = timers; tm; tm = next) {
		next = tm->next;
		if (tm->proc == p && tm->kind == POSIX_TIMER && !tm->deleted)
			timer_remove(tm);
	}
}

void timers_process_ended(struct emu_process *p)
{
	struct sim_timer *next;
	for (struct sim_timer *tm = timers; tm; tm = next) {
		next = tm->next;
		if (tm->proc == p && !tm->deleted)
			timer_remove(tm);
	}
}

void timers_free(void)
{
	while (timers)
		timer_free(timers);
}

const struct call_rule timer_rules[] = {
	{ "alarm", answer_alarm, NEVER_BLOCKS },
	{ "getitimer", answer_getitimer, NEVER_BLOCKS },
	{ "setitimer", answer_setitimer, NEVER_BLOCKS },
	{ "timer_create", answer_timer_create, NEVER_BLOCKS },
	{ "timer_settime", answer_timer_settime, NEVER_BLOCKS },
	{ "timer_gettime", answer_timer_gettime, NEVER_BLOCKS },
	{ "timer_getoverrun", answer_timer_getoverrun, NEVER_BLOCKS },
	{ "timer_delete", answer_timer_delete, NEVER_BLOCKS },
	{ "timerfd_create", answer_timerfd_create, NEVER_BLOCKS },
	{ "timerfd_settime", answer_timerfd_settime, NEVER_BLOCKS },
	{ "timerfd_gettime", answer_timerfd_gettime, NEVER_BLOCKS },
	{ "read", answer_timerfd_read, NEVER_BLOCKS },
	{ "readv", answer_timerfd_readv, NEVER_BLOCKS },
	{ "kill", answer_signal_sending, NEVER_BLOCKS },
	{ "tkill", answer_signal_sending, NEVER_BLOCKS },
	{ "tgkill", answer_signal_sending, NEVER_BLOCKS },
	{ "rt_sigqueueinfo", answer_signal_sending, NEVER_BLOCKS },
	{ "rt_tgsigqueueinfo", answer_signal_sending, NEVER_BLOCKS },
	{ "pidfd_send_signal", answer_signal_sending, NEVER_BLOCKS },
	{ NULL, NULL, NEVER_BLOCKS },
};
