/*
 * Driving programs from SimGrid actors. Every traced thread has its own actor on its
 * host; the actor waits for that thread's stops only (waitpid on its tid), so actors
 * never take each other's events, and answers each call at its entry: virtual time,
 * the mediated network, seeded randomness, or the kernel. A thread whose call must wait
 * in simulated time stays stopped at the call's entry while its actor waits in SimGrid.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/ptrace.h>
#include <signal.h>
#include <simgrid/actor.h>
#include <simgrid/cond.h>
#include <simgrid/host.h>
#include <simgrid/mutex.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "arch/arch.h"
#include "emulate/calls.h"
#include "emulate/cpu.h"
#include "emulate/driver.h"
#include "emulate/fdtable.h"
#include "util/util.h"

/*
 * A thread in a kernel call that may wait for another program is looked at for this
 * long, then again at each change another actor makes, or after a simulated quantum
 * that doubles each time nothing changed; past the last one, only changes wake it (a
 * thread waiting in the kernel for nothing a program does would otherwise keep the
 * simulation going forever).
 */
#define SPIN_NS 200000ull
/* A parent learns of a child's end a little after reprise reaps it: look longer then. */
#define SPIN_AFTER_DEATH_NS 20000000ull
/* How much longer a thread about to stop is looked at (one in a group-stop looks the same). */
#define STOPPING_SPIN_NS 100000000ull
#define POLL_QUANTUM_LAST 3600.0

struct emu emu;

/* Several rule sets may answer one call (read: sockets, timers, random devices); the first to answer wins. */
#define MAX_RULES_PER_CALL 4
struct rule_chain {
	const struct call_rule *rules[MAX_RULES_PER_CALL];
	unsigned n;
};

/* Where every event is passed on when the run is recorded (-o), or NULL. */
static const struct tracer_handler *recorder;

static struct rule_chain *rules_by_nr;
static unsigned rule_count;
static uint32_t nr_clone, nr_clone3, nr_vfork, nr_write, nr_writev, nr_exit, nr_exit_group;

static enum verdict warn_unmediated(struct emu_thread *th, int64_t *result)
{
	(void)result;
	emu_warn_once(th->t->nr, "mediated sockets are not supported by this call");
	return NATIVE;
}

/* Calls the kernel may keep waiting for another traced program. */
static const struct call_rule kernel_rules[] = {
	{ "wait4", NULL, MAY_BLOCK },
	{ "waitid", NULL, MAY_BLOCK },
	{ "futex", NULL, MAY_BLOCK },
	{ "pause", NULL, MAY_BLOCK },
	{ "rt_sigsuspend", NULL, MAY_BLOCK },
	{ "rt_sigtimedwait", NULL, MAY_BLOCK },
	{ "flock", NULL, MAY_BLOCK },
	{ "semop", NULL, MAY_BLOCK },
	{ "semtimedop", NULL, MAY_BLOCK },
	{ "msgrcv", NULL, MAY_BLOCK },
	{ "msgsnd", NULL, MAY_BLOCK },
	{ "vfork", NULL, MAY_BLOCK },
	{ "epoll_pwait2", NULL, MAY_BLOCK },
	{ "sendfile", warn_unmediated, MAY_BLOCK },
	{ "splice", warn_unmediated, MAY_BLOCK },
	{ NULL, NULL, NEVER_BLOCKS },
};

static void add_rules(const struct arch *a, const struct call_rule *rules)
{
	for (const struct call_rule *r = rules; r->name; r++) {
		int nr = arch_syscall_nr(a, r->name);
		if (nr < 0)
			continue;
		struct rule_chain *chain = &rules_by_nr[nr];
		if (chain->n == MAX_RULES_PER_CALL)
			rp_die(1, "emulate: more than %d rule sets answer %s", MAX_RULES_PER_CALL, r->name);
		chain->rules[chain->n++] = r;
	}
}

/*
 * The locks of the waits under way: an actor that SimGrid ends while it waits (at its
 * kill_time, or when the simulation stops) never returns to destroy its own.
 */
static sg_mutex_t *wait_locks;
static size_t nwait_locks, wait_locks_cap;

static void wait_lock_forget(sg_mutex_t lock)
{
	for (size_t i = 0; i < nwait_locks; i++)
		if (wait_locks[i] == lock) {
			wait_locks[i] = wait_locks[--nwait_locks];
			break;
		}
	sg_mutex_destroy(lock);
}

void driver_init(void)
{
	const struct arch *a = arch_native();
	rule_count = a->nr_count;
	rules_by_nr = rp_calloc(rule_count, sizeof(*rules_by_nr));
	emu.warned = rp_calloc(rule_count, 1);
	add_rules(a, kernel_rules);
	add_rules(a, vtime_rules);
	add_rules(a, random_rules);
	add_rules(a, timer_rules);
	add_rules(a, emu.mode == MODE_TRANSLATE ? translate_rules : net_rules);
	add_rules(a, multiplex_rules);
	add_rules(a, names_rules);
	nr_clone = (uint32_t)arch_syscall_nr(a, "clone");
	nr_clone3 = (uint32_t)arch_syscall_nr(a, "clone3");
	nr_vfork = (uint32_t)arch_syscall_nr(a, "vfork");
	nr_write = (uint32_t)arch_syscall_nr(a, "write");
	nr_writev = (uint32_t)arch_syscall_nr(a, "writev");
	nr_exit = (uint32_t)arch_syscall_nr(a, "exit");
	nr_exit_group = (uint32_t)arch_syscall_nr(a, "exit_group");
	emu.changed = sg_cond_init();
}

void driver_free(void)
{
	while (nwait_locks)
		wait_lock_forget(wait_locks[nwait_locks - 1]);
	free(wait_locks);
	wait_locks = NULL;
	wait_locks_cap = 0;
	timers_free();
	free(rules_by_nr);
	free(emu.warned);
	rules_by_nr = NULL;
	emu.warned = NULL;
}

void driver_record_to(const struct tracer_handler *h)
{
	recorder = h;
}

uint64_t driver_trace_epoch_ns(void)
{
	return (uint64_t)(int64_t)(emu.epoch * 1e9 + (emu.epoch < 0 ? -0.5 : 0.5));
}

/* An event's time stamp in a recording: the simulated wall clock, in nanoseconds. */
static uint64_t simulated_ts(void)
{
	return driver_trace_epoch_ns() + (uint64_t)(emu_clock() * 1e9 + 0.5);
}

/*
 * The result the program will see at an exit stop whose hook may have replaced the
 * kernel's (tracer_set_return): read back from the thread.
 */
static int64_t result_seen(struct emu_thread *th, int64_t kernel_result)
{
	struct __ptrace_syscall_info info;
	memset(&info, 0, sizeof(info));
	if (ptrace(PTRACE_GET_SYSCALL_INFO, th->tid, sizeof(info), &info) <= 0 || info.op != PTRACE_SYSCALL_INFO_EXIT)
		return kernel_result;
	return info.exit.rval;
}

void emu_notify(void)
{
	emu.generation++;
	if (!emu.finished)
		sg_cond_notify_all(emu.changed);
}

/*
 * Every SimGrid call may let other actors run, the mutex's lock included: a change
 * made meanwhile is seen through the generation, taken before any such call. Each wait
 * has a mutex of its own: SimGrid 3.32 can return from a timed-out wait without the
 * mutex when another actor holds it, so a shared one would break.
 */
int emu_wait(double timeout)
{
	uint64_t seen = emu.generation;
	sg_mutex_t lock = sg_mutex_init();
	if (nwait_locks == wait_locks_cap) {
		wait_locks_cap = wait_locks_cap ? 2 * wait_locks_cap : 16;
		wait_locks = rp_realloc(wait_locks, wait_locks_cap * sizeof(*wait_locks));
	}
	wait_locks[nwait_locks++] = lock;
	sg_mutex_lock(lock);
	if (emu.generation == seen) {
		if (timeout < 0)
			sg_cond_wait(emu.changed, lock);
		else
			sg_cond_wait_for(emu.changed, lock, timeout);
	}
	sg_mutex_unlock(lock);
	wait_lock_forget(lock);
	return emu.generation != seen;
}

void emu_wait_polling(double *quantum, double left)
{
	double wait = *quantum > POLL_QUANTUM_LAST ? left : left < 0 || *quantum < left ? *quantum : left;
	if (!emu_wait(wait) && *quantum <= POLL_QUANTUM_LAST)
		*quantum *= 2;
}

void emu_warn_once(uint32_t nr, const char *why)
{
	if (nr >= rule_count || emu.warned[nr])
		return;
	emu.warned[nr] = 1;
	const char *name = arch_syscall_name(arch_native(), nr);
	rp_warn("emulate: %s: %s; results may be wrong", name ? name : "unknown call", why);
}

void emu_add_process(struct emu_process *p)
{
	if (emu.nprocs == emu.procs_cap) {
		emu.procs_cap = emu.procs_cap ? emu.procs_cap * 2 : 8;
		emu.procs = rp_realloc(emu.procs, emu.procs_cap * sizeof(*emu.procs));
	}
	emu.procs[emu.nprocs++] = p;
}

const void *emu_call_entry(const struct emu_thread *th, const void *table, size_t n, size_t size)
{
	const char *name = arch_syscall_name(arch_native(), (uint32_t)th->t->nr);
	for (size_t i = 0; name && i < n; i++) {
		const void *entry = (const char *)table + i * size;
		if (strcmp(*(const char *const *)entry, name) == 0)
			return entry;
	}
	return NULL;
}

int emu_read(struct emu_thread *th, uint64_t addr, void *buf, size_t len)
{
	return len == 0 || tracer_read(th->t, addr, buf, len) == (long)len ? 0 : -1;
}

int emu_write(struct emu_thread *th, uint64_t addr, const void *buf, size_t len)
{
	return len == 0 || tracer_write(th->t, addr, buf, len) == (long)len ? 0 : -1;
}

/*
 * Whether reading or writing count bytes on this descriptor may wait for another
 * program: a pipe without data to read or room to write, a socket or terminal.
 */
static int fd_may_block(pid_t pid, uint64_t fd, int writing, uint64_t count)
{
	char path[64];
	struct stat st;
	snprintf(path, sizeof(path), "/proc/%d/fd/%llu", (int)pid, (unsigned long long)fd);
	if (stat(path, &st) < 0)
		return 0;
	/* Character devices of major 1 are /dev/null, /dev/zero, /dev/urandom and friends. */
	if (S_ISREG(st.st_mode) || S_ISBLK(st.st_mode) || S_ISDIR(st.st_mode) || (S_ISCHR(st.st_mode) && major(st.st_rdev) == 1))
		return 0;
	if (!S_ISFIFO(st.st_mode))
		return 1;
	/* A description of our own on the same pipe tells what it holds without touching the program's. */
	int pipe_fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (pipe_fd < 0)
		return 1;
	int queued = 0, capacity = fcntl(pipe_fd, F_GETPIPE_SZ);
	int blocks = ioctl(pipe_fd, FIONREAD, &queued) < 0 || capacity < 0 ||
		     (writing ? (uint64_t)queued + count > (uint64_t)capacity : queued == 0);
	close(pipe_fd);
	return blocks;
}

static int is_write(uint32_t nr)
{
	return nr == nr_write || nr == nr_writev;
}

static int waits_for_child(struct tracee *t)
{
	if (t->nr == nr_clone)
		return (t->args[0] & CLONE_VFORK) != 0;
	if (t->nr == nr_clone3) {
		uint64_t flags = 0;
		return tracer_read(t, t->args[0], &flags, sizeof(flags)) == (long)sizeof(flags) && (flags & CLONE_VFORK);
	}
	return t->nr == nr_vfork;
}

/* Answers or lets through the call at its entry; returns whether the thread may now block in the kernel. */
static int on_entry(struct emu_thread *th)
{
	struct tracee *t = th->t;
	const struct rule_chain *chain = t->nr < rule_count ? &rules_by_nr[t->nr] : NULL;
	enum blocking blocking = NEVER_BLOCKS;
	th->exit_hook = NULL;
	for (unsigned i = 0; chain && i < chain->n; i++) {
		const struct call_rule *rule = chain->rules[i];
		int64_t result;
		if (rule->answer && rule->answer(th, &result) == ANSWERED) {
			if (th->t && tracer_skip(th->t, result) < 0 && errno != ESRCH)
				rp_warn("emulate: cannot answer a call of %d: %s", (int)th->tid, strerror(errno));
			return 0;
		}
		if (rule->blocking > blocking)
			blocking = rule->blocking;
	}
	if (waits_for_child(t))
		return 1;
	/* The other threads die: their actors look longer at them, as after a death. */
	if (t->nr == nr_exit_group && th->proc->threads > 1)
		emu.deaths++;
	/* A leader's end is reported once its other threads are reaped, by their own actors. */
	if (t->nr == nr_exit || t->nr == nr_exit_group)
		return th->tid == th->proc->pid && th->proc->threads > 1;
	if (blocking == BLOCKS_ON_FD0)
		return fd_may_block(th->proc->pid, t->args[0], is_write(t->nr), t->nr == nr_write ? t->args[2] : 0);
	return blocking == MAY_BLOCK;
}

/*
 * Whether the thread is running, waiting for a CPU, or entering a ptrace stop that waitpid
 * does not report yet, rather than asleep in the kernel: on a loaded machine a call that
 * returns at once may take longer than SPIN_NS to reach its stop.
 */
static int thread_stops_soon(pid_t tid)
{
	char path[64], stat[512];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)tid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, stat, sizeof(stat) - 1);
	if (fd >= 0)
		close(fd);
	stat[n > 0 ? n : 0] = '\0';
	const char *end_of_name = strrchr(stat, ')');
	return end_of_name && end_of_name[1] == ' ' && (end_of_name[2] == 'R' || end_of_name[2] == 't');
}

/* Waits for the next stop of a thread that may be waiting in the kernel for another program. */
static int step_polling(struct emu_thread *th)
{
	double quantum = EMU_POLL_QUANTUM_FIRST;
	uint64_t deaths = emu.deaths;
	for (;;) {
		uint64_t until = tracer_now() + (emu.deaths != deaths ? SPIN_AFTER_DEATH_NS : SPIN_NS);
		deaths = emu.deaths;
		do {
			int rc = tracer_step(emu.tr, th->tid, 1);
			if (rc != 0 || th->event == EV_GONE)
				return rc;
			sched_yield();
		} while (tracer_now() < until || (thread_stops_soon(th->tid) && tracer_now() < until + STOPPING_SPIN_NS));
		if (quantum > POLL_QUANTUM_LAST)
			emu_wait(-1);
		else if (!emu_wait(quantum))
			quantum *= 2;
	}
}

/*
 * Registered by every thread's actor, so that it runs however the actor ends: after
 * drive() returns, or when SimGrid ends the actor at its kill_time or at the end of the
 * simulation, where drive() never returns. A thread still traced then is left to the
 * tracer (its events no longer reach it); a process none of whose threads is driven any
 * more is gone for the emulation.
 */
static void end_thread(int failed, void *data)
{
	(void)failed;
	struct emu_thread *th = data;
	struct emu_process *p = th->proc;
	if (th->t) {
		th->t->user = NULL;
		p->threads--;
		if (p->threads == 0 && !p->ended && !p->deployed) {
			fdtable_unref(p->fds);
			p->fds = NULL;
			timers_process_ended(p);
			p->ended = 1;
		}
	}
	cpu_forget(th);
	free(th);
	if (p->threads == 0 && p->ended && !p->deployed) {
		free(p->command);
		free(p);
	}
}

static void drive(struct emu_thread *th)
{
	int may_block = 0;
	for (;;) {
		uint64_t events = emu.events;
		int rc = may_block ? step_polling(th) : tracer_step(emu.tr, th->tid, 0);
		if (rc < 0)
			emu.failed = 1;
		if (rc <= 0 || th->event == EV_GONE)
			break;
		/* Only at stops that report something: those before a deployed program's execve are reprise's own code. */
		if (emu.events != events)
			cpu_charge(th);
		enum thread_event ev = th->event;
		th->event = EV_NONE;
		/* Out of its call (stopped at its end, or for a signal), the thread needs nobody to reach its next stop. */
		if (ev == EV_NONE && th->t && !th->t->in_syscall)
			may_block = 0;
		if (ev == EV_ENTRY) {
			/* Recorded before it is answered: the call's arguments as the program made them. */
			if (recorder)
				recorder->syscall_enter(recorder->ctx, th->t, simulated_ts());
			may_block = on_entry(th);
			if (th->t)
				tracer_release(emu.tr, th->t);
		} else if (ev == EV_EXIT) {
			int64_t ret = th->ret;
			if (th->exit_hook) {
				th->exit_hook(th, th->ret);
				if (recorder)
					ret = result_seen(th, ret);
			}
			th->exit_hook = NULL;
			if (recorder)
				recorder->syscall_exit(recorder->ctx, th->t, ret, 0, simulated_ts());
			may_block = 0;
			tracer_release(emu.tr, th->t);
		}
		emu_notify();
	}
	emu_notify();
}

static void thread_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	struct emu_thread *th = sg_actor_self_get_data();
	sg_actor_on_exit(end_thread, th);
	drive(th);
}

void driver_spawn_actor(struct emu_thread *th, sg_host_t host)
{
	char name[32];
	snprintf(name, sizeof(name), "tid %d", (int)th->tid);
	sg_actor_t a = sg_actor_init(name, host);
	sg_actor_set_data(a, th);
	sg_actor_start(a, thread_main, 0, NULL);
}

void driver_run_started(struct emu_process *p, pid_t pid)
{
	struct emu_thread *th = rp_calloc(1, sizeof(*th));
	th->tid = pid;
	th->proc = p;
	th->t = tracer_find(emu.tr, pid);
	th->t->user = th;
	p->pid = pid;
	p->threads = 1;
	sg_actor_on_exit(end_thread, th);
	drive(th);
}

/*
 * Syscall stops are recorded from the actor's loop once the thread's computation has
 * taken its simulated time (and an exit once its hook has run); other events at once.
 */
static void on_syscall_enter(void *ctx, struct tracee *t, uint64_t ts)
{
	(void)ctx;
	(void)ts;
	emu.events++;
	struct emu_thread *th = t->user;
	if (!th)
		return;
	th->event = EV_ENTRY;
	tracer_hold(t);
}

static void on_syscall_exit(void *ctx, struct tracee *t, int64_t ret, unsigned flags, uint64_t ts)
{
	(void)ctx;
	(void)ts;
	emu.events++;
	struct emu_thread *th = t->user;
	if (recorder && (!th || flags))
		recorder->syscall_exit(recorder->ctx, t, ret, flags, simulated_ts());
	if (!th || flags || (!th->exit_hook && !recorder))
		return;
	th->event = EV_EXIT;
	th->ret = ret;
	tracer_hold(t);
}

static void on_task_new(void *ctx, struct tracee *t, enum tracer_origin how, pid_t parent_tid, uint64_t clone_flags, uint64_t ts)
{
	(void)ctx;
	(void)ts;
	emu.events++;
	if (recorder)
		recorder->task_new(recorder->ctx, t, how, parent_tid, clone_flags, simulated_ts());
	struct tracee *pt = tracer_find(emu.tr, parent_tid);
	struct emu_thread *parent = pt ? pt->user : NULL;
	if (how == TO_ROOT || !parent)
		return;
	struct emu_thread *th = rp_calloc(1, sizeof(*th));
	th->tid = t->tid;
	th->t = t;
	if (how == TO_THREAD) {
		th->proc = parent->proc;
	} else {
		struct emu_process *p = rp_calloc(1, sizeof(*p));
		p->pid = t->pid;
		p->host = parent->proc->host;
		p->start = emu_clock();
		if (clone_flags & CLONE_FILES) {
			p->fds = parent->proc->fds;
			p->fds->refs++;
		} else {
			p->fds = fdtable_copy(parent->proc->fds);
		}
		th->proc = p;
	}
	th->proc->threads++;
	t->user = th;
	driver_spawn_actor(th, th->proc->host);
}

static void on_exec(void *ctx, struct tracee *t, pid_t former, uint64_t ts)
{
	(void)ctx;
	(void)ts;
	emu.events++;
	if (recorder)
		recorder->exec(recorder->ctx, t, former, simulated_ts());
	struct emu_thread *th = t->user;
	if (tracer_hide_vdso(t) < 0)
		rp_warn("emulate: cannot hide the vDSO of %d (%s); its clock reads may bypass simulated time",
			(int)t->tid, strerror(errno));
	if (th) {
		fdtable_prune(th->proc->fds, t->pid);
		timers_exec(th->proc);
	}
}

static void on_task_exit(void *ctx, struct tracee *t, int status, uint64_t ts)
{
	(void)ctx;
	(void)ts;
	emu.events++;
	if (recorder)
		recorder->task_exit(recorder->ctx, t, status, simulated_ts());
	struct emu_thread *th = t->user;
	if (!th)
		return;
	th->event = EV_GONE;
	th->t = NULL;
	emu.deaths++;
	struct emu_process *p = th->proc;
	p->threads--;
	if (t->tid == t->pid) {
		p->ended = 1;
		p->status = status;
		p->end = emu_clock();
		fdtable_unref(p->fds);
		p->fds = NULL;
		timers_process_ended(p);
	}
}

static void on_signal(void *ctx, struct tracee *t, const siginfo_t *si, uint64_t ts)
{
	(void)ctx;
	(void)ts;
	emu.events++;
	if (recorder)
		recorder->signal(recorder->ctx, t, si, simulated_ts());
}

static void on_group_stop(void *ctx, struct tracee *t, int signo, uint64_t ts)
{
	(void)ctx;
	(void)ts;
	emu.events++;
	if (recorder)
		recorder->group_stop(recorder->ctx, t, signo, simulated_ts());
}

static void on_detach(void *ctx, struct tracee *t, uint64_t ts)
{
	(void)ctx;
	(void)ts;
	emu.events++;
	if (recorder)
		recorder->detach(recorder->ctx, t, simulated_ts());
}

const struct tracer_handler driver_handler = {
	.syscall_enter = on_syscall_enter,
	.syscall_exit = on_syscall_exit,
	.task_new = on_task_new,
	.exec = on_exec,
	.signal = on_signal,
	.group_stop = on_group_stop,
	.task_exit = on_task_exit,
	.detach = on_detach,
};
