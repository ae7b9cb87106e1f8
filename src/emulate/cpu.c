/*
 * Computation in simulated time. A thread's CPU time is the first field of
 * /proc/PID/task/TID/schedstat: the nanoseconds it ran on a CPU, in user space and in
 * the kernel on its behalf (the scheduler's sum_exec_runtime, what CLOCK_THREAD_CPUTIME_ID
 * reads). At every stop, the time used since the previous one, times the reference speed
 * (flops per CPU second of this machine), is executed on the thread's host while the
 * thread stays stopped.
 */
#include "emulate/cpu.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <simgrid/actor.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util/util.h"

/* Long enough that the CPU clock's resolution and a preemption hardly matter, short enough to go unnoticed. */
#define CALIBRATION_CPU_S 0.05
#define CALIBRATION_ROUND 100000
/* Independent chains, so the loop runs at the speed of the floating-point units rather than of one chain's latency. */
#define CALIBRATION_CHAINS 8
#define FLOPS_PER_MULTIPLY_ADD 2
/* Calls made to measure what a stop costs: a few tens of milliseconds. */
#define STOP_CALIBRATION_CALLS 2000
#define SYSCALL_STOP (SIGTRAP | 0x80)

struct thread_cpu {
	int fd;            /* its schedstat, kept open: one read per stop */
	uint64_t used_ns;  /* CPU time already executed in the simulation */
};

/* Keeps the calibration loop's result alive, so the compiler cannot drop the loop. */
static volatile double calibration_sink;

/* The kernel CPU time a thread spends being stopped for reprise and resumed, per stop: not the program's computation. */
static uint64_t stop_cost_ns;

static int cpu_seconds(double *secs)
{
	struct timespec ts;
	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) < 0)
		return -1;
	*secs = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	return 0;
}

/*
 * --cpu=measured: a CPU second of this machine is worth the flops it does in one second of
 * a plain compiled numeric loop (double-precision multiply-adds on independent chains),
 * measured here on CALIBRATION_CPU_S of CPU time. So a program on a host whose speed is
 * the measured value computes in simulated time as long as it did on this machine.
 */
static int calibrate(double *flops)
{
	double acc[CALIBRATION_CHAINS];
	for (int k = 0; k < CALIBRATION_CHAINS; k++)
		acc[k] = k;
	double start, now;
	uint64_t done = 0;
	if (cpu_seconds(&start) < 0)
		return -1;
	do {
		for (int i = 0; i < CALIBRATION_ROUND; i++)
			for (int k = 0; k < CALIBRATION_CHAINS; k++)
				acc[k] = acc[k] * 0.999999 + 1e-6;
		done += (uint64_t)FLOPS_PER_MULTIPLY_ADD * CALIBRATION_ROUND * CALIBRATION_CHAINS;
		if (cpu_seconds(&now) < 0)
			return -1;
	} while (now - start < CALIBRATION_CPU_S);
	double sum = 0;
	for (int k = 0; k < CALIBRATION_CHAINS; k++)
		sum += acc[k];
	calibration_sink = sum;
	*flops = (double)done / (now - start);
	return 0;
}

/* The CPU nanoseconds of the thread whose schedstat is open as fd: 0, or -1. */
static int read_cpu_ns(int fd, uint64_t *ns)
{
	char buf[96];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	char *end;
	errno = 0;
	unsigned long long v = strtoull(buf, &end, 10);
	if (errno || end == buf)
		return -1;
	*ns = v;
	return 0;
}

static int thread_cpu_ns(pid_t pid, pid_t tid, uint64_t *ns)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/task/%d/schedstat", (int)pid, (int)tid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = read_cpu_ns(fd, ns);
	close(fd);
	return rc;
}

static int wait_for(pid_t pid, int *status)
{
	pid_t got;
	while ((got = waitpid(pid, status, 0)) < 0 && errno == EINTR)
		;
	return got == pid ? 0 : -1;
}

static void stop_calibration_child(void)
{
	if (ptrace(PTRACE_TRACEME, 0, 0, 0) < 0 || raise(SIGSTOP) != 0)
		_exit(1);
	for (int i = 0; i < STOP_CALIBRATION_CALLS; i++)
		syscall(SYS_getppid);
	syscall(SYS_exit_group, 0);
}

/*
 * Runs the calibration child from its first stop to its exit_group: the CPU nanoseconds it
 * used and the syscall stops it made meanwhile. 0, or -1.
 */
static int trace_calibration_child(pid_t child, uint64_t *used_ns, unsigned *stops)
{
	int status;
	uint64_t before, after;
	if (wait_for(child, &status) < 0 || !WIFSTOPPED(status) ||
	    ptrace(PTRACE_SETOPTIONS, child, 0, (void *)(long)(PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL)) < 0 ||
	    thread_cpu_ns(child, child, &before) < 0)
		return -1;
	*stops = 0;
	for (;;) {
		if (ptrace(PTRACE_SYSCALL, child, 0, 0) < 0 || wait_for(child, &status) < 0 || !WIFSTOPPED(status) ||
		    WSTOPSIG(status) != SYSCALL_STOP)
			return -1;
		++*stops;
		struct __ptrace_syscall_info info;
		memset(&info, 0, sizeof(info));
		if (ptrace(PTRACE_GET_SYSCALL_INFO, child, sizeof(info), &info) <= 0)
			return -1;
		if (info.op == PTRACE_SYSCALL_INFO_ENTRY && info.entry.nr == SYS_exit_group)
			break;
	}
	if (thread_cpu_ns(child, child, &after) < 0)
		return -1;
	*used_ns = after - before;
	return 0;
}

/*
 * Being stopped at every call costs a thread kernel CPU time (reporting the stop, being
 * scheduled out and back) that it would not use natively, several microseconds per stop:
 * left in, a program making many calls would compute several times longer than it does.
 * Measured once: a child making getppid calls under a plain PTRACE_SYSCALL loop, against
 * the same calls made here without stops. 0, or -1 with errno set.
 */
static int measure_stop_cost(void)
{
	double start, end;
	if (cpu_seconds(&start) < 0)
		return -1;
	for (int i = 0; i < STOP_CALIBRATION_CALLS; i++)
		syscall(SYS_getppid);
	if (cpu_seconds(&end) < 0)
		return -1;
	pid_t child = fork();
	if (child < 0)
		return -1;
	if (child == 0)
		stop_calibration_child();
	uint64_t traced_ns = 0;
	unsigned stops = 0;
	int rc = trace_calibration_child(child, &traced_ns, &stops);
	int err = errno;
	int status;
	if (kill(child, SIGKILL) < 0 || wait_for(child, &status) < 0)
		rp_warn("emulate: cannot end the CPU calibration child %d: %s", (int)child, strerror(errno));
	if (rc < 0) {
		errno = err ? err : EPROTO;
		return -1;
	}
	double per_stop = ((double)traced_ns - (end - start) * 1e9) / stops;
	stop_cost_ns = per_stop > 0 ? (uint64_t)per_stop : 0;
	return 0;
}

uint64_t cpu_stop_cost_ns(void)
{
	return stop_cost_ns;
}

int cpu_init(char *err, size_t errlen)
{
	if (emu.cpu == CPU_NONE)
		return 0;
	const char *path = "/proc/thread-self/schedstat";
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	uint64_t ns;
	if (fd < 0 || read_cpu_ns(fd, &ns) < 0) {
		snprintf(err, errlen, "--cpu needs threads' CPU time from %s: %s", path,
			 fd < 0 ? strerror(errno) : "unreadable");
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	if (emu.cpu == CPU_MEASURED && calibrate(&emu.cpu_flops) < 0) {
		snprintf(err, errlen, "--cpu=measured: cannot read the CPU clock: %s", strerror(errno));
		return -1;
	}
	if (measure_stop_cost() < 0) {
		snprintf(err, errlen, "--cpu: cannot measure what stopping a traced thread costs: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static struct thread_cpu *thread_cpu_of(struct emu_thread *th)
{
	if (th->cpu)
		return th->cpu;
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/task/%d/schedstat", (int)th->proc->pid, (int)th->tid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		static int warned;
		/* A thread that just ended has nothing left to compute. */
		if (errno != ENOENT && errno != ESRCH && !warned) {
			warned = 1;
			rp_warn("emulate: cannot read the CPU time of thread %d (%s: %s); its computation takes no simulated time",
				(int)th->tid, path, strerror(errno));
		}
		return NULL;
	}
	th->cpu = rp_calloc(1, sizeof(*th->cpu));
	th->cpu->fd = fd;
	/* A deployed program's first reported stop is the execve starting it: what ran before was reprise's own code. */
	if (th->proc->deployed && th->tid == th->proc->pid && read_cpu_ns(fd, &th->cpu->used_ns) < 0)
		th->cpu->used_ns = 0;
	return th->cpu;
}

void cpu_charge(struct emu_thread *th)
{
	if (emu.cpu == CPU_NONE || !th->t)
		return;
	struct thread_cpu *c = thread_cpu_of(th);
	uint64_t ns;
	if (!c || read_cpu_ns(c->fd, &ns) < 0 || ns <= c->used_ns)
		return;
	uint64_t used = ns - c->used_ns;
	c->used_ns = ns;
	if (used > stop_cost_ns)
		sg_actor_execute((double)(used - stop_cost_ns) / 1e9 * emu.cpu_flops);
}

void cpu_forget(struct emu_thread *th)
{
	if (!th->cpu)
		return;
	close(th->cpu->fd);
	free(th->cpu);
	th->cpu = NULL;
}
