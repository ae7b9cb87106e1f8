/*
 * How the emulator answers a call stopped at its entry. Each rule names a syscall; the
 * driver finds its number through the arch table and calls `answer`, which either
 * returns ANSWERED with the result the program will see (the kernel never runs the call)
 * or NATIVE to let the kernel run it.
 */
#ifndef REPRISE_EMULATE_CALLS_H
#define REPRISE_EMULATE_CALLS_H

#include <stdint.h>

#include "emulate/world.h"

enum verdict { NATIVE, ANSWERED };

/* Whether a natively run call may wait in the kernel for another traced program. */
enum blocking { NEVER_BLOCKS, MAY_BLOCK, BLOCKS_ON_FD0 };

struct call_rule {
	const char *name;
	enum verdict (*answer)(struct emu_thread *th, int64_t *result);
	enum blocking blocking;
};

extern const struct call_rule vtime_rules[];
extern const struct call_rule net_rules[];
extern const struct call_rule random_rules[];

/* Reads or writes the thread's memory whole; 0, or -1 (the call then fails with EFAULT). */
int emu_read(struct emu_thread *th, uint64_t addr, void *buf, size_t len);
int emu_write(struct emu_thread *th, uint64_t addr, const void *buf, size_t len);

/* Frees the generators getrandom used. */
void random_free(void);

/* Simulated seconds since the start. */
double emu_clock(void);

#endif
