/* Decoders for what pointer arguments point at, by the syscall table's struct kinds. */
#ifndef REPRISE_SHOW_STRUCTS_H
#define REPRISE_SHOW_STRUCTS_H

#include <stddef.h>
#include <stdint.h>

#include "show/format.h"

/* The struct argument idx points at, as captured at phase; its address when it was not captured. */
void fmt_struct(struct strbuf *sb, const struct call *c, unsigned idx, unsigned phase, const struct show_style *st);

/*
 * 1 if strace completes struct argument idx at exit with " => {...}", what the kernel
 * wrote through pointers inside it (clone3 with CLONE_PIDFD or CLONE_PARENT_SETTID).
 */
int struct_exit_suffix(const struct call *c, unsigned idx);

/* That completion: " => {pidfd=[3], parent_tid=[1234]}"; nothing if the call failed or has not returned. */
void fmt_struct_exit_suffix(struct strbuf *sb, const struct call *c, unsigned idx);

/* struct iovec[count] at addr, buffers shown up to `total` bytes in all. */
void fmt_iovecs(struct strbuf *sb, const struct call *c, uint64_t addr, uint64_t count, uint64_t total,
		unsigned phase, const struct show_style *st);

/* Element i of the iovec array at addr: 0, or -1 when it was not captured. */
int iovec_at(const struct call *c, uint64_t addr, uint64_t i, uint64_t *base, uint64_t *len);

/* struct flock at addr (fcntl locks). */
void fmt_flock(struct strbuf *sb, const struct call *c, uint64_t addr, unsigned phase);

/* What strace adds after a successful result: " (Timeout)", " ([{fd=3, revents=POLLIN}])"... */
void fmt_result_note(struct strbuf *sb, const struct call *c, const struct show_style *st);

/* A kernel siginfo_t: {si_signo=SIGCHLD, si_code=CLD_EXITED, ...}. */
void fmt_siginfo(struct strbuf *sb, const uint8_t *si, size_t len);

#endif
