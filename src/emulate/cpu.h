/*
 * Computation in simulated time (--cpu): the CPU time a thread used since its previous
 * stop becomes flops at the reference speed, executed on its simulated host, so a host
 * of half the speed takes twice as long to compute the same thing.
 */
#ifndef REPRISE_EMULATE_CPU_H
#define REPRISE_EMULATE_CPU_H

#include <stddef.h>

#include "emulate/world.h"

/*
 * Checks that threads' CPU time can be read, measures what a stop costs and, with
 * --cpu=measured, sets emu.cpu_flops to this machine's speed. 0, or -1 with a one-line
 * reason in err.
 */
int cpu_init(char *err, size_t errlen);

/* The kernel CPU time a stop for reprise costs a thread, measured by cpu_init and left out of its computation. */
uint64_t cpu_stop_cost_ns(void);

/* At a stop of th: runs the computation th did since its previous stop on th's host. */
void cpu_charge(struct emu_thread *th);

/* Frees what cpu_charge kept about th. */
void cpu_forget(struct emu_thread *th);

#endif
