/* The tracer handler that drives traced threads from SimGrid actors. */
#ifndef REPRISE_EMULATE_DRIVER_H
#define REPRISE_EMULATE_DRIVER_H

#include "emulate/world.h"

extern const struct tracer_handler driver_handler;

/* Builds the call table and SimGrid synchronization; after simgrid_init and the platform. */
void driver_init(void);
void driver_free(void);

/*
 * Passes every event on to h (the recorder's handler) with the simulated wall clock as its
 * time stamp: driver_trace_epoch_ns() plus the simulated nanoseconds.
 */
void driver_record_to(const struct tracer_handler *h);
uint64_t driver_trace_epoch_ns(void);

/* Drives a process just started with tracer_start until its first thread ends. */
void driver_run_started(struct emu_process *p, pid_t pid);

#endif
