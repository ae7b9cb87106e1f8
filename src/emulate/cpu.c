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
#include <time.h>
#include <unistd.h>

#include "util/util.h"

/* Long enough that the CPU clock's resolution and a preemption hardly matter, short enough to go unnoticed. */
#define CALIBRATION_CPU_S 0.05
#define CALIBRATION_ROUND 100000
/* Independent chains, so the loop runs at the speed of the floating-point units rather than of one chain's latency. */
#define CALIBRATION_CHAINS 8
#define FLOPS_PER_MULTIPLY_ADD 2

struct thread_cpu {
	int fd;            /* its schedstat, kept open: one read per stop */
	uint64_t used_ns;  /* CPU time already executed in the simulation */
};

/* Keeps the calibration loop's result alive, so the compiler cannot drop the loop. */
static volatile double calibration_sink;

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
	double flops = (double)(ns - c->used_ns) / 1e9 * emu.cpu_flops;
	c->used_ns = ns;
	sg_actor_execute(flops);
}

void cpu_forget(struct emu_thread *th)
{
	if (!th->cpu)
		return;
	close(th->cpu->fd);
	free(th->cpu);
	th->cpu = NULL;
}
