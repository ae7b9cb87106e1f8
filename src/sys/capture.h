/*
 * Capture: which tracee memory a system call reads or writes, driven by the
 * syscall table's argument kinds. The rule every kind follows: keep the memory
 * the kernel read (at entry) or wrote (at exit) at its own address and size, so a
 * decoder later finds a struct, a buffer or a string by following the same
 * pointers (rpr_event_mem).
 */
#ifndef REPRISE_SYS_CAPTURE_H
#define REPRISE_SYS_CAPTURE_H

#include <stddef.h>
#include <stdint.h>

#include "sys/table.h"

struct capture_ops {
	void *ctx;
	/* Reads tracee memory: bytes read (short if the range runs into an unmapped page), or -1 if none. */
	long (*read)(void *ctx, uint64_t addr, void *buf, size_t len);
	/*
	 * Keeps a region: `stored` bytes of data out of the `size` the call used at addr.
	 * flags are RPR_REGION_*. 0, or -1 when out of memory.
	 */
	int (*keep)(void *ctx, unsigned phase, unsigned arg, uint64_t addr, uint64_t size,
		    const void *data, uint64_t stored, unsigned flags);
};

struct capture_limits {
	uint64_t snaplen; /* cap on data buffers (AK_BUF_*, AK_IOV_*, message payloads), 0 = none */
	int no_data;      /* keep no data buffers at all; structs, strings and paths are still kept */
};

/*
 * Captures what entry `e` (NULL: unknown syscall, nothing to capture) touches at
 * `phase` (RPR_PHASE_ENTER or RPR_PHASE_EXIT; ret is only meaningful at exit).
 * Returns 0, or -1 if ops->keep failed.
 */
int sys_capture(const struct sys_entry *e, unsigned phase, const uint64_t args[6], int64_t ret,
		const struct capture_limits *lim, const struct capture_ops *ops);

#endif
