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
	/*
	 * The tracee's stack pointer at the syscall's entry (0 if unknown): rt_sigreturn's
	 * signal mask is on the stack, not behind an argument (AK_SIGFRAME_MASK).
	 */
	uint64_t stack_pointer;
};

struct capture_limits {
	uint64_t snaplen; /* cap on data buffers (AK_BUF_*, AK_IOV_*, message payloads), 0 = none */
	int no_data;      /* keep no data buffers at all; structs, strings and paths are still kept */
};

/*
 * Conventions every decoder can rely on:
 *  - Strings (AK_PATH, AK_STR, each AK_STR_ARRAY member) are kept with their NUL, so
 *    size = strlen + 1. A string with no NUL within its cap (paths 2*PATH_MAX, other
 *    strings 64 KiB) or running into unreadable memory is kept as far as it goes and
 *    flagged RPR_REGION_TRUNCATED; one whose first byte is unreadable is a 1-byte
 *    RPR_REGION_FAULT region.
 *  - Unreadable memory: a region of the intended size, stored 0, RPR_REGION_FAULT.
 *    Memory readable only in part keeps the readable prefix, flagged truncated.
 *  - Nothing is captured at exit when the call failed (result in -4095..-1), and
 *    NULL pointers are never followed.
 *  - The descriptors of _OUT data (the iovec array of readv, the msghdr of recvmsg
 *    with its iovecs, name and control) are kept at exit beside the data, so a
 *    decoder finds everything of an _OUT argument in the exit phase.
 *  - Data buffers are capped by snaplen (and 64 MiB regardless); structs never are,
 *    except where a length argument is garbage beyond what the kernel accepts.
 *  - SK_MMSGHDR: at entry the array[vlen] and each member's name, iovecs with data and
 *    control (sendmmsg); at exit the array[result], and for AK_STRUCT_OUT (recvmmsg)
 *    each member's contents with msg_len bytes spread over its iovecs.
 *  - SK_SOCKADDR_OUT reads the length from the socklen_t its aux argument points at;
 *    that socklen_t itself is kept by the aux argument (AK_STRUCT_INOUT SK_SOCKLEN).
 * Capture never allocates once its per-thread scratch buffer has grown to the
 * largest buffer seen.
 *
 * Captures what entry `e` (NULL: unknown syscall, nothing to capture) touches at
 * `phase` (RPR_PHASE_ENTER or RPR_PHASE_EXIT; ret is only meaningful at exit).
 * Returns 0, or -1 if ops->keep failed or the scratch buffer could not grow.
 */
int sys_capture(const struct sys_entry *e, unsigned phase, const uint64_t args[6], int64_t ret,
		const struct capture_limits *lim, const struct capture_ops *ops);

#endif
