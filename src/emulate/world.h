/*
 * The emulation's shared state: the programs being driven, on which simulated host, and
 * the calls answered for them. Every actor runs on SimGrid's one OS thread (raw
 * contexts), which is also the ptrace tracer, so nothing here needs locking.
 */
#ifndef REPRISE_EMULATE_WORLD_H
#define REPRISE_EMULATE_WORLD_H

#include <simgrid/cond.h>
#include <simgrid/forward.h>
#include <stdint.h>
#include <sys/types.h>

#include "tracer/tracer.h"

struct fdtable;

enum emu_mode { MODE_MEDIATE, MODE_TRANSLATE };
enum emu_cpu { CPU_NONE, CPU_MEASURED, CPU_SCALED };

struct emu {
	struct tracer *tr;
	enum emu_mode mode;      /* --mode */
	enum emu_cpu cpu;        /* --cpu */
	double cpu_flops;        /* --cpu=scaled:FLOPS: flops per CPU second */
	const char *trace_path;  /* -o: where the run is recorded, or NULL */
	double epoch;            /* seconds since 1970 at simulated time 0 */
	uint64_t seed;
	int seeded;              /* --seed given: getrandom is answered */
	int failed;              /* a one-line error was printed; stop starting programs */
	int finished;            /* simgrid_run returned: nobody is left to wake */
	/* Broadcast at every change other actors may wait for: data, connections, exits. */
	sg_cond_t changed;
	uint64_t generation;     /* counts the broadcasts */
	uint64_t deaths;         /* counts the threads reaped */
	uint64_t events;         /* counts the stops and task events the tracer reported */
	struct emu_process **procs; /* every deployed process, for the report */
	size_t nprocs, procs_cap;
	unsigned char *warned;   /* per syscall number: the "not handled correctly" warning was given */
};

struct emu_process {
	pid_t pid;
	sg_host_t host;
	char *command;           /* argv joined by spaces, for the report */
	double start, end;
	int status;              /* wait status, valid when ended */
	int ended, deployed;
	struct fdtable *fds;
	size_t threads;          /* live threads driven by actors */
};

enum thread_event { EV_NONE, EV_ENTRY, EV_EXIT, EV_GONE };

struct emu_thread;
struct thread_cpu;
typedef void (*exit_hook_fn)(struct emu_thread *th, int64_t ret);

struct emu_thread {
	pid_t tid;
	struct emu_process *proc;
	struct tracee *t;        /* NULL once the thread is gone */
	enum thread_event event;
	int64_t ret;             /* the result at EV_EXIT */
	exit_hook_fn exit_hook;  /* set at entry for natively run calls that reprise must follow */
	uint64_t hook_arg;
	int may_block;           /* the native call in progress may wait for another tracee */
	struct thread_cpu *cpu;  /* the CPU time already simulated (cpu.c), or NULL */
};

extern struct emu emu;

/* Starts an actor on host that drives thread th. */
void driver_spawn_actor(struct emu_thread *th, sg_host_t host);

/*
 * Wakes every actor waiting for a change; waits for a change since the caller last
 * looked (without a SimGrid call in between), or until timeout (< 0: none). Returns
 * whether something changed.
 */
void emu_notify(void);
int emu_wait(double timeout);

/*
 * A wait of a thread that also watches kernel descriptors, whose readiness no actor
 * announces: until a change, left seconds (< 0: no limit), or a quantum starting at 1 ms
 * that doubles while nothing changes; past an hour only changes and left end it, as for
 * threads waiting in the kernel.
 */
#define EMU_POLL_QUANTUM_FIRST 0.001
void emu_wait_polling(double *quantum, double left);

/* Prints the "may be wrong" warning for a call once per syscall name. */
void emu_warn_once(uint32_t nr, const char *why);

/* Records a deployed process for the final report. */
void emu_add_process(struct emu_process *p);

#endif
